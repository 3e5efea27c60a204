#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-event.h>

#include "track/track-script.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/strv.h"

#define TRACK_SCRIPT_ACCURACY_USEC USEC_PER_MSEC

struct TrackScript {
        sd_event *event;
        char *name;
        ScriptCommand command;
        usec_t interval_usec;
        usec_t timeout_usec;
        usec_t kill_grace_usec;
        int weight;
        bool reverse;
        VrrpTrackCounter counter;
        int last_status; /* last exit code, -1 before the first */
        unsigned runs;
        unsigned skipped;
        usec_t next_usec;
        sd_event_source *timer_source;
        ScriptExec *exec;
        track_script_handler_t handler;
        void *userdata;
};

static void track_script_result(TrackScript *t, bool ok, const char *how) {
        if (!vrrp_track_counter_step(&t->counter, ok))
                return;
        log_info("%s: %s, now %s", t->name, how, vrrp_track_state_to_string(t->counter.state));
        t->handler(t, t->counter.state, t->userdata); /* may free t */
}

static void track_script_on_exit(ScriptExec *s, const ScriptResult *res, void *userdata) {
        TrackScript *t = userdata;
        char how[64];

        t->exec = script_exec_free(t->exec);
        if (res->kind == SCRIPT_EXIT_EXITED) {
                if (res->status != t->last_status)
                        log_info("%s: script now returning %d", t->name, res->status);
                t->last_status = res->status;
                snprintf(how, sizeof(how), res->status == 0 ? "succeeded" : "failed (exit status %d)",
                         res->status);
        } else if (res->kind == SCRIPT_EXIT_SIGNALED)
                snprintf(how, sizeof(how), "failed (signal %s)", sigabbrev_np(res->status) ?: "?");
        else
                snprintf(how, sizeof(how), "timed out");
        track_script_result(t, res->kind == SCRIPT_EXIT_EXITED && res->status == 0, how);
}

static int track_script_run(TrackScript *t) {
        const ScriptExecParams p = {
                .name = t->name,
                .command = &t->command,
                .timeout_usec = t->timeout_usec,
                .kill_grace_usec = t->kill_grace_usec,
        };

        t->runs++;
        return script_exec_start(t->event, &p, track_script_on_exit, t, &t->exec);
}

/* Next tick on the grid of the first one; a late loop skips ahead rather than bunching up. Logs the step
 * that failed. */
static int track_script_schedule(TrackScript *t, sd_event_source *src, uint64_t now) {
        int r;

        t->next_usec += t->interval_usec;
        if (t->next_usec <= now)
                t->next_usec = now + t->interval_usec;
        r = sd_event_source_set_time(src, t->next_usec);
        if (r < 0)
                return log_error_errno(r,
                                       "%s: failed to schedule the next run (setting its time), tracking "
                                       "stops: %m",
                                       t->name);
        r = sd_event_source_set_enabled(src, SD_EVENT_ONESHOT);
        if (r < 0)
                return log_error_errno(r,
                                       "%s: failed to schedule the next run (enabling the timer), tracking "
                                       "stops: %m",
                                       t->name);
        return 0;
}

static int track_script_on_tick(sd_event_source *src, uint64_t usec, void *userdata) {
        TrackScript *t = userdata;
        int r;

        (void) track_script_schedule(t, src, usec); /* first: this run may free t */
        if (t->exec) {
                t->skipped++;
                log_info("%s: still running, skipping this run", t->name);
                return 0;
        }
        r = track_script_run(t);
        if (r < 0) {
                log_warning_errno(r, "%s: failed to start '%s', counting a failure: %m", t->name,
                                  t->command.argv[0]);
                track_script_result(t, false, "could not start"); /* may free t */
        }
        return 0;
}

int track_script_new(sd_event *e, const TrackScriptConfig *c, track_script_handler_t handler, void *userdata,
                     TrackScript **ret) {
        _cleanup_(track_script_freep) TrackScript *t = NULL;
        uint64_t now;
        int r;

        if (!e || !c || !c->name || !c->command || !c->command->argv || !c->command->argv[0] || !handler ||
            !ret)
                return -EINVAL;
        t = calloc(1, sizeof(*t));
        if (!t)
                return -ENOMEM;
        *t = (TrackScript){ .event = sd_event_ref(e),
                            .handler = handler,
                            .userdata = userdata,
                            .last_status = -1,
                            .weight = c->weight,
                            .reverse = c->reverse,
                            .kill_grace_usec = c->kill_grace_usec,
                            .command = { .uid = c->command->uid, .gid = c->command->gid } };
        t->interval_usec = c->interval_usec ?: TRACK_SCRIPT_INTERVAL_DEFAULT_USEC;
        t->timeout_usec = c->timeout_usec ?: t->interval_usec;
        vrrp_track_counter_init(&t->counter, c->rise, c->fall, c->init_fail);
        t->name = strdup(c->name);
        t->command.argv = strv_copy(c->command->argv);
        if (!t->name || !t->command.argv)
                return -ENOMEM;
        r = sd_event_now(e, CLOCK_MONOTONIC, &now);
        if (r < 0)
                return r;
        t->next_usec = now; /* keepalived runs the script at once (thread_add_event) */
        r = sd_event_add_time(e, &t->timer_source, CLOCK_MONOTONIC, now, TRACK_SCRIPT_ACCURACY_USEC,
                              track_script_on_tick, t);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(t);
        return 0;
}

TrackScript *track_script_free(TrackScript *t) {
        if (!t)
                return NULL;
        t->timer_source = sd_event_source_disable_unref(t->timer_source);
        t->exec = script_exec_free(t->exec);
        strv_free(t->command.argv);
        sd_event_unref(t->event);
        free(t->name);
        free(t);
        return NULL;
}

void track_script_freep(TrackScript **t) {
        assert(t);
        *t = track_script_free(*t);
}

const char *track_script_get_name(const TrackScript *t) {
        assert(t);
        return t->name;
}

VrrpTrackState track_script_get_state(const TrackScript *t) {
        assert(t);
        return t->counter.state;
}

int track_script_get_weight(const TrackScript *t) {
        assert(t);
        return t->weight;
}

bool track_script_get_reverse(const TrackScript *t) {
        assert(t);
        return t->reverse;
}

bool track_script_is_running(const TrackScript *t) {
        assert(t);
        return t->exec != NULL;
}

unsigned track_script_get_runs(const TrackScript *t) {
        assert(t);
        return t->runs;
}

unsigned track_script_get_skipped(const TrackScript *t) {
        assert(t);
        return t->skipped;
}
