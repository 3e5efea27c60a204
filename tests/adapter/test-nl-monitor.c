#include <arpa/inet.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <poll.h>

#include <netlink/socket.h>

#include "conf/conf-model.h"
#include "os/nl-monitor.h"
#include "os/nl-route.h"
#include "os/nl-rule.h"
#include "os/nl-vip.h"
#include "netns-test.h"
#include "nl-test.h"

/* The rtnetlink monitor in a private network namespace: a route or rule of ours deleted behind our back
 * (ip route del, ip rule del) is reported and recognised as ours, a near-identical one is not, the local
 * table and NULL handlers stay quiet, and links and addresses are still reported with routes watched. */

#define MAX_SEEN 64

typedef struct Seen {
        NlRouteEvent routes[MAX_SEEN];
        bool route_added[MAX_SEEN];
        size_t n_routes;
        NlRuleEvent rules[MAX_SEEN];
        bool rule_added[MAX_SEEN];
        size_t n_rules;
        size_t n_links;
        size_t n_addresses;
} Seen;

static void on_route(void *userdata, const struct NlRouteEvent *e, bool added) {
        Seen *s = userdata;

        ASSERT_TRUE(s->n_routes < MAX_SEEN);
        s->routes[s->n_routes] = *e;
        s->route_added[s->n_routes++] = added;
}

static void on_rule(void *userdata, const struct NlRuleEvent *e, bool added) {
        Seen *s = userdata;

        ASSERT_TRUE(s->n_rules < MAX_SEEN);
        s->rules[s->n_rules] = *e;
        s->rule_added[s->n_rules++] = added;
}

static void on_link(void *userdata, int ifindex, const char *ifname, bool up, bool removed) {
        ((Seen *) userdata)->n_links++;
}

static void on_address(void *userdata, int family, int ifindex, const VrrpAddr *addr, uint8_t prefixlen,
                       bool added) {
        ((Seen *) userdata)->n_addresses++;
}

static struct nl_sock *setup(struct nl_sock **ret_monitor) {
        struct nl_sock *sk = NULL;

        nlt_veth_pair();
        ASSERT_OK(nl_vip_open(&sk));
        ASSERT_OK(nl_monitor_open(ret_monitor));
        ASSERT_OK(nl_monitor_watch_routes(*ret_monitor, true));
        return sk;
}

/* Dispatches the monitor until done(s) holds; fails after 2 s. */
static void dispatch_until(struct nl_sock *mon, const NlMonitorHandlers *h, bool (*done)(const Seen *)) {
        usec_t deadline = nt_now() + 2 * USEC_PER_SEC;
        struct pollfd p = { .fd = nl_monitor_fd(mon), .events = POLLIN };

        for (;;) {
                ASSERT_OK(nl_monitor_dispatch(mon, h));
                if (done(h->userdata))
                        return;
                if (nt_now() >= deadline)
                        VTEST_FAIL("no such notice within 2 s");
                (void) poll(&p, 1, 100);
        }
}

/* The route the route tests wait for notices of. */
static const NlRoute *ours;

static bool route_deleted(const Seen *s) {
        for (size_t k = 0; k < s->n_routes; k++)
                if (!s->route_added[k] && nl_route_is(ours, &s->routes[k]))
                        return true;
        return false;
}

static bool route_added(const Seen *s) {
        for (size_t k = 0; k < s->n_routes; k++)
                if (s->route_added[k] && nl_route_is(ours, &s->routes[k]))
                        return true;
        return false;
}

/* Counts the notices of deleted routes to dst/len that are not ours. */
static size_t deleted_not_ours(const Seen *s, const char *dst, uint8_t len) {
        VrrpAddr a = addr(ours->conf->family, dst);
        size_t n = 0;

        for (size_t k = 0; k < s->n_routes; k++)
                if (!s->route_added[k] && s->routes[k].dst_len == len &&
                    vrrp_addr_cmp(ours->conf->family, &a, &s->routes[k].dst) == 0 &&
                    !nl_route_is(ours, &s->routes[k]))
                        n++;
        return n;
}

