#include <arpa/inet.h>
#include <errno.h>
#include <sys/socket.h>

#include "core/vrrp-fsm.h"
#include "core/vrrp-sync.h"
#include "vtest.h"

#define T0 ((usec_t) 5000 * USEC_PER_SEC + 777)
#define N_MAX 4

/* One router's sync group, driven the way the daemon drives it: step a member, hand its change to the group,
 * step the SYNC events the group returns. last[] keeps each member's latest actions. */
typedef struct Router {
        size_t n;
        VrrpParams p[N_MAX];
        VrrpFsm fsm[N_MAX];
        VrrpActions last[N_MAX];
        VrrpSync g;
} Router;

static void router_init(Router *r, size_t n, const uint8_t *priorities) {
        const VrrpFsm *members[N_MAX];

        *r = (Router){ .n = n };
        for (size_t i = 0; i < n; i++) {
                r->p[i] = (VrrpParams){ .vrid = (uint8_t) (10 + i),
                                        .version = 3,
                                        .family = AF_INET,
                                        .priority = priorities[i],
                                        .interval_usec = USEC_PER_SEC,
                                        .preempt = true,
                                        .sync_group = true,
                                        .primary.in.s_addr = htonl(0xc0000201) };
                r->fsm[i] = VRRP_FSM_INIT;
                members[i] = &r->fsm[i];
        }
        ASSERT_OK(vrrp_sync_init(&r->g, members, n));
}

static void apply(Router *r, size_t m, usec_t now, VrrpEvent e) {
        VrrpState old = r->fsm[m].state;
        VrrpSyncForce f;

        ASSERT_OK(vrrp_fsm_step(&r->fsm[m], &r->p[m], now, &e, &r->last[m]));
        if (!r->last[m].state_changed && !r->last[m].want_master && !r->last[m].fault_recovered)
                return;
        ASSERT_OK(vrrp_sync_member_changed(&r->g, m, old, &f));
        for (size_t i = 0; i < f.n; i++) {
                size_t k = f.items[i].member;

                ASSERT_TRUE(k < r->n);
                ASSERT_OK(vrrp_fsm_step(&r->fsm[k], &r->p[k], now,
                                        &(VrrpEvent){ .type = VRRP_EVENT_SYNC, .sync = f.items[i].state },
                                        &r->last[k]));
        }
}

static VrrpEvent ev(VrrpEventType type) {
        return (VrrpEvent){ .type = type };
}

static VrrpEvent advert(uint8_t priority) {
        return (VrrpEvent){ .type = VRRP_EVENT_ADVERT,
                            .advert = { .priority = priority,
                                        .max_adver_int_cs = 100,
                                        .src.in.s_addr = htonl(0xc0000209) } };
}

/* The FSM side of a sync member, stepped by hand: no group. */
static VrrpParams member_params(uint8_t priority) {
        VrrpParams p = { .vrid = 7,
                         .version = 3,
                         .family = AF_INET,
                         .priority = priority,
                         .interval_usec = USEC_PER_SEC,
                         .preempt = true,
                         .sync_group = true };

        p.primary.in.s_addr = htonl(0xc0000201);
        return p;
}

static VrrpActions step(VrrpFsm *fsm, const VrrpParams *p, usec_t now, VrrpEvent e) {
        VrrpActions a;

        ASSERT_OK(vrrp_fsm_step(fsm, p, now, &e, &a));
        return a;
}

static VrrpFsm started_member(const VrrpParams *p) {
        VrrpFsm fsm = VRRP_FSM_INIT;

        ASSERT_EQ(step(&fsm, p, T0, ev(VRRP_EVENT_STARTUP)).timer_at, T0 + 3609375);
        return fsm;
}

/* Both members start as backups at T0, priorities 100 and 200: Master_Down_Interval 3609375 and 3218750. */
static void started_pair(Router *r) {
        router_init(r, 2, (const uint8_t[]){ 100, 200 });
        apply(r, 0, T0, ev(VRRP_EVENT_STARTUP));
        apply(r, 1, T0, ev(VRRP_EVENT_STARTUP));
        ASSERT_EQ(r->fsm[0].state, VRRP_STATE_BACKUP);
        ASSERT_EQ(r->fsm[1].state, VRRP_STATE_BACKUP);
        ASSERT_EQ(vrrp_sync_state(&r->g), VRRP_STATE_BACKUP);
}

