#include <net/if.h>
#include <poll.h>

#include <netlink/socket.h>

#include "os/nl-monitor.h"
#include "netns-test.h"

/* The rtnetlink monitor in a private network namespace. */

typedef struct Seen {
        size_t n_links;
        size_t n_addresses;
} Seen;

static void on_link(void *userdata, int ifindex, const char *ifname, bool up, bool removed) {
        ((Seen *) userdata)->n_links++;
}

static void on_address(void *userdata, int family, int ifindex, const VrrpAddr *addr, uint8_t prefixlen,
                       bool added) {
        ((Seen *) userdata)->n_addresses++;
}

/* Dispatches the monitor until done(s) holds; fails after 2 s. */
static void dispatch_until(struct nl_sock *mon, const NlMonitorHandlers *h, bool (*done)(const Seen *)) {
        usec_t deadline = nt_now() + 2 * USEC_PER_SEC;
        struct pollfd p = { .fd = nl_monitor_fd(mon), .events = POLLIN };

        for (;;) {
                ASSERT_OK(nl_monitor_dispatch(mon, h));
                if (done(h->userdata))
                        return;
                if (nt_now() >= deadline)
                        VTEST_FAIL("no such notice within 2 s");
                (void) poll(&p, 1, 100);
        }
}

static bool link_and_address_seen(const Seen *s) {
        return s->n_links > 0 && s->n_addresses > 0;
}

/* A drained socket is no error. */
TEST(links_and_addresses_reported_drained_is_no_error) {
        struct nl_sock *mon = NULL;
        Seen seen = {};
        NlMonitorHandlers h = { .address = on_address, .link = on_link, .userdata = &seen };

        nt_new_netns();
        NT_RUN("ip", "link", "add", "va", "type", "veth", "peer", "name", "vb");
        ASSERT_OK(nl_monitor_open(&mon));
        ASSERT_EQ(nl_monitor_dispatch(mon, &h), 0); /* nothing pending */
        NT_RUN("ip", "link", "set", "va", "up");
        NT_RUN("ip", "addr", "add", "192.0.2.1/24", "dev", "va");
        dispatch_until(mon, &h, link_and_address_seen);
        ASSERT_EQ(nl_monitor_dispatch(mon, &h), 0);
        nl_socket_free(mon);
}
