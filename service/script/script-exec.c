#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-event.h>

#include "script/script-exec-command.h"
#include "script/script-exec.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/string-table.h"

#define SCRIPT_EXEC_DRAIN_MAX (64 * 1024) /* output read at exit, at most */
#define SCRIPT_EXEC_ACCURACY_USEC USEC_PER_MSEC
/* A script's output is logged up to this many lines a second, as journald's rate limit would do, so that a
 * script flooding its output costs the loop reads, not a log line each, and leaves the log readable. */
#define SCRIPT_EXEC_LOG_BURST 100u
#define SCRIPT_EXEC_LOG_WINDOW_USEC USEC_PER_SEC

typedef enum ScriptExecPhase {
        SCRIPT_EXEC_RUNNING,
        SCRIPT_EXEC_TERMINATING, /* timed out, SIGTERM sent */
        SCRIPT_EXEC_KILLING,     /* SIGKILL sent */
        SCRIPT_EXEC_DONE,
} ScriptExecPhase;

struct ScriptExec {
        sd_event *event;
        char *name;
        pid_t pid;
        int out_fd;
        sd_event_source *child_source;
        sd_event_source *timer_source;
        sd_event_source *out_source;
        ScriptExecPhase phase;
        usec_t kill_grace_usec;
        usec_t started_usec;
        script_exec_handler_t handler;
        void *userdata;
        size_t line_len;
        char line[SCRIPT_EXEC_LINE_MAX + 1];
        usec_t window_usec;       /* when the current second of logging began */
        unsigned window_lines;    /* lines logged in it */
        unsigned long suppressed; /* lines read and not logged since */
};

/* What the child needs, all prepared before fork(): the child only makes system calls. */
typedef struct ScriptExecChild {
        char **argv;
        char *env[SCRIPT_EXEC_ENV_MAX + 2];
        int null_fd;
        int out_fd;
        uid_t uid;
        gid_t gid;
        pid_t parent;
} ScriptExecChild;

static void script_exec_child_fail(const char *what, const char *arg) {
        char buf[512];
        int n;

        n = snprintf(buf, sizeof(buf), "failed to %s '%s': %s\n", what, arg, strerror(errno));
        if (n > 0)
                (void) !write(STDERR_FILENO, buf, (size_t) n < sizeof(buf) ? (size_t) n : sizeof(buf) - 1);
}

static void script_exec_child_fds(const ScriptExecChild *c) {
        struct rlimit rl;

        if (dup2(c->null_fd, STDIN_FILENO) < 0 || dup2(c->out_fd, STDOUT_FILENO) < 0 ||
            dup2(c->out_fd, STDERR_FILENO) < 0)
                _exit(EXIT_FAILURE);
        if (close_range(3, ~0U, 0) == 0)
                return;
        if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur > 65536)
                rl.rlim_cur = 65536;
        for (int fd = 3; fd < (int) rl.rlim_cur; fd++)
                (void) close(fd);
}

static void script_exec_child_signals(void) {
        struct sigaction sa = { .sa_handler = SIG_DFL };
        sigset_t ss;

        /* SIGKILL, SIGSTOP and the real-time ones glibc keeps for itself fail: fine */
        for (int sig = 1; sig < _NSIG; sig++)
                (void) sigaction(sig, &sa, NULL);
        sigemptyset(&ss);
        (void) sigprocmask(SIG_SETMASK, &ss, NULL);
}

static int script_exec_child_ids(const ScriptExecChild *c) {
        if (c->gid != SCRIPT_EXEC_GID_INVALID) {
                if (geteuid() == 0 && setgroups(1, &c->gid) < 0)
                        return -errno;
                if (c->gid != getegid() && setresgid(c->gid, c->gid, c->gid) < 0)
                        return -errno;
        }
        if (c->uid != SCRIPT_EXEC_UID_INVALID && c->uid != geteuid() &&
            setresuid(c->uid, c->uid, c->uid) < 0)
                return -errno;
        return 0;
}

