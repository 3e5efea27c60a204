#pragma once

/* The other routers as one instance hears them (issue 14): only masters advertise, so this is "who advertises
 * this VRID here, and does it agree". Observation only: what it learns never reaches the state machine or its
 * timers (DESIGN §1). Pure, on the caller's clocks: monotonic for the rules, the wall clock only to show.
 *
 * Split brain: we are master and one other router keeps advertising without our yielding to it (it has a lower
 * priority, or a link that carries our adverts one way only): two of its valid adverts at least one of its
 * intervals apart while we stay master raise it; a Master_Down_Interval without such an advert, or our leaving
 * master, clears it. A normal preemption never raises it: the lower master steps down at our first advert. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vrrp-addr.h"
#include "vrrp-time.h"

#define VRRP_PEERS_MAX 4 /* routers remembered per instance (only masters advertise: one, two in a split brain); the
                          * least recently heard one makes room */

typedef struct VrrpPeer {
        VrrpAddr addr;
        uint8_t priority;       /* last advertised */
        usec_t first_heard;     /* monotonic */
        usec_t last_heard;
        usec_t first_heard_rt;  /* the same, wall clock, for showing */
        usec_t last_heard_rt;
        usec_t unyielded_first; /* its first advert of the current run we did not yield to; 0: none */
        usec_t unyielded_last;
} VrrpPeer;

typedef struct VrrpPeers {
        int family;
        VrrpPeer items[VRRP_PEERS_MAX];
        size_t n;
        bool split_brain;
} VrrpPeers;

/* What an observation changed, for who shows it (the bus): a router appeared, changed its priority or fell
 * silent; split brain started or ended. Per advert, nothing of these usually. */
enum {
        VRRP_PEERS_CHANGED = 1u << 0,
        VRRP_PEERS_SPLIT_CHANGED = 1u << 1,
};

void vrrp_peers_init(VrrpPeers *v, int family);

/* A valid advert (checks and authentication passed) from src, not our own. still_master: we are master after
 * the state machine took it (we did not yield); interval: its advertised interval (0: unknown). */
unsigned vrrp_peers_heard(VrrpPeers *v, const VrrpAddr *src, uint8_t priority, usec_t interval, bool still_master,
                          usec_t now, usec_t realtime);

/* Forgets the routers silent for down_interval, and split brain when no router went unyielded that long.
 * not_master: we are not master (split brain ends at once). */
unsigned vrrp_peers_expire(VrrpPeers *v, usec_t down_interval, bool not_master, usec_t now);

/* When vrrp_peers_expire() has something to do next (USEC_INFINITY: nothing). */
usec_t vrrp_peers_next_expiry(const VrrpPeers *v, usec_t down_interval);
