#include "fsm-util.h"

/* STYLE.md §4, as written there. */
TEST(backup_takes_over_when_master_down_timer_fires) {
        const VrrpParams p = { .vrid = 7, .priority = 100, .version = 3, .interval_usec = USEC_PER_SEC };
        VrrpFsm fsm = VRRP_FSM_INIT;
        VrrpActions a;
        usec_t now = 1000 * USEC_PER_SEC; /* an arbitrary start: nothing may assume t == 0 */

        ASSERT_OK(vrrp_fsm_step(&fsm, &p, now, &(VrrpEvent){ .type = VRRP_EVENT_STARTUP }, &a));
        ASSERT_EQ(a.new_state, VRRP_STATE_BACKUP);
        ASSERT_EQ(a.timer_at, now + 3609375); /* 3 × 1 s + Skew_Time (256 − 100) / 256 s */
        now = a.timer_at;                     /* jump the virtual clock to the deadline; nothing sleeps */
        ASSERT_OK(vrrp_fsm_step(&fsm, &p, now, &(VrrpEvent){ .type = VRRP_EVENT_TIMER }, &a));
        ASSERT_EQ(a.new_state, VRRP_STATE_MASTER);
        ASSERT_EQ(a.reason, VRRP_REASON_MASTER_DOWN_TIMER);
        ASSERT_TRUE(a.send_advert && a.add_vips && a.announce);
}

TEST(backup_does_not_take_over_one_microsecond_before_master_down_interval) {
        VrrpParams p = params(3, 100);
        VrrpFsm fsm = started_backup(&p, 3609375);
        VrrpActions a = step(&fsm, &p, T0 + 3609375 - 1, ev(VRRP_EVENT_TIMER));

        ASSERT_EQ(a.new_state, VRRP_STATE_BACKUP);
        ASSERT_FALSE(a.state_changed || a.send_advert);
        ASSERT_EQ(a.timer_at, T0 + 3609375);
        a = step(&fsm, &p, T0 + 3609375, ev(VRRP_EVENT_TIMER));
        ASSERT_EQ(a.new_state, VRRP_STATE_MASTER);
        ASSERT_EQ(a.advert_priority, 100);
        ASSERT_EQ(a.timer_at, T0 + 3609375 + USEC_PER_SEC);
}

TEST(owner_becomes_master_at_startup) {
        for (uint8_t version = 2; version <= 3; version++) {
                VrrpParams p = params(version, 255);
                VrrpFsm fsm = VRRP_FSM_INIT;
                VrrpActions a = step(&fsm, &p, T0, ev(VRRP_EVENT_STARTUP));

                ASSERT_EQ(a.old_state, VRRP_STATE_INIT);
                ASSERT_EQ(a.new_state, VRRP_STATE_MASTER);
                ASSERT_TRUE(a.state_changed);
                ASSERT_EQ(a.reason, VRRP_REASON_STARTUP);
                ASSERT_TRUE(a.send_advert && a.add_vips && a.announce && a.master_changed);
                ASSERT_FALSE(a.remove_vips);
                ASSERT_EQ(a.advert_priority, 255);
                ASSERT_EQ(a.timer_at, T0 + USEC_PER_SEC);
                ASSERT_TRUE(fsm.master_known);
                ASSERT_MEMEQ(&fsm.master, &p.primary, 4);
        }
}

TEST(state_master_below_owner_still_waits_the_full_master_down_interval) {
        VrrpParams p = params(2, 254);

        p.init_master = true;
        started_backup(&p,
                       3 * USEC_PER_SEC + 2 * USEC_PER_SEC / 256); /* 3 s + (256 − 254) / 256 s = 3007812 */
}

