#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <poll.h>

#include "os/garp.h"
#include "netns-test.h"

/* Gratuitous ARP and unsolicited NA on a veth pair in a private network namespace: sent on va by
 * garp_send(), captured on vb by an AF_PACKET socket, checked byte by byte. */

static const uint8_t va_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a };
static const uint8_t vmac[6] = { 0x00, 0x00, 0x5e, 0x00, 0x01, 0x07 }; /* VRRP virtual MAC of VRID 7 */

static void setup_veth(void) {
        nt_new_netns();
        NT_RUN("ip", "link", "add", "va", "address", "02:00:00:00:00:0a", "type", "veth", "peer", "name",
               "vb");
        NT_RUN("ip", "link", "set", "va", "up");
        NT_RUN("ip", "link", "set", "vb", "up");
        ASSERT_TRUE(nt_wait(nt_link_running, "va", 5 * USEC_PER_SEC));
        ASSERT_TRUE(nt_wait(nt_link_running, "vb", 5 * USEC_PER_SEC));
}

static int open_capture(const char *ifname, uint16_t proto) {
        struct sockaddr_ll sll = { .sll_family = AF_PACKET,
                                   .sll_protocol = htons(proto),
                                   .sll_ifindex = (int) if_nametoindex(ifname) };
        int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, htons(proto));

        ASSERT_TRUE(fd >= 0);
        ASSERT_TRUE(sll.sll_ifindex > 0);
        ASSERT_TRUE(bind(fd, (struct sockaddr *) &sll, sizeof(sll)) == 0);
        return fd;
}

/* Reads frames until one passes match() or the deadline passes; returns its length, 0 on timeout. */
static size_t capture(int fd, uint8_t *buf, size_t size,
                      bool (*match)(const uint8_t *, size_t, const void *), const void *arg,
                      usec_t deadline) {
        for (;;) {
                struct pollfd pfd = { .fd = fd, .events = POLLIN };
                usec_t now = nt_now();
                ssize_t n;

                if (now >= deadline)
                        return 0;
                if (poll(&pfd, 1, (int) ((deadline - now + 999) / 1000)) <= 0)
                        continue;
                n = recv(fd, buf, size, 0);
                if (n > 0 && match(buf, (size_t) n, arg))
                        return (size_t) n;
        }
}

static bool arp_for(const uint8_t *f, size_t n, const void *vip) {
        return n >= GARP_ARP_LEN && f[12] == 0x08 && f[13] == 0x06 && memcmp(f + 38, vip, 4) == 0;
}

static bool na_for(const uint8_t *f, size_t n, const void *vip) {
        return n >= GARP_NA_LEN && f[12] == 0x86 && f[13] == 0xdd && f[20] == IPPROTO_ICMPV6 &&
               f[54] == 136 && memcmp(f + 62, vip, 16) == 0;
}

/* The veth's queue starts a moment after IFF_RUNNING shows: announce a probe address until one arrives. */
static void wait_path(int cap, int family) {
        VrrpAddr probe = {};
        uint8_t buf[256];
        usec_t deadline = nt_now() + 5 * USEC_PER_SEC;
        _cleanup_close_ int fd = -EBADF;
        size_t sent;

        ASSERT_OK(garp_open(family, (int) if_nametoindex("va"), &fd));
        ASSERT_EQ(inet_pton(family, family == AF_INET ? "203.0.113.254" : "2001:db8:ffff::1", &probe), 1);
        for (;;) {
                ASSERT_OK(garp_send(fd, family, (int) if_nametoindex("va"), &probe, 1, NULL, &sent));
                if (capture(cap, buf, sizeof(buf), family == AF_INET ? arp_for : na_for, &probe,
                            nt_now() + 100 * USEC_PER_MSEC) > 0)
                        return;
                ASSERT_TRUE(nt_now() < deadline);
        }
}

