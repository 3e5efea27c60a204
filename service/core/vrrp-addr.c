#include <assert.h>
#include <string.h>
#include <sys/socket.h>

#include "vrrp-addr.h"

size_t vrrp_addr_len(int family) {
        return family == AF_INET6 ? sizeof(struct in6_addr) : sizeof(struct in_addr);
}

/* Compares in network byte order, as RFC 9568 §6.4.3 compares primary addresses ("higher IP address"). */
int vrrp_addr_cmp(int family, const VrrpAddr *a, const VrrpAddr *b) {
        assert(a);
        assert(b);

        return memcmp(a->bytes, b->bytes, vrrp_addr_len(family));
}

bool vrrp_addr_is_null(int family, const VrrpAddr *a) {
        static const VrrpAddr null = {};

        assert(a);

        return vrrp_addr_cmp(family, a, &null) == 0;
}
