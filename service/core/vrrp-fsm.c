#include <assert.h>
#include <errno.h>
#include <stddef.h>

#include "vrrp-fsm.h"

/* Timer names follow RFC 9568 §6.1 (Adver_Timer, Master_Down_Timer, Skew_Time, Master_Down_Interval). Where
 * the RFC leaves room, the FSM does what keepalived (keepalived/vrrp/vrrp.c, vrrp_scheduler.c) does, so that
 * the two interoperate without surprises; each such place says so. */

static const char *const state_table[_VRRP_STATE_MAX] = {
        [VRRP_STATE_INIT] = "init",   [VRRP_STATE_BACKUP] = "backup",   [VRRP_STATE_MASTER] = "master",
        [VRRP_STATE_FAULT] = "fault", [VRRP_STATE_STOPPED] = "stopped",
};

static const char *const reason_table[_VRRP_REASON_MAX] = {
        [VRRP_REASON_NONE] = "none",
        [VRRP_REASON_STARTUP] = "startup",
        [VRRP_REASON_MASTER_DOWN_TIMER] = "master-down-timer",
        [VRRP_REASON_HIGHER_PRIORITY] = "higher-priority",
        [VRRP_REASON_PREEMPTED] = "preempted",
        [VRRP_REASON_PRIORITY_ZERO] = "priority-zero",
        [VRRP_REASON_LINK_DOWN] = "link-down",
        [VRRP_REASON_LINK_UP] = "link-up",
        [VRRP_REASON_TRACK_FAILED] = "track-failed",
        [VRRP_REASON_TRACK_RECOVERED] = "track-recovered",
        [VRRP_REASON_MAINTENANCE] = "maintenance",
        [VRRP_REASON_SYNC_GROUP] = "sync-group",
        [VRRP_REASON_SHUTDOWN] = "shutdown",
        [VRRP_REASON_RELOAD] = "reload",
};

const char *vrrp_state_to_string(VrrpState s) {
        if ((unsigned) s >= _VRRP_STATE_MAX)
                return NULL;
        return state_table[s];
}

const char *vrrp_reason_to_string(VrrpReason r) {
        if ((unsigned) r >= _VRRP_REASON_MAX)
                return NULL;
        return reason_table[r];
}

int vrrp_params_validate(const VrrpParams *p) {
        if (!p || (p->version != 2 && p->version != 3))
                return -EINVAL;
        if (p->priority < 1)
                return -EINVAL;
        /* v2 carries whole seconds (1..255), v3 centiseconds (1..4095) */
        if (p->interval_usec == 0 ||
            (p->version == 2 &&
             (p->interval_usec % USEC_PER_SEC != 0 || p->interval_usec > 255 * USEC_PER_SEC)) ||
            (p->version == 3 &&
             (p->interval_usec % USEC_PER_CS != 0 || p->interval_usec > 4095 * USEC_PER_CS)))
                return -EINVAL;
        return 0;
}

static bool is_owner(const VrrpParams *p) {
        return p->priority == VRRP_PRIORITY_OWNER;
}

/* The owner always runs at 255; everybody else at the configured priority until tracking or the bus says
 * otherwise. */
static uint8_t effective_priority(const VrrpFsm *fsm, const VrrpParams *p) {
        if (is_owner(p))
                return VRRP_PRIORITY_OWNER;
        return fsm->priority > 0 ? fsm->priority : p->priority;
}

uint8_t vrrp_fsm_priority(const VrrpFsm *fsm, const VrrpParams *p) {
        assert(fsm);
        assert(p);

        return effective_priority(fsm, p);
}

/* v3: Master_Adver_Interval, learned from the master; v2 always runs on its own Advertisement_Interval. */
static usec_t adver_interval(const VrrpFsm *fsm, const VrrpParams *p) {
        if (p->version == 3 && fsm->master_adver_int > 0)
                return fsm->master_adver_int;
        return p->interval_usec;
}

/* RFC 9568 §6.1: ((256 - Priority) * Master_Adver_Interval) / 256; RFC 3768 §6.1: (256 - Priority) / 256 s.
 * Multiplied first, divided last, in usec: exact to the microsecond, truncated as keepalived truncates. */
