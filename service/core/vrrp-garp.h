#pragma once

#include <stddef.h>

#include "vrrp-time.h"

/* When a master announces its VIPs (gratuitous ARP for IPv4, unsolicited Neighbor Advertisements for IPv6),
 * as keepalived 2.2.7 times them. Pure: time goes in, "send n packets now, call again at t" comes out.
 *
 * A round is one packet per VIP, in the instance's VIP order. keepalived's knobs, per instance:
 * - becoming master sends garp_master_repeat rounds at once and, after garp_master_delay (0: never),
 *   the same number again;
 * - while master, every garp_master_refresh (0: never) sends garp_master_refresh_repeat rounds;
 * - a lower-priority advert received while master sends garp_lower_prio_repeat rounds (0: nothing) at
 *   once and, after garp_lower_prio_delay (0: never), the same number again.
 *
 * Per (interface, family), vrrp_garp_interval / vrrp_gna_interval space the packets of every instance on
 * it: that part is a VrrpGarpPacer, shared by the instances of the interface, which grants each its budget.
 */

typedef struct VrrpGarpParams {
        unsigned master_repeat;       /* garp_master_repeat; keepalived's default 5 */
        usec_t master_delay_usec;     /* garp_master_delay; default 5 s; 0: no second burst */
        usec_t refresh_usec;          /* garp_master_refresh; default 0: no refresh */
        unsigned refresh_repeat;      /* garp_master_refresh_repeat; default 1 */
        unsigned lower_prio_repeat;   /* garp_lower_prio_repeat; default master_repeat (vrrp_strict: 0) */
        usec_t lower_prio_delay_usec; /* garp_lower_prio_delay; default master_delay (vrrp_strict: 0) */
} VrrpGarpParams;

#define VRRP_GARP_REPEAT_DEFAULT 5u
#define VRRP_GARP_DELAY_DEFAULT (5 * USEC_PER_SEC)

#define VRRP_GARP_PARAMS_DEFAULT                                                                            \
        ((VrrpGarpParams){                                                                                  \
                .master_repeat = VRRP_GARP_REPEAT_DEFAULT,                                                  \
                .master_delay_usec = VRRP_GARP_DELAY_DEFAULT,                                               \
                .refresh_usec = 0,                                                                          \
                .refresh_repeat = 1,                                                                        \
                .lower_prio_repeat = VRRP_GARP_REPEAT_DEFAULT,                                              \
                .lower_prio_delay_usec = VRRP_GARP_DELAY_DEFAULT,                                           \
        })

/* One instance's announcement state. Start from VRRP_GARP_SCHED_INIT: nothing owed, nothing armed. */
typedef struct VrrpGarpSched {
        size_t n_addrs;       /* VIPs per round */
        size_t cursor;        /* index of the VIP the next packet announces */
        size_t owed;          /* packets due now, not yet sent (waiting for the pacer's budget) */
        usec_t second_at;     /* second burst after becoming master, or USEC_INFINITY */
        usec_t refresh_at;    /* next refresh, or USEC_INFINITY */
        usec_t lower_prio_at; /* delayed burst after a lower-priority advert, or USEC_INFINITY */
} VrrpGarpSched;

#define VRRP_GARP_SCHED_INIT                                                                                \
        ((VrrpGarpSched){                                                                                   \
                .second_at = USEC_INFINITY, .refresh_at = USEC_INFINITY, .lower_prio_at = USEC_INFINITY })

/* What to send now: packets i = 0 … n-1 announce addrs[(first + i) % n_addrs]. */
typedef struct VrrpGarpBatch {
        size_t n;
        size_t first;
        size_t backlog; /* packets still owed after these: ask again when the pacer allows */
        usec_t next_at; /* the instance's next deadline (bursts, refresh), or USEC_INFINITY */
} VrrpGarpBatch;

/* Became master with n_addrs VIPs: the first burst is owed at once, the second and the refresh are armed. */
void vrrp_garp_become_master(VrrpGarpSched *s, const VrrpGarpParams *p, size_t n_addrs, usec_t now);
/* A master received a lower-priority advert. */
void vrrp_garp_lower_prio(VrrpGarpSched *s, const VrrpGarpParams *p, usec_t now);
/* One more announcement on request (the bus's SendGratuitousArp): rounds owed at once. */
void vrrp_garp_request(VrrpGarpSched *s, unsigned rounds);
/* The VIP list changed length (reload): the cursor stays in range, what is owed stays owed. */
void vrrp_garp_set_addrs(VrrpGarpSched *s, size_t n_addrs);
/* Left master: nothing more is owed or armed. */
void vrrp_garp_stop(VrrpGarpSched *s);
/* Fires what is due at now and hands out at most budget packets (SIZE_MAX: unpaced). */
void vrrp_garp_next(VrrpGarpSched *s, const VrrpGarpParams *p, usec_t now, size_t budget,
                    VrrpGarpBatch *ret);

/* vrrp_garp_interval / vrrp_gna_interval: at most one packet per interval on one (interface, family),
 * whichever instance sends it, as keepalived's per-interface garp_next_time. */
typedef struct VrrpGarpPacer {
        usec_t next_at; /* earliest time of the next packet; 0: now */
} VrrpGarpPacer;

/* How many packets may go out now: SIZE_MAX when interval is 0, else 1 or 0. */
size_t vrrp_garp_pacer_budget(const VrrpGarpPacer *pc, usec_t interval, usec_t now);
/* n packets went out at now. */
void vrrp_garp_pacer_sent(VrrpGarpPacer *pc, usec_t interval, usec_t now, size_t n);
