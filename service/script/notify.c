#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <systemd/sd-event.h>

#include "script/notify.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/string-table.h"

#define NOTIFY_LINE_MAX 512 /* below PIPE_BUF: a line reaches the FIFO whole or not at all */

typedef struct NotifyJob {
        NotifyState state;
        bool generic; /* the `notify` script, with INSTANCE|GROUP name STATE priority */
        uint8_t priority;
} NotifyJob;

struct NotifyQueue {
        sd_event *event;
        NotifyKind kind;
        char *name;
        int vrid;
        ScriptCommand scripts[_NOTIFY_STATE_MAX]; /* argv NULL: none */
        ScriptCommand notify;
        NotifyFifo *fifos[2];
        usec_t timeout_usec;
        usec_t stop_timeout_usec;
        NotifyJob *jobs; /* a ring of max entries: n waiting from head */
        size_t max;
        size_t head;
        size_t n;
        ScriptExec *exec;
        NotifyJob running;
        unsigned dropped;
        notify_idle_handler_t idle_handler;
        void *idle_userdata;
};

struct NotifyFifo {
        char *path;
        int fd;
        bool created;
        ScriptExec *reader;
};

static const char *const notify_state_table[_NOTIFY_STATE_MAX] = {
        [NOTIFY_MASTER] = "MASTER",
        [NOTIFY_BACKUP] = "BACKUP",
        [NOTIFY_FAULT] = "FAULT",
        [NOTIFY_STOP] = "STOP",
        [NOTIFY_DELETED] = "DELETED",
        [NOTIFY_MASTER_RX_LOWER_PRI] = "MASTER_RX_LOWER_PRI",
        [NOTIFY_MASTER_PRIORITY] = "MASTER_PRIORITY",
        [NOTIFY_BACKUP_PRIORITY] = "BACKUP_PRIORITY",
};

/* The keyword of each state's own script, for logs. */
static const char *const notify_script_table[_NOTIFY_STATE_MAX] = {
        [NOTIFY_MASTER] = "notify_master",   [NOTIFY_BACKUP] = "notify_backup",
        [NOTIFY_FAULT] = "notify_fault",     [NOTIFY_STOP] = "notify_stop",
        [NOTIFY_DELETED] = "notify_deleted", [NOTIFY_MASTER_RX_LOWER_PRI] = "notify_master_rx_lower_pri",
};

static const char *const notify_kind_table[] = {
        [NOTIFY_INSTANCE] = "INSTANCE",
        [NOTIFY_GROUP] = "GROUP",
};

DEFINE_STRING_TABLE_TO_STRING(notify_state, NotifyState);
DEFINE_STRING_TABLE_TO_STRING(notify_kind, NotifyKind);
DEFINE_STRING_TABLE_TO_STRING(notify_script, NotifyState);

static bool notify_state_is_transition(NotifyState s) {
        return s <= NOTIFY_DELETED;
}

static int notify_copy_command(ScriptCommand *dst, const ScriptCommand *src) {
        if (!src || !src->argv || !src->argv[0])
                return 0;
        *dst = (ScriptCommand){ .uid = src->uid, .gid = src->gid, .argv = strv_copy(src->argv) };
        return dst->argv ? 0 : -ENOMEM;
}

int notify_queue_new(sd_event *e, const NotifyConfig *c, NotifyQueue **ret) {
        _cleanup_(notify_queue_freep) NotifyQueue *q = NULL;
        int r;

        if (!e || !c || !c->name || !ret || !notify_kind_to_string(c->kind))
                return -EINVAL;
        q = calloc(1, sizeof(*q));
        if (!q)
                return -ENOMEM;
        *q = (NotifyQueue){ .event = sd_event_ref(e),
                            .kind = c->kind,
                            .vrid = c->vrid,
                            .fifos = { c->fifos[0], c->fifos[1] },
                            .timeout_usec = c->timeout_usec ?: NOTIFY_TIMEOUT_DEFAULT_USEC,
                            .stop_timeout_usec = c->stop_timeout_usec ?: NOTIFY_STOP_TIMEOUT_USEC,
                            .max = c->queue_max ?: NOTIFY_QUEUE_MAX };
        q->name = strdup(c->name);
        q->jobs = calloc(q->max, sizeof(NotifyJob));
        if (!q->name || !q->jobs)
                return -ENOMEM;
        for (size_t i = 0; i < _NOTIFY_STATE_MAX; i++) {
                r = notify_copy_command(&q->scripts[i], notify_script_table[i] ? c->scripts[i] : NULL);
                if (r < 0)
                        return r;
        }
        r = notify_copy_command(&q->notify, c->notify);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(q);
        return 0;
}

