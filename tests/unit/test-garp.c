#include <stdint.h>

#include "core/vrrp-garp.h"
#include "vtest.h"

/* An arbitrary start: nothing may assume t == 0. */
#define T0 (1000 * USEC_PER_SEC)

TEST(garp_become_master_sends_repeat_rounds_at_once) {
        const VrrpGarpParams p = VRRP_GARP_PARAMS_DEFAULT;
        VrrpGarpSched s = VRRP_GARP_SCHED_INIT;
        VrrpGarpBatch b;

        vrrp_garp_become_master(&s, &p, 3, T0);
        vrrp_garp_next(&s, &p, T0, SIZE_MAX, &b);
        ASSERT_EQ(b.n, 15); /* garp_master_repeat 5 × 3 VIPs */
        ASSERT_EQ(b.first, 0);
        ASSERT_EQ(b.backlog, 0);
        ASSERT_EQ(b.next_at, T0 + 5 * USEC_PER_SEC); /* garp_master_delay */

        /* nothing more until the second burst */
        vrrp_garp_next(&s, &p, T0 + USEC_PER_SEC, SIZE_MAX, &b);
        ASSERT_EQ(b.n, 0);
        ASSERT_EQ(b.next_at, T0 + 5 * USEC_PER_SEC);

        vrrp_garp_next(&s, &p, b.next_at, SIZE_MAX, &b);
        ASSERT_EQ(b.n, 15);
        ASSERT_EQ(b.next_at, USEC_INFINITY); /* no refresh by default */
}

TEST(garp_no_vips_no_packets) {
        const VrrpGarpParams p = VRRP_GARP_PARAMS_DEFAULT;
        VrrpGarpSched s = VRRP_GARP_SCHED_INIT;
        VrrpGarpBatch b;

        vrrp_garp_become_master(&s, &p, 0, T0);
        vrrp_garp_next(&s, &p, T0, SIZE_MAX, &b);
        ASSERT_EQ(b.n, 0);
        ASSERT_EQ(b.next_at, USEC_INFINITY);
}

TEST(garp_delay_zero_means_no_second_burst) {
        VrrpGarpParams p = VRRP_GARP_PARAMS_DEFAULT;
        VrrpGarpSched s = VRRP_GARP_SCHED_INIT;
        VrrpGarpBatch b;

        p.master_repeat = 1; /* vrrp_min_garp: one packet per VIP, no second block */
        p.master_delay_usec = 0;
        vrrp_garp_become_master(&s, &p, 2, T0);
        vrrp_garp_next(&s, &p, T0, SIZE_MAX, &b);
        ASSERT_EQ(b.n, 2);
        ASSERT_EQ(b.next_at, USEC_INFINITY);
}

TEST(garp_refresh_repeats_while_master) {
        VrrpGarpParams p = VRRP_GARP_PARAMS_DEFAULT;
        VrrpGarpSched s = VRRP_GARP_SCHED_INIT;
        VrrpGarpBatch b;

        p.refresh_usec = 60 * USEC_PER_SEC;
        p.refresh_repeat = 2;
        vrrp_garp_become_master(&s, &p, 2, T0);
        vrrp_garp_next(&s, &p, T0, SIZE_MAX, &b);
        ASSERT_EQ(b.n, 10);
        ASSERT_EQ(b.next_at, T0 + 5 * USEC_PER_SEC);
        vrrp_garp_next(&s, &p, b.next_at, SIZE_MAX, &b);
        ASSERT_EQ(b.n, 10);
        ASSERT_EQ(b.next_at, T0 + 60 * USEC_PER_SEC);
        /* late by 3 s: re-armed from when it fired, as keepalived does */
        vrrp_garp_next(&s, &p, T0 + 63 * USEC_PER_SEC, SIZE_MAX, &b);
        ASSERT_EQ(b.n, 4);
        ASSERT_EQ(b.next_at, T0 + 123 * USEC_PER_SEC);
}

TEST(garp_stop_disarms_everything) {
        VrrpGarpParams p = VRRP_GARP_PARAMS_DEFAULT;
        VrrpGarpSched s = VRRP_GARP_SCHED_INIT;
        VrrpGarpBatch b;

        p.refresh_usec = 60 * USEC_PER_SEC;
        vrrp_garp_become_master(&s, &p, 2, T0);
        vrrp_garp_stop(&s);
        vrrp_garp_next(&s, &p, T0 + 100 * USEC_PER_SEC, SIZE_MAX, &b);
        ASSERT_EQ(b.n, 0);
        ASSERT_EQ(b.backlog, 0);
        ASSERT_EQ(b.next_at, USEC_INFINITY);
        vrrp_garp_lower_prio(&s, &p, T0); /* no longer master: nothing */
        vrrp_garp_next(&s, &p, T0, SIZE_MAX, &b);
        ASSERT_EQ(b.n, 0);
        ASSERT_EQ(b.next_at, USEC_INFINITY);
}