static void started_masters(Router *r, usec_t *ret_now) {
        started_pair(r);
        apply(r, 1, T0 + 3218750, ev(VRRP_EVENT_TIMER));
        apply(r, 0, T0 + 3609375, ev(VRRP_EVENT_TIMER));
        ASSERT_EQ(r->fsm[0].state, VRRP_STATE_MASTER);
        ASSERT_EQ(r->fsm[1].state, VRRP_STATE_MASTER);
        *ret_now = T0 + 3609375;
}

TEST(sync_group_goes_master_only_when_every_member_wants_to) {
        Router r;

        started_pair(&r);
        /* member 1 first: it wants master, but member 0 still hopes for a master: both wait */
        apply(&r, 1, T0 + 3218750, ev(VRRP_EVENT_TIMER));
        ASSERT_TRUE(r.last[1].want_master);
        ASSERT_EQ(r.fsm[1].state, VRRP_STATE_BACKUP);
        ASSERT_FALSE(r.last[1].send_advert || r.last[1].add_vips);
        ASSERT_EQ(vrrp_sync_state(&r.g), VRRP_STATE_BACKUP);
        /* member 0's timer fires too: the whole group goes, each with its own reason */
        apply(&r, 0, T0 + 3609375, ev(VRRP_EVENT_TIMER));
        ASSERT_EQ(vrrp_sync_state(&r.g), VRRP_STATE_MASTER);
        for (size_t i = 0; i < 2; i++) {
                ASSERT_EQ(r.fsm[i].state, VRRP_STATE_MASTER);
                ASSERT_EQ(r.last[i].reason, VRRP_REASON_MASTER_DOWN_TIMER);
                ASSERT_TRUE(r.last[i].send_advert && r.last[i].add_vips && r.last[i].announce);
                ASSERT_EQ(r.last[i].timer_at, T0 + 3609375 + USEC_PER_SEC);
        }
}

TEST(sync_member_is_held_back_while_another_member_hears_its_master) {
        Router r;

        started_pair(&r);
        for (usec_t t = T0 + 500000; t < T0 + 30 * USEC_PER_SEC; t += USEC_PER_SEC) {
                apply(&r, 1, t, advert(250));
                if (r.fsm[0].down_at <= t + 1)
                        apply(&r, 0, t + 1, ev(VRRP_EVENT_TIMER));
                ASSERT_EQ(r.fsm[0].state, VRRP_STATE_BACKUP);
                ASSERT_EQ(r.fsm[1].state, VRRP_STATE_BACKUP);
        }
        ASSERT_TRUE(r.fsm[0].want_master);
        ASSERT_EQ(vrrp_sync_state(&r.g), VRRP_STATE_BACKUP);
        /* the other master resigns: member 1 takes over after Skew_Time and the group follows */
        apply(&r, 1, T0 + 30 * USEC_PER_SEC, advert(0));
        apply(&r, 1, T0 + 30 * USEC_PER_SEC + 218750, ev(VRRP_EVENT_TIMER));
        ASSERT_EQ(r.fsm[1].state, VRRP_STATE_MASTER);
        ASSERT_EQ(r.last[1].reason, VRRP_REASON_PRIORITY_ZERO);
        ASSERT_EQ(r.fsm[0].state, VRRP_STATE_MASTER);
        ASSERT_EQ(r.last[0].reason, VRRP_REASON_MASTER_DOWN_TIMER);
}

TEST(sync_master_stepping_down_forces_the_other_masters_to_backup) {
        Router r;
        usec_t now;

        started_masters(&r, &now);
        apply(&r, 0, now + 100, advert(150));
        ASSERT_EQ(r.fsm[0].state, VRRP_STATE_BACKUP);
        ASSERT_EQ(r.last[0].reason, VRRP_REASON_HIGHER_PRIORITY);
        ASSERT_EQ(r.fsm[1].state, VRRP_STATE_BACKUP);
        ASSERT_EQ(r.last[1].reason, VRRP_REASON_SYNC_GROUP);
        ASSERT_TRUE(r.last[1].remove_vips);
        ASSERT_FALSE(r.last[1].send_advert);
        ASSERT_EQ(r.last[1].timer_at, now + 100 + 3218750);
        ASSERT_EQ(vrrp_sync_state(&r.g), VRRP_STATE_BACKUP);
}

