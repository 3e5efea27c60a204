#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "conf/conf-model.h"
#include "os/nl-route.h"
#include "os/nl-rule.h"
#include "util/cleanup.h"
#include "nl-test.h"
#include "vtest.h"

/* The route and rule requests read back attribute by attribute, without a kernel: this is where what the
 * kernel of these machines cannot show is checked (VRF tables: it has no VRF device type). */

typedef struct Req {
        struct nl_msg *m;
        struct nlmsghdr *h;
        struct rtmsg *rtm;
        struct nlattr *tb[RTA_MAX + 1];
} Req;

static void req(const NlRoute *r, int type, Req *ret) {
        *ret = (Req){};
        ASSERT_OK(nl_route_request(r, type, &ret->m));
        ret->h = nlmsg_hdr(ret->m);
        ret->rtm = nlmsg_data(ret->h);
        ASSERT_EQ(ret->h->nlmsg_type, type);
        ASSERT_OK(nlmsg_parse(ret->h, sizeof(struct rtmsg), ret->tb, RTA_MAX, NULL));
}

static void assert_addr(const struct nlattr *a, int family, const char *s) {
        VrrpAddr want = addr(family, s);

        ASSERT_TRUE(a != NULL);
        ASSERT_EQ(nla_len(a), vrrp_addr_len(family));
        ASSERT_MEMEQ(nla_data(a), want.bytes, vrrp_addr_len(family));
}

TEST(route_request_carries_every_field) {
        ConfRoute c = route(AF_INET, "203.0.113.0", 24);
        NlRoute r = { .conf = &c, .ifindex = 7, .default_table = RT_TABLE_MAIN };
        struct nlattr *mx[RTAX_MAX + 1];
        Req q;

        c.has_src = true, c.src = addr(AF_INET, "192.0.2.1");
        c.via_family = AF_INET, c.via = addr(AF_INET, "192.0.2.2");
        c.tos = 0x10, c.has_table = true, c.table = 1000, c.protocol = 99, c.has_metric = true,
        c.metric = 20;
        c.onlink = true, c.realms = 0x50006, c.ttl_propagate = 1;
        c.metrics_set = 1u << RTAX_MTU | 1u << RTAX_ADVMSS | 1u << RTAX_HOPLIMIT;
        c.metrics[RTAX_MTU] = 1400, c.metrics[RTAX_ADVMSS] = 1300, c.metrics[RTAX_HOPLIMIT] = 9;
        c.metrics_lock = 1u << RTAX_MTU | 1u << RTAX_CC_ALGO, c.congctl = "cubic";
        req(&r, RTM_NEWROUTE, &q); /* prepend, keepalived's and ip(8)'s default */
        ASSERT_EQ(q.h->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL | NLM_F_REPLACE | NLM_F_APPEND | NLM_F_ACK),
                  NLM_F_CREATE | NLM_F_ACK);
        nlmsg_free(q.m);
        c.mode = CONF_ROUTE_ADD;
        req(&r, RTM_NEWROUTE, &q);
        ASSERT_EQ(q.h->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL | NLM_F_APPEND), NLM_F_CREATE | NLM_F_EXCL);
        nlmsg_free(q.m);
        c.mode = CONF_ROUTE_APPEND;
        req(&r, RTM_NEWROUTE, &q);
        ASSERT_EQ(q.h->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL | NLM_F_APPEND), NLM_F_CREATE | NLM_F_APPEND);
        ASSERT_EQ(q.rtm->rtm_family, AF_INET);
        ASSERT_EQ(q.rtm->rtm_dst_len, 24);
        ASSERT_EQ(q.rtm->rtm_src_len, 0);
        ASSERT_EQ(q.rtm->rtm_tos, 0x10);
        ASSERT_EQ(q.rtm->rtm_table, RT_TABLE_UNSPEC); /* > 255: RTA_TABLE */
        ASSERT_EQ(nla_get_u32(q.tb[RTA_TABLE]), 1000);
        ASSERT_EQ(q.rtm->rtm_protocol, 99);
        ASSERT_EQ(q.rtm->rtm_scope, RT_SCOPE_UNIVERSE); /* a gateway: universe, as ip(8) */
        ASSERT_EQ(q.rtm->rtm_type, RTN_UNICAST);
        ASSERT_EQ(q.rtm->rtm_flags, RTNH_F_ONLINK);
        assert_addr(q.tb[RTA_DST], AF_INET, "203.0.113.0");
        assert_addr(q.tb[RTA_PREFSRC], AF_INET, "192.0.2.1");
        assert_addr(q.tb[RTA_GATEWAY], AF_INET, "192.0.2.2");
        ASSERT_TRUE(!q.tb[RTA_SRC] && !q.tb[RTA_VIA] && !q.tb[RTA_MULTIPATH] && !q.tb[RTA_PREF]);
        ASSERT_TRUE(!q.tb[RTA_EXPIRES]);
        ASSERT_EQ(nla_get_u32(q.tb[RTA_OIF]), 7);
        ASSERT_EQ(nla_get_u32(q.tb[RTA_PRIORITY]), 20);
        ASSERT_EQ(nla_get_u32(q.tb[RTA_FLOW]), 0x50006);
        ASSERT_EQ(nla_get_u8(q.tb[RTA_TTL_PROPAGATE]), 1);
        ASSERT_OK(nla_parse_nested(mx, RTAX_MAX, q.tb[RTA_METRICS], NULL));
        ASSERT_EQ(nla_get_u32(mx[RTAX_MTU]), 1400);
        ASSERT_EQ(nla_get_u32(mx[RTAX_ADVMSS]), 1300);
        ASSERT_EQ(nla_get_u32(mx[RTAX_HOPLIMIT]), 9);
        ASSERT_STREQ(nla_get_string(mx[RTAX_CC_ALGO]), "cubic");
        ASSERT_EQ(nla_get_u32(mx[RTAX_LOCK]), 1u << RTAX_MTU | 1u << RTAX_CC_ALGO);
        ASSERT_TRUE(!mx[RTAX_WINDOW] && !mx[RTAX_RTT] && !mx[RTAX_FEATURES]);
        nlmsg_free(q.m);
}

