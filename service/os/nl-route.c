#include <assert.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "conf/conf-model.h"
#include "os/nl-route.h"
#include "os/nl-talk.h"
#include "util/cleanup.h"

/* Routes of virtual_routes / static_routes through rtnetlink. Non-logging; negative errno.
 *
 * The requests are built with libnl's nl_msg / nla_put API rather than rtnl_route: libnl 3.7 has no
 * RTA_PREF, RTA_EXPIRES or RTAX_CC_ALGO (a string inside RTA_METRICS, which libnl builds and closes itself),
 * so half a message from each would not do. */

#define NL_ROUTE_IPV6_METRIC 1024 /* IP6_RT_PRIO_USER: the kernel's metric for an IPv6 route without one */

DEFINE_CLEANUP(struct nl_msg *, nlmsg_free)

uint32_t nl_route_table(const NlRoute *route) {
        uint32_t t;

        assert(route && route->conf);

        t = route->conf->has_table ? route->conf->table : route->default_table;
        return t != RT_TABLE_UNSPEC ? t : RT_TABLE_MAIN;
}

uint8_t nl_route_scope(const NlRoute *route) {
        const ConfRoute *c;

        assert(route && route->conf);

        c = route->conf;
        if (c->scope != CONF_UNSET)
                return (uint8_t) c->scope;
        if (c->family == AF_INET6)
                return RT_SCOPE_UNIVERSE;
        switch (c->type) {
        case RTN_LOCAL:
        case RTN_NAT:
                return RT_SCOPE_HOST;
        case RTN_BROADCAST:
        case RTN_ANYCAST:
        case RTN_MULTICAST:
                return RT_SCOPE_LINK;
        case RTN_UNSPEC:
        case RTN_UNICAST:
                return c->via_family == 0 && c->n_nexthops == 0 ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
        default:
                return RT_SCOPE_UNIVERSE;
        }
}

/* The priority the kernel files the route under; an IPv6 route always has one. */
static uint32_t nl_route_metric(const ConfRoute *c) {
        uint32_t metric = c->has_metric ? c->metric : 0;

        return c->family == AF_INET6 && metric == 0 ? NL_ROUTE_IPV6_METRIC : metric;
}

/* A gateway of the route's own family is RTA_GATEWAY; one of the other ("via inet6" on an IPv4 route) is
 * RTA_VIA, a struct rtvia: the family, then the address. */
static int nl_route_put_via(struct nl_msg *m, int family, int via_family, const VrrpAddr *via) {
        uint8_t buf[sizeof(struct rtvia) + sizeof(VrrpAddr)];
        struct rtvia head = { .rtvia_family = (__kernel_sa_family_t) via_family };
        size_t len = vrrp_addr_len(via_family);

        if (via_family == family)
                return nl_talk_put_addr(m, RTA_GATEWAY, family, via);
        memcpy(buf, &head, sizeof(head));
        memcpy(buf + sizeof(head), via->bytes, len);
        return nla_put(m, RTA_VIA, (int) (sizeof(head) + len), buf);
}

/* One struct rtnexthop of RTA_MULTIPATH and its own attributes; rtnh_len covers both. */
static int nl_route_put_nexthop(struct nl_msg *m, const NlRoute *route, size_t k) {
        const ConfNexthop *nh = &route->conf->nexthops[k];
        struct rtnexthop *rtnh = nlmsg_reserve(m, sizeof(*rtnh), NLA_ALIGNTO);

        if (!rtnh)
                return -ENOMEM;
        *rtnh = (struct rtnexthop){
                .rtnh_flags = nh->onlink ? RTNH_F_ONLINK : 0,
                .rtnh_hops = (uint8_t) (nh->weight > 0 ? nh->weight - 1 : 0), /* ip(8)'s weight N is N - 1 */
                .rtnh_ifindex = route->nh_ifindex ? route->nh_ifindex[k] : 0,
        };
        if (nh->via_family != 0 && nl_route_put_via(m, route->conf->family, nh->via_family, &nh->via) < 0)
                return -ENOMEM;
        if (nh->realms != 0 && nla_put_u32(m, RTA_FLOW, nh->realms) < 0)
                return -ENOMEM;
        rtnh->rtnh_len = (unsigned short) ((uint8_t *) nlmsg_tail(nlmsg_hdr(m)) - (uint8_t *) rtnh);
        return 0;
}

