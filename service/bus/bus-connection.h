#pragma once

/* The daemon's connection to the system bus: serving the objects on it, hearing that it closed, and getting
 * it back. The bus may go (dbus-daemon or dbus-broker restarted, or not there yet at startup): VRRP goes on
 * meanwhile, and vrrpd connects again without blocking its loop, takes its name back and announces its
 * objects again (InterfacesAdded), as a reload that added them all. */

#include "bus/bus.h"

/* With b->bus connected and whole: the objects, the watch for its end, the loop; then the name, waiting for
 * the answer (at startup, so that owning the name means the instances are up). */
int bus_connection_serve(Bus *b);
/* No bus (it closed, or was never there): connect again from the loop, now and every second until it
 * works. A name the bus refuses ends the attempts (bus_connection_serve() said why). */
int bus_connection_retry(Bus *b);
void bus_connection_free(Bus *b);
