#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conf/conf-model.h"
#include "os/proc-events.h"
#include "os/proc-scan.h"
#include "track/track-process.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/string-table.h"

#define PROC_ROOT "/proc"
#define CAP_SYS_PTRACE_BIT 19
/* After each wakeup the connector rests this long, so a fork storm's events come in batches: a few
 * wakeups per second less than one per event, for at most this much later news. */
#define PROC_WATCH_REST_USEC (2 * USEC_PER_MSEC)

struct ProcWatch {
        sd_event *event;
        int fd; /* the connector's socket, or -EBADF */
        sd_event_source *fd_source;
        sd_event_source *rest_timer; /* the connector's rest after a wakeup */
        sd_event_source *rescan_timer;
        usec_t rescan_interval;
        ProcWatchMode mode;
        bool refused_said;       /* the fallback is said once per run */
        bool hidepid;            /* /proc may hide processes from us */
        bool hidden;             /* ... or the last scan met some it could not read (hidepid=noaccess) */
        unsigned gen;            /* scan generation */
        TrackProcess *scan_only; /* the scan in progress is for this new tracker alone */
        TrackProcess **tracks;
        size_t n_tracks;
        track_process_handler_t handler;
        void *userdata;
};

static const char *const proc_watch_mode_table[_PROC_WATCH_MODE_MAX] = {
        [PROC_WATCH_OFF] = "",
        [PROC_WATCH_CONNECTOR] = "connector",
        [PROC_WATCH_FALLBACK] = "fallback",
};

DEFINE_STRING_TABLE_TO_STRING(proc_watch_mode, ProcWatchMode);

int proc_watch_new(sd_event *e, int connector_fd, track_process_handler_t handler, void *userdata,
                   ProcWatch **ret) {
        _cleanup_close_ int fd = connector_fd;
        ProcWatch *w;

        assert(e);
        assert(handler);
        assert(ret);

        w = calloc(1, sizeof(*w));
        if (!w)
                return -ENOMEM;
        *w = (ProcWatch){
                .event = sd_event_ref(e), .fd = TAKE_FD(fd), .handler = handler, .userdata = userdata
        };
        *ret = w;
        return 0;
}

ProcWatch *proc_watch_free(ProcWatch *w) {
        if (!w)
                return NULL;
        proc_watch_clear(w);
        free(w->tracks);
        if (w->fd >= 0)
                close(w->fd);
        sd_event_unref(w->event);
        free(w);
        return NULL;
}

static bool proc_watch_needs_cmdline(const ProcWatch *w) {
        for (size_t k = 0; k < w->n_tracks; k++)
                if (track_process_get_conf(w->tracks[k])->full_command)
                        return true;
        return false;
}

/* Whether /proc may hide processes from us: hidepid, and neither its gid= group nor CAP_SYS_PTRACE to see
 * through it. */
static bool proc_watch_hidden(void) {
        _cleanup_fclose_ FILE *f = NULL;
        unsigned long long caps = 0;
        char line[256];
        gid_t gid;

        if (!proc_scan_hidepid(PROC_ROOT "/self/mountinfo", &gid))
                return false;
        if (getegid() == gid || group_member(gid))
                return false;
        f = fopen(PROC_ROOT "/self/status", "re");
        while (f && fgets(line, sizeof(line), f))
                if (sscanf(line, "CapEff: %llx", &caps) == 1)
                        break;
        return !(caps & (1ULL << CAP_SYS_PTRACE_BIT));
}

/* One process: counted by every tracker it matches, dropped by those it no longer matches. */
static void proc_watch_check(ProcWatch *w, const ProcInfo *p, bool only_comm) {
        bool pidfd = w->mode == PROC_WATCH_FALLBACK;

        for (size_t k = 0; k < w->n_tracks; k++) {
                TrackProcess *t = w->tracks[k];
                const ConfTrackProcess *c = track_process_get_conf(t);

                if (only_comm && c->full_command)
                        continue; /* a new comm changes nothing of a command line */
                if (proc_scan_match_info(c, p))
                        (void) track_process_add(t, p->pid, pidfd, w->gen);
                else
                        track_process_remove(t, p->pid);
        }
}

