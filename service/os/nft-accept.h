#pragma once

#include <net/if.h>
#include <stddef.h>

#include "core/vrrp-addr.h"

/* Accept_Mode False (RFC 9568 §6.1; keepalived's `no_accept`, forced by `vrrp_strict`): a master that does
 * not own its VIPs must not accept packets addressed to them, nor answer from them. As keepalived 2.2.7 does
 * (vrrp_nftables.c), an nftables table of our own holds the VIPs of such masters in sets, and two base
 * chains at priority -1 drop what is addressed to them (input) and what would leave from them (output);
 * Neighbor Solicitations and Advertisements pass, so the kernel still answers ND for them; ARP never meets
 * these hooks. The daemon adds an instance's VIPs when it becomes master and removes them when it leaves
 * master; a backup does not hold the VIPs, so the kernel accepts nothing for them anyway.
 *
 *   table inet vrrpd
 *     set vips4 { ipv4_addr }  set vips6 { ipv6_addr }
 *     set vips6_ll { ipv6_addr . ifname }                      (link-local VIPs, per interface)
 *     chain in  (input,  -1): icmpv6 ND accept; ip6 daddr fe80::/10 goto in_link_local;
 *                             ip daddr @vips4 drop; ip6 daddr @vips6 drop
 *     chain out (output, -1): the same with saddr (and oifname)
 *
 * Through libnftables in-process, its output and errors buffered: nothing is printed. The library is loaded
 * at the first command (nft-lib.h), so a daemon that never filters never maps it; if it cannot be loaded,
 * that command fails with -ELIBACC and a message saying so. The table is (re)built at the first add, which
 * also clears one left by a crashed run, and deleted by nft_accept_close(). Every operation is idempotent
 * and is one nftables transaction. Failures return -errno (when nft's message names one, else -EIO) and, if
 * reterr_message is given, nft's message (to free). Non-logging. */

#define NFT_ACCEPT_TABLE "vrrpd"

typedef struct NftAccept NftAccept;

typedef struct NftAcceptAddr {
        int family;
        VrrpAddr addr;
        char ifname[IFNAMSIZ]; /* IPv6 link-local addresses only: the interface they live on */
} NftAcceptAddr;

/* Touches nothing in the kernel yet, and loads nothing. */
int nft_accept_new(NftAccept **ret);
NftAccept *nft_accept_free(NftAccept *a);

int nft_accept_add(NftAccept *a, const NftAcceptAddr *addrs, size_t n, char **reterr_message);
int nft_accept_remove(NftAccept *a, const NftAcceptAddr *addrs, size_t n, char **reterr_message);
/* After another program may have deleted the table: 1 if it was built and is gone (the next add builds it
 * again, so add every address it should hold), 0 if not, -errno if the kernel could not tell. */
int nft_accept_lost(NftAccept *a);
/* Deletes the table, ours or one a crashed run left; nothing there is fine (and is found out without loading
 * libnftables). */
int nft_accept_close(NftAccept *a, char **reterr_message);