usec_t vrrp_fsm_skew_time(const VrrpFsm *fsm, const VrrpParams *p) {
        usec_t base;

        assert(fsm);
        assert(p);

        base = p->version == 3 ? adver_interval(fsm, p) : USEC_PER_SEC;
        return (256 - (usec_t) effective_priority(fsm, p)) * base / 256;
}

/* 3 * interval + Skew_Time; keepalived's down_timer_adverts replaces the 3. */
usec_t vrrp_fsm_master_down_interval(const VrrpFsm *fsm, const VrrpParams *p) {
        unsigned n;

        assert(fsm);
        assert(p);

        n = p->down_timer_adverts > 0 ? p->down_timer_adverts : VRRP_DOWN_TIMER_ADVERTS_DEFAULT;
        return n * adver_interval(fsm, p) + vrrp_fsm_skew_time(fsm, p);
}

static bool has_fault(const VrrpFsm *fsm) {
        return fsm->link_down || fsm->n_track_faults > 0;
}

/* keepalived clears nopreempt and preempt_delay for `state MASTER` (vrrp_complete_instance()). */
static bool preempt_mode(const VrrpParams *p) {
        return p->preempt || p->init_master;
}

static usec_t preempt_delay(const VrrpParams *p) {
        return p->init_master ? 0 : p->preempt_delay_usec;
}

static usec_t timer_deadline(const VrrpFsm *fsm) {
        switch (fsm->state) {
        case VRRP_STATE_MASTER:
                return fsm->adver_at;
        case VRRP_STATE_BACKUP:
                return fsm->down_at;
        default:
                return USEC_INFINITY;
        }
}

static void set_state(VrrpFsm *fsm, VrrpState state, VrrpReason reason, VrrpActions *ret) {
        fsm->state = state;
        ret->reason = reason;
}

static void set_master(VrrpFsm *fsm, const VrrpParams *p, const VrrpAddr *addr, VrrpActions *ret) {
        if (!addr) {
                if (fsm->master_known)
                        ret->master_changed = true;
                fsm->master_known = false;
                fsm->master = (VrrpAddr){};
                return;
        }
        if (!fsm->master_known || vrrp_addr_cmp(p->family, &fsm->master, addr) != 0)
                ret->master_changed = true;
        fsm->master_known = true;
        fsm->master = *addr;
}

static void send_advert(uint8_t prio, VrrpActions *ret) {
        ret->send_advert = true;
        ret->advert_priority = prio;
}

static void drop_vips(const VrrpParams *p, VrrpActions *ret) {
        ret->remove_vips = true;
        ret->filter_off = !p->accept && !is_owner(p);
}

static void disarm(VrrpFsm *fsm) {
        fsm->adver_at = fsm->down_at = fsm->preempt_at = USEC_INFINITY;
        fsm->want_master = false;
}

/* RFC 9568 §6.4.1 / §6.4.2 "transition to the Master state": advert first, so that the old master drops the
 * VIPs before our announcements go out (keepalived's vrrp_state_master_tx() has the same order). */
static void enter_master(VrrpFsm *fsm, const VrrpParams *p, usec_t now, VrrpReason reason,
                         VrrpActions *ret) {
        disarm(fsm);
        /* a master runs on its own interval again (keepalived: vrrp_state_become_master()) */
        fsm->master_adver_int = p->interval_usec;
        send_advert(effective_priority(fsm, p), ret);
        ret->add_vips = ret->announce = true;
        ret->filter_on = !p->accept && !is_owner(p);
        fsm->adver_at = now + p->interval_usec;
        set_master(fsm, p, &p->primary, ret);
        set_state(fsm, VRRP_STATE_MASTER, reason, ret);
}

/* Master_Down_Timer armed at Master_Down_Interval, except in maintenance, where a backup never takes over.
 */
static void arm_down_timer(VrrpFsm *fsm, const VrrpParams *p, usec_t now) {
        fsm->down_at = fsm->maintenance ? USEC_INFINITY : now + vrrp_fsm_master_down_interval(fsm, p);
        fsm->takeover_reason = VRRP_REASON_MASTER_DOWN_TIMER;
}

