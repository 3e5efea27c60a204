#include <stdlib.h>
#include <string.h>

#include <systemd/sd-daemon.h>

#include "bus/bus.h"
#include "conf/conf.h"
#include "daemon.h"
#include "manager.h"
#include "os/process-sched.h"
#include "util/cleanup.h"
#include "util/log.h"

/* The composition root (STYLE §10): the one place that knows every room. It builds the manager, registers
 * the listeners, starts the instances, then the bus, and runs the loop. Listeners go before the manager. */
int daemon_run(Config *config, const char *config_path, const char *config_id, const char *hostname) {
        _cleanup_(manager_freep) Manager *m = NULL;
        _cleanup_(bus_freep) Bus *bus = NULL;
        int r;

        process_sched_apply(NULL, &config->global); /* before any socket opens, as keepalived's VRRP process */
        r = manager_new(config_path, config_id, hostname, &m);
        if (r >= 0)
                r = bus_new(m, &bus);
        if (r < 0) {
                conf_free(config);
                return EXIT_FAILURE;
        }
        r = manager_start(m, config);
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
        if (r < 0) {
                log_error_errno(r, "event loop failed: %m");
                return EXIT_FAILURE;
        }
        log_info("stopped");
        return EXIT_SUCCESS;
}
