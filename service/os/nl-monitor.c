#include <assert.h>
#include <errno.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/socket.h>

#include "os/nl-monitor.h"
#include "os/nl-route.h"
#include "os/nl-rule.h"
#include "util/cleanup.h"

/* A non-blocking rtnetlink socket subscribed to link and address changes, and on request to route and rule
 * changes; the caller watches its fd in sd-event and calls nl_monitor_dispatch() when it is readable.
 * Non-logging. */

DEFINE_CLEANUP(struct nl_sock *, nl_socket_free)
DEFINE_CLEANUP(struct rtnl_link *, rtnl_link_put)
DEFINE_CLEANUP(struct nl_cb *, nl_cb_put)

int nl_monitor_open(struct nl_sock **ret) {
        _cleanup_(nl_socket_freep) struct nl_sock *sk = NULL;

        assert(ret);
        sk = nl_socket_alloc();
        if (!sk)
                return -ENOMEM;
        /* Notifications carry the kernel's sequence numbers, not ours. */
        nl_socket_disable_seq_check(sk);
        if (nl_connect(sk, NETLINK_ROUTE) < 0)
                return -EIO;
        if (nl_socket_add_memberships(sk, RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR, 0) < 0)
                return -EIO;
        if (nl_socket_set_nonblocking(sk) < 0)
                return -EIO;
        /* Bursts of address events at reload or at a flap must not overflow into ENOBUFS. */
        (void) nl_socket_set_buffer_size(sk, 4 * 1024 * 1024, 0);
        *ret = TAKE_PTR(sk);
        return 0;
}

int nl_monitor_watch_routes(struct nl_sock *sk, bool on) {
        int r;

        assert(sk);

        r = (on ? nl_socket_add_memberships : nl_socket_drop_memberships)(
                sk, RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE, RTNLGRP_IPV4_RULE, RTNLGRP_IPV6_RULE, 0);
        return r < 0 ? -EIO : 0;
}

int nl_monitor_fd(struct nl_sock *sk) {
        assert(sk);
        return nl_socket_get_fd(sk);
}

static void nl_monitor_on_link(struct nlmsghdr *h, const NlMonitorHandlers *hd) {
        struct nlattr *tb[IFLA_MAX + 1];
        const struct ifinfomsg *ifi = nlmsg_data(h);
        const char *name = NULL;
        bool up;

        if (nlmsg_parse(h, sizeof(*ifi), tb, IFLA_MAX, NULL) < 0)
                return;
        /* the kernel ends it with a NUL; a name without one is left out, not read past its attribute */
        if (tb[IFLA_IFNAME] && memchr(nla_data(tb[IFLA_IFNAME]), '\0', (size_t) nla_len(tb[IFLA_IFNAME])))
                name = nla_get_string(tb[IFLA_IFNAME]);
        up = (ifi->ifi_flags & IFF_UP) && (ifi->ifi_flags & IFF_LOWER_UP);
        if (hd->link)
                hd->link(hd->userdata, ifi->ifi_index, name, up, h->nlmsg_type == RTM_DELLINK);
}

static void nl_monitor_on_addr(struct nlmsghdr *h, const NlMonitorHandlers *hd) {
        struct nlattr *tb[IFA_MAX + 1];
        const struct ifaddrmsg *ifa = nlmsg_data(h);
        struct nlattr *a;
        VrrpAddr addr = {};
        size_t len;

        if (nlmsg_parse(h, sizeof(*ifa), tb, IFA_MAX, NULL) < 0)
                return;
        /* IFA_LOCAL is the address itself; IFA_ADDRESS is the peer on point-to-point links. */
        a = tb[IFA_LOCAL] ?: tb[IFA_ADDRESS];
        len = vrrp_addr_len(ifa->ifa_family);
        if (!a || (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6) || (size_t) nla_len(a) != len)
                return;
        memcpy(addr.bytes, nla_data(a), len);
        if (hd->address)
                hd->address(hd->userdata, ifa->ifa_family, (int) ifa->ifa_index, &addr, ifa->ifa_prefixlen,
                            h->nlmsg_type == RTM_NEWADDR);
}