NotifyQueue *notify_queue_free(NotifyQueue *q) {
        if (!q)
                return NULL;
        if (q->exec)
                log_instance(LOG_WARNING, 0, q->name, q->vrid,
                             "killing a notify script still running (pid %d)",
                             (int) script_exec_get_pid(q->exec));
        q->exec = script_exec_free(q->exec);
        for (size_t i = 0; i < _NOTIFY_STATE_MAX; i++)
                strv_free(q->scripts[i].argv);
        strv_free(q->notify.argv);
        free(q->jobs);
        free(q->name);
        sd_event_unref(q->event);
        free(q);
        return NULL;
}

void notify_queue_freep(NotifyQueue **q) {
        assert(q);
        *q = notify_queue_free(*q);
}

void notify_queue_set_idle_handler(NotifyQueue *q, notify_idle_handler_t handler, void *userdata) {
        assert(q); /* handler may be NULL: none */
        q->idle_handler = handler;
        q->idle_userdata = userdata;
}

bool notify_queue_has_script(const NotifyQueue *q, NotifyState s) {
        assert(q);
        assert(s <= _NOTIFY_STATE_MAX);

        return (s == _NOTIFY_STATE_MAX ? q->notify.argv : q->scripts[s].argv) != NULL;
}

bool notify_queue_is_idle(const NotifyQueue *q) {
        assert(q);
        return !q->exec && q->n == 0;
}

size_t notify_queue_get_waiting(const NotifyQueue *q) {
        assert(q);
        return q->n;
}

unsigned notify_queue_get_dropped(const NotifyQueue *q) {
        assert(q);
        return q->dropped;
}

static const char *notify_job_label(const NotifyJob *j) {
        return j->generic ? "notify" : notify_script_table[j->state];
}

static void notify_queue_enqueue(NotifyQueue *q, NotifyJob job) {
        if (q->n == q->max) {
                const NotifyJob *old = &q->jobs[q->head];

                log_instance(LOG_WARNING, 0, q->name, q->vrid,
                             "notify queue full (%zu), dropping the oldest: %s %s", q->max,
                             notify_job_label(old), notify_state_to_string(old->state));
                q->head = (q->head + 1) % q->max;
                q->n--;
                q->dropped++;
        }
        q->jobs[(q->head + q->n) % q->max] = job;
        q->n++;
}

static void notify_queue_run_next(NotifyQueue *q, bool was_busy);

static void notify_queue_on_exit(ScriptExec *s, const ScriptResult *res, void *userdata) {
        NotifyQueue *q = userdata;
        const char *label = notify_job_label(&q->running);

        q->exec = script_exec_free(q->exec);
        if (res->kind == SCRIPT_EXIT_EXITED && res->status == 0)
                log_instance(LOG_DEBUG, 0, q->name, q->vrid, "%s %s done", label,
                             notify_state_to_string(q->running.state));
        else if (res->kind == SCRIPT_EXIT_EXITED)
                log_instance(LOG_WARNING, 0, q->name, q->vrid, "%s %s exited with status %d", label,
                             notify_state_to_string(q->running.state), res->status);
        else
                log_instance(LOG_WARNING, 0, q->name, q->vrid, "%s %s %s (signal %d)", label,
                             notify_state_to_string(q->running.state), script_exec_kind_to_string(res->kind),
                             res->status);
        notify_queue_run_next(q, true); /* may free q */
}

static int notify_queue_start(NotifyQueue *q, const NotifyJob *j) {
        char prio[4], label[256];
        char *extra[] = { (char *) notify_kind_to_string(q->kind), q->name,
                          (char *) notify_state_to_string(j->state), prio, NULL };
        const ScriptExecParams p = {
                .name = label,
                .command = j->generic ? &q->notify : &q->scripts[j->state],
                .extra_argv = j->generic ? extra : NULL,
                .timeout_usec = j->state == NOTIFY_STOP ? q->stop_timeout_usec : q->timeout_usec,
        };

        snprintf(prio, sizeof(prio), "%d", j->priority);
        snprintf(label, sizeof(label), "%s %s", q->name, notify_job_label(j));
        q->running = *j;
        return script_exec_start(q->event, &p, notify_queue_on_exit, q, &q->exec);
}

/* Starts the next waiting script unless one runs; calls the idle handler when all is done. */
static void notify_queue_run_next(NotifyQueue *q, bool was_busy) {
        while (!q->exec && q->n > 0) {
                NotifyJob j = q->jobs[q->head];
                int r;

                q->head = (q->head + 1) % q->max;
                q->n--;
                was_busy = true;
                r = notify_queue_start(q, &j);
                if (r < 0)
                        log_instance(LOG_WARNING, r, q->name, q->vrid,
                                     "failed to run %s '%s', skipping it: %m", notify_job_label(&j),
                                     (j.generic ? &q->notify : &q->scripts[j.state])->argv[0]);
        }
        if (was_busy && notify_queue_is_idle(q) && q->idle_handler)
                q->idle_handler(q, q->idle_userdata); /* may free q */
}

