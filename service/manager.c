#include <assert.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/socket.h>
#include <systemd/sd-daemon.h>

#include "conf/conf.h"
#include "endpoint.h"
#include "instance-restore.h"
#include "instance-vips.h"
#include "instance.h"
#include "listener.h"
#include "reload.h"
#include "route/static-set.h"
#include "sync-group.h"
#include "manager.h"
#include "os/garp.h"
#include "os/nft-accept.h"
#include "os/nl-ifaddr.h"
#include "os/nl-monitor.h"
#include "os/nl-route.h"
#include "os/nl-rule.h"
#include "os/nl-vip.h"
#include "os/sock-vrrp.h"
#include "reload.h"
#include "tick.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/strv.h"


/* Stop scripts get a second (keepalived's budget); we exit once they are done, 1.5 s at most. */
#define MANAGER_STOP_DEADLINE_USEC (1500 * USEC_PER_MSEC)

void manager_listener_idle(Manager *m) {
        assert(m);

        if (m->stopping && !listeners_busy(&m->listeners))
                (void) sd_event_exit(m->event, 0);
}

static int manager_on_stop_deadline(sd_event_source *s, uint64_t usec, void *userdata) {
        Manager *m = userdata;

        log_warning("notify scripts still running at the stop deadline, exiting anyway");
        return sd_event_exit(m->event, 0);
}

static void manager_stop(Manager *m) {
        int r;

        if (m->stopping)
                return;
        m->stopping = true;
        log_info("stopping: masters resign with priority 0 and remove their virtual addresses");
        (void) sd_notify(0, "STOPPING=1");
        for (size_t k = 0; k < m->n_instances; k++) {
                r = instance_step(m->instances[k], &(VrrpEvent){ .type = VRRP_EVENT_SHUTDOWN });
                if (r < 0)
                        log_warning_errno(r, "%s: failed to shut down cleanly, ignoring: %m",
                                          m->instances[k]->name);
        }
        manager_flush(m); /* the resigning adverts: the loop may end before it flushes again */
        if (m->statics)
                static_set_remove(m->statics); /* after the instances' own, which may lean on them */
        if (!listeners_busy(&m->listeners)) {
                (void) sd_event_exit(m->event, 0);
                return;
        }
        /* the listeners that are busy call manager_listener_idle() once they are done */
        r = sd_event_add_time_relative(m->event, &m->stop_deadline, CLOCK_MONOTONIC, MANAGER_STOP_DEADLINE_USEC,
                                       10 * USEC_PER_MSEC, manager_on_stop_deadline, m);
        if (r < 0)
                (void) sd_event_exit(m->event, 0);
}

static int manager_on_stop_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        manager_stop(userdata);
        return 0;
}

static int manager_on_hup(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        _cleanup_(reload_result_done) ReloadResult r = {};
        Manager *m = userdata;

        if (!m->config) { /* the startup script runs; the instances start with the config read at start */
                log_notice("SIGHUP before the instances started (startup_script running), ignored");
                return 0;
        }
        (void) manager_reload(userdata, "on SIGHUP", &r); /* logged; only Reload() can return the error */
        return 0;
}

/* The flush is the loop's job (DESIGN §1): whatever a wakeup's events queued (ticks' adverts, answers to
 * adverts, the steps of bus calls, tracks and timers) goes out once per loop iteration, in one sendmmsg per
 * socket, from this post source. Its priority sits below the protocol sources (ticks, VRRP receive, protocol
 * timers: SD_EVENT_PRIORITY_IMPORTANT), so that all of them that are due run first and their adverts leave
 * together, and above everything else (the bus, scripts, netlink: SD_EVENT_PRIORITY_NORMAL), so that a burst
 * of bus calls or child exits never holds adverts back. Flushed at once all the same: a transition's own
 * advert (instance.c), buffers about to go (reload, stop), and a receive flood that stops at its batch
 * limit (endpoint.c), since it may keep the protocol sources pending and the flush waiting below them. */
#define MANAGER_FLUSH_PRIORITY (SD_EVENT_PRIORITY_IMPORTANT / 2)

static int manager_on_post(sd_event_source *s, void *userdata) {
        manager_flush(userdata);
        return 0;
}

static int manager_setup_flush(Manager *m) {
        int r;

        r = sd_event_add_post(m->event, &m->flush_source, manager_on_post, m);
        if (r < 0)
                return r;
        return sd_event_source_set_priority(m->flush_source, MANAGER_FLUSH_PRIORITY);
}

static int manager_setup_signals(Manager *m) {
        sigset_t mask;
        int r;

        /* sd-event takes signals through signalfd, and children through pidfd/SIGCHLD: block them first. */
        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGHUP);
        sigaddset(&mask, SIGCHLD);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
                return -errno;
        r = sd_event_add_signal(m->event, NULL, SIGTERM, manager_on_stop_signal, m);
        if (r < 0)
                return r;
        r = sd_event_add_signal(m->event, NULL, SIGINT, manager_on_stop_signal, m);
        if (r < 0)
                return r;
        return sd_event_add_signal(m->event, NULL, SIGHUP, manager_on_hup, m);
}

