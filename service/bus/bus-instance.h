#pragma once

#include <systemd/sd-bus.h>

#include "core/vrrp-fsm.h"

typedef struct Bus Bus;
typedef struct Instance Instance;

/* org.vrrpd.Vrrp1.Instance objects under /org/vrrpd/Vrrp1/instance (DESIGN §3), found by name through the
 * manager, as networkd serves its links. */
int bus_instance_add_objects(Bus *b);
int bus_instance_path(const Instance *i, char **ret);
/* PropertiesChanged for the properties of i named (NULL-terminated); failures are logged at debug. */
void bus_instance_emit(sd_bus *bus, Instance *i, const char *const *names);
/* PropertiesChanged for what a step changed. */
void bus_instance_emit_changed(Bus *b, Instance *i, const VrrpActions *a);
/* PropertiesChanged for Tracks, after a track's result changed what it shows (whether or not the effective
 * priority moves: under a SetPriority override it does not). */
void bus_instance_emit_tracks(Bus *b, Instance *i);
/* What i shows in its change-emitting properties (bus_util_shown()), and after a reload PropertiesChanged
 * for those that show something else now. */
int bus_instance_shown(Bus *b, Instance *i, char ***ret);
void bus_instance_emit_shown_changes(Bus *b, Instance *i, char *const *before);
