#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "conf/conf-model.h"
#include "track/track-process.h"
#include "util/cleanup.h"

typedef struct TrackedPid {
        pid_t pid;
        sd_event_source *exit_source; /* the pidfd's, in the fallback mode */
        unsigned seen;                /* the last scan generation that saw it */
} TrackedPid;

struct TrackProcess {
        sd_event *event;
        const ConfTrackProcess *conf;
        TrackedPid *pids;
        size_t n_pids;
        size_t n_alloc;
        VrrpTrackState state;         /* as last reported */
        VrrpTrackState pending;       /* what the delay timer will report */
        sd_event_source *delay_timer; /* terminate_delay / fork_delay running */
        bool hidden;
        track_process_handler_t handler;
        void *userdata;
};

int track_process_new(sd_event *e, const ConfTrackProcess *c, track_process_handler_t handler,
                      void *userdata, TrackProcess **ret) {
        TrackProcess *t;

        assert(e);
        assert(c);
        assert(handler);
        assert(ret);

        t = calloc(1, sizeof(*t));
        if (!t)
                return -ENOMEM;
        *t = (TrackProcess){
                .event = e, .conf = c, .state = VRRP_TRACK_INIT, .handler = handler, .userdata = userdata
        };
        *ret = t;
        return 0;
}

TrackProcess *track_process_free(TrackProcess *t) {
        if (!t)
                return NULL;
        for (size_t k = 0; k < t->n_pids; k++)
                sd_event_source_disable_unref(t->pids[k].exit_source);
        free(t->pids);
        sd_event_source_disable_unref(t->delay_timer);
        free(t);
        return NULL;
}

static ssize_t track_process_find(const TrackProcess *t, pid_t pid) {
        for (size_t k = 0; k < t->n_pids; k++)
                if (t->pids[k].pid == pid)
                        return (ssize_t) k;
        return -1;
}

bool track_process_has(const TrackProcess *t, pid_t pid) {
        assert(t);
        return track_process_find(t, pid) >= 0;
}

static void track_process_drop(TrackProcess *t, size_t k) {
        sd_event_source_disable_unref(t->pids[k].exit_source);
        t->pids[k] = t->pids[--t->n_pids];
}

/* The pidfd of a counted process became readable: it exited. */
static int track_process_on_exit(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        TrackProcess *t = userdata;

        for (size_t k = 0; k < t->n_pids; k++)
                if (t->pids[k].exit_source == s) {
                        track_process_drop(t, k);
                        break;
                }
        track_process_update(t, t->hidden);
        return 0;
}

static int track_process_watch_exit(TrackProcess *t, pid_t pid, sd_event_source **ret) {
        _cleanup_close_ int fd = -EBADF;
        int r;

        fd = (int) syscall(SYS_pidfd_open, pid, 0);
        if (fd < 0)
                return -errno;
        r = sd_event_add_io(t->event, ret, fd, EPOLLIN, track_process_on_exit, t);
        if (r < 0)
                return r;
        r = sd_event_source_set_io_fd_own(*ret, true);
        if (r < 0) {
                *ret = sd_event_source_disable_unref(*ret);
                return r;
        }
        TAKE_FD(fd);
        return 0;
}

int track_process_add(TrackProcess *t, pid_t pid, bool with_pidfd, unsigned gen) {
        ssize_t k = track_process_find(t, pid);
        TrackedPid *a;
        int r;

        assert(t);
        assert(pid > 0);

        if (k >= 0) {
                t->pids[k].seen = gen;
                return 0;
        }
        if (t->n_pids == t->n_alloc) {
                size_t n = t->n_alloc ? t->n_alloc * 2 : 8;
                a = reallocarray(t->pids, n, sizeof(*a));
                if (!a)
                        return -ENOMEM;
                t->pids = a;
                t->n_alloc = n;
        }
        t->pids[t->n_pids] = (TrackedPid){ .pid = pid, .seen = gen };
        if (with_pidfd) {
                r = track_process_watch_exit(t, pid, &t->pids[t->n_pids].exit_source);
                if (r < 0)
                        return r; /* ESRCH: gone already, so not counted */
        }
        t->n_pids++;
        return 0;
}

void track_process_remove(TrackProcess *t, pid_t pid) {
        ssize_t k;

        assert(t);
        k = track_process_find(t, pid);
        if (k >= 0)
                track_process_drop(t, (size_t) k);
}

void track_process_sweep(TrackProcess *t, unsigned gen) {
        assert(t);
        for (size_t k = t->n_pids; k > 0; k--)
                if (t->pids[k - 1].seen != gen)
                        track_process_drop(t, k - 1);
}

static void track_process_report(TrackProcess *t, VrrpTrackState state) {
        t->delay_timer = sd_event_source_disable_unref(t->delay_timer);
        if (state == t->state)
                return;
        t->state = state;
        t->handler(t, state, t->userdata);
}

static int track_process_on_delay(sd_event_source *s, uint64_t usec, void *userdata) {
        TrackProcess *t = userdata;

        track_process_report(t, t->pending);
        return 0;
}

/* keepalived: up while quorum <= count <= quorum_max */
static VrrpTrackState track_process_want(const TrackProcess *t, bool hidden) {
        if (t->n_pids >= t->conf->quorum && t->n_pids <= t->conf->quorum_max)
                return VRRP_TRACK_UP;
        return hidden ? VRRP_TRACK_UNKNOWN : VRRP_TRACK_DOWN;
}

void track_process_update(TrackProcess *t, bool hidden) {
        VrrpTrackState want;
        usec_t delay;

        assert(t);

        t->hidden = hidden;
        want = track_process_want(t, hidden);
        if (t->state == VRRP_TRACK_INIT) {
                t->state = want; /* the first scan decides at once, as keepalived's initial read_procs() */
                return;
        }
        if (want == t->state) { /* back before the delay ran out: nothing happened */
                t->delay_timer = sd_event_source_disable_unref(t->delay_timer);
                return;
        }
        delay = want == VRRP_TRACK_UP ? t->conf->fork_delay : t->conf->terminate_delay;
        if (delay == 0 || want == VRRP_TRACK_UNKNOWN) {
                track_process_report(t, want);
                return;
        }
        if (t->delay_timer && t->pending == want)
                return;
        t->delay_timer = sd_event_source_disable_unref(t->delay_timer);
        t->pending = want;
        if (sd_event_add_time_relative(t->event, &t->delay_timer, CLOCK_MONOTONIC, delay, USEC_PER_MSEC,
                                       track_process_on_delay, t) < 0)
                track_process_report(t, want); /* no timer: better late than never, so at once */
}

const char *track_process_get_name(const TrackProcess *t) {
        assert(t);
        return t->conf->name;
}

const ConfTrackProcess *track_process_get_conf(const TrackProcess *t) {
        assert(t);
        return t->conf;
}

VrrpTrackState track_process_get_state(const TrackProcess *t) {
        assert(t);
        return t->state;
}

size_t track_process_get_count(const TrackProcess *t) {
        assert(t);
        return t->n_pids;
}