TEST(v2_skew_time_is_in_seconds_and_v3_skew_time_scales_with_the_interval) {
        VrrpParams p2 = params(2, 100), p3 = params(3, 100);

        p2.interval_usec = p3.interval_usec = 2 * USEC_PER_SEC;
        started_backup(&p2, 6 * USEC_PER_SEC + 609375);  /* 3 × 2 s + 156 / 256 s */
        started_backup(&p3, 6 * USEC_PER_SEC + 1218750); /* 3 × 2 s + 156 × 2 s / 256 */
}

TEST(master_down_interval_truncates_skew_time_to_the_microsecond) {
        VrrpParams p2 = params(2, 101), p3 = params(3, 100);
        VrrpFsm fsm;

        /* v2, priority 101: 155 / 256 s = 605468.75 µs → 605468 */
        fsm = started_backup(&p2, 3605468);
        ASSERT_EQ(vrrp_fsm_skew_time(&fsm, &p2), 605468);
        /* v3, 50 cs, priority 100: 156 × 500000 / 256 = 304687.5 µs → 304687 */
        p3.interval_usec = 50 * USEC_PER_CS;
        fsm = started_backup(&p3, 1500000 + 304687);
        ASSERT_EQ(step(&fsm, &p3, T0 + 1804686, ev(VRRP_EVENT_TIMER)).new_state, VRRP_STATE_BACKUP);
        ASSERT_EQ(step(&fsm, &p3, T0 + 1804687, ev(VRRP_EVENT_TIMER)).new_state, VRRP_STATE_MASTER);
}

TEST(down_timer_adverts_replaces_the_three_of_master_down_interval) {
        VrrpParams p = params(3, 100);

        p.down_timer_adverts = 5;
        started_backup(&p, 5 * USEC_PER_SEC + 609375);
}

TEST(backup_takes_over_after_skew_time_when_master_sends_priority_zero) {
        VrrpParams p = params(3, 100);
        VrrpFsm fsm = started_backup(&p, 3609375);
        VrrpActions a;

        a = step(&fsm, &p, T0 + USEC_PER_SEC, advert(200, 100, "192.0.2.9"));
        ASSERT_EQ(a.timer_at, T0 + USEC_PER_SEC + 3609375);
        a = step(&fsm, &p, T0 + 2 * USEC_PER_SEC, advert(0, 100, "192.0.2.9"));
        ASSERT_EQ(a.new_state, VRRP_STATE_BACKUP);
        ASSERT_EQ(a.timer_at, T0 + 2 * USEC_PER_SEC + 609375);
        a = step(&fsm, &p, a.timer_at, ev(VRRP_EVENT_TIMER));
        ASSERT_EQ(a.new_state, VRRP_STATE_MASTER);
        ASSERT_EQ(a.reason, VRRP_REASON_PRIORITY_ZERO);
        ASSERT_TRUE(a.send_advert && a.add_vips && a.announce);
}

TEST(backup_accepts_higher_priority_advert_and_records_the_master) {
        VrrpParams p = params(3, 100);
        VrrpFsm fsm = started_backup(&p, 3609375);
        VrrpActions a;

        a = step(&fsm, &p, T0 + 500000, advert(150, 100, "192.0.2.9"));
        ASSERT_FALSE(a.state_changed || a.send_advert);
        ASSERT_TRUE(a.master_changed);
        ASSERT_EQ(a.timer_at, T0 + 500000 + 3609375);
        ASSERT_MEMEQ(&fsm.master, &(VrrpAddr){ .in.s_addr = htonl(0xc0000209) }, 4);
        a = step(&fsm, &p, T0 + 1500000, advert(150, 100, "192.0.2.9"));
        ASSERT_FALSE(a.master_changed);
        ASSERT_EQ(a.timer_at, T0 + 1500000 + 3609375);
        /* an equal priority is accepted too (RFC 9568 §6.4.2: "greater than or equal") */
        a = step(&fsm, &p, T0 + 2500000, advert(100, 100, "192.0.2.9"));
        ASSERT_EQ(a.timer_at, T0 + 2500000 + 3609375);
}

