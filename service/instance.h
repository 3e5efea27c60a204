#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <systemd/sd-event.h>

#include "core/vrrp-check.h"
#include "core/vrrp-fsm.h"
#include "core/vrrp-garp.h"
#include "core/vrrp-packet.h"
#include "core/vrrp-restore.h"
#include "instance-params.h"
#include "os/sock-vrrp.h"
#include "route/route-set.h"
#include "track/tracking.h"

typedef struct Config Config;
typedef struct ConfInstance ConfInstance;
typedef struct Endpoint Endpoint;
typedef struct InstanceHmac InstanceHmac;
typedef struct Manager Manager;
typedef struct SyncGroup SyncGroup;
typedef struct Tick Tick;
typedef struct VmacLink VmacLink;

/* Counters of DESIGN §3's Statistics, besides one per drop reason and per note. */
typedef enum InstanceCounter {
        INSTANCE_ADVERTS_SENT,
        INSTANCE_ADVERTS_RECEIVED,
        INSTANCE_BECAME_MASTER,
        INSTANCE_RELEASED_MASTER,
        INSTANCE_PRIORITY_ZERO_SENT,
        INSTANCE_PRIORITY_ZERO_RECEIVED,
        INSTANCE_ADVERTS_DROPPED, /* sent as whole packets, refused by the interface's full queue */
        INSTANCE_REINSTATED,      /* times it put back what another program deleted (instance-restore.c) */
        _INSTANCE_COUNTER_MAX,
} InstanceCounter;

/* Faults of the instance itself, beside its tracks' (tracking_set_fault()); each holds it in FAULT. */
typedef enum InstanceFault {
        INSTANCE_FAULT_REINSTATE_LIMIT, /* it gave up putting back what another program deletes */
        INSTANCE_FAULT_NO_PEER,         /* unicast_fault_no_peer, and no unicast_peer */
        INSTANCE_FAULT_SOURCE,          /* track_src_ip: its source address is on no interface */
        INSTANCE_FAULT_NO_INTERFACE,    /* dynamic_interfaces: its interface does not exist (yet) */
        _INSTANCE_FAULT_MAX,
} InstanceFault;

typedef struct InstanceStats {
        uint64_t counters[_INSTANCE_COUNTER_MAX];
        uint64_t drops[_VRRP_DROP_MAX];
        uint64_t notes[_VRRP_RX_NOTE_MAX];
} InstanceStats;

