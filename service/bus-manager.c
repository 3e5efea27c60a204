#include <systemd/sd-bus.h>

#include "bus-manager.h"
#include "manager.h"
#include "util/cleanup.h"
#include "util/log.h"

#define BUS_NAME "org.vrrpd.Vrrp1"

int bus_manager_setup(Manager *m) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        int r;

        r = sd_bus_open_system_with_description(&bus, "vrrpd");
        if (r < 0)
                return log_error_errno(r, "failed to connect to the system bus: %m");
        r = sd_bus_request_name(bus, BUS_NAME, 0);
        if (r < 0)
                return log_error_errno(r, "failed to take the bus name " BUS_NAME ": %m");
        r = sd_bus_attach_event(bus, m->event, SD_EVENT_PRIORITY_NORMAL);
        if (r < 0)
                return log_error_errno(r, "failed to attach the bus to the event loop: %m");
        m->bus = TAKE_PTR(bus);
        return 0;
}
