#include <assert.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <systemd/sd-bus.h>

#include "bus/bus-auth.h"
#include "bus/bus-errors.h"
#include "bus/bus-instance.h"
#include "bus/bus-maintenance.h"
#include "bus/bus-peers.h"
#include "bus/bus-route.h"
#include "bus/bus-util.h"
#include "bus/bus.h"
#include "conf/conf-model.h"
#include "instance.h"
#include "manager.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "vmac/vmac.h"

/* org.vrrpd.Vrrp1.Instance (DESIGN §3): one fallback vtable under /org/vrrpd/Vrrp1/instance, objects found
 * by name (escaped with sd_bus_path_encode), as networkd serves its links. */

int bus_instance_path(const Instance *i, char **ret) {
        assert(i);
        assert(ret);

        return sd_bus_path_encode(VRRPD_BUS_INSTANCE_PREFIX, i->name, ret);
}

static void *bus_instance_lookup(void *userdata, const char *name) {
        return manager_find_instance(((Bus *) userdata)->manager, name);
}

static const char *bus_instance_name_at(void *userdata, size_t k) {
        return ((Bus *) userdata)->manager->instances[k]->name;
}

static int bus_instance_object_find(sd_bus *bus, const char *path, const char *interface, void *userdata,
                                    void **ret_found, sd_bus_error *error) {
        return bus_util_find(path, VRRPD_BUS_INSTANCE_PREFIX, bus_instance_lookup, userdata, ret_found);
}

static int bus_instance_node_enumerator(sd_bus *bus, const char *path, void *userdata, char ***ret_nodes,
                                        sd_bus_error *error) {
        Bus *b = userdata;

        return bus_util_node_paths(VRRPD_BUS_INSTANCE_PREFIX, b->manager->n_instances, bus_instance_name_at, b,
                                   ret_nodes);
}

static int bus_append_addr(sd_bus_message *reply, int family, const VrrpAddr *a, int prefixlen) {
        char buf[INET6_ADDRSTRLEN + 5];

        if (!inet_ntop(family, a, buf, INET6_ADDRSTRLEN))
                return -errno;
        if (prefixlen >= 0)
                snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "/%d", prefixlen);
        return sd_bus_message_append_basic(reply, 's', buf);
}

BUS_GETTER(property_get_state) {
        const Instance *i = userdata;

        return sd_bus_message_append(reply, "s", vrrp_state_to_string(i->fsm.state));
}

BUS_GETTER(property_get_effective_priority) {
        const Instance *i = userdata;

        return sd_bus_message_append(reply, "y", vrrp_fsm_priority(&i->fsm, &i->params.fsm));
}

BUS_GETTER(property_get_master_address) {
        const Instance *i = userdata;

        if (!i->fsm.master_known)
                return sd_bus_message_append(reply, "s", "");
        return bus_append_addr(reply, i->params.fsm.family, &i->fsm.master, -1);
}

BUS_GETTER(property_get_maintenance) {
        const Instance *i = userdata;

        return sd_bus_message_append(reply, "b", (int) i->fsm.maintenance);
}

BUS_GETTER(property_get_last_transition_usec) {
        const Instance *i = userdata;

        return sd_bus_message_append(reply, "t", (uint64_t) i->last_transition_realtime);
}

BUS_GETTER(property_get_last_transition_reason) {
        const Instance *i = userdata;

        return sd_bus_message_append(
                reply, "s", i->last_reason == VRRP_REASON_NONE ? "" : vrrp_reason_to_string(i->last_reason));
}

BUS_GETTER(property_get_tracks) {
        const Instance *i = userdata;
        int r;

        r = sd_bus_message_open_container(reply, 'a', "(ssbi)");
        if (r < 0)
                return r;
        for (size_t k = 0; k < i->n_tracks; k++) {
                r = sd_bus_message_append(reply, "(ssbi)", track_kind_to_string(i->tracks[k].kind) ?: "",
                                          i->tracks[k].name, (int) (i->vtracks[k].state == VRRP_TRACK_UP),
                                          (int32_t) i->vtracks[k].weight);
                if (r < 0)
                        return r;
        }
        return sd_bus_message_close_container(reply);
}

