#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl-bus.h"
#include "ctl-json.h"
#include "ctl-notify.h"
#include "ctl-verbs.h"

typedef struct CtlMonitor {
        const CtlOptions *opts;
        CtlBus bus;               /* a connection of its own: a new one when the bus restarts */
        GDBusConnection *session; /* --notify only */
        GMainLoop *loop;
        GHashTable *interfaces; /* instance name → interface, from ListInstances; asked again on a miss */
        GHashTable *states;     /* instance name → the state last seen, to tell what a reconnect missed */
        GHashTable *split;      /* the instances whose SplitBrain is on: only its edges are said */
        int exit_code;
        guint sub;       /* StateChanged */
        guint props_sub; /* PropertiesChanged of the instances: SplitBrain */
        gulong closed;   /* the connection's "closed" handler */
        guint retry;     /* while the bus is away: the next attempt to connect */
        guint watch;     /* after a reconnect: waiting for the daemon's name */
        gboolean reconnecting;
} CtlMonitor;

#define CTL_MONITOR_RETRY_MSEC 500
/* the reason said for a transition that happened while the bus was away */
#define CTL_MONITOR_UNSEEN "while the bus was away"

/* Which instances are in a split brain now, so that the first edge said is a real one. */
static void ctl_monitor_fill_split(CtlMonitor *m, GVariant *objects) {
        g_autoptr(GVariantIter) iter = NULL;
        GVariant *interfaces;
        const char *path;

        g_hash_table_remove_all(m->split);
        g_variant_get(objects, "(a{oa{sa{sv}}})", &iter);
        while (g_variant_iter_next(iter, "{&o@a{sa{sv}}}", &path, &interfaces)) {
                g_autoptr(GVariant) props = g_variant_lookup_value(interfaces, VRRPD_BUS_INSTANCE_INTERFACE,
                                                                  G_VARIANT_TYPE("a{sv}"));
                gboolean on = FALSE;

                if (props && g_variant_lookup(props, "SplitBrain", "b", &on) && on)
                        g_hash_table_add(m->split, g_strdup(path));
                g_variant_unref(interfaces);
        }
}

