#include "core/vrrp-restore.h"
#include "vtest.h"

#define MS USEC_PER_MSEC
#define T0 (1000 * USEC_PER_SEC)

/* Deletes at now and runs the reinstatement when it is due; returns when that was. */
static usec_t delete_and_restore(VrrpRestore *r, usec_t now, bool can_give_up) {
        usec_t at;

        ASSERT_EQ(vrrp_restore_deleted(r, now, can_give_up, &at), VRRP_RESTORE_AT);
        ASSERT_TRUE(at >= now);
        vrrp_restore_done(r, at);
        return at;
}

TEST(first_restore_is_at_once) {
        VrrpRestore r;

        vrrp_restore_init(&r);
        ASSERT_EQ(delete_and_restore(&r, T0, true), T0);
        ASSERT_EQ(vrrp_restore_count(&r, T0), 1u);
}

TEST(backoff_doubles_from_the_last_restore) {
        VrrpRestore r;
        usec_t now = T0, at;

        vrrp_restore_init(&r);
        at = delete_and_restore(&r, now, true);
        ASSERT_EQ(at, T0);
        at = delete_and_restore(&r, at + 1 * MS, true);
        ASSERT_EQ(at, T0 + 100 * MS);
        at = delete_and_restore(&r, at + 1 * MS, true);
        ASSERT_EQ(at, T0 + 300 * MS);
        at = delete_and_restore(&r, at + 1 * MS, true);
        ASSERT_EQ(at, T0 + 700 * MS);
        at = delete_and_restore(&r, at + 1 * MS, true);
        ASSERT_EQ(at, T0 + 1500 * MS);
        ASSERT_EQ(vrrp_restore_count(&r, at), 5u);
}

TEST(a_late_deletion_is_restored_at_once) {
        VrrpRestore r;
        usec_t at;

        vrrp_restore_init(&r);
        (void) delete_and_restore(&r, T0, true);
        at = delete_and_restore(&r, T0 + 5 * USEC_PER_SEC, true); /* the 100 ms backoff passed long ago */
        ASSERT_EQ(at, T0 + 5 * USEC_PER_SEC);
}

TEST(deletions_while_pending_share_the_restore) {
        VrrpRestore r;
        usec_t a, b;

        vrrp_restore_init(&r);
        (void) delete_and_restore(&r, T0, true);
        ASSERT_EQ(vrrp_restore_deleted(&r, T0 + 10 * MS, true, &a), VRRP_RESTORE_AT);
        ASSERT_EQ(vrrp_restore_deleted(&r, T0 + 20 * MS, true, &b), VRRP_RESTORE_AT);
        ASSERT_EQ(a, b);
        ASSERT_EQ(a, T0 + 100 * MS);
}

TEST(sixth_deletion_in_a_minute_gives_up) {
        VrrpRestore r;
        usec_t at = T0;

        vrrp_restore_init(&r);
        for (int k = 0; k < VRRP_RESTORE_LIMIT; k++)
                at = delete_and_restore(&r, at + 1 * MS, true);
        ASSERT_EQ(vrrp_restore_fault_until(&r), USEC_INFINITY);
        ASSERT_EQ(vrrp_restore_deleted(&r, at + 1 * MS, true, &at), VRRP_RESTORE_GIVE_UP);
        ASSERT_EQ(at, USEC_INFINITY);
        ASSERT_EQ(vrrp_restore_fault_until(&r), T0 + 1502 * MS + VRRP_RESTORE_WINDOW);
        vrrp_restore_recovered(&r);
        ASSERT_EQ(vrrp_restore_fault_until(&r), USEC_INFINITY);
        ASSERT_EQ(vrrp_restore_count(&r, at), 0u);
}

TEST(five_spread_over_more_than_a_minute_do_not_give_up) {
        VrrpRestore r;
        usec_t at;

        vrrp_restore_init(&r);
        for (int k = 0; k < 10; k++)
                (void) delete_and_restore(&r, T0 + (usec_t) k * 13 * USEC_PER_SEC, true);
        ASSERT_EQ(vrrp_restore_deleted(&r, T0 + 130 * USEC_PER_SEC, true, &at), VRRP_RESTORE_AT);
        ASSERT_EQ(vrrp_restore_count(&r, T0 + 130 * USEC_PER_SEC), 4u);
}

TEST(without_give_up_the_delay_is_capped) {
        VrrpRestore r;
        usec_t at = T0, prev = T0;

        vrrp_restore_init(&r);
        for (int k = 0; k < 12; k++) {
                prev = at;
                at = delete_and_restore(&r, at + 1 * MS, false);
        }
        ASSERT_EQ(at - prev, VRRP_RESTORE_MAX_DELAY);
        ASSERT_EQ(vrrp_restore_fault_until(&r), USEC_INFINITY);
}