/* After fork(): never returns. The parent is single-threaded, so what we call here is safe. */
static void script_exec_child(const ScriptExecChild *c, char **sh_argv) {
        (void) setsid(); /* own session and process group: a timeout kills the whole group */
        (void) prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != c->parent)
                _exit(EXIT_FAILURE);
        script_exec_child_signals();
        script_exec_child_fds(c);
        if (script_exec_child_ids(c) < 0) {
                script_exec_child_fail("switch to the user of", c->argv[0]);
                _exit(126);
        }
        execve(c->argv[0], c->argv, c->env);
        if (errno ==
            ENOEXEC) /* no #! line: run it with the shell, as execvp() and keepalived's system() do */
                execve(sh_argv[0], sh_argv, c->env);
        script_exec_child_fail("execute", c->argv[0]);
        _exit(127);
}

static int script_exec_prepare_child(const ScriptExecParams *p, char **argv, ScriptExecChild *c) {
        *c = (ScriptExecChild){ .argv = argv,
                                .null_fd = -EBADF,
                                .out_fd = -EBADF,
                                .parent = getpid(),
                                .uid = p->command->uid,
                                .gid = p->command->gid };
        return script_exec_build_env(p->extra_env, c->env);
}

/* Forks the child with stdout/stderr into a pipe; on success s->pid and s->out_fd are set. */
static int script_exec_fork(ScriptExec *s, ScriptExecChild *c) {
        _cleanup_close_ int null_fd = -EBADF, rfd = -EBADF, wfd = -EBADF;
        _cleanup_free_ char **sh_argv = NULL;
        size_t n = strv_length(c->argv);
        int pipefd[2];
        pid_t pid;

        sh_argv = calloc(n + 2, sizeof(char *));
        if (!sh_argv)
                return -ENOMEM;
        sh_argv[0] = (char *) "/bin/sh";
        memcpy(sh_argv + 1, c->argv, n * sizeof(char *));
        null_fd = open("/dev/null", O_RDWR | O_CLOEXEC | O_NOCTTY);
        if (null_fd < 0)
                return -errno;
        if (pipe2(pipefd, O_CLOEXEC) < 0)
                return -errno;
        rfd = pipefd[0];
        wfd = pipefd[1];
        if (fcntl(rfd, F_SETFL, O_NONBLOCK) < 0)
                return -errno;
        c->null_fd = null_fd;
        c->out_fd = wfd;
        pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0)
                script_exec_child(c, sh_argv);
        s->pid = pid;
        s->out_fd = TAKE_FD(rfd);
        return 0;
}

static void script_exec_report_suppressed(ScriptExec *s) {
        if (s->suppressed > 0)
                log_info("%s: %lu more line(s) of output not logged (at most %u a second)", s->name,
                         s->suppressed, SCRIPT_EXEC_LOG_BURST);
        s->suppressed = 0;
}

static void script_exec_flush_line(ScriptExec *s) {
        usec_t now;

        if (s->line_len == 0)
                return;
        s->line[s->line_len] = 0;
        s->line_len = 0;
        if (sd_event_now(s->event, CLOCK_MONOTONIC, &now) >= 0 &&
            now >= s->window_usec + SCRIPT_EXEC_LOG_WINDOW_USEC) {
                script_exec_report_suppressed(s);
                s->window_usec = now;
                s->window_lines = 0;
        }
        if (s->window_lines >= SCRIPT_EXEC_LOG_BURST) {
                s->suppressed++;
                return;
        }
        s->window_lines++;
        log_info("%s: %s", s->name, s->line);
}

static void script_exec_feed(ScriptExec *s, const char *buf, size_t n) {
        for (size_t i = 0; i < n; i++) {
                if (buf[i] == '\n') {
                        script_exec_flush_line(s);
                        continue;
                }
                if (s->line_len == SCRIPT_EXEC_LINE_MAX)
                        script_exec_flush_line(s); /* a long line is logged in pieces */
                s->line[s->line_len++] = buf[i] ? buf[i] : ' ';
        }
}

