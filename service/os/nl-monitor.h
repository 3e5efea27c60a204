#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "core/vrrp-addr.h"

struct NlRouteEvent;
struct NlRuleEvent;
struct nl_sock;

/* What the rtnetlink monitor reports; a handler left NULL is skipped. A link is "up" for VRRP when it is
 * administratively up and has carrier (IFF_UP and IFF_LOWER_UP), as keepalived judges it. Routes and rules
 * come only once nl_monitor_watch_routes() joined their groups; nl_route_is() / nl_rule_is() tell ours.
 * Cloned (cache) routes are never reported, nor routes of the local table unless local_table is set (the
 * kernel adds and removes one there for every address). */
typedef struct NlMonitorHandlers {
        void (*link)(void *userdata, int ifindex, const char *ifname, bool up, bool removed);
        void (*address)(void *userdata, int family, int ifindex, const VrrpAddr *addr, uint8_t prefixlen,
                        bool added);
        void (*route)(void *userdata, const struct NlRouteEvent *e, bool added);
        void (*rule)(void *userdata, const struct NlRuleEvent *e, bool added);
        bool local_table; /* report routes of the local table too: set when one of ours is there */
        void *userdata;
} NlMonitorHandlers;

int nl_monitor_open(struct nl_sock **ret);
/* Joins (on) or leaves the IPv4 and IPv6 route and rule groups. Only a daemon with routes or rules to keep
 * should join: on a router with a busy routing table every change wakes the loop. */
int nl_monitor_watch_routes(struct nl_sock *sk, bool on);
int nl_monitor_fd(struct nl_sock *sk);
/* Reads what is pending. Returns 0, or -ENOBUFS when the kernel dropped events: the caller resyncs links,
 * and, with routes watched, re-adds its routes and rules (those still there answer 1). */
int nl_monitor_dispatch(struct nl_sock *sk, const NlMonitorHandlers *h);
/* One message as nl_monitor_dispatch() hands it over (libnl checked that its length fits the datagram):
 * what it says goes to the handlers; anything malformed or of another type is dropped. */
struct nlmsghdr;
void nl_monitor_handle(struct nlmsghdr *h, const NlMonitorHandlers *hd);
int nl_monitor_link_state(struct nl_sock *sk, int ifindex, bool *ret_up);
