#pragma once

/* What the netlink adapter tests (routes, rules, the monitor, the requests) build their cases from: addresses
 * and routes as the config's model holds them, and, in a throwaway namespace (netns-test.h), a veth pair va-vb
 * with addresses of the documentation ranges on va. */

#include <arpa/inet.h>
#include <linux/rtnetlink.h>

#include "conf/conf-model.h"
#include "vtest.h"

static inline VrrpAddr addr(int family, const char *s) {
        VrrpAddr a = {};

        ASSERT_EQ(inet_pton(family, s, a.bytes), 1);
        return a;
}

/* A unicast route to dst/len as the parser leaves one with nothing else said: protocol 18, defaults unset. */
static inline ConfRoute route(int family, const char *dst, uint8_t len) {
        return (ConfRoute){ .family = family,
                            .type = RTN_UNICAST,
                            .dst = addr(family, dst),
                            .dst_len = len,
                            .protocol = 18,
                            .scope = CONF_UNSET,
                            .pref = CONF_UNSET,
                            .ttl_propagate = CONF_UNSET };
}

static inline ConfRoute via(ConfRoute c, int family, const char *gw) {
        c.via_family = family;
        c.via = addr(family, gw);
        return c;
}

#ifdef NT_RUN
/* A fresh namespace with the veth pair va-vb up, 192.0.2.1/24 and 2001:db8::1/64 on va. */
static inline void nlt_veth_pair(void) {
        nt_new_netns();
        NT_RUN("ip", "link", "add", "va", "type", "veth", "peer", "name", "vb");
        NT_RUN("ip", "link", "set", "va", "up");
        NT_RUN("ip", "link", "set", "vb", "up");
        NT_RUN("ip", "addr", "add", "192.0.2.1/24", "dev", "va");
        NT_RUN("ip", "addr", "add", "2001:db8::1/64", "dev", "va", "nodad");
}
#endif