TEST(sync_owner_going_master_forces_the_others_master) {
        Router r;

        router_init(&r, 3, (const uint8_t[]){ 100, 255, 50 });
        apply(&r, 0, T0, ev(VRRP_EVENT_STARTUP));
        apply(&r, 2, T0, ev(VRRP_EVENT_STARTUP));
        apply(&r, 1, T0, ev(VRRP_EVENT_STARTUP));
        ASSERT_EQ(r.last[1].reason, VRRP_REASON_STARTUP);
        ASSERT_EQ(vrrp_sync_state(&r.g), VRRP_STATE_MASTER);
        ASSERT_EQ(r.fsm[0].state, VRRP_STATE_MASTER);
        ASSERT_EQ(r.fsm[2].state, VRRP_STATE_MASTER);
        ASSERT_EQ(r.last[0].reason, VRRP_REASON_SYNC_GROUP);
        ASSERT_TRUE(r.last[2].send_advert && r.last[2].add_vips);
}

TEST(sync_member_fault_forces_the_whole_group_to_fault) {
        Router r;
        usec_t now;

        started_masters(&r, &now);
        apply(&r, 1, now + 10, ev(VRRP_EVENT_LINK_DOWN));
        ASSERT_EQ(vrrp_sync_state(&r.g), VRRP_STATE_FAULT);
        for (size_t i = 0; i < 2; i++) {
                ASSERT_EQ(r.fsm[i].state, VRRP_STATE_FAULT);
                ASSERT_TRUE(r.last[i].send_advert && r.last[i].remove_vips);
                ASSERT_EQ(r.last[i].advert_priority, 0);
                ASSERT_EQ(r.last[i].timer_at, USEC_INFINITY);
        }
        ASSERT_EQ(r.last[1].reason, VRRP_REASON_LINK_DOWN);
        ASSERT_EQ(r.last[0].reason, VRRP_REASON_SYNC_GROUP);
        /* the member held in FAULT ignores adverts like any faulted instance */
        apply(&r, 0, now + 20, advert(0));
        ASSERT_EQ(r.fsm[0].state, VRRP_STATE_FAULT);
        ASSERT_EQ(r.last[0].timer_at, USEC_INFINITY);
}

TEST(sync_group_leaves_fault_only_when_the_last_own_fault_clears) {
        Router r;
        usec_t now;

        started_masters(&r, &now);
        apply(&r, 0, now + 10, ev(VRRP_EVENT_LINK_DOWN));
        apply(&r, 1, now + 20, ev(VRRP_EVENT_FAULT_SET)); /* member 1, held in FAULT, fails by itself too */
        apply(&r, 0, now + 30, ev(VRRP_EVENT_LINK_UP));
        ASSERT_TRUE(r.last[0].fault_recovered);
        ASSERT_EQ(r.fsm[0].state, VRRP_STATE_FAULT);
        ASSERT_EQ(vrrp_sync_state(&r.g), VRRP_STATE_FAULT);
        apply(&r, 1, now + 40, ev(VRRP_EVENT_FAULT_CLEAR));
        ASSERT_EQ(vrrp_sync_state(&r.g), VRRP_STATE_BACKUP);
        ASSERT_EQ(r.fsm[0].state, VRRP_STATE_BACKUP);
        ASSERT_EQ(r.fsm[1].state, VRRP_STATE_BACKUP);
        ASSERT_EQ(r.last[0].reason, VRRP_REASON_LINK_UP);
        ASSERT_EQ(r.last[1].reason, VRRP_REASON_TRACK_RECOVERED);
        ASSERT_EQ(r.last[0].timer_at, now + 40 + 3609375);
        ASSERT_EQ(r.last[1].timer_at, now + 40 + 3218750);
}

TEST(sync_member_held_in_fault_by_the_group_recovers_with_it) {
        Router r;
        usec_t now;

        started_masters(&r, &now);
        apply(&r, 0, now + 10, ev(VRRP_EVENT_FAULT_SET));
        ASSERT_EQ(r.fsm[1].state, VRRP_STATE_FAULT);
        apply(&r, 0, now + 20, ev(VRRP_EVENT_FAULT_CLEAR));
        ASSERT_EQ(r.fsm[0].state, VRRP_STATE_BACKUP);
        ASSERT_EQ(r.last[0].reason, VRRP_REASON_TRACK_RECOVERED);
        ASSERT_EQ(r.fsm[1].state, VRRP_STATE_BACKUP);
        ASSERT_EQ(r.last[1].reason, VRRP_REASON_SYNC_GROUP);
}