typedef struct Instance {
        Manager *manager;

        /* What the config builds: instance_new() fills it, and a reload that keeps the instance swaps the new
         * config's in whole (instance_reconfigure(); a field added here must be added there). */
        const ConfInstance *conf; /* in manager->config, which outlives it */
        const char *name;
        int ifindex;
        VmacLink *vmac;           /* use_vmac: the macvlan carrying its VIPs and (vmac_xmit_base aside) adverts */
        int tx_ifindex;           /* where whole-packet adverts leave: the macvlan, or 0 for ifindex */
        VmacLink **vip_vmacs;     /* macvlans of VIPs of their own (use_vmac_addr, use_vmac on a VIP) */
        bool promote_held;        /* promote_secondaries held on ifindex (manager_promote_hold()) */
        size_t n_vip_vmacs;
        InstanceParams params;
        InstanceHmac *hmac;       /* auth_hmac: keys, policy, sequence and replay marks; NULL: none */
        RouteSet routes;          /* virtual_routes and virtual_rules, held with the VIPs */
        VrrpAddr src;             /* what our adverts come from: also the tie-break's primary address */
        VrrpAddr *dsts;           /* the multicast group, or the unicast peers */
        size_t n_dsts;
        bool multicast;
        Endpoint *endpoint;
        Instance *vrid_next;      /* the next instance with its VRID on the endpoint (endpoint.c) */
        bool joined;              /* holds a membership of the endpoint's multicast group */
        /* One advert per destination (v3's checksum covers the dst), each in a slot of tx_len bytes: the VRRP
         * message at VRRP_IP_HEADER_MAX, and for multicast its IP header just before it (sock-frame.h). */
        uint8_t *tx;
        VrrpChecksum tx_checksum; /* RFC, or keepalived's old unicast form (old_unicast_checksum, or heard) */
        int tx_priority;          /* the priority the adverts in tx carry, or -1: encode again */
        size_t tx_encoded_len;    /* of the VRRP message */
        size_t tx_header_len;     /* of the IP header before it; 0: none built */
        size_t tx_len;
        uint64_t tx_batch;        /* the endpoint batch our adverts were last queued in (endpoint.h) */
        bool *vip_preexisting;    /* an address owner's own addresses: never removed */
        InstanceTrack *tracks;    /* built after the instance (tracking.c) */
        VrrpTrack *vtracks;       /* the state, weight and reverse of tracks[k] */
        size_t n_tracks;
        VrrpGarpParams garp_params;
        size_t n_announce;        /* the VIPs announced, each on its own interface (announce.c) */

        /* What it runs with: kept across reloads. */
        VrrpFsm fsm;
        bool holds_vips;
        sd_event_source *timer;   /* Master_Down_Timer and friends; masters run on their Tick instead */
        Tick *tick;
        size_t tick_index;
        unsigned n_track_faults;  /* FAULT_SETs given to the FSM */
        uint8_t tracked_priority; /* what tracking says; a bus override (priority_override) wins */
        uint8_t priority_override;
        VrrpGarpSched garp;       /* gratuitous ARP / NA schedule (announce.c) */
        sd_event_source *garp_timer;
        sd_event_source *garp_extra_timer; /* garp_extra_if: periodic GARPs where no advert refreshes the MAC */
        InstanceStats stats;
        usec_t last_transition_realtime;
        VrrpReason last_reason;
        VrrpRestore restore;      /* putting back what another program deleted (instance-restore.c) */
        sd_event_source *restore_timer;
        unsigned faults;          /* a bit per InstanceFault (tracking_set_fault()) */
        struct VrrpPeers *peers;  /* the other routers heard (instance-peers.c); NULL until one is */
        sd_event_source *peers_timer;
        SyncGroup *sync_group;    /* set by the group (sync-group.c) */
        size_t sync_index;        /* position in sync_group */
} Instance;

/* Builds the instance of c, a config that is, or is about to become, the manager's: everything that can fail
 * (the interface, the source address, buffers), nothing that shows (no socket joined, no step). */
int instance_new(Manager *m, const Config *config, const ConfInstance *c, Instance **ret);
Instance *instance_free(Instance *i);
/* A reload keeps i: it takes what next was built with (instance_new() from the new config) and gives next
 * what it had, for instance_free(next). Its state, statistics and VIPs stay; VIPs the new config drops or
 * adds go or come (a master announces the new ones), Accept_Mode's filter follows. */
void instance_reconfigure(Instance *i, Instance *next);
/* The socket of i's interface and family (the manager's), its multicast group joined if i needs it: the last
 * thing instance_new() leaves to do, and the last that can fail. */
int instance_set_endpoint(Instance *i, Endpoint *e);
int instance_start(Instance *i);
int instance_step(Instance *i, const VrrpEvent *ev);

/* Brings what a tick's step reads into the cache ahead of the step: the instance's own lines that the FSM
 * and the send touch (not what they point to: loading the pointer would stall). A hint; it changes nothing. */
static inline void instance_prefetch(const Instance *i) {
        __builtin_prefetch(i);
        __builtin_prefetch(&i->fsm);
        __builtin_prefetch(&i->params.fsm);
        __builtin_prefetch(&i->tx_priority);
}
void instance_receive(Instance *i, const SockVrrpPacket *p, bool multicast);
const char *instance_counter_to_string(InstanceCounter c);

/* Control from above (the bus calls down): a runtime priority override (1–254; 0 drops it, back to what
 * tracking says), which an address owner never takes; maintenance (on: resign with priority 0 and stay
 * backup); one more round of gratuitous ARP / NA now, when master. */
uint8_t instance_tracked_priority(const Instance *i);
int instance_override_priority(Instance *i, uint8_t priority);
int instance_set_maintenance(Instance *i, bool on);
void instance_announce(Instance *i);

static inline void instance_freep(Instance **p) {
        instance_free(*p);
}
