#pragma once

#include <systemd/sd-bus.h>

/* The Manager's named demotions (DESIGN §3; track/demotion.h): SetDemotion(s tag, s target, y amount),
 * ClearDemotion(s tag) and the Demotions property, for manager_vtable (bus-manager.c); userdata is the Bus. */

int bus_demotion_method_set(sd_bus_message *m, void *userdata, sd_bus_error *error);
int bus_demotion_method_clear(sd_bus_message *m, void *userdata, sd_bus_error *error);
int bus_demotion_property_get(sd_bus *bus, const char *path, const char *interface, const char *property,
                              sd_bus_message *reply, void *userdata, sd_bus_error *error);
