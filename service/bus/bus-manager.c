#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-bus.h>

#include "bus/bus-auth.h"
#include "bus/bus-demotion.h"
#include "bus/bus-errors.h"
#include "bus/bus-instance.h"
#include "bus/bus-manager.h"
#include "bus/bus-peers.h"
#include "bus/bus-route.h"
#include "bus/bus-shown.h"
#include "bus/bus-sync-group.h"
#include "bus/bus-util.h"
#include "bus/bus.h"
#include "conf/conf-model.h"
#include "instance.h"
#include "manager.h"
#include "reload.h"
#include "route/static-set.h"
#include "sync-group.h"
#include "script/script-check.h"
#include "track/track-process.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/strv.h"

/* org.vrrpd.Vrrp1.Manager (DESIGN §3); the vtable's userdata is the Bus. */

static int property_get_version(sd_bus *bus, const char *path, const char *interface, const char *property,
                                sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        return sd_bus_message_append(reply, "s", VRRPD_VERSION);
}

static int property_get_config_file(sd_bus *bus, const char *path, const char *interface,
                                    const char *property, sd_bus_message *reply, void *userdata,
                                    sd_bus_error *error) {
        const Bus *b = userdata;

        return sd_bus_message_append(reply, "s", b->manager->config_path);
}

static int property_get_router_id(sd_bus *bus, const char *path, const char *interface, const char *property,
                                  sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        const Manager *m = ((const Bus *) userdata)->manager;

        return sd_bus_message_append(reply, "s", m->config->global.router_id ?: m->hostname ?: "");
}

/* net_namespace, which a reload cannot change */
static int property_get_network_namespace(sd_bus *bus, const char *path, const char *interface,
                                          const char *property, sd_bus_message *reply, void *userdata,
                                          sd_bus_error *error) {
        const Manager *m = ((const Bus *) userdata)->manager;

        return sd_bus_message_append(reply, "s", m->config->global.net_namespace ?: "");
}

static int bus_append_instance(sd_bus_message *reply, const Instance *i) {
        _cleanup_free_ char *path = NULL;
        int r;

        r = bus_instance_path(i, &path);
        if (r < 0)
                return r;
        return sd_bus_message_append(reply, "(sossyy)", i->name, path, i->conf->interface ?: "",
                                     vrrp_state_to_string(i->fsm.state), i->params.fsm.vrid,
                                     vrrp_fsm_priority(&i->fsm, &i->params.fsm));
}

