#pragma once

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/vrrp-addr.h"

struct nl_sock;

/* A VIP as netlink sees it: keepalived's `ADDR[/LEN] [brd X] [dev IF] [scope S] [label L] [noprefixroute]
 * [-nodad]` resolved to numbers by the caller. (Named nl_vip_*, not nl_addr_*: libnl owns that prefix.) */
typedef struct NlVip {
        int family;
        int ifindex;
        VrrpAddr addr;
        uint8_t prefixlen;
        bool has_broadcast;
        VrrpAddr broadcast;
        int scope;               /* RT_SCOPE_* */
        char label[IFNAMSIZ];    /* IPv4 only; empty for none */
        bool noprefixroute;
        bool nodad;              /* IPv6: usable at once, no duplicate address detection */
        bool has_peer;           /* the other end of a point-to-point address (IFA_ADDRESS) */
        VrrpAddr peer;
        uint8_t peer_prefixlen;
        bool has_preferred_lft;  /* preferred lifetime, seconds (UINT32_MAX: forever; 0: deprecated) */
        uint32_t preferred_lft;
        uint32_t extra_flags;    /* IFA_F_HOMEADDRESS, IFA_F_MANAGETEMPADDR, IFA_F_MCAUTOJOIN */
} NlVip;

int nl_vip_open(struct nl_sock **ret);
int nl_vip_add(struct nl_sock *sk, const NlVip *vip);
int nl_vip_del(struct nl_sock *sk, const NlVip *vip);
