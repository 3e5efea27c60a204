#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

/* An IPv4 or IPv6 address; the family travels beside it (per socket, per instance). */
typedef union VrrpAddr {
        struct in_addr in;
        struct in6_addr in6;
        uint8_t bytes[16];
} VrrpAddr;

size_t vrrp_addr_len(int family);
int vrrp_addr_cmp(int family, const VrrpAddr *a, const VrrpAddr *b);
bool vrrp_addr_is_null(int family, const VrrpAddr *a);
/* Whether a/len and b/len are the same prefix: their first len bits agree (len up to the family's bits). */
bool vrrp_addr_prefix_equal(int family, const VrrpAddr *a, const VrrpAddr *b, unsigned len);