TEST(sync_member_started_while_the_group_is_in_fault_joins_the_fault) {
        Router r;

        router_init(&r, 2, (const uint8_t[]){ 100, 200 });
        apply(&r, 0, T0, ev(VRRP_EVENT_LINK_DOWN));
        apply(&r, 0, T0, ev(VRRP_EVENT_STARTUP));
        ASSERT_EQ(r.fsm[0].state, VRRP_STATE_FAULT);
        ASSERT_EQ(vrrp_sync_state(&r.g), VRRP_STATE_FAULT);
        apply(&r, 1, T0, ev(VRRP_EVENT_STARTUP));
        ASSERT_EQ(r.fsm[1].state, VRRP_STATE_FAULT);
        ASSERT_EQ(r.last[1].reason, VRRP_REASON_SYNC_GROUP);
        ASSERT_EQ(r.last[1].timer_at, USEC_INFINITY);
}

TEST(sync_reporting_forced_changes_again_is_harmless) {
        Router r;
        VrrpSyncForce f;
        usec_t now;

        started_masters(&r, &now);
        apply(&r, 1, now + 10, ev(VRRP_EVENT_LINK_DOWN));
        ASSERT_OK(vrrp_sync_member_changed(&r.g, 0, VRRP_STATE_MASTER, &f));
        ASSERT_EQ(f.n, 0);
        ASSERT_EQ(vrrp_sync_state(&r.g), VRRP_STATE_FAULT);
}

TEST(sync_init_derives_the_group_state_and_checks_its_arguments) {
        VrrpFsm a = VRRP_FSM_INIT, b = VRRP_FSM_INIT;
        const VrrpFsm *members[VRRP_SYNC_MEMBERS_MAX + 1];
        VrrpSync g;
        VrrpSyncForce f;

        for (size_t i = 0; i < VRRP_SYNC_MEMBERS_MAX + 1; i++)
                members[i] = &a;
        ASSERT_ERROR(vrrp_sync_init(&g, members, 0), EINVAL);
        ASSERT_ERROR(vrrp_sync_init(&g, members, VRRP_SYNC_MEMBERS_MAX + 1), E2BIG);
        ASSERT_OK(vrrp_sync_init(&g, members, 2));
        ASSERT_EQ(vrrp_sync_state(&g), VRRP_STATE_BACKUP);

        a.state = b.state = VRRP_STATE_MASTER;
        ASSERT_OK(vrrp_sync_init(&g, (const VrrpFsm *const[]){ &a, &b }, 2));
        ASSERT_EQ(vrrp_sync_state(&g), VRRP_STATE_MASTER);
        b.link_down = true;
        ASSERT_OK(vrrp_sync_init(&g, (const VrrpFsm *const[]){ &a, &b }, 2));
        ASSERT_EQ(vrrp_sync_state(&g), VRRP_STATE_FAULT);
        ASSERT_ERROR(vrrp_sync_init(&g, (const VrrpFsm *const[]){ &a, NULL }, 2), EINVAL);
        ASSERT_EQ(vrrp_sync_state(&g), VRRP_STATE_FAULT); /* a failed init leaves the group untouched */
        ASSERT_ERROR(vrrp_sync_member_changed(&g, 2, VRRP_STATE_BACKUP, &f), ERANGE);
}

TEST(sync_member_waits_for_its_group_when_master_down_timer_fires) {
        VrrpParams p = member_params(100);
        VrrpFsm fsm;
        VrrpActions a;

        fsm = started_member(&p);
        a = step(&fsm, &p, T0 + 3609375, ev(VRRP_EVENT_TIMER));
        ASSERT_EQ(a.new_state, VRRP_STATE_BACKUP);
        ASSERT_TRUE(a.want_master && fsm.want_master);
        ASSERT_FALSE(a.send_advert || a.add_vips);
        ASSERT_EQ(a.timer_at, T0 + 2 * 3609375);
        /* the group lets it go: it keeps its own reason */
        a = step(&fsm, &p, T0 + 3609376, (VrrpEvent){ .type = VRRP_EVENT_SYNC, .sync = VRRP_STATE_MASTER });
        ASSERT_EQ(a.new_state, VRRP_STATE_MASTER);
        ASSERT_EQ(a.reason, VRRP_REASON_MASTER_DOWN_TIMER);
        ASSERT_TRUE(a.send_advert && a.add_vips && a.announce);
}

