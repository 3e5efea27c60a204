#pragma once

/* What vrrpd does when another program deletes something it holds (a VIP, a virtual route or rule while
 * master; a static address, route or rule at any time): pure, no I/O, no clock (the caller passes now).
 *
 * keepalived drops to BACKUP when a tracked VIP or route goes; vrrpd puts it back (DESIGN §1), and so that a
 * host where something keeps deleting it yields rather than fights, with backoff and a limit:
 *  - the first reinstatement within a window (VRRP_RESTORE_WINDOW) is at once, each next one waits twice as
 *    long as the last, from VRRP_RESTORE_FIRST_DELAY, up to VRRP_RESTORE_MAX_DELAY;
 *  - after VRRP_RESTORE_LIMIT reinstatements within the window, the next deletion is a give-up: an instance
 *    goes to FAULT (a priority-0 advert first), and leaves it once a window has passed without another one.
 *    Whoever cannot go to FAULT (the static configuration) goes on at the longest delay. */

#include <stdbool.h>
#include <stddef.h>

#include "vrrp-time.h"

#define VRRP_RESTORE_LIMIT 5
#define VRRP_RESTORE_WINDOW (60 * USEC_PER_SEC)
#define VRRP_RESTORE_FIRST_DELAY (100 * USEC_PER_MSEC)
#define VRRP_RESTORE_MAX_DELAY (10 * USEC_PER_SEC)

typedef struct VrrpRestore {
        usec_t at[VRRP_RESTORE_LIMIT]; /* when the last reinstatements were, oldest first; 0: none */
        size_t n;
        unsigned streak;               /* reinstatements since the window was last empty: the backoff's step */
        usec_t pending_at;             /* a reinstatement is due then; USEC_INFINITY: none */
        usec_t gave_up_at;             /* USEC_INFINITY: not given up */
} VrrpRestore;

typedef enum VrrpRestoreVerdict {
        VRRP_RESTORE_AT,      /* put it back at *ret_at (now or later); nothing to do if one is pending */
        VRRP_RESTORE_GIVE_UP, /* the limit is reached: FAULT */
} VrrpRestoreVerdict;

void vrrp_restore_init(VrrpRestore *r);
/* Something was deleted at now. can_give_up: the owner can go to FAULT. */
VrrpRestoreVerdict vrrp_restore_deleted(VrrpRestore *r, usec_t now, bool can_give_up, usec_t *ret_at);
/* The pending reinstatement ran at now. */
void vrrp_restore_done(VrrpRestore *r, usec_t now);
/* When a give-up ends (the owner may leave FAULT), or USEC_INFINITY when there is none. */
usec_t vrrp_restore_fault_until(const VrrpRestore *r);
/* The give-up is over (the caller cleared the FAULT): counting starts again. */
void vrrp_restore_recovered(VrrpRestore *r);
/* Reinstatements within the window ending at now. */
size_t vrrp_restore_count(const VrrpRestore *r, usec_t now);
