#include <errno.h>

#include "core/vrrp-track.h"
#include "vtest.h"

static VrrpTrackResult compute(uint8_t configured, const VrrpTrack *t, size_t n) {
        VrrpTrackResult r;

        ASSERT_OK(vrrp_track_compute(configured, t, n, &r));
        return r;
}

TEST(positive_weight_adds_while_up) {
        VrrpTrack t = { .state = VRRP_TRACK_UP, .weight = 20 };

        ASSERT_EQ(compute(100, &t, 1).priority, 120);
        t.state = VRRP_TRACK_DOWN;
        ASSERT_EQ(compute(100, &t, 1).priority, 100);
        t.state = VRRP_TRACK_INIT;
        ASSERT_EQ(compute(100, &t, 1).priority, 100);
}

TEST(negative_weight_subtracts_while_down) {
        VrrpTrack t = { .state = VRRP_TRACK_DOWN, .weight = -30 };

        ASSERT_EQ(compute(100, &t, 1).priority, 70);
        t.state = VRRP_TRACK_UP;
        ASSERT_EQ(compute(100, &t, 1).priority, 100);
        t.state = VRRP_TRACK_INIT;
        ASSERT_EQ(compute(100, &t, 1).priority, 100);
}

TEST(reverse_negates_the_adjustment) {
        /* keepalived's weight_multiplier -1: weight 20 reverse subtracts 20 while up, weight -30 reverse
         * adds 30 while down. */
        VrrpTrack t = { .state = VRRP_TRACK_UP, .weight = 20, .reverse = true };

        ASSERT_EQ(compute(100, &t, 1).priority, 80);
        t.state = VRRP_TRACK_DOWN;
        ASSERT_EQ(compute(100, &t, 1).priority, 100);
        t = (VrrpTrack){ .state = VRRP_TRACK_DOWN, .weight = -30, .reverse = true };
        ASSERT_EQ(compute(100, &t, 1).priority, 130);
        t.state = VRRP_TRACK_UP;
        ASSERT_EQ(compute(100, &t, 1).priority, 100);
}

TEST(weight_zero_down_is_fault_and_reverse_inverts_it) {
        VrrpTrack t = { .state = VRRP_TRACK_DOWN, .weight = 0 };
        VrrpTrackResult r = compute(100, &t, 1);

        ASSERT_TRUE(r.fault);
        ASSERT_EQ(r.n_fault, 1);
        ASSERT_EQ(r.priority, 100);
        t.state = VRRP_TRACK_UP;
        ASSERT_FALSE(compute(100, &t, 1).fault);
        t.reverse = true;
        ASSERT_TRUE(compute(100, &t, 1).fault);
        t.state = VRRP_TRACK_DOWN;
        ASSERT_FALSE(compute(100, &t, 1).fault);
}

TEST(weight_zero_without_result_is_pending_not_fault) {
        const VrrpTrack t[] = {
                { .state = VRRP_TRACK_INIT, .weight = 0 },
                { .state = VRRP_TRACK_INIT, .weight = 0, .reverse = true },
                { .state = VRRP_TRACK_INIT, .weight = 10 },
        };
        VrrpTrackResult r = compute(100, t, 3);

        ASSERT_TRUE(r.pending);
        ASSERT_EQ(r.n_init, 2);
        ASSERT_FALSE(r.fault);
        ASSERT_EQ(r.priority, 100);
}

TEST(clamped_to_1_and_254) {
        const VrrpTrack up[] = { { .state = VRRP_TRACK_UP, .weight = 253 },
                                 { .state = VRRP_TRACK_UP, .weight = 253 } };
        const VrrpTrack down[] = { { .state = VRRP_TRACK_DOWN, .weight = -253 } };
        VrrpTrackResult r = compute(200, up, 2);

        ASSERT_EQ(r.priority, 254);
        ASSERT_EQ(r.total, 706);
        r = compute(1, down, 1);
        ASSERT_EQ(r.priority, 1);
        ASSERT_EQ(r.total, -252);
        ASSERT_EQ(compute(254, NULL, 0).priority, 254);
}

TEST(owner_keeps_255_but_faults_apply) {
        const VrrpTrack t[] = {
                { .state = VRRP_TRACK_DOWN, .weight = -50 },
                { .state = VRRP_TRACK_DOWN, .weight = 0 },
        };
        VrrpTrackResult r = compute(255, t, 2);

        ASSERT_EQ(r.priority, 255);
        ASSERT_TRUE(r.fault);
}

TEST(several_tracks_add_up) {
        const VrrpTrack t[] = {
                { .state = VRRP_TRACK_UP, .weight = 5 },
                { .state = VRRP_TRACK_DOWN, .weight = -20 },
                { .state = VRRP_TRACK_UP, .weight = -20 },
                { .state = VRRP_TRACK_UP, .weight = 0 },
        };
        VrrpTrackResult r = compute(100, t, 4);

        ASSERT_EQ(r.priority, 85);
        ASSERT_FALSE(r.fault);
        ASSERT_FALSE(r.pending);
}