static void enter_backup(VrrpFsm *fsm, const VrrpParams *p, usec_t now, VrrpReason reason,
                         VrrpActions *ret) {
        if (fsm->state == VRRP_STATE_MASTER)
                drop_vips(p, ret);
        disarm(fsm);
        arm_down_timer(fsm, p, now);
        set_state(fsm, VRRP_STATE_BACKUP, reason, ret);
}

/* A master resigns with a priority-0 advert before it drops the VIPs, so a backup takes over after Skew_Time
 * (keepalived: vrrp_state_leave_master() with wantstate FAULT, and vrrp_restore_interface(advF)). */
static void resign(VrrpFsm *fsm, const VrrpParams *p, VrrpActions *ret) {
        if (fsm->state != VRRP_STATE_MASTER)
                return;
        send_advert(VRRP_PRIORITY_STOP, ret);
        drop_vips(p, ret);
}

static void enter_fault(VrrpFsm *fsm, const VrrpParams *p, VrrpReason reason, VrrpActions *ret) {
        resign(fsm, p, ret);
        disarm(fsm);
        set_master(fsm, p, NULL, ret);
        fsm->takeover_reason = VRRP_REASON_SYNC_GROUP;
        set_state(fsm, VRRP_STATE_FAULT, reason, ret);
}

/* All faults cleared (keepalived: try_up_instance() → vrrp_state_leave_fault()): an owner is master at once,
 * anybody else a backup with a fresh Master_Down_Interval on its own interval. A sync member asks its group
 * first. */
static void leave_fault(VrrpFsm *fsm, const VrrpParams *p, usec_t now, VrrpReason reason, VrrpActions *ret) {
        fsm->master_adver_int = p->interval_usec;
        if (p->sync_group) {
                fsm->takeover_reason = reason;
                ret->fault_recovered = true;
                return;
        }
        if (is_owner(p) && !fsm->maintenance)
                enter_master(fsm, p, now, reason, ret);
        else
                enter_backup(fsm, p, now, reason, ret);
}

static int on_startup(VrrpFsm *fsm, const VrrpParams *p, usec_t now, VrrpActions *ret) {
        if (fsm->state != VRRP_STATE_INIT && fsm->state != VRRP_STATE_STOPPED)
                return -EALREADY;

        fsm->master_adver_int = p->interval_usec;
        if (has_fault(fsm))
                enter_fault(fsm, p, fsm->link_down ? VRRP_REASON_LINK_DOWN : VRRP_REASON_TRACK_FAILED, ret);
        else if (is_owner(p) && !fsm->maintenance)
                /* RFC 9568 §6.4.1. Below 255, `state MASTER` does not shorten anything: keepalived's
                 * vrrp_init_state() starts such an instance as backup with the full Master_Down_Interval. */
                enter_master(fsm, p, now, VRRP_REASON_STARTUP, ret);
        else
                enter_backup(fsm, p, now, VRRP_REASON_STARTUP, ret);
        return 0;
}

/* keepalived's timer_expired_backup (vrrp_thread_timeout_handler()): a master woken so late that a backup of
 * the highest other priority has had 3 intervals and its Skew_Time of silence since our last advert
 * (Adver_Timer minus one interval) assumes that backup took over, and steps down without a priority-0
 * advert. keepalived allows it with nopreempt only, so that the other master stays. */
static bool overslept(const VrrpFsm *fsm, const VrrpParams *p, usec_t now) {
        usec_t base = p->version == 3 ? p->interval_usec : USEC_PER_SEC, waited;

        if (p->timer_expired_backup == 0 || fsm->adver_at == USEC_INFINITY)
                return false;
        waited = 3 * p->interval_usec + (256 - (usec_t) p->timer_expired_backup) * base / 256;
        return now >= fsm->adver_at - p->interval_usec + waited;
}

