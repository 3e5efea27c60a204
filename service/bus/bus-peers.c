#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <net/if.h>
#include <time.h>

#include "bus/bus-errors.h"
#include "bus/bus-instance.h"
#include "bus/bus-peers.h"
#include "bus/bus-util.h"
#include "bus/bus.h"
#include "core/vrrp-peers.h"
#include "endpoint.h"
#include "instance-peers.h"
#include "instance.h"
#include "manager.h"
#include "util/cleanup.h"
#include "util/log.h"

static const char *family_word(int family) {
        return family == AF_INET6 ? "ipv6" : "ipv4";
}

/* (address, last advertised priority, first heard, last heard: wall clock µs) */
int bus_peers_get_peers(sd_bus *bus, const char *path, const char *interface, const char *property,
                        sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        const Instance *i = userdata;
        char buf[INET6_ADDRSTRLEN];
        int r;

        r = sd_bus_message_open_container(reply, 'a', "(sytt)");
        for (size_t k = 0; r >= 0 && i->peers && k < i->peers->n; k++) {
                const VrrpPeer *p = &i->peers->items[k];

                if (!inet_ntop(i->params.fsm.family, &p->addr, buf, sizeof(buf)))
                        return -errno;
                r = sd_bus_message_append(reply, "(sytt)", buf, p->priority, p->first_heard_rt, p->last_heard_rt);
        }
        return r < 0 ? r : sd_bus_message_close_container(reply);
}

int bus_peers_get_split_brain(sd_bus *bus, const char *path, const char *interface, const char *property,
                              sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        return sd_bus_message_append(reply, "b", instance_split_brain(userdata));
}

/* (interface, family, VRID, address, last heard µs), aged first */
int bus_peers_get_foreign(sd_bus *bus, const char *path, const char *interface, const char *property,
                          sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Manager *m = ((Bus *) userdata)->manager;
        char ifname[IF_NAMESIZE], buf[INET6_ADDRSTRLEN];
        uint64_t now = 0;
        int r;

        (void) sd_event_now(m->event, CLOCK_MONOTONIC, &now);
        foreign_expire(&m->foreign, now);
        r = sd_bus_message_open_container(reply, 'a', "(ssyst)");
        for (size_t k = 0; r >= 0 && k < m->foreign.n; k++) {
                const ForeignRouter *f = &m->foreign.items[k];

                if (!if_indextoname((unsigned) f->ifindex, ifname))
                        snprintf(ifname, sizeof(ifname), "%d", f->ifindex);
                if (!inet_ntop(f->family, &f->addr, buf, sizeof(buf)))
                        return -errno;
                r = sd_bus_message_append(reply, "(ssyst)", ifname, family_word(f->family), f->vrid, buf,
                                          f->last_heard_rt);
        }
        return r < 0 ? r : sd_bus_message_close_container(reply);
}

/* Per socket (interface, family): adverts for a VRID nobody here runs, packets too short for an IP header. */
int bus_peers_get_sockets(sd_bus *bus, const char *path, const char *interface, const char *property,
                          sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        const Manager *m = ((Bus *) userdata)->manager;
        char ifname[IF_NAMESIZE];
        int r;

        r = sd_bus_message_open_container(reply, 'a', "(sstt)");
        for (size_t k = 0; r >= 0 && k < m->n_endpoints; k++) {
                const Endpoint *e = m->endpoints[k];

                if (e->ifindex <= 0)
                        snprintf(ifname, sizeof(ifname), "%s", "");
                else if (!if_indextoname((unsigned) e->ifindex, ifname))
                        snprintf(ifname, sizeof(ifname), "%d", e->ifindex);
                r = sd_bus_message_append(reply, "(sstt)", ifname, family_word(e->family), e->drops_no_instance,
                                          e->drops_malformed);
        }
        return r < 0 ? r : sd_bus_message_close_container(reply);
}

void bus_peers_emit(Bus *b, Instance *i) {
        _cleanup_free_ char *path = NULL;
        int r;

        assert(b);
        assert(i);
        if (!b->bus || bus_instance_path(i, &path) < 0)
                return;
        r = sd_bus_emit_properties_changed(b->bus, path, VRRPD_BUS_INSTANCE_INTERFACE, "Peers", "SplitBrain",
                                           NULL);
        if (r < 0)
                log_debug_errno(r, "failed to emit Peers, ignoring: %m");
}
