#include <assert.h>
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/socket.h>

#include "announce.h"
#include "conf/conf.h"
#include "endpoint.h"
#include "instance.h"
#include "manager.h"
#include "os/garp.h"
#include "os/nl-vip.h"
#include "util/log.h"
#include "vmac/vmac.h"

#define log_inst(i, level, error, ...) log_instance(level, error, (i)->name, (i)->params.fsm.vrid, __VA_ARGS__)

/* The instance's family's interval: its endpoint's pacer spaces all its packets, whichever interface and
 * family they leave on (keepalived paces each interface on its own). */
static usec_t announce_spacing(const Instance *i) {
        const ConfGlobal *g = &i->manager->config->global;

        return i->params.fsm.family == AF_INET ? g->garp_interval : g->gna_interval;
}

/* The socket announcing on v's interface: the endpoint's for the instance's own (either family), the
 * manager's for any other. */
static int announce_fd(Instance *i, const NlVip *v, int *ret_fd) {
        Endpoint *e = i->endpoint;
        int r;

        if (v->ifindex != i->ifindex)
                return garp_sockets_get(&i->manager->garp_sockets, v->family, v->ifindex, ret_fd);
        if (e->garp_fd < 0) {
                r = garp_open(v->family, v->ifindex, &e->garp_fd);
                if (r < 0)
                        return r;
        }
        *ret_fd = e->garp_fd;
        return 0;
}

/* Down, gone, or no ARP there (keepalived sends nothing on IFF_NOARP either): nothing to tell anyone. */
static bool announce_skippable(int r) {
        return r == -ENETDOWN || r == -ENODEV || r == -ENXIO || r == -EOPNOTSUPP;
}

/* n VIPs of v's interface and family. */
static void announce_send_link(Instance *i, const NlVip *v, const VrrpAddr *addrs, size_t n) {
        char ifname[IF_NAMESIZE];
        size_t sent;
        int fd, r;

        r = announce_fd(i, v, &fd);
        if (r >= 0) {
                r = garp_send(fd, v->family, v->ifindex, addrs, n, NULL, &sent);
                if (r >= 0)
                        return;
        }
        if (!if_indextoname((unsigned) v->ifindex, ifname))
                snprintf(ifname, sizeof(ifname), "#%d", v->ifindex);
        if (announce_skippable(r))
                log_inst(i, LOG_DEBUG, r, "cannot announce %zu virtual address(es) on '%s', skipping: %m", n,
                         ifname);
        else
                log_inst(i, LOG_WARNING, r, "failed to announce the virtual addresses on '%s', ignoring: %m",
                         ifname);
}

static bool announce_same_link(const NlVip *a, const NlVip *b) {
        return a->ifindex == b->ifindex && a->family == b->family;
}

/* Sends batch->n frames, packet k announcing vips[(first + k) % n] on that VIP's interface. Runs of VIPs
 * sharing interface and family go out together, GARP_BATCH to a call: the interface is looked up once per
 * call, not once per repeat of a single VIP. */
static void announce_send(Instance *i, const VrrpGarpBatch *b) {
        const NlVip *vips = i->params.vips, *run = NULL;
        size_t at = b->first % i->n_announce, n = 0;
        VrrpAddr addrs[GARP_BATCH];

        for (size_t k = 0; k < b->n; k++, at = (at + 1) % i->n_announce) {
                if (n > 0 && (n == GARP_BATCH || !announce_same_link(run, &vips[at]))) {
                        announce_send_link(i, run, addrs, n);
                        n = 0;
                }
                if (n == 0)
                        run = &vips[at];
                addrs[n++] = vips[at].addr;
        }
        if (n > 0)
                announce_send_link(i, run, addrs, n);
}

static int announce_on_timer(sd_event_source *s, uint64_t usec, void *userdata);

static void announce_run(Instance *i) {
        Endpoint *e = i->endpoint;
        usec_t now, next, spacing = announce_spacing(i);
        VrrpGarpBatch b;

        if (i->n_announce == 0 || sd_event_now(i->manager->event, CLOCK_MONOTONIC, &now) < 0)
                return;
        vrrp_garp_next(&i->garp, &i->garp_params, now, vrrp_garp_pacer_budget(&e->garp_pacer, spacing, now), &b);
        if (b.n > 0) {
                announce_send(i, &b);
                vrrp_garp_pacer_sent(&e->garp_pacer, spacing, now, b.n);
        }
        next = b.next_at;
        if (b.backlog > 0 && e->garp_pacer.next_at < next)
                next = e->garp_pacer.next_at > now ? e->garp_pacer.next_at : now + spacing;
        if (next == USEC_INFINITY) {
                /* nothing more to announce: the timer goes until the next burst (1000 instances, 600 KB) */
                i->garp_timer = sd_event_source_disable_unref(i->garp_timer);
                return;
        }
        if (!i->garp_timer &&
            sd_event_add_time(i->manager->event, &i->garp_timer, CLOCK_MONOTONIC, next, USEC_PER_MSEC,
                              announce_on_timer, i) < 0) {
                log_inst(i, LOG_WARNING, 0, "failed to create the announcement timer");
                return;
        }
        if (sd_event_source_set_time(i->garp_timer, next) < 0 ||
            sd_event_source_set_enabled(i->garp_timer, SD_EVENT_ONESHOT) < 0)
                log_inst(i, LOG_WARNING, 0, "failed to arm the announcement timer");
}

