#include "fsm-util.h"

TEST(master_sends_adverts_every_interval_without_drift) {
        VrrpParams p = params(3, 255);
        VrrpFsm fsm;
        VrrpActions a;
        usec_t now;

        fsm = started_master(&p, &now);
        ASSERT_EQ(now, T0);
        for (unsigned i = 1; i <= 5; i++) {
                a = step(&fsm, &p, T0 + i * USEC_PER_SEC, ev(VRRP_EVENT_TIMER));
                ASSERT_TRUE(a.send_advert);
                ASSERT_EQ(a.advert_priority, 255);
                ASSERT_FALSE(a.state_changed || a.add_vips || a.announce);
                ASSERT_EQ(a.timer_at, T0 + (i + 1) * USEC_PER_SEC);
        }
        /* an early wakeup sends nothing; a late one keeps the schedule */
        a = step(&fsm, &p, T0 + 6 * USEC_PER_SEC - 1, ev(VRRP_EVENT_TIMER));
        ASSERT_FALSE(a.send_advert);
        ASSERT_EQ(a.timer_at, T0 + 6 * USEC_PER_SEC);
        a = step(&fsm, &p, T0 + 6 * USEC_PER_SEC + 3000, ev(VRRP_EVENT_TIMER));
        ASSERT_TRUE(a.send_advert);
        ASSERT_EQ(a.timer_at, T0 + 7 * USEC_PER_SEC);
        /* a wakeup later than a whole interval restarts from now */
        a = step(&fsm, &p, T0 + 9 * USEC_PER_SEC + 500, ev(VRRP_EVENT_TIMER));
        ASSERT_EQ(a.timer_at, T0 + 10 * USEC_PER_SEC + 500);
}

TEST(master_answers_a_lower_priority_advert_at_once) {
        VrrpParams p = params(3, 100);
        VrrpFsm fsm;
        VrrpActions a;
        usec_t now;

        fsm = started_master(&p, &now);
        a = step(&fsm, &p, now + 300000, advert(50, 100, "192.0.2.200"));
        ASSERT_EQ(a.new_state, VRRP_STATE_MASTER);
        ASSERT_TRUE(a.send_advert);
        ASSERT_EQ(a.advert_priority, 100);
        ASSERT_FALSE(a.announce || a.remove_vips);
        ASSERT_EQ(a.timer_at, now + 300000 + USEC_PER_SEC); /* the advert just sent restarts Adver_Timer */
}

TEST(master_with_lower_prio_no_advert_ignores_a_lower_priority_advert) {
        VrrpParams p = params(3, 100);
        VrrpFsm fsm;
        VrrpActions a;
        usec_t now;

        p.lower_prio_no_advert = true;
        p.garp_lower_prio = true;
        fsm = started_master(&p, &now);
        a = step(&fsm, &p, now + 300000, advert(50, 100, "192.0.2.200"));
        ASSERT_EQ(a.new_state, VRRP_STATE_MASTER);
        ASSERT_FALSE(a.send_advert);
        ASSERT_TRUE(a.announce); /* garp_lower_prio_repeat */
        ASSERT_EQ(a.timer_at, now + USEC_PER_SEC);
}

TEST(master_answers_priority_zero_and_resets_adver_timer) {
        VrrpParams p = params(3, 100);
        VrrpFsm fsm;
        VrrpActions a;
        usec_t now;

        p.lower_prio_no_advert = true; /* priority 0 is answered regardless */
        fsm = started_master(&p, &now);
        a = step(&fsm, &p, now + 700000, advert(0, 100, "192.0.2.200"));
        ASSERT_EQ(a.new_state, VRRP_STATE_MASTER);
        ASSERT_TRUE(a.send_advert);
        ASSERT_EQ(a.advert_priority, 100);
        ASSERT_EQ(a.timer_at, now + 700000 + USEC_PER_SEC);
}

