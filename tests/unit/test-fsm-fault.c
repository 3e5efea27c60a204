#include "fsm-util.h"

TEST(master_going_down_on_link_loss_resigns_with_priority_zero_first) {
        VrrpParams p = params(3, 100);
        VrrpFsm fsm;
        VrrpActions a;
        usec_t now;

        fsm = started_master(&p, &now);
        a = step(&fsm, &p, now + 100, ev(VRRP_EVENT_LINK_DOWN));
        ASSERT_EQ(a.new_state, VRRP_STATE_FAULT);
        ASSERT_EQ(a.reason, VRRP_REASON_LINK_DOWN);
        ASSERT_TRUE(a.send_advert && a.remove_vips && a.master_changed);
        ASSERT_EQ(a.advert_priority, 0);
        ASSERT_FALSE(a.add_vips || a.announce);
        ASSERT_EQ(a.timer_at, USEC_INFINITY);
        /* a second LINK_DOWN changes nothing */
        a = step(&fsm, &p, now + 200, ev(VRRP_EVENT_LINK_DOWN));
        ASSERT_FALSE(a.state_changed || a.send_advert);
        /* link up: back as backup, with a whole Master_Down_Interval on its own interval */
        a = step(&fsm, &p, now + 5 * USEC_PER_SEC, ev(VRRP_EVENT_LINK_UP));
        ASSERT_EQ(a.new_state, VRRP_STATE_BACKUP);
        ASSERT_EQ(a.reason, VRRP_REASON_LINK_UP);
        ASSERT_FALSE(a.send_advert || a.add_vips || a.remove_vips);
        ASSERT_EQ(a.timer_at, now + 5 * USEC_PER_SEC + 3609375);
}

TEST(owner_is_master_again_at_once_when_its_link_comes_back) {
        VrrpParams p = params(3, 255);
        VrrpFsm fsm;
        VrrpActions a;
        usec_t now;

        fsm = started_master(&p, &now);
        step(&fsm, &p, now + 10, ev(VRRP_EVENT_LINK_DOWN));
        a = step(&fsm, &p, now + 20, ev(VRRP_EVENT_LINK_UP));
        ASSERT_EQ(a.new_state, VRRP_STATE_MASTER);
        ASSERT_EQ(a.reason, VRRP_REASON_LINK_UP);
        ASSERT_TRUE(a.send_advert && a.add_vips && a.announce);
        ASSERT_EQ(a.advert_priority, 255);
}

TEST(adverts_are_ignored_in_fault) {
        VrrpParams p = params(3, 100);
        VrrpFsm fsm = started_backup(&p, 3609375);
        VrrpActions a;

        a = step(&fsm, &p, T0 + 1, ev(VRRP_EVENT_LINK_DOWN));
        ASSERT_EQ(a.new_state, VRRP_STATE_FAULT);
        ASSERT_FALSE(a.send_advert || a.remove_vips); /* a backup has nothing to resign */
        a = step(&fsm, &p, T0 + 2, advert(0, 100, "192.0.2.9"));
        ASSERT_EQ(a.new_state, VRRP_STATE_FAULT);
        ASSERT_EQ(a.timer_at, USEC_INFINITY);
        a = step(&fsm, &p, T0 + 3, advert(200, 200, "192.0.2.9"));
        ASSERT_FALSE(a.state_changed || a.send_advert || a.master_changed);
        ASSERT_EQ(fsm.master_adver_int, USEC_PER_SEC);
        ASSERT_FALSE(fsm.master_known);
        a = step(&fsm, &p, T0 + 10 * USEC_PER_SEC, ev(VRRP_EVENT_TIMER));
        ASSERT_EQ(a.new_state, VRRP_STATE_FAULT);
}

TEST(startup_with_the_link_down_enters_fault) {
        VrrpParams p = params(3, 255);
        VrrpFsm fsm = VRRP_FSM_INIT;
        VrrpActions a;

        a = step(&fsm, &p, T0, ev(VRRP_EVENT_LINK_DOWN));
        ASSERT_FALSE(a.state_changed);
        a = step(&fsm, &p, T0, ev(VRRP_EVENT_STARTUP));
        ASSERT_EQ(a.new_state, VRRP_STATE_FAULT);
        ASSERT_EQ(a.reason, VRRP_REASON_LINK_DOWN);
        ASSERT_FALSE(a.send_advert || a.add_vips);
        a = step(&fsm, &p, T0 + 1, ev(VRRP_EVENT_LINK_UP));
        ASSERT_EQ(a.new_state, VRRP_STATE_MASTER);
}

