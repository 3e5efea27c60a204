#pragma once

#include <stdbool.h>

typedef struct ConfNotifies ConfNotifies;
typedef struct ConfSyncGroup ConfSyncGroup;
typedef struct Instance Instance;

/* What a reload compares (reload.c). */

/* What a user would call a change of a kept instance: anything it runs with, except where its lines sit.
 * next is built from the new config; both are whole instances. */
bool reload_instance_changed(const Instance *old, const Instance *next);
bool reload_notify_same(const ConfNotifies *a, const ConfNotifies *b);
/* The same members, in any order. */
bool reload_members_same(const ConfSyncGroup *a, const ConfSyncGroup *b);