TEST(higher_priority_backup_preempts_a_lower_priority_master) {
        VrrpParams p = params(3, 150); /* Master_Down_Interval 3 s + 106 / 256 s = 3414062 */
        VrrpFsm fsm = started_backup(&p, 3414062);
        VrrpActions a;

        for (usec_t t = T0 + 500000; t < T0 + 3414062; t += USEC_PER_SEC) {
                a = step(&fsm, &p, t, advert(100, 100, "192.0.2.9"));
                ASSERT_EQ(a.new_state, VRRP_STATE_BACKUP);
                ASSERT_EQ(a.timer_at, T0 + 3414062); /* discarded: the timer runs on */
        }
        a = step(&fsm, &p, T0 + 3414062, ev(VRRP_EVENT_TIMER));
        ASSERT_EQ(a.new_state, VRRP_STATE_MASTER);
        ASSERT_EQ(a.reason, VRRP_REASON_PREEMPTED);
        ASSERT_EQ(a.advert_priority, 150);
}

TEST(nopreempt_backup_keeps_a_lower_priority_master) {
        VrrpParams p = params(3, 150);
        VrrpFsm fsm;
        VrrpActions a;

        p.preempt = false;
        fsm = started_backup(&p, 3414062);
        for (usec_t t = T0 + 500000; t < T0 + 20 * USEC_PER_SEC; t += USEC_PER_SEC) {
                a = step(&fsm, &p, t, advert(100, 100, "192.0.2.9"));
                ASSERT_EQ(a.timer_at, t + 3414062);
                a = step(&fsm, &p, t + 999999, ev(VRRP_EVENT_TIMER));
                ASSERT_EQ(a.new_state, VRRP_STATE_BACKUP);
        }
}

TEST(state_master_turns_nopreempt_off_as_keepalived_does) {
        VrrpParams p = params(3, 150);
        VrrpFsm fsm;

        p.preempt = false;
        p.init_master = true;
        fsm = started_backup(&p, 3414062);
        ASSERT_EQ(step(&fsm, &p, T0 + 500000, advert(100, 100, "192.0.2.9")).timer_at, T0 + 3414062);
}

/* keepalived: the first lower-priority advert starts the delay; adverts are accepted until it ran out; the
 * takeover comes Master_Down_Interval after the last accepted one. */
TEST(preempt_delay_postpones_preemption_after_the_first_lower_priority_advert) {
        VrrpParams p = params(3, 150);
        VrrpFsm fsm;
        VrrpActions a;

        p.preempt_delay_usec = 2 * USEC_PER_SEC;
        fsm = started_backup(&p, 3414062);
        a = step(&fsm, &p, T0 + 500000, advert(100, 100, "192.0.2.9")); /* delay runs to T0 + 2.5 s */
        ASSERT_EQ(a.timer_at, T0 + 500000 + 3414062);
        ASSERT_EQ(fsm.preempt_at, T0 + 2500000);
        a = step(&fsm, &p, T0 + 1500000, advert(100, 100, "192.0.2.9"));
        ASSERT_EQ(a.timer_at, T0 + 1500000 + 3414062);
        ASSERT_EQ(fsm.preempt_at, T0 + 2500000); /* not restarted */
        for (usec_t t = T0 + 2500000; t < T0 + 1500000 + 3414062; t += USEC_PER_SEC)
                ASSERT_EQ(step(&fsm, &p, t, advert(100, 100, "192.0.2.9")).timer_at, T0 + 1500000 + 3414062);
        a = step(&fsm, &p, T0 + 1500000 + 3414062, ev(VRRP_EVENT_TIMER));
        ASSERT_EQ(a.new_state, VRRP_STATE_MASTER);
        ASSERT_EQ(a.reason, VRRP_REASON_PREEMPTED);
}