TEST(sync_member_accepting_an_advert_no_longer_wants_master) {
        VrrpParams p = member_params(100);
        VrrpFsm fsm;

        fsm = started_member(&p);
        step(&fsm, &p, T0 + 3609375, ev(VRRP_EVENT_TIMER));
        ASSERT_TRUE(fsm.want_master);
        step(&fsm, &p, T0 + 3700000, advert(200));
        ASSERT_FALSE(fsm.want_master);
}

TEST(sync_member_whose_faults_cleared_waits_for_its_group) {
        VrrpParams p = member_params(100);
        VrrpFsm fsm;
        VrrpActions a;

        fsm = started_member(&p);
        step(&fsm, &p, T0 + 1, ev(VRRP_EVENT_LINK_DOWN));
        a = step(&fsm, &p, T0 + 2, ev(VRRP_EVENT_LINK_UP));
        ASSERT_EQ(a.new_state, VRRP_STATE_FAULT);
        ASSERT_TRUE(a.fault_recovered);
        a = step(&fsm, &p, T0 + 3, (VrrpEvent){ .type = VRRP_EVENT_SYNC, .sync = VRRP_STATE_BACKUP });
        ASSERT_EQ(a.new_state, VRRP_STATE_BACKUP);
        ASSERT_EQ(a.reason, VRRP_REASON_LINK_UP);
        ASSERT_EQ(a.timer_at, T0 + 3 + 3609375);
}

TEST(sync_forcing_a_member_with_its_own_fault_out_of_fault_is_ignored) {
        VrrpParams p = member_params(100);
        VrrpFsm fsm;
        VrrpActions a;

        fsm = started_member(&p);
        step(&fsm, &p, T0 + 1, ev(VRRP_EVENT_FAULT_SET));
        a = step(&fsm, &p, T0 + 2, (VrrpEvent){ .type = VRRP_EVENT_SYNC, .sync = VRRP_STATE_BACKUP });
        ASSERT_EQ(a.new_state, VRRP_STATE_FAULT);
        a = step(&fsm, &p, T0 + 3, (VrrpEvent){ .type = VRRP_EVENT_SYNC, .sync = VRRP_STATE_MASTER });
        ASSERT_EQ(a.new_state, VRRP_STATE_FAULT);
}

TEST(sync_forced_fault_makes_a_master_resign_and_forced_backup_does_not) {
        VrrpParams p = member_params(100);
        VrrpFsm fsm;
        VrrpActions a;
        usec_t now;

        fsm = VRRP_FSM_INIT;
        step(&fsm, &p, T0, ev(VRRP_EVENT_STARTUP));
        step(&fsm, &p, T0 + 1, (VrrpEvent){ .type = VRRP_EVENT_SYNC, .sync = VRRP_STATE_MASTER });
        now = T0 + 1;
        a = step(&fsm, &p, now + 1, (VrrpEvent){ .type = VRRP_EVENT_SYNC, .sync = VRRP_STATE_BACKUP });
        ASSERT_EQ(a.new_state, VRRP_STATE_BACKUP);
        ASSERT_EQ(a.reason, VRRP_REASON_SYNC_GROUP);
        ASSERT_TRUE(a.remove_vips && !a.send_advert);
        step(&fsm, &p, now + 2, (VrrpEvent){ .type = VRRP_EVENT_SYNC, .sync = VRRP_STATE_MASTER });
        a = step(&fsm, &p, now + 3, (VrrpEvent){ .type = VRRP_EVENT_SYNC, .sync = VRRP_STATE_FAULT });
        ASSERT_EQ(a.new_state, VRRP_STATE_FAULT);
        ASSERT_EQ(a.reason, VRRP_REASON_SYNC_GROUP);
        ASSERT_TRUE(a.send_advert && a.remove_vips);
        ASSERT_EQ(a.advert_priority, 0);
}

