#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/icmp6.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "os/garp.h"
#include "util/cleanup.h"

/* Gratuitous ARP and unsolicited NA. keepalived 2.2.7 (vrrp_arp.c, vrrp_ndisc.c) writes both as whole
 * Ethernet frames on an AF_PACKET socket, so the frame's source MAC can be a virtual MAC and the NA's IPv6
 * source can be the VIP itself, whatever state (DAD) the interface's link-local address is in. We do the
 * same. */

#define ETH_HLEN_ 14
#define IP6_HLEN 40
#define NA_LEN 24
#define NA_OPT_LEN 8

static const uint8_t bcast_mac[GARP_HWADDR_LEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
/* ff02::1 mapped to Ethernet, RFC 2464 §7 */
static const uint8_t allnodes_mac[GARP_HWADDR_LEN] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };

static uint8_t *put_u16(uint8_t *p, uint16_t v) {
        p[0] = v >> 8;
        p[1] = v & 0xff;
        return p + 2;
}

static uint8_t *put_bytes(uint8_t *p, const void *data, size_t len) {
        memcpy(p, data, len);
        return p + len;
}

static uint8_t *put_eth(uint8_t *p, const uint8_t *dst, const uint8_t *src, uint16_t type) {
        p = put_bytes(p, dst, GARP_HWADDR_LEN);
        p = put_bytes(p, src, GARP_HWADDR_LEN);
        return put_u16(p, type);
}

size_t garp_build_arp(uint8_t *buf, const uint8_t mac[GARP_HWADDR_LEN], const struct in_addr *vip) {
        uint8_t *p;

        assert(buf);
        assert(mac);
        assert(vip);
        p = put_eth(buf, bcast_mac, mac, ETHERTYPE_ARP);
        p = put_u16(p, ARPHRD_ETHER);
        p = put_u16(p, ETHERTYPE_IP);
        *p++ = GARP_HWADDR_LEN;
        *p++ = sizeof(struct in_addr);
        p = put_u16(p, ARPOP_REQUEST); /* keepalived sends requests, which every stack caches */
        p = put_bytes(p, mac, GARP_HWADDR_LEN);
        p = put_bytes(p, vip, sizeof(*vip));
        p = put_bytes(p, bcast_mac, GARP_HWADDR_LEN);
        p = put_bytes(p, vip, sizeof(*vip));
        return (size_t) (p - buf);
}

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len) {
        for (size_t i = 0; i + 1 < len; i += 2)
                sum += (uint32_t) p[i] << 8 | p[i + 1];
        if (len & 1)
                sum += (uint32_t) p[len - 1] << 8;
        return sum;
}

uint16_t garp_icmp6_checksum(const uint8_t *ip6, size_t len) {
        const size_t plen = len - IP6_HLEN;
        /* the pseudo-header's length and next header; the addresses are summed in place */
        uint8_t pseudo[8] = { plen >> 24, (plen >> 16) & 0xff, (plen >> 8) & 0xff, plen & 0xff };
        uint32_t sum = 0;
        uint8_t icmp[NA_LEN + NA_OPT_LEN];

        assert(ip6);
        if (len < IP6_HLEN + 4 || plen > sizeof(icmp))
                return 0;
        memcpy(icmp, ip6 + IP6_HLEN, plen);
        pseudo[7] = IPPROTO_ICMPV6;
        icmp[2] = icmp[3] = 0;            /* the checksum field counts as zero */
        sum = csum_add(sum, ip6 + 8, 32); /* source and destination */
        sum = csum_add(sum, pseudo, sizeof(pseudo));
        sum = csum_add(sum, icmp, plen);
        while (sum >> 16)
                sum = (sum & 0xffff) + (sum >> 16);
        return (uint16_t) ~sum;
}

size_t garp_build_na(uint8_t *buf, const uint8_t mac[GARP_HWADDR_LEN], const struct in6_addr *vip,
                     bool router) {
        const struct in6_addr allnodes = { .s6_addr = { 0xff, 0x02, [15] = 0x01 } };
        uint8_t *ip6, *p;
        uint16_t sum;

        assert(buf);
        assert(mac);
        assert(vip);
        ip6 = p = put_eth(buf, allnodes_mac, mac, ETHERTYPE_IPV6);
        p = put_bytes(p, (const uint8_t[]){ 0x60, 0, 0, 0 }, 4); /* version 6, no class, no flow label */
        p = put_u16(p, NA_LEN + NA_OPT_LEN);
        *p++ = IPPROTO_ICMPV6;
        *p++ = 255; /* RFC 4861 §7.1.2: receivers drop NAs with any other hop limit */
        p = put_bytes(p, vip, sizeof(*vip));
        p = put_bytes(p, &allnodes, sizeof(allnodes));
        *p++ = ND_NEIGHBOR_ADVERT;
        *p++ = 0;          /* code */
        p = put_u16(p, 0); /* checksum, below */
        /* R as told, S clear (unsolicited), O: replace cached link-layer addresses */
        *p++ = (router ? 0x80 : 0) | 0x20;
        p = put_bytes(p, (const uint8_t[]){ 0, 0, 0 }, 3);
        p = put_bytes(p, vip, sizeof(*vip));
        *p++ = ND_OPT_TARGET_LINKADDR;
        *p++ = 1; /* in units of 8 octets */
        p = put_bytes(p, mac, GARP_HWADDR_LEN);
        sum = garp_icmp6_checksum(ip6, (size_t) (p - ip6));
        put_u16(ip6 + IP6_HLEN + 2, sum);
        return (size_t) (p - buf);
}

