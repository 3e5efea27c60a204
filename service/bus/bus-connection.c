#include <assert.h>
#include <errno.h>
#include <stdlib.h>

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "bus/bus-connection.h"
#include "bus/bus-errors.h"
#include "bus/bus-manager.h"
#include "bus/bus.h"
#include "manager.h"
#include "util/cleanup.h"
#include "util/log.h"

/* sd-bus's own default when DBUS_SYSTEM_BUS_ADDRESS is not set (not exported by libsystemd) */
#define BUS_SYSTEM_DEFAULT_ADDRESS "unix:path=/run/dbus/system_bus_socket"
#define BUS_RETRY_USEC USEC_PER_SEC
/* InterfacesAdded a loop iteration after a reconnect: 1000 instances at once held the adverts back 58 ms
 * (bench/bus-restart) */
#define BUS_ANNOUNCE_BATCH 32

/* The shipped policy (dbus/org.vrrpd.Vrrp1.conf) lets root own org.vrrpd.Vrrp1 and the names under it: say so
 * when the bus refuses another. */
static int bus_name_result(Bus *b, int r) {
        if (r == -EACCES)
                return log_error_errno(r, "the bus policy does not let vrrpd own '%s': the shipped policy "
                                          "allows " VRRPD_BUS_NAME " and names under it (" VRRPD_BUS_NAME
                                          ".NAME); choose such a dbus_service_name, or add a policy for "
                                          "this one: %m", b->name);
        if (r == -EEXIST)
                return log_error_errno(r, "another process owns the bus name '%s' (another vrrpd? give each "
                                          "its own dbus_service_name): %m", b->name);
        if (r < 0)
                return log_error_errno(r, "failed to take the bus name '%s': %m", b->name);
        return 0;
}

static int bus_on_disconnected(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        Bus *b = userdata;

        if (b->named) {
                log_warning("lost the system bus: VRRP goes on, and vrrpd connects again");
                (void) sd_event_now(b->manager->event, CLOCK_MONOTONIC, &b->lost_usec);
        } else /* a bus that went again before vrrpd had its name back: the dying one of a restart, say */
                log_debug("the system bus closed the connection before vrrpd had its name, connecting again");
        b->named = false;
        b->announce = sd_event_source_disable_unref(b->announce);
        /* not freed here, in its own callback: the retry frees it */
        sd_bus_flush_close_unref(b->lost);
        b->lost = b->bus;
        b->bus = NULL;
        (void) bus_connection_retry(b);
        return 0;
}

/* The objects, the watch for the connection's end, the loop. */
static int bus_connection_attach(Bus *b) {
        int r;

        r = bus_manager_add_objects(b);
        if (r < 0)
                return r;
        r = sd_bus_match_signal(b->bus, NULL, "org.freedesktop.DBus.Local", "/org/freedesktop/DBus/Local",
                                "org.freedesktop.DBus.Local", "Disconnected", bus_on_disconnected, b);
        if (r < 0)
                return log_error_errno(r, "failed to watch the bus connection: %m");
        r = sd_bus_attach_event(b->bus, b->manager->event, SD_EVENT_PRIORITY_NORMAL);
        if (r < 0)
                return log_error_errno(r, "failed to attach the bus to the event loop: %m");
        return 0;
}

int bus_connection_serve(Bus *b) {
        int r;

        assert(b);
        assert(b->bus);

        r = bus_connection_attach(b);
        if (r < 0)
                return r;
        r = bus_name_result(b, sd_bus_request_name(b->bus, b->name, 0));
        if (r < 0)
                return r;
        b->named = true;
        log_info("serving the bus as '%s'", b->name);
        return 0;
}

static int bus_on_announce(sd_event_source *s, void *userdata) {
        Bus *b = userdata;
        size_t n = b->bus ? bus_manager_emit_added(b, b->announced, BUS_ANNOUNCE_BATCH) : 0;

        b->announced += n;
        if (n == 0)
                b->announce = sd_event_source_disable_unref(b->announce);
        return 0;
}

/* Every object in InterfacesAdded again, a batch per loop iteration, after the adverts' timers. */
static void bus_announce_all(Bus *b) {
        int r;

        b->announced = 0;
        if (b->announce)
                return;
        r = sd_event_add_defer(b->manager->event, &b->announce, bus_on_announce, b);
        if (r >= 0)
                r = sd_event_source_set_priority(b->announce, SD_EVENT_PRIORITY_IDLE);
        if (r < 0) {
                log_debug_errno(r, "failed to announce the objects again, ignoring: %m");
                b->announce = sd_event_source_disable_unref(b->announce);
        }
}

