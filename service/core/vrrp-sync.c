#include <assert.h>
#include <errno.h>
#include <stdint.h>

#include "vrrp-sync.h"

/* See vrrp-sync.h for the rules, keepalived/vrrp/vrrp_sync.c and vrrp_scheduler.c:try_up_instance() for
 * their origin. */

static bool own_fault(const VrrpFsm *m) {
        return m->link_down || m->n_track_faults > 0;
}

static bool is_running(const VrrpFsm *m) {
        return m->state == VRRP_STATE_BACKUP || m->state == VRRP_STATE_MASTER;
}

static void force(VrrpSyncForce *ret, size_t member, VrrpState state) {
        ret->items[ret->n].member = member;
        ret->items[ret->n].state = state;
        ret->n++;
}

/* Members not running yet (INIT: a reload just added them) do not make a group of masters a backup one: they
 * join it when they start (vrrp_sync_member_changed()). */
static VrrpState derive_state(const VrrpSync *g) {
        size_t n_master = 0, n_running = 0;

        for (size_t i = 0; i < g->n_members; i++) {
                if (g->members[i]->state == VRRP_STATE_FAULT || own_fault(g->members[i]))
                        return VRRP_STATE_FAULT;
                if (g->members[i]->state == VRRP_STATE_MASTER)
                        n_master++;
                if (is_running(g->members[i]))
                        n_running++;
        }
        return n_master > 0 && n_master == n_running ? VRRP_STATE_MASTER : VRRP_STATE_BACKUP;
}

int vrrp_sync_init(VrrpSync *g, const VrrpFsm *const *members, size_t n_members) {
        if (!g || !members || n_members == 0)
                return -EINVAL;
        if (n_members > VRRP_SYNC_MEMBERS_MAX)
                return -E2BIG;

        for (size_t i = 0; i < n_members; i++)
                if (!members[i])
                        return -EINVAL;

        *g = (VrrpSync){ .n_members = n_members };
        for (size_t i = 0; i < n_members; i++)
                g->members[i] = members[i];
        g->state = derive_state(g);
        return 0;
}

VrrpState vrrp_sync_state(const VrrpSync *g) {
        assert(g);

        return g->state;
}

/* Every member but `except` that `to` applies to is forced there; the group takes state `to`. */
static void force_all(VrrpSync *g, size_t except, VrrpState to, VrrpSyncForce *ret) {
        for (size_t i = 0; i < g->n_members; i++) {
                const VrrpFsm *m = g->members[i];
                bool hit;

                if (i == except)
                        continue;
                switch (to) {
                case VRRP_STATE_FAULT:
                        hit = is_running(m);
                        break;
                case VRRP_STATE_MASTER:
                        hit = m->state == VRRP_STATE_BACKUP;
                        break;
                default: /* BACKUP: masters step down, members held in FAULT come back */
                        hit = m->state == VRRP_STATE_MASTER ||
                              (m->state == VRRP_STATE_FAULT && !own_fault(m));
                        break;
                }
                if (hit)
                        force(ret, i, to);
        }
        g->state = to;
}

static bool group_wants_master(const VrrpSync *g, size_t member) {
        if (g->state == VRRP_STATE_MASTER)
                return true;
        for (size_t i = 0; i < g->n_members; i++) {
                const VrrpFsm *m = g->members[i];

                if (i == member || m->state == VRRP_STATE_MASTER)
                        continue;
                if (m->state != VRRP_STATE_BACKUP || !m->want_master)
                        return false;
        }
        return true;
}

static void member_in_fault(VrrpSync *g, size_t member, VrrpState old_state, VrrpSyncForce *ret) {
        if (old_state != VRRP_STATE_FAULT) {
                force_all(g, member, VRRP_STATE_FAULT, ret);
                return;
        }
        /* still in FAULT: its own faults cleared (fault_recovered); the group recovers with the last one */
        for (size_t i = 0; i < g->n_members; i++)
                if (own_fault(g->members[i]))
                        return;
        force_all(g, SIZE_MAX, VRRP_STATE_BACKUP, ret);
}

/* It just started (left INIT, or STOPPED) as a backup, into a group that is master: it goes with the group,
 * as any member that can go master in a MASTER group (keepalived's vrrp_sync_can_goto_master()). */
static bool joins_master_group(const VrrpSync *g, const VrrpFsm *m, VrrpState old_state) {
        return g->state == VRRP_STATE_MASTER && m->state == VRRP_STATE_BACKUP &&
               (old_state == VRRP_STATE_INIT || old_state == VRRP_STATE_STOPPED);
}

int vrrp_sync_member_changed(VrrpSync *g, size_t member, VrrpState old_state, VrrpSyncForce *ret) {
        const VrrpFsm *m;

        if (!g || !ret)
                return -EINVAL;
        if (member >= g->n_members)
                return -ERANGE;

        *ret = (VrrpSyncForce){};
        m = g->members[member];
        if (m->state == VRRP_STATE_FAULT)
                member_in_fault(g, member, old_state, ret);
        else if (g->state == VRRP_STATE_FAULT) {
                /* started (or came back) while the group is down: it joins the group in FAULT */
                if (is_running(m))
                        force(ret, member, VRRP_STATE_FAULT);
        } else if (m->state == VRRP_STATE_MASTER && old_state != VRRP_STATE_MASTER)
                force_all(g, member, VRRP_STATE_MASTER, ret);
        else if (m->state == VRRP_STATE_BACKUP && m->want_master) {
                if (group_wants_master(g, member))
                        force_all(g, SIZE_MAX, VRRP_STATE_MASTER, ret);
        } else if (m->state == VRRP_STATE_BACKUP && old_state == VRRP_STATE_MASTER)
                force_all(g, member, VRRP_STATE_BACKUP, ret);
        else if (joins_master_group(g, m, old_state))
                force(ret, member, VRRP_STATE_MASTER);
        return 0;
}

/* A master beside a backup: the group is neither. Members not running (INIT, STOPPED) do not count. */
static bool mixed(const VrrpSync *g) {
        bool master = false, backup = false;

        for (size_t i = 0; i < g->n_members; i++) {
                master = master || g->members[i]->state == VRRP_STATE_MASTER;
                backup = backup || g->members[i]->state == VRRP_STATE_BACKUP;
        }
        return master && backup;
}

int vrrp_sync_resync(VrrpSync *g, VrrpSyncForce *ret) {
        bool any_own_fault = false, any_fault = false;

        if (!g || !ret || g->n_members == 0)
                return -EINVAL;

        *ret = (VrrpSyncForce){};
        g->state = derive_state(g); /* what it was before the change means nothing now */
        for (size_t i = 0; i < g->n_members; i++) {
                any_own_fault = any_own_fault || own_fault(g->members[i]);
                any_fault = any_fault || g->members[i]->state == VRRP_STATE_FAULT;
        }
        /* the rules of vrrp_sync_member_changed(), each as if its member had just done it: */
        if (any_own_fault) /* a member went to FAULT */
                force_all(g, SIZE_MAX, VRRP_STATE_FAULT, ret);
        else if (any_fault || mixed(g)) /* the last own fault cleared; a master stepped down */
                force_all(g, SIZE_MAX, VRRP_STATE_BACKUP, ret);
        else if (group_wants_master(g, SIZE_MAX)) /* every member is master or wants to be */
                force_all(g, SIZE_MAX, VRRP_STATE_MASTER, ret);
        return 0;
}
