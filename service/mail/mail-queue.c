#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mail/mail-exit.h"
#include "mail/mail-queue.h"
#include "script/script-exec.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/string-table.h"

typedef struct MailJob {
        char **argv;
        char *subject;
        usec_t timeout;
} MailJob;

struct MailQueue {
        sd_event *event;
        MailStats *stats;
        uid_t uid;
        gid_t gid;
        MailJob jobs[MAIL_QUEUE_MAX]; /* a ring: n waiting from head */
        size_t head;
        size_t n;
        ScriptExec *exec;
        MailJob running;
        void (*idle_handler)(void *userdata);
        void *idle_userdata;
};

static const char *const mail_error_table[_MAIL_ERROR_MAX] = {
        [MAIL_ERROR_NONE] = "",
        [MAIL_ERROR_CONNECT] = "could not connect",
        [MAIL_ERROR_TIMEOUT] = "timed out",
        [MAIL_ERROR_REFUSED] = "refused by the server",
        [MAIL_ERROR_HELPER] = "helper cannot run",
        [MAIL_ERROR_OTHER] = "failed",
};

DEFINE_STRING_TABLE_TO_STRING(mail_error, MailError);

static void mail_job_done(MailJob *j) {
        j->argv = strv_free(j->argv);
        free(j->subject);
        j->subject = NULL;
}

int mail_queue_new(sd_event *e, MailStats *stats, uid_t uid, gid_t gid, MailQueue **ret) {
        MailQueue *q;

        assert(e);
        assert(stats);
        assert(ret);
        q = calloc(1, sizeof(*q));
        if (!q)
                return -ENOMEM;
        *q = (MailQueue){ .event = sd_event_ref(e), .stats = stats, .uid = uid, .gid = gid };
        *ret = q;
        return 0;
}

MailQueue *mail_queue_free(MailQueue *q) {
        if (!q)
                return NULL;
        if (q->exec)
                log_warning("SMTP alert '%s' still being sent, stopping it", q->running.subject);
        q->exec = script_exec_free(q->exec);
        mail_job_done(&q->running);
        for (size_t k = 0; k < q->n; k++)
                mail_job_done(&q->jobs[(q->head + k) % MAIL_QUEUE_MAX]);
        q->stats->queued = 0;
        sd_event_unref(q->event);
        free(q);
        return NULL;
}

void mail_queue_freep(MailQueue **q) {
        assert(q);
        *q = mail_queue_free(*q);
}

void mail_queue_set_idle_handler(MailQueue *q, void (*handler)(void *userdata), void *userdata) {
        assert(q);
        q->idle_handler = handler;
        q->idle_userdata = userdata;
}

bool mail_queue_is_idle(const MailQueue *q) {
        assert(q);
        return !q->exec && q->n == 0;
}

static MailError mail_error_of(const ScriptResult *res) {
        if (res->kind == SCRIPT_EXIT_TIMED_OUT)
                return MAIL_ERROR_TIMEOUT;
        if (res->kind != SCRIPT_EXIT_EXITED)
                return MAIL_ERROR_OTHER;
        switch (res->status) {
        case MAIL_EXIT_SENT:
                return MAIL_ERROR_NONE;
        case MAIL_EXIT_CONNECT:
                return MAIL_ERROR_CONNECT;
        case MAIL_EXIT_TIMEOUT:
                return MAIL_ERROR_TIMEOUT;
        case MAIL_EXIT_REFUSED:
                return MAIL_ERROR_REFUSED;
        case 126: /* script-exec.h: could not switch user; not found or not executable */
        case 127:
                return MAIL_ERROR_HELPER;
        default:
                return MAIL_ERROR_OTHER;
        }
}

static void mail_queue_run_next(MailQueue *q, bool was_busy);

static void mail_queue_on_exit(ScriptExec *s, const ScriptResult *res, void *userdata) {
        MailQueue *q = userdata;
        MailError e = mail_error_of(res);

        q->exec = script_exec_free(q->exec);
        if (e == MAIL_ERROR_NONE) {
                q->stats->sent++;
                log_info("SMTP alert sent: %s", q->running.subject);
        } else {
                q->stats->failed++;
                q->stats->last_error = e;
                log_error("SMTP alert not sent (%s): %s", mail_error_to_string(e), q->running.subject);
        }
        mail_job_done(&q->running);
        q->stats->queued--;
        mail_queue_run_next(q, true); /* may free q */
}

static int mail_queue_start(MailQueue *q) {
        const ScriptCommand command = { .argv = q->running.argv, .uid = q->uid, .gid = q->gid };
        const ScriptExecParams p = { .name = "vrrpd-mail", .command = &command, .timeout_usec = q->running.timeout };

        return script_exec_start(q->event, &p, mail_queue_on_exit, q, &q->exec);
}

/* Starts the next waiting alert unless one is being sent; calls the idle handler when all is done. */
static void mail_queue_run_next(MailQueue *q, bool was_busy) {
        while (!q->exec && q->n > 0) {
                int r;

                q->running = q->jobs[q->head];
                q->jobs[q->head] = (MailJob){};
                q->head = (q->head + 1) % MAIL_QUEUE_MAX;
                q->n--;
                was_busy = true;
                r = mail_queue_start(q);
                if (r >= 0)
                        continue;
                log_error_errno(r, "SMTP alert not sent (cannot run %s: %m): %s", q->running.argv[0],
                                q->running.subject);
                q->stats->failed++;
                q->stats->last_error = MAIL_ERROR_HELPER;
                q->stats->queued--;
                mail_job_done(&q->running);
        }
        if (was_busy && mail_queue_is_idle(q) && q->idle_handler)
                q->idle_handler(q->idle_userdata); /* may free q */
}

int mail_queue_push(MailQueue *q, char **argv, const char *subject, usec_t timeout) {
        MailJob j = { .argv = argv, .subject = strdup(subject), .timeout = timeout };

        assert(q);
        assert(argv);
        if (!j.subject)
                return mail_job_done(&j), -ENOMEM;
        if (q->n == MAIL_QUEUE_MAX) {
                MailJob *old = &q->jobs[q->head];

                log_warning("SMTP alert queue full (%d), dropping the oldest: %s", MAIL_QUEUE_MAX, old->subject);
                mail_job_done(old);
                q->head = (q->head + 1) % MAIL_QUEUE_MAX;
                q->n--;
                q->stats->dropped++;
                q->stats->queued--;
        }
        q->jobs[(q->head + q->n) % MAIL_QUEUE_MAX] = j;
        q->n++;
        q->stats->queued++;
        mail_queue_run_next(q, false);
        return 0;
}