static void on_timer(VrrpFsm *fsm, const VrrpParams *p, usec_t now, VrrpActions *ret) {
        if (fsm->state == VRRP_STATE_MASTER && overslept(fsm, p, now))
                /* the reason a backup of that priority gave when it took over */
                enter_backup(fsm, p, now, VRRP_REASON_MASTER_DOWN_TIMER, ret);
        else if (fsm->state == VRRP_STATE_MASTER && now >= fsm->adver_at) {
                send_advert(effective_priority(fsm, p), ret);
                /* periodic on the deadline, not on the wakeup, so late wakeups do not drift the adverts */
                fsm->adver_at += p->interval_usec;
                if (fsm->adver_at <= now)
                        fsm->adver_at = now + p->interval_usec;
        } else if (fsm->state == VRRP_STATE_BACKUP && now >= fsm->down_at) {
                if (!p->sync_group) {
                        enter_master(fsm, p, now, fsm->takeover_reason, ret);
                        return;
                }
                /* keepalived's vrrp_sync_can_goto_master(): a member waits, with a fresh Master_Down_Timer,
                 * until the whole group wants to go (vrrp-sync.c decides and sends SYNC). */
                fsm->want_master = ret->want_master = true;
                fsm->down_at = now + vrrp_fsm_master_down_interval(fsm, p);
        }
}

/* The daemon's shared tick of this instance's interval class (DESIGN §1): a master sends now and counts its
 * Adver_Timer from the tick, so every master of the class stays on one wakeup. The first tick after becoming
 * master comes at most one interval after the transition's own advert, never later than the timer would. */
static void on_adver_tick(VrrpFsm *fsm, const VrrpParams *p, usec_t now, VrrpActions *ret) {
        if (fsm->state != VRRP_STATE_MASTER)
                return;
        if (overslept(fsm, p, now)) {
                enter_backup(fsm, p, now, VRRP_REASON_MASTER_DOWN_TIMER, ret);
                return;
        }
        send_advert(effective_priority(fsm, p), ret);
        fsm->adver_at = now + p->interval_usec;
}

/* v3 only (RFC 9568 §6.4.2, §6.4.3): Master_Adver_Interval := the advert's Max Adver Int. */
static void learn_interval(VrrpFsm *fsm, const VrrpParams *p, const VrrpEvent *ev) {
        if (p->version == 3 && ev->advert.max_adver_int_cs > 0)
                fsm->master_adver_int = ev->advert.max_adver_int_cs * USEC_PER_CS;
}

/* RFC 9568 §6.4.2, with keepalived's preempt_delay (vrrp_state_backup()): the first lower-priority advert
 * starts the delay; until it runs out such adverts are accepted like a better master's, so the takeover
 * comes a Master_Down_Interval after the last one accepted. An advert of equal or higher priority stops the
 * delay. */
static void backup_rx(VrrpFsm *fsm, const VrrpParams *p, usec_t now, const VrrpEvent *ev, VrrpActions *ret) {
        uint8_t prio = effective_priority(fsm, p);
        bool lower = ev->advert.priority < prio, accept, from_master;

        if (ev->advert.priority == VRRP_PRIORITY_STOP) {
                if (!fsm->maintenance)
                        fsm->down_at = now + vrrp_fsm_skew_time(fsm, p);
                fsm->takeover_reason = VRRP_REASON_PRIORITY_ZERO;
                return;
        }

        if (!lower)
                fsm->preempt_at = USEC_INFINITY;
        else if (preempt_mode(p) && preempt_delay(p) > 0 && fsm->preempt_at == USEC_INFINITY)
                fsm->preempt_at = now + preempt_delay(p);
        accept = !preempt_mode(p) || !lower || (preempt_delay(p) > 0 && now < fsm->preempt_at);

        from_master = !fsm->master_known || vrrp_addr_cmp(p->family, &fsm->master, &ev->advert.src) == 0;
        set_master(fsm, p, &ev->advert.src, ret); /* keepalived records it either way */
        if (!accept) {
                /* discarded: the Master_Down_Timer keeps running and we preempt when it fires; with fast_preempt
                 * the master said it is worse, so no later than Skew_Time from now, as for priority 0 */
                fsm->takeover_reason = VRRP_REASON_PREEMPTED;
                if (p->fast_preempt && from_master && !fsm->maintenance &&
                    fsm->down_at > now + vrrp_fsm_skew_time(fsm, p))
                        fsm->down_at = now + vrrp_fsm_skew_time(fsm, p);
                return;
        }
        learn_interval(fsm, p, ev);
        arm_down_timer(fsm, p, now);
        fsm->want_master = false;
}

