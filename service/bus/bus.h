#pragma once

/* org.vrrpd.Vrrp1 on the system bus (DESIGN §3): a listener of the daemon (listener.h). It hears what the
 * daemon does and says it on the bus (StateChanged, PropertiesChanged, the ObjectManager's signals,
 * Reloaded); its methods call down into the daemon (manager.h, instance.h). Nothing outside bus/ includes a
 * bus header but the composition root. */

#include <stdbool.h>

#include <systemd/sd-bus.h>

#include "core/vrrp-time.h"

typedef struct BusShown BusShown;
typedef struct Manager Manager;

typedef struct Bus {
        Manager *manager;
        sd_bus *bus;             /* NULL until bus_start() succeeds, or while the bus is away: nothing is said */
        sd_bus *lost;            /* the connection that closed, until the next attempt frees it */
        sd_event_source *retry;  /* the next attempt to connect (bus-connection.h) */
        usec_t lost_usec;        /* monotonic, when the bus went */
        bool named;              /* the connection owns b->name */
        sd_event_source *announce; /* the objects announced again, a batch per loop iteration */
        size_t announced;        /* how many of them so far */
        char *name;              /* the name it owns (dbus_service_name), for the daemon's lifetime */
        usec_t started_usec;     /* realtime, for StartedUSec */
        usec_t last_reload_usec; /* realtime, for LastReloadUSec */
        BusShown *shown;         /* what the objects showed when the reload under way began */
        char **disabled_scripts; /* DisabledScripts: what, problem, what, problem, ...; NULL: none */
} Bus;

/* Listens to m from now on; says nothing until bus_start(). */
int bus_new(Manager *m, Bus **ret);
Bus *bus_free(Bus *b);
/* Connects to the system bus (DBUS_SYSTEM_BUS_ADDRESS when set) and waits for the bus's hello, logging why
 * if it cannot. First thing at startup: a connection made before net_namespace's setns() stays on the host's
 * bus. */
int bus_open(sd_bus **ret);
/* Takes over connection (from bus_open()), serves the objects and takes the config's dbus_service_name
 * (default org.vrrpd.Vrrp1), attached to the manager's loop: owning the name means the objects are there, so
 * call it once the instances are up. Without a connection, or once it closes, vrrpd connects again from the
 * loop (bus-connection.h); a name the bus refuses at startup is an error, and no bus from then on. */
int bus_start(Bus *b, sd_bus *connection);

static inline void bus_freep(Bus **p) {
        bus_free(*p);
}
