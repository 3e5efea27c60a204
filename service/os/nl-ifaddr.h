#pragma once

#include <stdbool.h>

#include "core/vrrp-addr.h"

struct nl_sock;

/* The address an instance sends from when the config names none (keepalived's choice): IPv4, the interface's
 * primary (first non-secondary) address; IPv6, its link-local address. Addresses in skip[] (our own VIPs) are
 * never chosen. Returns -EADDRNOTAVAIL if the interface has none. */
int nl_ifaddr_primary(struct nl_sock *sk, int ifindex, int family, const VrrpAddr *skip, size_t n_skip,
                      VrrpAddr *ret);

/* Whether addr is configured on any interface of this host (own-packet and address-owner checks). */
int nl_ifaddr_is_local(struct nl_sock *sk, int family, const VrrpAddr *addr);