static void check_arp(const uint8_t *f, size_t n, const uint8_t *mac, const char *vip) {
        const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
        struct in_addr a;

        ASSERT_EQ(inet_pton(AF_INET, vip, &a), 1);
        ASSERT_EQ(n, GARP_ARP_LEN);
        ASSERT_MEMEQ(f, bcast, 6);                                           /* Ethernet destination */
        ASSERT_MEMEQ(f + 6, mac, 6);                                         /* Ethernet source */
        ASSERT_MEMEQ(f + 12, ((const uint8_t[]){ 0x08, 0x06 }), 2);          /* ARP */
        ASSERT_MEMEQ(f + 14, ((const uint8_t[]){ 0, 1, 0x08, 0, 6, 4 }), 6); /* Ethernet, IPv4, 6, 4 */
        ASSERT_MEMEQ(f + 20, ((const uint8_t[]){ 0, 1 }), 2);                /* request, as keepalived */
        ASSERT_MEMEQ(f + 22, mac, 6);                                        /* sender MAC */
        ASSERT_MEMEQ(f + 28, &a, 4);                                         /* sender IP = VIP */
        ASSERT_MEMEQ(f + 32, bcast, 6);                                      /* target MAC: keepalived's */
        ASSERT_MEMEQ(f + 38, &a, 4);                                         /* target IP = VIP */
}

static void send_and_check_arps(int cap, const uint8_t *mac) {
        const char *vips[] = { "192.0.2.100", "192.0.2.101", "198.51.100.7" };
        VrrpAddr addrs[ELEMENTSOF(vips)];
        _cleanup_close_ int fd = -EBADF;
        uint8_t buf[256];
        size_t sent, n;

        for (size_t i = 0; i < ELEMENTSOF(vips); i++)
                ASSERT_EQ(inet_pton(AF_INET, vips[i], &addrs[i].in), 1);
        ASSERT_OK(garp_open(AF_INET, (int) if_nametoindex("va"), &fd));
        ASSERT_OK(garp_send(fd, AF_INET, (int) if_nametoindex("va"), addrs, ELEMENTSOF(addrs), mac, &sent));
        ASSERT_EQ(sent, ELEMENTSOF(addrs));
        for (size_t i = 0; i < ELEMENTSOF(vips); i++) {
                n = capture(cap, buf, sizeof(buf), arp_for, &addrs[i], nt_now() + 2 * USEC_PER_SEC);
                ASSERT_TRUE(n > 0);
                check_arp(buf, n, mac ?: va_mac, vips[i]);
        }
}

TEST(garp_arp_on_the_wire) {
        _cleanup_close_ int cap = -EBADF;

        setup_veth();
        cap = open_capture("vb", ETH_P_ARP);
        wait_path(cap, AF_INET);
        send_and_check_arps(cap, NULL); /* the interface's own MAC */
        send_and_check_arps(cap, vmac); /* a virtual MAC (use_vmac) in the frame and in the ARP sender */
}

TEST(garp_noarp_interface_refused) {
        _cleanup_close_ int fd = -EBADF;
        VrrpAddr a;
        size_t sent = 1;

        setup_veth();
        NT_RUN("ip", "link", "set", "va", "arp", "off");
        ASSERT_EQ(inet_pton(AF_INET, "192.0.2.100", &a.in), 1);
        ASSERT_OK(garp_open(AF_INET, (int) if_nametoindex("va"), &fd));
        ASSERT_ERROR(garp_send(fd, AF_INET, (int) if_nametoindex("va"), &a, 1, NULL, &sent), EOPNOTSUPP);
        ASSERT_EQ(sent, 0);
}

/* A VIP whose interface went down or away: an error the caller can skip, nothing sent. */
TEST(garp_down_or_gone_interface_refused) {
        _cleanup_close_ int fd = -EBADF;
        int ifindex;
        VrrpAddr a;
        size_t sent = 1;

        setup_veth();
        ifindex = (int) if_nametoindex("va");
        ASSERT_EQ(inet_pton(AF_INET, "192.0.2.100", &a.in), 1);
        ASSERT_OK(garp_open(AF_INET, ifindex, &fd));
        NT_RUN("ip", "link", "set", "va", "down");
        ASSERT_ERROR(garp_send(fd, AF_INET, ifindex, &a, 1, NULL, &sent), ENETDOWN);
        ASSERT_EQ(sent, 0);
        NT_RUN("ip", "link", "del", "va");
        ASSERT_ERROR(garp_send(fd, AF_INET, ifindex, &a, 1, NULL, &sent), ENODEV);
        ASSERT_EQ(sent, 0);
}