static int nl_route_put_multipath(struct nl_msg *m, const NlRoute *route) {
        struct nlattr *nest;

        if (route->conf->n_nexthops == 0)
                return 0;
        nest = nla_nest_start(m, RTA_MULTIPATH);
        if (!nest)
                return -ENOMEM;
        for (size_t k = 0; k < route->conf->n_nexthops; k++)
                if (nl_route_put_nexthop(m, route, k) < 0)
                        return -ENOMEM;
        return nla_nest_end(m, nest) < 0 ? -ENOMEM : 0;
}

/* RTA_METRICS: the u32 metrics by RTAX_* index, congctl as RTAX_CC_ALGO, the "lock" bits as RTAX_LOCK. */
static int nl_route_put_metrics(struct nl_msg *m, const ConfRoute *c) {
        struct nlattr *nest;

        if (c->metrics_set == 0 && !c->congctl && c->metrics_lock == 0)
                return 0;
        nest = nla_nest_start(m, RTA_METRICS);
        if (!nest)
                return -ENOMEM;
        for (int x = RTAX_LOCK + 1; x < CONF_RTAX_N; x++)
                if (x != RTAX_CC_ALGO && (c->metrics_set & (1u << x)) &&
                    nla_put_u32(m, x, c->metrics[x]) < 0)
                        return -ENOMEM;
        if (c->congctl && nla_put_string(m, RTAX_CC_ALGO, c->congctl) < 0)
                return -ENOMEM;
        if (c->metrics_lock != 0 && nla_put_u32(m, RTAX_LOCK, c->metrics_lock) < 0)
                return -ENOMEM;
        return nla_nest_end(m, nest) < 0 ? -ENOMEM : 0;
}

/* Everything of the route but its header and nexthops. The priority goes out even when not configured for
 * IPv6 (1024, as the kernel would choose), so that a delete matches only ours. */
static int nl_route_put_attrs(struct nl_msg *m, const NlRoute *route) {
        const ConfRoute *c = route->conf;
        uint32_t table = nl_route_table(route);

        if ((table > 255 && nla_put_u32(m, RTA_TABLE, table) < 0) ||
            (c->dst_len > 0 && nl_talk_put_addr(m, RTA_DST, c->family, &c->dst) < 0) ||
            (c->has_from && nl_talk_put_addr(m, RTA_SRC, c->family, &c->from) < 0) ||
            (c->has_src && nl_talk_put_addr(m, RTA_PREFSRC, c->family, &c->src) < 0) ||
            (c->via_family != 0 && nl_route_put_via(m, c->family, c->via_family, &c->via) < 0) ||
            (route->ifindex > 0 && nla_put_u32(m, RTA_OIF, (uint32_t) route->ifindex) < 0) ||
            ((c->has_metric || c->family == AF_INET6) &&
             nla_put_u32(m, RTA_PRIORITY, nl_route_metric(c)) < 0) ||
            (c->realms != 0 && nla_put_u32(m, RTA_FLOW, c->realms) < 0) ||
            (c->has_expires && nla_put_u32(m, RTA_EXPIRES, c->expires) < 0) ||
            (c->pref != CONF_UNSET && nla_put_u8(m, RTA_PREF, (uint8_t) c->pref) < 0) ||
            (c->ttl_propagate != CONF_UNSET &&
             nla_put_u8(m, RTA_TTL_PROPAGATE, (uint8_t) c->ttl_propagate) < 0))
                return -ENOMEM;
        return nl_route_put_metrics(m, c);
}

/* Adding: NLM_F_CREATE, so a route someone deleted comes back, with what the route's mode says, as
 * keepalived and ip(8) send it: prepend (the default) puts ours in front of a route already at the same key
 * (table, dst/len, tos, metric; IPv6: and from) as another alias for IPv4, or merges a gateway route into it
 * as one more ECMP nexthop for IPv6; append puts it behind (NLM_F_APPEND); add leaves such a route alone and
 * fails (NLM_F_EXCL). An identical route answers EEXIST in every mode, and nl_route_add() then looks whether
 * it is ours. Deleting: no flags; the kernel matches every attribute given, so only ours goes. */
static int nl_route_add_flags(const ConfRoute *c) {
        switch (c->mode) {
        case CONF_ROUTE_ADD:
                return NLM_F_CREATE | NLM_F_EXCL;
        case CONF_ROUTE_APPEND:
                return NLM_F_CREATE | NLM_F_APPEND;
        default:
                return NLM_F_CREATE;
        }
}

