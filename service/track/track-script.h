#pragma once

/* A vrrp_script tracker (keepalived 2.2.7 keepalived/vrrp/vrrp_scheduler.c vrrp_script_thread() and
 * vrrp_script_child_thread()): runs the script at once, then every `interval`; never two at once (a tick
 * that finds the previous run still going is skipped and counted, where keepalived 2.2.7 logs "skipping run"
 * and runs it anyway); `timeout` (0: the interval, as keepalived) kills the script's process group, and
 * counts as a failure, as does death by a signal or a script that could not be started; rise/fall/init_fail
 * as VrrpTrackCounter (core/vrrp-track.h). The handler hears of every change of state (INIT → UP/DOWN, UP ↔
 * DOWN).
 *
 * weight and reverse are the vrrp_script's defaults for the track_script lines that name it: the tracker
 * only keeps them; each instance applies its own (weight, reverse) with vrrp_track_compute(). reverse does
 * not change what the exit code means (0 = up): it inverts the priority adjustment, and for weight 0 makes
 * UP the fault. */

#include <stdbool.h>

#include <systemd/sd-event.h>

#include "core/vrrp-time.h"
#include "core/vrrp-track.h"
#include "script/script-exec.h"

#define TRACK_SCRIPT_INTERVAL_DEFAULT_USEC USEC_PER_SEC /* keepalived's VRRP_SCRIPT_DI */

typedef struct TrackScript TrackScript;

typedef struct TrackScriptConfig {
        const char *name; /* vrrp_script NAME: log prefix and what the bus shows */
        const ScriptCommand *command;
        usec_t interval_usec;   /* 0: 1 s */
        usec_t timeout_usec;    /* 0: the interval */
        usec_t kill_grace_usec; /* 0: SCRIPT_EXEC_KILL_GRACE_USEC */
        unsigned rise;          /* 0: 1 */
        unsigned fall;          /* 0: 1 */
        bool init_fail;
        int weight; /* defaults for track_script, kept for the caller */
        bool reverse;
} TrackScriptConfig;

/* Called after the state changed; may free the tracker. */
typedef void (*track_script_handler_t)(TrackScript *t, VrrpTrackState state, void *userdata);

/* Copies what it needs from c. The first run starts on the next loop iteration. */
int track_script_new(sd_event *e, const TrackScriptConfig *c, track_script_handler_t handler, void *userdata,
                     TrackScript **ret);
TrackScript *track_script_free(TrackScript *t); /* kills a running script */
void track_script_freep(TrackScript **t);

const char *track_script_get_name(const TrackScript *t);
VrrpTrackState track_script_get_state(const TrackScript *t);
int track_script_get_weight(const TrackScript *t);
bool track_script_get_reverse(const TrackScript *t);
bool track_script_is_running(const TrackScript *t);
unsigned track_script_get_runs(const TrackScript *t);    /* scripts started */
unsigned track_script_get_skipped(const TrackScript *t); /* ticks skipped: the previous run had not ended */