TEST(garp_lower_prio_burst_and_delayed_burst) {
        VrrpGarpParams p = VRRP_GARP_PARAMS_DEFAULT;
        VrrpGarpSched s = VRRP_GARP_SCHED_INIT;
        VrrpGarpBatch b;

        p.master_delay_usec = 0;
        p.lower_prio_repeat = 2;
        p.lower_prio_delay_usec = 10 * USEC_PER_SEC;
        vrrp_garp_become_master(&s, &p, 3, T0);
        vrrp_garp_next(&s, &p, T0, SIZE_MAX, &b);
        ASSERT_EQ(b.n, 15);

        vrrp_garp_lower_prio(&s, &p, T0 + USEC_PER_SEC);
        vrrp_garp_next(&s, &p, T0 + USEC_PER_SEC, SIZE_MAX, &b);
        ASSERT_EQ(b.n, 6);
        ASSERT_EQ(b.next_at, T0 + 11 * USEC_PER_SEC);
        /* a second one a second later keeps the earlier deadline */
        vrrp_garp_lower_prio(&s, &p, T0 + 2 * USEC_PER_SEC);
        vrrp_garp_next(&s, &p, T0 + 2 * USEC_PER_SEC, SIZE_MAX, &b);
        ASSERT_EQ(b.n, 6);
        ASSERT_EQ(b.next_at, T0 + 11 * USEC_PER_SEC);
        vrrp_garp_next(&s, &p, T0 + 11 * USEC_PER_SEC, SIZE_MAX, &b);
        ASSERT_EQ(b.n, 6);
        ASSERT_EQ(b.next_at, USEC_INFINITY);
}

TEST(garp_lower_prio_repeat_zero_sends_nothing) {
        VrrpGarpParams p = VRRP_GARP_PARAMS_DEFAULT;
        VrrpGarpSched s = VRRP_GARP_SCHED_INIT;
        VrrpGarpBatch b;

        p.master_delay_usec = 0;
        p.lower_prio_repeat = 0; /* vrrp_strict's default */
        vrrp_garp_become_master(&s, &p, 1, T0);
        vrrp_garp_next(&s, &p, T0, SIZE_MAX, &b);
        vrrp_garp_lower_prio(&s, &p, T0 + USEC_PER_SEC);
        vrrp_garp_next(&s, &p, T0 + USEC_PER_SEC, SIZE_MAX, &b);
        ASSERT_EQ(b.n, 0);
        ASSERT_EQ(b.next_at, USEC_INFINITY);
}

/* vrrp_garp_interval 10 ms: one packet per interval on the interface, the cursor walks the VIPs in order. */
TEST(garp_paced_one_per_interval_in_vip_order) {
        const usec_t iv = 10 * USEC_PER_MSEC;
        VrrpGarpParams p = VRRP_GARP_PARAMS_DEFAULT;
        VrrpGarpSched s = VRRP_GARP_SCHED_INIT;
        VrrpGarpPacer pc = {};
        VrrpGarpBatch b;
        usec_t now = T0;
        size_t sent = 0;

        p.master_repeat = 2;
        p.master_delay_usec = 0;
        vrrp_garp_become_master(&s, &p, 3, now);
        for (size_t i = 0; i < 6; i++) {
                ASSERT_EQ(vrrp_garp_pacer_budget(&pc, iv, now), 1);
                vrrp_garp_next(&s, &p, now, vrrp_garp_pacer_budget(&pc, iv, now), &b);
                ASSERT_EQ(b.n, 1);
                ASSERT_EQ(b.first, i % 3);
                ASSERT_EQ(b.backlog, 5 - i);
                vrrp_garp_pacer_sent(&pc, iv, now, b.n);
                sent += b.n;
                ASSERT_EQ(vrrp_garp_pacer_budget(&pc, iv, now), 0);
                ASSERT_EQ(vrrp_garp_pacer_budget(&pc, iv, now + iv - 1), 0);
                now = pc.next_at;
        }
        ASSERT_EQ(sent, 6);
        vrrp_garp_next(&s, &p, now, vrrp_garp_pacer_budget(&pc, iv, now), &b);
        ASSERT_EQ(b.n, 0);
        ASSERT_EQ(b.backlog, 0);
}

