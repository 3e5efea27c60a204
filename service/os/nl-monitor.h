#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "core/vrrp-addr.h"

struct nl_sock;

/* What the rtnetlink monitor reports. A link is "up" for VRRP when it is administratively up and has carrier
 * (IFF_UP and IFF_LOWER_UP), as keepalived judges it. */
typedef struct NlMonitorHandlers {
        void (*link)(void *userdata, int ifindex, const char *ifname, bool up, bool removed);
        void (*address)(void *userdata, int family, int ifindex, const VrrpAddr *addr, uint8_t prefixlen,
                        bool added);
        void *userdata;
} NlMonitorHandlers;

int nl_monitor_open(struct nl_sock **ret);
int nl_monitor_fd(struct nl_sock *sk);
int nl_monitor_dispatch(struct nl_sock *sk, const NlMonitorHandlers *h);
int nl_monitor_link_state(struct nl_sock *sk, int ifindex, bool *ret_up);
