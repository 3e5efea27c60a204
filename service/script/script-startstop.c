#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf-model.h"
#include "script/script-config.h"
#include "script/script-startstop.h"
#include "util/cleanup.h"
#include "util/log.h"

struct ScriptStartStop {
        const char *keyword; /* "startup_script" or "shutdown_script" */
        ScriptCommand command;
        usec_t timeout_usec;
        sd_event *event;
        ScriptExec *exec;
        script_startstop_done_t done;
        void *userdata;
};

ScriptStartStop *script_startstop_free(ScriptStartStop *s) {
        if (!s)
                return NULL;
        if (s->exec)
                log_warning("%s: still running at exit, killing it (pid %d)", s->keyword,
                            (int) script_exec_get_pid(s->exec));
        script_exec_free(s->exec);
        script_config_command_done(&s->command);
        sd_event_unref(s->event);
        free(s);
        return NULL;
}

void script_startstop_freep(ScriptStartStop **s) {
        script_startstop_free(*s);
}

/* keepalived: "%s script failed, status %u" */
static void script_startstop_on_exit(ScriptExec *e, const ScriptResult *res, void *userdata) {
        ScriptStartStop *s = userdata;

        s->exec = script_exec_free(s->exec);
        if (res->kind == SCRIPT_EXIT_EXITED && res->status != 0)
                log_warning("%s: failed, exit status %d", s->keyword, res->status);
        else if (res->kind == SCRIPT_EXIT_SIGNALED)
                log_warning("%s: killed by signal %s", s->keyword, sigabbrev_np(res->status) ?: "?");
        else if (res->kind == SCRIPT_EXIT_TIMED_OUT)
                log_warning("%s: killed at its timeout of %llu s", s->keyword,
                            (unsigned long long) (s->timeout_usec / USEC_PER_SEC));
        else
                log_info("%s: succeeded", s->keyword);
        if (s->done)
                s->done(s->userdata);
}

/* 0 with *ret NULL when the script is not configured or cannot run (logged as disabled). */
static int script_startstop_new(const ConfGlobal *g, bool startup, ScriptStartStop **ret) {
        _cleanup_(script_startstop_freep) ScriptStartStop *s = NULL;
        const ConfNotify *line = startup ? &g->startup_script : &g->shutdown_script;
        const char *keyword = startup ? "startup_script" : "shutdown_script";

        *ret = NULL;
        if (!line->command)
                return 0;
        s = calloc(1, sizeof(*s));
        if (!s)
                return log_oom();
        s->keyword = keyword;
        s->timeout_usec = startup ? g->startup_script_timeout : g->shutdown_script_timeout;
        if (script_config_command(g, keyword, line->command, line->user, line->group, &s->command) < 0) {
                log_warning("%s: disabled", keyword);
                return 0;
        }
        *ret = TAKE_PTR(s);
        return 0;
}

static int script_startstop_exec(ScriptStartStop *s, sd_event *e) {
        const ScriptExecParams p = { .name = s->keyword,
                                     .command = &s->command,
                                     .timeout_usec = s->timeout_usec };
        int r;

        s->event = sd_event_ref(e);
        log_info("%s: running '%s'", s->keyword, s->command.argv[0]);
        r = script_exec_start(e, &p, script_startstop_on_exit, s, &s->exec);
        if (r < 0)
                return log_error_errno(r, "%s: failed to start it, going on without: %m", s->keyword);
        return 0;
}

int script_startstop_start(sd_event *e, const ConfGlobal *g, script_startstop_done_t done, void *userdata,
                           ScriptStartStop **ret) {
        _cleanup_(script_startstop_freep) ScriptStartStop *s = NULL;
        int r;

        assert(e);
        assert(g);
        assert(done);
        assert(ret);

        r = script_startstop_new(g, true, &s);
        if (r < 0 || !s)
                return r;
        s->done = done;
        s->userdata = userdata;
        if (script_startstop_exec(s, e) < 0)
                return 0;
        *ret = TAKE_PTR(s);
        return 1;
}

int script_startstop_prepare_shutdown(const ConfGlobal *g, ScriptStartStop **ret) {
        assert(g);
        assert(ret);

        return script_startstop_new(g, false, ret);
}

static void script_startstop_on_shutdown_done(void *userdata) {
        ScriptStartStop *s = userdata;

        (void) sd_event_exit(s->event, 0);
}

int script_startstop_run_shutdown(ScriptStartStop *s) {
        _cleanup_(sd_event_unrefp) sd_event *e = NULL;
        int r;

        assert(s);

        r = sd_event_new(&e);
        if (r < 0)
                return log_error_errno(r, "shutdown_script: failed to make its event loop: %m");
        (void) sd_event_set_watchdog(e, true);
        s->done = script_startstop_on_shutdown_done;
        s->userdata = s;
        if (script_startstop_exec(s, e) < 0)
                return 0;
        r = sd_event_loop(e);
        s->exec = script_exec_free(s->exec);
        return r < 0 ? log_error_errno(r, "shutdown_script: its event loop failed: %m") : 0;
}