/* One read of at most SCRIPT_EXEC_READ_MAX bytes: > 0 read, 0 end of output, -EAGAIN nothing now. */
static int script_exec_read(ScriptExec *s) {
        char buf[SCRIPT_EXEC_READ_MAX];
        ssize_t n;

        if (s->out_fd < 0)
                return 0;
        n = read(s->out_fd, buf, sizeof(buf));
        if (n < 0)
                return errno == EINTR ? -EAGAIN : -errno;
        script_exec_feed(s, buf, (size_t) n);
        return (int) n;
}

static void script_exec_close_output(ScriptExec *s) {
        script_exec_flush_line(s);
        script_exec_report_suppressed(s);
        s->out_source = sd_event_source_disable_unref(s->out_source);
        closep(&s->out_fd);
        s->out_fd = -EBADF;
}

static int script_exec_on_output(sd_event_source *src, int fd, uint32_t revents, void *userdata) {
        ScriptExec *s = userdata;
        int r;

        r = script_exec_read(s); /* bounded per wakeup; level-triggered, so the rest comes next time */
        if (r == 0 || (r < 0 && r != -EAGAIN)) {
                if (r < 0)
                        log_debug_errno(r, "%s: failed to read script output, ignoring: %m", s->name);
                script_exec_close_output(s);
        }
        return 0;
}

/* The SIGKILL deadline, kill_grace_usec from now, on the timeout's own timer. Logs the step that failed. */
static int script_exec_arm_kill_timer(ScriptExec *s, sd_event_source *src) {
        int r;

        r = sd_event_source_set_time_relative(src, s->kill_grace_usec);
        if (r < 0)
                return log_warning_errno(r,
                                         "%s: failed to arm the kill timer (setting its time), killing at "
                                         "once: %m",
                                         s->name);
        r = sd_event_source_set_enabled(src, SD_EVENT_ONESHOT);
        if (r < 0)
                return log_warning_errno(
                        r, "%s: failed to arm the kill timer (enabling it), killing at once: %m", s->name);
        return 0;
}

static int script_exec_on_timer(sd_event_source *src, uint64_t usec, void *userdata) {
        ScriptExec *s = userdata;

        if (s->phase == SCRIPT_EXEC_RUNNING) {
                log_warning("%s: timed out, sending SIGTERM to process group %d", s->name, (int) s->pid);
                s->phase = SCRIPT_EXEC_TERMINATING;
                (void) kill(-s->pid, SIGTERM);
                if (script_exec_arm_kill_timer(s, src) >= 0)
                        return 0;
        }
        if (s->phase != SCRIPT_EXEC_KILLING) {
                log_warning("%s: still running after SIGTERM, sending SIGKILL to process group %d", s->name,
                            (int) s->pid);
                s->phase = SCRIPT_EXEC_KILLING;
                (void) kill(-s->pid, SIGKILL);
        }
        return 0;
}

static int script_exec_on_exit(sd_event_source *src, const siginfo_t *si, void *userdata) {
        ScriptExec *s = userdata;
        ScriptResult res = { .pid = s->pid, .status = si->si_status };
        uint64_t now = 0;

        if (s->phase != SCRIPT_EXEC_RUNNING) {
                /* The leader is still a zombie here, so its pid names its group: kill what is left of it. */
                (void) kill(-s->pid, SIGKILL);
                res.kind = SCRIPT_EXIT_TIMED_OUT;
        } else
                res.kind = si->si_code == CLD_EXITED ? SCRIPT_EXIT_EXITED : SCRIPT_EXIT_SIGNALED;
        if (sd_event_now(s->event, CLOCK_MONOTONIC, &now) >= 0 && now > s->started_usec)
                res.runtime_usec = now - s->started_usec;
        s->phase = SCRIPT_EXEC_DONE;
        s->timer_source = sd_event_source_disable_unref(s->timer_source);

        /* Whatever the script wrote before it exited; bounded, as a background child may hold the pipe. */
        for (size_t total = 0; total < SCRIPT_EXEC_DRAIN_MAX;) {
                int r = script_exec_read(s);
                if (r <= 0)
                        break;
                total += (size_t) r;
        }
        script_exec_close_output(s);
        log_debug("%s: pid %d %s with %d after %" PRIu64 " ms", s->name, (int) res.pid,
                  script_exec_kind_to_string(res.kind), res.status, res.runtime_usec / USEC_PER_MSEC);
        s->handler(s, &res, s->userdata); /* may free s */
        return 0;
}

