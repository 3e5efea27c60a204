#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "bus/bus-errors.h"
#include "bus/bus-instance.h"
#include "bus/bus-sync-group.h"
#include "bus/bus-util.h"
#include "bus/bus.h"
#include "conf/conf-model.h"
#include "instance.h"
#include "manager.h"
#include "sync-group.h"
#include "util/cleanup.h"
#include "util/log.h"

/* The groups are rebuilt on every reload, so objects are found by name each time, never kept. */
static void *bus_sync_group_lookup(void *userdata, const char *name) {
        return manager_find_sync_group(((Bus *) userdata)->manager, name);
}

static const char *bus_sync_group_name_at(void *userdata, size_t k) {
        return ((Bus *) userdata)->manager->groups[k]->name;
}

static int bus_sync_group_object_find(sd_bus *bus, const char *path, const char *interface, void *userdata,
                                      void **ret_found, sd_bus_error *error) {
        return bus_util_find(path, VRRPD_BUS_SYNC_GROUP_PREFIX, bus_sync_group_lookup, userdata, ret_found);
}

static int bus_sync_group_node_enumerator(sd_bus *bus, const char *path, void *userdata, char ***ret_nodes,
                                          sd_bus_error *error) {
        Bus *b = userdata;

        return bus_util_node_paths(VRRPD_BUS_SYNC_GROUP_PREFIX, b->manager->n_groups, bus_sync_group_name_at, b,
                                   ret_nodes);
}

static int property_get_name(sd_bus *bus, const char *path, const char *interface, const char *property,
                             sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        const SyncGroup *s = userdata;

        return sd_bus_message_append(reply, "s", s->name);
}

/* A group without a running member has no state of its own: it shows its members' fault. */
static int property_get_state(sd_bus *bus, const char *path, const char *interface, const char *property,
                              sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        const SyncGroup *s = userdata;
        VrrpState state = sync_group_state(s);

        return sd_bus_message_append(reply, "s", vrrp_state_to_string(state));
}

static int property_get_members(sd_bus *bus, const char *path, const char *interface, const char *property,
                                sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        const SyncGroup *s = userdata;
        int r;

        r = sd_bus_message_open_container(reply, 'a', "o");
        if (r < 0)
                return r;
        for (size_t k = 0; k < s->n_members; k++) {
                _cleanup_free_ char *p = NULL;

                r = bus_instance_path(s->members[k], &p);
                if (r < 0)
                        return r;
                r = sd_bus_message_append(reply, "o", p);
                if (r < 0)
                        return r;
        }
        return sd_bus_message_close_container(reply);
}

static const sd_bus_vtable sync_group_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Name", "s", property_get_name, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("State", "s", property_get_state, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Members", "ao", property_get_members, 0, 0),
        SD_BUS_VTABLE_END,
};

int bus_sync_group_add_objects(Bus *b) {
        int r;

        assert(b);

        r = sd_bus_add_fallback_vtable(b->bus, NULL, VRRPD_BUS_SYNC_GROUP_PREFIX,
                                       VRRPD_BUS_SYNC_GROUP_INTERFACE, sync_group_vtable,
                                       bus_sync_group_object_find, b);
        if (r < 0)
                return log_error_errno(r, "failed to register the sync group objects: %m");
        r = sd_bus_add_node_enumerator(b->bus, NULL, VRRPD_BUS_SYNC_GROUP_PREFIX,
                                       bus_sync_group_node_enumerator, b);
        if (r < 0)
                return log_error_errno(r, "failed to register the sync group enumerator: %m");
        return 0;
}

typedef struct BusSyncEmit {
        Bus *bus;
        char *name;
} BusSyncEmit;

static void bus_sync_emit_free(void *userdata) {
        BusSyncEmit *e = userdata;

        free(e->name);
        free(e);
}

static int bus_sync_group_emit_state(Bus *b, const char *name) {
        _cleanup_free_ char *path = NULL;
        int r;

        r = sd_bus_path_encode(VRRPD_BUS_SYNC_GROUP_PREFIX, name, &path);
        if (r < 0)
                return r;
        return sd_bus_emit_properties_changed(b->bus, path, VRRPD_BUS_SYNC_GROUP_INTERFACE, "State", NULL);
}

static int bus_sync_group_on_defer(sd_event_source *source, void *userdata) {
        BusSyncEmit *e = userdata;
        int r;

        if (manager_find_sync_group(e->bus->manager, e->name)) {
                r = bus_sync_group_emit_state(e->bus, e->name);
                if (r < 0)
                        log_debug_errno(r, "sync group '%s': failed to emit PropertiesChanged, ignoring: %m",
                                        e->name);
        }
        /* Done: un-floating drops the loop's reference, the last one; source and e go after dispatch */
        (void) sd_event_source_set_floating(source, false);
        return 0;
}

/* A member's change reaches the bus before the group has followed it, so the group's State goes out from the
 * loop's next iteration, after the forced members' own signals. */
void bus_sync_group_member_changed(Bus *b, const Instance *member) {
        _cleanup_(sd_event_source_unrefp) sd_event_source *source = NULL;
        BusSyncEmit *e;
        int r;

        assert(b);
        assert(member);

        if (!member->conf->sync_group)
                return;
        e = calloc(1, sizeof(*e));
        if (!e || !(e->name = strdup(member->conf->sync_group))) {
                free(e);
                log_oom();
                return;
        }
        e->bus = b;
        r = sd_event_add_defer(b->manager->event, &source, bus_sync_group_on_defer, e);
        if (r < 0) {
                bus_sync_emit_free(e);
                log_debug_errno(r, "sync group '%s': cannot schedule its State signal, ignoring: %m",
                                member->conf->sync_group);
                return;
        }
        (void) sd_event_source_set_destroy_callback(source, bus_sync_emit_free);
        (void) sd_event_source_set_enabled(source, SD_EVENT_ONESHOT);
        (void) sd_event_source_set_floating(source, true);
}

int bus_sync_group_shown(Bus *b, SyncGroup *s, char ***ret) {
        _cleanup_free_ char *path = NULL;
        int r;

        assert(b);
        assert(s);
        assert(ret);

        r = sd_bus_path_encode(VRRPD_BUS_SYNC_GROUP_PREFIX, s->name, &path);
        if (r < 0)
                return r;
        return bus_util_shown(b->bus, path, VRRPD_BUS_SYNC_GROUP_INTERFACE, sync_group_vtable, s, ret);
}

void bus_sync_group_emit_shown_changes(Bus *b, const char *name, char *const *before) {
        _cleanup_free_ char *path = NULL;
        SyncGroup *s;
        int r;

        assert(b);
        assert(name);
        assert(before);
        s = manager_find_sync_group(b->manager, name);
        if (!s)
                return;
        r = sd_bus_path_encode(VRRPD_BUS_SYNC_GROUP_PREFIX, name, &path);
        if (r < 0)
                return (void) log_debug_errno(r, "sync group '%s': failed to make its object path: %m", name);
        r = bus_util_emit_shown_changes(b->bus, path, VRRPD_BUS_SYNC_GROUP_INTERFACE, sync_group_vtable, s,
                                        before);
        if (r < 0)
                log_debug_errno(r, "sync group '%s': failed to emit PropertiesChanged, ignoring: %m", name);
}