TEST(invalid_input_is_refused) {
        VrrpTrack t = { .state = VRRP_TRACK_UP, .weight = 254 };
        VrrpTrackResult r;

        ASSERT_ERROR(vrrp_track_compute(100, &t, 1, &r), EINVAL);
        t.weight = -254;
        ASSERT_ERROR(vrrp_track_compute(100, &t, 1, &r), EINVAL);
        t = (VrrpTrack){ .state = _VRRP_TRACK_STATE_MAX };
        ASSERT_ERROR(vrrp_track_compute(100, &t, 1, &r), EINVAL);
        ASSERT_ERROR(vrrp_track_compute(0, NULL, 0, &r), EINVAL);
        ASSERT_ERROR(vrrp_track_compute(100, NULL, 1, &r), EINVAL);
}

TEST(state_names) {
        ASSERT_STREQ(vrrp_track_state_to_string(VRRP_TRACK_UP), "up");
        ASSERT_STREQ(vrrp_track_state_to_string(VRRP_TRACK_DOWN), "down");
        ASSERT_STREQ(vrrp_track_state_to_string(VRRP_TRACK_INIT), "init");
        ASSERT_TRUE(vrrp_track_state_to_string(_VRRP_TRACK_STATE_MAX) == NULL);
}

TEST(counter_first_result_decides) {
        VrrpTrackCounter c;

        vrrp_track_counter_init(&c, 3, 2, false);
        ASSERT_EQ(c.state, VRRP_TRACK_INIT);
        ASSERT_TRUE(vrrp_track_counter_step(&c, true));
        ASSERT_EQ(c.state, VRRP_TRACK_UP);
        vrrp_track_counter_init(&c, 3, 2, false);
        ASSERT_TRUE(vrrp_track_counter_step(&c, false));
        ASSERT_EQ(c.state, VRRP_TRACK_DOWN);
}

TEST(counter_rise_needs_consecutive_successes) {
        VrrpTrackCounter c;

        vrrp_track_counter_init(&c, 3, 1, true);
        ASSERT_EQ(c.state, VRRP_TRACK_DOWN);
        ASSERT_FALSE(vrrp_track_counter_step(&c, true));
        ASSERT_FALSE(vrrp_track_counter_step(&c, true));
        ASSERT_FALSE(vrrp_track_counter_step(&c, false)); /* starts the count again */
        ASSERT_FALSE(vrrp_track_counter_step(&c, true));
        ASSERT_FALSE(vrrp_track_counter_step(&c, true));
        ASSERT_TRUE(vrrp_track_counter_step(&c, true));
        ASSERT_EQ(c.state, VRRP_TRACK_UP);
}

TEST(counter_fall_needs_consecutive_failures) {
        VrrpTrackCounter c;

        vrrp_track_counter_init(&c, 1, 3, false);
        ASSERT_TRUE(vrrp_track_counter_step(&c, true));
        ASSERT_FALSE(vrrp_track_counter_step(&c, false));
        ASSERT_FALSE(vrrp_track_counter_step(&c, false));
        ASSERT_FALSE(vrrp_track_counter_step(&c, true)); /* back to full */
        ASSERT_FALSE(vrrp_track_counter_step(&c, false));
        ASSERT_FALSE(vrrp_track_counter_step(&c, false));
        ASSERT_TRUE(vrrp_track_counter_step(&c, false));
        ASSERT_EQ(c.state, VRRP_TRACK_DOWN);
        ASSERT_FALSE(vrrp_track_counter_step(&c, false));
        ASSERT_EQ(c.result, 0);
}

TEST(counter_zero_rise_fall_mean_one) {
        VrrpTrackCounter c;

        vrrp_track_counter_init(&c, 0, 0, true);
        ASSERT_EQ(c.rise, 1);
        ASSERT_EQ(c.fall, 1);
        ASSERT_TRUE(vrrp_track_counter_step(&c, true));
        ASSERT_TRUE(vrrp_track_counter_step(&c, false));
}

TEST(unknown_state_neither_weighs_nor_faults) {
        /* a tracked process /proc hides from us (hidepid): not down, so no fault and no weight */
        VrrpTrack t = { .state = VRRP_TRACK_UNKNOWN, .weight = -30 };
        VrrpTrackResult r = compute(100, &t, 1);

        ASSERT_EQ(r.priority, 100);
        t.weight = 0;
        r = compute(100, &t, 1);
        ASSERT_FALSE(r.fault);
        ASSERT_FALSE(r.pending);
        ASSERT_FALSE(vrrp_track_is_fault(&t));
}

TEST(a_demotion_lowers_the_tracked_priority_and_clamps) {
        VrrpTrack t = { .state = VRRP_TRACK_UP, .weight = 20 };
        VrrpTrackResult r = compute(100, &t, 1);

        vrrp_track_demote(&r, 100, 50);
        ASSERT_EQ(r.priority, 70);
        ASSERT_EQ(r.total, 70);
        vrrp_track_demote(&r, 100, 255);
        ASSERT_EQ(r.priority, 1);
        r = compute(100, NULL, 0);
        vrrp_track_demote(&r, 100, 0);
        ASSERT_EQ(r.priority, 100);
}

TEST(a_demotion_leaves_an_owner_at_255) {
        VrrpTrackResult r = compute(255, NULL, 0);

        vrrp_track_demote(&r, 255, 100);
        ASSERT_EQ(r.priority, 255);
}
