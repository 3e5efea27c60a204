#pragma once

/* The VRRP state machine (RFC 3768 for v2, RFC 9568 §6 for v3, keepalived's behaviour where the RFCs leave
 * room), as a pure function: vrrp_fsm_step() takes the time and one event and fills a VrrpActions that the
 * adapters carry out. No I/O, no clock, no allocation.
 *
 * How a caller drives it:
 *  - step STARTUP once (after LINK_DOWN / FAULT_SET / PRIORITY for the initial tracking state, if any);
 *  - after every step, carry out the actions in this order: send_advert (with advert_priority),
 *    remove_vips (and filter_off), add_vips (and filter_on), announce; then (re)arm one timer at
 *    timer_at, or disarm it when timer_at == USEC_INFINITY. timer_at is absolute, on the clock of `now`;
 *  - when the timer fires, step TIMER with the current time. The FSM works out which deadline passed;
 *    a TIMER step before any deadline is harmless and returns the same timer_at;
 *  - adverts reach the FSM only after the check layer accepted them (VRID, version, checksum, TTL,
 *    addresses, and for v2 the interval);
 *  - a member of a sync group (VrrpParams.sync_group) hands every state change, and want_master and
 *    fault_recovered, to vrrp_sync_member_changed() and steps the SYNC events it returns (vrrp-sync.h).
 *    An instance that is no member any more (a reload took it out of its group) but still sits in the FAULT
 *    its group forced on it gets a SYNC to BACKUP: it leaves FAULT as if its faults had cleared;
 *  - on failure (< 0) nothing changed: the FSM is as before and the actions say "nothing to do". */

#include <stdbool.h>
#include <stdint.h>

#include "vrrp-addr.h"
#include "vrrp-time.h"

#define VRRP_PRIORITY_STOP 0
#define VRRP_PRIORITY_OWNER 255
#define VRRP_PRIORITY_MAX_BACKUP 254
#define VRRP_DOWN_TIMER_ADVERTS_DEFAULT 3

typedef enum VrrpState {
        VRRP_STATE_INIT,
        VRRP_STATE_BACKUP,
        VRRP_STATE_MASTER,
        VRRP_STATE_FAULT,
        VRRP_STATE_STOPPED,
        _VRRP_STATE_MAX,
} VrrpState;

/* Why a transition happened: DESIGN.md §3's words, see vrrp_reason_to_string(). */
typedef enum VrrpReason {
        VRRP_REASON_NONE,
        VRRP_REASON_STARTUP,
        VRRP_REASON_MASTER_DOWN_TIMER, /* the master went silent */
        VRRP_REASON_HIGHER_PRIORITY,   /* a master heard a better one and stepped down */
        VRRP_REASON_PREEMPTED,         /* a backup took over from a lower-priority master it was ignoring */
        VRRP_REASON_PRIORITY_ZERO,     /* a backup took over after the master resigned with priority 0 */
        VRRP_REASON_LINK_DOWN,
        VRRP_REASON_LINK_UP,
        VRRP_REASON_TRACK_FAILED,
        VRRP_REASON_TRACK_RECOVERED,
        VRRP_REASON_MAINTENANCE,
        VRRP_REASON_SYNC_GROUP,
        VRRP_REASON_SHUTDOWN,
        VRRP_REASON_RELOAD,
        _VRRP_REASON_MAX,
} VrrpReason;

typedef enum VrrpEventType {
        VRRP_EVENT_STARTUP,
        VRRP_EVENT_TIMER,
        VRRP_EVENT_ADVERT,
        VRRP_EVENT_LINK_DOWN,
        VRRP_EVENT_LINK_UP,
        VRRP_EVENT_FAULT_SET,   /* a weight-0 track failed: one SET per failing track */
        VRRP_EVENT_FAULT_CLEAR, /* ... and one CLEAR when that track recovers */
        VRRP_EVENT_PRIORITY,    /* new effective priority (tracking weights or the bus) */
        VRRP_EVENT_MAINTENANCE,
        VRRP_EVENT_SHUTDOWN,
        VRRP_EVENT_SYNC, /* the sync group forces a state */
        VRRP_EVENT_ADVER_TICK, /* the shared tick of the instance's interval class: a master sends now */
        _VRRP_EVENT_MAX,
} VrrpEventType;

typedef struct VrrpEvent {
        VrrpEventType type;
        union {
                struct {
                        uint8_t version;           /* 2 or 3; 0 means "as configured" */
                        uint8_t priority;          /* 0: the master resigns */
                        uint16_t max_adver_int_cs; /* v3 only: Max Adver Int, centiseconds */
                        VrrpAddr src;              /* the sender's primary address */
                } advert;
                int priority;     /* PRIORITY: clamped to 1..254 */
                bool maintenance; /* MAINTENANCE: on/off */
                VrrpState sync;   /* SYNC: BACKUP, MASTER or FAULT */
        };
} VrrpEvent;

