#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <systemd/sd-event.h>

#include "core/vrrp-addr.h"
#include "core/vrrp-garp.h"
#include "os/sock-vrrp.h"

typedef struct Instance Instance;
typedef struct Manager Manager;

/* A multicast group the socket joined, and how many instances hold it */
typedef struct EndpointGroup {
        VrrpAddr addr;
        size_t n;
} EndpointGroup;

/* One raw socket per (interface, family), shared by every instance there; received adverts are handed to the
 * instance of their VRID in O(1) (DESIGN §1), or, where instances share a VRID (other groups, other unicast
 * peers), to the one they are for. Sends are queued and go out together with sendmmsg. */
typedef struct Endpoint {
        Manager *manager;
        int family;
        int ifindex;
        int fd;
        sd_event_source *io;
        Instance *by_vrid[256];   /* each a list through Instance.vrid_next */
        size_t n_instances;
        EndpointGroup *groups;    /* joined while some instance holds a membership (endpoint_join()) */
        size_t n_groups;
        SockVrrpSend *pending;
        size_t n_pending;
        size_t n_pending_alloc;
        uint64_t batch;            /* counts flushes: adverts queued since the last one belong to batch + 1 */
        int frame_fd;              /* sock-frame.h, opened at the first multicast send; -EOPNOTSUPP: not here */
        int garp_fd;               /* AF_PACKET, opened at the first announcement */
        VrrpGarpPacer garp_pacer;  /* vrrp_garp_interval / vrrp_gna_interval across the interface's instances */
        uint64_t drops_no_instance; /* adverts for a VRID nobody here runs */
        uint64_t drops_malformed;   /* too short for an IP header */
} Endpoint;

int endpoint_new(Manager *m, int family, int ifindex, Endpoint **ret);
Endpoint *endpoint_free(Endpoint *e);
static inline void endpoint_freep(Endpoint **p) {
        endpoint_free(*p);
}
/* A multicast group, joined while some instance holds a membership (counted): taken when an instance is
 * built (instance_set_endpoint()), so a reload finds a failure before it changes anything. */
int endpoint_join(Endpoint *e, const VrrpAddr *group);
void endpoint_leave(Endpoint *e, const VrrpAddr *group);
/* Adverts for i's VRID go to i, or to whichever of the instances with that VRID they are for (the config
 * checks keep them apart). Detaching an instance that is not attached does nothing; e NULL (an instance
 * waiting for its interface has no socket) neither. */
int endpoint_attach(Endpoint *e, Instance *i);
void endpoint_detach(Endpoint *e, Instance *i);
/* Queues an advert; its buffers must stay valid until endpoint_flush(), which sends the queue with as few
 * system calls as it can: whole packets on the frame socket where it works, the rest on the raw socket. */
/* Hands a received advert to the instance of its VRID (or counts it as for nobody). */
void endpoint_dispatch(Endpoint *e, const SockVrrpPacket *p);
int endpoint_queue(Endpoint *e, const SockVrrpSend *s);
int endpoint_flush(Endpoint *e);

/* The batch that adverts queued now go out in: an instance that re-encodes its adverts while an earlier one
 * is still queued in this batch flushes first. */
static inline uint64_t endpoint_batch(const Endpoint *e) {
        return e->batch + 1;
}