BUS_GETTER(property_get_faults) {
        const Instance *i = userdata;
        int r;

        r = sd_bus_message_open_container(reply, 'a', "s");
        if (r < 0)
                return r;
        for (unsigned f = 0; f < _INSTANCE_FAULT_MAX; f++) {
                if (!(i->faults & (1u << f)))
                        continue;
                r = sd_bus_message_append(reply, "s", instance_fault_to_string(f));
                if (r < 0)
                        return r;
        }
        return sd_bus_message_close_container(reply);
}

BUS_GETTER(property_get_virtual_routes) {
        return bus_append_routes(reply, &((const Instance *) userdata)->routes);
}

BUS_GETTER(property_get_virtual_rules) {
        return bus_append_rules(reply, &((const Instance *) userdata)->routes);
}

BUS_GETTER(property_get_name) {
        const Instance *i = userdata;

        return sd_bus_message_append(reply, "s", i->name);
}

BUS_GETTER(property_get_interface) {
        const Instance *i = userdata;

        return sd_bus_message_append(reply, "s", i->conf->interface ?: ""); /* "": none, unicast anywhere */
}

BUS_GETTER(property_get_vmac_interface) {
        const Instance *i = userdata;

        return sd_bus_message_append(reply, "s", i->vmac ? i->vmac->name : "");
}

BUS_GETTER(property_get_vmac) {
        const Instance *i = userdata;
        char mac[18] = "";

        if (i->vmac && !i->vmac->ipvlan)
                snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", i->vmac->mac[0], i->vmac->mac[1],
                         i->vmac->mac[2], i->vmac->mac[3], i->vmac->mac[4], i->vmac->mac[5]);
        return sd_bus_message_append(reply, "s", mac);
}

BUS_GETTER(property_get_family) {
        const Instance *i = userdata;

        return sd_bus_message_append(reply, "s", i->params.fsm.family == AF_INET6 ? "ipv6" : "ipv4");
}

BUS_GETTER(property_get_preempt) {
        const Instance *i = userdata;

        return sd_bus_message_append(reply, "b", (int) i->params.fsm.preempt);
}

BUS_GETTER(property_get_accept) {
        const Instance *i = userdata;

        return sd_bus_message_append(reply, "b", (int) i->params.fsm.accept);
}

BUS_GETTER(property_get_vips) {
        const Instance *i = userdata;
        int r;

        r = sd_bus_message_open_container(reply, 'a', "s");
        if (r < 0)
                return r;
        for (size_t k = 0; k < i->params.n_vips; k++) {
                r = bus_append_addr(reply, i->params.vips[k].family, &i->params.vips[k].addr,
                                    i->params.vips[k].prefixlen);
                if (r < 0)
                        return r;
        }
        return sd_bus_message_close_container(reply);
}

BUS_GETTER(property_get_unicast_peers) {
        const Instance *i = userdata;
        int r;

        r = sd_bus_message_open_container(reply, 'a', "s");
        if (r < 0)
                return r;
        for (size_t k = 0; k < i->conf->n_unicast_peers; k++) {
                r = bus_append_addr(reply, i->conf->unicast_peers[k].family, &i->conf->unicast_peers[k].addr,
                                    -1);
                if (r < 0)
                        return r;
        }
        return sd_bus_message_close_container(reply);
}

BUS_GETTER(property_get_sync_group) {
        const Instance *i = userdata;

        return sd_bus_message_append(reply, "s", i->conf->sync_group ?: "");
}

static int bus_append_counter(sd_bus_message *reply, const char *prefix, const char *word, uint64_t value) {
        char key[64];

        if (!word)
                return 0;
        snprintf(key, sizeof(key), "%s%s", prefix, word);
        return sd_bus_message_append(reply, "{st}", key, value);
}