static int script_exec_watch(ScriptExec *s, const ScriptExecParams *p) {
        int r;

        r = sd_event_add_child(s->event, &s->child_source, s->pid, WEXITED, script_exec_on_exit, s);
        if (r < 0)
                return r;
        r = sd_event_add_io(s->event, &s->out_source, s->out_fd, EPOLLIN, script_exec_on_output, s);
        if (r < 0)
                return r;
        if (p->timeout_usec == 0 || p->timeout_usec == USEC_INFINITY)
                return 0;
        return sd_event_add_time_relative(s->event, &s->timer_source, CLOCK_MONOTONIC, p->timeout_usec,
                                          SCRIPT_EXEC_ACCURACY_USEC, script_exec_on_timer, s);
}

int script_exec_start(sd_event *e, const ScriptExecParams *p, script_exec_handler_t handler, void *userdata,
                      ScriptExec **ret) {
        _cleanup_(script_exec_freep) ScriptExec *s = NULL;
        _cleanup_(strv_freep) char **argv = NULL;
        ScriptExecChild c;
        int r;

        if (!e || !p || !handler || !ret)
                return -EINVAL;
        r = script_exec_build_argv(p->command, p->extra_argv, &argv);
        if (r < 0)
                return r;
        r = script_exec_prepare_child(p, argv, &c);
        if (r < 0)
                return r;
        s = calloc(1, sizeof(*s));
        if (!s)
                return -ENOMEM;
        *s = (ScriptExec){ .event = sd_event_ref(e),
                           .out_fd = -EBADF,
                           .handler = handler,
                           .userdata = userdata,
                           .kill_grace_usec = p->kill_grace_usec ?: SCRIPT_EXEC_KILL_GRACE_USEC };
        s->name = strdup(p->name ?: argv[0]);
        if (!s->name)
                return -ENOMEM;
        (void) sd_event_now(e, CLOCK_MONOTONIC, &s->started_usec);
        r = script_exec_fork(s, &c);
        if (r < 0)
                return r;
        log_debug("%s: started '%s' as pid %d", s->name, argv[0], (int) s->pid);
        r = script_exec_watch(s, p); /* on failure, freeing s kills and reaps the child */
        if (r < 0)
                return r;
        *ret = TAKE_PTR(s);
        return 0;
}

ScriptExec *script_exec_free(ScriptExec *s) {
        if (!s)
                return NULL;
        s->child_source = sd_event_source_disable_unref(s->child_source);
        if (s->pid > 0 && s->phase != SCRIPT_EXEC_DONE) {
                /* the child itself first: freed right after the fork, it may not have made its process
                 * group yet, and whatever it forked since it did is in that group */
                (void) kill(s->pid, SIGKILL);
                (void) kill(-s->pid, SIGKILL);
                while (waitpid(s->pid, NULL, 0) < 0 && errno == EINTR)
                        ;
        }
        s->timer_source = sd_event_source_disable_unref(s->timer_source);
        s->out_source = sd_event_source_disable_unref(s->out_source);
        closep(&s->out_fd);
        sd_event_unref(s->event);
        free(s->name);
        free(s);
        return NULL;
}

void script_exec_freep(ScriptExec **s) {
        assert(s);
        *s = script_exec_free(*s);
}

pid_t script_exec_get_pid(const ScriptExec *s) {
        return s ? s->pid : 0;
}

bool script_exec_is_running(const ScriptExec *s) {
        return s && s->pid > 0 && s->phase != SCRIPT_EXEC_DONE;
}

static const char *const script_exec_kind_table[] = {
        [SCRIPT_EXIT_EXITED] = "exited",
        [SCRIPT_EXIT_SIGNALED] = "killed by signal",
        [SCRIPT_EXIT_TIMED_OUT] = "timed out",
};

DEFINE_STRING_TABLE_TO_STRING(script_exec_kind, ScriptExitKind);