/* A reload regroups the router's members: a new group of the members listed in idx takes them in as they
 * stand (vrrp_sync_resync()), and the SYNC events it returns are stepped. How many it returned. */
static size_t regroup(Router *r, VrrpSync *g, const size_t *idx, size_t n, usec_t now) {
        const VrrpFsm *members[N_MAX];
        VrrpSyncForce f;

        for (size_t i = 0; i < n; i++)
                members[i] = &r->fsm[idx[i]];
        ASSERT_OK(vrrp_sync_init(g, members, n));
        ASSERT_OK(vrrp_sync_resync(g, &f));
        for (size_t i = 0; i < f.n; i++) {
                size_t k = idx[f.items[i].member];

                ASSERT_OK(vrrp_fsm_step(&r->fsm[k], &r->p[k], now,
                                        &(VrrpEvent){ .type = VRRP_EVENT_SYNC, .sync = f.items[i].state },
                                        &r->last[k]));
        }
        return f.n;
}

TEST(sync_resync_lets_go_a_member_whose_faulty_member_left_the_group) {
        Router r;
        VrrpSync g;
        usec_t now;

        started_masters(&r, &now);
        apply(&r, 1, now + 10, ev(VRRP_EVENT_LINK_DOWN));
        ASSERT_EQ(r.fsm[0].state, VRRP_STATE_FAULT);
        /* member 1 leaves: member 0, alone, has no fault of its own */
        ASSERT_EQ(regroup(&r, &g, (const size_t[]){ 0 }, 1, now + 20), 1);
        ASSERT_EQ(vrrp_sync_state(&g), VRRP_STATE_BACKUP);
        ASSERT_EQ(r.fsm[0].state, VRRP_STATE_BACKUP);
        ASSERT_EQ(r.last[0].reason, VRRP_REASON_SYNC_GROUP);
        ASSERT_EQ(r.last[0].timer_at, now + 20 + 3609375);
        ASSERT_EQ(r.fsm[1].state, VRRP_STATE_FAULT); /* its own fault stays */
}

TEST(sync_resync_forces_the_others_to_fault_when_a_faulty_member_joins) {
        Router r;
        VrrpSync g;
        usec_t now;

        started_masters(&r, &now);
        r.p[2] = member_params(100); /* a third member, out of the group so far */
        r.fsm[2] = started_member(&r.p[2]);
        step(&r.fsm[2], &r.p[2], now + 10, ev(VRRP_EVENT_FAULT_SET));
        ASSERT_EQ(r.fsm[2].state, VRRP_STATE_FAULT);
        ASSERT_EQ(regroup(&r, &g, (const size_t[]){ 0, 1, 2 }, 3, now + 20), 2);
        ASSERT_EQ(vrrp_sync_state(&g), VRRP_STATE_FAULT);
        for (size_t i = 0; i < 2; i++) {
                ASSERT_EQ(r.fsm[i].state, VRRP_STATE_FAULT);
                ASSERT_EQ(r.last[i].reason, VRRP_REASON_SYNC_GROUP);
                ASSERT_TRUE(r.last[i].send_advert && r.last[i].remove_vips); /* priority 0 first */
                ASSERT_EQ(r.last[i].advert_priority, 0);
        }
}

TEST(sync_resync_takes_a_master_beside_a_backup_down) {
        Router r;
        VrrpSync g;
        usec_t now;

        started_masters(&r, &now);
        r.p[2] = member_params(100);
        r.fsm[2] = started_member(&r.p[2]); /* a backup joins two masters */
        ASSERT_EQ(regroup(&r, &g, (const size_t[]){ 0, 1, 2 }, 3, now + 20), 2);
        ASSERT_EQ(vrrp_sync_state(&g), VRRP_STATE_BACKUP);
        for (size_t i = 0; i < 3; i++)
                ASSERT_EQ(r.fsm[i].state, VRRP_STATE_BACKUP);
        ASSERT_TRUE(r.last[0].remove_vips && !r.last[0].send_advert);
}

