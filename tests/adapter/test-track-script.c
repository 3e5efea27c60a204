#include "core/vrrp-track.h"
#include "script-test.h"
#include "track/track-script.h"

#define DEADLINE (5 * USEC_PER_SEC)
#define MAX_EVENTS 16

typedef struct Events {
        size_t n;
        VrrpTrackState state[MAX_EVENTS];
        unsigned at_run[MAX_EVENTS]; /* track_script_get_runs() when it happened */
        bool done;
        size_t want; /* done once this many events came */
} Events;

static void on_change(TrackScript *t, VrrpTrackState state, void *userdata) {
        Events *ev = userdata;

        ASSERT_TRUE(ev->n < MAX_EVENTS);
        ev->state[ev->n] = state;
        ev->at_run[ev->n] = track_script_get_runs(t);
        ev->n++;
        ev->done = ev->n >= ev->want;
}

/* A script that exits with the n-th line of dir/seq on its n-th run (0 once the list is done). */
static char *seq_script(const char *dir, const char *seq) {
        char *body = NULL, *path;

        free(st_write(dir, "seq", seq, 0644));
        ASSERT_TRUE(asprintf(&body,
                             "#!/bin/sh\ncd %s\nn=$(cat count 2>/dev/null || echo 0); n=$((n + 1)); echo $n "
                             "> count\n"
                             "code=$(sed -n ${n}p seq); exit ${code:-0}\n",
                             dir) > 0);
        path = st_write(dir, "check.sh", body, 0755);
        free(body);
        return path;
}

static TrackScript *start(sd_event *e, char *path, TrackScriptConfig c, Events *ev) {
        ScriptCommand *cmd = calloc(1, sizeof(*cmd));
        TrackScript *t = NULL;

        ASSERT_TRUE(cmd);
        *cmd = (ScriptCommand){ .argv = (char *[]){ path, NULL },
                                .uid = SCRIPT_EXEC_UID_INVALID,
                                .gid = SCRIPT_EXEC_GID_INVALID };
        c.name = "chk";
        c.command = cmd;
        if (c.timeout_usec == 0)
                c.timeout_usec = 2 * USEC_PER_SEC; /* not the interval: a loaded machine must not time out */
        ASSERT_OK(track_script_new(e, &c, on_change, ev, &t));
        free(cmd); /* the tracker copied what it needs */
        return t;
}

TEST(rise_and_fall_count_consecutive_results) {
        sd_event *e = st_event_new();
        char *dir = st_tmpdir(), *path = seq_script(dir, "0\n1\n0\n1\n1\n0\n1\n0\n0\n");
        Events ev = { .want = 3 };
        TrackScript *t;

        t = start(e, path, (TrackScriptConfig){ .interval_usec = 20 * USEC_PER_MSEC, .rise = 2, .fall = 2 },
                  &ev);
        ASSERT_EQ(track_script_get_state(t), VRRP_TRACK_INIT);
        ASSERT_TRUE(st_run_until(e, &ev.done, DEADLINE));
        ASSERT_EQ(ev.state[0], VRRP_TRACK_UP); /* from INIT one success is enough */
        ASSERT_EQ(ev.at_run[0], 1);
        ASSERT_EQ(ev.state[1], VRRP_TRACK_DOWN); /* two failures in a row: runs 4 and 5 */
        ASSERT_EQ(ev.at_run[1], 5);
        ASSERT_EQ(ev.state[2], VRRP_TRACK_UP); /* two successes in a row: runs 8 and 9 */
        ASSERT_EQ(ev.at_run[2], 9);
        ASSERT_EQ(track_script_get_state(t), VRRP_TRACK_UP);
        track_script_free(t);
        free(path);
        st_rmrf(dir);
        sd_event_unref(e);
}

