#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <systemd/sd-event.h>

#include "core/vrrp-fsm.h"
#include "foreign.h"
#include "listener.h"
#include "mail/mail-stats.h"
#include "os/garp.h"
#include "track/tracking.h"
#include "util/index.h"
#include "vmac/vmac.h"

typedef struct Config Config;
typedef struct ConfLoadOptions ConfLoadOptions;
typedef struct ConfGlobal ConfGlobal;
typedef struct ConfInstance ConfInstance;
typedef struct Endpoint Endpoint;
typedef struct Instance Instance;
typedef struct NftAccept NftAccept;
typedef struct NlVip NlVip;
typedef struct SockVrrpBatch SockVrrpBatch;
typedef struct StaticSet StaticSet;
typedef struct SyncGroup SyncGroup;
typedef struct Tick Tick;
struct nl_sock;

/* The daemon: one sd-event loop, its instances and sync groups (the running set, built by reload.c from the
 * config), their sockets, netlink, and whoever listens. */
typedef struct Manager {
        sd_event *event;
        Listeners listeners; /* who hears what the daemon does (listener.h): the bus, notify scripts */
        Config *config;      /* what the running set was built from; NULL until manager_start() */
        char *config_path;
        char *config_id;         /* what @ID lines were matched against, for reloads */
        char *hostname;
        char *arg_namespace;     /* the command line's net_namespace and bus name, for reloads */
        char *arg_bus_name;
        struct nl_sock *nl;      /* requests: VIPs, address and link queries */
        struct nl_sock *monitor; /* notifications: links and addresses */
        sd_event_source *monitor_source;
        Instance **instances;    /* in the config's order */
        size_t n_instances;
        SyncGroup **groups;      /* in the config's order; members that run, by name */
        size_t n_groups;
        /* Built once per config (manager_index()): instances by name and by identity (interface, family,
         * VRID: their ConfInstance), groups by name. */
        Index instances_by_name;
        Index instances_by_identity;
        Index groups_by_name;
        Endpoint **endpoints;
        size_t n_endpoints;
        SockVrrpBatch *rx_batch; /* the receive buffers every endpoint reads into, one at a time */
        Tick **ticks;
        size_t n_ticks;
        Tracking tracking;
        sd_event_source *stop_deadline;
        sd_event_source *hold_source;  /* vrrp_startup_delay / vrrp_delay_after_boot running (manager-hold.c) */
        usec_t started_usec;           /* CLOCK_MONOTONIC when the daemon started its instances */
        sd_event_source *flush_source; /* sends the queued adverts once per loop iteration */
        int vip_dirfd;   /* RUNTIME_DIRECTORY/vips: VIPs we hold, for the next run after a crash; -1: none */
        NftAccept *nft;  /* Accept_Mode's table, created at first use */
        sd_event_source *nft_watch; /* hears the table deleted by another program (manager-vips.c) */
        StaticSet *statics; /* static_ipaddress, static_routes, static_rules: held while the daemon runs */
        GarpSockets garp_sockets; /* for VIPs on interfaces other than their instance's (announce.c) */
        VmacTable vmacs;          /* macvlans in use (use_vmac), and their parents' settings */
        struct PromoteHold *promotes; /* promote_secondaries held per interface (manager-vips.c) */
        size_t n_promotes;
        size_t n_failed;         /* instances of the config that could not start */
        MailStats mail;          /* SMTP alerts (mail-listener.h), for the bus */
        ForeignTable foreign;    /* adverts for VRIDs no instance here runs (foreign.h) */
        bool watching_routes;    /* the monitor hears of routes and rules (some instance or static has them) */
        bool watch_local_table;  /* ... in the local table too */
        char *state_dir;         /* StateDirectory=: what outlives a reboot (manager-maintenance.c); NULL: none */
        char **maintained;       /* the instances in persistent maintenance, by name, as saved there */
        size_t n_maintained;
        bool stopping;
        bool rebuilding;         /* reload.c is swapping the running set: no sync group logic meanwhile */
} Manager;