/* Configuration, immutable between reloads. Times in usec. */
typedef struct VrrpParams {
        uint8_t vrid;
        uint8_t version;  /* 2 or 3 */
        int family;       /* AF_INET or AF_INET6 */
        uint8_t priority; /* configured, 1..255; 255 = address owner */
        usec_t interval_usec;
        bool preempt;
        usec_t preempt_delay_usec;
        bool accept;      /* Accept_Mode; false: the VIP filter is on while we hold the VIPs */
        VrrpAddr primary; /* own primary address, for the equal-priority tie-break */
        bool init_master; /* `state MASTER`: below 255 no faster start (keepalived), but preempt forced on */
        bool sync_group;  /* member of a sync group: takeovers go through vrrp-sync */
        /* keepalived knobs that change protocol behaviour */
        bool lower_prio_no_advert;    /* a master does not answer a lower-priority advert at once */
        bool higher_prio_send_advert; /* a master answers a higher-priority advert before it steps down */
        bool garp_lower_prio;         /* a master re-announces the VIPs on a lower-priority advert */
        unsigned down_timer_adverts;  /* Master_Down_Interval in adverts; 0 means 3 (RFC) */
        bool owner_ignore_adverts;    /* an address owner drops every advert (RFC 9568 §6.4.3; keepalived 2.3) */
        uint8_t timer_expired_backup; /* 1..254: highest priority of the other routers; a master that was not
                                       * scheduled for longer than they wait steps down (keepalived 2.3). 0 off */
        /* vrrpd's extension (fast_preempt): a backup that would preempt takes over Skew_Time after its master's
         * lower-priority advert, as after a priority-0 one, instead of a whole Master_Down_Interval; a master
         * whose priority falls advertises it at once. */
        bool fast_preempt;
} VrrpParams;

/* Runtime state, owned by the instance. Start from VRRP_FSM_INIT. */
typedef struct VrrpFsm {
        VrrpState state;
        uint8_t priority; /* last PRIORITY event (1..254); 0: the configured one. See vrrp_fsm_priority() */
        usec_t master_adver_int; /* Master_Adver_Interval (v3 learns it from the master) */
        VrrpAddr master;         /* the current master as seen from here (own primary when master) */
        bool master_known;
        usec_t adver_at;            /* Adver_Timer deadline (MASTER) */
        usec_t down_at;             /* Master_Down_Timer deadline (BACKUP) */
        usec_t preempt_at;          /* preempt_delay runs out (BACKUP); no wakeup, adverts check it */
        VrrpReason takeover_reason; /* reason to give when the pending takeover / recovery happens */
        bool maintenance;
        bool link_down;
        unsigned n_track_faults;
        bool want_master; /* sync member: our Master_Down_Timer fired, the group holds us back */
} VrrpFsm;

#define VRRP_FSM_INIT                                                                                       \
        ((VrrpFsm){ .state = VRRP_STATE_INIT,                                                               \
                    .adver_at = USEC_INFINITY,                                                              \
                    .down_at = USEC_INFINITY,                                                               \
                    .preempt_at = USEC_INFINITY })

typedef struct VrrpActions {
        VrrpState old_state;
        VrrpState new_state;
        bool state_changed;
        VrrpReason reason; /* VRRP_REASON_NONE unless state_changed */
        bool send_advert;
        uint8_t advert_priority; /* the effective priority, or 0 when resigning */
        bool remove_vips;
        bool add_vips;
        bool announce;         /* gratuitous ARP / unsolicited NA for the VIPs */
        bool filter_on;        /* Accept_Mode off: install the VIP filter (with add_vips) */
        bool filter_off;       /* ... and remove it (with remove_vips) */
        bool priority_changed; /* EffectivePriority changed */
        bool master_changed;   /* MasterAddress changed */
        bool want_master;      /* sync member: ready to take over, ask the group */
        bool fault_recovered;  /* sync member: own faults cleared, ask the group to leave FAULT */
        usec_t timer_at;       /* next deadline, or USEC_INFINITY */
} VrrpActions;

int vrrp_fsm_step(VrrpFsm *fsm, const VrrpParams *p, usec_t now, const VrrpEvent *ev, VrrpActions *ret);

/* The effective priority: 255 for an owner, else the last PRIORITY event's, else the configured one. */
uint8_t vrrp_fsm_priority(const VrrpFsm *fsm, const VrrpParams *p);

/* RFC 9568 §6.1 (v3) / RFC 3768 §6.1 (v2), with the FSM's current priority and Master_Adver_Interval. */
usec_t vrrp_fsm_skew_time(const VrrpFsm *fsm, const VrrpParams *p);
usec_t vrrp_fsm_master_down_interval(const VrrpFsm *fsm, const VrrpParams *p);

/* 0 for a valid configuration, -EINVAL otherwise (version, priority, interval). */
int vrrp_params_validate(const VrrpParams *p);

const char *vrrp_state_to_string(VrrpState s);
const char *vrrp_reason_to_string(VrrpReason r);