TEST(first_failure_from_init_goes_down) {
        sd_event *e = st_event_new();
        char *dir = st_tmpdir(), *path = seq_script(dir, "1\n");
        Events ev = { .want = 1 };
        TrackScript *t;

        t = start(e, path, (TrackScriptConfig){ .interval_usec = 20 * USEC_PER_MSEC, .rise = 3, .fall = 3 },
                  &ev);
        ASSERT_TRUE(st_run_until(e, &ev.done, DEADLINE));
        ASSERT_EQ(ev.state[0], VRRP_TRACK_DOWN);
        ASSERT_EQ(ev.at_run[0], 1);
        track_script_free(t);
        free(path);
        st_rmrf(dir);
        sd_event_unref(e);
}

TEST(init_fail_starts_down_and_needs_rise_successes) {
        sd_event *e = st_event_new();
        char *dir = st_tmpdir(), *path = seq_script(dir, "1\n0\n0\n0\n");
        Events ev = { .want = 1 };
        TrackScript *t;

        t = start(e, path,
                  (TrackScriptConfig){
                          .interval_usec = 20 * USEC_PER_MSEC, .rise = 3, .fall = 1, .init_fail = true },
                  &ev);
        ASSERT_EQ(track_script_get_state(t), VRRP_TRACK_DOWN);
        ASSERT_TRUE(st_run_until(e, &ev.done, DEADLINE));
        ASSERT_EQ(ev.state[0], VRRP_TRACK_UP); /* no DOWN event for the failure: it was down already */
        ASSERT_EQ(ev.at_run[0], 4);
        track_script_free(t);
        free(path);
        st_rmrf(dir);
        sd_event_unref(e);
}

TEST(timeout_counts_as_failure) {
        sd_event *e = st_event_new();
        char *dir = st_tmpdir(), *path = st_write(dir, "hang.sh", "#!/bin/sh\nsleep 60\n", 0755);
        Events ev = { .want = 1 };
        usec_t start_usec = st_now();
        TrackScript *t;

        t = start(e, path,
                  (TrackScriptConfig){ .interval_usec = USEC_PER_SEC, .timeout_usec = 100 * USEC_PER_MSEC },
                  &ev);
        ASSERT_TRUE(st_run_until(e, &ev.done, DEADLINE));
        ASSERT_EQ(ev.state[0], VRRP_TRACK_DOWN);
        ASSERT_TRUE(st_now() - start_usec >= 100 * USEC_PER_MSEC);
        ASSERT_TRUE(st_now() - start_usec < USEC_PER_SEC);
        ASSERT_FALSE(track_script_is_running(t));
        track_script_free(t);
        free(path);
        st_rmrf(dir);
        sd_event_unref(e);
}

TEST(overrun_skips_ticks_instead_of_piling_up) {
        sd_event *e = st_event_new();
        char *dir = st_tmpdir(), *body = NULL, *path, *log, *logpath = NULL;
        Events ev = {};
        TrackScript *t;

        /* each run takes 200 ms at a 40 ms interval; a second copy running at once would leave "overlap" */
        ASSERT_TRUE(asprintf(&body,
                             "#!/bin/sh\ncd %s\n[ -e running ] && echo overlap >> log\ntouch running\necho "
                             "run >> log\n"
                             "sleep 0.2\nrm running\n",
                             dir) > 0);
        path = st_write(dir, "slow.sh", body, 0755);
        t = start(e, path,
                  (TrackScriptConfig){ .interval_usec = 40 * USEC_PER_MSEC, .timeout_usec = USEC_PER_SEC },
                  &ev);
        st_run_for(e, 700 * USEC_PER_MSEC);
        ASSERT_TRUE(asprintf(&logpath, "%s/log", dir) > 0);
        log = st_read(logpath);
        ASSERT_TRUE(log);
        ASSERT_FALSE(strstr(log, "overlap"));
        ASSERT_TRUE(track_script_get_runs(t) >= 2 && track_script_get_runs(t) <= 4);
        ASSERT_TRUE(track_script_get_skipped(t) >= 6);
        ASSERT_EQ(ev.n, 1); /* the first run's success: INIT -> UP */
        track_script_free(t);
        free(log);
        free(logpath);
        free(body);
        free(path);
        st_rmrf(dir);
        sd_event_unref(e);
}