static int method_list_instances(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        Manager *m = ((Bus *) userdata)->manager;
        int r;

        r = sd_bus_message_new_method_return(message, &reply);
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(reply, 'a', "(sossyy)");
        if (r < 0)
                return r;
        for (size_t k = 0; k < m->n_instances; k++) {
                r = bus_append_instance(reply, m->instances[k]);
                if (r < 0)
                        return r;
        }
        r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

static int method_get_instance(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Manager *m = ((Bus *) userdata)->manager;
        _cleanup_free_ char *path = NULL;
        const char *name;
        Instance *i;
        int r;

        r = sd_bus_message_read(message, "s", &name);
        if (r < 0)
                return r;
        i = manager_find_instance(m, name);
        if (!i)
                return sd_bus_error_setf(error, VRRPD_ERROR_NO_SUCH_INSTANCE, "no instance named '%s'",
                                         name);
        r = bus_instance_path(i, &path);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(message, "o", path);
}

static int bus_append_strv(sd_bus_message *m, char **l) {
        int r;

        r = sd_bus_message_open_container(m, 'a', "s");
        if (r < 0)
                return r;
        for (char **s = l; s && *s; s++) {
                r = sd_bus_message_append_basic(m, 's', *s);
                if (r < 0)
                        return r;
        }
        return sd_bus_message_close_container(m);
}

/* (as added, as removed, as changed), as Reload() answers and Reloaded says */
static int bus_append_reload(sd_bus_message *m, char **added, char **removed, char **changed) {
        int r;

        r = bus_append_strv(m, added);
        if (r < 0)
                return r;
        r = bus_append_strv(m, removed);
        if (r < 0)
                return r;
        return bus_append_strv(m, changed);
}

static int method_reload(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(reload_result_done) ReloadResult rl = {};
        Manager *m = ((Bus *) userdata)->manager;
        int r;

        r = bus_auth_check_operator(m, message, error);
        if (r < 0)
                return r;
        r = manager_reload(m, "as asked over the bus", &rl); /* reload_end has said it on the bus */
        if (r == -EINVAL)
                return sd_bus_error_setf(error, VRRPD_ERROR_INVALID_CONFIG, "%s",
                                         rl.error ?: "the configuration is invalid");
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "%s: %m", rl.error ?: "reload failed");
        r = sd_bus_message_new_method_return(message, &reply);
        if (r < 0)
                return r;
        r = bus_append_reload(reply, rl.added, rl.removed, rl.changed);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

BUS_GETTER(property_get_static_routes) {
        const StaticSet *s = ((Bus *) userdata)->manager->statics;

        return s ? bus_append_routes(reply, &s->routes) : sd_bus_message_append(reply, "a(sb)", 0);
}

BUS_GETTER(property_get_static_rules) {
        const StaticSet *s = ((Bus *) userdata)->manager->statics;

        return s ? bus_append_rules(reply, &s->routes) : sd_bus_message_append(reply, "a(sb)", 0);
}

/* vrrp_track_process: how processes are watched ("connector", "fallback", or "" while none is tracked) */
BUS_GETTER(property_get_process_events) {
        const ProcWatch *w = ((Bus *) userdata)->manager->tracking.processes;

        return sd_bus_message_append(reply, "s",
                                     proc_watch_mode_to_string(w ? proc_watch_get_mode(w) : PROC_WATCH_OFF));
}

/* SMTP alerts: server (HOST:PORT, "" when none can be mailed), sent, failed, dropped, queued, last error */
BUS_GETTER(property_get_smtp_alerts) {
        const Manager *m = ((Bus *) userdata)->manager;
        const ConfMail *c = m->config ? &m->config->global.mail : NULL;
        const MailStats *st = &m->mail;
        _cleanup_free_ char *server = NULL;
        bool v6 = c && c->server && strchr(c->server, ':');

        if (c && c->server && c->to &&
            asprintf(&server, "%s%s%s:%u", v6 ? "[" : "", c->server, v6 ? "]" : "", c->port) < 0)
                return -ENOMEM;
        return sd_bus_message_append(reply, "(stttus)", server ?: "", st->sent, st->failed, st->dropped,
                                     (uint32_t) st->queued, mail_error_to_string(st->last_error));
}

/* Each vrrp_track_process in use: name, state, how many match now, quorum, quorum_max */
BUS_GETTER(property_get_tracked_processes) {
        const ProcWatch *w = ((Bus *) userdata)->manager->tracking.processes;
        TrackProcess *const *t = NULL;
        size_t n = w ? proc_watch_get_tracks(w, &t) : 0;
        int r;

        r = sd_bus_message_open_container(reply, 'a', "(ssuuu)");
        if (r < 0)
                return r;
        for (size_t k = 0; k < n; k++) {
                const ConfTrackProcess *c = track_process_get_conf(t[k]);

                r = sd_bus_message_append(reply, "(ssuuu)", c->name,
                                          vrrp_track_state_to_string(track_process_get_state(t[k])),
                                          (uint32_t) track_process_get_count(t[k]), c->quorum, c->quorum_max);
                if (r < 0)
                        return r;
        }
        return sd_bus_message_close_container(reply);
}

static int property_get_disabled_scripts(sd_bus *bus, const char *path, const char *interface,
                                         const char *property, sd_bus_message *reply, void *userdata,
                                         sd_bus_error *error) {
        Bus *b = userdata;
        int r;

        r = sd_bus_message_open_container(reply, 'a', "(ss)");
        if (r < 0)
                return r;
        for (char **s = b->disabled_scripts; s && s[0] && s[1]; s += 2) {
                r = sd_bus_message_append(reply, "(ss)", s[0], s[1]);
                if (r < 0)
                        return r;
        }
        return sd_bus_message_close_container(reply);
}

typedef struct DisabledList {
        char **items;
        size_t n;
        int error;
} DisabledList;

static void bus_manager_on_disabled(const char *what, const char *problem, const ConfLoc *loc,
                                    void *userdata) {
        DisabledList *l = userdata;

        if (l->error >= 0 &&
            (strv_push(&l->items, &l->n, what) < 0 || strv_push(&l->items, &l->n, problem) < 0))
                l->error = -ENOMEM;
}

static bool bus_manager_strv_equal(char **a, char **b) {
        for (; a && b && *a && *b; a++, b++)
                if (strcmp(*a, *b) != 0)
                        return false;
        return (!a || !*a) && (!b || !*b);
}

/* The scripts (and notify FIFOs) a start or reload of c leaves out, checked as it just did (quietly: the
 * daemon has logged them), emitting PropertiesChanged when the list changed. */
void bus_manager_check_scripts(Bus *b, const Config *c) {
        DisabledList l = {};
        int r;

        assert(b);
        assert(c);

        (void) script_check_config(c, true, bus_manager_on_disabled, &l);
        if (l.error < 0) {
                strv_free(l.items);
                return (void) log_oom();
        }
        if (bus_manager_strv_equal(l.items, b->disabled_scripts))
                return (void) strv_free(l.items);
        strv_free(b->disabled_scripts);
        b->disabled_scripts = l.items;
        if (!b->bus)
                return;
        r = sd_bus_emit_properties_changed(b->bus, VRRPD_BUS_PATH, VRRPD_BUS_MANAGER_INTERFACE,
                                           "DisabledScripts", NULL);
        if (r < 0)
                log_debug_errno(r, "failed to emit DisabledScripts, ignoring: %m");
}

static const sd_bus_vtable manager_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Version", "s", property_get_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("ConfigFile", "s", property_get_config_file, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("RouterId", "s", property_get_router_id, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("NetworkNamespace", "s", property_get_network_namespace, 0,
                        SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("StartedUSec", "t", NULL, offsetof(Bus, started_usec), SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("LastReloadUSec", "t", NULL, offsetof(Bus, last_reload_usec),
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("StaticRoutes", "a(sb)", property_get_static_routes, 0, 0),
        SD_BUS_PROPERTY("StaticRules", "a(sb)", property_get_static_rules, 0, 0),
        SD_BUS_PROPERTY("ProcessEvents", "s", property_get_process_events, 0, 0),
        SD_BUS_PROPERTY("TrackedProcesses", "a(ssuuu)", property_get_tracked_processes, 0, 0),
        SD_BUS_PROPERTY("SmtpAlerts", "(stttus)", property_get_smtp_alerts, 0, 0),
        SD_BUS_PROPERTY("ForeignRouters", "a(ssyst)", bus_peers_get_foreign, 0, 0),
        SD_BUS_PROPERTY("SocketCounters", "a(sstt)", bus_peers_get_sockets, 0, 0),
        SD_BUS_PROPERTY("DisabledScripts", "a(ss)", property_get_disabled_scripts, 0,
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Demotions", "a(ssy)", bus_demotion_property_get, 0,
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_METHOD_WITH_ARGS("SetDemotion", SD_BUS_ARGS("s", tag, "s", target, "y", amount),
                                SD_BUS_NO_RESULT, bus_demotion_method_set, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ClearDemotion", SD_BUS_ARGS("s", tag), SD_BUS_NO_RESULT,
                                bus_demotion_method_clear, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ListInstances", SD_BUS_NO_ARGS, SD_BUS_RESULT("a(sossyy)", instances),
                                method_list_instances, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GetInstance", SD_BUS_ARGS("s", name), SD_BUS_RESULT("o", instance),
                                method_get_instance, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Reload", SD_BUS_NO_ARGS,
                                SD_BUS_RESULT("as", added, "as", removed, "as", changed), method_reload,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_SIGNAL_WITH_ARGS(
                "StateChanged",
                SD_BUS_ARGS("o", instance, "s", name, "s", old_state, "s", new_state, "s", reason), 0),
        SD_BUS_SIGNAL_WITH_ARGS("Reloaded", SD_BUS_ARGS("as", added, "as", removed, "as", changed), 0),
        SD_BUS_VTABLE_END,
};

int bus_manager_add_objects(Bus *b) {
        int r;

        assert(b);

        r = sd_bus_add_object_vtable(b->bus, NULL, VRRPD_BUS_PATH, VRRPD_BUS_MANAGER_INTERFACE, manager_vtable,
                                     b);
        if (r < 0)
                return log_error_errno(r, "failed to register the manager object: %m");
        r = sd_bus_add_object_manager(b->bus, NULL, VRRPD_BUS_PATH);
        if (r < 0)
                return log_error_errno(r, "failed to register the object manager: %m");
        r = bus_instance_add_objects(b);
        if (r < 0)
                return r;
        return bus_sync_group_add_objects(b);
}

static int bus_manager_emit_object(Bus *b, const char *prefix, const char *interface, const char *name,
                                   bool added) {
        _cleanup_free_ char *path = NULL;
        int r;

        r = sd_bus_path_encode(prefix, name, &path);
        if (r < 0)
                return r;
        return added ? sd_bus_emit_interfaces_added(b->bus, path, interface, NULL)
                     : sd_bus_emit_interfaces_removed(b->bus, path, interface, NULL);
}

/* The objects under prefix (instances or sync groups) that came or went with a reload. */
static void bus_manager_emit_objects(Bus *b, const char *prefix, const char *interface, char **names,
                                     bool added) {
        for (char **n = names; n && *n; n++) {
                int r = bus_manager_emit_object(b, prefix, interface, *n, added);

                if (r < 0)
                        log_debug_errno(r, "%s '%s': failed to emit Interfaces%s, ignoring: %m", interface,
                                        *n, added ? "Added" : "Removed");
        }
}

static int bus_manager_emit_reload_signal(Bus *b, const ReloadDiff *diff) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *signal = NULL;
        int r;

        r = sd_bus_emit_properties_changed(b->bus, VRRPD_BUS_PATH, VRRPD_BUS_MANAGER_INTERFACE,
                                           "LastReloadUSec", "RouterId", NULL);
        if (r < 0)
                return r;
        r = sd_bus_message_new_signal(b->bus, &signal, VRRPD_BUS_PATH, VRRPD_BUS_MANAGER_INTERFACE,
                                      "Reloaded");
        if (r < 0)
                return r;
        r = bus_append_reload(signal, diff->added, diff->removed, diff->changed);
        if (r < 0)
                return r;
        return sd_bus_send(b->bus, signal, NULL);
}

size_t bus_manager_emit_added(Bus *b, size_t from, size_t max) {
        const Manager *m;
        size_t k, end;

        assert(b);

        m = b->manager;
        end = from + max < m->n_instances + m->n_groups ? from + max : m->n_instances + m->n_groups;
        for (k = from; k < end; k++) {
                int r = k < m->n_instances
                                ? bus_manager_emit_object(b, VRRPD_BUS_INSTANCE_PREFIX, VRRPD_BUS_INSTANCE_INTERFACE,
                                                          m->instances[k]->name, true)
                                : bus_manager_emit_object(b, VRRPD_BUS_SYNC_GROUP_PREFIX,
                                                          VRRPD_BUS_SYNC_GROUP_INTERFACE,
                                                          m->groups[k - m->n_instances]->name, true);
                if (r < 0)
                        log_debug_errno(r, "failed to emit InterfacesAdded, ignoring: %m");
        }
        return end > from ? end - from : 0;
}

void bus_manager_emit_reloaded(Bus *b, const ReloadDiff *diff) {
        int r;

        assert(b);
        assert(diff);

        /* a group goes before its members and comes after them: it never names an object not there */
        bus_manager_emit_objects(b, VRRPD_BUS_SYNC_GROUP_PREFIX, VRRPD_BUS_SYNC_GROUP_INTERFACE,
                                 diff->groups_removed, false);
        bus_manager_emit_objects(b, VRRPD_BUS_INSTANCE_PREFIX, VRRPD_BUS_INSTANCE_INTERFACE, diff->removed,
                                 false);
        bus_manager_emit_objects(b, VRRPD_BUS_INSTANCE_PREFIX, VRRPD_BUS_INSTANCE_INTERFACE, diff->added,
                                 true);
        bus_manager_emit_objects(b, VRRPD_BUS_SYNC_GROUP_PREFIX, VRRPD_BUS_SYNC_GROUP_INTERFACE,
                                 diff->groups_added, true);
        bus_shown_emit_changes(b, b->shown);
        r = bus_manager_emit_reload_signal(b, diff);
        if (r < 0)
                log_debug_errno(r, "failed to announce the reload on the bus, ignoring: %m");
}
