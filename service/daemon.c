#include <stdlib.h>
#include <string.h>

#include <systemd/sd-daemon.h>

#include "bus/bus.h"
#include "conf/conf.h"
#include "daemon.h"
#include "manager.h"
#include "os/process-sched.h"
#include "script/notify-listener.h"
#include "util/cleanup.h"
#include "util/log.h"

/* The composition root (STYLE §10): the one place that knows every room. It builds the manager, registers
 * the listeners (notify scripts first, then the bus: the order they hear in), builds the running set, then
 * puts the bus up, and runs the loop. The listeners are declared after the manager, so they go first. */
int daemon_run(Config *config, const char *config_path, const char *config_id, const char *hostname) {
        _cleanup_(conf_freep) Config *owned = config;
        _cleanup_(manager_freep) Manager *m = NULL;
        _cleanup_(notify_listener_freep) NotifyListener *notify = NULL;
        _cleanup_(bus_freep) Bus *bus = NULL;
        int r;

        process_sched_apply(NULL, &config->global); /* before any socket opens, as keepalived's VRRP process */
        r = manager_new(config_path, config_id, hostname, &m);
        if (r < 0)
                return EXIT_FAILURE;
        r = notify_listener_new(m, &config->global, &notify);
        if (r < 0)
                return EXIT_FAILURE;
        r = bus_new(m, &bus);
        if (r < 0)
                return EXIT_FAILURE;
        r = manager_start(m, TAKE_PTR(owned));
        if (r < 0) {
                (void) sd_notifyf(0, "STATUS=failed to start: %s\nERRNO=%d", strerror(-r), -r);
                return EXIT_FAILURE;
        }
        /* Last, so that owning the bus name means the instances are up (tests and activation wait for it). */
        r = bus_start(bus);
        if (r < 0)
                log_warning("running without the bus: VRRP goes on, but nothing can watch or control it");
        manager_ready(m);
        r = manager_run(m);
        if (r < 0)
                return log_error_errno(r, "event loop failed: %m"), EXIT_FAILURE;
        log_info("stopped");
        return EXIT_SUCCESS;
}
