#pragma once

#include <systemd/sd-bus.h>

typedef struct Instance Instance;
typedef struct Manager Manager;

/* org.vrrpd.Vrrp1.SyncGroup objects under /org/vrrpd/Vrrp1/sync_group (DESIGN §3). */
int bus_sync_group_setup(Manager *m, sd_bus *bus);
/* A member changed state: the group's State goes out once the group has followed (deferred to the loop). */
void bus_sync_group_member_changed(Manager *m, const Instance *member);
