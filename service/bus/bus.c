#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <systemd/sd-bus.h>

#include "bus/bus-connection.h"
#include "bus/bus-errors.h"
#include "bus/bus-instance.h"
#include "bus/bus-manager.h"
#include "bus/bus-peers.h"
#include "bus/bus-shown.h"
#include "bus/bus-sync-group.h"
#include "bus/bus.h"
#include "conf/conf-model.h"
#include "instance.h"
#include "listener.h"
#include "manager.h"
#include "reload.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/strv.h"

static usec_t bus_now_realtime(void) {
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        return (usec_t) ts.tv_sec * USEC_PER_SEC + (usec_t) ts.tv_nsec / 1000;
}

static int bus_emit_state_changed(Bus *b, Instance *i, const VrrpActions *a) {
        _cleanup_free_ char *path = NULL;
        int r;

        r = bus_instance_path(i, &path);
        if (r < 0)
                return r;
        return sd_bus_emit_signal(b->bus, VRRPD_BUS_PATH, VRRPD_BUS_MANAGER_INTERFACE, "StateChanged", "ossss",
                                  path, i->name, vrrp_state_to_string(a->old_state),
                                  vrrp_state_to_string(a->new_state), vrrp_reason_to_string(a->reason));
}

/* StateChanged, then PropertiesChanged of the instance, and later of its sync group. */
static void bus_on_instance_changed(void *userdata, Instance *i, const VrrpActions *a) {
        Bus *b = userdata;
        int r;

        if (!b->bus)
                return;
        if (a->state_changed) {
                r = bus_emit_state_changed(b, i, a);
                if (r < 0)
                        log_debug_errno(r, "%s: failed to emit StateChanged, ignoring: %m", i->name);
                bus_sync_group_member_changed(b, i);
        }
        bus_instance_emit_changed(b, i, a);
}

static void bus_on_peers_changed(void *userdata, Instance *i) {
        bus_peers_emit(userdata, i);
}

static void bus_on_tracks_changed(void *userdata, Instance *i) {
        Bus *b = userdata;

        if (b->bus)
                bus_instance_emit_tracks(b, i);
}

/* Before anything changes: what the objects show, to announce afterwards what the reload changed. */
static void bus_on_reload_begin(void *userdata, const ReloadDiff *diff) {
        Bus *b = userdata;

        b->shown = bus_shown_free(b->shown);
        if (b->bus && !diff->initial)
                b->shown = bus_shown_new(b);
}

/* keepalived owns its dbus_service_name from startup to exit; so do we, and say so when a reload names
 * another. */
static void bus_check_name(Bus *b, const ConfGlobal *g) {
        const char *want = g->dbus_service_name ?: VRRPD_BUS_NAME;

        if (b->name && strcmp(b->name, want) != 0)
                log_warning("dbus_service_name is now '%s', but the bus name changes only with a restart: "
                            "vrrpd stays '%s' on the bus", want, b->name);
}

static void bus_on_reload_end(void *userdata, const ReloadDiff *diff) {
        Bus *b = userdata;

        b->announced = 0; /* an announcement under way starts over with the new set */
        if (!diff->initial)
                bus_check_name(b, &diff->config->global);
        bus_manager_check_scripts(b, diff->config);
        if (b->bus && !diff->initial) {
                b->last_reload_usec = bus_now_realtime();
                bus_manager_emit_reloaded(b, diff);
        }
        b->shown = bus_shown_free(b->shown);
}

static const ListenerOps bus_listener = {
        .reload_begin = bus_on_reload_begin,
        .reload_end = bus_on_reload_end,
        .instance_changed = bus_on_instance_changed,
        .tracks_changed = bus_on_tracks_changed,
        .peers_changed = bus_on_peers_changed,
};

int bus_new(Manager *m, Bus **ret) {
        _cleanup_free_ Bus *b = NULL;
        int r;

        assert(m);
        assert(ret);

        b = calloc(1, sizeof(*b));
        if (!b)
                return log_oom();
        *b = (Bus){ .manager = m, .started_usec = bus_now_realtime() };
        r = manager_add_listener(m, &bus_listener, b);
        if (r < 0)
                return log_oom();
        *ret = TAKE_PTR(b);
        return 0;
}

Bus *bus_free(Bus *b) {
        if (!b)
                return NULL;
        manager_remove_listener(b->manager, &bus_listener, b);
        bus_shown_free(b->shown);
        strv_free(b->disabled_scripts);
        bus_connection_free(b);
        free(b->name);
        free(b);
        return NULL;
}

int bus_open(sd_bus **ret) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        const char *unique;
        int r;

        assert(ret);

        r = sd_bus_open_system_with_description(&bus, "vrrpd");
        if (r < 0)
                return log_error_errno(r, "failed to connect to the system bus: %m");
        /* Waits for Hello's answer: the connection is whole before the caller moves to another namespace,
         * and the bus's authentication timeout cannot run out while the instances start. */
        r = sd_bus_get_unique_name(bus, &unique);
        if (r < 0)
                return log_error_errno(r, "failed to say hello to the system bus: %m");
        log_debug("connected to the system bus as %s", unique);
        *ret = TAKE_PTR(bus);
        return 0;
}

int bus_start(Bus *b, sd_bus *connection) {
        const ConfGlobal *g;
        int r;

        assert(b);
        assert(!b->bus);
        assert(b->manager->config);

        g = &b->manager->config->global;
        b->name = strdup(g->dbus_service_name ?: VRRPD_BUS_NAME);
        if (!b->name) {
                sd_bus_flush_close_unref(connection);
                return log_oom();
        }
        if (!connection) { /* bus_open() said why */
                log_warning("VRRP runs, and vrrpd connects to the system bus once it is there");
                return bus_connection_retry(b);
        }
        b->bus = connection;
        r = bus_connection_serve(b);
        if (r < 0)
                b->bus = sd_bus_flush_close_unref(b->bus); /* and every object registered on it */
        return r;
}
