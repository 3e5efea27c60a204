#include <assert.h>
#include <errno.h>
#include <stdlib.h>

#include "conf/conf-model.h"
#include "instance.h"
#include "listener.h"
#include "manager.h"
#include "sync-group.h"
#include "util/cleanup.h"
#include "util/log.h"

int sync_group_new(Manager *m, const ConfSyncGroup *conf, SyncGroup **ret) {
        _cleanup_(sync_group_freep) SyncGroup *g = NULL;

        assert(m);
        assert(conf);
        assert(ret);
        g = calloc(1, sizeof(*g));
        if (!g)
                return -ENOMEM;
        *g = (SyncGroup){ .manager = m, .conf = conf, .name = conf->name };
        g->members = calloc(conf->n_members ? conf->n_members : 1, sizeof(Instance *));
        if (!g->members)
                return -ENOMEM;
        *ret = TAKE_PTR(g);
        return 0;
}

void sync_group_release_members(SyncGroup *g) {
        for (size_t k = 0; k < g->n_members; k++)
                if (g->members[k]->sync_group == g)
                        g->members[k]->sync_group = NULL;
        g->n_members = 0;
}

SyncGroup *sync_group_free(SyncGroup *g) {
        if (!g)
                return NULL;
        sync_group_release_members(g);
        free(g->members);
        free(g);
        return NULL;
}

int sync_group_take_members(SyncGroup *g) {
        const VrrpFsm *fsms[VRRP_SYNC_MEMBERS_MAX];
        Instance **a;

        assert(g);
        sync_group_release_members(g);
        a = reallocarray(g->members, g->conf->n_members ? g->conf->n_members : 1, sizeof(*a));
        if (!a)
                return -ENOMEM;
        g->members = a;
        for (size_t k = 0; k < g->conf->n_members && g->n_members < VRRP_SYNC_MEMBERS_MAX; k++) {
                Instance *i = manager_find_instance(g->manager, g->conf->members[k].name);

                if (!i)
                        continue; /* it failed to start; the group runs with the rest */
                i->sync_group = g;
                i->sync_index = g->n_members;
                fsms[g->n_members] = &i->fsm;
                g->members[g->n_members++] = i;
        }
        if (g->n_members == 0)
                return 0;
        return vrrp_sync_init(&g->sync, fsms, g->n_members);
}

VrrpState sync_group_state(const SyncGroup *g) {
        return g->n_members > 0 ? vrrp_sync_state(&g->sync) : VRRP_STATE_FAULT;
}

/* What the group decided: the listeners hear if its state moved from `before` (from INIT the first time: a
 * group that starts BACKUP or FAULT says so, as keepalived's vrrp_init_state() does), then each forced step. */
static void sync_group_force(SyncGroup *g, VrrpState before, const VrrpSyncForce *force) {
        if (!g->announced)
                before = VRRP_STATE_INIT;
        g->announced = true;
        if (vrrp_sync_state(&g->sync) != before)
                LISTENERS_EMIT(&g->manager->listeners, sync_group_changed, g, before);
        for (size_t k = 0; k < force->n; k++) {
                Instance *member = g->members[force->items[k].member];
                int r;

                r = instance_step(member,
                                  &(VrrpEvent){ .type = VRRP_EVENT_SYNC, .sync = force->items[k].state });
                if (r < 0)
                        log_warning_errno(r, "%s: failed to follow sync group '%s': %m", member->name, g->name);
        }
}

void sync_group_member_changed(SyncGroup *g, Instance *i, const VrrpActions *a) {
        VrrpState before = vrrp_sync_state(&g->sync);
        VrrpSyncForce force;
        int r;

        assert(i->sync_group == g);
        r = vrrp_sync_member_changed(&g->sync, i->sync_index, a->old_state, &force);
        if (r < 0)
                return (void) log_warning_errno(r, "%s: sync group '%s' refused a change, ignoring: %m", i->name,
                                                g->name);
        sync_group_force(g, before, &force);
}

void sync_group_resync(SyncGroup *g, VrrpState before) {
        VrrpSyncForce force;
        int r;

        if (g->n_members == 0)
                return;
        r = vrrp_sync_resync(&g->sync, &force);
        if (r < 0)
                return (void) log_warning_errno(r, "sync group '%s': failed to take in its new members: %m",
                                                g->name);
        sync_group_force(g, before, &force);
}