/* One socket per interface, whichever family asks first; failures leave the table as it was. */
TEST(garp_sockets_one_per_interface) {
        GarpSockets t = {};
        int va, fd_a = -EBADF, fd_b = -EBADF, fd = -EBADF;

        setup_veth();
        va = (int) if_nametoindex("va");
        ASSERT_OK(garp_sockets_get(&t, AF_INET, va, &fd_a));
        ASSERT_OK(garp_sockets_get(&t, AF_INET6, va, &fd));
        ASSERT_EQ(fd, fd_a);
        ASSERT_OK(garp_sockets_get(&t, AF_INET6, (int) if_nametoindex("vb"), &fd_b));
        ASSERT_NE(fd_b, fd_a);
        ASSERT_EQ(t.n, 2u);
        ASSERT_ERROR(garp_sockets_get(&t, AF_INET, 0, &fd), EINVAL);
        ASSERT_ERROR(garp_sockets_get(&t, AF_INET, va + 1000, &fd), ENODEV); /* no such interface */
        ASSERT_EQ(t.n, 2u);
        garp_sockets_done(&t);
        ASSERT_EQ(t.n, 0u);
        ASSERT_TRUE(t.sockets == NULL);
        ASSERT_TRUE(fcntl(fd_a, F_GETFD) < 0 && errno == EBADF); /* closed */
        ASSERT_TRUE(fcntl(fd_b, F_GETFD) < 0 && errno == EBADF);
        garp_sockets_done(&t); /* twice is harmless */
}

/* Verifies the ICMPv6 checksum the receiver's way: the one's-complement sum over the pseudo-header and the
 * whole message, checksum included, is 0xffff. */
static void check_icmp6_checksum(const uint8_t *ip6) {
        size_t plen = (size_t) ip6[4] << 8 | ip6[5];
        uint32_t sum = plen + IPPROTO_ICMPV6;

        for (size_t i = 8; i < 40; i += 2)
                sum += (uint32_t) ip6[i] << 8 | ip6[i + 1];
        for (size_t i = 0; i < plen; i += 2)
                sum += (uint32_t) ip6[40 + i] << 8 | (i + 1 < plen ? ip6[40 + i + 1] : 0);
        while (sum >> 16)
                sum = (sum & 0xffff) + (sum >> 16);
        ASSERT_EQ(sum, 0xffff);
}

static void check_na(const uint8_t *f, size_t n, const uint8_t *mac, const struct in6_addr *vip,
                     bool router) {
        const struct in6_addr allnodes = { .s6_addr = { 0xff, 0x02, [15] = 1 } };

        ASSERT_EQ(n, GARP_NA_LEN);
        ASSERT_MEMEQ(f, ((const uint8_t[]){ 0x33, 0x33, 0, 0, 0, 1 }), 6); /* RFC 2464 mapping of ff02::1 */
        ASSERT_MEMEQ(f + 6, mac, 6);
        ASSERT_MEMEQ(f + 12, ((const uint8_t[]){ 0x86, 0xdd }), 2);
        /* version 6, payload length 32, ICMPv6, hop limit 255 */
        ASSERT_MEMEQ(f + 14, ((const uint8_t[]){ 0x60, 0, 0, 0, 0, 32, 58, 255 }), 8);
        ASSERT_MEMEQ(f + 22, vip, 16); /* source: the VIP, as keepalived */
        ASSERT_MEMEQ(f + 38, &allnodes, 16);
        ASSERT_EQ(f[54], 136); /* Neighbor Advertisement */
        ASSERT_EQ(f[55], 0);
        check_icmp6_checksum(f + 14);
        ASSERT_EQ(f[58], router ? 0xa0 : 0x20); /* Override, Router if forwarding */
        ASSERT_MEMEQ(f + 59, ((const uint8_t[]){ 0, 0, 0 }), 3);
        ASSERT_MEMEQ(f + 62, vip, 16);                        /* target */
        ASSERT_MEMEQ(f + 78, ((const uint8_t[]){ 2, 1 }), 2); /* target link-layer address */
        ASSERT_MEMEQ(f + 80, mac, 6);
}