TEST(master_steps_down_on_a_higher_priority_advert) {
        VrrpParams p = params(3, 100);
        VrrpFsm fsm;
        VrrpActions a;
        usec_t now;

        fsm = started_master(&p, &now);
        a = step(&fsm, &p, now + 300000, advert(101, 50, "192.0.2.2"));
        ASSERT_EQ(a.new_state, VRRP_STATE_BACKUP);
        ASSERT_EQ(a.reason, VRRP_REASON_HIGHER_PRIORITY);
        ASSERT_TRUE(a.remove_vips && a.master_changed);
        ASSERT_FALSE(a.send_advert || a.add_vips);
        /* v3: it learned the new master's 0.5 s: 1.5 s + 156 × 0.5 s / 256 */
        ASSERT_EQ(a.timer_at, now + 300000 + 1804687);
        ASSERT_MEMEQ(&fsm.master, &(VrrpAddr){ .in.s_addr = htonl(0xc0000202) }, 4);
}

TEST(master_with_higher_prio_send_advert_answers_before_stepping_down) {
        VrrpParams p = params(3, 100);
        VrrpFsm fsm;
        VrrpActions a;
        usec_t now;

        p.higher_prio_send_advert = true;
        fsm = started_master(&p, &now);
        a = step(&fsm, &p, now + 300000, advert(200, 100, "192.0.2.2"));
        ASSERT_EQ(a.new_state, VRRP_STATE_BACKUP);
        ASSERT_TRUE(a.send_advert && a.remove_vips);
        ASSERT_EQ(a.advert_priority, 100);
}

static void check_tie_break(int family, const char *own, const char *lower, const char *higher) {
        VrrpParams p = params(3, 100);
        VrrpFsm fsm;
        VrrpActions a;
        usec_t now;

        p.family = family;
        p.primary = addr(own);
        fsm = started_master(&p, &now);
        /* equal priority from a lower address: we win and say so */
        a = step(&fsm, &p, now + 100000, advert(100, 100, lower));
        ASSERT_EQ(a.new_state, VRRP_STATE_MASTER);
        ASSERT_TRUE(a.send_advert);
        /* equal priority from our own address (a reflection): nothing */
        a = step(&fsm, &p, now + 200000, advert(100, 100, own));
        ASSERT_EQ(a.new_state, VRRP_STATE_MASTER);
        ASSERT_FALSE(a.send_advert);
        /* equal priority from a higher address: it wins */
        a = step(&fsm, &p, now + 300000, advert(100, 100, higher));
        ASSERT_EQ(a.new_state, VRRP_STATE_BACKUP);
        ASSERT_EQ(a.reason, VRRP_REASON_HIGHER_PRIORITY);
        ASSERT_TRUE(a.remove_vips);
}

TEST(equal_priority_tie_break_prefers_the_higher_ipv4_address) {
        /* unsigned network-order integers: .10 beats .9, which a string compare would get wrong */
        check_tie_break(AF_INET, "192.0.2.9", "192.0.2.8", "192.0.2.10");
        check_tie_break(AF_INET, "192.0.2.10", "192.0.2.9", "192.0.3.1");
}

TEST(equal_priority_tie_break_prefers_the_higher_ipv6_address) {
        check_tie_break(AF_INET6, "fe80::2", "fe80::1", "fe80::1:0");
        check_tie_break(AF_INET6, "fe80::1:0", "fe80::ffff", "fe81::");
}

/* DESIGN §1: masters of one interval share a tick; the FSM counts its Adver_Timer from that tick. */
TEST(master_on_the_shared_tick_sends_and_counts_its_timer_from_the_tick) {
        VrrpParams p = params(3, 255);
        VrrpFsm fsm;
        VrrpActions a;
        usec_t now;

        fsm = started_master(&p, &now);
        a = step(&fsm, &p, now + 300 * USEC_PER_MSEC, ev(VRRP_EVENT_ADVER_TICK));
        ASSERT_TRUE(a.send_advert);
        ASSERT_EQ(a.advert_priority, 255);
        ASSERT_FALSE(a.state_changed || a.add_vips || a.announce);
        ASSERT_EQ(a.timer_at, now + 300 * USEC_PER_MSEC + USEC_PER_SEC);
        a = step(&fsm, &p, now + 1300 * USEC_PER_MSEC, ev(VRRP_EVENT_ADVER_TICK));
        ASSERT_TRUE(a.send_advert);
        ASSERT_EQ(a.timer_at, now + 2300 * USEC_PER_MSEC);
}

