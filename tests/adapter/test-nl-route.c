#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <poll.h>

#include <netlink/socket.h>

#include "conf/conf-model.h"
#include "os/nl-monitor.h"
#include "os/nl-route.h"
#include "os/nl-vip.h"
#include "ip-show.h"
#include "netns-test.h"
#include "nl-test.h"

/* Routes of every kind added and deleted through rtnetlink in a private network namespace, checked with what
 * ip(8) then shows: the one line the kernel gained is the route asked for, and after the delete it is gone.
 * Then the monitor: a route of ours deleted behind our back is reported, and recognised as ours. */

#define SHOW "ip -d -o -4 route show table all; ip -d -o -6 route show table all"

static struct nl_sock *setup(void) {
        struct nl_sock *sk = NULL;

        nlt_veth_pair();
        NT_RUN("ip", "addr", "add", "198.51.100.1/24", "dev", "vb");
        ASSERT_OK(nl_vip_open(&sk));
        return sk;
}

/* Adds r, expecting ip(8) to show exactly want more; adds it again (ours: 1); deletes it, expecting the
 * routes of before back; deletes it again (-ESRCH). */
static void add_show_del(struct nl_sock *sk, const NlRoute *r, const char *want) {
        IpShow before, after;
        char diff[2048];

        ip_show(SHOW, &before);
        ASSERT_EQ(nl_route_add(sk, r), 0);
        ip_show(SHOW, &after);
        ip_show_new(&before, &after, diff, sizeof(diff));
        if (strcmp(diff, want) != 0)
                VTEST_FAIL("the kernel gained\n'%s'\nexpected\n'%s'", diff, want);
        ip_show_new(&after, &before, diff, sizeof(diff));
        ASSERT_STREQ(diff, "");
        ASSERT_EQ(nl_route_add(sk, r), 1);
        ASSERT_OK(nl_route_del(sk, r));
        ip_show(SHOW, &after);
        ip_show_new(&before, &after, diff, sizeof(diff));
        ASSERT_STREQ(diff, "");
        ip_show_new(&after, &before, diff, sizeof(diff));
        ASSERT_STREQ(diff, "");
        ASSERT_ERROR(nl_route_del(sk, r), ESRCH);
}

TEST(unicast_via_dev_only_and_types) {
        struct nl_sock *sk = setup();
        int va = (int) if_nametoindex("va");
        ConfRoute c;

        c = via(route(AF_INET, "203.0.113.0", 24), AF_INET, "192.0.2.2");
        add_show_del(sk, &(NlRoute){ .conf = &c, .default_table = RT_TABLE_MAIN },
                     "unicast 203.0.113.0/24 via 192.0.2.2 dev va table main proto keepalived scope global");
        c = route(AF_INET, "203.0.113.0", 25);
        add_show_del(sk, &(NlRoute){ .conf = &c, .ifindex = va, .default_table = RT_TABLE_MAIN },
                     "unicast 203.0.113.0/25 dev va table main proto keepalived scope link");
        c = route(AF_INET, "203.0.113.64", 26), c.type = RTN_BLACKHOLE;
        add_show_del(sk, &(NlRoute){ .conf = &c, .default_table = RT_TABLE_MAIN },
                     "blackhole 203.0.113.64/26 table main proto keepalived scope global");
        c.type = RTN_UNREACHABLE;
        add_show_del(sk, &(NlRoute){ .conf = &c, .default_table = RT_TABLE_MAIN },
                     "unreachable 203.0.113.64/26 table main proto keepalived scope global");
        c.type = RTN_PROHIBIT;
        add_show_del(sk, &(NlRoute){ .conf = &c, .default_table = RT_TABLE_MAIN },
                     "prohibit 203.0.113.64/26 table main proto keepalived scope global");
        c.type = RTN_THROW, c.has_table = true, c.table = 300;
        add_show_del(sk, &(NlRoute){ .conf = &c, .default_table = RT_TABLE_MAIN },
                     "throw 203.0.113.64/26 table 300 proto keepalived scope global");
        c = route(AF_INET, "203.0.113.5", 32), c.type = RTN_LOCAL;
        add_show_del(sk, &(NlRoute){ .conf = &c, .ifindex = va, .default_table = RT_TABLE_MAIN },
                     "local 203.0.113.5 dev va table main proto keepalived scope host");
        nl_socket_free(sk);
}