static void manager_index_done(Manager *m) {
        index_done(&m->instances_by_name);
        index_done(&m->instances_by_identity);
        index_done(&m->groups_by_name);
}

static int manager_index_fill(Manager *m) {
        for (size_t k = 0; k < m->n_instances; k++) {
                Instance *i = m->instances[k];

                if (index_append(&m->instances_by_name, i->name, i) < 0 ||
                    index_append(&m->instances_by_identity, i->conf, i) < 0)
                        return -ENOMEM;
        }
        for (size_t k = 0; k < m->n_groups; k++)
                if (index_append(&m->groups_by_name, m->groups[k]->name, m->groups[k]) < 0)
                        return -ENOMEM;
        /* the config's checks keep names and identities unique: no -EEXIST here */
        (void) index_sort(&m->instances_by_name);
        (void) index_sort(&m->instances_by_identity);
        (void) index_sort(&m->groups_by_name);
        return 0;
}

int manager_index(Manager *m) {
        assert(m);
        manager_index_done(m);
        m->instances_by_name = INDEX_INIT(index_compare_string);
        m->instances_by_identity = INDEX_INIT(conf_model_compare_identity);
        m->groups_by_name = INDEX_INIT(index_compare_string);
        return manager_index_fill(m);
}

static int strdup_or_null(const char *s, char **ret) {
        *ret = s ? strdup(s) : NULL;
        return s && !*ret ? -ENOMEM : 0;
}

static int manager_keep_options(Manager *m, const char *config_path, const ConfLoadOptions *o) {
        m->config_path = strdup(config_path);
        if (!m->config_path || strdup_or_null(o->config_id, &m->config_id) < 0 ||
            strdup_or_null(o->hostname, &m->hostname) < 0 ||
            strdup_or_null(o->net_namespace, &m->arg_namespace) < 0 ||
            strdup_or_null(o->bus_name, &m->arg_bus_name) < 0)
                return -ENOMEM;
        return 0;
}

ConfLoadOptions manager_load_options(const Manager *m) {
        assert(m);
        return (ConfLoadOptions){ .config_id = m->config_id, .hostname = m->hostname,
                                  .net_namespace = m->arg_namespace, .bus_name = m->arg_bus_name };
}

int manager_new(const char *config_path, const ConfLoadOptions *o, Manager **ret) {
        _cleanup_(manager_freep) Manager *m = NULL;
        int r;

        assert(config_path);
        assert(o);
        assert(ret);

        m = calloc(1, sizeof(*m));
        if (!m)
                return log_oom();
        m->vip_dirfd = -1;
        m->vmacs.dirfd = -1;
        m->rx_batch = malloc(sizeof(*m->rx_batch));
        if (!m->rx_batch)
                return log_oom();
        if (manager_keep_options(m, config_path, o) < 0)
                return log_oom();
        r = sd_event_new(&m->event);
        if (r < 0)
                return log_error_errno(r, "failed to create the event loop: %m");
        r = manager_setup_signals(m);
        if (r < 0)
                return log_error_errno(r, "failed to set up signal handling: %m");
        (void) sd_event_set_watchdog(m->event, true); /* WATCHDOG=1 when the unit sets WatchdogSec= */
        r = manager_setup_flush(m);
        if (r < 0)
                return log_error_errno(r, "failed to set up the advert flush: %m");
        r = nl_vip_open(&m->nl);
        if (r < 0)
                return log_error_errno(r, "failed to open a netlink socket: %m");
        r = nl_monitor_open(&m->monitor);
        if (r < 0)
                return log_error_errno(r, "failed to open the netlink monitor: %m");
        r = sd_event_add_io(m->event, &m->monitor_source, nl_monitor_fd(m->monitor), EPOLLIN, manager_on_monitor,
                            m);
        if (r < 0)
                return log_error_errno(r, "failed to watch the netlink monitor: %m");
        tracking_init(m);
        r = manager_index(m); /* empty, but ready for lookups */
        if (r < 0)
                return log_oom();
        *ret = TAKE_PTR(m);
        return 0;
}