TEST(shared_tick_is_ignored_by_a_backup) {
        VrrpParams p = params(3, 100);
        VrrpFsm fsm = started_backup(&p, 3609375);
        VrrpActions a;

        a = step(&fsm, &p, T0 + USEC_PER_SEC, ev(VRRP_EVENT_ADVER_TICK));
        ASSERT_FALSE(a.send_advert || a.state_changed);
        ASSERT_EQ(a.timer_at, T0 + 3609375);
}

/* The shared ticks' grid (tick.c): eight ticks of a 20 ms class made at scattered times in one long wakeup,
 * or re-armed after a stall, keep their 2.5 ms spacing. */
TEST(tick_grid_keeps_phases_whenever_ticks_start) {
        const usec_t iv = 20 * USEC_PER_MSEC, step_ = iv / 8;

        ASSERT_EQ(vrrp_time_next_on_grid(0, iv, 0), iv);
        ASSERT_EQ(vrrp_time_next_on_grid(iv, iv, 0), 2 * iv); /* strictly after now */
        ASSERT_EQ(vrrp_time_next_on_grid(iv - 1, iv, 0), iv);
        for (usec_t k = 0; k < 8; k++) {
                usec_t now = T0 + k * 7919; /* made one after another, 8 ms apart in all */
                usec_t t = vrrp_time_next_on_grid(now, iv, k * step_);

                ASSERT_TRUE(t > now && t <= now + iv);
                ASSERT_EQ(t % iv, k * step_);
                /* a stall of 3.3 intervals: the next slot on the same phase */
                ASSERT_EQ(vrrp_time_next_on_grid(t + 3 * iv + iv / 3, iv, t) % iv, k * step_);
        }
        ASSERT_EQ(vrrp_time_next_on_grid(5, iv, iv + 7), 7); /* a phase past the period wraps */
}

/* keepalived 2.3's owner_ignore_adverts: a second owner's advert from a higher address no longer sends us to
 * backup, and a lower-priority one gets no answer; without it the owner steps down as before. */
TEST(owner_ignore_adverts_drops_every_advert) {
        VrrpParams p = params(3, 255);
        VrrpFsm fsm;
        VrrpActions a;
        usec_t now;

        p.owner_ignore_adverts = true;
        fsm = started_master(&p, &now);
        a = step(&fsm, &p, now + 100000, advert(255, 100, "192.0.2.9"));
        ASSERT_EQ(a.new_state, VRRP_STATE_MASTER);
        ASSERT_FALSE(a.send_advert || a.remove_vips || a.master_changed);
        a = step(&fsm, &p, now + 200000, advert(100, 100, "192.0.2.9"));
        ASSERT_FALSE(a.send_advert);
        ASSERT_EQ(a.timer_at, now + USEC_PER_SEC);

        p.owner_ignore_adverts = false;
        a = step(&fsm, &p, now + 300000, advert(255, 100, "192.0.2.9"));
        ASSERT_EQ(a.new_state, VRRP_STATE_BACKUP);
        ASSERT_EQ(a.reason, VRRP_REASON_HIGHER_PRIORITY);
}

/* ... and it means nothing below 255 (the configuration clears it there, as keepalived does). */
TEST(owner_ignore_adverts_needs_an_owner) {
        VrrpParams p = params(3, 100);
        VrrpFsm fsm;
        VrrpActions a;
        usec_t now;

        p.owner_ignore_adverts = true;
        fsm = started_master(&p, &now);
        a = step(&fsm, &p, now + 100000, advert(200, 100, "192.0.2.9"));
        ASSERT_EQ(a.new_state, VRRP_STATE_BACKUP);
}

