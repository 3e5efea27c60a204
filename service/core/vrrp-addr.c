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

bool vrrp_addr_prefix_equal(int family, const VrrpAddr *a, const VrrpAddr *b, unsigned len) {
        size_t bytes = len / 8;
        uint8_t mask = (uint8_t) (0xff00u >> (len % 8));

        assert(a);
        assert(b);
        assert(len <= 8 * vrrp_addr_len(family));

        if (memcmp(a->bytes, b->bytes, bytes) != 0)
                return false;
        return len % 8 == 0 || ((a->bytes[bytes] ^ b->bytes[bytes]) & mask) == 0;
}
