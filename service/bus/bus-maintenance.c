#include <assert.h>
#include <stdbool.h>

#include <systemd/sd-bus.h>

#include "bus/bus-auth.h"
#include "bus/bus-instance.h"
#include "bus/bus-maintenance.h"
#include "instance.h"
#include "manager.h"
#include "util/log.h"

int bus_maintenance_property_get_persistent(sd_bus *bus, const char *path, const char *interface,
                                            const char *property, sd_bus_message *reply, void *userdata,
                                            sd_bus_error *error) {
        const Instance *i = userdata;

        return sd_bus_message_append(reply, "b", (int) manager_maintenance_persistent(i->manager, i->name));
}

int bus_maintenance_set(sd_bus_message *m, Instance *i, bool persistent, sd_bus_error *error) {
        const char *names[3];
        bool was_on, was_saved, saved;
        size_t n = 0;
        int on, r;

        assert(m);
        assert(i);

        r = bus_auth_check_operator(i->manager, m, error);
        if (r < 0)
                return r;
        r = sd_bus_message_read(m, "b", &on);
        if (r < 0)
                return r;
        was_on = i->fsm.maintenance;
        was_saved = manager_maintenance_persistent(i->manager, i->name);
        if (was_on != (bool) on || (persistent && was_saved != (bool) on))
                log_info("%s: %smaintenance %s over the bus", i->name, persistent ? "persistent " : "",
                         on ? "on" : "off");
        r = manager_set_maintenance(i->manager, i, on, persistent);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "%s: failed to %s maintenance: %m", i->name,
                                               persistent ? "save its persistent" : "change its");
        saved = manager_maintenance_persistent(i->manager, i->name);
        if (i->fsm.maintenance != was_on)
                names[n++] = "Maintenance";
        if (saved != was_saved)
                names[n++] = "MaintenancePersistent";
        names[n] = NULL;
        if (n > 0)
                bus_instance_emit(sd_bus_message_get_bus(m), i, names);
        return sd_bus_reply_method_return(m, NULL);
}

int bus_maintenance_method_set_persistent(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return bus_maintenance_set(m, userdata, true, error);
}