/* The same route, deleted: no create flags, the same attributes, so the kernel deletes only this one. */
TEST(route_request_delete) {
        ConfRoute c = route(AF_INET, "203.0.113.0", 24);
        NlRoute r = { .conf = &c, .ifindex = 7, .default_table = RT_TABLE_MAIN };
        Req q;

        req(&r, RTM_DELROUTE, &q);
        ASSERT_EQ(q.h->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL | NLM_F_REPLACE | NLM_F_APPEND), 0);
        ASSERT_EQ(q.rtm->rtm_protocol, 18);
        ASSERT_EQ(q.rtm->rtm_scope, RT_SCOPE_LINK);
        ASSERT_EQ(q.rtm->rtm_table, RT_TABLE_MAIN);
        ASSERT_TRUE(!q.tb[RTA_TABLE] && !q.tb[RTA_PRIORITY] && !q.tb[RTA_METRICS] && !q.tb[RTA_GATEWAY]);
        ASSERT_EQ(nla_get_u32(q.tb[RTA_OIF]), 7);
        nlmsg_free(q.m);
}

/* A route without "table" on a port of a VRF goes to the VRF's table (FRR's issue #18363), out of the port;
 * one with "table" keeps its own. */
TEST(route_request_vrf_port) {
        ConfRoute c = route(AF_INET, "198.51.100.0", 24);
        NlRoute r = { .conf = &c, .ifindex = 4, .default_table = 1001 };
        Req q;

        c.via_family = AF_INET, c.via = addr(AF_INET, "192.0.2.2");
        req(&r, RTM_NEWROUTE, &q);
        ASSERT_EQ(nla_get_u32(q.tb[RTA_TABLE]), 1001);
        ASSERT_EQ(q.rtm->rtm_table, RT_TABLE_UNSPEC);
        ASSERT_EQ(nla_get_u32(q.tb[RTA_OIF]), 4);
        nlmsg_free(q.m);
        r.default_table = 10; /* a VRF table below 256 fits the header */
        req(&r, RTM_NEWROUTE, &q);
        ASSERT_EQ(q.rtm->rtm_table, 10);
        ASSERT_TRUE(q.tb[RTA_TABLE] == NULL);
        nlmsg_free(q.m);
        c.has_table = true, c.table = 300;
        req(&r, RTM_DELROUTE, &q);
        ASSERT_EQ(nla_get_u32(q.tb[RTA_TABLE]), 300);
        nlmsg_free(q.m);
        c.has_table = false, r.default_table = 0; /* not resolved: main, never table 0 */
        ASSERT_EQ(nl_route_table(&r), RT_TABLE_MAIN);
}