static int proc_watch_scan_one(const ProcInfo *p, void *userdata) {
        ProcWatch *w = userdata;

        for (size_t k = 0; k < w->n_tracks; k++) {
                TrackProcess *t = w->tracks[k];

                if ((!w->scan_only || t == w->scan_only) &&
                    proc_scan_match_info(track_process_get_conf(t), p))
                        (void) track_process_add(t, p->pid, w->mode == PROC_WATCH_FALLBACK, w->gen);
        }
        return 0;
}

static void proc_watch_update_all(ProcWatch *w, bool hidden) {
        for (size_t k = 0; k < w->n_tracks; k++)
                track_process_update(w->tracks[k], hidden);
}

/* Every tracker's processes anew from /proc, or only's alone (a new one: the others' handlers stay quiet
 * while the instances are being set up) */
static void proc_watch_rescan(ProcWatch *w, TrackProcess *only) {
        size_t hidden = 0;
        int r;

        w->gen++;
        w->scan_only = only;
        r = proc_scan_all(PROC_ROOT, proc_watch_needs_cmdline(w), proc_watch_scan_one, w, &hidden);
        w->scan_only = NULL;
        if (r < 0) {
                log_warning_errno(r, "vrrp_track_process: failed to scan " PROC_ROOT
                                     ", keeping what was seen: %m");
                return;
        }
        for (size_t k = 0; k < w->n_tracks; k++)
                if (!only || w->tracks[k] == only)
                        track_process_sweep(w->tracks[k], w->gen);
        w->hidden = w->hidepid || hidden > 0;
        if (only)
                track_process_update(only, w->hidden);
        else
                proc_watch_update_all(w, w->hidden);
}

static void proc_watch_on_event(ProcWatch *w, const ProcEvent *ev) {
        _cleanup_free_ ProcInfo *p = NULL;

        switch (ev->kind) {
        case PROC_EV_EXIT:
                for (size_t k = 0; k < w->n_tracks; k++)
                        track_process_remove(w->tracks[k], ev->pid);
                return;
        case PROC_EV_FORK: /* the child is what its parent was, until it execs */
                for (size_t k = 0; k < w->n_tracks; k++)
                        if (track_process_has(w->tracks[k], ev->parent))
                                (void) track_process_add(w->tracks[k], ev->pid, false, w->gen);
                return;
        case PROC_EV_COMM:
        case PROC_EV_EXEC:
                p = calloc(1, sizeof(*p));
                if (!p)
                        return (void) log_oom();
                if (proc_scan_read(PROC_ROOT, ev->pid, proc_watch_needs_cmdline(w), p) < 0)
                        return; /* gone already: its exit event follows */
                if (ev->kind == PROC_EV_COMM)
                        snprintf(p->comm, sizeof(p->comm), "%s", ev->comm);
                proc_watch_check(w, p, ev->kind == PROC_EV_COMM);
                return;
        default:
                return;
        }
}

static int proc_watch_on_rest(sd_event_source *s, uint64_t usec, void *userdata) {
        ProcWatch *w = userdata;

        return sd_event_source_set_enabled(w->fd_source,
                                           SD_EVENT_ON); /* level-triggered: what waits comes */
}

static int proc_watch_on_connector(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        ProcWatch *w = userdata;
        uint8_t buf[8192];
        ProcEvent evs[32];

        for (;;) {
                ssize_t n = recv(fd, buf, sizeof(buf), 0);
                int m;

                if (n < 0 && errno == ENOBUFS) { /* events were lost: what runs now is in /proc */
                        log_debug("vrrp_track_process: the connector dropped events, rescanning " PROC_ROOT);
                        proc_watch_rescan(w, NULL);
                        continue;
                }
                if (n < 0)
                        break;
                m = proc_events_parse(buf, (size_t) n, evs, sizeof(evs) / sizeof(evs[0]));
                for (int k = 0; k < m; k++)
                        proc_watch_on_event(w, &evs[k]);
        }
        proc_watch_update_all(w, w->hidden);
        if (sd_event_source_set_enabled(s, SD_EVENT_OFF) < 0)
                return 0;
        if (!w->rest_timer) {
                if (sd_event_add_time_relative(w->event, &w->rest_timer, CLOCK_MONOTONIC,
                                               PROC_WATCH_REST_USEC, USEC_PER_MSEC, proc_watch_on_rest,
                                               w) < 0)
                        return sd_event_source_set_enabled(s, SD_EVENT_ON);
                return 0;
        }
        (void) sd_event_source_set_time_relative(w->rest_timer, PROC_WATCH_REST_USEC);
        return sd_event_source_set_enabled(w->rest_timer, SD_EVENT_ONESHOT);
}

