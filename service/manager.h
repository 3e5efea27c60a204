#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <systemd/sd-event.h>

#include "core/vrrp-fsm.h"
#include "core/vrrp-sync.h"
#include "listener.h"
#include "os/garp.h"
#include "script/manager-notify.h"
#include "track/tracking.h"

typedef struct Config Config;
typedef struct Endpoint Endpoint;
typedef struct Instance Instance;
typedef struct NftAccept NftAccept;
typedef struct SockVrrpBatch SockVrrpBatch;
typedef struct NlVip NlVip;
typedef struct Tick Tick;
struct nl_sock;

typedef struct ManagerSync {
        const char *name;
        VrrpSync sync;
        Instance **members;
        size_t n_members;
        NotifyQueue *notify;
} ManagerSync;

/* The daemon: one sd-event loop, its instances, their sockets, netlink, and the config they were built from. */
typedef struct Manager {
        sd_event *event;
        Listeners listeners; /* who hears what the daemon does (listener.h): the bus, notify scripts */
        Config *config;
        char *config_path;
        char *config_id;         /* what @ID lines were matched against, for reloads */
        char *hostname;
        struct nl_sock *nl;      /* requests: VIPs, address and link queries */
        struct nl_sock *monitor; /* notifications: links and addresses */
        sd_event_source *monitor_source;
        Instance **instances;
        size_t n_instances;
        Endpoint **endpoints;
        size_t n_endpoints;
        SockVrrpBatch *rx_batch; /* the receive buffers every endpoint reads into, one at a time */
        Tick **ticks;
        size_t n_ticks;
        Tracking tracking;
        ManagerNotify notify;
        sd_event_source *stop_deadline;
        int vip_dirfd;   /* RUNTIME_DIRECTORY/vips: VIPs we hold, for the next run after a crash; -1: none */
        NftAccept *nft;  /* Accept_Mode's table, created at first use */
        GarpSockets garp_sockets; /* for VIPs on interfaces other than their instance's (announce.c) */
        ManagerSync *syncs;
        size_t n_syncs;
        size_t n_failed;         /* instances of the config that could not start */
        bool stopping;
        bool reloading;          /* manager-reload.c is swapping instances: sync groups are being rebuilt */
        NotifyQueue **retired;   /* queues of removed instances, left to finish their stop scripts */
        size_t n_retired;
} Manager;

int manager_new(Config *config, const char *config_path, const char *config_id, const char *hostname,
                Manager **ret);
Manager *manager_free(Manager *m);
int manager_start(Manager *m);
/* Tells systemd that startup is over (READY=1), and the log how it went. */
void manager_ready(Manager *m);
int manager_run(Manager *m);

/* For listeners (listener.h): registration, and lookups. */
int manager_add_listener(Manager *m, const ListenerOps *ops, void *userdata);
void manager_remove_listener(Manager *m, const ListenerOps *ops, void *userdata);
Instance *manager_find_instance(Manager *m, const char *name);
ManagerSync *manager_find_sync_group(Manager *m, const char *name);

/* Called by instances and endpoints. */
void manager_flush(Manager *m);
int manager_vip_add(Manager *m, const NlVip *vip);
int manager_vip_del(Manager *m, const NlVip *vip);
void manager_accept_filter(Manager *m, Instance *i, bool on);
void manager_accept_close(Manager *m);
void manager_vips_recover(Manager *m);

/* For manager-reload.c. */
int manager_endpoint_for(Manager *m, const Instance *i, Endpoint **ret);
int manager_setup_syncs(Manager *m);
void manager_syncs_done(Manager *m);
void manager_cleanup_instance_vips(Manager *m, Instance *i);
void manager_retire_notify(Manager *m, Instance *i);
void manager_on_instance_changed(Manager *m, Instance *i, const VrrpActions *a);
/* What a sync group decided: its notify script if its state moved from group_before, then each forced
 * step. */
void manager_sync_force(Manager *m, ManagerSync *s, VrrpState group_before, const VrrpSyncForce *force);
int manager_on_instance_timer(sd_event_source *s, uint64_t usec, void *userdata);

static inline void manager_freep(Manager **p) {
        manager_free(*p);
}