/* A table above 255, a metric, a preferred source, tos, realms, onlink, and metrics with locks. */
TEST(table_metric_src_metrics) {
        struct nl_sock *sk = setup();
        int vb = (int) if_nametoindex("vb");
        ConfRoute c;

        c = via(route(AF_INET, "203.0.113.0", 24), AF_INET, "192.0.2.2");
        c.has_table = true, c.table = 1000, c.has_metric = true, c.metric = 30;
        c.has_src = true, c.src = addr(AF_INET, "192.0.2.1"), c.tos = 0x10, c.protocol = RTPROT_STATIC;
        add_show_del(
                sk, &(NlRoute){ .conf = &c, .default_table = RT_TABLE_MAIN },
                "unicast 203.0.113.0/24 tos 0x10 via 192.0.2.2 dev va table 1000 proto static scope global "
                "src 192.0.2.1 metric 30");
        c = via(route(AF_INET, "203.0.113.0", 24), AF_INET, "192.0.2.254");
        c.onlink = true, c.realms = 5 << 16 | 6, c.protocol = 18;
        c.metrics_set = 1u << RTAX_MTU | 1u << RTAX_ADVMSS | 1u << RTAX_HOPLIMIT;
        c.metrics[RTAX_MTU] = 1400, c.metrics[RTAX_ADVMSS] = 1300, c.metrics[RTAX_HOPLIMIT] = 9;
        c.metrics_lock = 1u << RTAX_MTU | 1u << RTAX_CC_ALGO, c.congctl = "cubic";
        add_show_del(
                sk, &(NlRoute){ .conf = &c, .ifindex = vb, .default_table = RT_TABLE_MAIN },
                "unicast 203.0.113.0/24 via 192.0.2.254 dev vb table main proto keepalived scope global "
                "onlink realms 5/6 mtu lock 1400 advmss 1300 hoplimit 9 congctl lock cubic");
        nl_socket_free(sk);
}

TEST(multipath_with_weights) {
        struct nl_sock *sk = setup();
        ConfNexthop nh[] = {
                { .via_family = AF_INET, .via = addr(AF_INET, "192.0.2.2"), .weight = 2 },
                { .via_family = AF_INET, .via = addr(AF_INET, "198.51.100.3"), .weight = 3, .realms = 4 },
                { .via_family = AF_INET, .via = addr(AF_INET, "203.0.113.9"), .onlink = true },
        };
        int nh_ifindex[] = { 0, (int) if_nametoindex("vb"), (int) if_nametoindex("va") };
        ConfRoute c = route(AF_INET, "203.0.113.128", 25);

        c.nexthops = nh, c.n_nexthops = ELEMENTSOF(nh);
        add_show_del(sk, &(NlRoute){ .conf = &c, .nh_ifindex = nh_ifindex, .default_table = RT_TABLE_MAIN },
                     "unicast 203.0.113.128/25 table main proto keepalived scope global \\\tnexthop via "
                     "192.0.2.2 "
                     "dev va weight 2 \\\tnexthop via 198.51.100.3 realm 4 dev vb weight 3 \\\tnexthop via "
                     "203.0.113.9 dev va weight 1 onlink");
        nl_socket_free(sk);
}

TEST(ipv6_from_pref_multipath_and_ipv4_via_inet6) {
        struct nl_sock *sk = setup();
        int va = (int) if_nametoindex("va");
        ConfNexthop nh[] = {
                { .via_family = AF_INET6, .via = addr(AF_INET6, "2001:db8::2"), .weight = 2 },
                { .via_family = AF_INET6, .via = addr(AF_INET6, "2001:db8::3"), .weight = 3 },
        };
        int nh_ifindex[] = { va, va };
        ConfRoute c;

        c = via(route(AF_INET6, "2001:db8:7::", 64), AF_INET6, "2001:db8::2");
        c.pref = 1, c.has_metric = true, c.metric = 100;
        add_show_del(
                sk, &(NlRoute){ .conf = &c, .ifindex = va, .default_table = RT_TABLE_MAIN },
                "unicast 2001:db8:7::/64 via 2001:db8::2 dev va table main proto keepalived scope global "
                "metric 100 pref high");
        c = via(route(AF_INET6, "2001:db8:5::", 64), AF_INET6, "2001:db8::2");
        c.has_from = true, c.from = addr(AF_INET6, "2001:db8:6::"), c.from_len = 64;
        add_show_del(sk, &(NlRoute){ .conf = &c, .default_table = RT_TABLE_MAIN },
                     "unicast 2001:db8:5::/64 from 2001:db8:6::/64 via 2001:db8::2 dev va table main proto "
                     "keepalived scope global metric 1024 pref medium");
        c = route(AF_INET6, "2001:db8:8::", 48), c.type = RTN_BLACKHOLE, c.has_table = true, c.table = 300;
        add_show_del(
                sk, &(NlRoute){ .conf = &c, .default_table = RT_TABLE_MAIN },
                "blackhole 2001:db8:8::/48 dev lo table 300 proto keepalived scope global metric 1024 pref "
                "medium");
        c = route(AF_INET6, "2001:db8:9::", 64), c.nexthops = nh, c.n_nexthops = ELEMENTSOF(nh);
        add_show_del(sk, &(NlRoute){ .conf = &c, .nh_ifindex = nh_ifindex, .default_table = RT_TABLE_MAIN },
                     "unicast 2001:db8:9::/64 table main proto keepalived scope global metric 1024 pref "
                     "medium\\\t"
                     "nexthop via 2001:db8::2 dev va weight 2 \\\tnexthop via 2001:db8::3 dev va weight 3");
        c = via(route(AF_INET, "203.0.113.0", 24), AF_INET6, "2001:db8::2");
        add_show_del(sk, &(NlRoute){ .conf = &c, .ifindex = va, .default_table = RT_TABLE_MAIN },
                     "unicast 203.0.113.0/24 via inet6 2001:db8::2 dev va table main proto keepalived scope "
                     "global");
        nl_socket_free(sk);
}