TEST(route_request_ipv6_from_pref_expires) {
        ConfRoute c = route(AF_INET6, "2001:db8:5::", 64);
        NlRoute r = { .conf = &c, .default_table = RT_TABLE_MAIN };
        Req q;

        c.has_from = true, c.from = addr(AF_INET6, "2001:db8:6::"), c.from_len = 56;
        c.via_family = AF_INET6, c.via = addr(AF_INET6, "2001:db8::2");
        c.pref = 1 /* ICMPV6_ROUTER_PREF_HIGH */, c.has_expires = true, c.expires = 600;
        req(&r, RTM_NEWROUTE, &q);
        ASSERT_EQ(q.rtm->rtm_family, AF_INET6);
        ASSERT_EQ(q.rtm->rtm_src_len, 56);
        ASSERT_EQ(q.rtm->rtm_scope, RT_SCOPE_UNIVERSE);
        assert_addr(q.tb[RTA_SRC], AF_INET6, "2001:db8:6::");
        assert_addr(q.tb[RTA_GATEWAY], AF_INET6, "2001:db8::2");
        ASSERT_EQ(nla_get_u8(q.tb[RTA_PREF]), 1);
        ASSERT_EQ(nla_get_u32(q.tb[RTA_EXPIRES]), 600);
        ASSERT_EQ(nla_get_u32(q.tb[RTA_PRIORITY]), 1024); /* the kernel's own, spelled out */
        ASSERT_TRUE(q.tb[RTA_OIF] == NULL && q.tb[RTA_TTL_PROPAGATE] == NULL);
        nlmsg_free(q.m);
}

TEST(route_request_ipv4_via_inet6) {
        ConfRoute c = route(AF_INET, "203.0.113.0", 25);
        NlRoute r = { .conf = &c, .ifindex = 3, .default_table = RT_TABLE_MAIN };
        VrrpAddr want = addr(AF_INET6, "2001:db8::2");
        struct rtvia head;
        Req q;

        c.via_family = AF_INET6, c.via = want;
        req(&r, RTM_NEWROUTE, &q);
        ASSERT_TRUE(q.tb[RTA_GATEWAY] == NULL);
        ASSERT_EQ(nla_len(q.tb[RTA_VIA]), sizeof(head) + 16);
        memcpy(&head, nla_data(q.tb[RTA_VIA]), sizeof(head));
        ASSERT_EQ(head.rtvia_family, AF_INET6);
        ASSERT_MEMEQ((uint8_t *) nla_data(q.tb[RTA_VIA]) + sizeof(head), want.bytes, 16);
        nlmsg_free(q.m);
}