TEST(sync_resync_of_a_settled_group_moves_nothing) {
        Router r;
        VrrpSync g;
        usec_t now;

        started_masters(&r, &now);
        ASSERT_EQ(regroup(&r, &g, (const size_t[]){ 0, 1 }, 2, now + 20), 0);
        ASSERT_EQ(vrrp_sync_state(&g), VRRP_STATE_MASTER);
        started_pair(&r);
        ASSERT_EQ(regroup(&r, &g, (const size_t[]){ 1, 0 }, 2, T0 + 1), 0);
        ASSERT_EQ(vrrp_sync_state(&g), VRRP_STATE_BACKUP);
        apply(&r, 0, T0 + 2, ev(VRRP_EVENT_FAULT_SET));
        ASSERT_EQ(regroup(&r, &g, (const size_t[]){ 0, 1 }, 2, T0 + 3), 0);
        ASSERT_EQ(vrrp_sync_state(&g), VRRP_STATE_FAULT);
        ASSERT_ERROR(vrrp_sync_resync(NULL, &(VrrpSyncForce){}), EINVAL);
}

TEST(sync_resync_sends_backups_that_all_want_master_to_master) {
        Router r;
        VrrpSync g;

        started_pair(&r);
        apply(&r, 1, T0 + 3218750, ev(VRRP_EVENT_TIMER));
        ASSERT_TRUE(r.fsm[1].want_master);
        /* alone in a group of its own, member 1 is the whole group and goes */
        ASSERT_EQ(regroup(&r, &g, (const size_t[]){ 1 }, 1, T0 + 3218751), 1);
        ASSERT_EQ(r.fsm[1].state, VRRP_STATE_MASTER);
        ASSERT_EQ(r.last[1].reason, VRRP_REASON_MASTER_DOWN_TIMER);
        ASSERT_EQ(vrrp_sync_state(&g), VRRP_STATE_MASTER);
}

TEST(sync_released_instance_no_longer_in_a_group_leaves_fault_as_any_instance) {
        VrrpParams p = member_params(255), q = member_params(100);
        VrrpFsm owner, plain;
        VrrpActions a;

        owner = VRRP_FSM_INIT;
        step(&owner, &p, T0, ev(VRRP_EVENT_STARTUP));
        plain = started_member(&q);
        step(&owner, &p, T0 + 1, (VrrpEvent){ .type = VRRP_EVENT_SYNC, .sync = VRRP_STATE_FAULT });
        step(&plain, &q, T0 + 1, (VrrpEvent){ .type = VRRP_EVENT_SYNC, .sync = VRRP_STATE_FAULT });
        p.sync_group = q.sync_group = false; /* a reload took them out of the group */
        a = step(&owner, &p, T0 + 2, (VrrpEvent){ .type = VRRP_EVENT_SYNC, .sync = VRRP_STATE_BACKUP });
        ASSERT_EQ(a.new_state, VRRP_STATE_MASTER);
        ASSERT_TRUE(a.send_advert && a.add_vips && a.announce);
        a = step(&plain, &q, T0 + 2, (VrrpEvent){ .type = VRRP_EVENT_SYNC, .sync = VRRP_STATE_BACKUP });
        ASSERT_EQ(a.new_state, VRRP_STATE_BACKUP);
        ASSERT_EQ(a.reason, VRRP_REASON_SYNC_GROUP);
        ASSERT_EQ(a.timer_at, T0 + 2 + 3609375);
        /* with a fault of its own it stays */
        step(&plain, &q, T0 + 3, ev(VRRP_EVENT_LINK_DOWN));
        a = step(&plain, &q, T0 + 4, (VrrpEvent){ .type = VRRP_EVENT_SYNC, .sync = VRRP_STATE_BACKUP });
        ASSERT_EQ(a.new_state, VRRP_STATE_FAULT);
}

/* A reload adds member 2 to a group of two masters: before it starts it takes no part (the group stays
 * MASTER, nothing moves); once it leaves INIT as a backup, it goes master with the group at once. */
static void master_group_gains_a_member(Router *r, usec_t *ret_now) {
        started_masters(r, ret_now);
        r->n = 3;
        r->p[2] = member_params(100);
        r->fsm[2] = VRRP_FSM_INIT;
        ASSERT_EQ(regroup(r, &r->g, (const size_t[]){ 0, 1, 2 }, 3, *ret_now + 10), 0);
        ASSERT_EQ(vrrp_sync_state(&r->g), VRRP_STATE_MASTER);
}

