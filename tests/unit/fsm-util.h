#pragma once

/* Helpers shared by the state machine's tests (test-fsm*.c). */

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "core/vrrp-fsm.h"
#include "vtest.h"

/* Every test runs on a virtual clock from an arbitrary start: nothing may assume t == 0, nothing sleeps. */
#define T0 ((usec_t) 1000 * USEC_PER_SEC + 12345)

static inline VrrpAddr addr(const char *s) {
        VrrpAddr a = {};

        ASSERT_EQ(inet_pton(strchr(s, ':') ? AF_INET6 : AF_INET, s, &a), 1);
        return a;
}

static inline VrrpParams params(uint8_t version, uint8_t priority) {
        return (VrrpParams){ .vrid = 7,
                             .version = version,
                             .family = AF_INET,
                             .priority = priority,
                             .interval_usec = USEC_PER_SEC,
                             .preempt = true,
                             .primary = addr("192.0.2.1") };
}

static inline VrrpEvent ev(VrrpEventType type) {
        return (VrrpEvent){ .type = type };
}

static inline VrrpEvent advert(uint8_t priority, uint16_t interval_cs, const char *src) {
        return (VrrpEvent){
                .type = VRRP_EVENT_ADVERT,
                .advert = { .priority = priority, .max_adver_int_cs = interval_cs, .src = addr(src) }
        };
}

static inline VrrpActions step(VrrpFsm *fsm, const VrrpParams *p, usec_t now, VrrpEvent e) {
        VrrpActions a;

        ASSERT_OK(vrrp_fsm_step(fsm, p, now, &e, &a));
        return a;
}

/* Starts p as a backup at T0 and checks it armed Master_Down_Timer at Master_Down_Interval. */
static inline VrrpFsm started_backup(const VrrpParams *p, usec_t master_down_interval) {
        VrrpFsm fsm = VRRP_FSM_INIT;
        VrrpActions a = step(&fsm, p, T0, ev(VRRP_EVENT_STARTUP));

        ASSERT_EQ(a.new_state, VRRP_STATE_BACKUP);
        ASSERT_EQ(a.reason, VRRP_REASON_STARTUP);
        ASSERT_FALSE(a.send_advert || a.add_vips || a.remove_vips || a.announce);
        ASSERT_EQ(a.timer_at, T0 + master_down_interval);
        return fsm;
}

/* Starts p as a backup and lets its Master_Down_Timer fire: a master at T0 + 3609375 (priority 100, 1 s). */
static inline VrrpFsm started_master(const VrrpParams *p, usec_t *ret_now) {
        VrrpFsm fsm = VRRP_FSM_INIT;
        VrrpActions a = step(&fsm, p, T0, ev(VRRP_EVENT_STARTUP));

        if (a.new_state == VRRP_STATE_BACKUP)
                a = step(&fsm, p, a.timer_at, ev(VRRP_EVENT_TIMER));
        ASSERT_EQ(a.new_state, VRRP_STATE_MASTER);
        *ret_now = a.timer_at - p->interval_usec;
        return fsm;
}
