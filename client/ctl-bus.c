#include <stdlib.h>

#include "ctl-bus.h"

/* Calls go to the daemon's well-known name (bus->name); 25 s is GDBus's default, a reload may parse a large
 * config. */
#define CTL_BUS_TIMEOUT_MSEC 25000

GDBusConnection *ctl_bus_open(GError **error) {
        return g_bus_get_sync(G_BUS_TYPE_SYSTEM, NULL, error);
}

gboolean ctl_bus_name_check(const char *name, GError **error) {
        if (g_dbus_is_name(name) && !g_dbus_is_unique_name(name))
                return TRUE;
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "--bus-name takes a D-Bus name such as " VRRPD_BUS_NAME ".blue, not '%s'", name);
        return FALSE;
}

GVariant *ctl_bus_call_manager(const CtlBus *bus, const char *method, GVariant *params,
                               const char *reply_type, GError **error) {
        return g_dbus_connection_call_sync(bus->connection, bus->name, VRRPD_BUS_PATH,
                                           VRRPD_BUS_MANAGER_INTERFACE, method, params,
                                           reply_type ? G_VARIANT_TYPE(reply_type) : NULL,
                                           G_DBUS_CALL_FLAGS_NONE, CTL_BUS_TIMEOUT_MSEC, NULL, error);
}

GVariant *ctl_bus_get_managed_objects(const CtlBus *bus, GError **error) {
        return g_dbus_connection_call_sync(bus->connection, bus->name, VRRPD_BUS_PATH,
                                           "org.freedesktop.DBus.ObjectManager", "GetManagedObjects", NULL,
                                           G_VARIANT_TYPE("(a{oa{sa{sv}}})"), G_DBUS_CALL_FLAGS_NONE,
                                           CTL_BUS_TIMEOUT_MSEC, NULL, error);
}

char *ctl_bus_instance_path(const CtlBus *bus, const char *name, GError **error) {
        g_autoptr(GVariant) reply = NULL;
        char *path = NULL;

        reply = ctl_bus_call_manager(bus, "GetInstance", g_variant_new("(s)", name), "(o)", error);
        if (!reply)
                return NULL;
        g_variant_get(reply, "(o)", &path);
        return path;
}

static GVariant *ctl_bus_get_all_of(const CtlBus *bus, const char *path, const char *interface,
                                    GError **error) {
        g_autoptr(GVariant) reply = NULL;
        GVariant *props = NULL;

        reply = g_dbus_connection_call_sync(bus->connection, bus->name, path,
                                            "org.freedesktop.DBus.Properties", "GetAll",
                                            g_variant_new("(s)", interface), G_VARIANT_TYPE("(a{sv})"),
                                            G_DBUS_CALL_FLAGS_NONE, CTL_BUS_TIMEOUT_MSEC, NULL, error);
        if (!reply)
                return NULL;
        g_variant_get(reply, "(@a{sv})", &props);
        return props;
}

GVariant *ctl_bus_get_all(const CtlBus *bus, const char *path, GError **error) {
        return ctl_bus_get_all_of(bus, path, VRRPD_BUS_INSTANCE_INTERFACE, error);
}

GVariant *ctl_bus_get_manager(const CtlBus *bus, GError **error) {
        return ctl_bus_get_all_of(bus, VRRPD_BUS_PATH, VRRPD_BUS_MANAGER_INTERFACE, error);
}

gboolean ctl_bus_call_instance(const CtlBus *bus, const char *name, const char *method, GVariant *params,
                               GError **error) {
        g_autoptr(GVariant) sunk = params ? g_variant_ref_sink(params) : NULL;
        g_autoptr(GVariant) reply = NULL;
        g_autofree char *path = NULL;

        path = ctl_bus_instance_path(bus, name, error);
        if (!path)
                return FALSE;
        reply = g_dbus_connection_call_sync(bus->connection, bus->name, path, VRRPD_BUS_INSTANCE_INTERFACE,
                                            method, sunk, NULL, G_DBUS_CALL_FLAGS_NONE, CTL_BUS_TIMEOUT_MSEC,
                                            NULL, error);
        return reply != NULL;
}

/* Every instance's properties (a{sv} each), in the daemon's ListInstances order. */
GPtrArray *ctl_bus_get_all_instances(const CtlBus *bus, GError **error) {
        g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func((GDestroyNotify) g_variant_unref);
        g_autoptr(GVariant) reply = NULL;
        g_autoptr(GVariantIter) iter = NULL;
        const char *path;

        reply = ctl_bus_call_manager(bus, "ListInstances", NULL, "(a(sossyy))", error);
        if (!reply)
                return NULL;
        g_variant_get(reply, "(a(sossyy))", &iter);
        while (g_variant_iter_next(iter, "(&s&o&s&syy)", NULL, &path, NULL, NULL, NULL, NULL)) {
                GVariant *props = ctl_bus_get_all(bus, path, error);

                if (!props)
                        return NULL;
                g_ptr_array_add(all, props);
        }
        return g_steal_pointer(&all);
}

const char *ctl_bus_prop_str(GVariant *props, const char *key) {
        const char *s = NULL;

        if (!g_variant_lookup(props, key, "&s", &s))
                return "";
        return s;
}

guint64 ctl_bus_prop_u64(GVariant *props, const char *key) {
        guint64 v = 0;

        g_variant_lookup(props, key, "t", &v);
        return v;
}

guint ctl_bus_prop_byte(GVariant *props, const char *key) {
        guchar v = 0;

        g_variant_lookup(props, key, "y", &v);
        return v;
}

gboolean ctl_bus_prop_bool(GVariant *props, const char *key) {
        gboolean v = FALSE;

        g_variant_lookup(props, key, "b", &v);
        return v;
}

static gboolean ctl_bus_is_no_daemon(const GError *error) {
        return g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
               g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER);
}

/* STYLE §7: the daemon's words, then its D-Bus error name; "not running" gets one plain line. */
int ctl_bus_report(const CtlBus *bus, GError *error) {
        g_autofree char *remote = NULL;

        if (ctl_bus_is_no_daemon(error)) {
                g_printerr("vrrpctl: vrrpd is not running (no owner of %s on the system bus)\n", bus->name);
                return EXIT_FAILURE;
        }
        remote = g_dbus_error_get_remote_error(error);
        if (remote) {
                g_dbus_error_strip_remote_error(error);
                g_printerr("vrrpctl: %s (%s)\n", error->message, remote);
        } else
                g_printerr("vrrpctl: %s\n", error->message);
        return EXIT_FAILURE;
}