TEST(route_deleted_behind_our_back_is_reported_as_ours) {
        struct nl_sock *mon, *sk = setup(&mon);
        ConfRoute c = { .family = AF_INET,
                        .type = RTN_UNICAST,
                        .dst = addr(AF_INET, "203.0.113.0"),
                        .dst_len = 24,
                        .via_family = AF_INET,
                        .via = addr(AF_INET, "192.0.2.2"),
                        .has_table = true,
                        .table = 1000,
                        .has_metric = true,
                        .metric = 20,
                        .protocol = 18,
                        .scope = CONF_UNSET,
                        .pref = CONF_UNSET,
                        .ttl_propagate = CONF_UNSET };
        NlRoute r = { .conf = &c, .ifindex = (int) if_nametoindex("va"), .default_table = RT_TABLE_MAIN };
        Seen seen = {};
        NlMonitorHandlers h = { .route = on_route, .userdata = &seen };

        ours = &r;
        ASSERT_EQ(nl_route_add(sk, &r), 0);
        dispatch_until(mon, &h, route_added);
        /* near-identical: another metric, another table, another protocol; each added and deleted */
        NT_RUN("ip", "route", "add", "203.0.113.0/24", "via", "192.0.2.2", "table", "1000", "metric", "21",
               "proto", "18");
        NT_RUN("ip", "route", "del", "203.0.113.0/24", "table", "1000", "metric", "21");
        NT_RUN("ip", "route", "add", "203.0.113.0/24", "via", "192.0.2.2", "table", "1001", "metric", "20",
               "proto", "18");
        NT_RUN("ip", "route", "del", "203.0.113.0/24", "table", "1001", "metric", "20");
        NT_RUN("ip", "route", "add", "203.0.113.0/24", "via", "192.0.2.2", "table", "1000", "metric", "20",
               "proto", "static", "tos", "0x10");
        NT_RUN("ip", "route", "del", "203.0.113.0/24", "table", "1000", "metric", "20", "tos", "0x10");
        NT_RUN("ip", "route", "del", "203.0.113.0/24", "table", "1000", "metric", "20");
        dispatch_until(mon, &h, route_deleted);
        ASSERT_EQ(deleted_not_ours(&seen, "203.0.113.0", 24), 3);
        /* restored once told */
        ASSERT_EQ(nl_route_add(sk, &r), 0);
        ASSERT_OK(nl_route_del(sk, &r));
        nl_socket_free(mon);
        nl_socket_free(sk);
}

TEST(ipv6_multipath_route_deleted_is_ours) {
        struct nl_sock *mon, *sk = setup(&mon);
        int va = (int) if_nametoindex("va");
        ConfNexthop nh[] = {
                { .via_family = AF_INET6, .via = addr(AF_INET6, "2001:db8::2"), .weight = 2 },
                { .via_family = AF_INET6, .via = addr(AF_INET6, "2001:db8::3") },
        };
        const int nh_ifindex[] = { va, va };
        ConfRoute c = { .family = AF_INET6,
                        .type = RTN_UNICAST,
                        .dst = addr(AF_INET6, "2001:db8:9::"),
                        .dst_len = 64,
                        .nexthops = nh,
                        .n_nexthops = ELEMENTSOF(nh),
                        .protocol = 18,
                        .scope = CONF_UNSET,
                        .pref = CONF_UNSET,
                        .ttl_propagate = CONF_UNSET };
        NlRoute r = { .conf = &c, .nh_ifindex = nh_ifindex, .default_table = RT_TABLE_MAIN };
        Seen seen = {};
        NlMonitorHandlers h = { .route = on_route, .userdata = &seen };

        ours = &r;
        ASSERT_EQ(nl_route_add(sk, &r), 0);
        NT_RUN("ip", "-6", "route", "del", "2001:db8:9::/64");
        dispatch_until(mon, &h, route_deleted);
        nl_socket_free(mon);
        nl_socket_free(sk);
}

static bool link_and_address_seen(const Seen *s) {
        return s->n_links > 0 && s->n_addresses > 0;
}

/* Without nl_monitor_watch_routes(): links and addresses only, and a drained socket is no error. */
TEST(links_and_addresses_reported_drained_is_no_error) {
        struct nl_sock *mon = NULL;
        Seen seen = {};
        NlMonitorHandlers h = {
                .route = on_route, .rule = on_rule, .address = on_address, .link = on_link, .userdata = &seen
        };

        nt_new_netns();
        NT_RUN("ip", "link", "add", "va", "type", "veth", "peer", "name", "vb");
        ASSERT_OK(nl_monitor_open(&mon));
        ASSERT_EQ(nl_monitor_dispatch(mon, &h), 0); /* nothing pending */
        NT_RUN("ip", "link", "set", "va", "up");
        NT_RUN("ip", "addr", "add", "192.0.2.1/24", "dev", "va");
        NT_RUN("ip", "route", "add", "198.51.100.0/24", "via", "192.0.2.2");
        dispatch_until(mon, &h, link_and_address_seen);
        ASSERT_EQ(nl_monitor_dispatch(mon, &h), 0);
        ASSERT_EQ(seen.n_routes, 0);
        nl_socket_free(mon);
}

/* A route notice that comes after everything done before it: the marker route to 198.51.100.0/24. */
static bool marker_added;