TEST(sync_member_added_to_a_master_group_goes_master_when_it_starts) {
        Router r;
        usec_t now;

        master_group_gains_a_member(&r, &now);
        apply(&r, 2, now + 20, ev(VRRP_EVENT_STARTUP));
        ASSERT_EQ(r.fsm[2].state, VRRP_STATE_MASTER);
        ASSERT_EQ(r.last[2].old_state, VRRP_STATE_BACKUP); /* it made its own start first */
        ASSERT_EQ(r.last[2].reason, VRRP_REASON_SYNC_GROUP);
        ASSERT_TRUE(r.last[2].send_advert && r.last[2].add_vips && r.last[2].announce);
        ASSERT_EQ(r.last[2].timer_at, now + 20 + USEC_PER_SEC);
        ASSERT_EQ(vrrp_sync_state(&r.g), VRRP_STATE_MASTER);
        for (size_t i = 0; i < 2; i++) {
                ASSERT_EQ(r.fsm[i].state, VRRP_STATE_MASTER);
                ASSERT_FALSE(r.last[i].remove_vips); /* the kept masters never moved */
        }
}

TEST(sync_member_added_to_a_master_group_takes_it_down_when_another_router_masters_its_vrid) {
        Router r;
        usec_t now;

        master_group_gains_a_member(&r, &now);
        apply(&r, 2, now + 20, ev(VRRP_EVENT_STARTUP));
        /* the master of its VRID elsewhere has a better priority: it steps down, and the group with it */
        apply(&r, 2, now + 30, advert(200));
        ASSERT_EQ(r.last[2].reason, VRRP_REASON_HIGHER_PRIORITY);
        ASSERT_EQ(vrrp_sync_state(&r.g), VRRP_STATE_BACKUP);
        for (size_t i = 0; i < 3; i++)
                ASSERT_EQ(r.fsm[i].state, VRRP_STATE_BACKUP);
        ASSERT_TRUE(r.last[0].remove_vips && r.last[1].remove_vips);
        ASSERT_EQ(r.last[0].reason, VRRP_REASON_SYNC_GROUP);
        /* the others' Master_Down_Timers fire: they wait, member 2 follows its master */
        apply(&r, 0, now + 30 + 3609375, ev(VRRP_EVENT_TIMER));
        apply(&r, 1, now + 30 + 3609375, ev(VRRP_EVENT_TIMER));
        ASSERT_TRUE(r.fsm[0].want_master && r.fsm[1].want_master);
        ASSERT_EQ(vrrp_sync_state(&r.g), VRRP_STATE_BACKUP);
        ASSERT_EQ(r.fsm[0].state, VRRP_STATE_BACKUP);
}

TEST(sync_member_added_to_a_master_group_in_fault_takes_the_group_to_fault) {
        Router r;
        usec_t now;

        master_group_gains_a_member(&r, &now);
        apply(&r, 2, now + 20, ev(VRRP_EVENT_LINK_DOWN));
        apply(&r, 2, now + 20, ev(VRRP_EVENT_STARTUP));
        ASSERT_EQ(r.fsm[2].state, VRRP_STATE_FAULT);
        ASSERT_EQ(vrrp_sync_state(&r.g), VRRP_STATE_FAULT);
        for (size_t i = 0; i < 2; i++) {
                ASSERT_EQ(r.fsm[i].state, VRRP_STATE_FAULT);
                ASSERT_TRUE(r.last[i].send_advert && r.last[i].remove_vips);
                ASSERT_EQ(r.last[i].advert_priority, 0);
        }
}

TEST(sync_member_added_to_a_backup_group_starts_as_any_backup) {
        Router r;

        started_pair(&r);
        r.n = 3;
        r.p[2] = member_params(100);
        r.fsm[2] = VRRP_FSM_INIT;
        ASSERT_EQ(regroup(&r, &r.g, (const size_t[]){ 0, 1, 2 }, 3, T0 + 10), 0);
        ASSERT_EQ(vrrp_sync_state(&r.g), VRRP_STATE_BACKUP);
        apply(&r, 2, T0 + 20, ev(VRRP_EVENT_STARTUP));
        ASSERT_EQ(r.fsm[2].state, VRRP_STATE_BACKUP);
        ASSERT_EQ(r.last[2].timer_at, T0 + 20 + 3609375);
        ASSERT_EQ(vrrp_sync_state(&r.g), VRRP_STATE_BACKUP);
}
