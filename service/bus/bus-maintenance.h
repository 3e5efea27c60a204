#pragma once

#include <stdbool.h>

#include <systemd/sd-bus.h>

typedef struct Instance Instance;

/* Maintenance on the Instance objects (DESIGN §3), for instance_vtable (bus-instance.c): SetMaintenance(b)
 * and SetPersistentMaintenance(b) share bus_maintenance_set(); MaintenancePersistent says whether it is saved
 * for the next start (manager-maintenance.c). Off, either way, forgets a saved one. */
int bus_maintenance_set(sd_bus_message *m, Instance *i, bool persistent, sd_bus_error *error);
int bus_maintenance_method_set_persistent(sd_bus_message *m, void *userdata, sd_bus_error *error);
int bus_maintenance_property_get_persistent(sd_bus *bus, const char *path, const char *interface,
                                            const char *property, sd_bus_message *reply, void *userdata,
                                            sd_bus_error *error);