int nl_route_request(const NlRoute *route, int type, struct nl_msg **ret) {
        _cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
        const ConfRoute *c;
        struct rtmsg rtm;
        uint32_t table;
        int r;

        assert(route && route->conf);
        assert(route->conf->n_nexthops == 0 || route->conf->nexthops);
        assert(type == RTM_NEWROUTE || type == RTM_DELROUTE);
        assert(ret);

        c = route->conf;
        table = nl_route_table(route);
        rtm = (struct rtmsg){
                .rtm_family = (uint8_t) c->family,
                .rtm_dst_len = c->dst_len,
                .rtm_src_len = c->has_from ? c->from_len : 0,
                .rtm_tos = c->tos,
                .rtm_table = (uint8_t) (table > 255 ? RT_TABLE_UNSPEC : table),
                .rtm_protocol = c->protocol,
                .rtm_scope = nl_route_scope(route),
                .rtm_type = c->type,
                .rtm_flags = c->onlink ? RTNH_F_ONLINK : 0,
        };
        m = nlmsg_alloc_simple(type, NLM_F_REQUEST | NLM_F_ACK | (type == RTM_NEWROUTE ? nl_route_add_flags(c) : 0));
        if (!m || nlmsg_append(m, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0)
                return -ENOMEM;
        r = nl_route_put_attrs(m, route);
        if (r < 0)
                return r;
        r = nl_route_put_multipath(m, route);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(m);
        return 0;
}

typedef struct NlRouteFind {
        const NlRoute *route;
        bool found;
} NlRouteFind;

static int nl_route_on_dump(struct nl_msg *m, void *userdata) {
        NlRouteFind *f = userdata;
        NlRouteEvent e;

        if (nl_route_event_parse(nlmsg_hdr(m), &e) < 0 || !nl_route_is(f->route, &e))
                return NL_OK;
        f->found = true;
        return NL_STOP;
}

/* 1 when the kernel holds a route that nl_route_is() calls ours, else 0. The dump asks only for routes of
 * its table, type and protocol: on a router with a full table, the rest stays in the kernel. */
static int nl_route_held(const NlRoute *route) {
        _cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
        NlRouteFind f = { .route = route };
        uint32_t table = nl_route_table(route);
        struct rtmsg rtm = {
                .rtm_family = (uint8_t) route->conf->family,
                .rtm_table = (uint8_t) (table > 255 ? RT_TABLE_UNSPEC : table),
                .rtm_protocol = route->conf->protocol,
                .rtm_type = route->conf->type,
        };
        int r;

        m = nlmsg_alloc_simple(RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP);
        if (!m || nlmsg_append(m, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0 ||
            nla_put_u32(m, RTA_TABLE, table) < 0)
                return -ENOMEM;
        r = nl_talk_dump(m, nl_route_on_dump, &f);
        return r < 0 ? r : f.found;
}

int nl_route_add(struct nl_sock *sk, const NlRoute *route) {
        _cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
        int r;

        assert(sk);

        r = nl_route_request(route, RTM_NEWROUTE, &m);
        if (r < 0)
                return r;
        r = nl_talk(sk, m);
        if (r != -EEXIST)
                return r;
        r = nl_route_held(route);
        return r == 0 ? -EEXIST : r;
}

int nl_route_del(struct nl_sock *sk, const NlRoute *route) {
        _cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
        int r;

        assert(sk);

        r = nl_route_request(route, RTM_DELROUTE, &m);
        return r < 0 ? r : nl_talk(sk, m);
}

static const struct nla_policy nl_route_policy[RTA_MAX + 1] = {
        [RTA_TABLE] = { .type = NLA_U32 },
        [RTA_PRIORITY] = { .type = NLA_U32 },
        [RTA_OIF] = { .type = NLA_U32 },
};

static int nl_route_get_via(struct nlattr *const *tb, NlRouteEvent *e) {
        struct rtvia head;

        if (tb[RTA_GATEWAY]) {
                e->via_family = e->family;
                return nl_talk_get_addr(tb[RTA_GATEWAY], e->family, &e->via);
        }
        if (!tb[RTA_VIA])
                return 0;
        if ((size_t) nla_len(tb[RTA_VIA]) < sizeof(head))
                return -EBADMSG;
        memcpy(&head, nla_data(tb[RTA_VIA]), sizeof(head));
        if (head.rtvia_family != AF_INET && head.rtvia_family != AF_INET6)
                return 0; /* an MPLS or other gateway: none of ours */
        if ((size_t) nla_len(tb[RTA_VIA]) != sizeof(head) + vrrp_addr_len(head.rtvia_family))
                return -EBADMSG;
        e->via_family = head.rtvia_family;
        memcpy(e->via.bytes, (const uint8_t *) nla_data(tb[RTA_VIA]) + sizeof(head),
               vrrp_addr_len(e->via_family));
        return 0;
}

int nl_route_event_parse(const struct nlmsghdr *h, NlRouteEvent *ret) {
        struct nlattr *tb[RTA_MAX + 1];
        const struct rtmsg *rtm;

        assert(h);
        assert(ret);

        if (!nlmsg_valid_hdr(h, sizeof(*rtm)))
                return -EBADMSG;
        rtm = nlmsg_data(h);
        /* nlmsg_parse() only reads h, whatever its prototype says */
        if ((rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6) ||
            nlmsg_parse((struct nlmsghdr *) h, sizeof(*rtm), tb, RTA_MAX, nl_route_policy) < 0)
                return -EBADMSG;
        *ret = (NlRouteEvent){
                .family = rtm->rtm_family,
                .table = tb[RTA_TABLE] ? nla_get_u32(tb[RTA_TABLE]) : rtm->rtm_table,
                .dst_len = rtm->rtm_dst_len,
                .src_len = rtm->rtm_src_len,
                .tos = rtm->rtm_tos,
                .priority = tb[RTA_PRIORITY] ? nla_get_u32(tb[RTA_PRIORITY]) : 0,
                .type = rtm->rtm_type,
                .protocol = rtm->rtm_protocol,
                .oif = tb[RTA_OIF] ? (int) nla_get_u32(tb[RTA_OIF]) : 0,
                .multipath = tb[RTA_MULTIPATH] != NULL,
                .cloned = rtm->rtm_flags & RTM_F_CLONED,
        };
        if (nl_talk_get_addr(tb[RTA_DST], ret->family, &ret->dst) < 0 ||
            nl_talk_get_addr(tb[RTA_SRC], ret->family, &ret->src) < 0 || nl_route_get_via(tb, ret) < 0)
                return -EBADMSG;
        return 0;
}

static bool nl_route_prefix_is(int family, const VrrpAddr *a, uint8_t a_len, const VrrpAddr *b,
                               uint8_t b_len) {
        return a_len == b_len && a_len <= 8 * vrrp_addr_len(family) &&
               vrrp_addr_prefix_equal(family, a, b, a_len);
}

/* The one nexthop of a single-path route: the route's own via and dev, or its only "nexthop" (the kernel
 * keeps a one-nexthop multipath route as a plain one). */
static void nl_route_single(const NlRoute *route, int *ret_ifindex, int *ret_via_family,
                            const VrrpAddr **ret_via) {
        const ConfRoute *c = route->conf;

        *ret_ifindex = route->ifindex;
        *ret_via_family = c->via_family;
        *ret_via = &c->via;
        if (c->n_nexthops != 1)
                return;
        if (route->nh_ifindex && route->nh_ifindex[0] > 0)
                *ret_ifindex = route->nh_ifindex[0];
        if (c->nexthops[0].via_family != 0) {
                *ret_via_family = c->nexthops[0].via_family;
                *ret_via = &c->nexthops[0].via;
        }
}

bool nl_route_is(const NlRoute *route, const NlRouteEvent *e) {
        static const VrrpAddr any = {};
        const ConfRoute *c;
        const VrrpAddr *via;
        int ifindex, via_family;

        assert(route && route->conf);
        assert(e);

        c = route->conf;
        if (e->cloned || e->family != c->family || e->table != nl_route_table(route) || e->tos != c->tos ||
            e->priority != nl_route_metric(c) || e->type != c->type || e->protocol != c->protocol)
                return false;
        if (!nl_route_prefix_is(c->family, &c->dst, c->dst_len, &e->dst, e->dst_len) ||
            !nl_route_prefix_is(c->family, c->has_from ? &c->from : &any, c->has_from ? c->from_len : 0,
                                &e->src, e->src_len))
                return false;
        if (c->n_nexthops > 1)
                return e->multipath;
        nl_route_single(route, &ifindex, &via_family, &via);
        if (ifindex > 0 && e->oif != ifindex)
                return false;
        return via_family == 0 ||
               (e->via_family == via_family && vrrp_addr_cmp(via_family, via, &e->via) == 0);
}

bool nl_route_same(const NlRoute *a, const NlRoute *b) {
        _cleanup_(nlmsg_freep) struct nl_msg *x = NULL, *y = NULL;

        assert(a);
        assert(b);

        if (nl_route_request(a, RTM_NEWROUTE, &x) < 0 || nl_route_request(b, RTM_NEWROUTE, &y) < 0)
                return false;
        return nl_talk_same(x, y);
}