TEST(preempt_delay_stops_when_a_better_master_speaks) {
        VrrpParams p = params(3, 150);
        VrrpFsm fsm;

        p.preempt_delay_usec = 2 * USEC_PER_SEC;
        fsm = started_backup(&p, 3414062);
        step(&fsm, &p, T0 + 500000, advert(100, 100, "192.0.2.9"));
        ASSERT_EQ(fsm.preempt_at, T0 + 2500000);
        step(&fsm, &p, T0 + 1500000, advert(200, 100, "192.0.2.8"));
        ASSERT_EQ(fsm.preempt_at, USEC_INFINITY);
        /* the next lower-priority master starts a fresh delay */
        step(&fsm, &p, T0 + 5000000, advert(100, 100, "192.0.2.9"));
        ASSERT_EQ(fsm.preempt_at, T0 + 7000000);
}

TEST(preempt_delay_does_not_delay_takeover_when_nobody_speaks) {
        VrrpParams p = params(3, 150);
        VrrpFsm fsm;

        p.preempt_delay_usec = 300 * USEC_PER_SEC;
        fsm = started_backup(&p, 3414062);
        ASSERT_EQ(step(&fsm, &p, T0 + 3414062, ev(VRRP_EVENT_TIMER)).new_state, VRRP_STATE_MASTER);
}

TEST(v3_backup_uses_the_masters_interval_for_master_down_interval) {
        VrrpParams p = params(3, 100);
        VrrpFsm fsm = started_backup(&p, 3609375);
        VrrpActions a;

        a = step(&fsm, &p, T0 + 100000, advert(200, 200, "192.0.2.9")); /* the master advertises every 2 s */
        ASSERT_EQ(fsm.master_adver_int, 2 * USEC_PER_SEC);
        ASSERT_EQ(a.timer_at, T0 + 100000 + 6 * USEC_PER_SEC + 1218750);
        a = step(&fsm, &p, T0 + 200000, advert(0, 200, "192.0.2.9"));
        ASSERT_EQ(a.timer_at, T0 + 200000 + 1218750); /* Skew_Time on the learned interval too */
        a = step(&fsm, &p, a.timer_at, ev(VRRP_EVENT_TIMER));
        ASSERT_EQ(a.new_state, VRRP_STATE_MASTER);
        ASSERT_EQ(a.timer_at - (T0 + 200000 + 1218750),
                  USEC_PER_SEC); /* a master sends on its own interval */
        ASSERT_EQ(fsm.master_adver_int, USEC_PER_SEC);
}

TEST(v2_backup_keeps_its_own_interval) {
        VrrpParams p = params(2, 100);
        VrrpFsm fsm = started_backup(&p, 3609375);

        ASSERT_EQ(step(&fsm, &p, T0 + 100000, advert(200, 200, "192.0.2.9")).timer_at,
                  T0 + 100000 + 3609375);
}

TEST(startup_twice_is_refused) {
        VrrpParams p = params(3, 100);
        VrrpFsm fsm = started_backup(&p, 3609375);
        VrrpActions a;

        ASSERT_ERROR(vrrp_fsm_step(&fsm, &p, T0 + 1, &(VrrpEvent){ .type = VRRP_EVENT_STARTUP }, &a),
                     EALREADY);
        ASSERT_EQ(fsm.state, VRRP_STATE_BACKUP);
        ASSERT_EQ(a.timer_at, T0 + 3609375);
}

TEST(advert_of_the_other_version_is_refused) {
        VrrpParams p = params(3, 100);
        VrrpFsm fsm = started_backup(&p, 3609375);
        VrrpEvent e = advert(200, 100, "192.0.2.9");
        VrrpActions a;

        e.advert.version = 2;
        ASSERT_ERROR(vrrp_fsm_step(&fsm, &p, T0 + 1, &e, &a), EINVAL);
        ASSERT_FALSE(fsm.master_known);
        e.advert.version = 3;
        ASSERT_OK(vrrp_fsm_step(&fsm, &p, T0 + 1, &e, &a));
        ASSERT_TRUE(fsm.master_known);
}