/* IPv6 "expires": the kernel counts it down, so the line is checked apart. */
TEST(ipv6_expires) {
        struct nl_sock *sk = setup();
        ConfRoute c = via(route(AF_INET6, "2001:db8:7::", 64), AF_INET6, "2001:db8::2");
        NlRoute r = { .conf = &c, .default_table = RT_TABLE_MAIN };
        IpShow show;

        c.has_expires = true, c.expires = 3600;
        ASSERT_OK(nl_route_add(sk, &r));
        ip_show("ip -6 -o route show 2001:db8:7::/64", &show);
        ASSERT_TRUE(strstr(show.text, " expires 3600sec ") || strstr(show.text, " expires 3599sec "));
        ASSERT_OK(nl_route_del(sk, &r));
        nl_socket_free(sk);
}

/* With "add", a route of someone else at our key (same dst, tos, metric, table) stays untouched: adding ours
 * answers -EEXIST, deleting ours -ESRCH. */
TEST(someone_elses_route_is_left_alone) {
        struct nl_sock *sk = setup();
        ConfRoute c = via(route(AF_INET, "203.0.113.0", 24), AF_INET, "192.0.2.2");
        NlRoute r = { .conf = &c, .default_table = RT_TABLE_MAIN };
        ConfRoute c6 = via(route(AF_INET6, "2001:db8:7::", 64), AF_INET6, "2001:db8::2");
        NlRoute r6 = { .conf = &c6, .default_table = RT_TABLE_MAIN };
        IpShow before, after;

        c.mode = c6.mode = CONF_ROUTE_ADD;
        NT_RUN("ip", "route", "add", "203.0.113.0/24", "via", "192.0.2.3", "proto", "static");
        NT_RUN("ip", "-6", "route", "add", "2001:db8:7::/64", "via", "2001:db8::3", "proto", "static");
        ip_show(SHOW, &before);
        ASSERT_ERROR(nl_route_add(sk, &r), EEXIST);
        ASSERT_ERROR(nl_route_add(sk, &r6), EEXIST); /* and not merged into theirs as a second nexthop */
        ASSERT_ERROR(nl_route_del(sk, &r), ESRCH);
        ASSERT_ERROR(nl_route_del(sk, &r6), ESRCH);
        ip_show(SHOW, &after);
        ASSERT_STREQ(after.text, before.text);
        c.has_metric = true, c.metric = 10; /* another key: both live */
        ASSERT_EQ(nl_route_add(sk, &r), 0);
        ASSERT_OK(nl_route_del(sk, &r));
        nl_socket_free(sk);
}

/* Prepend, the default (keepalived's, as ip route prepend): ours goes in front of a route at the same key
 * and takes the traffic; deleting ours leaves theirs as it was. */
TEST(prepend_goes_in_front_of_someone_elses_route) {
        struct nl_sock *sk = setup();
        ConfRoute c = via(route(AF_INET, "203.0.113.0", 24), AF_INET, "192.0.2.2");
        NlRoute r = { .conf = &c, .default_table = RT_TABLE_MAIN };
        IpShow before, during, after;

        NT_RUN("ip", "route", "add", "203.0.113.0/24", "via", "192.0.2.3", "proto", "static");
        ip_show(SHOW, &before);
        ASSERT_EQ(nl_route_add(sk, &r), 0);
        ip_show("ip -o route show 203.0.113.0/24", &during);
        ASSERT_TRUE(strstr(during.text, "via 192.0.2.2") != NULL);
        ASSERT_TRUE(strstr(during.text, "via 192.0.2.3") != NULL);
        ASSERT_TRUE(strstr(during.text, "via 192.0.2.2") < strstr(during.text, "via 192.0.2.3"));
        ASSERT_EQ(nl_route_add(sk, &r), 1); /* ours, there already */
        ASSERT_OK(nl_route_del(sk, &r));
        ip_show(SHOW, &after);
        ASSERT_STREQ(after.text, before.text);
        NT_RUN("ip", "route", "del", "203.0.113.0/24", "via", "192.0.2.3");
        nl_socket_free(sk);
}
