#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <systemd/sd-bus.h>
#include <systemd/sd-daemon.h>

#include "bus/bus-auth.h"
#include "bus/bus-errors.h"
#include "bus/bus-instance.h"
#include "bus/bus-manager.h"
#include "bus/bus-sync-group.h"
#include "bus/bus-util.h"
#include "conf/conf-model.h"
#include "instance.h"
#include "manager-reload.h"
#include "manager.h"
#include "util/cleanup.h"
#include "util/log.h"

#define BUS_NAME "org.vrrpd.Vrrp1"

/* What the Manager object knows beyond the Manager: its times. It is the userdata of the Manager's vtable
 * and lives as long as the bus connection (freed by the slot's destroy callback). A reload replaces
 * m->config, so the LastReloadUSec getter notices one by the pointer: bus_manager_emit_reloaded() reads that
 * property right after every reload, so the time it records is the reload's. */
typedef struct BusManager {
        Manager *manager;
        usec_t started_usec;
        usec_t last_reload_usec;
        const Config *config_seen;
} BusManager;

static usec_t bus_now_realtime(void) {
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        return (usec_t) ts.tv_sec * USEC_PER_SEC + (usec_t) ts.tv_nsec / 1000;
}

static int property_get_version(sd_bus *bus, const char *path, const char *interface, const char *property,
                                sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        return sd_bus_message_append(reply, "s", VRRPD_VERSION);
}

static int property_get_config_file(sd_bus *bus, const char *path, const char *interface,
                                    const char *property, sd_bus_message *reply, void *userdata,
                                    sd_bus_error *error) {
        const BusManager *b = userdata;

        return sd_bus_message_append(reply, "s", b->manager->config_path);
}

static int property_get_router_id(sd_bus *bus, const char *path, const char *interface, const char *property,
                                  sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        const Manager *m = ((const BusManager *) userdata)->manager;

        return sd_bus_message_append(reply, "s", m->config->global.router_id ?: m->hostname ?: "");
}

static int property_get_started(sd_bus *bus, const char *path, const char *interface, const char *property,
                                sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        const BusManager *b = userdata;

        return sd_bus_message_append(reply, "t", (uint64_t) b->started_usec);
}

static int property_get_last_reload(sd_bus *bus, const char *path, const char *interface,
                                    const char *property, sd_bus_message *reply, void *userdata,
                                    sd_bus_error *error) {
        BusManager *b = userdata;

        if (b->config_seen != b->manager->config) {
                b->config_seen = b->manager->config;
                b->last_reload_usec = bus_now_realtime();
        }
        return sd_bus_message_append(reply, "t", (uint64_t) b->last_reload_usec);
}

