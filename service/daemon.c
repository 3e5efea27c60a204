#include <stdlib.h>
#include <string.h>

#include <systemd/sd-bus.h>
#include <systemd/sd-daemon.h>

#include "bus/bus.h"
#include "conf/conf.h"
#include "daemon.h"
#include "manager.h"
#include "os/netns.h"
#include "os/proc-events.h"
#include "os/process-sched.h"
#include "script/notify-listener.h"
#include "track/tracking.h"
#include "util/cleanup.h"
#include "util/log.h"

/* net_namespace: into /run/netns/NAME, unless the daemon was started there (a unit's NetworkNamespacePath=).
 * A namespace that is not there ends the daemon, as in keepalived ("Unable to set network namespace"). */
static int daemon_enter_namespace(const char *name) {
        int r;

        if (!name)
                return 0;
        r = netns_enter(name);
        if (r == -ENOENT)
                return log_error_errno(r, "net_namespace '%s': there is no " NETNS_RUN_DIR "/%s (create it "
                                          "with 'ip netns add %s'), not starting", name, name, name);
        if (r == -EPERM)
                return log_error_errno(r, "net_namespace '%s': not allowed to enter it (setns() needs "
                                          "CAP_SYS_ADMIN and a unit that allows it, see vrrpd(8)), not "
                                          "starting: %m", name);
        if (r < 0)
                return log_error_errno(r, "net_namespace '%s': failed to enter it, not starting: %m", name);
        log_info("%s network namespace '%s'", r > 0 ? "running in" : "entered", name);
        return 0;
}

/* The composition root (STYLE §10): the one place that knows every room. It connects to the bus while still
 * in the namespace it was started in, enters net_namespace, builds the manager, registers the listeners
 * (notify scripts first, then the bus: the order they hear in), builds the running set, then puts the bus
 * up, and runs the loop. The listeners are declared after the manager, so they go first. */
int daemon_run(Config *config, const char *config_path, const ConfLoadOptions *o) {
        _cleanup_(conf_freep) Config *owned = config;
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *connection = NULL;
        _cleanup_(manager_freep) Manager *m = NULL;
        _cleanup_(notify_listener_freep) NotifyListener *notify = NULL;
        _cleanup_(bus_freep) Bus *bus = NULL;
        _cleanup_close_ int proc_events_fd = -EBADF;
        int r;

        /* First: whatever works only in the namespace vrrpd was started in (the host's bus, the process-events
         * connector, which answers only in the initial network namespace) goes here. */
        (void) bus_open(&connection); /* logged; VRRP runs without the bus too */
        r = proc_events_open(&proc_events_fd); /* only a socket: it listens once a process is tracked */
        if (r < 0)
                log_debug_errno(r, "failed to open the process-events connector, ignoring: %m");
        r = daemon_enter_namespace(config->global.net_namespace);
        if (r < 0) {
                (void) sd_notifyf(0, "STATUS=failed to enter network namespace %s\nERRNO=%d",
                                  config->global.net_namespace, -r);
                return EXIT_FAILURE;
        }
        process_sched_apply(NULL, &config->global); /* before any socket opens, as keepalived's VRRP process */
        r = manager_new(config_path, o, &m);
        if (r < 0)
                return EXIT_FAILURE;
        r = tracking_set_connector(m, TAKE_FD(proc_events_fd));
        if (r < 0)
                return log_oom(), EXIT_FAILURE;
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
        r = bus_start(bus, TAKE_PTR(connection));
        if (r < 0)
                log_warning("running without the bus: VRRP goes on, but nothing can watch or control it");
        manager_ready(m);
        r = manager_run(m);
        if (r < 0)
                return log_error_errno(r, "event loop failed: %m"), EXIT_FAILURE;
        log_info("stopped");
        return EXIT_SUCCESS;
}