static int proc_watch_on_rescan(sd_event_source *s, uint64_t usec, void *userdata) {
        ProcWatch *w = userdata;

        proc_watch_rescan(w, NULL);
        (void) sd_event_source_set_time_relative(s, w->rescan_interval);
        return sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
}

static int proc_watch_start_fallback(ProcWatch *w, int refused) {
        int r;

        w->mode = PROC_WATCH_FALLBACK;
        if (!w->refused_said) {
                w->refused_said = true;
                log_warning("vrrp_track_process: the kernel's process-events connector is %s (%s): watching "
                            "matching processes with pidfds and rescanning " PROC_ROOT
                            " every %llu ms instead",
                            w->fd < 0 ? "not open" : "refused", strerror(-refused),
                            (unsigned long long) (w->rescan_interval / USEC_PER_MSEC));
        }
        r = sd_event_add_time_relative(w->event, &w->rescan_timer, CLOCK_MONOTONIC, w->rescan_interval,
                                       USEC_PER_MSEC, proc_watch_on_rescan, w);
        if (r < 0)
                return log_error_errno(r, "vrrp_track_process: failed to arm the " PROC_ROOT " rescan: %m");
        return 0;
}

/* With the first tracker: listen before the first scan, so no process slips between them. */
static int proc_watch_start(ProcWatch *w) {
        int r = -EBADF;

        w->hidepid = proc_watch_hidden();
        if (w->hidepid)
                log_warning(
                        "vrrp_track_process: " PROC_ROOT " hides other users' processes (hidepid) and vrrpd "
                        "lacks its group and CAP_SYS_PTRACE: a track without its quorum shows as unknown, "
                        "not down");
        if (w->fd >= 0)
                r = proc_events_listen(w->fd, true);
        if (r < 0)
                return proc_watch_start_fallback(w, r);
        r = sd_event_add_io(w->event, &w->fd_source, w->fd, EPOLLIN, proc_watch_on_connector, w);
        if (r < 0) {
                (void) proc_events_listen(w->fd, false);
                return proc_watch_start_fallback(w, r);
        }
        w->mode = PROC_WATCH_CONNECTOR;
        log_info("vrrp_track_process: watching processes through the kernel's process-events connector");
        return 0;
}

int proc_watch_track(ProcWatch *w, const ConfTrackProcess *c, usec_t rescan_interval, TrackProcess **ret) {
        TrackProcess **a, *t;
        int r;

        assert(w);
        assert(c);
        assert(ret);

        for (size_t k = 0; k < w->n_tracks; k++)
                if (strcmp(track_process_get_name(w->tracks[k]), c->name) == 0)
                        return *ret = w->tracks[k], 0;
        a = reallocarray(w->tracks, w->n_tracks + 1, sizeof(*a));
        if (!a)
                return -ENOMEM;
        w->tracks = a;
        r = track_process_new(w->event, c, w->handler, w->userdata, &t);
        if (r < 0)
                return r;
        w->tracks[w->n_tracks++] = t;
        w->rescan_interval = rescan_interval;
        if (w->mode == PROC_WATCH_OFF) {
                r = proc_watch_start(w);
                if (r < 0)
                        return r;
        }
        proc_watch_rescan(w, t); /* its first state, at once */
        *ret = t;
        return 0;
}

void proc_watch_clear(ProcWatch *w) {
        assert(w);

        for (size_t k = 0; k < w->n_tracks; k++)
                track_process_free(w->tracks[k]);
        w->n_tracks = 0;
        w->rescan_timer = sd_event_source_disable_unref(w->rescan_timer);
        w->rest_timer = sd_event_source_disable_unref(w->rest_timer);
        if (w->fd_source) {
                w->fd_source = sd_event_source_disable_unref(w->fd_source);
                (void) proc_events_listen(w->fd, false);
        }
        w->mode = PROC_WATCH_OFF;
}

ProcWatchMode proc_watch_get_mode(const ProcWatch *w) {
        assert(w);
        return w->mode;
}

size_t proc_watch_get_tracks(const ProcWatch *w, TrackProcess *const **ret) {
        assert(w);
        assert(ret);
        *ret = w->tracks;
        return w->n_tracks;
}
