#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "core/vrrp-fsm.h"
#include "core/vrrp-sync.h"

typedef struct ConfSyncGroup ConfSyncGroup;
typedef struct Instance Instance;
typedef struct Manager Manager;

/* A vrrp_sync_group at runtime: the pure group logic (core/vrrp-sync.h) over its running members, whose
 * verdicts it carries out as SYNC steps. A group keeps its identity across reloads (by name); its members are
 * taken anew from the running instances each time. A group none of whose members runs has no state of its
 * own (sync_group_state(): FAULT). */
typedef struct SyncGroup {
        Manager *manager;
        const ConfSyncGroup *conf; /* in manager->config */
        const char *name;          /* conf->name */
        VrrpSync sync;
        Instance **members;
        size_t n_members;
        bool announced; /* its listeners heard its first state (from INIT), as keepalived's vrrp_init_state() */
} SyncGroup;

int sync_group_new(Manager *m, const ConfSyncGroup *conf, SyncGroup **ret);
SyncGroup *sync_group_free(SyncGroup *g);
/* Its members, by the names in its config, among the manager's running instances (one that failed to start
 * is left out); the group logic starts over from their states. */
int sync_group_take_members(SyncGroup *g);
/* Members leave (the group goes, or is rebuilt): their sync_group pointers are cleared. */
void sync_group_release_members(SyncGroup *g);
VrrpState sync_group_state(const SyncGroup *g);

/* After a step of member i that changed something: the group follows (forcing is idempotent, so the
 * recursion through the forced members' own steps ends). */
void sync_group_member_changed(SyncGroup *g, Instance *i, const VrrpActions *a);
/* After the group's members changed (a reload): what it makes of them as they stand (vrrp_sync_resync()),
 * with `before` the state the listeners last heard of. */
void sync_group_resync(SyncGroup *g, VrrpState before);

static inline void sync_group_freep(SyncGroup **p) {
        sync_group_free(*p);
}
