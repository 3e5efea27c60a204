/* libFuzzer target for the netlink messages the daemon reads (issue 16). The first byte picks the socket:
 * even, an rtnetlink datagram of link, address, route and rule notifications, as the monitor hands each
 * message to nl_monitor_handle() (bit 1: with the local table's routes reported); odd, a process-events
 * connector datagram for proc_events_parse(). The rest is the datagram, in a buffer of its exact size. */

#include <linux/netlink.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/msg.h>

#include "os/nl-monitor.h"
#include "os/nl-route.h"
#include "os/nl-rule.h"
#include "os/proc-events.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The handlers read what they are given, as the daemon's do. */
static volatile size_t sink;

static void on_link(void *userdata, int ifindex, const char *ifname, bool up, bool removed) {
        sink += (size_t) ifindex + (ifname ? strlen(ifname) : 0) + up + removed;
}

static void on_address(void *userdata, int family, int ifindex, const VrrpAddr *addr, uint8_t prefixlen,
                       bool added) {
        sink += addr->bytes[vrrp_addr_len(family) - 1] + prefixlen + added + (size_t) ifindex;
}

static void on_route(void *userdata, const NlRouteEvent *e, bool added) {
        sink += e->dst.bytes[0] + e->via.bytes[15] + e->table + (size_t) e->oif + added;
}

static void on_rule(void *userdata, const NlRuleEvent *e, bool added) {
        sink += strlen(e->iif) + strlen(e->oif) + e->priority + e->from.bytes[0] + added;
}

static void fuzz_rtnetlink(uint8_t *buf, size_t len, bool local_table) {
        const NlMonitorHandlers hd = { .link = on_link, .address = on_address, .route = on_route,
                                       .rule = on_rule, .local_table = local_table };
        int rem = (int) len;

        /* libnl's receive loop: only messages whose length fits what is left of the datagram */
        for (struct nlmsghdr *h = (struct nlmsghdr *) buf; nlmsg_ok(h, rem); h = nlmsg_next(h, &rem))
                nl_monitor_handle(h, &hd);
}

static void fuzz_proc_events(const uint8_t *buf, size_t len) {
        ProcEvent ev[8];
        int n = proc_events_parse(buf, len, ev, 8);

        for (int k = 0; k < n; k++)
                sink += ev[k].kind + (size_t) ev[k].pid + (size_t) ev[k].parent + strnlen(ev[k].comm, 16);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        uint8_t *buf;

        if (size < 1 || size > 64 * 1024)
                return 0;
        /* malloc's alignment, as a receive buffer's: the sanitizers see a read past its end */
        buf = malloc(size - 1 ?: 1);
        if (!buf)
                return 0;
        memcpy(buf, data + 1, size - 1);
        if (data[0] & 1)
                fuzz_proc_events(buf, size - 1);
        else
                fuzz_rtnetlink(buf, size - 1, data[0] & 2);
        free(buf);
        return 0;
}