static bool marker_seen(const Seen *s) {
        VrrpAddr a = addr(AF_INET, "198.51.100.0");

        for (size_t k = 0; k < s->n_routes; k++)
                if (s->route_added[k] == marker_added && s->routes[k].dst_len == 24 &&
                    vrrp_addr_cmp(AF_INET, &a, &s->routes[k].dst) == 0)
                        return true;
        return false;
}

static bool has_local_route(const Seen *s) {
        for (size_t k = 0; k < s->n_routes; k++)
                if (s->routes[k].table == RT_TABLE_LOCAL)
                        return true;
        return false;
}

/* Adding an address makes the kernel add a route to the local table: it is not reported unless asked for.
 * Handlers left NULL are skipped; links and addresses are still reported with routes watched. */
TEST(local_table_quiet_null_handlers_skipped) {
        struct nl_sock *mon, *sk = setup(&mon);
        Seen seen = {};
        NlMonitorHandlers h = {
                .route = on_route, .address = on_address, .link = on_link, .userdata = &seen
        };
        const NlMonitorHandlers none = { .userdata = &seen };

        NT_RUN("ip", "addr", "add", "203.0.113.7/32", "dev", "va");
        NT_RUN("ip", "link", "set", "vb", "down");
        NT_RUN("ip", "route", "add", "198.51.100.0/24", "dev", "va");
        marker_added = true;
        dispatch_until(mon, &h, marker_seen);
        ASSERT_FALSE(has_local_route(&seen));
        ASSERT_TRUE(seen.n_addresses > 0 && seen.n_links > 0);
        h.local_table = true;
        NT_RUN("ip", "addr", "del", "203.0.113.7/32", "dev", "va");
        NT_RUN("ip", "route", "del", "198.51.100.0/24", "dev", "va");
        marker_added = false;
        dispatch_until(mon, &h, marker_seen);
        ASSERT_TRUE(has_local_route(&seen));
        /* nothing reported to NULL handlers, and nothing breaks */
        seen = (Seen){};
        NT_RUN("ip", "link", "set", "vb", "up");
        NT_RUN("ip", "addr", "add", "198.51.100.1/24", "dev", "va");
        NT_RUN("ip", "rule", "add", "pref", "100", "table", "100");
        for (unsigned i = 0; i < 10; i++)
                ASSERT_OK(nl_monitor_dispatch(mon, &none));
        ASSERT_TRUE(seen.n_routes == 0 && seen.n_rules == 0 && seen.n_links == 0 && seen.n_addresses == 0);
        ASSERT_OK(nl_monitor_watch_routes(mon, false));
        nl_socket_free(mon);
        nl_socket_free(sk);
}

static const NlRule *our_rule;

static bool rule_deleted(const Seen *s) {
        for (size_t k = 0; k < s->n_rules; k++)
                if (!s->rule_added[k] && nl_rule_is(our_rule, &s->rules[k]))
                        return true;
        return false;
}

TEST(rule_deleted_behind_our_back_is_reported_as_ours) {
        struct nl_sock *mon, *sk = setup(&mon);
        ConfRule c = { .family = AF_INET,
                       .action = FR_ACT_TO_TBL,
                       .has_from = true,
                       .from = addr(AF_INET, "192.0.2.0"),
                       .from_len = 24,
                       .has_table = true,
                       .table = 1000,
                       .has_priority = true,
                       .priority = 100,
                       .has_fwmark = true,
                       .fwmark = 3,
                       .fwmask = 0xffffffff,
                       .iif = "va",
                       .invert = true };
        NlRule r = { .conf = &c, .default_table = RT_TABLE_MAIN };
        Seen seen = {};
        NlMonitorHandlers h = { .rule = on_rule, .userdata = &seen };
        size_t not_ours = 0;

        our_rule = &r;
        ASSERT_EQ(nl_rule_add(sk, &r), 0);
        /* near-identical: another table, another priority */
        NT_RUN("ip", "rule", "add", "not", "from", "192.0.2.0/24", "fwmark", "3", "iif", "va", "table",
               "1001", "pref", "100");
        NT_RUN("ip", "rule", "del", "pref", "100", "table", "1001");
        NT_RUN("ip", "rule", "add", "not", "from", "192.0.2.0/24", "fwmark", "3", "iif", "va", "table",
               "1000", "pref", "101");
        NT_RUN("ip", "rule", "del", "pref", "101");
        NT_RUN("ip", "rule", "del", "pref", "100");
        dispatch_until(mon, &h, rule_deleted);
        for (size_t k = 0; k < seen.n_rules; k++)
                if (!seen.rule_added[k] && !nl_rule_is(&r, &seen.rules[k]))
                        not_ours++;
        ASSERT_EQ(not_ours, 2);
        ASSERT_EQ(nl_rule_add(sk, &r), 0); /* restored once told */
        ASSERT_OK(nl_rule_del(sk, &r));
        nl_socket_free(mon);
        nl_socket_free(sk);
}