/* Two instances on one interface share its pacer: together they still send one packet per interval. */
TEST(garp_pacer_shared_by_two_instances) {
        const usec_t iv = 5 * USEC_PER_MSEC;
        VrrpGarpParams p = VRRP_GARP_PARAMS_DEFAULT;
        VrrpGarpSched a = VRRP_GARP_SCHED_INIT, c = VRRP_GARP_SCHED_INIT;
        VrrpGarpPacer pc = {};
        VrrpGarpBatch ba, bc;
        usec_t now = T0;

        p.master_repeat = 1;
        p.master_delay_usec = 0;
        vrrp_garp_become_master(&a, &p, 1, now);
        vrrp_garp_become_master(&c, &p, 1, now);
        vrrp_garp_next(&a, &p, now, vrrp_garp_pacer_budget(&pc, iv, now), &ba);
        vrrp_garp_pacer_sent(&pc, iv, now, ba.n);
        vrrp_garp_next(&c, &p, now, vrrp_garp_pacer_budget(&pc, iv, now), &bc);
        ASSERT_EQ(ba.n, 1);
        ASSERT_EQ(bc.n, 0);
        ASSERT_EQ(bc.backlog, 1);
        now = pc.next_at;
        vrrp_garp_next(&c, &p, now, vrrp_garp_pacer_budget(&pc, iv, now), &bc);
        ASSERT_EQ(bc.n, 1);
        ASSERT_EQ(bc.backlog, 0);
}

/* A burst while an earlier one is still held back merges into it, as keepalived's per-VIP pending flags. */
TEST(garp_bursts_merge_while_paced) {
        VrrpGarpParams p = VRRP_GARP_PARAMS_DEFAULT;
        VrrpGarpSched s = VRRP_GARP_SCHED_INIT;
        VrrpGarpBatch b;

        p.master_repeat = 2;
        p.master_delay_usec = 0;
        vrrp_garp_become_master(&s, &p, 4, T0);
        vrrp_garp_next(&s, &p, T0, 3, &b);
        ASSERT_EQ(b.n, 3);
        ASSERT_EQ(b.backlog, 5);
        vrrp_garp_request(&s, 1); /* 4 owed < 5: nothing added */
        vrrp_garp_next(&s, &p, T0, 0, &b);
        ASSERT_EQ(b.backlog, 5);
        vrrp_garp_request(&s, 3); /* 12 > 5: raised to 12 */
        vrrp_garp_next(&s, &p, T0, SIZE_MAX, &b);
        ASSERT_EQ(b.n, 12);
        ASSERT_EQ(b.first, 3);
}

TEST(garp_unpaced_budget_is_unlimited) {
        VrrpGarpPacer pc = {};

        ASSERT_EQ(vrrp_garp_pacer_budget(&pc, 0, T0), SIZE_MAX);
        vrrp_garp_pacer_sent(&pc, 0, T0, 10);
        ASSERT_EQ(pc.next_at, 0);
        ASSERT_EQ(vrrp_garp_pacer_budget(&pc, 0, T0), SIZE_MAX);
}

TEST(garp_set_addrs_keeps_cursor_in_range) {
        VrrpGarpParams p = VRRP_GARP_PARAMS_DEFAULT;
        VrrpGarpSched s = VRRP_GARP_SCHED_INIT;
        VrrpGarpBatch b;

        p.master_repeat = 1;
        p.master_delay_usec = 0;
        vrrp_garp_become_master(&s, &p, 5, T0);
        vrrp_garp_next(&s, &p, T0, 4, &b);
        ASSERT_EQ(b.backlog, 1);
        vrrp_garp_set_addrs(&s, 2);
        vrrp_garp_next(&s, &p, T0, SIZE_MAX, &b);
        ASSERT_EQ(b.n, 1);
        ASSERT_TRUE(b.first < 2);
        vrrp_garp_set_addrs(&s, 0);
        vrrp_garp_request(&s, 3);
        vrrp_garp_next(&s, &p, T0, SIZE_MAX, &b);
        ASSERT_EQ(b.n, 0);
}

TEST(garp_huge_repeat_saturates) {
        VrrpGarpParams p = VRRP_GARP_PARAMS_DEFAULT;
        VrrpGarpSched s = VRRP_GARP_SCHED_INIT;
        VrrpGarpBatch b;

        p.master_repeat = UINT32_MAX;
        p.master_delay_usec = USEC_INFINITY; /* never overflows the deadline */
        vrrp_garp_become_master(&s, &p, 255, T0);
        vrrp_garp_next(&s, &p, T0, 1, &b);
        ASSERT_EQ(b.n, 1);
        ASSERT_EQ(b.backlog, (size_t) UINT32_MAX * 255 - 1);
        ASSERT_EQ(b.next_at, USEC_INFINITY);
}
