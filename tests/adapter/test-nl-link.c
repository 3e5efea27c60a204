#include <linux/if_link.h>
#include <linux/ip.h>
#include <net/if.h>

#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "os/nl-link.h"
#include "os/nl-vip.h"
#include "netns-test.h"

/* Macvlans for use_vmac and per-device IPv4 settings, through rtnetlink, on a veth in a private network
 * namespace: what the kernel then says (ip -d link, /proc/sys) is checked, not what we asked. */

static const uint8_t vmac[6] = { 0x00, 0x00, 0x5e, 0x00, 0x01, 0x07 };

static struct nl_sock *setup(void) {
        struct nl_sock *sk = NULL;

        nt_new_netns();
        NT_RUN("ip", "link", "add", "va", "type", "veth", "peer", "name", "vb");
        NT_RUN("ip", "link", "set", "va", "up");
        ASSERT_OK(nl_vip_open(&sk));
        return sk;
}

/* The first line of a command's output, or "" */
static void first_line(const char *cmd, char *buf, size_t size) {
        FILE *f = popen(cmd, "re");

        ASSERT_TRUE(f != NULL);
        buf[0] = '\0';
        if (!fgets(buf, (int) size, f))
                buf[0] = '\0';
        buf[strcspn(buf, "\n")] = '\0';
        pclose(f);
}

static unsigned sysctl_value(const char *path) {
        char buf[32], cmd[160];

        snprintf(cmd, sizeof(cmd), "cat %s", path);
        first_line(cmd, buf, sizeof(buf));
        return (unsigned) strtoul(buf, NULL, 10);
}

TEST(vmac_create_private_up_without_ipv6_address) {
        struct nl_sock *sk = setup();
        NlVmacSpec spec = { .name = "vrrp.7", .parent = (int) if_nametoindex("va"), .has_group = true, .group = 5 };
        NlLinkInfo info;
        char line[1024];
        int ifindex;

        memcpy(spec.mac, vmac, sizeof(vmac));
        ASSERT_OK(nl_vmac_create(sk, &spec, &ifindex));
        ASSERT_EQ(ifindex, (int) if_nametoindex("vrrp.7"));
        ASSERT_OK(nl_link_get(sk, "vrrp.7", &info));
        ASSERT_TRUE(info.macvlan && info.up && info.has_mac);
        ASSERT_EQ(info.macvlan_mode, MACVLAN_MODE_PRIVATE);
        ASSERT_EQ(info.parent, spec.parent);
        ASSERT_MEMEQ(info.mac, vmac, sizeof(vmac));
        ASSERT_TRUE(nl_vmac_matches(&info, &spec));
        first_line("ip -d -o link show vrrp.7", line, sizeof(line));
        ASSERT_TRUE(strstr(line, "macvlan mode private") != NULL);
        ASSERT_TRUE(strstr(line, "addrgenmode none") != NULL);
        ASSERT_TRUE(strstr(line, "group 5") != NULL);
        ASSERT_TRUE(strstr(line, "00:00:5e:00:01:07") != NULL);
        first_line("ip -6 -o addr show dev vrrp.7", line, sizeof(line));
        ASSERT_STREQ(line, ""); /* no link-local: nothing to send DAD, MLD or RS from */
        ASSERT_ERROR(nl_vmac_create(sk, &spec, &ifindex), EEXIST);
        spec.mac[5] = 8;
        ASSERT_FALSE(nl_vmac_matches(&info, &spec));
        ASSERT_OK(nl_link_delete(sk, ifindex));
        ASSERT_ERROR(nl_link_get(sk, "vrrp.7", &info), ENODEV);
        ASSERT_ERROR(nl_link_delete(sk, ifindex), ENODEV);
        nl_socket_free(sk);
}

TEST(link_get_of_a_veth_is_no_macvlan) {
        struct nl_sock *sk = setup();
        NlLinkInfo info;

        ASSERT_OK(nl_link_get(sk, "va", &info));
        ASSERT_FALSE(info.macvlan);
        ASSERT_TRUE(info.up);
        NT_RUN("ip", "link", "set", "va", "down");
        ASSERT_OK(nl_link_set_up(sk, info.ifindex));
        ASSERT_OK(nl_link_get(sk, "va", &info));
        ASSERT_TRUE(info.up);
        nl_socket_free(sk);
}

