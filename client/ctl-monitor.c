#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "ctl-bus.h"
#include "ctl-json.h"
#include "ctl-notify.h"
#include "ctl-verbs.h"

typedef struct CtlMonitor {
        const CtlOptions *opts;
        const CtlBus *bus;
        GDBusConnection *session; /* --notify only */
        GMainLoop *loop;
        GHashTable *interfaces; /* instance name → interface, from ListInstances; asked again on a miss */
        int exit_code;
        guint props_sub; /* PropertiesChanged of the instances: SplitBrain */
} CtlMonitor;

static void ctl_monitor_fill_interfaces(CtlMonitor *m, GVariant *list) {
        g_autoptr(GVariantIter) iter = NULL;
        const char *name, *ifname;

        g_variant_get(list, "(a(sossyy))", &iter);
        while (g_variant_iter_next(iter, "(&s&o&s&syy)", &name, NULL, &ifname, NULL, NULL, NULL))
                g_hash_table_insert(m->interfaces, g_strdup(name), g_strdup(ifname));
}

/* The interface for the notification: the instance object knows it; the cache covers a vanished one. */
static const char *ctl_monitor_interface(CtlMonitor *m, const char *path, const char *name) {
        g_autoptr(GVariant) reply = NULL;
        g_autoptr(GVariant) value = NULL;

        reply = g_dbus_connection_call_sync(m->bus->connection, m->bus->name, path,
                                            "org.freedesktop.DBus.Properties", "Get",
                                            g_variant_new("(ss)", VRRPD_BUS_INSTANCE_INTERFACE, "Interface"),
                                            G_VARIANT_TYPE("(v)"), G_DBUS_CALL_FLAGS_NONE, 5000, NULL, NULL);
        if (reply) {
                g_variant_get(reply, "(v)", &value);
                if (g_variant_is_of_type(value, G_VARIANT_TYPE_STRING))
                        g_hash_table_insert(m->interfaces, g_strdup(name),
                                            g_variant_dup_string(value, NULL));
        }
        return g_hash_table_lookup(m->interfaces, name);
}

/* JSON lines: one object per line whatever --json asked for, so line-oriented readers line up. */
static void ctl_monitor_print_json(GDateTime *now, const char *path, const char *name, const char *old_state,
                                   const char *new_state, const char *reason) {
        g_autofree char *iso = g_date_time_format_iso8601(now);
        const guint64 usec = (guint64) g_date_time_to_unix(now) * G_USEC_PER_SEC +
                             (guint64) g_date_time_get_microsecond(now);

        ctl_json_print(
                g_variant_new_parsed("{'time': <%s>, 'realtime_usec': <%t>, 'instance': <%s>, "
                                     "'path': <%o>, 'old_state': <%s>, 'new_state': <%s>, 'reason': <%s>}",
                                     iso, usec, name, path, old_state, new_state, reason),
                CTL_JSON_SHORT);
}

static void ctl_monitor_print(const CtlMonitor *m, const char *path, const char *name, const char *old_state,
                              const char *new_state, const char *reason) {
        g_autoptr(GDateTime) now = g_date_time_new_now_local();
        g_autofree char *when = NULL;

        if (m->opts->json != CTL_JSON_OFF) {
                ctl_monitor_print_json(now, path, name, old_state, new_state, reason);
                return;
        }
        when = g_date_time_format(now, "%Y-%m-%d %H:%M:%S");
        g_print("%s.%06d %s: %s -> %s (%s)\n", when, g_date_time_get_microsecond(now), name, old_state,
                new_state, reason);
        fflush(stdout); /* a pipe is block-buffered: a reader wants each transition as it happens */
}

static void ctl_monitor_on_state_changed(GDBusConnection *bus, const char *sender, const char *object_path,
                                         const char *interface, const char *signal, GVariant *params,
                                         gpointer userdata) {
        CtlMonitor *m = userdata;
        const char *path, *name, *old_state, *new_state, *reason;

        if (!g_variant_is_of_type(params, G_VARIANT_TYPE("(ossss)")))
                return;
        g_variant_get(params, "(&o&s&s&s&s)", &path, &name, &old_state, &new_state, &reason);
        ctl_monitor_print(m, path, name, old_state, new_state, reason);
        if (m->session)
                ctl_notify_post(m->session, name, ctl_monitor_interface(m, path, name), old_state, new_state,
                                reason);
}

