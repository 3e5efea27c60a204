#pragma once

typedef struct Bus Bus;
typedef struct Instance Instance;
typedef struct SyncGroup SyncGroup;

/* org.vrrpd.Vrrp1.SyncGroup objects under /org/vrrpd/Vrrp1/sync_group (DESIGN §3). */
int bus_sync_group_add_objects(Bus *b);
/* A member changed state: the group's State goes out once the group has followed (deferred to the loop). */
void bus_sync_group_member_changed(Bus *b, const Instance *member);
/* What group s shows in its change-emitting properties (bus_util_shown()), and after a reload
 * PropertiesChanged for those that the group of that name, if there still is one, shows otherwise now. */
int bus_sync_group_shown(Bus *b, SyncGroup *s, char ***ret);
void bus_sync_group_emit_shown_changes(Bus *b, const char *name, char *const *before);