Manager *manager_free(Manager *m) {
        if (!m)
                return NULL;
        sd_event_source_disable_unref(m->stop_deadline);
        sd_event_source_disable_unref(m->hold_source);
        sd_event_source_disable_unref(m->flush_source);
        manager_index_done(m);
        for (size_t k = 0; k < m->n_groups; k++)
                sync_group_free(m->groups[k]);
        free(m->groups);
        for (size_t k = 0; k < m->n_instances; k++)
                instance_free(m->instances[k]);
        free(m->instances);
        static_set_free(m->statics);
        tracking_done(m);
        manager_maintenance_done(m);
        for (size_t k = 0; k < m->n_ticks; k++)
                tick_free(m->ticks[k]);
        free(m->ticks);
        for (size_t k = 0; k < m->n_endpoints; k++)
                endpoint_free(m->endpoints[k]);
        free(m->endpoints);
        garp_sockets_done(&m->garp_sockets);
        assert(m->vmacs.n_links == 0 && m->vmacs.n_parents == 0); /* the instances let go of them all */
        assert(m->n_promotes == 0); /* the instances let go of them all */
        free(m->promotes);
        free(m->vmacs.links);
        free(m->vmacs.parents);
        strv_free(m->vmacs.leftovers);
        if (m->vmacs.dirfd >= 0)
                close(m->vmacs.dirfd);
        free(m->rx_batch);
        sd_event_source_disable_unref(m->nft_watch);
        if (m->nft) {
                manager_accept_close(m);
                nft_accept_free(m->nft);
        }
        if (m->vip_dirfd >= 0)
                close(m->vip_dirfd);
        listeners_done(&m->listeners);
        sd_event_source_disable_unref(m->monitor_source);
        if (m->monitor)
                nl_socket_free(m->monitor);
        if (m->nl)
                nl_socket_free(m->nl);
        sd_event_unref(m->event);
        conf_free(m->config);
        free(m->config_path);
        free(m->config_id);
        free(m->hostname);
        free(m->arg_namespace);
        free(m->arg_bus_name);
        free(m);
        return NULL;
}

int manager_endpoint_for(Manager *m, const Instance *i, Endpoint **ret) {
        Endpoint **a;
        int r;

        assert(m);
        assert(i);
        assert(ret);

        for (size_t k = 0; k < m->n_endpoints; k++)
                if (m->endpoints[k]->ifindex == i->ifindex && m->endpoints[k]->family == i->params.fsm.family) {
                        *ret = m->endpoints[k];
                        return 0;
                }
        a = reallocarray(m->endpoints, m->n_endpoints + 1, sizeof(*a));
        if (!a)
                return -ENOMEM;
        m->endpoints = a;
        r = endpoint_new(m, i->params.fsm.family, i->ifindex, &m->endpoints[m->n_endpoints]);
        if (r < 0)
                return r;
        *ret = m->endpoints[m->n_endpoints++];
        return 0;
}

int manager_add_listener(Manager *m, const ListenerOps *ops, void *userdata) {
        assert(m);
        assert(ops);

        return listeners_add(&m->listeners, ops, userdata);
}

void manager_remove_listener(Manager *m, const ListenerOps *ops, void *userdata) {
        assert(m);
        assert(ops);

        listeners_remove(&m->listeners, ops, userdata);
}

SyncGroup *manager_find_sync_group(Manager *m, const char *name) {
        assert(m);
        assert(name);
        return index_find(&m->groups_by_name, name);
}

Instance *manager_match_instance(Manager *m, const ConfInstance *c) {
        assert(m);
        assert(c);
        return index_find(&m->instances_by_identity, c);
}

Instance *manager_find_instance(Manager *m, const char *name) {
        assert(m);
        assert(name);
        return index_find(&m->instances_by_name, name);
}

int manager_start(Manager *m, Config *config) {
        int r;

        assert(m);
        assert(config);
        assert(!m->config);

        manager_vips_recover(m, &config->global);
        manager_maintenance_load(m, &config->global);
        manager_accept_close(m); /* a crashed run's table would still drop traffic */
        r = reload_apply(m, config, NULL);
        vmac_recover_done(m); /* the macvlans a crashed run left and this config does not take over */
        manager_flush(m); /* the loop does not run yet: nothing would trigger its flush */
        return r;
}

void manager_ready(Manager *m) {
        assert(m);

        (void) sd_notifyf(0, "READY=1\nSTATUS=%zu instance(s) running%s", m->n_instances,
                          m->n_failed ? ", some failed to start" : "");
        log_info("started %zu instance(s)%s", m->n_instances, m->n_failed ? "; see the errors above" : "");
}

int manager_run(Manager *m) {
        assert(m);

        return sd_event_loop(m->event);
}

void manager_flush(Manager *m) {
        assert(m);

        for (size_t k = 0; k < m->n_endpoints; k++) {
                int r = endpoint_flush(m->endpoints[k]);

                if (r < 0)
                        log_warning_errno(r, "failed to send adverts on ifindex %d, ignoring: %m",
                                          m->endpoints[k]->ifindex);
        }
}

void manager_on_instance_changed(Manager *m, Instance *i, const VrrpActions *a) {
        assert(m);
        assert(i);
        assert(a);

        LISTENERS_EMIT(&m->listeners, instance_changed, i, a);
        if (i->sync_group && i->sync_group->n_members > 0 && !m->stopping && !m->rebuilding)
                sync_group_member_changed(i->sync_group, i, a);
}
