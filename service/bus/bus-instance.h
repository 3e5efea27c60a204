#pragma once

#include <systemd/sd-bus.h>

#include "core/vrrp-fsm.h"

typedef struct Instance Instance;
typedef struct Manager Manager;

/* org.vrrpd.Vrrp1.Instance objects under /org/vrrpd/Vrrp1/instance (DESIGN §3). */
int bus_instance_setup(Manager *m, sd_bus *bus);
int bus_instance_path(const Instance *i, char **ret);
Instance *bus_instance_find(Manager *m, const char *name);
/* PropertiesChanged for what a step changed; nothing without a bus. */
void bus_instance_emit_changed(Instance *i, const VrrpActions *a);
/* PropertiesChanged for Tracks, after a track's result changed what it shows (whether or not the effective
 * priority moves: under a SetPriority override it does not); nothing without a bus. */
void bus_instance_emit_tracks(Instance *i);
/* What i shows in its change-emitting properties (bus_util_shown()), and after a reload PropertiesChanged
 * for those that show something else now; nothing without a bus. */
int bus_instance_shown(Instance *i, char ***ret);
void bus_instance_emit_shown_changes(Instance *i, char *const *before);