static void nl_monitor_on_route(struct nlmsghdr *h, const NlMonitorHandlers *hd) {
        NlRouteEvent e;

        if (!hd->route || nl_route_event_parse(h, &e) < 0)
                return;
        if (e.cloned || (e.table == RT_TABLE_LOCAL && !hd->local_table))
                return;
        hd->route(hd->userdata, &e, h->nlmsg_type == RTM_NEWROUTE);
}

static void nl_monitor_on_rule(struct nlmsghdr *h, const NlMonitorHandlers *hd) {
        NlRuleEvent e;

        if (hd->rule && nl_rule_event_parse(h, &e) >= 0)
                hd->rule(hd->userdata, &e, h->nlmsg_type == RTM_NEWRULE);
}

void nl_monitor_handle(struct nlmsghdr *h, const NlMonitorHandlers *hd) {
        assert(h);
        assert(hd);

        switch (h->nlmsg_type) {
        case RTM_NEWLINK:
        case RTM_DELLINK:
                if (nlmsg_valid_hdr(h, sizeof(struct ifinfomsg)))
                        nl_monitor_on_link(h, hd);
                break;
        case RTM_NEWADDR:
        case RTM_DELADDR:
                if (nlmsg_valid_hdr(h, sizeof(struct ifaddrmsg)))
                        nl_monitor_on_addr(h, hd);
                break;
        case RTM_NEWROUTE:
        case RTM_DELROUTE:
                nl_monitor_on_route(h, hd);
                break;
        case RTM_NEWRULE:
        case RTM_DELRULE:
                nl_monitor_on_rule(h, hd);
                break;
        default:
                break;
        }
}

static int nl_monitor_on_msg(struct nl_msg *msg, void *arg) {
        nl_monitor_handle(nlmsg_hdr(msg), arg);
        return NL_OK;
}

/* Reads what is pending. Returns 0, or -ENOBUFS when the kernel dropped events (the caller resyncs). */
int nl_monitor_dispatch(struct nl_sock *sk, const NlMonitorHandlers *h) {
        _cleanup_(nl_cb_putp) struct nl_cb *cb = NULL;

        assert(sk);
        assert(h);
        cb = nl_socket_get_cb(sk);
        if (!cb)
                return -ENOMEM;
        nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, nl_monitor_on_msg, (void *) h);
        /* Bounded: after 64 datagrams the loop gets control back and calls us again if more is pending. */
        for (unsigned i = 0; i < 64; i++) {
                int r = nl_recvmsgs_report(sk, cb); /* > 0 messages read, < 0 error */

                if (r == -NLE_NOMEM)
                        return -ENOBUFS;
                if (r == 0 || r == -NLE_AGAIN) /* libnl 3.7 answers a drained socket with NLE_AGAIN */
                        return 0;
                if (r < 0)
                        return -EIO;
        }
        return 0;
}

/* Asks the kernel for one link's state now (startup, resync). sk must be a request socket (nl_vip_open()),
 * not the monitor: answers to requests and notifications do not mix. */
int nl_monitor_link_state(struct nl_sock *sk, int ifindex, bool *ret_up) {
        _cleanup_(rtnl_link_putp) struct rtnl_link *link = NULL;
        unsigned flags;
        int r;

        assert(sk);
        assert(ret_up);
        r = rtnl_link_get_kernel(sk, ifindex, NULL, &link);
        if (r == -NLE_OBJ_NOTFOUND || r == -NLE_NODEV)
                return -ENODEV;
        if (r < 0)
                return -EIO;
        flags = rtnl_link_get_flags(link);
        *ret_up = (flags & IFF_UP) && (flags & IFF_LOWER_UP);
        return 0;
}