TEST(route_request_multipath) {
        ConfNexthop nh[] = {
                { .via_family = AF_INET, .via = addr(AF_INET, "192.0.2.2"), .weight = 2 },
                { .via_family = AF_INET,
                  .via = addr(AF_INET, "192.0.2.3"),
                  .weight = 256,
                  .onlink = true,
                  .realms = 4 },
                { .via_family = AF_INET6, .via = addr(AF_INET6, "2001:db8::2") },
        };
        const int nh_ifindex[] = { 0, 5, 6 };
        ConfRoute c = route(AF_INET, "198.51.100.128", 25);
        NlRoute r = { .conf = &c, .nh_ifindex = nh_ifindex, .default_table = RT_TABLE_MAIN };
        const struct rtnexthop *rtnh;
        struct nlattr *tb[RTA_MAX + 1];
        int left, k = 0;
        Req q;

        c.nexthops = nh, c.n_nexthops = ELEMENTSOF(nh);
        req(&r, RTM_NEWROUTE, &q);
        ASSERT_EQ(q.rtm->rtm_scope, RT_SCOPE_UNIVERSE);
        ASSERT_TRUE(!q.tb[RTA_GATEWAY] && !q.tb[RTA_OIF] && !q.tb[RTA_VIA]);
        rtnh = nla_data(q.tb[RTA_MULTIPATH]);
        for (left = nla_len(q.tb[RTA_MULTIPATH]); RTNH_OK(rtnh, left); k++) {
                ASSERT_TRUE(k < 3);
                ASSERT_EQ(rtnh->rtnh_ifindex, nh_ifindex[k]);
                ASSERT_EQ(rtnh->rtnh_hops, k == 0 ? 1 : k == 1 ? 255 : 0);
                ASSERT_EQ(rtnh->rtnh_flags, k == 1 ? RTNH_F_ONLINK : 0);
                ASSERT_OK(nla_parse(tb, RTA_MAX, (struct nlattr *) RTNH_DATA(rtnh),
                                    rtnh->rtnh_len - (int) sizeof(*rtnh), NULL));
                if (k < 2)
                        assert_addr(tb[RTA_GATEWAY], AF_INET, k == 0 ? "192.0.2.2" : "192.0.2.3");
                else
                        ASSERT_EQ(nla_len(tb[RTA_VIA]), sizeof(struct rtvia) + 16);
                ASSERT_TRUE(k == 1 ? nla_get_u32(tb[RTA_FLOW]) == 4 : tb[RTA_FLOW] == NULL);
                left -= RTNH_ALIGN(rtnh->rtnh_len);
                rtnh = RTNH_NEXT(rtnh);
        }
        ASSERT_EQ(k, 3);
        ASSERT_EQ(left, 0);
        nlmsg_free(q.m);
}

TEST(route_scope_as_ip_chooses) {
        ConfRoute c = route(AF_INET, "203.0.113.0", 24);
        NlRoute r = { .conf = &c };

        ASSERT_EQ(nl_route_scope(&r), RT_SCOPE_LINK); /* dev only */
        c.via_family = AF_INET;
        ASSERT_EQ(nl_route_scope(&r), RT_SCOPE_UNIVERSE);
        c.type = RTN_LOCAL;
        ASSERT_EQ(nl_route_scope(&r), RT_SCOPE_HOST);
        c.type = RTN_BROADCAST;
        ASSERT_EQ(nl_route_scope(&r), RT_SCOPE_LINK);
        c.type = RTN_BLACKHOLE, c.via_family = 0;
        ASSERT_EQ(nl_route_scope(&r), RT_SCOPE_UNIVERSE);
        c.type = RTN_UNICAST, c.scope = RT_SCOPE_SITE;
        ASSERT_EQ(nl_route_scope(&r), RT_SCOPE_SITE);
        c = route(AF_INET6, "2001:db8::", 64);
        ASSERT_EQ(nl_route_scope(&r), RT_SCOPE_UNIVERSE);
}