TEST(inet_conf_set_and_get) {
        struct nl_sock *sk = setup();
        int va = (int) if_nametoindex("va");
        const NlInetConf confs[] = { { IPV4_DEVCONF_ARP_IGNORE, 1 }, { IPV4_DEVCONF_ARPFILTER, 1 },
                                     { IPV4_DEVCONF_ARP_ANNOUNCE, 2 } };
        uint32_t v;

        ASSERT_OK(nl_inet_conf_get(sk, va, IPV4_DEVCONF_ARP_IGNORE, &v));
        ASSERT_EQ(v, 0);
        ASSERT_OK(nl_inet_conf_set(sk, va, confs, ELEMENTSOF(confs)));
        ASSERT_EQ(sysctl_value("/proc/sys/net/ipv4/conf/va/arp_ignore"), 1);
        ASSERT_EQ(sysctl_value("/proc/sys/net/ipv4/conf/va/arp_filter"), 1);
        ASSERT_EQ(sysctl_value("/proc/sys/net/ipv4/conf/va/arp_announce"), 2);
        ASSERT_OK(nl_inet_conf_get(sk, va, IPV4_DEVCONF_ARP_ANNOUNCE, &v));
        ASSERT_EQ(v, 2);
        ASSERT_ERROR(nl_inet_conf_get(sk, 9999, IPV4_DEVCONF_ARP_IGNORE, &v), ENODEV);
        nl_socket_free(sk);
}

/* The request use_ipvlan sends, read back attribute by attribute (this kernel may have no ipvlan to ask). */
TEST(ipvlan_request) {
        const NlIpvlanSpec spec = { .name = "vrrp.9", .parent = 4, .flags = IPVLAN_F_PRIVATE, .has_group = true,
                                    .group = 7 };
        struct nlattr *tb[IFLA_MAX + 1], *info[IFLA_INFO_MAX + 1], *data[IFLA_IPVLAN_MAX + 1];
        struct nl_msg *m = NULL;
        struct nlmsghdr *h;

        ASSERT_OK(nl_ipvlan_request(&spec, &m));
        h = nlmsg_hdr(m);
        ASSERT_EQ(h->nlmsg_type, RTM_NEWLINK);
        ASSERT_EQ(h->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK), NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK);
        ASSERT_EQ(((struct ifinfomsg *) nlmsg_data(h))->ifi_family, AF_UNSPEC);
        ASSERT_OK(nlmsg_parse(h, sizeof(struct ifinfomsg), tb, IFLA_MAX, NULL));
        ASSERT_STREQ(nla_get_string(tb[IFLA_IFNAME]), "vrrp.9");
        ASSERT_EQ(nla_get_u32(tb[IFLA_LINK]), 4);
        ASSERT_EQ(nla_get_u32(tb[IFLA_GROUP]), 7);
        ASSERT_OK(nla_parse_nested(info, IFLA_INFO_MAX, tb[IFLA_LINKINFO], NULL));
        ASSERT_STREQ(nla_get_string(info[IFLA_INFO_KIND]), "ipvlan");
        ASSERT_OK(nla_parse_nested(data, IFLA_IPVLAN_MAX, info[IFLA_INFO_DATA], NULL));
        ASSERT_EQ(nla_get_u16(data[IFLA_IPVLAN_MODE]), IPVLAN_MODE_L2);
        ASSERT_EQ(nla_get_u16(data[IFLA_IPVLAN_FLAGS]), IPVLAN_F_PRIVATE);
        nlmsg_free(m);
}

/* Made where the kernel has ipvlan, refused with EOPNOTSUPP where it has not, as ip(8) finds. */
TEST(ipvlan_create_or_no_such_type) {
        struct nl_sock *sk = setup();
        NlIpvlanSpec spec = { .name = "iv0", .parent = (int) if_nametoindex("va") };
        bool kernel_has = nt_run((const char *const[]){ "ip", "link", "add", "link", "va", "name", "probe0", "type",
                                                        "ipvlan", "mode", "l2", NULL }) == 0;
        NlLinkInfo info;
        int ifindex, r;

        if (kernel_has)
                NT_RUN("ip", "link", "del", "probe0");
        r = nl_ipvlan_create(sk, &spec, &ifindex);
        if (!kernel_has) {
                ASSERT_EQ(r, -EOPNOTSUPP);
                ASSERT_ERROR(nl_link_get(sk, "iv0", &info), ENODEV);
        } else {
                ASSERT_OK(r);
                ASSERT_OK(nl_link_get(sk, "iv0", &info));
                ASSERT_TRUE(info.up && !info.macvlan);
                ASSERT_OK(nl_link_delete(sk, ifindex));
        }
        nl_socket_free(sk);
}