int garp_open(int family, int ifindex, int *ret_fd) {
        _cleanup_close_ int fd = -EBADF;
        struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = 0, .sll_ifindex = ifindex };

        assert(ret_fd);
        if ((family != AF_INET && family != AF_INET6) || ifindex <= 0)
                return -EINVAL;
        /* Protocol 0: the socket hooks into no receive path, so nothing queues up on a socket never read. */
        fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return -errno;
        if (bind(fd, (const struct sockaddr *) &sll, sizeof(sll)) < 0)
                return -errno;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

typedef struct GarpLink {
        char name[IFNAMSIZ];
        uint8_t mac[GARP_HWADDR_LEN];
        bool router;
} GarpLink;

/* net.ipv6.conf.IF.forwarding, keepalived's (and the kernel's) source for the NA's Router flag. Unreadable:
 * not a router. */
static bool garp_read_forwarding(const char *ifname) {
        char path[64 + IFNAMSIZ], c = '0';
        _cleanup_close_ int fd = -EBADF;

        snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/forwarding", ifname);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || read(fd, &c, 1) != 1)
                return false;
        return c != '0';
}

static int garp_read_link(int fd, int family, int ifindex, GarpLink *ret) {
        struct ifreq ifr = { .ifr_ifindex = ifindex };

        if (ioctl(fd, SIOCGIFNAME, &ifr) < 0)
                return -errno;
        memcpy(ret->name, ifr.ifr_name, IFNAMSIZ);
        ret->name[IFNAMSIZ - 1] = 0;
        if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
                return -errno;
        if (ifr.ifr_flags & IFF_NOARP)
                return -EOPNOTSUPP;
        if (!(ifr.ifr_flags & IFF_UP))
                return -ENETDOWN; /* what sendmmsg would answer, asked before building anything */
        if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
                return -errno;
        if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER)
                return -EOPNOTSUPP;
        memcpy(ret->mac, ifr.ifr_hwaddr.sa_data, GARP_HWADDR_LEN);
        ret->router = family == AF_INET6 && garp_read_forwarding(ret->name);
        return 0;
}

int garp_send(int fd, int family, int ifindex, const VrrpAddr *addrs, size_t n, const uint8_t *mac,
              size_t *ret_sent) {
        uint8_t frames[GARP_BATCH][GARP_FRAME_MAX];
        struct mmsghdr msgs[GARP_BATCH];
        struct iovec iov[GARP_BATCH];
        struct sockaddr_ll sll = { .sll_family = AF_PACKET,
                                   .sll_ifindex = ifindex,
                                   .sll_halen = GARP_HWADDR_LEN };
        size_t done = 0;
        GarpLink link;
        int r;

        assert(addrs || n == 0);
        assert(ret_sent);
        *ret_sent = 0;
        if ((family != AF_INET && family != AF_INET6) || ifindex <= 0)
                return -EINVAL;
        r = garp_read_link(fd, family, ifindex, &link);
        if (r < 0)
                return r;
        if (!mac)
                mac = link.mac;
        sll.sll_protocol = htons(family == AF_INET ? ETH_P_ARP : ETH_P_IPV6);
        memcpy(sll.sll_addr, family == AF_INET ? bcast_mac : allnodes_mac, GARP_HWADDR_LEN);

        while (done < n) {
                size_t chunk = n - done < GARP_BATCH ? n - done : GARP_BATCH;

                for (size_t i = 0; i < chunk; i++) {
                        const VrrpAddr *a = &addrs[done + i];

                        iov[i].iov_base = frames[i];
                        iov[i].iov_len = family == AF_INET
                                                 ? garp_build_arp(frames[i], mac, &a->in)
                                                 : garp_build_na(frames[i], mac, &a->in6, link.router);
                        msgs[i] = (struct mmsghdr){ .msg_hdr = { .msg_name = &sll,
                                                                 .msg_namelen = sizeof(sll),
                                                                 .msg_iov = &iov[i],
                                                                 .msg_iovlen = 1 } };
                }
                r = sendmmsg(fd, msgs, (unsigned) chunk, 0);
                if (r < 0)
                        return -errno;
                if (r == 0)
                        return -EAGAIN;
                done += (size_t) r;
                *ret_sent = done;
        }
        return 0;
}

int garp_sockets_get(GarpSockets *t, int family, int ifindex, int *ret_fd) {
        _cleanup_close_ int fd = -EBADF;
        GarpSocket *grown;
        int r;

        assert(t);
        assert(ret_fd);
        for (size_t k = 0; k < t->n; k++)
                if (t->sockets[k].ifindex == ifindex) {
                        *ret_fd = t->sockets[k].fd;
                        return 0;
                }
        r = garp_open(family, ifindex, &fd);
        if (r < 0)
                return r;
        grown = reallocarray(t->sockets, t->n + 1, sizeof(*grown));
        if (!grown)
                return -ENOMEM;
        t->sockets = grown;
        *ret_fd = fd;
        t->sockets[t->n++] = (GarpSocket){ .ifindex = ifindex, .fd = TAKE_FD(fd) };
        return 0;
}

void garp_sockets_done(GarpSockets *t) {
        assert(t);
        for (size_t k = 0; k < t->n; k++)
                close(t->sockets[k].fd);
        free(t->sockets);
        *t = (GarpSockets){};
}