/* A request reads like the kernel's notice of the same route, so nl_route_is() can be tried on it. */
TEST(route_is_ours_by_key_type_protocol_oif_gateway) {
        ConfRoute c = route(AF_INET, "203.0.113.0", 24);
        NlRoute r = { .conf = &c, .ifindex = 7, .default_table = 1001 };
        NlRouteEvent e, other;
        Req q;

        c.via_family = AF_INET, c.via = addr(AF_INET, "192.0.2.2"), c.has_metric = true, c.metric = 5;
        req(&r, RTM_NEWROUTE, &q);
        ASSERT_OK(nl_route_event_parse(q.h, &e));
        nlmsg_free(q.m);
        ASSERT_EQ(e.table, 1001);
        ASSERT_EQ(e.priority, 5);
        ASSERT_EQ(e.oif, 7);
        ASSERT_TRUE(nl_route_is(&r, &e));
        other = e, other.priority = 6;
        ASSERT_FALSE(nl_route_is(&r, &other));
        other = e, other.table = RT_TABLE_MAIN;
        ASSERT_FALSE(nl_route_is(&r, &other));
        other = e, other.protocol = RTPROT_STATIC;
        ASSERT_FALSE(nl_route_is(&r, &other));
        other = e, other.type = RTN_BLACKHOLE;
        ASSERT_FALSE(nl_route_is(&r, &other));
        other = e, other.oif = 8;
        ASSERT_FALSE(nl_route_is(&r, &other));
        other = e, other.via.bytes[3] = 3;
        ASSERT_FALSE(nl_route_is(&r, &other));
        other = e, other.dst_len = 25;
        ASSERT_FALSE(nl_route_is(&r, &other));
        other = e, other.cloned = true;
        ASSERT_FALSE(nl_route_is(&r, &other));
        other = e, other.tos = 0x10;
        ASSERT_FALSE(nl_route_is(&r, &other));
}

TEST(route_is_ipv6_default_metric_and_from) {
        ConfRoute c = route(AF_INET6, "2001:db8:5::", 64);
        NlRoute r = { .conf = &c, .default_table = RT_TABLE_MAIN };
        NlRouteEvent e = { .family = AF_INET6,
                           .table = RT_TABLE_MAIN,
                           .dst = addr(AF_INET6, "2001:db8:5::"),
                           .dst_len = 64,
                           .priority = 1024,
                           .type = RTN_UNICAST,
                           .protocol = 18 };

        ASSERT_TRUE(nl_route_is(&r, &e));
        c.dst = addr(AF_INET6, "2001:db8:5::1"); /* the kernel files it without its host bits */
        ASSERT_TRUE(nl_route_is(&r, &e));
        c.has_from = true, c.from = addr(AF_INET6, "2001:db8:6::"), c.from_len = 64;
        ASSERT_FALSE(nl_route_is(&r, &e));
        e.src = c.from, e.src_len = 64;
        ASSERT_TRUE(nl_route_is(&r, &e));
        e.priority = 0;
        ASSERT_FALSE(nl_route_is(&r, &e));
}

TEST(route_event_parse_refuses_garbage) {
        struct nl_msg *m = nlmsg_alloc_simple(RTM_NEWROUTE, 0);
        struct rtmsg rtm = { .rtm_family = AF_INET, .rtm_dst_len = 24 };
        NlRouteEvent e;

        ASSERT_TRUE(m != NULL);
        ASSERT_ERROR(nl_route_event_parse(nlmsg_hdr(m), &e), EBADMSG); /* no rtmsg */
        ASSERT_OK(nlmsg_append(m, &rtm, sizeof(rtm), NLMSG_ALIGNTO));
        ASSERT_OK(nla_put(m, RTA_DST, 16, addr(AF_INET6, "2001:db8::").bytes)); /* an IPv6 dst on IPv4 */
        ASSERT_ERROR(nl_route_event_parse(nlmsg_hdr(m), &e), EBADMSG);
        nlmsg_free(m);
}

static ConfRule rule(int family) {
        return (ConfRule){ .family = family, .action = FR_ACT_TO_TBL, .fwmask = 0xffffffff };
}

typedef struct RuleReq {
        struct nl_msg *m;
        struct nlmsghdr *h;
        struct fib_rule_hdr *frh;
        struct nlattr *tb[FRA_MAX + 1];
} RuleReq;

static void rule_req(const NlRule *r, int type, RuleReq *ret) {
        *ret = (RuleReq){};
        ASSERT_OK(nl_rule_request(r, type, &ret->m));
        ret->h = nlmsg_hdr(ret->m);
        ret->frh = nlmsg_data(ret->h);
        ASSERT_EQ(ret->h->nlmsg_type, type);
        ASSERT_OK(nlmsg_parse(ret->h, sizeof(struct fib_rule_hdr), ret->tb, FRA_MAX, NULL));
}

