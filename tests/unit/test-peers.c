#include <arpa/inet.h>
#include <sys/socket.h>

#include "core/vrrp-peers.h"
#include "vtest.h"

/* The other routers as an instance hears them (core/vrrp-peers.h), on a virtual clock. 1 s adverts, a
 * Master_Down_Interval of 3.5 s. */

#define T0 ((usec_t) 5000 * USEC_PER_SEC)
#define RT0 ((usec_t) 1796220000 * USEC_PER_SEC)
#define MDI (3500 * USEC_PER_MSEC)

static VrrpAddr a4(const char *s) {
        VrrpAddr a = {};

        ASSERT_EQ(inet_pton(AF_INET, s, &a), 1);
        return a;
}

TEST(routers_appear_change_and_fall_silent) {
        VrrpPeers v;
        VrrpAddr b = a4("192.0.2.2");

        vrrp_peers_init(&v, AF_INET);
        ASSERT_EQ(vrrp_peers_heard(&v, &b, 100, USEC_PER_SEC, false, T0, RT0), VRRP_PEERS_CHANGED);
        ASSERT_EQ(vrrp_peers_heard(&v, &b, 100, USEC_PER_SEC, false, T0 + USEC_PER_SEC, RT0 + USEC_PER_SEC), 0u);
        ASSERT_EQ(vrrp_peers_heard(&v, &b, 90, USEC_PER_SEC, false, T0 + 2 * USEC_PER_SEC, RT0), VRRP_PEERS_CHANGED);
        ASSERT_EQ(v.n, 1);
        ASSERT_EQ(v.items[0].first_heard_rt, RT0);
        ASSERT_EQ(v.items[0].priority, 90);
        ASSERT_EQ(vrrp_peers_next_expiry(&v, MDI), T0 + 2 * USEC_PER_SEC + MDI);
        ASSERT_EQ(vrrp_peers_expire(&v, MDI, false, T0 + 2 * USEC_PER_SEC + MDI - 1), 0u);
        ASSERT_EQ(vrrp_peers_expire(&v, MDI, false, T0 + 2 * USEC_PER_SEC + MDI), VRRP_PEERS_CHANGED);
        ASSERT_EQ(v.n, 0);
        ASSERT_EQ(vrrp_peers_next_expiry(&v, MDI), USEC_INFINITY);
}

TEST(two_unyielded_adverts_an_interval_apart_are_split_brain) {
        VrrpPeers v;
        VrrpAddr b = a4("192.0.2.2");

        vrrp_peers_init(&v, AF_INET);
        vrrp_peers_heard(&v, &b, 90, USEC_PER_SEC, true, T0, RT0);
        ASSERT_FALSE(v.split_brain);
        ASSERT_EQ(vrrp_peers_heard(&v, &b, 90, USEC_PER_SEC, true, T0 + USEC_PER_SEC - 1, RT0), 0u);
        ASSERT_EQ(vrrp_peers_heard(&v, &b, 90, USEC_PER_SEC, true, T0 + USEC_PER_SEC, RT0),
                  VRRP_PEERS_SPLIT_CHANGED);
        ASSERT_TRUE(v.split_brain);
        /* it heals: a Master_Down_Interval without such adverts */
        ASSERT_EQ(vrrp_peers_expire(&v, MDI, false, T0 + USEC_PER_SEC + MDI - 1), 0u);
        ASSERT_EQ(vrrp_peers_expire(&v, MDI, false, T0 + USEC_PER_SEC + MDI) & VRRP_PEERS_SPLIT_CHANGED,
                  VRRP_PEERS_SPLIT_CHANGED);
        ASSERT_FALSE(v.split_brain);
}

TEST(a_normal_preemption_never_raises_it) {
        VrrpPeers v;
        VrrpAddr low = a4("192.0.2.2"), high = a4("192.0.2.3");

        vrrp_peers_init(&v, AF_INET);
        /* we took over from a lower master: it says one more word, then steps down */
        vrrp_peers_heard(&v, &low, 90, USEC_PER_SEC, true, T0, RT0);
        /* a better router comes back: we yield at its first advert */
        vrrp_peers_heard(&v, &high, 200, USEC_PER_SEC, false, T0 + USEC_PER_SEC, RT0);
        ASSERT_FALSE(v.split_brain);
        ASSERT_EQ(vrrp_peers_expire(&v, MDI, true, T0 + 2 * USEC_PER_SEC), 0u);
        ASSERT_FALSE(v.split_brain);
}

TEST(leaving_master_ends_it_at_once) {
        VrrpPeers v;
        VrrpAddr b = a4("192.0.2.2");

        vrrp_peers_init(&v, AF_INET);
        vrrp_peers_heard(&v, &b, 90, USEC_PER_SEC, true, T0, RT0);
        vrrp_peers_heard(&v, &b, 90, USEC_PER_SEC, true, T0 + USEC_PER_SEC, RT0);
        ASSERT_TRUE(v.split_brain);
        ASSERT_EQ(vrrp_peers_expire(&v, MDI, true, T0 + USEC_PER_SEC + 1), VRRP_PEERS_SPLIT_CHANGED);
        ASSERT_FALSE(v.split_brain);
        ASSERT_EQ(v.n, 1); /* still heard */
}

TEST(the_least_recently_heard_makes_room) {
        VrrpPeers v;

        vrrp_peers_init(&v, AF_INET);
        for (uint32_t k = 0; k < VRRP_PEERS_MAX + 3; k++) {
                VrrpAddr a = { .in.s_addr = htonl(0xc0000201u + k) };

                vrrp_peers_heard(&v, &a, 100, USEC_PER_SEC, false, T0 + k, RT0);
        }
        ASSERT_EQ(v.n, VRRP_PEERS_MAX);
        for (size_t k = 0; k < v.n; k++)
                ASSERT_TRUE(ntohl(v.items[k].addr.in.s_addr) >= 0xc0000201u + 3);
}
