#pragma once

#include <gio/gio.h>

/* The bus names, from the one copy in dbus/ that the daemon shares. */
#include "../dbus/org.vrrpd.Vrrp1.h"
#include "ctl.h"

GDBusConnection *ctl_bus_open(GError **error);
/* A name --bus-name may give: a well-known D-Bus name (not a unique ":1.5"). */
gboolean ctl_bus_name_check(const char *name, GError **error);
GVariant *ctl_bus_call_manager(const CtlBus *bus, const char *method, GVariant *params,
                               const char *reply_type, GError **error);
/* Every object with its properties, in one call: (a{oa{sa{sv}}}). */
GVariant *ctl_bus_get_managed_objects(const CtlBus *bus, GError **error);
char *ctl_bus_instance_path(const CtlBus *bus, const char *name, GError **error);
GVariant *ctl_bus_get_all(const CtlBus *bus, const char *path, GError **error);
/* The manager's properties (a{sv}). */
GVariant *ctl_bus_get_manager(const CtlBus *bus, GError **error);
gboolean ctl_bus_call_instance(const CtlBus *bus, const char *name, const char *method, GVariant *params,
                               GError **error);
GPtrArray *ctl_bus_get_all_instances(const CtlBus *bus, GError **error);

const char *ctl_bus_prop_str(GVariant *props, const char *key);
guint64 ctl_bus_prop_u64(GVariant *props, const char *key);
guint ctl_bus_prop_byte(GVariant *props, const char *key);
gboolean ctl_bus_prop_bool(GVariant *props, const char *key);

int ctl_bus_report(const CtlBus *bus, GError *error);