/* >0: the advert wins over us, <0: we win, 0: it is our own address at our own priority. RFC 9568 §6.4.3:
 * higher priority wins; on equal priority the higher primary address, compared as an unsigned network-order
 * integer. */
static int compare_advert(const VrrpFsm *fsm, const VrrpParams *p, const VrrpEvent *ev) {
        uint8_t prio = effective_priority(fsm, p);

        if (ev->advert.priority != prio)
                return ev->advert.priority > prio ? 1 : -1;
        return vrrp_addr_cmp(p->family, &ev->advert.src, &p->primary);
}

static void master_rx(VrrpFsm *fsm, const VrrpParams *p, usec_t now, const VrrpEvent *ev, VrrpActions *ret) {
        uint8_t prio = effective_priority(fsm, p);
        int c;

        if (ev->advert.priority == VRRP_PRIORITY_STOP) {
                /* RFC 9568 §6.4.3: send an advert and reset the Adver_Timer */
                send_advert(prio, ret);
                fsm->adver_at = now + p->interval_usec;
                return;
        }

        c = compare_advert(fsm, p, ev);
        if (c > 0) {
                if (p->higher_prio_send_advert)
                        send_advert(prio, ret);
                learn_interval(fsm, p, ev); /* before enter_backup() computes Master_Down_Interval */
                enter_backup(fsm, p, now, VRRP_REASON_HIGHER_PRIORITY, ret);
                set_master(fsm, p, &ev->advert.src, ret);
                return;
        }
        if (c < 0) {
                /* The RFC discards it; keepalived (vrrp_state_master_rx()) answers at once so the other side
                 * steps down now, unless lower_prio_no_advert, and may re-announce (garp_lower_prio_repeat).
                 */
                if (!p->lower_prio_no_advert) {
                        send_advert(prio, ret);
                        fsm->adver_at = now + p->interval_usec;
                }
                ret->announce = p->garp_lower_prio;
        }
}

static int on_advert(VrrpFsm *fsm, const VrrpParams *p, usec_t now, const VrrpEvent *ev, VrrpActions *ret) {
        if (ev->advert.version != 0 && ev->advert.version != p->version)
                return -EINVAL; /* the check layer drops these */
        /* RFC 9568 §6.4.3 drops them all at 255; keepalived does so only with owner_ignore_adverts (vrrp.c,
         * vrrp_check_packet()), else a second owner on the link would never step down */
        if (p->owner_ignore_adverts && is_owner(p))
                return 0;

        if (fsm->state == VRRP_STATE_MASTER && overslept(fsm, p, now)) /* keepalived checks before reading */
                enter_backup(fsm, p, now, VRRP_REASON_MASTER_DOWN_TIMER, ret);
        if (fsm->state == VRRP_STATE_BACKUP)
                backup_rx(fsm, p, now, ev, ret);
        else if (fsm->state == VRRP_STATE_MASTER)
                master_rx(fsm, p, now, ev, ret);
        /* INIT, FAULT, STOPPED: ignored */
        return 0;
}

static bool running(const VrrpFsm *fsm) {
        return fsm->state == VRRP_STATE_BACKUP || fsm->state == VRRP_STATE_MASTER;
}