static int announce_on_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        announce_run(userdata);
        return 0;
}

static unsigned announce_count(int n) {
        return n < 0 ? 0 : (unsigned) n;
}

static usec_t announce_time(usec_t t) {
        return t == USEC_INFINITY ? 0 : t;
}

/* Every VIP, virtual_ipaddress then virtual_ipaddress_excluded, each on its own interface (`dev`) and in
 * its own family (ARP or NA), as keepalived's vrrp_send_link_update(). They are announced in that order,
 * params.vips's, so the schedule's VIP k is params.vips[k]. The timer is created when a burst needs it. */
int announce_setup(Instance *i) {
        const ConfInstance *c = i->conf;

        assert(i);

        i->garp = VRRP_GARP_SCHED_INIT;
        i->garp_params = (VrrpGarpParams){
                .master_repeat = announce_count(c->garp_master_repeat),
                .master_delay_usec = announce_time(c->garp_master_delay),
                .refresh_usec = announce_time(c->garp_master_refresh),
                .refresh_repeat = announce_count(c->garp_master_refresh_repeat),
                .lower_prio_repeat = announce_count(c->garp_lower_prio_repeat),
                .lower_prio_delay_usec = announce_time(c->garp_lower_prio_delay),
        };
        i->n_announce = i->params.n_vips;
        return 0;
}

void announce_done(Instance *i) {
        assert(i);

        i->garp_timer = sd_event_source_disable_unref(i->garp_timer);
        i->garp_extra_timer = sd_event_source_disable_unref(i->garp_extra_timer);
        i->n_announce = 0;
}

/* garp_extra_if (keepalived's vrrp_send_vmac_update()): a master's adverts keep the switches' tables fresh for
 * the MAC they leave from; a macvlan that sends none (vmac_xmit_base; with "all", any interface with VIPs but
 * the adverts' own) gets one GARP / NA for its first VIP every interval instead. */
static bool announce_extra_link(const Instance *i, const NlVip *v) {
        int adverts = i->tx_ifindex > 0 ? i->tx_ifindex : i->ifindex;

        if (v->ifindex == adverts)
                return false;
        return i->conf->garp_extra_all || (i->vmac && v->ifindex == i->vmac->ifindex);
}

static void announce_extra_send(Instance *i) {
        for (size_t k = 0; k < i->params.n_vips; k++) {
                const NlVip *v = &i->params.vips[k];
                bool first = announce_extra_link(i, v);

                for (size_t j = 0; j < k && first; j++)
                        first = !announce_same_link(&i->params.vips[j], v);
                if (first)
                        announce_send_link(i, v, &v->addr, 1);
        }
}

static int announce_on_extra_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        Instance *i = userdata;

        if (i->fsm.state != VRRP_STATE_MASTER || i->conf->garp_extra_if == 0) {
                i->garp_extra_timer = sd_event_source_disable_unref(i->garp_extra_timer);
                return 0;
        }
        announce_extra_send(i);
        if (sd_event_source_set_time(s, usec + i->conf->garp_extra_if) < 0 ||
            sd_event_source_set_enabled(s, SD_EVENT_ON) < 0)
                log_inst(i, LOG_WARNING, 0, "failed to arm the garp_extra_if timer");
        return 0;
}

static void announce_extra_start(Instance *i, usec_t now) {
        usec_t first = now + announce_time(i->conf->garp_master_delay) + i->conf->garp_extra_if;

        if (i->conf->garp_extra_if == 0 || i->garp_extra_timer)
                return;
        if (sd_event_add_time(i->manager->event, &i->garp_extra_timer, CLOCK_MONOTONIC, first, USEC_PER_MSEC,
                              announce_on_extra_timer, i) < 0)
                log_inst(i, LOG_WARNING, 0, "failed to create the garp_extra_if timer");
}

void announce_on_actions(Instance *i, const VrrpActions *a) {
        usec_t now;

        assert(i);
        assert(a);

        if (sd_event_now(i->manager->event, CLOCK_MONOTONIC, &now) < 0)
                return;
        if (a->state_changed && a->old_state == VRRP_STATE_MASTER) {
                vrrp_garp_stop(&i->garp);
                i->garp_timer = sd_event_source_disable_unref(i->garp_timer);
                i->garp_extra_timer = sd_event_source_disable_unref(i->garp_extra_timer);
        }
        if (!a->announce || i->fsm.state != VRRP_STATE_MASTER)
                return;
        if (a->state_changed) {
                vrrp_garp_become_master(&i->garp, &i->garp_params, i->n_announce, now);
                announce_extra_start(i, now);
        }
        else
                vrrp_garp_lower_prio(&i->garp, &i->garp_params, now); /* a lower-priority advert (garp_lower_prio) */
        announce_run(i);
}

/* SendGratuitousArp() on the bus: one more round now, when master. */
void announce_request(Instance *i, unsigned rounds) {
        assert(i);

        if (i->fsm.state != VRRP_STATE_MASTER)
                return;
        vrrp_garp_request(&i->garp, rounds);
        announce_run(i);
}