/* o: what the config was loaded with (its @ID, host name and command-line overrides), for reloads. */
int manager_new(const char *config_path, const ConfLoadOptions *o, Manager **ret);
/* The same, for a reload: pointers into m. */
ConfLoadOptions manager_load_options(const Manager *m);
Manager *manager_free(Manager *m);
/* Builds the running set from config (taken over, also on failure): a reload from the empty set. */
int manager_start(Manager *m, Config *config);
/* Tells systemd that startup is over (READY=1), and the log how it went. */
void manager_ready(Manager *m);
int manager_run(Manager *m);

/* For listeners (listener.h): registration, and lookups. */
int manager_add_listener(Manager *m, const ListenerOps *ops, void *userdata);
void manager_remove_listener(Manager *m, const ListenerOps *ops, void *userdata);
Instance *manager_find_instance(Manager *m, const char *name);
SyncGroup *manager_find_sync_group(Manager *m, const char *name);
/* A listener that said it was busy (ListenerOps.busy) is done: the daemon ends if it is stopping and no
 * listener is busy any more. */
void manager_listener_idle(Manager *m);
/* The running instance with c's identity (interface, family, VRID), which a reload keeps. */
Instance *manager_match_instance(Manager *m, const ConfInstance *c);

/* Sends every endpoint's queued adverts now. The loop does it once per iteration (a post source); call it
 * only where that cannot wait (manager.c says where). */
void manager_flush(Manager *m);
int manager_vip_add(Manager *m, const NlVip *vip);
int manager_vip_del(Manager *m, const NlVip *vip);
void manager_accept_filter(Manager *m, Instance *i, bool on);
void manager_accept_close(Manager *m);
/* Opens the runtime directory where g says (manager-vips.c), removes what a crashed run recorded there. */
void manager_vips_recover(Manager *m, const ConfGlobal *g);
/* promote_secondaries (keepalived): net.ipv4.conf.IF.promote_secondaries=1 while an instance asking for it
 * runs there; put back to 0 after the last one if vrrpd set it. Logs its errors. */
int manager_promote_hold(Manager *m, int ifindex);
void manager_promote_release(Manager *m, int ifindex);
/* vrrp_startup_delay and vrrp_delay_after_boot (manager-hold.c): the deadline on CLOCK_MONOTONIC, from when
 * the daemon started, the time now and CLOCK_BOOTTIME now; begin (initial) or move the hold; while it runs,
 * instances stay in INIT and start when it ends. */
usec_t manager_hold_deadline(const ConfGlobal *g, usec_t started, usec_t now, usec_t boot_now);
int manager_hold_update(Manager *m, const ConfGlobal *g, bool initial);
bool manager_holding(const Manager *m);
/* Persistent maintenance (manager-maintenance.c), kept by instance name under the state directory. _load:
 * at startup, before the first reload reads it (logs its errors). _set: maintenance on or off, and, if
 * persistent, saved first (nothing changes when that fails); off also forgets a saved one. _keep: a reload
 * drops (logged, saved) the names kept() says it does not keep. _restore: an instance about to start goes
 * into the maintenance saved for its name. */
void manager_maintenance_load(Manager *m, const ConfGlobal *g);
bool manager_maintenance_persistent(const Manager *m, const char *name);
int manager_set_maintenance(Manager *m, Instance *i, bool on, bool persistent);
void manager_maintenance_keep(Manager *m, bool (*kept)(const char *name, void *userdata), void *userdata);
int manager_maintenance_restore(Manager *m, Instance *i);
void manager_maintenance_done(Manager *m);
/* After a step of i that changed something: the listeners hear it, then its sync group follows. */
void manager_on_instance_changed(Manager *m, Instance *i, const VrrpActions *a);

/* For reload.c. */
/* The monitor hears of routes and rules when the config has some (manager->config). */
void manager_watch_routes(Manager *m);
/* The netlink monitor's socket is readable (manager-monitor.c). */
int manager_on_monitor(sd_event_source *s, int fd, uint32_t revents, void *userdata);
int manager_endpoint_for(Manager *m, const Instance *i, Endpoint **ret);
/* Indexes instances and groups anew, once the running set is what the config says. 0 or -ENOMEM. */
int manager_index(Manager *m);

static inline void manager_freep(Manager **p) {
        manager_free(*p);
}