TEST(rule_request_carries_every_field) {
        ConfRule c = rule(AF_INET);
        NlRule r = { .conf = &c, .default_table = RT_TABLE_MAIN };
        struct fib_rule_uid_range uids;
        struct fib_rule_port_range ports;
        RuleReq q;

        c.invert = true, c.has_from = true, c.from = addr(AF_INET, "192.0.2.0"), c.from_len = 24;
        c.has_to = true, c.to = addr(AF_INET, "198.51.100.0"), c.to_len = 25;
        c.has_table = true, c.table = 1000, c.has_priority = true, c.priority = 100, c.tos = 0x10;
        c.has_fwmark = true, c.fwmark = 3, c.fwmask = 7, c.realms = 5;
        c.has_suppress_prefixlen = true, c.suppress_prefixlen = 8, c.has_suppress_ifgroup = true;
        c.suppress_ifgroup = 3, c.iif = "va", c.oif = "vb", c.has_tun_id = true, c.tun_id = 77;
        c.has_uidrange = true, c.uid_start = 10, c.uid_end = 20, c.protocol = 18, c.ipproto = 6;
        c.has_sport = true, c.sport_start = 1, c.sport_end = 2, c.has_dport = true, c.dport_start = 3;
        c.dport_end = 4;
        rule_req(&r, RTM_NEWRULE, &q);
        ASSERT_EQ(q.h->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK),
                  NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK);
        ASSERT_EQ(q.frh->family, AF_INET);
        ASSERT_EQ(q.frh->src_len, 24);
        ASSERT_EQ(q.frh->dst_len, 25);
        ASSERT_EQ(q.frh->tos, 0x10);
        ASSERT_EQ(q.frh->table, RT_TABLE_UNSPEC);
        ASSERT_EQ(q.frh->action, FR_ACT_TO_TBL);
        ASSERT_EQ(q.frh->flags, FIB_RULE_INVERT);
        assert_addr(q.tb[FRA_SRC], AF_INET, "192.0.2.0");
        assert_addr(q.tb[FRA_DST], AF_INET, "198.51.100.0");
        ASSERT_EQ(nla_get_u32(q.tb[FRA_TABLE]), 1000);
        ASSERT_EQ(nla_get_u32(q.tb[FRA_PRIORITY]), 100);
        ASSERT_EQ(nla_get_u32(q.tb[FRA_FWMARK]), 3);
        ASSERT_EQ(nla_get_u32(q.tb[FRA_FWMASK]), 7);
        ASSERT_EQ(nla_get_u32(q.tb[FRA_FLOW]), 5);
        ASSERT_EQ(nla_get_u32(q.tb[FRA_SUPPRESS_PREFIXLEN]), 8);
        ASSERT_EQ(nla_get_u32(q.tb[FRA_SUPPRESS_IFGROUP]), 3);
        ASSERT_STREQ(nla_get_string(q.tb[FRA_IIFNAME]), "va");
        ASSERT_STREQ(nla_get_string(q.tb[FRA_OIFNAME]), "vb");
        ASSERT_EQ(be64toh(nla_get_u64(q.tb[FRA_TUN_ID])), 77);
        ASSERT_EQ(nla_len(q.tb[FRA_UID_RANGE]), sizeof(uids));
        memcpy(&uids, nla_data(q.tb[FRA_UID_RANGE]), sizeof(uids));
        ASSERT_TRUE(uids.start == 10 && uids.end == 20);
        ASSERT_EQ(nla_get_u8(q.tb[FRA_PROTOCOL]), 18);
        ASSERT_EQ(nla_get_u8(q.tb[FRA_IP_PROTO]), 6);
        memcpy(&ports, nla_data(q.tb[FRA_SPORT_RANGE]), sizeof(ports));
        ASSERT_TRUE(ports.start == 1 && ports.end == 2);
        memcpy(&ports, nla_data(q.tb[FRA_DPORT_RANGE]), sizeof(ports));
        ASSERT_TRUE(ports.start == 3 && ports.end == 4);
        ASSERT_TRUE(!q.tb[FRA_GOTO] && !q.tb[FRA_L3MDEV]);
        nlmsg_free(q.m);
}