TEST(failed_weight0_track_faults_until_every_failed_track_recovered) {
        VrrpParams p = params(3, 100);
        VrrpFsm fsm;
        VrrpActions a;
        usec_t now;

        fsm = started_master(&p, &now);
        a = step(&fsm, &p, now + 1, ev(VRRP_EVENT_FAULT_SET));
        ASSERT_EQ(a.new_state, VRRP_STATE_FAULT);
        ASSERT_EQ(a.reason, VRRP_REASON_TRACK_FAILED);
        ASSERT_TRUE(a.send_advert && a.remove_vips);
        ASSERT_EQ(a.advert_priority, 0);
        step(&fsm, &p, now + 2, ev(VRRP_EVENT_FAULT_SET));
        step(&fsm, &p, now + 3, ev(VRRP_EVENT_LINK_DOWN));
        ASSERT_EQ(step(&fsm, &p, now + 4, ev(VRRP_EVENT_FAULT_CLEAR)).new_state, VRRP_STATE_FAULT);
        ASSERT_EQ(step(&fsm, &p, now + 5, ev(VRRP_EVENT_LINK_UP)).new_state, VRRP_STATE_FAULT);
        a = step(&fsm, &p, now + 6, ev(VRRP_EVENT_FAULT_CLEAR));
        ASSERT_EQ(a.new_state, VRRP_STATE_BACKUP);
        ASSERT_EQ(a.reason, VRRP_REASON_TRACK_RECOVERED);
        ASSERT_EQ(a.timer_at, now + 6 + 3609375);
}

TEST(fault_clear_without_a_fault_is_refused) {
        VrrpParams p = params(3, 100);
        VrrpFsm fsm = started_backup(&p, 3609375), before;
        VrrpActions a;

        before = fsm;
        ASSERT_ERROR(vrrp_fsm_step(&fsm, &p, T0 + 1, &(VrrpEvent){ .type = VRRP_EVENT_FAULT_CLEAR }, &a),
                     EINVAL);
        ASSERT_MEMEQ(&fsm, &before, sizeof(fsm));
        ASSERT_EQ(a.new_state, VRRP_STATE_BACKUP);
        ASSERT_FALSE(a.state_changed || a.send_advert);
        ASSERT_EQ(a.timer_at, T0 + 3609375);
}

TEST(maintenance_makes_a_master_resign_and_stay_backup) {
        VrrpParams p = params(3, 100);
        VrrpFsm fsm;
        VrrpActions a;
        usec_t now;

        fsm = started_master(&p, &now);
        a = step(&fsm, &p, now + 1, (VrrpEvent){ .type = VRRP_EVENT_MAINTENANCE, .maintenance = true });
        ASSERT_EQ(a.new_state, VRRP_STATE_BACKUP);
        ASSERT_EQ(a.reason, VRRP_REASON_MAINTENANCE);
        ASSERT_TRUE(a.send_advert && a.remove_vips);
        ASSERT_EQ(a.advert_priority, 0);
        ASSERT_EQ(a.timer_at, USEC_INFINITY);
        /* nobody else is there, a master resigns with priority 0: still no takeover */
        a = step(&fsm, &p, now + 2, advert(0, 100, "192.0.2.9"));
        ASSERT_EQ(a.timer_at, USEC_INFINITY);
        a = step(&fsm, &p, now + 100 * USEC_PER_SEC, ev(VRRP_EVENT_TIMER));
        ASSERT_EQ(a.new_state, VRRP_STATE_BACKUP);
        /* off: a normal backup again */
        a = step(&fsm, &p, now + 101 * USEC_PER_SEC, (VrrpEvent){ .type = VRRP_EVENT_MAINTENANCE });
        ASSERT_FALSE(a.state_changed);
        ASSERT_EQ(a.timer_at, now + 101 * USEC_PER_SEC + 3609375);
        a = step(&fsm, &p, a.timer_at, ev(VRRP_EVENT_TIMER));
        ASSERT_EQ(a.new_state, VRRP_STATE_MASTER);
}

TEST(backup_in_maintenance_still_follows_the_master) {
        VrrpParams p = params(3, 100);
        VrrpFsm fsm = started_backup(&p, 3609375);
        VrrpActions a;

        a = step(&fsm, &p, T0 + 1, (VrrpEvent){ .type = VRRP_EVENT_MAINTENANCE, .maintenance = true });
        ASSERT_FALSE(a.state_changed);
        ASSERT_EQ(a.timer_at, USEC_INFINITY);
        a = step(&fsm, &p, T0 + 2, advert(50, 200, "192.0.2.9"));
        ASSERT_TRUE(a.master_changed);
        ASSERT_EQ(fsm.master_adver_int, USEC_PER_SEC); /* discarded (lower, preempt): not learned */
        a = step(&fsm, &p, T0 + 3, advert(150, 200, "192.0.2.8"));
        ASSERT_EQ(fsm.master_adver_int, 2 * USEC_PER_SEC);
        ASSERT_EQ(a.timer_at, USEC_INFINITY);
}