/* The interface for the notification: the instance object knows it; the cache covers a vanished one. */
static const char *ctl_monitor_interface(CtlMonitor *m, const char *path, const char *name) {
        g_autoptr(GVariant) reply = NULL;
        g_autoptr(GVariant) value = NULL;

        reply = g_dbus_connection_call_sync(m->bus.connection, m->bus.name, path,
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

/* A transition: its line, its notification, and the state remembered for a reconnect. */
static void ctl_monitor_report(CtlMonitor *m, const char *path, const char *name, const char *old_state,
                               const char *new_state, const char *reason) {
        ctl_monitor_print(m, path, name, old_state, new_state, reason);
        if (m->session)
                ctl_notify_post(m->session, name, ctl_monitor_interface(m, path, name), old_state, new_state,
                                reason);
        g_hash_table_insert(m->states, g_strdup(name), g_strdup(new_state));
}

static void ctl_monitor_on_state_changed(GDBusConnection *bus, const char *sender, const char *object_path,
                                         const char *interface, const char *signal, GVariant *params,
                                         gpointer userdata) {
        CtlMonitor *m = userdata;
        const char *path, *name, *old_state, *new_state, *reason;

        if (!g_variant_is_of_type(params, G_VARIANT_TYPE("(ossss)")))
                return;
        g_variant_get(params, "(&o&s&s&s&s)", &path, &name, &old_state, &new_state, &reason);
        ctl_monitor_report(m, path, name, old_state, new_state, reason);
}

/* What ListInstances says: each instance's interface, and after a reconnect the transitions that happened
 * while the bus was away, from the state last seen to the state now. */
static void ctl_monitor_fill(CtlMonitor *m, GVariant *list) {
        g_autoptr(GVariantIter) iter = NULL;
        const char *name, *path, *ifname, *state, *seen;

        g_variant_get(list, "(a(sossyy))", &iter);
        while (g_variant_iter_next(iter, "(&s&o&s&syy)", &name, &path, &ifname, &state, NULL, NULL)) {
                g_hash_table_insert(m->interfaces, g_strdup(name), g_strdup(ifname));
                seen = g_hash_table_lookup(m->states, name);
                if (seen && strcmp(seen, state) != 0)
                        ctl_monitor_report(m, path, name, seen, state, CTL_MONITOR_UNSEEN);
                else
                        g_hash_table_insert(m->states, g_strdup(name), g_strdup(state));
        }
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
        if (on == g_hash_table_contains(m->split, object_path))
                return; /* sent along with Peers, unchanged */
        if (on)
                g_hash_table_add(m->split, g_strdup(object_path));
        else
                g_hash_table_remove(m->split, object_path);
        props = ctl_bus_get_all(&m->bus, object_path, NULL);
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

static gboolean ctl_monitor_start(CtlMonitor *m, GError **error);
static void ctl_monitor_on_closed(GDBusConnection *bus, gboolean remote_peer_vanished, GError *error,
                                  gpointer userdata);

static void ctl_monitor_unsubscribe(CtlMonitor *m) {
        if (m->sub)
                g_dbus_connection_signal_unsubscribe(m->bus.connection, m->sub);
        if (m->props_sub)
                g_dbus_connection_signal_unsubscribe(m->bus.connection, m->props_sub);
        m->sub = m->props_sub = 0;
}

static void ctl_monitor_drop_connection(CtlMonitor *m) {
        if (!m->bus.connection)
                return;
        ctl_monitor_unsubscribe(m);
        if (m->watch)
                g_bus_unwatch_name(m->watch);
        m->watch = 0;
        if (m->closed)
                g_signal_handler_disconnect(m->bus.connection, m->closed);
        m->closed = 0;
        g_clear_object(&m->bus.connection);
}

/* Watching m->bus.connection: its end starts the attempts to connect again. */
static void ctl_monitor_watch_connection(CtlMonitor *m) {
        g_dbus_connection_set_exit_on_close(m->bus.connection, FALSE);
        m->closed = g_signal_connect(m->bus.connection, "closed", G_CALLBACK(ctl_monitor_on_closed), m);
}

/* The daemon is on the new bus: listening again, as at the start. */
static void ctl_monitor_on_name_appeared(GDBusConnection *bus, const char *name, const char *owner,
                                         gpointer userdata) {
        CtlMonitor *m = userdata;
        g_autoptr(GError) error = NULL;

        g_bus_unwatch_name(m->watch);
        m->watch = 0;
        ctl_monitor_unsubscribe(m);
        m->reconnecting = TRUE;
        if (!ctl_monitor_start(m, &error)) {
                g_printerr("vrrpctl: reconnected, but %s did not answer: %s\n", name, error->message);
                m->exit_code = EXIT_FAILURE;
                g_main_loop_quit(m->loop);
                return;
        }
        g_printerr("vrrpctl: reconnected to the system bus, monitoring %s again\n", name);
}

static gboolean ctl_monitor_on_retry(gpointer userdata) {
        CtlMonitor *m = userdata;
        g_autofree char *address = g_dbus_address_get_for_bus_sync(G_BUS_TYPE_SYSTEM, NULL, NULL);

        if (!address)
                return G_SOURCE_CONTINUE;
        m->bus.connection = g_dbus_connection_new_for_address_sync(
                address, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION, NULL, NULL, NULL);
        if (!m->bus.connection)
                return G_SOURCE_CONTINUE;
        ctl_monitor_watch_connection(m);
        m->watch = g_bus_watch_name_on_connection(m->bus.connection, m->bus.name, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                                  ctl_monitor_on_name_appeared, NULL, m, NULL);
        m->retry = 0;
        return G_SOURCE_REMOVE;
}

/* The bus went (restarted, say): try again twice a second, and go on once the daemon is back on it. */
static void ctl_monitor_on_closed(GDBusConnection *bus, gboolean remote_peer_vanished, GError *error,
                                  gpointer userdata) {
        CtlMonitor *m = userdata;

        g_printerr("vrrpctl: lost the connection to the system bus; reconnecting\n");
        ctl_monitor_drop_connection(m);
        if (!m->retry)
                m->retry = g_timeout_add(CTL_MONITOR_RETRY_MSEC, ctl_monitor_on_retry, m);
}

/* Subscribes first, then asks ListInstances: the bus handles our AddMatch before routing the call, so once
 * the daemon has answered, no transition it signals afterwards can be missed. */
static gboolean ctl_monitor_start(CtlMonitor *m, GError **error) {
        g_autoptr(GVariant) list = NULL;
        g_autoptr(GVariant) objects = NULL;

        m->sub = g_dbus_connection_signal_subscribe(
                m->bus.connection, m->bus.name, VRRPD_BUS_MANAGER_INTERFACE, "StateChanged",
                VRRPD_BUS_PATH, NULL, G_DBUS_SIGNAL_FLAGS_NONE, ctl_monitor_on_state_changed, m, NULL);
        m->props_sub = g_dbus_connection_signal_subscribe(
                m->bus.connection, m->bus.name, "org.freedesktop.DBus.Properties", "PropertiesChanged", NULL,
                VRRPD_BUS_INSTANCE_INTERFACE, G_DBUS_SIGNAL_FLAGS_NONE, ctl_monitor_on_properties, m, NULL);
        list = ctl_bus_call_manager(&m->bus, "ListInstances", NULL, "(a(sossyy))", error);
        if (!list)
                return FALSE;
        ctl_monitor_fill(m, list);
        /* Once, at the start: after a reconnect the daemon is busy announcing its objects again, and a
         * thousand of them in one answer would hold its loop back (bench/bus-restart); the set seen last
         * stands. */
        if (!m->reconnecting) {
                objects = ctl_bus_get_managed_objects(&m->bus, error);
                if (!objects)
                        return FALSE;
                ctl_monitor_fill_split(m, objects);
        }
        if (m->opts->notify && !m->session) {
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
        g_autoptr(GHashTable) states = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        g_autoptr(GHashTable) split = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        CtlMonitor m = { .opts = opts, .loop = loop, .interfaces = interfaces, .states = states, .split = split };
        guint sigint, sigterm;

        m.bus = (CtlBus){ .connection = g_object_ref(bus->connection), .name = bus->name };
        if (!ctl_monitor_start(&m, &error)) {
                ctl_monitor_drop_connection(&m);
                return ctl_bus_report(bus, error);
        }
        if (opts->legend && opts->json == CTL_JSON_OFF)
                g_printerr("Monitoring state changes of %s; press Ctrl-C to stop.\n", bus->name);
        sigint = g_unix_signal_add(SIGINT, ctl_monitor_on_signal, &m);
        sigterm = g_unix_signal_add(SIGTERM, ctl_monitor_on_signal, &m);
        ctl_monitor_watch_connection(&m);
        g_main_loop_run(loop);

        g_source_remove(sigint);
        g_source_remove(sigterm);
        if (m.retry)
                g_source_remove(m.retry);
        ctl_monitor_drop_connection(&m);
        if (m.session) {
                g_dbus_connection_flush_sync(m.session, NULL, NULL);
                g_object_unref(m.session);
        }
        return m.exit_code;
}