/* keepalived 2.3's timer_expired_backup 200, v3 at 1 s: a backup at 200 takes over 3 s + (256 - 200) / 256 s =
 * 3218750 us after our last advert. Woken later than that, the master steps down without a priority-0 advert;
 * woken a little late, it just sends. */
TEST(timer_expired_backup_steps_down_after_a_long_stall) {
        VrrpParams p = params(3, 100);
        VrrpFsm fsm;
        VrrpActions a;
        usec_t now, sent;

        p.preempt = false;
        p.timer_expired_backup = 200;
        fsm = started_master(&p, &now);
        sent = now;
        a = step(&fsm, &p, sent + 3218749, ev(VRRP_EVENT_TIMER));
        ASSERT_EQ(a.new_state, VRRP_STATE_MASTER);
        ASSERT_TRUE(a.send_advert);
        sent += 3218749;
        a = step(&fsm, &p, sent + 3218750, ev(VRRP_EVENT_ADVER_TICK));
        ASSERT_EQ(a.new_state, VRRP_STATE_BACKUP);
        ASSERT_EQ(a.reason, VRRP_REASON_MASTER_DOWN_TIMER);
        ASSERT_FALSE(a.send_advert);
        ASSERT_TRUE(a.remove_vips);
        ASSERT_EQ(a.timer_at, sent + 3218750 + 3 * USEC_PER_SEC + 156 * USEC_PER_SEC / 256);

        /* without it, the same stall only sends */
        p.timer_expired_backup = 0;
        fsm = started_master(&p, &now);
        a = step(&fsm, &p, now + 10 * USEC_PER_SEC, ev(VRRP_EVENT_TIMER));
        ASSERT_EQ(a.new_state, VRRP_STATE_MASTER);
        ASSERT_TRUE(a.send_advert);
}

/* v2 counts Skew_Time in seconds whatever the interval: 3 × 2 s + (256 - 254) / 256 s at the default 254. */
TEST(timer_expired_backup_v2_skew_in_seconds) {
        VrrpParams p = params(2, 100);
        VrrpFsm fsm;
        VrrpActions a;
        usec_t now;

        p.preempt = false;
        p.interval_usec = 2 * USEC_PER_SEC;
        p.timer_expired_backup = 254;
        fsm = started_master(&p, &now);
        now += 6 * USEC_PER_SEC + 7811;
        a = step(&fsm, &p, now, ev(VRRP_EVENT_TIMER));
        ASSERT_EQ(a.new_state, VRRP_STATE_MASTER);
        a = step(&fsm, &p, now + 6 * USEC_PER_SEC + 7812, ev(VRRP_EVENT_TIMER));
        ASSERT_EQ(a.new_state, VRRP_STATE_BACKUP);
}

/* Woken by the new master's advert rather than by its own timer, a stalled master steps down all the same
 * (keepalived's timeout handler runs before any packet is read), and follows that master as a backup. */
TEST(timer_expired_backup_checked_before_an_advert) {
        VrrpParams p = params(3, 150);
        VrrpFsm fsm;
        VrrpActions a;
        usec_t now;

        p.preempt = false;
        p.timer_expired_backup = 100;
        fsm = started_master(&p, &now);
        now += 3 * USEC_PER_SEC + 156 * USEC_PER_SEC / 256;
        a = step(&fsm, &p, now, advert(100, 100, "192.0.2.9"));
        ASSERT_EQ(a.new_state, VRRP_STATE_BACKUP);
        ASSERT_FALSE(a.send_advert);
        ASSERT_TRUE(a.remove_vips && a.master_changed);
        ASSERT_EQ(a.timer_at, now + 3 * USEC_PER_SEC + 106 * USEC_PER_SEC / 256);
}