int notify_queue_push(NotifyQueue *q, NotifyState state, uint8_t priority) {
        assert(q);
        if ((unsigned) state >= _NOTIFY_STATE_MAX)
                return -EINVAL;
        if (q->kind == NOTIFY_GROUP)
                priority = 0; /* keepalived: "the prio will be indicated as zero for a group" */
        log_instance(LOG_DEBUG, 0, q->name, q->vrid, "notify %s %u", notify_state_to_string(state),
                     priority);
        for (size_t i = 0; i < ELEMENTSOF(q->fifos); i++)
                if (q->fifos[i])
                        (void) notify_fifo_write(q->fifos[i], q->kind, q->name, state, priority);
        if (q->scripts[state].argv)
                notify_queue_enqueue(q, (NotifyJob){ .state = state, .priority = priority });
        if (q->notify.argv && notify_state_is_transition(state))
                notify_queue_enqueue(q,
                                     (NotifyJob){ .state = state, .generic = true, .priority = priority });
        notify_queue_run_next(q, false);
        return 0;
}

static void notify_fifo_on_reader_exit(ScriptExec *s, const ScriptResult *res, void *userdata) {
        NotifyFifo *f = userdata;

        log_warning("notify fifo '%s': its reader script %s (%d)", f->path,
                    script_exec_kind_to_string(res->kind), res->status);
        f->reader = script_exec_free(f->reader);
}

static int notify_fifo_start_reader(sd_event *e, NotifyFifo *f, const ScriptCommand *reader) {
        char label[PATH_MAX + 32];
        const ScriptExecParams p = {
                .name = label,
                .command = reader,
                .extra_argv = (char *const[]){ f->path, NULL }, /* keepalived: add_script_param(fifo name) */
        };

        snprintf(label, sizeof(label), "notify_fifo_script '%s'", f->path);
        return script_exec_start(e, &p, notify_fifo_on_reader_exit, f, &f->reader);
}

static int notify_fifo_open(NotifyFifo *f, uid_t uid, gid_t gid) {
        struct stat st;

        if (mkfifo(f->path, NOTIFY_FIFO_MODE) == 0) {
                f->created = true;
                if ((uid != (uid_t) -1 || gid != (gid_t) -1) && chown(f->path, uid, gid) < 0)
                        log_warning_errno(errno, "notify fifo '%s': failed to set its owner, ignoring: %m",
                                          f->path);
        } else if (errno != EEXIST)
                return -errno;
        f->fd = open(f->path, O_RDWR | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);
        if (f->fd < 0)
                return -errno;
        if (fstat(f->fd, &st) < 0)
                return -errno;
        return S_ISFIFO(st.st_mode) ? 0 : -EEXIST;
}

int notify_fifo_new(sd_event *e, const char *path, uid_t uid, gid_t gid, const ScriptCommand *reader,
                    NotifyFifo **ret) {
        _cleanup_(notify_fifo_freep) NotifyFifo *f = NULL;
        int r;

        if (!e || !path || !ret)
                return -EINVAL;
        f = calloc(1, sizeof(*f));
        if (!f)
                return -ENOMEM;
        f->fd = -EBADF;
        f->path = strdup(path);
        if (!f->path)
                return -ENOMEM;
        r = notify_fifo_open(f, uid, gid);
        if (r < 0)
                return r;
        if (reader && reader->argv && reader->argv[0]) {
                r = notify_fifo_start_reader(e, f, reader);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(f);
        return 0;
}

NotifyFifo *notify_fifo_free(NotifyFifo *f) {
        if (!f)
                return NULL;
        f->reader = script_exec_free(f->reader);
        /* unlink first, so that a reader looping on reopen cannot find it again (keepalived) */
        if (f->created)
                (void) unlink(f->path);
        closep(&f->fd);
        free(f->path);
        free(f);
        return NULL;
}

void notify_fifo_freep(NotifyFifo **f) {
        assert(f);
        *f = notify_fifo_free(*f);
}

int notify_fifo_write(NotifyFifo *f, NotifyKind kind, const char *name, NotifyState state,
                      uint8_t priority) {
        char line[NOTIFY_LINE_MAX];
        ssize_t n;
        int len;

        assert(f);
        assert(name);
        if (!notify_kind_to_string(kind) || !notify_state_to_string(state))
                return -EINVAL;
        len = snprintf(line, sizeof(line), "%s \"%s\" %s %d\n", notify_kind_to_string(kind), name,
                       notify_state_to_string(state), priority);
        if (len < 0 || (size_t) len >= sizeof(line))
                return log_debug_errno(EMSGSIZE, "notify fifo '%s': line for '%s' too long, dropped",
                                       f->path, name);
        n = write(f->fd, line, (size_t) len);
        if (n < 0)
                return log_debug_errno(errno, "notify fifo '%s': line for '%s' dropped: %m", f->path, name);
        return 0;
}
