#include <assert.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/cache.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>

#include "os/nl-ifaddr.h"
#include "util/cleanup.h"

/* Address queries on a request socket (nl_vip_open()). Non-logging. A dump is a few kilobytes even on busy
 * hosts, and these run at startup, on reload and on link changes, not per packet. */

DEFINE_CLEANUP(struct nl_cache *, nl_cache_free)

typedef struct IfaddrQuery {
        int ifindex; /* 0: any */
        int family;
        const VrrpAddr *skip;
        size_t n_skip;
        const VrrpAddr *match; /* nl_ifaddr_is_local */
        bool found;
        VrrpAddr result;
} IfaddrQuery;

static bool ifaddr_in(int family, const VrrpAddr *a, const VrrpAddr *list, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (vrrp_addr_cmp(family, a, &list[i]) == 0)
                        return true;
        return false;
}

static void ifaddr_visit(struct nl_object *obj, void *arg) {
        struct rtnl_addr *a = (struct rtnl_addr *) obj;
        IfaddrQuery *q = arg;
        struct nl_addr *local;
        VrrpAddr addr = {};

        if (q->found || rtnl_addr_get_family(a) != q->family)
                return;
        if (q->ifindex > 0 && rtnl_addr_get_ifindex(a) != q->ifindex)
                return;
        local = rtnl_addr_get_local(a);
        if (!local || nl_addr_get_len(local) != vrrp_addr_len(q->family))
                return;
        memcpy(addr.bytes, nl_addr_get_binary_addr(local), vrrp_addr_len(q->family));
        if (q->match) {
                q->found = vrrp_addr_cmp(q->family, &addr, q->match) == 0;
                return;
        }
        if (q->family == AF_INET && (rtnl_addr_get_flags(a) & IFA_F_SECONDARY))
                return;
        if (q->family == AF_INET6 && rtnl_addr_get_scope(a) != RT_SCOPE_LINK)
                return;
        if (ifaddr_in(q->family, &addr, q->skip, q->n_skip))
                return;
        q->result = addr;
        q->found = true;
}

static int ifaddr_walk(struct nl_sock *sk, IfaddrQuery *q) {
        _cleanup_(nl_cache_freep) struct nl_cache *cache = NULL;

        if (rtnl_addr_alloc_cache(sk, &cache) < 0)
                return -EIO;
        nl_cache_foreach(cache, ifaddr_visit, q);
        return 0;
}

int nl_ifaddr_primary(struct nl_sock *sk, int ifindex, int family, const VrrpAddr *skip, size_t n_skip,
                      VrrpAddr *ret) {
        IfaddrQuery q = { .ifindex = ifindex, .family = family, .skip = skip, .n_skip = n_skip };
        int r;

        assert(sk);
        assert(skip || n_skip == 0);
        assert(ret);
        r = ifaddr_walk(sk, &q);
        if (r < 0)
                return r;
        if (!q.found)
                return -EADDRNOTAVAIL;
        *ret = q.result;
        return 0;
}

int nl_ifaddr_is_local(struct nl_sock *sk, int family, const VrrpAddr *addr) {
        IfaddrQuery q = { .family = family, .match = addr };
        int r;

        assert(sk);
        assert(addr);
        r = ifaddr_walk(sk, &q);
        return r < 0 ? r : q.found;
}