/* A rule without a table on a VRF port looks up the VRF's; goto and l3mdev rules name no table. */
TEST(rule_request_tables_goto_l3mdev) {
        ConfRule c = rule(AF_INET6);
        NlRule r = { .conf = &c, .default_table = 1001 };
        RuleReq q;

        rule_req(&r, RTM_DELRULE, &q);
        ASSERT_EQ(q.h->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL), 0);
        ASSERT_EQ(nla_get_u32(q.tb[FRA_TABLE]), 1001);
        ASSERT_TRUE(!q.tb[FRA_PRIORITY] && !q.tb[FRA_FWMARK] && !q.tb[FRA_PROTOCOL] && !q.tb[FRA_SRC]);
        nlmsg_free(q.m);
        r.default_table = 0;
        rule_req(&r, RTM_NEWRULE, &q);
        ASSERT_EQ(q.frh->table, RT_TABLE_MAIN);
        ASSERT_TRUE(q.tb[FRA_TABLE] == NULL);
        nlmsg_free(q.m);
        c.action = FR_ACT_GOTO, c.goto_target = 400, c.has_priority = true, c.priority = 300;
        rule_req(&r, RTM_NEWRULE, &q);
        ASSERT_EQ(q.frh->action, FR_ACT_GOTO);
        ASSERT_EQ(q.frh->table, RT_TABLE_UNSPEC);
        ASSERT_EQ(nla_get_u32(q.tb[FRA_GOTO]), 400);
        nlmsg_free(q.m);
        c.action = FR_ACT_TO_TBL, c.l3mdev = true;
        rule_req(&r, RTM_NEWRULE, &q);
        ASSERT_EQ(q.frh->table, RT_TABLE_UNSPEC);
        ASSERT_EQ(nla_get_u8(q.tb[FRA_L3MDEV]), 1);
        ASSERT_TRUE(q.tb[FRA_TABLE] == NULL);
        nlmsg_free(q.m);
}

TEST(rule_is_ours) {
        ConfRule c = rule(AF_INET);
        NlRule r = { .conf = &c, .default_table = RT_TABLE_MAIN };
        NlRuleEvent e, other;
        RuleReq q;

        c.has_from = true, c.from = addr(AF_INET, "192.0.2.0"), c.from_len = 24, c.has_table = true;
        c.table = 1000, c.has_priority = true, c.priority = 100, c.has_fwmark = true, c.fwmark = 3;
        c.iif = "va", c.invert = true;
        rule_req(&r, RTM_NEWRULE, &q);
        ASSERT_OK(nl_rule_event_parse(q.h, &e));
        nlmsg_free(q.m);
        ASSERT_STREQ(e.iif, "va");
        ASSERT_STREQ(e.oif, "");
        ASSERT_EQ(e.fwmask, 0xffffffff);
        ASSERT_TRUE(nl_rule_is(&r, &e));
        other = e, other.priority = 101;
        ASSERT_FALSE(nl_rule_is(&r, &other));
        c.has_priority = false; /* the kernel chose it: any will do */
        ASSERT_TRUE(nl_rule_is(&r, &other));
        other = e, other.table = 1001;
        ASSERT_FALSE(nl_rule_is(&r, &other));
        other = e, other.invert = false;
        ASSERT_FALSE(nl_rule_is(&r, &other));
        other = e, other.fwmask = 0xff;
        ASSERT_FALSE(nl_rule_is(&r, &other));
        other = e, other.from_len = 25;
        ASSERT_FALSE(nl_rule_is(&r, &other));
        other = e, other.to_len = 8;
        ASSERT_FALSE(nl_rule_is(&r, &other));
        other = e, snprintf(other.oif, sizeof(other.oif), "vb");
        ASSERT_FALSE(nl_rule_is(&r, &other));
        other = e, other.action = FR_ACT_BLACKHOLE;
        ASSERT_FALSE(nl_rule_is(&r, &other));
        other = e, other.family = AF_INET6;
        ASSERT_FALSE(nl_rule_is(&r, &other));
}