TEST(owner_leaving_maintenance_is_master_at_once) {
        VrrpParams p = params(3, 255);
        VrrpFsm fsm;
        VrrpActions a;
        usec_t now;

        fsm = started_master(&p, &now);
        step(&fsm, &p, now + 1, (VrrpEvent){ .type = VRRP_EVENT_MAINTENANCE, .maintenance = true });
        ASSERT_EQ(fsm.state, VRRP_STATE_BACKUP);
        a = step(&fsm, &p, now + 2, (VrrpEvent){ .type = VRRP_EVENT_MAINTENANCE, .maintenance = false });
        ASSERT_EQ(a.new_state, VRRP_STATE_MASTER);
        ASSERT_EQ(a.reason, VRRP_REASON_MAINTENANCE);
        ASSERT_TRUE(a.send_advert && a.add_vips);
}

TEST(shutdown_makes_a_master_resign_and_stop) {
        VrrpParams p = params(3, 100);
        VrrpFsm fsm;
        VrrpActions a;
        usec_t now;

        fsm = started_master(&p, &now);
        a = step(&fsm, &p, now + 1, ev(VRRP_EVENT_SHUTDOWN));
        ASSERT_EQ(a.new_state, VRRP_STATE_STOPPED);
        ASSERT_EQ(a.reason, VRRP_REASON_SHUTDOWN);
        ASSERT_TRUE(a.send_advert && a.remove_vips);
        ASSERT_EQ(a.advert_priority, 0);
        ASSERT_EQ(a.timer_at, USEC_INFINITY);
        a = step(&fsm, &p, now + 2, advert(200, 100, "192.0.2.9"));
        ASSERT_FALSE(a.state_changed || a.send_advert);
        ASSERT_EQ(step(&fsm, &p, now + 3, ev(VRRP_EVENT_TIMER)).timer_at, USEC_INFINITY);
        /* a stopped instance can start again */
        ASSERT_EQ(step(&fsm, &p, now + 4, ev(VRRP_EVENT_STARTUP)).new_state, VRRP_STATE_BACKUP);
}

TEST(shutdown_of_a_backup_sends_nothing) {
        VrrpParams p = params(3, 100);
        VrrpFsm fsm = started_backup(&p, 3609375);
        VrrpActions a = step(&fsm, &p, T0 + 1, ev(VRRP_EVENT_SHUTDOWN));

        ASSERT_EQ(a.new_state, VRRP_STATE_STOPPED);
        ASSERT_FALSE(a.send_advert || a.remove_vips);
}

TEST(runtime_priority_goes_into_the_next_advert) {
        VrrpParams p = params(3, 100);
        VrrpFsm fsm;
        VrrpActions a;
        usec_t now;

        fsm = started_master(&p, &now);
        a = step(&fsm, &p, now + 1, (VrrpEvent){ .type = VRRP_EVENT_PRIORITY, .priority = 80 });
        ASSERT_TRUE(a.priority_changed);
        ASSERT_FALSE(a.send_advert || a.state_changed);
        ASSERT_EQ(fsm.priority, 80);
        a = step(&fsm, &p, now + USEC_PER_SEC, ev(VRRP_EVENT_TIMER));
        ASSERT_EQ(a.advert_priority, 80);
        /* the same priority again is no change */
        ASSERT_FALSE(step(&fsm, &p, now + 2, (VrrpEvent){ .type = VRRP_EVENT_PRIORITY, .priority = 80 })
                             .priority_changed);
}

TEST(runtime_priority_is_clamped_to_1_254) {
        VrrpParams p = params(3, 100);
        VrrpFsm fsm = started_backup(&p, 3609375);

        step(&fsm, &p, T0 + 1, (VrrpEvent){ .type = VRRP_EVENT_PRIORITY, .priority = -20 });
        ASSERT_EQ(fsm.priority, 1);
        step(&fsm, &p, T0 + 2, (VrrpEvent){ .type = VRRP_EVENT_PRIORITY, .priority = 300 });
        ASSERT_EQ(fsm.priority, 254);
        ASSERT_EQ(vrrp_fsm_priority(&fsm, &p), 254);
        ASSERT_EQ(vrrp_fsm_priority(&VRRP_FSM_INIT, &p), 100);
        p.priority = 255;
        ASSERT_EQ(vrrp_fsm_priority(&fsm, &p), 255);
}