TEST(bad_arguments_are_refused) {
        VrrpParams p = params(3, 100);
        VrrpFsm fsm = VRRP_FSM_INIT;
        VrrpActions a;

        ASSERT_ERROR(vrrp_fsm_step(NULL, &p, T0, &(VrrpEvent){}, &a), EINVAL);
        ASSERT_ERROR(vrrp_fsm_step(&fsm, &p, T0, &(VrrpEvent){ .type = _VRRP_EVENT_MAX }, &a), EINVAL);
        p.version = 4;
        ASSERT_ERROR(vrrp_fsm_step(&fsm, &p, T0, &(VrrpEvent){}, &a), EINVAL);
        ASSERT_EQ(fsm.state, VRRP_STATE_INIT);
}

TEST(params_validate_checks_version_priority_and_interval) {
        VrrpParams p = params(3, 100);

        ASSERT_OK(vrrp_params_validate(&p));
        p.interval_usec = 4095 * USEC_PER_CS;
        ASSERT_OK(vrrp_params_validate(&p));
        p.interval_usec = 4096 * USEC_PER_CS;
        ASSERT_ERROR(vrrp_params_validate(&p), EINVAL);
        p.interval_usec = 15 * USEC_PER_MSEC;
        ASSERT_ERROR(vrrp_params_validate(&p), EINVAL);
        p = params(2, 100);
        p.interval_usec = 1500 * USEC_PER_MSEC;
        ASSERT_ERROR(vrrp_params_validate(&p), EINVAL);
        p = params(3, 0);
        ASSERT_ERROR(vrrp_params_validate(&p), EINVAL);
        p = params(1, 100);
        ASSERT_ERROR(vrrp_params_validate(&p), EINVAL);
}

TEST(state_and_reason_words_are_design_md_words) {
        static const char *const reasons[] = {
                "none",          "startup",    "master-down-timer", "higher-priority", "preempted",
                "priority-zero", "link-down",  "link-up",           "track-failed",    "track-recovered",
                "maintenance",   "sync-group", "shutdown",          "reload",
        };

        ASSERT_STREQ(vrrp_state_to_string(VRRP_STATE_INIT), "init");
        ASSERT_STREQ(vrrp_state_to_string(VRRP_STATE_BACKUP), "backup");
        ASSERT_STREQ(vrrp_state_to_string(VRRP_STATE_MASTER), "master");
        ASSERT_STREQ(vrrp_state_to_string(VRRP_STATE_FAULT), "fault");
        ASSERT_STREQ(vrrp_state_to_string(VRRP_STATE_STOPPED), "stopped");
        ASSERT_TRUE(vrrp_state_to_string(_VRRP_STATE_MAX) == NULL);
        ASSERT_EQ(sizeof(reasons) / sizeof(reasons[0]), _VRRP_REASON_MAX);
        for (VrrpReason r = 0; r < _VRRP_REASON_MAX; r++)
                ASSERT_STREQ(vrrp_reason_to_string(r), reasons[r]);
        ASSERT_TRUE(vrrp_reason_to_string(_VRRP_REASON_MAX) == NULL);
}

TEST(v3_backup_forgets_the_learned_interval_in_fault) {
        VrrpParams p = params(3, 100);
        VrrpFsm fsm = started_backup(&p, 3609375);

        step(&fsm, &p, T0 + 1, advert(200, 200, "192.0.2.9"));
        ASSERT_EQ(fsm.master_adver_int, 2 * USEC_PER_SEC);
        step(&fsm, &p, T0 + 2, ev(VRRP_EVENT_LINK_DOWN));
        ASSERT_EQ(step(&fsm, &p, T0 + 3, ev(VRRP_EVENT_LINK_UP)).timer_at, T0 + 3 + 3609375);
}