static int bus_on_name_reply(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        Bus *b = userdata;
        uint32_t answer = 0;
        usec_t now_usec = 0;
        int r;

        if (sd_bus_is_open(sd_bus_message_get_bus(m)) <= 0)
                return 0; /* the connection closed before the answer: Disconnected comes next, and a retry */
        if (sd_bus_message_is_method_error(m, NULL))
                r = -sd_bus_message_get_errno(m);
        else {
                r = sd_bus_message_read(m, "u", &answer);
                if (r >= 0) /* 1: primary owner, 3: exists, 4: already the owner (DBus spec, RequestName) */
                        r = answer == 1 || answer == 4 ? 0 : answer == 3 ? -EEXIST : -EBUSY;
        }
        if (bus_name_result(b, r) < 0) {
                log_warning("serving the bus without the name: only the connection's unique name reaches it");
                return 0;
        }
        b->named = true;
        if (b->lost_usec == 0) { /* not there at startup */
                log_info("serving the bus as '%s'", b->name);
                return 0;
        }
        (void) sd_event_now(b->manager->event, CLOCK_MONOTONIC, &now_usec);
        log_info("serving the bus as '%s' again, %.1f s after it went", b->name,
                 now_usec > b->lost_usec ? (double) (now_usec - b->lost_usec) / USEC_PER_SEC : 0.0);
        bus_announce_all(b);
        return 0;
}

/* A new connection, set up to wait (inotify, not the loop) for a socket that is not there yet or refuses
 * connections: a restarting bus is back within that wait. */
static int bus_connection_new(sd_bus **ret) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        const char *address = secure_getenv("DBUS_SYSTEM_BUS_ADDRESS");
        int r;

        r = sd_bus_new(&bus);
        if (r < 0)
                return r;
        r = sd_bus_set_description(bus, "vrrpd");
        if (r >= 0)
                r = sd_bus_set_address(bus, address ?: BUS_SYSTEM_DEFAULT_ADDRESS);
        if (r >= 0)
                r = sd_bus_set_bus_client(bus, true);
        if (r >= 0)
                r = sd_bus_set_watch_bind(bus, true);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(bus);
        return 0;
}

/* Connects without waiting for anything: Hello and RequestName are answered later, in the loop. */
static int bus_connection_open(Bus *b) {
        int r;

        r = bus_connection_new(&b->bus);
        if (r < 0)
                return r;
        r = bus_connection_attach(b);
        if (r >= 0)
                r = sd_bus_start(b->bus);
        if (r >= 0)
                r = sd_bus_request_name_async(b->bus, NULL, b->name, 0, bus_on_name_reply, b);
        if (r < 0)
                b->bus = sd_bus_flush_close_unref(b->bus);
        return r;
}

static int bus_on_retry(sd_event_source *s, uint64_t usec, void *userdata) {
        Bus *b = userdata;
        int r;

        b->lost = sd_bus_flush_close_unref(b->lost);
        r = bus_connection_open(b);
        if (r >= 0)
                return 0;
        log_debug_errno(r, "failed to connect to the system bus, trying again in a second: %m");
        r = sd_event_source_set_time_relative(s, BUS_RETRY_USEC);
        if (r >= 0)
                r = sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
        if (r < 0)
                log_error_errno(r, "failed to schedule connecting to the bus again, running without it: %m");
        return 0;
}

int bus_connection_retry(Bus *b) {
        int r;

        assert(b);
        assert(!b->bus);

        if (!b->retry)
                r = sd_event_add_time_relative(b->manager->event, &b->retry, CLOCK_MONOTONIC, 0, 0,
                                               bus_on_retry, b);
        else {
                r = sd_event_source_set_time_relative(b->retry, 0);
                if (r >= 0)
                        r = sd_event_source_set_enabled(b->retry, SD_EVENT_ONESHOT);
        }
        if (r < 0)
                return log_error_errno(r, "failed to schedule connecting to the bus again, running without "
                                          "it: %m");
        return 0;
}

void bus_connection_free(Bus *b) {
        b->announce = sd_event_source_disable_unref(b->announce);
        b->retry = sd_event_source_disable_unref(b->retry);
        b->lost = sd_bus_flush_close_unref(b->lost);
        b->bus = sd_bus_flush_close_unref(b->bus);
}
