#include <assert.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/socket.h>

#include "os/nl-errno.h"
#include "os/nl-vip.h"
#include "util/cleanup.h"

/* VIPs through rtnetlink (libnl-route-3). Non-logging; returns negative errno (nl_errno()). */

DEFINE_CLEANUP(struct nl_sock *, nl_socket_free)
DEFINE_CLEANUP(struct rtnl_addr *, rtnl_addr_put)
DEFINE_CLEANUP(struct nl_addr *, nl_addr_put)

int nl_vip_open(struct nl_sock **ret) {
        _cleanup_(nl_socket_freep) struct nl_sock *sk = NULL;
        int r;

        assert(ret);
        sk = nl_socket_alloc();
        if (!sk)
                return -ENOMEM;
        r = nl_connect(sk, NETLINK_ROUTE);
        if (r < 0)
                return nl_errno(r);
        *ret = TAKE_PTR(sk);
        return 0;
}

static int nl_vip_set_local(struct rtnl_addr *a, const NlVip *vip) {
        _cleanup_(nl_addr_putp) struct nl_addr *local = NULL;
        int r;

        local = nl_addr_build(vip->family, vip->addr.bytes, vrrp_addr_len(vip->family));
        if (!local)
                return -ENOMEM;
        nl_addr_set_prefixlen(local, vip->prefixlen);
        rtnl_addr_set_ifindex(a, vip->ifindex);
        rtnl_addr_set_family(a, vip->family);
        r = rtnl_addr_set_local(a, local);
        return r < 0 ? nl_errno(r) : 0;
}

static int nl_vip_set_peer(struct rtnl_addr *a, const NlVip *vip) {
        _cleanup_(nl_addr_putp) struct nl_addr *peer = NULL;
        int r;

        if (!vip->has_peer)
                return 0;
        peer = nl_addr_build(vip->family, vip->peer.bytes, vrrp_addr_len(vip->family));
        if (!peer)
                return -ENOMEM;
        nl_addr_set_prefixlen(peer, vip->peer_prefixlen);
        r = rtnl_addr_set_peer(a, peer);
        return r < 0 ? nl_errno(r) : 0;
}

static int nl_vip_set_options(struct rtnl_addr *a, const NlVip *vip) {
        unsigned flags = 0;
        int r;

        if (vip->has_broadcast && vip->family == AF_INET) {
                _cleanup_(nl_addr_putp) struct nl_addr *brd = NULL;

                brd = nl_addr_build(AF_INET, vip->broadcast.bytes, sizeof(struct in_addr));
                if (!brd)
                        return -ENOMEM;
                r = rtnl_addr_set_broadcast(a, brd);
                if (r < 0)
                        return nl_errno(r);
        }
        rtnl_addr_set_scope(a, vip->scope);
        if (vip->label[0] != '\0' && vip->family == AF_INET) {
                r = rtnl_addr_set_label(a, vip->label);
                if (r < 0)
                        return nl_errno(r);
        }
        if (vip->noprefixroute)
                flags |= IFA_F_NOPREFIXROUTE;
        if (vip->nodad && vip->family == AF_INET6)
                flags |= IFA_F_NODAD;
        flags |= vip->extra_flags;
        if (flags)
                rtnl_addr_set_flags(a, flags);
        if (vip->has_preferred_lft) {
                rtnl_addr_set_valid_lifetime(a, UINT32_MAX); /* forever, as keepalived */
                rtnl_addr_set_preferred_lifetime(a, vip->preferred_lft);
        }
        return nl_vip_set_peer(a, vip);
}

static int nl_vip_build(const NlVip *vip, bool with_options, struct rtnl_addr **ret) {
        _cleanup_(rtnl_addr_putp) struct rtnl_addr *a = NULL;
        int r;

        a = rtnl_addr_alloc();
        if (!a)
                return -ENOMEM;
        r = nl_vip_set_local(a, vip);
        if (r < 0)
                return r;
        if (with_options) {
                r = nl_vip_set_options(a, vip);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(a);
        return 0;
}

/* Adds the VIP; one already there is fine (returns 0): a master re-adding a VIP after a flap is normal. */
int nl_vip_add(struct nl_sock *sk, const NlVip *vip) {
        _cleanup_(rtnl_addr_putp) struct rtnl_addr *a = NULL;
        int r;

        assert(sk);
        assert(vip);
        r = nl_vip_build(vip, true, &a);
        if (r < 0)
                return r;
        r = rtnl_addr_add(sk, a, NLM_F_CREATE | NLM_F_REPLACE);
        if (r < 0 && r != -NLE_EXIST)
                return nl_errno(r);
        return 0;
}

/* Removes the VIP; one already gone is fine (returns 0), so removal is idempotent. */
int nl_vip_del(struct nl_sock *sk, const NlVip *vip) {
        _cleanup_(rtnl_addr_putp) struct rtnl_addr *a = NULL;
        int r;

        assert(sk);
        assert(vip);
        r = nl_vip_build(vip, false, &a);
        if (r < 0)
                return r;
        r = rtnl_addr_delete(sk, a, 0);
        if (r < 0 && r != -NLE_NOADDR && r != -NLE_OBJ_NOTFOUND)
                return nl_errno(r);
        return 0;
}