static void send_and_check_nas(int cap, const uint8_t *mac, bool router) {
        const char *vips[] = { "fe80::1", "2001:db8::100", "2001:db8:1::7" };
        VrrpAddr addrs[ELEMENTSOF(vips)];
        _cleanup_close_ int fd = -EBADF;
        uint8_t buf[256];
        size_t sent, n;

        for (size_t i = 0; i < ELEMENTSOF(vips); i++)
                ASSERT_EQ(inet_pton(AF_INET6, vips[i], &addrs[i].in6), 1);
        ASSERT_OK(garp_open(AF_INET6, (int) if_nametoindex("va"), &fd));
        ASSERT_OK(garp_send(fd, AF_INET6, (int) if_nametoindex("va"), addrs, ELEMENTSOF(addrs), mac, &sent));
        ASSERT_EQ(sent, ELEMENTSOF(addrs));
        for (size_t i = 0; i < ELEMENTSOF(vips); i++) {
                n = capture(cap, buf, sizeof(buf), na_for, &addrs[i], nt_now() + 2 * USEC_PER_SEC);
                ASSERT_TRUE(n > 0);
                check_na(buf, n, mac ?: va_mac, &addrs[i].in6, router);
        }
}

TEST(garp_na_on_the_wire) {
        _cleanup_close_ int cap = -EBADF;

        setup_veth();
        cap = open_capture("vb", ETH_P_IPV6);
        wait_path(cap, AF_INET6);
        nt_sysctl("/proc/sys/net/ipv6/conf/va/forwarding", "0");
        send_and_check_nas(cap, NULL, false);
        nt_sysctl("/proc/sys/net/ipv6/conf/va/forwarding", "1"); /* a router: the R flag, as keepalived */
        send_and_check_nas(cap, vmac, true);
}

/* More VIPs than one sendmmsg call carries. */
TEST(garp_many_in_batches) {
        VrrpAddr addrs[GARP_BATCH * 2 + 3];
        _cleanup_close_ int cap = -EBADF, fd = -EBADF;
        uint8_t buf[256];
        size_t sent, got = 0;

        setup_veth();
        cap = open_capture("vb", ETH_P_ARP);
        wait_path(cap, AF_INET);
        for (size_t i = 0; i < ELEMENTSOF(addrs); i++)
                addrs[i].in.s_addr = htonl(0xc6336400u + (uint32_t) i); /* 198.51.100.0/24 */
        ASSERT_OK(garp_open(AF_INET, (int) if_nametoindex("va"), &fd));
        ASSERT_OK(garp_send(fd, AF_INET, (int) if_nametoindex("va"), addrs, ELEMENTSOF(addrs), NULL, &sent));
        ASSERT_EQ(sent, ELEMENTSOF(addrs));
        for (size_t i = 0; i < ELEMENTSOF(addrs); i++)
                if (capture(cap, buf, sizeof(buf), arp_for, &addrs[i], nt_now() + 2 * USEC_PER_SEC) > 0)
                        got++;
        ASSERT_EQ(got, ELEMENTSOF(addrs));
}

TEST(garp_open_rejects_bad_arguments) {
        int fd = -EBADF;

        ASSERT_ERROR(garp_open(AF_UNIX, 1, &fd), EINVAL);
        ASSERT_ERROR(garp_open(AF_INET, 0, &fd), EINVAL);
}

/* The frame builders alone, against bytes written out by hand. */
TEST(garp_build_arp_bytes) {
        /* clang-format off */
        const uint8_t expect[GARP_ARP_LEN] = {
                0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 0x0a, 0x08, 0x06, /* Ethernet */
                0, 1, 0x08, 0, 6, 4, 0, 1,                                              /* ARP request */
                0x02, 0, 0, 0, 0, 0x0a, 192, 0, 2, 100,                                 /* sender */
                0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 192, 0, 2, 100,                     /* target */
        };
        /* clang-format on */
        uint8_t buf[GARP_FRAME_MAX];
        struct in_addr a;

        ASSERT_EQ(inet_pton(AF_INET, "192.0.2.100", &a), 1);
        ASSERT_EQ(garp_build_arp(buf, va_mac, &a), GARP_ARP_LEN);
        ASSERT_MEMEQ(buf, expect, GARP_ARP_LEN);
}

TEST(garp_build_na_checksum) {
        uint8_t buf[GARP_FRAME_MAX];
        struct in6_addr a;

        ASSERT_EQ(inet_pton(AF_INET6, "2001:db8::100", &a), 1);
        ASSERT_EQ(garp_build_na(buf, va_mac, &a, false), GARP_NA_LEN);
        check_na(buf, GARP_NA_LEN, va_mac, &a, false);
        ASSERT_EQ(garp_build_na(buf, vmac, &a, true), GARP_NA_LEN);
        check_na(buf, GARP_NA_LEN, vmac, &a, true);
}