static int method_list_instances(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        Manager *m = ((BusManager *) userdata)->manager;
        int r;

        r = sd_bus_message_new_method_return(message, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "(sossyy)");
        for (size_t k = 0; r >= 0 && k < m->n_instances; k++) {
                const Instance *i = m->instances[k];
                _cleanup_free_ char *path = NULL;

                r = bus_instance_path(i, &path);
                if (r >= 0)
                        r = sd_bus_message_append(reply, "(sossyy)", i->name, path, i->conf->interface,
                                                  vrrp_state_to_string(i->fsm.state), i->params.fsm.vrid,
                                                  vrrp_fsm_priority(&i->fsm, &i->params.fsm));
        }
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

static int method_get_instance(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Manager *m = ((BusManager *) userdata)->manager;
        _cleanup_free_ char *path = NULL;
        const char *name;
        Instance *i;
        int r;

        r = sd_bus_message_read(message, "s", &name);
        if (r < 0)
                return r;
        i = bus_instance_find(m, name);
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
        for (char **s = l; r >= 0 && s && *s; s++)
                r = sd_bus_message_append_basic(m, 's', *s);
        return r < 0 ? r : sd_bus_message_close_container(m);
}

static int bus_append_reload(sd_bus_message *m, const ManagerReload *rl) {
        int r;

        r = bus_append_strv(m, rl->added);
        if (r >= 0)
                r = bus_append_strv(m, rl->removed);
        if (r >= 0)
                r = bus_append_strv(m, rl->changed);
        return r;
}

static int method_reload(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        Manager *m = ((BusManager *) userdata)->manager;
        ManagerReload rl;
        int r;

        r = bus_auth_check_operator(m, message, error);
        if (r < 0)
                return r;
        log_info("reloading %s, as asked over the bus", m->config_path);
        (void) sd_notify(0, "RELOADING=1");
        r = manager_reload(m, &rl);
        (void) sd_notifyf(0, "READY=1\nSTATUS=%zu instance(s) running", m->n_instances);
        if (r < 0) {
                log_error("reload failed, the running configuration stays: %s", rl.error ?: "unknown error");
                if (r == -EINVAL)
                        r = sd_bus_error_setf(error, VRRPD_ERROR_INVALID_CONFIG, "%s",
                                              rl.error ?: "the configuration is invalid");
                else
                        r = sd_bus_error_set_errnof(error, r, "%s: %m", rl.error ?: "reload failed");
                manager_reload_done(&rl);
                return r;
        }
        bus_manager_emit_reloaded(m, &rl);
        r = sd_bus_message_new_method_return(message, &reply);
        if (r >= 0)
                r = bus_append_reload(reply, &rl);
        manager_reload_done(&rl);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

static const sd_bus_vtable manager_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Version", "s", property_get_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("ConfigFile", "s", property_get_config_file, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("RouterId", "s", property_get_router_id, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("StartedUSec", "t", property_get_started, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("LastReloadUSec", "t", property_get_last_reload, 0,
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
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

static void bus_manager_free(void *userdata) {
        free(userdata);
}

static int bus_manager_add_objects(Manager *m, sd_bus *bus) {
        _cleanup_(sd_bus_slot_unrefp) sd_bus_slot *slot = NULL;
        BusManager *b;
        int r;

        b = calloc(1, sizeof(*b));
        if (!b)
                return log_oom();
        *b = (BusManager){ .manager = m, .started_usec = bus_now_realtime(), .config_seen = m->config };
        r = sd_bus_add_object_vtable(bus, &slot, VRRPD_BUS_PATH, VRRPD_BUS_MANAGER_INTERFACE, manager_vtable,
                                     b);
        if (r < 0) {
                free(b);
                return log_error_errno(r, "failed to register the manager object: %m");
        }
        (void) sd_bus_slot_set_destroy_callback(slot, bus_manager_free);
        (void) sd_bus_slot_set_floating(slot, true);
        r = sd_bus_add_object_manager(bus, NULL, VRRPD_BUS_PATH);
        if (r < 0)
                return log_error_errno(r, "failed to register the object manager: %m");
        r = bus_instance_setup(m, bus);
        if (r >= 0)
                r = bus_sync_group_setup(m, bus);
        return r;
}

int bus_manager_setup(Manager *m) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        int r;

        r = sd_bus_open_system_with_description(&bus, "vrrpd");
        if (r < 0)
                return log_error_errno(r, "failed to connect to the system bus: %m");
        r = bus_manager_add_objects(m, bus);
        if (r >= 0) {
                r = sd_bus_request_name(bus, BUS_NAME, 0);
                if (r < 0)
                        log_error_errno(r, "failed to take the bus name " BUS_NAME ": %m");
        }
        if (r >= 0) {
                r = sd_bus_attach_event(bus, m->event, SD_EVENT_PRIORITY_NORMAL);
                if (r < 0)
                        log_error_errno(r, "failed to attach the bus to the event loop: %m");
        }
        if (r < 0)
                return r;
        m->bus = TAKE_PTR(bus);
        return 0;
}

void bus_emit_instance_changed(Manager *m, Instance *i, const VrrpActions *a) {
        _cleanup_free_ char *path = NULL;
        int r;

        if (!m->bus)
                return;
        if (a->state_changed) {
                r = bus_instance_path(i, &path);
                if (r >= 0)
                        r = sd_bus_emit_signal(
                                m->bus, VRRPD_BUS_PATH, VRRPD_BUS_MANAGER_INTERFACE, "StateChanged", "ossss",
                                path, i->name, vrrp_state_to_string(a->old_state),
                                vrrp_state_to_string(a->new_state), vrrp_reason_to_string(a->reason));
                if (r < 0)
                        log_debug_errno(r, "%s: failed to emit StateChanged, ignoring: %m", i->name);
                bus_sync_group_member_changed(m, i);
        }
        bus_instance_emit_changed(i, a);
}

/* The objects under prefix (instances or sync groups) that came or went with a reload. */
static void bus_manager_emit_objects(Manager *m, const char *prefix, const char *interface, char **names,
                                     bool added) {
        for (char **n = names; n && *n; n++) {
                _cleanup_free_ char *path = NULL;
                int r;

                r = sd_bus_path_encode(prefix, *n, &path);
                if (r >= 0)
                        r = added ? sd_bus_emit_interfaces_added(m->bus, path, interface, NULL)
                                  : sd_bus_emit_interfaces_removed(m->bus, path, interface, NULL);
                if (r < 0)
                        log_debug_errno(r, "%s '%s': failed to emit Interfaces%s, ignoring: %m", interface,
                                        *n, added ? "Added" : "Removed");
        }
}

/* One object's change-emitting properties as they were before a reload (bus_util_shown()), by name: the
 * name is its object path, so an object renamed by the reload is not the same object. */
typedef struct BusShownObject {
        char *name;
        char **values;
} BusShownObject;

struct BusShown {
        BusShownObject *instances;
        size_t n_instances;
        BusShownObject *syncs;
        size_t n_syncs;
};

BusShown *bus_manager_shown_free(BusShown *s) {
        if (!s)
                return NULL;
        for (size_t k = 0; k < s->n_instances; k++) {
                free(s->instances[k].name);
                bus_util_strv_free(s->instances[k].values);
        }
        for (size_t k = 0; k < s->n_syncs; k++) {
                free(s->syncs[k].name);
                bus_util_strv_free(s->syncs[k].values);
        }
        free(s->instances);
        free(s->syncs);
        free(s);
        return NULL;
}

BusShown *bus_manager_shown(Manager *m) {
        BusShown *s;
        int r = 0;

        if (!m->bus)
                return NULL;
        s = calloc(1, sizeof(*s));
        if (s) {
                s->instances = calloc(m->n_instances ? m->n_instances : 1, sizeof(BusShownObject));
                s->syncs = calloc(m->n_syncs ? m->n_syncs : 1, sizeof(BusShownObject));
        }
        if (!s || !s->instances || !s->syncs)
                r = -ENOMEM;
        for (size_t k = 0; r >= 0 && k < m->n_instances; k++) {
                BusShownObject *o = &s->instances[s->n_instances++];

                o->name = strdup(m->instances[k]->name);
                r = o->name ? bus_instance_shown(m->instances[k], &o->values) : -ENOMEM;
        }
        for (size_t k = 0; r >= 0 && k < m->n_syncs; k++) {
                BusShownObject *o = &s->syncs[s->n_syncs++];

                o->name = strdup(m->syncs[k].name);
                r = o->name ? bus_sync_group_shown(m, &m->syncs[k], &o->values) : -ENOMEM;
        }
        if (r < 0) {
                log_warning_errno(
                        r, "failed to read what the bus shows before the reload; the reload's changes "
                           "to kept objects will not be announced: %m");
                return bus_manager_shown_free(s);
        }
        return s;
}

/* PropertiesChanged for what the reload changed in the objects it kept: instances first, then the groups
 * that follow them. A step during the reload may have announced some of it already. */
static void bus_manager_emit_shown_changes(Manager *m, const BusShown *s) {
        for (size_t k = 0; s && k < s->n_instances; k++) {
                Instance *i = bus_instance_find(m, s->instances[k].name);

                if (i)
                        bus_instance_emit_shown_changes(i, s->instances[k].values);
        }
        for (size_t k = 0; s && k < s->n_syncs; k++)
                bus_sync_group_emit_shown_changes(m, s->syncs[k].name, s->syncs[k].values);
}

void bus_manager_emit_reloaded(Manager *m, const ManagerReload *rl) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *signal = NULL;
        int r;

        if (!m->bus)
                return;
        /* a group goes before its members and comes after them: it never names an object not there */
        bus_manager_emit_objects(m, VRRPD_BUS_SYNC_GROUP_PREFIX, VRRPD_BUS_SYNC_GROUP_INTERFACE,
                                 rl->syncs_removed, false);
        bus_manager_emit_objects(m, VRRPD_BUS_INSTANCE_PREFIX, VRRPD_BUS_INSTANCE_INTERFACE, rl->removed,
                                 false);
        bus_manager_emit_objects(m, VRRPD_BUS_INSTANCE_PREFIX, VRRPD_BUS_INSTANCE_INTERFACE, rl->added,
                                 true);
        bus_manager_emit_objects(m, VRRPD_BUS_SYNC_GROUP_PREFIX, VRRPD_BUS_SYNC_GROUP_INTERFACE,
                                 rl->syncs_added, true);
        bus_manager_emit_shown_changes(m, rl->shown);
        /* LastReloadUSec first: its getter records the time of this reload (see BusManager) */
        r = sd_bus_emit_properties_changed(m->bus, VRRPD_BUS_PATH, VRRPD_BUS_MANAGER_INTERFACE,
                                           "LastReloadUSec", "RouterId", NULL);
        if (r >= 0)
                r = sd_bus_message_new_signal(m->bus, &signal, VRRPD_BUS_PATH, VRRPD_BUS_MANAGER_INTERFACE,
                                              "Reloaded");
        if (r >= 0)
                r = bus_append_reload(signal, rl);
        if (r >= 0)
                r = sd_bus_send(m->bus, signal, NULL);
        if (r < 0)
                log_debug_errno(r, "failed to announce the reload on the bus, ignoring: %m");
}