static int on_fault(VrrpFsm *fsm, const VrrpParams *p, usec_t now, VrrpEventType type, VrrpActions *ret) {
        bool was_faulty = has_fault(fsm);
        VrrpReason reason;

        switch (type) {
        case VRRP_EVENT_LINK_DOWN:
                fsm->link_down = true;
                reason = VRRP_REASON_LINK_DOWN;
                break;
        case VRRP_EVENT_LINK_UP:
                fsm->link_down = false;
                reason = VRRP_REASON_LINK_UP;
                break;
        case VRRP_EVENT_FAULT_SET:
                fsm->n_track_faults++;
                reason = VRRP_REASON_TRACK_FAILED;
                break;
        default: /* VRRP_EVENT_FAULT_CLEAR */
                if (fsm->n_track_faults == 0)
                        return -EINVAL; /* a CLEAR without its SET */
                fsm->n_track_faults--;
                reason = VRRP_REASON_TRACK_RECOVERED;
                break;
        }

        if (has_fault(fsm) && running(fsm))
                enter_fault(fsm, p, reason, ret);
        else if (was_faulty && !has_fault(fsm) && fsm->state == VRRP_STATE_FAULT)
                leave_fault(fsm, p, now, reason, ret);
        return 0;
}

/* keepalived's vrrp_set_effective_priority(): clamped to 1..254, never for the owner. The next advert
 * carries it; a backup's pending Master_Down_Timer moves by the change in Skew_Time. */
static int on_priority(VrrpFsm *fsm, const VrrpParams *p, usec_t now, const VrrpEvent *ev, VrrpActions *ret) {
        int v = ev->priority < 1 ? 1 : ev->priority;
        uint8_t old = effective_priority(fsm, p);
        usec_t old_skew, new_skew;

        if (is_owner(p))
                return -EPERM;
        if (v > VRRP_PRIORITY_MAX_BACKUP)
                v = VRRP_PRIORITY_MAX_BACKUP;
        if (v == effective_priority(fsm, p))
                return 0;

        old_skew = vrrp_fsm_skew_time(fsm, p);
        fsm->priority = (uint8_t) v;
        new_skew = vrrp_fsm_skew_time(fsm, p);
        ret->priority_changed = true;

        if (fsm->state == VRRP_STATE_BACKUP && fsm->down_at != USEC_INFINITY)
                fsm->down_at = fsm->down_at - old_skew + new_skew;
        /* fast_preempt: a master that got worse says so now, not at its next interval (a backup with
         * fast_preempt then takes over after its Skew_Time) */
        if (p->fast_preempt && fsm->state == VRRP_STATE_MASTER && v < old && !fsm->maintenance) {
                send_advert((uint8_t) v, ret);
                fsm->adver_at = now + p->interval_usec;
        }
        return 0;
}

/* On: a master resigns with priority 0 and stays backup; a backup never takes over (no Master_Down_Timer),
 * but keeps following the master's adverts. Off: back to normal, an owner straight to master. */
static void on_maintenance(VrrpFsm *fsm, const VrrpParams *p, usec_t now, bool on, VrrpActions *ret) {
        if (fsm->maintenance == on)
                return;
        fsm->maintenance = on;

        if (on && fsm->state == VRRP_STATE_MASTER) {
                resign(fsm, p, ret);
                enter_backup(fsm, p, now, VRRP_REASON_MAINTENANCE, ret);
        } else if (on && fsm->state == VRRP_STATE_BACKUP) {
                fsm->down_at = USEC_INFINITY;
                fsm->want_master = false;
        } else if (!on && fsm->state == VRRP_STATE_BACKUP) {
                if (is_owner(p))
                        enter_master(fsm, p, now, VRRP_REASON_MAINTENANCE, ret);
                else
                        arm_down_timer(fsm, p, now);
        }
}

static void on_shutdown(VrrpFsm *fsm, const VrrpParams *p, VrrpActions *ret) {
        if (fsm->state == VRRP_STATE_STOPPED)
                return;
        resign(fsm, p, ret);
        disarm(fsm);
        set_master(fsm, p, NULL, ret);
        set_state(fsm, VRRP_STATE_STOPPED, VRRP_REASON_SHUTDOWN, ret);
}

/* A state forced by the sync group (vrrp-sync.c), as keepalived's vrrp_sync_master/backup/fault() force the
 * other members. Forcing leaves no resignation advert on the way to backup (vrrp_state_leave_master(advF =
 * false)), but sends one on the way to fault, like any master going to fault. A member whose own
 * Master_Down_Timer fired or whose own faults cleared keeps its own reason; the others say sync-group. An
 * instance a reload took out of its group while the group held it in FAULT is let go to BACKUP too, and
 * leaves FAULT as any instance whose faults cleared (an owner straight to master). */
