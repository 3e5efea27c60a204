#include <arpa/inet.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>

#include <netlink/socket.h>

#include "conf/conf-model.h"
#include "os/nl-rule.h"
#include "os/nl-vip.h"
#include "ip-show.h"
#include "netns-test.h"
#include "nl-test.h"

/* Rules of every kind added and deleted through rtnetlink in a private network namespace, checked with what
 * ip(8) then shows: the one line the kernel gained is the rule asked for, and after the delete it is gone.
 */

#define SHOW "ip -4 rule show; ip -6 rule show"

static struct nl_sock *setup(void) {
        struct nl_sock *sk = NULL;

        nt_new_netns();
        NT_RUN("ip", "link", "add", "va", "type", "veth", "peer", "name", "vb");
        ASSERT_OK(nl_vip_open(&sk));
        return sk;
}

static ConfRule rule(int family, uint32_t priority) {
        return (ConfRule){ .family = family,
                           .action = FR_ACT_TO_TBL,
                           .fwmask = 0xffffffff,
                           .has_priority = true,
                           .priority = priority };
}

/* Adds r, expecting ip(8) to show exactly want more; adds it again (identical: 1); deletes it, expecting
 * the rules of before back; deletes it again (-ENOENT). */
static void add_show_del(struct nl_sock *sk, const NlRule *r, const char *want) {
        IpShow before, after;
        char diff[1024];

        ip_show(SHOW, &before);
        ASSERT_EQ(nl_rule_add(sk, r), 0);
        ip_show(SHOW, &after);
        ip_show_new(&before, &after, diff, sizeof(diff));
        if (strcmp(diff, want) != 0)
                VTEST_FAIL("the kernel gained\n'%s'\nexpected\n'%s'", diff, want);
        ip_show_new(&after, &before, diff, sizeof(diff));
        ASSERT_STREQ(diff, "");
        ASSERT_EQ(nl_rule_add(sk, r), 1);
        ip_show(SHOW, &after);
        ip_show_new(&before, &after, diff, sizeof(diff));
        ASSERT_STREQ(diff, want); /* still one */
        ASSERT_OK(nl_rule_del(sk, r));
        ip_show(SHOW, &after);
        ASSERT_STREQ(after.text, before.text);
        ASSERT_ERROR(nl_rule_del(sk, r), ENOENT);
}

TEST(rule_with_every_selector) {
        struct nl_sock *sk = setup();
        ConfRule c = rule(AF_INET, 100);

        c.invert = true, c.has_from = true, c.from = addr(AF_INET, "192.0.2.0"), c.from_len = 24;
        c.has_to = true, c.to = addr(AF_INET, "198.51.100.0"), c.to_len = 24;
        c.has_table = true, c.table = 1000, c.tos = 0x10, c.has_fwmark = true, c.fwmark = 3, c.fwmask = 7;
        c.realms = 5, c.has_suppress_prefixlen = true, c.suppress_prefixlen = 8;
        c.has_suppress_ifgroup = true, c.suppress_ifgroup = 3, c.iif = "va", c.oif = "vb";
        c.has_tun_id = true, c.tun_id = 77, c.has_uidrange = true, c.uid_start = 10, c.uid_end = 20;
        c.protocol = 18, c.ipproto = 6, c.has_sport = true, c.sport_start = 1, c.sport_end = 2;
        c.has_dport = true, c.dport_start = 3, c.dport_end = 4;
        add_show_del(sk, &(NlRule){ .conf = &c, .default_table = RT_TABLE_MAIN },
                     "100:\tnot from 192.0.2.0/24 to 198.51.100.0/24 tos 0x10 fwmark 0x3/0x7 iif va oif vb "
                     "uidrange 10-20 ipproto tcp sport 1-2 dport 3-4 tun_id 77 lookup 1000 "
                     "suppress_prefixlength 8 suppress_ifgroup 3 realms 5 proto keepalived");
        nl_socket_free(sk);
}

TEST(rule_actions_and_tables) {
        struct nl_sock *sk = setup();
        ConfRule c;

        c = rule(AF_INET, 200), c.has_fwmark = true, c.fwmark = 9;
        add_show_del(sk, &(NlRule){ .conf = &c, .default_table = RT_TABLE_MAIN },
                     "200:\tfrom all fwmark 0x9 lookup main");
        c = rule(AF_INET, 200), c.has_table = true, c.table = 100;
        add_show_del(sk, &(NlRule){ .conf = &c, .default_table = RT_TABLE_MAIN },
                     "200:\tfrom all lookup 100");
        c = rule(AF_INET, 200); /* no table, on a VRF port: the VRF's */
        add_show_del(sk, &(NlRule){ .conf = &c, .default_table = 1001 }, "200:\tfrom all lookup 1001");
        c = rule(AF_INET, 300), c.action = FR_ACT_GOTO, c.goto_target = 400;
        add_show_del(sk, &(NlRule){ .conf = &c }, "300:\tfrom all goto 400 [unresolved]");
        c = rule(AF_INET, 300), c.action = FR_ACT_BLACKHOLE;
        add_show_del(sk, &(NlRule){ .conf = &c }, "300:\tfrom all blackhole");
        c.action = FR_ACT_UNREACHABLE;
        add_show_del(sk, &(NlRule){ .conf = &c }, "300:\tfrom all unreachable");
        c.action = FR_ACT_PROHIBIT;
        add_show_del(sk, &(NlRule){ .conf = &c }, "300:\tfrom all prohibit");
        c.action = FR_ACT_NOP;
        add_show_del(sk, &(NlRule){ .conf = &c }, "300:\tfrom all nop");
        c = rule(AF_INET, 500), c.l3mdev = true;
        add_show_del(sk, &(NlRule){ .conf = &c }, "500:\tfrom all lookup [l3mdev-table]");
        c = rule(AF_INET6, 100), c.has_from = true, c.from = addr(AF_INET6, "2001:db8:1::"), c.from_len = 48;
        c.has_table = true, c.table = 2000, c.iif = "va";
        add_show_del(sk, &(NlRule){ .conf = &c }, "100:\tfrom 2001:db8:1::/48 iif va lookup 2000");
        nl_socket_free(sk);
}
