#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "core/vrrp-addr.h"

struct ConfRoute;
struct nl_msg;
struct nl_sock;
struct nlmsghdr;

/* A route of virtual_routes / static_routes with what the daemon resolves for it: the interfaces' indexes
 * and the table for a route that names none (RT_TABLE_MAIN; the VRF's table when the instance's interface is
 * enslaved to one, else such a route would land in main and miss the VRF: FRR's issue #18363). */
typedef struct NlRoute {
        const struct ConfRoute *conf;
        int ifindex;              /* of conf->dev; 0: none */
        const int *nh_ifindex;    /* of conf->nexthops[k].dev, conf->n_nexthops of them (0: none) */
        uint32_t default_table;   /* when !conf->has_table */
} NlRoute;

/* What a route notice (or dump answer) says of a route: the kernel's key (family, table, dst/len, tos,
 * priority, and for IPv6 the source prefix), and type, protocol, output interface and gateway. */
typedef struct NlRouteEvent {
        int family;
        uint32_t table;
        VrrpAddr dst;
        uint8_t dst_len;
        VrrpAddr src;             /* IPv6 "from" (RTA_SRC) */
        uint8_t src_len;
        uint8_t tos;
        uint32_t priority;        /* RTA_PRIORITY; 0 when absent */
        uint8_t type;
        uint8_t protocol;
        int oif;                  /* RTA_OIF; 0: none (multipath routes carry theirs per nexthop) */
        int via_family;           /* RTA_GATEWAY (the route's family) or RTA_VIA; 0: none */
        VrrpAddr via;
        bool multipath;
        bool cloned;              /* RTM_F_CLONED: a cache entry, never ours */
} NlRouteEvent;

/* The table route goes to, and the scope it is added with: the configured one, else ip(8)'s choice (IPv6:
 * universe; local/nat: host; broadcast/anycast/multicast: link; unicast without a gateway or nexthops: link;
 * universe otherwise). keepalived 2.2.7 sends universe unless told, which the kernel refuses for local and
 * broadcast routes ("Invalid scope"). */
uint32_t nl_route_table(const NlRoute *route);
uint8_t nl_route_scope(const NlRoute *route);

/* The RTM_NEWROUTE / RTM_DELROUTE request for route (type: one of those two), for nl_route_add/del and
 * tests. */
int nl_route_request(const NlRoute *route, int type, struct nl_msg **ret);

/* Adds route. 0: added; 1: the route the kernel holds at its key (table, dst/len, tos, metric, IPv6 from) is
 * ours by nl_route_is(), nothing to do; -EEXIST: someone else's route holds that key and stays. */
int nl_route_add(struct nl_sock *sk, const NlRoute *route);
/* Deletes route, and only it: the request names every attribute, so the kernel matches it exactly. -ESRCH:
 * it is not there (deleted already, or replaced by another), which callers usually ignore. */
int nl_route_del(struct nl_sock *sk, const NlRoute *route);

/* Reads an RTM_NEWROUTE / RTM_DELROUTE message. -EBADMSG: not a route message of IPv4 or IPv6. */
int nl_route_event_parse(const struct nlmsghdr *h, NlRouteEvent *ret);
/* Whether e is about route: same key, type and protocol, and where route names them, the same output
 * interface and gateway (single-path routes). An IPv4 route without metric has priority 0, an IPv6 one 1024
 * (the kernel's IP6_RT_PRIO_USER). */
bool nl_route_is(const NlRoute *route, const NlRouteEvent *e);
/* Whether a and b make the same request: the same route in the kernel. */
bool nl_route_same(const NlRoute *a, const NlRoute *b);