static int on_sync(VrrpFsm *fsm, const VrrpParams *p, usec_t now, VrrpState target, VrrpActions *ret) {
        switch (target) {
        case VRRP_STATE_MASTER:
                if (fsm->state == VRRP_STATE_BACKUP && !fsm->maintenance)
                        enter_master(fsm, p, now,
                                     fsm->want_master ? fsm->takeover_reason : VRRP_REASON_SYNC_GROUP, ret);
                return 0;
        case VRRP_STATE_BACKUP:
                if (fsm->state == VRRP_STATE_MASTER)
                        enter_backup(fsm, p, now, VRRP_REASON_SYNC_GROUP, ret);
                else if (fsm->state == VRRP_STATE_FAULT && !has_fault(fsm) && !p->sync_group)
                        leave_fault(fsm, p, now, fsm->takeover_reason, ret); /* no group holds it any more */
                else if (fsm->state == VRRP_STATE_FAULT && !has_fault(fsm)) {
                        fsm->master_adver_int = p->interval_usec;
                        enter_backup(fsm, p, now, fsm->takeover_reason, ret);
                }
                return 0;
        case VRRP_STATE_FAULT:
                if (running(fsm))
                        enter_fault(fsm, p, VRRP_REASON_SYNC_GROUP, ret);
                return 0;
        default:
                return -EINVAL;
        }
}

static int dispatch(VrrpFsm *fsm, const VrrpParams *p, usec_t now, const VrrpEvent *ev, VrrpActions *ret) {
        switch (ev->type) {
        case VRRP_EVENT_STARTUP:
                return on_startup(fsm, p, now, ret);
        case VRRP_EVENT_TIMER:
                on_timer(fsm, p, now, ret);
                return 0;
        case VRRP_EVENT_ADVER_TICK:
                on_adver_tick(fsm, p, now, ret);
                return 0;
        case VRRP_EVENT_ADVERT:
                return on_advert(fsm, p, now, ev, ret);
        case VRRP_EVENT_LINK_DOWN:
        case VRRP_EVENT_LINK_UP:
        case VRRP_EVENT_FAULT_SET:
        case VRRP_EVENT_FAULT_CLEAR:
                return on_fault(fsm, p, now, ev->type, ret);
        case VRRP_EVENT_PRIORITY:
                return on_priority(fsm, p, now, ev, ret);
        case VRRP_EVENT_MAINTENANCE:
                on_maintenance(fsm, p, now, ev->maintenance, ret);
                return 0;
        case VRRP_EVENT_SHUTDOWN:
                on_shutdown(fsm, p, ret);
                return 0;
        case VRRP_EVENT_SYNC:
                return on_sync(fsm, p, now, ev->sync, ret);
        default:
                return -EINVAL;
        }
}

int vrrp_fsm_step(VrrpFsm *fsm, const VrrpParams *p, usec_t now, const VrrpEvent *ev, VrrpActions *ret) {
        VrrpFsm saved;
        int r;

        if (!fsm || !p || !ev || !ret)
                return -EINVAL;

        *ret = (VrrpActions){ .old_state = fsm->state,
                              .new_state = fsm->state,
                              .timer_at = timer_deadline(fsm) };
        if (p->version != 2 && p->version != 3)
                return -EINVAL;

        saved = *fsm;
        r = dispatch(fsm, p, now, ev, ret);
        if (r < 0) {
                /* nothing happened: the FSM and the actions stay as they were */
                *fsm = saved;
                *ret = (VrrpActions){ .old_state = fsm->state,
                                      .new_state = fsm->state,
                                      .timer_at = timer_deadline(fsm) };
                return r;
        }

        ret->new_state = fsm->state;
        ret->state_changed = ret->new_state != ret->old_state;
        if (!ret->state_changed)
                ret->reason = VRRP_REASON_NONE;
        ret->timer_at = timer_deadline(fsm);
        return 0;
}