TEST(owner_priority_cannot_be_overridden) {
        VrrpParams p = params(3, 255);
        VrrpFsm fsm, before;
        VrrpActions a;
        usec_t now;

        fsm = started_master(&p, &now);
        before = fsm;
        ASSERT_ERROR(vrrp_fsm_step(&fsm, &p, now + 1,
                                   &(VrrpEvent){ .type = VRRP_EVENT_PRIORITY, .priority = 100 }, &a),
                     EPERM);
        ASSERT_MEMEQ(&fsm, &before, sizeof(fsm));
        ASSERT_FALSE(a.priority_changed);
        ASSERT_EQ(step(&fsm, &p, now + USEC_PER_SEC, ev(VRRP_EVENT_TIMER)).advert_priority, 255);
}

TEST(runtime_priority_moves_a_pending_master_down_timer_by_the_skew_change) {
        VrrpParams p = params(3, 100);
        VrrpFsm fsm = started_backup(&p, 3609375);
        VrrpActions a;

        /* 100 → 200: Skew_Time 609375 → 218750 */
        a = step(&fsm, &p, T0 + 1000, (VrrpEvent){ .type = VRRP_EVENT_PRIORITY, .priority = 200 });
        ASSERT_EQ(a.timer_at, T0 + 3218750);
        ASSERT_EQ(vrrp_fsm_master_down_interval(&fsm, &p), 3218750);
}

TEST(raised_runtime_priority_lets_a_backup_preempt_the_master) {
        VrrpParams p = params(3, 100);
        VrrpFsm fsm = started_backup(&p, 3609375);
        VrrpActions a;

        a = step(&fsm, &p, T0 + 500000, advert(150, 100, "192.0.2.9"));
        ASSERT_EQ(a.timer_at, T0 + 500000 + 3609375);
        a = step(&fsm, &p, T0 + 600000, (VrrpEvent){ .type = VRRP_EVENT_PRIORITY, .priority = 200 });
        ASSERT_EQ(a.timer_at, T0 + 500000 + 3218750);
        a = step(&fsm, &p, T0 + 1500000, advert(150, 100, "192.0.2.9")); /* now lower than us: discarded */
        ASSERT_EQ(a.timer_at, T0 + 500000 + 3218750);
        a = step(&fsm, &p, a.timer_at, ev(VRRP_EVENT_TIMER));
        ASSERT_EQ(a.new_state, VRRP_STATE_MASTER);
        ASSERT_EQ(a.reason, VRRP_REASON_PREEMPTED);
        ASSERT_EQ(a.advert_priority, 200);
}

TEST(priority_set_before_startup_is_used_from_the_start) {
        VrrpParams p = params(3, 100);
        VrrpFsm fsm = VRRP_FSM_INIT;

        step(&fsm, &p, T0, (VrrpEvent){ .type = VRRP_EVENT_PRIORITY, .priority = 200 });
        ASSERT_EQ(step(&fsm, &p, T0, ev(VRRP_EVENT_STARTUP)).timer_at, T0 + 3218750);
}

TEST(vip_filter_follows_the_vips_without_accept_mode) {
        VrrpParams p = params(3, 100);
        VrrpFsm fsm;
        VrrpActions a;
        usec_t now;

        fsm = VRRP_FSM_INIT;
        a = step(&fsm, &p, T0, ev(VRRP_EVENT_STARTUP));
        a = step(&fsm, &p, a.timer_at, ev(VRRP_EVENT_TIMER));
        ASSERT_TRUE(a.add_vips && a.filter_on && !a.filter_off);
        a = step(&fsm, &p, a.timer_at, advert(200, 100, "192.0.2.9"));
        ASSERT_TRUE(a.remove_vips && a.filter_off && !a.filter_on);

        p.accept = true;
        fsm = started_master(&p, &now);
        a = step(&fsm, &p, now + 1, ev(VRRP_EVENT_SHUTDOWN));
        ASSERT_TRUE(a.remove_vips && !a.filter_off);

        p = params(3, 255); /* the owner accepts what is its own */
        fsm = VRRP_FSM_INIT;
        a = step(&fsm, &p, T0, ev(VRRP_EVENT_STARTUP));
        ASSERT_TRUE(a.add_vips && !a.filter_on);
}
