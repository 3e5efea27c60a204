#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "core/vrrp-fsm.h"
#include "vtest.h"

/* Every test runs on a virtual clock from an arbitrary start: nothing may assume t == 0, nothing sleeps. */
#define T0 ((usec_t) 1000 * USEC_PER_SEC + 12345)

static VrrpAddr addr(const char *s) {
        VrrpAddr a = {};

        ASSERT_EQ(inet_pton(strchr(s, ':') ? AF_INET6 : AF_INET, s, &a), 1);
        return a;
}

static VrrpParams params(uint8_t version, uint8_t priority) {
        return (VrrpParams){ .vrid = 7,
                             .version = version,
                             .family = AF_INET,
                             .priority = priority,
                             .interval_usec = USEC_PER_SEC,
                             .preempt = true,
                             .primary = addr("192.0.2.1") };
}

static VrrpEvent ev(VrrpEventType type) {
        return (VrrpEvent){ .type = type };
}

static VrrpEvent advert(uint8_t priority, uint16_t interval_cs, const char *src) {
        return (VrrpEvent){
                .type = VRRP_EVENT_ADVERT,
                .advert = { .priority = priority, .max_adver_int_cs = interval_cs, .src = addr(src) }
        };
}

static VrrpActions step(VrrpFsm *fsm, const VrrpParams *p, usec_t now, VrrpEvent e) {
        VrrpActions a;

        ASSERT_OK(vrrp_fsm_step(fsm, p, now, &e, &a));
        return a;
}

/* Starts p as a backup at T0 and checks it armed Master_Down_Timer at Master_Down_Interval. */
static VrrpFsm started_backup(const VrrpParams *p, usec_t master_down_interval) {
        VrrpFsm fsm = VRRP_FSM_INIT;
        VrrpActions a = step(&fsm, p, T0, ev(VRRP_EVENT_STARTUP));

        ASSERT_EQ(a.new_state, VRRP_STATE_BACKUP);
        ASSERT_EQ(a.reason, VRRP_REASON_STARTUP);
        ASSERT_FALSE(a.send_advert || a.add_vips || a.remove_vips || a.announce);
        ASSERT_EQ(a.timer_at, T0 + master_down_interval);
        return fsm;
}

/* Starts p as a backup and lets its Master_Down_Timer fire: a master at T0 + 3609375 (priority 100, 1 s). */
static VrrpFsm started_master(const VrrpParams *p, usec_t *ret_now) {
        VrrpFsm fsm = VRRP_FSM_INIT;
        VrrpActions a = step(&fsm, p, T0, ev(VRRP_EVENT_STARTUP));

        if (a.new_state == VRRP_STATE_BACKUP)
                a = step(&fsm, p, a.timer_at, ev(VRRP_EVENT_TIMER));
        ASSERT_EQ(a.new_state, VRRP_STATE_MASTER);
        *ret_now = a.timer_at - p->interval_usec;
        return fsm;
}

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
