#include "fsm-util.h"

/* fast_preempt (vrrpd's extension, issue 14): a backup that would preempt takes over Skew_Time after its
 * master's lower-priority advert instead of a whole Master_Down_Interval; nopreempt and preempt_delay still
 * hold; a master whose priority falls advertises it at once. v3, 1 s: Skew_Time at 150 is 106/256 s. */

#define MDI_150 3414062
#define SKEW_150 414062
#define SKEW_200 218750

static VrrpParams fast(uint8_t priority) {
        VrrpParams p = params(3, priority);

        p.fast_preempt = true;
        return p;
}

static VrrpEvent prio_event(int priority) {
        return (VrrpEvent){ .type = VRRP_EVENT_PRIORITY, .priority = priority };
}

TEST(a_lower_master_is_preempted_after_skew_time) {
        VrrpParams p = fast(150);
        VrrpFsm fsm = started_backup(&p, MDI_150);
        VrrpActions a = step(&fsm, &p, T0 + 500000, advert(100, 100, "192.0.2.9"));

        ASSERT_EQ(a.new_state, VRRP_STATE_BACKUP);
        ASSERT_EQ(a.timer_at, T0 + 500000 + SKEW_150);
        /* a later lower advert does not push it back */
        ASSERT_EQ(step(&fsm, &p, T0 + 600000, advert(100, 100, "192.0.2.9")).timer_at, T0 + 500000 + SKEW_150);
        a = step(&fsm, &p, T0 + 500000 + SKEW_150, ev(VRRP_EVENT_TIMER));
        ASSERT_EQ(a.new_state, VRRP_STATE_MASTER);
        ASSERT_EQ(a.reason, VRRP_REASON_PREEMPTED);
}

TEST(the_higher_of_two_backups_wins_by_its_shorter_skew) {
        VrrpParams p150 = fast(150), p200 = fast(200);
        VrrpFsm b150 = started_backup(&p150, MDI_150), b200;

        p200.primary = addr("192.0.2.2");
        b200 = started_backup(&p200, 3 * USEC_PER_SEC + SKEW_200);
        ASSERT_EQ(step(&b150, &p150, T0 + 500000, advert(100, 100, "192.0.2.9")).timer_at, T0 + 500000 + SKEW_150);
        ASSERT_EQ(step(&b200, &p200, T0 + 500000, advert(100, 100, "192.0.2.9")).timer_at, T0 + 500000 + SKEW_200);
}

TEST(nopreempt_still_keeps_a_lower_master) {
        VrrpParams p = fast(150);
        VrrpFsm fsm;

        p.preempt = false;
        fsm = started_backup(&p, MDI_150);
        ASSERT_EQ(step(&fsm, &p, T0 + 500000, advert(100, 100, "192.0.2.9")).timer_at, T0 + 500000 + MDI_150);
}

TEST(preempt_delay_still_holds_then_skew_time) {
        VrrpParams p = fast(150);
        VrrpFsm fsm;

        p.preempt_delay_usec = 2 * USEC_PER_SEC;
        fsm = started_backup(&p, MDI_150);
        /* within the delay the lower master is accepted: a whole Master_Down_Interval each time */
        ASSERT_EQ(step(&fsm, &p, T0 + 500000, advert(100, 100, "192.0.2.9")).timer_at, T0 + 500000 + MDI_150);
        ASSERT_EQ(step(&fsm, &p, T0 + 1500000, advert(100, 100, "192.0.2.9")).timer_at, T0 + 1500000 + MDI_150);
        /* past it, the next lower advert starts Skew_Time */
        ASSERT_EQ(step(&fsm, &p, T0 + 2500000, advert(100, 100, "192.0.2.9")).timer_at, T0 + 2500000 + SKEW_150);
}

TEST(only_the_current_master_s_word_counts) {
        VrrpParams p = fast(150);
        VrrpFsm fsm = started_backup(&p, MDI_150);

        ASSERT_EQ(step(&fsm, &p, T0 + 500000, advert(200, 100, "192.0.2.8")).timer_at, T0 + 500000 + MDI_150);
        /* another router, lower: discarded, the master's timer runs on */
        ASSERT_EQ(step(&fsm, &p, T0 + 600000, advert(100, 100, "192.0.2.9")).timer_at, T0 + 500000 + MDI_150);
}

TEST(maintenance_never_takes_over) {
        VrrpParams p = fast(150);
        VrrpFsm fsm = started_backup(&p, MDI_150);

        step(&fsm, &p, T0 + 100000, (VrrpEvent){ .type = VRRP_EVENT_MAINTENANCE, .maintenance = true });
        ASSERT_EQ(step(&fsm, &p, T0 + 500000, advert(100, 100, "192.0.2.9")).timer_at, USEC_INFINITY);
}

TEST(a_master_that_gets_worse_says_so_at_once) {
        VrrpParams p = fast(150);
        usec_t now;
        VrrpFsm fsm = started_master(&p, &now);
        VrrpActions a = step(&fsm, &p, now + 300000, prio_event(130));

        ASSERT_TRUE(a.send_advert);
        ASSERT_EQ(a.advert_priority, 130);
        ASSERT_EQ(a.timer_at, now + 300000 + USEC_PER_SEC);
        a = step(&fsm, &p, now + 400000, prio_event(140)); /* better: it waits for its interval */
        ASSERT_FALSE(a.send_advert);
        p.fast_preempt = false;
        ASSERT_FALSE(step(&fsm, &p, now + 500000, prio_event(120)).send_advert);
}
