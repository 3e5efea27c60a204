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
#include "mail/mail-listener.h"
#include "script/notify-listener.h"
#include "script/script-startstop.h"
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

/* What starts the instances and puts the bus up, now or once the startup script has ended. */
typedef struct DaemonStart {
        Manager *manager;
        Config *config; /* until manager_start() takes it */
        Bus *bus;
        sd_bus *connection; /* until bus_start() takes it */
} DaemonStart;

static int daemon_start_instances(DaemonStart *d) {
        int r;

        r = manager_start(d->manager, TAKE_PTR(d->config));
        if (r < 0) {
                (void) sd_notifyf(0, "STATUS=failed to start: %s\nERRNO=%d", strerror(-r), -r);
                return r;
        }
        /* Last, so that owning the bus name means the instances are up (tests and activation wait for it).
         */
        r = bus_start(d->bus, TAKE_PTR(d->connection));
        if (r < 0)
                log_warning("running without the bus: VRRP goes on, but nothing can watch or control it");
        manager_ready(d->manager);
        return 0;
}

/* keepalived starts VRRP once its startup script has ended or timed out, whatever its exit status. */
static void daemon_on_startup_script_done(void *userdata) {
        DaemonStart *d = userdata;
        int r;

        if (d->manager->stopping)
                return;
        r = daemon_start_instances(d);
        if (r < 0)
                (void) sd_event_exit(d->manager->event, r);
}

/* The startup script runs in the loop: READY=1 goes out at once and the watchdog is fed while it runs, so
 * a slow script never has systemd kill vrrpd; the instances and the bus wait for it. */
static int daemon_start(DaemonStart *d, ScriptStartStop **ret_startup) {
        int r;

        r = script_startstop_start(d->manager->event, &d->config->global, daemon_on_startup_script_done, d,
                                   ret_startup);
        if (r < 0)
                return r;
        if (r == 0)
                return daemon_start_instances(d);
        (void) sd_notify(0, "READY=1\nSTATUS=running startup_script; the instances start once it ends");
        return 0;
}

/* keepalived runs the shutdown script once VRRP has stopped: after the loop, the instances gone. */
static void daemon_shutdown_script(ScriptStartStop *s) {
        if (s)
                (void) script_startstop_run_shutdown(s);
}

/* The composition root (STYLE §10): the one place that knows every room. It connects to the bus while still
 * in the namespace it was started in, enters net_namespace, builds the manager, registers the listeners
 * (notify scripts first, then the bus: the order they hear in), runs the startup script, builds the running
 * set, then puts the bus up, and runs the loop; once it ends and everything is torn down, the shutdown
 * script. The listeners are declared after the manager, so they go first. */
/* First: whatever works only in the namespace vrrpd was started in (the host's bus, the process-events
 * connector, which answers only in the initial network namespace), then net_namespace. */
static int daemon_open_outside(const Config *config, sd_bus **ret_bus, int *ret_proc_events_fd) {
        int r;

        (void) bus_open(ret_bus); /* logged; VRRP runs without the bus too */
        r = proc_events_open(ret_proc_events_fd); /* only a socket: it listens once a process is tracked */
        if (r < 0)
                log_debug_errno(r, "failed to open the process-events connector, ignoring: %m");
        r = daemon_enter_namespace(config->global.net_namespace);
        if (r < 0)
                (void) sd_notifyf(0, "STATUS=failed to enter network namespace %s\nERRNO=%d",
                                  config->global.net_namespace, -r);
        return r;
}

int daemon_run(Config *config, const char *config_path, const ConfLoadOptions *o) {
        _cleanup_(conf_freep) Config *owned = config;
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *connection = NULL;
        _cleanup_(script_startstop_freep) ScriptStartStop *shutdown = NULL;
        _cleanup_(manager_freep) Manager *m = NULL;
        _cleanup_(notify_listener_freep) NotifyListener *notify = NULL;
        _cleanup_(mail_listener_freep) MailListener *mail = NULL;
        _cleanup_(bus_freep) Bus *bus = NULL;
        _cleanup_(script_startstop_freep) ScriptStartStop *startup = NULL;
        DaemonStart d = {};
        _cleanup_close_ int proc_events_fd = -EBADF;
        int r;

        r = daemon_open_outside(config, &connection, &proc_events_fd);
        if (r < 0)
                return EXIT_FAILURE;
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
        r = mail_listener_new(m, &mail);
        if (r < 0)
                return EXIT_FAILURE;
        r = bus_new(m, &bus);
        if (r < 0)
                return EXIT_FAILURE;
        d = (DaemonStart){
                .manager = m, .config = TAKE_PTR(owned), .bus = bus, .connection = TAKE_PTR(connection)
        };
        r = daemon_start(&d, &startup);
        if (r < 0) {
                owned = TAKE_PTR(d.config);
                connection = TAKE_PTR(d.connection);
                return EXIT_FAILURE;
        }
        r = manager_run(m);
        startup = script_startstop_free(startup);
        owned = TAKE_PTR(d.config); /* the start never came (a stop during the startup script) */
        connection = TAKE_PTR(d.connection);
        if (m->config || owned) /* neither: the start failed in the loop */
                (void) script_startstop_prepare_shutdown(m->config ? &m->config->global : &owned->global,
                                                         &shutdown);
        bus = bus_free(bus);
        notify = notify_listener_free(notify);
        mail = mail_listener_free(mail);
        m = manager_free(m);
        if (r < 0)
                return log_error_errno(r, "failed to run: %m"), EXIT_FAILURE;
        daemon_shutdown_script(shutdown);
        log_info("stopped");
        return EXIT_SUCCESS;
}
