#pragma once

#include <systemd/sd-bus.h>

typedef struct Instance Instance;
typedef struct Manager Manager;
typedef struct ManagerSync ManagerSync;

/* org.vrrpd.Vrrp1.SyncGroup objects under /org/vrrpd/Vrrp1/sync_group (DESIGN §3). */
int bus_sync_group_setup(Manager *m, sd_bus *bus);
/* A member changed state: the group's State goes out once the group has followed (deferred to the loop). */
void bus_sync_group_member_changed(Manager *m, const Instance *member);
/* What group s shows in its change-emitting properties (bus_util_shown()), and after a reload
 * PropertiesChanged for those that the group of that name, if there still is one, shows otherwise now. */
int bus_sync_group_shown(Manager *m, ManagerSync *s, char ***ret);
void bus_sync_group_emit_shown_changes(Manager *m, const char *name, char *const *before);