/* n counters, each under prefix + its word (none: left out). */
static int bus_append_counters(sd_bus_message *reply, const char *prefix, const char *(*word)(unsigned k),
                               const uint64_t *values, unsigned n) {
        for (unsigned k = 0; k < n; k++) {
                int r = bus_append_counter(reply, prefix, word(k), values[k]);

                if (r < 0)
                        return r;
        }
        return 0;
}

static const char *bus_counter_word(unsigned k) {
        return instance_counter_to_string(k);
}

static const char *bus_drop_word(unsigned k) {
        return vrrp_drop_to_string(k);
}

static const char *bus_note_word(unsigned k) {
        return vrrp_check_note_to_string(k);
}

/* Every counter the instance keeps: the InstanceCounters, one "drop-<word>" per VrrpDrop, and the notes
 * (accepted but counted, e.g. checksum-legacy). */
BUS_GETTER(property_get_statistics) {
        const Instance *i = userdata;
        int r;

        r = sd_bus_message_open_container(reply, 'a', "{st}");
        if (r < 0)
                return r;
        r = bus_append_counters(reply, "", bus_counter_word, i->stats.counters, _INSTANCE_COUNTER_MAX);
        if (r < 0)
                return r;
        r = bus_append_counters(reply, "drop-", bus_drop_word, i->stats.drops, _VRRP_DROP_MAX);
        if (r < 0)
                return r;
        r = bus_append_counters(reply, "", bus_note_word, i->stats.notes, _VRRP_RX_NOTE_MAX);
        if (r < 0)
                return r;
        return sd_bus_message_close_container(reply);
}

void bus_instance_emit(sd_bus *bus, Instance *i, const char *const *names) {
        _cleanup_free_ char *path = NULL;
        int r;

        r = bus_instance_path(i, &path);
        if (r < 0)
                return (void) log_debug_errno(r, "%s: failed to make its object path, ignoring: %m", i->name);
        r = sd_bus_emit_properties_changed_strv(bus, path, VRRPD_BUS_INSTANCE_INTERFACE, (char **) names);
        if (r < 0)
                log_debug_errno(r, "%s: failed to emit PropertiesChanged, ignoring: %m", i->name);
}

static int bus_instance_refused(sd_bus_error *error, const Instance *i, int r) {
        return sd_bus_error_set_errnof(error, r, "%s: the state machine refused the change: %m", i->name);
}

static int method_set_priority(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Instance *i = userdata;
        uint8_t prio;
        int r;

        r = bus_auth_check_operator(i->manager, m, error);
        if (r < 0)
                return r;
        r = sd_bus_message_read(m, "y", &prio);
        if (r < 0)
                return r;
        if (prio < 1 || prio > VRRP_PRIORITY_MAX_BACKUP)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "expected a priority from 1 to %u, got %u",
                                         VRRP_PRIORITY_MAX_BACKUP, prio);
        if (i->params.fsm.priority == VRRP_PRIORITY_OWNER)
                return sd_bus_error_setf(error, VRRPD_ERROR_NOT_PERMITTED,
                                         "%s: an address owner keeps priority 255", i->name);
        log_info("%s: priority set to %u over the bus", i->name, prio);
        r = instance_override_priority(i, prio);
        if (r < 0)
                return bus_instance_refused(error, i, r);
        return sd_bus_reply_method_return(m, NULL);
}

static int method_reset_priority(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Instance *i = userdata;
        int r;

        r = bus_auth_check_operator(i->manager, m, error);
        if (r < 0)
                return r;
        if (i->params.fsm.priority != VRRP_PRIORITY_OWNER && i->priority_override > 0) {
                log_info("%s: priority override dropped over the bus, back to %u", i->name,
                         instance_tracked_priority(i));
                r = instance_override_priority(i, 0);
                if (r < 0)
                        return bus_instance_refused(error, i, r);
        }
        return sd_bus_reply_method_return(m, NULL);
}

