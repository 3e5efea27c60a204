#include <arpa/inet.h>
#include <sys/socket.h>

#include "core/vrrp-addr.h"
#include "vtest.h"

TEST(addr_cmp_is_network_order) {
        VrrpAddr a, b;

        ASSERT_EQ(inet_pton(AF_INET, "192.0.2.2", &a.in), 1);
        ASSERT_EQ(inet_pton(AF_INET, "192.0.2.10", &b.in), 1);
        ASSERT_TRUE(vrrp_addr_cmp(AF_INET, &a, &b) < 0);
        ASSERT_TRUE(vrrp_addr_cmp(AF_INET, &b, &a) > 0);
        ASSERT_EQ(vrrp_addr_cmp(AF_INET, &a, &a), 0);
}

TEST(addr_cmp_ipv6) {
        VrrpAddr a, b;

        ASSERT_EQ(inet_pton(AF_INET6, "fe80::2", &a.in6), 1);
        ASSERT_EQ(inet_pton(AF_INET6, "fe80::1:0", &b.in6), 1);
        ASSERT_TRUE(vrrp_addr_cmp(AF_INET6, &a, &b) < 0);
        ASSERT_EQ(vrrp_addr_len(AF_INET6), 16);
        ASSERT_EQ(vrrp_addr_len(AF_INET), 4);
}

TEST(addr_null) {
        VrrpAddr a = {};

        ASSERT_TRUE(vrrp_addr_is_null(AF_INET6, &a));
        a.bytes[15] = 1;
        ASSERT_TRUE(vrrp_addr_is_null(AF_INET, &a));
        ASSERT_FALSE(vrrp_addr_is_null(AF_INET6, &a));
}

TEST(addr_prefix_equal) {
        VrrpAddr a, b;

        ASSERT_EQ(inet_pton(AF_INET, "198.51.100.0", &a.in), 1);
        ASSERT_EQ(inet_pton(AF_INET, "198.51.100.129", &b.in), 1);
        ASSERT_TRUE(vrrp_addr_prefix_equal(AF_INET, &a, &b, 24));
        ASSERT_TRUE(vrrp_addr_prefix_equal(AF_INET, &a, &b, 0));
        ASSERT_FALSE(vrrp_addr_prefix_equal(AF_INET, &a, &b, 25));
        ASSERT_FALSE(vrrp_addr_prefix_equal(AF_INET, &a, &b, 32));
        ASSERT_EQ(inet_pton(AF_INET6, "2001:db8:0:7::", &a.in6), 1);
        ASSERT_EQ(inet_pton(AF_INET6, "2001:db8:0:6::1", &b.in6), 1);
        ASSERT_TRUE(vrrp_addr_prefix_equal(AF_INET6, &a, &b, 63));
        ASSERT_FALSE(vrrp_addr_prefix_equal(AF_INET6, &a, &b, 64));
        ASSERT_TRUE(vrrp_addr_prefix_equal(AF_INET6, &a, &a, 128));
}
