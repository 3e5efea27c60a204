#pragma once

/* The other routers as this one hears them (issue 14): Instance.Peers and SplitBrain, Manager.ForeignRouters
 * and SocketCounters. The getters are the vtables' (bus-instance.c, bus-manager.c). */

#include <systemd/sd-bus.h>

typedef struct Bus Bus;
typedef struct Instance Instance;

int bus_peers_get_peers(sd_bus *bus, const char *path, const char *interface, const char *property,
                        sd_bus_message *reply, void *userdata, sd_bus_error *error);
int bus_peers_get_split_brain(sd_bus *bus, const char *path, const char *interface, const char *property,
                              sd_bus_message *reply, void *userdata, sd_bus_error *error);
int bus_peers_get_foreign(sd_bus *bus, const char *path, const char *interface, const char *property,
                          sd_bus_message *reply, void *userdata, sd_bus_error *error);
int bus_peers_get_sockets(sd_bus *bus, const char *path, const char *interface, const char *property,
                          sd_bus_message *reply, void *userdata, sd_bus_error *error);
/* PropertiesChanged for Peers and SplitBrain. */
void bus_peers_emit(Bus *b, Instance *i);