TEST(missing_script_counts_as_failure) {
        sd_event *e = st_event_new();
        Events ev = { .want = 1 };
        TrackScript *t;

        t = start(e, (char *) "vrrpd-no-such-check",
                  (TrackScriptConfig){ .interval_usec = 20 * USEC_PER_MSEC }, &ev);
        ASSERT_TRUE(st_run_until(e, &ev.done, DEADLINE));
        ASSERT_EQ(ev.state[0], VRRP_TRACK_DOWN);
        track_script_free(t);
        sd_event_unref(e);
}

/* The tracker's state through the priority arithmetic, with the script's weight and reverse. */
static VrrpTrackResult effective(const TrackScript *t, uint8_t configured) {
        const VrrpTrack track = { .state = track_script_get_state(t),
                                  .weight = track_script_get_weight(t),
                                  .reverse = track_script_get_reverse(t) };
        VrrpTrackResult r;

        ASSERT_OK(vrrp_track_compute(configured, &track, 1, &r));
        return r;
}

TEST(weight_and_reverse_reach_the_priority) {
        sd_event *e = st_event_new();
        char *dir = st_tmpdir(), *path = seq_script(dir, "0\n1\n");
        Events ev = { .want = 2 };
        TrackScript *t, *rev, *zero;
        Events evr = { .want = 2 }, evz = { .want = 1 };
        char *path_r = NULL;

        t = start(e, path, (TrackScriptConfig){ .interval_usec = 20 * USEC_PER_MSEC, .weight = -30 }, &ev);
        ASSERT_EQ(effective(t, 100).priority, 100); /* INIT: no adjustment yet */
        ASSERT_TRUE(st_run_until(e, &ev.done, DEADLINE));
        ASSERT_EQ(track_script_get_state(t), VRRP_TRACK_DOWN);
        ASSERT_EQ(effective(t, 100).priority, 70);
        track_script_free(t);

        /* a second copy of the sequence for the reverse and weight-0 trackers */
        ASSERT_TRUE(asprintf(&path_r, "%s/check.sh", dir) > 0);
        free(st_write(dir, "count", "0\n", 0644));
        rev = start(
                e, path_r,
                (TrackScriptConfig){ .interval_usec = 20 * USEC_PER_MSEC, .weight = 20, .reverse = true },
                &evr);
        ASSERT_TRUE(st_run_until(e, &evr.done, DEADLINE));
        ASSERT_EQ(evr.state[0], VRRP_TRACK_UP); /* reverse does not change what the exit code means */
        ASSERT_EQ(evr.state[1], VRRP_TRACK_DOWN);
        ASSERT_EQ(effective(rev, 100).priority, 100); /* weight 20 reverse: -20 while up, 0 while down */
        track_script_free(rev);

        free(st_write(dir, "count", "0\n", 0644));
        zero = start(e, path_r, (TrackScriptConfig){ .interval_usec = 20 * USEC_PER_MSEC, .reverse = true },
                     &evz);
        ASSERT_TRUE(effective(zero, 100).pending);
        ASSERT_TRUE(st_run_until(e, &evz.done, DEADLINE));
        ASSERT_EQ(track_script_get_state(zero), VRRP_TRACK_UP);
        ASSERT_TRUE(effective(zero, 100).fault); /* weight 0 reverse: up is the fault... */
        evz.want = 2;
        evz.done = false;
        ASSERT_TRUE(st_run_until(e, &evz.done, DEADLINE));
        ASSERT_EQ(track_script_get_state(zero), VRRP_TRACK_DOWN);
        ASSERT_FALSE(effective(zero, 100).fault); /* ...and down is fine */
        track_script_free(zero);
        free(path_r);
        free(path);
        st_rmrf(dir);
        sd_event_unref(e);
}