static int method_set_maintenance(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return bus_maintenance_set(m, userdata, false, error); /* shared with SetPersistentMaintenance */
}

static int method_send_gratuitous_arp(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Instance *i = userdata;
        int r;

        r = bus_auth_check_operator(i->manager, m, error);
        if (r < 0)
                return r;
        if (i->fsm.state != VRRP_STATE_MASTER)
                return sd_bus_error_setf(error, VRRPD_ERROR_NOT_PERMITTED,
                                         "%s is %s: only a master announces its virtual addresses", i->name,
                                         vrrp_state_to_string(i->fsm.state));
        instance_announce(i);
        return sd_bus_reply_method_return(m, NULL);
}

static int method_reset_statistics(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Instance *i = userdata;
        int r;

        r = bus_auth_check_operator(i->manager, m, error);
        if (r < 0)
                return r;
        i->stats = (InstanceStats){};
        return sd_bus_reply_method_return(m, NULL);
}

#define EMITS SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE

static const sd_bus_vtable instance_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("State", "s", property_get_state, 0, EMITS),
        SD_BUS_PROPERTY("EffectivePriority", "y", property_get_effective_priority, 0, EMITS),
        SD_BUS_PROPERTY("MasterAddress", "s", property_get_master_address, 0, EMITS),
        SD_BUS_PROPERTY("Maintenance", "b", property_get_maintenance, 0, EMITS),
        SD_BUS_PROPERTY("MaintenancePersistent", "b", bus_maintenance_property_get_persistent, 0, EMITS),
        SD_BUS_PROPERTY("LastTransitionUSec", "t", property_get_last_transition_usec, 0, EMITS),
        SD_BUS_PROPERTY("LastTransitionReason", "s", property_get_last_transition_reason, 0, EMITS),
        SD_BUS_PROPERTY("Tracks", "a(ssbi)", property_get_tracks, 0, EMITS),
        SD_BUS_PROPERTY("Faults", "as", property_get_faults, 0, EMITS),
        SD_BUS_PROPERTY("Peers", "a(sytt)", bus_peers_get_peers, 0, EMITS),
        SD_BUS_PROPERTY("SplitBrain", "b", bus_peers_get_split_brain, 0, EMITS),
        SD_BUS_PROPERTY("Name", "s", property_get_name, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Interface", "s", property_get_interface, 0, 0),
        SD_BUS_PROPERTY("VirtualMacInterface", "s", property_get_vmac_interface, 0, 0),
        SD_BUS_PROPERTY("VirtualMac", "s", property_get_vmac, 0, 0),
        /* plain uint8_t / usec_t fields: sd-bus reads them by offset (bools need getters: STYLE §6) */
        SD_BUS_PROPERTY("VirtualRouterId", "y", NULL, offsetof(Instance, params.fsm.vrid), 0),
        SD_BUS_PROPERTY("Family", "s", property_get_family, 0, 0),
        SD_BUS_PROPERTY("ProtocolVersion", "y", NULL, offsetof(Instance, params.fsm.version), 0),
        SD_BUS_PROPERTY("Priority", "y", NULL, offsetof(Instance, params.fsm.priority), 0),
        SD_BUS_PROPERTY("AdvertIntervalUSec", "t", NULL, offsetof(Instance, params.fsm.interval_usec), 0),
        SD_BUS_PROPERTY("Preempt", "b", property_get_preempt, 0, 0),
        SD_BUS_PROPERTY("PreemptDelayUSec", "t", NULL, offsetof(Instance, params.fsm.preempt_delay_usec), 0),
        SD_BUS_PROPERTY("Accept", "b", property_get_accept, 0, 0),
        SD_BUS_PROPERTY("VirtualAddresses", "as", property_get_vips, 0, 0),
        SD_BUS_PROPERTY("UnicastPeers", "as", property_get_unicast_peers, 0, 0),
        SD_BUS_PROPERTY("VirtualRoutes", "a(sb)", property_get_virtual_routes, 0, 0),
        SD_BUS_PROPERTY("VirtualRules", "a(sb)", property_get_virtual_rules, 0, 0),
        SD_BUS_PROPERTY("SyncGroup", "s", property_get_sync_group, 0, 0),
        SD_BUS_PROPERTY("Statistics", "a{st}", property_get_statistics, 0, 0),
        SD_BUS_METHOD_WITH_ARGS("SetPriority", SD_BUS_ARGS("y", priority), SD_BUS_NO_RESULT,
                                method_set_priority, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("ResetPriority", NULL, NULL, method_reset_priority, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("SetMaintenance", SD_BUS_ARGS("b", maintenance), SD_BUS_NO_RESULT,
                                method_set_maintenance, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("SetPersistentMaintenance", SD_BUS_ARGS("b", maintenance), SD_BUS_NO_RESULT,
                                bus_maintenance_method_set_persistent, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("SendGratuitousArp", NULL, NULL, method_send_gratuitous_arp,
                      SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("ResetStatistics", NULL, NULL, method_reset_statistics, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_VTABLE_END,
};

int bus_instance_add_objects(Bus *b) {
        int r;

        assert(b);

        r = sd_bus_add_fallback_vtable(b->bus, NULL, VRRPD_BUS_INSTANCE_PREFIX, VRRPD_BUS_INSTANCE_INTERFACE,
                                       instance_vtable, bus_instance_object_find, b);
        if (r < 0)
                return log_error_errno(r, "failed to register the instance objects: %m");
        r = sd_bus_add_node_enumerator(b->bus, NULL, VRRPD_BUS_INSTANCE_PREFIX, bus_instance_node_enumerator,
                                       b);
        if (r < 0)
                return log_error_errno(r, "failed to register the instance enumerator: %m");
        return 0;
}

/* After a step: the properties the actions say changed, in one PropertiesChanged. Tracks and Faults are not
 * among them: a step never changes them (bus_instance_emit_tracks() says when they do). */
void bus_instance_emit_changed(Bus *b, Instance *i, const VrrpActions *a) {
        const char *names[8];
        size_t n = 0;

        assert(b);
        assert(i);
        assert(a);

        if (a->state_changed) {
                names[n++] = "State";
                names[n++] = "LastTransitionUSec";
                names[n++] = "LastTransitionReason";
        }
        if (a->priority_changed)
                names[n++] = "EffectivePriority";
        if (a->master_changed)
                names[n++] = "MasterAddress";
        names[n] = NULL;
        if (n > 0)
                bus_instance_emit(b->bus, i, names);
}

void bus_instance_emit_tracks(Bus *b, Instance *i) {
        assert(b);
        assert(i);

        bus_instance_emit(b->bus, i, (const char *const[]){ "Tracks", "Faults", NULL });
}

int bus_instance_shown(Bus *b, Instance *i, char ***ret) {
        _cleanup_free_ char *path = NULL;
        int r;

        assert(b);
        assert(i);
        assert(ret);

        r = bus_instance_path(i, &path);
        if (r < 0)
                return r;
        return bus_util_shown(b->bus, path, VRRPD_BUS_INSTANCE_INTERFACE, instance_vtable, i, ret);
}

void bus_instance_emit_shown_changes(Bus *b, Instance *i, char *const *before) {
        _cleanup_free_ char *path = NULL;
        int r;

        assert(b);
        assert(i);
        assert(before);

        r = bus_instance_path(i, &path);
        if (r < 0)
                return (void) log_debug_errno(r, "%s: failed to make its object path, ignoring: %m", i->name);
        r = bus_util_emit_shown_changes(b->bus, path, VRRPD_BUS_INSTANCE_INTERFACE, instance_vtable, i, before);
        if (r < 0)
                log_debug_errno(r, "%s: failed to emit PropertiesChanged, ignoring: %m", i->name);
}
