#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/vrrp-addr.h"

/* Announcing VIPs: gratuitous ARP (IPv4) and unsolicited Neighbor Advertisements (IPv6), as keepalived 2.2.7
 * sends them, written whole (Ethernet header included) on an AF_PACKET socket bound to the interface. A
 * socket serves one interface, either family; garp_send() takes many VIPs and sends them with sendmmsg.
 * Non-logging. */

#define GARP_BATCH 64     /* frames per sendmmsg call */
#define GARP_HWADDR_LEN 6 /* Ethernet only, as keepalived (no InfiniBand here) */
#define GARP_ARP_LEN 42   /* 14 Ethernet + 28 ARP */
#define GARP_NA_LEN 86    /* 14 Ethernet + 40 IPv6 + 24 NA + 8 target link-layer address option */
#define GARP_FRAME_MAX GARP_NA_LEN

/* Frame builders, pure: buf holds GARP_FRAME_MAX bytes; they return the frame's length.
 * ARP: an ARP *request* to ff:ff:ff:ff:ff:ff with sender IP = target IP = the VIP, sender MAC = mac and
 * target MAC = ff:ff:ff:ff:ff:ff (keepalived 2.2.7, not RFC 5227's zeros).
 * NA: from mac to 33:33:00:00:00:01, IPv6 source = the VIP itself (keepalived, and the kernel's own
 * unsolicited NA), destination ff02::1, hop limit 255, Override set, Router as `router`, Solicited clear,
 * target = the VIP, a target link-layer address option with mac; checksum filled in. */
size_t garp_build_arp(uint8_t *buf, const uint8_t mac[GARP_HWADDR_LEN], const struct in_addr *vip);
size_t garp_build_na(uint8_t *buf, const uint8_t mac[GARP_HWADDR_LEN], const struct in6_addr *vip,
                     bool router);

/* The ICMPv6 checksum of an IPv6 packet (header first), as its ICMPv6 header should carry it. */
uint16_t garp_icmp6_checksum(const uint8_t *ip6, size_t len);

/* A send-only AF_PACKET socket on ifindex (it registers for no protocol, so it never receives). */
int garp_open(int family, int ifindex, int *ret_fd);

/* Sends one ARP (family AF_INET) or NA (AF_INET6) per address. mac: the sender MAC (a use_vmac virtual MAC),
 * or NULL for the interface's own. The interface's MAC, flags and, for IPv6, net.ipv6.conf.IF.forwarding
 * (the NA's Router flag, as keepalived and the kernel) are read at each call, so a MAC change or a rename
 * needs nothing from the caller. -EOPNOTSUPP: not Ethernet, or IFF_NOARP (keepalived sends nothing there
 * either); -ENETDOWN: the interface is down; -ENODEV: it is gone; -EAGAIN: the socket's buffer is full.
 * *ret_sent counts the frames sent, also on failure. */
int garp_send(int fd, int family, int ifindex, const VrrpAddr *addrs, size_t n, const uint8_t *mac,
              size_t *ret_sent);

/* Sockets by interface, each opened at its first use and all closed by garp_sockets_done(): for VIPs on
 * interfaces that are not their instance's own (`dev eth1`), as keepalived announces every VIP on its own
 * interface. Start from GarpSockets{}. */
typedef struct GarpSocket {
        int ifindex;
        int fd;
} GarpSocket;

typedef struct GarpSockets {
        GarpSocket *sockets;
        size_t n;
} GarpSockets;

/* The socket of ifindex, opened now if there is none yet (family as garp_open()'s; either may use it). */
int garp_sockets_get(GarpSockets *t, int family, int ifindex, int *ret_fd);
void garp_sockets_done(GarpSockets *t);