/* An instance's SplitBrain changed (PropertiesChanged): a line, and a critical notification when it rose. */
static void ctl_monitor_on_properties(GDBusConnection *bus, const char *sender, const char *object_path,
                                      const char *interface, const char *signal, GVariant *params,
                                      gpointer userdata) {
        CtlMonitor *m = userdata;
        g_autoptr(GVariant) changed = NULL;
        g_autoptr(GVariant) props = NULL;
        g_autoptr(GDateTime) now = g_date_time_new_now_local();
        g_autofree char *when = g_date_time_format(now, "%Y-%m-%d %H:%M:%S");
        gboolean on;
        const char *name;

        if (!g_variant_is_of_type(params, G_VARIANT_TYPE("(sa{sv}as)")))
                return;
        changed = g_variant_get_child_value(params, 1);
        if (!g_variant_lookup(changed, "SplitBrain", "b", &on))
                return;
        props = ctl_bus_get_all(m->bus, object_path, NULL);
        name = props ? ctl_bus_prop_str(props, "Name") : object_path;
        if (m->opts->json != CTL_JSON_OFF)
                ctl_json_print(g_variant_new_parsed("{'time': <%s>, 'instance': <%s>, 'path': <%o>, "
                                                    "'split_brain': <%b>}",
                                                    when, name, object_path, on),
                               CTL_JSON_SHORT);
        else
                g_print("%s.%06d %s: %s\n", when, g_date_time_get_microsecond(now), name,
                        on ? "SPLIT BRAIN: another router is master too" : "split brain over");
        fflush(stdout);
        if (m->session)
                ctl_notify_split_brain(m->session, name, props ? ctl_bus_prop_str(props, "Interface") : "", on);
}

static gboolean ctl_monitor_on_signal(gpointer userdata) {
        CtlMonitor *m = userdata;

        g_main_loop_quit(m->loop);
        return G_SOURCE_CONTINUE;
}

static void ctl_monitor_on_closed(GDBusConnection *bus, gboolean remote_peer_vanished, GError *error,
                                  gpointer userdata) {
        CtlMonitor *m = userdata;

        g_printerr("vrrpctl: lost the connection to the system bus\n");
        m->exit_code = EXIT_FAILURE;
        g_main_loop_quit(m->loop);
}

/* Subscribes first, then asks ListInstances: the bus handles our AddMatch before routing the call, so once
 * the daemon has answered, no transition it signals afterwards can be missed. */
static gboolean ctl_monitor_start(CtlMonitor *m, guint *ret_sub, GError **error) {
        g_autoptr(GVariant) list = NULL;

        *ret_sub = g_dbus_connection_signal_subscribe(
                m->bus->connection, m->bus->name, VRRPD_BUS_MANAGER_INTERFACE, "StateChanged",
                VRRPD_BUS_PATH, NULL, G_DBUS_SIGNAL_FLAGS_NONE, ctl_monitor_on_state_changed, m, NULL);
        m->props_sub = g_dbus_connection_signal_subscribe(
                m->bus->connection, m->bus->name, "org.freedesktop.DBus.Properties", "PropertiesChanged", NULL,
                VRRPD_BUS_INSTANCE_INTERFACE, G_DBUS_SIGNAL_FLAGS_NONE, ctl_monitor_on_properties, m, NULL);
        list = ctl_bus_call_manager(m->bus, "ListInstances", NULL, "(a(sossyy))", error);
        if (!list)
                return FALSE;
        ctl_monitor_fill_interfaces(m, list);
        if (m->opts->notify) {
                m->session = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, error);
                if (!m->session) {
                        g_prefix_error(error, "--notify needs the session bus: ");
                        return FALSE;
                }
        }
        return TRUE;
}

int ctl_monitor(const CtlBus *bus, const CtlOptions *opts, char **args) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
        g_autoptr(GHashTable) interfaces = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        CtlMonitor m = { .opts = opts, .bus = bus, .loop = loop, .interfaces = interfaces };
        guint sub = 0, sigint, sigterm;
        gulong closed;

        if (!ctl_monitor_start(&m, &sub, &error)) {
                g_dbus_connection_signal_unsubscribe(bus->connection, sub);
                g_dbus_connection_signal_unsubscribe(bus->connection, m.props_sub);
                return ctl_bus_report(bus, error);
        }
        if (opts->legend && opts->json == CTL_JSON_OFF)
                g_printerr("Monitoring state changes of %s; press Ctrl-C to stop.\n", bus->name);
        sigint = g_unix_signal_add(SIGINT, ctl_monitor_on_signal, &m);
        sigterm = g_unix_signal_add(SIGTERM, ctl_monitor_on_signal, &m);
        g_dbus_connection_set_exit_on_close(bus->connection, FALSE);
        closed = g_signal_connect(bus->connection, "closed", G_CALLBACK(ctl_monitor_on_closed), &m);
        g_main_loop_run(loop);

        g_signal_handler_disconnect(bus->connection, closed);
        g_source_remove(sigint);
        g_source_remove(sigterm);
        g_dbus_connection_signal_unsubscribe(bus->connection, sub);
        g_dbus_connection_signal_unsubscribe(bus->connection, m.props_sub);
        if (m.session) {
                g_dbus_connection_flush_sync(m.session, NULL, NULL);
                g_object_unref(m.session);
        }
        return m.exit_code;
}
