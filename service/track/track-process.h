#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <systemd/sd-event.h>

#include "core/vrrp-time.h"
#include "core/vrrp-track.h"

#include <sys/types.h>

typedef struct ConfTrackProcess ConfTrackProcess;
typedef struct ProcWatch ProcWatch;
typedef struct TrackProcess TrackProcess;

/* vrrp_track_process (keepalived's track_process.c): the processes matching each tracked pattern, counted
 * against its quorum. Event-driven: after one scan of /proc, the kernel's process-events connector tells of
 * every fork, exec, comm change and exit. Where the connector is refused (outside the initial network
 * namespace), each matching process is watched with a pidfd, whose exit wakes the loop, and /proc is scanned
 * again every rescan interval for processes that start: said once in the log and in the mode. */

typedef enum ProcWatchMode {
        PROC_WATCH_OFF,       /* nothing tracked */
        PROC_WATCH_CONNECTOR, /* the process-events connector */
        PROC_WATCH_FALLBACK,  /* pidfds and rescans */
        _PROC_WATCH_MODE_MAX,
} ProcWatchMode;

/* A tracked pattern's state changed (after its delays): up, down, or unknown (hidden by hidepid). */
typedef void (*track_process_handler_t)(TrackProcess *t, VrrpTrackState state, void *userdata);

/* connector_fd: from proc_events_open(), taken (also on failure); -1 for none. */
int proc_watch_new(sd_event *e, int connector_fd, track_process_handler_t handler, void *userdata,
                   ProcWatch **ret);
ProcWatch *proc_watch_free(ProcWatch *w);
/* The tracker of c (by its name), created and scanned at first use; watching starts with the first. c must
 * live until proc_watch_clear(). */
int proc_watch_track(ProcWatch *w, const ConfTrackProcess *c, usec_t rescan_interval, TrackProcess **ret);
/* Drops every tracker (before a reload swaps the config); watching stops until the next proc_watch_track().
 */
void proc_watch_clear(ProcWatch *w);
ProcWatchMode proc_watch_get_mode(const ProcWatch *w);
size_t proc_watch_get_tracks(const ProcWatch *w, TrackProcess *const **ret);
const char *proc_watch_mode_to_string(ProcWatchMode m);

/* track-process.c: one pattern's matching processes, its quorum and delays. For proc-watch.c. */
int track_process_new(sd_event *e, const ConfTrackProcess *c, track_process_handler_t handler,
                      void *userdata, TrackProcess **ret);
TrackProcess *track_process_free(TrackProcess *t);
bool track_process_has(const TrackProcess *t, pid_t pid);
/* Counts pid (seen in scan generation gen); with_pidfd: its exit is watched with a pidfd. 0, or -ESRCH if it
 * is already gone. */
int track_process_add(TrackProcess *t, pid_t pid, bool with_pidfd, unsigned gen);
void track_process_remove(TrackProcess *t, pid_t pid);
/* Forgets the processes a scan of generation gen did not see. */
void track_process_sweep(TrackProcess *t, unsigned gen);
/* Weighs the count against the quorum (hidden: /proc may hide matching processes): the first time at once,
 * later through terminate_delay / fork_delay, telling the handler of each change. */
void track_process_update(TrackProcess *t, bool hidden);

const char *track_process_get_name(const TrackProcess *t);
const ConfTrackProcess *track_process_get_conf(const TrackProcess *t);
VrrpTrackState track_process_get_state(const TrackProcess *t);
size_t track_process_get_count(const TrackProcess *t);
