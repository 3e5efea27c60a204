#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "announce.h"
#include "conf/conf.h"
#include "endpoint.h"
#include "garp.h"
#include "instance.h"
#include "manager.h"
#include "util/log.h"

#define log_inst(i, level, error, ...) log_instance(level, error, (i)->name, (i)->params.fsm.vrid, __VA_ARGS__)

static usec_t announce_spacing(const Instance *i) {
        const ConfGlobal *g = &i->manager->config->global;

        return i->params.fsm.family == AF_INET ? g->garp_interval : g->gna_interval;
}

/* Sends batch->n frames, packet k announcing addrs[(first + k) % n], GARP_BATCH to a call: the
 * interface is looked up once per call, not once per repeat of a single VIP. */
static void announce_send(Instance *i, const VrrpGarpBatch *b) {
        Endpoint *e = i->endpoint;
        size_t left = b->n, at = b->first % i->n_announce;
        VrrpAddr addrs[GARP_BATCH];
        int r;

        if (e->garp_fd < 0) {
                r = garp_open(i->params.fsm.family, i->ifindex, &e->garp_fd);
                if (r < 0) {
                        log_inst(i, LOG_WARNING, r, "cannot open a socket for gratuitous ARP/NA, skipping: %m");
                        return;
                }
        }
        while (left > 0) {
                size_t chunk = left < GARP_BATCH ? left : GARP_BATCH, sent = 0;

                for (size_t k = 0; k < chunk; k++) {
                        addrs[k] = i->announce[at];
                        at = (at + 1) % i->n_announce;
                }
                r = garp_send(e->garp_fd, i->params.fsm.family, i->ifindex, addrs, chunk, NULL, &sent);
                if (r < 0) {
                        log_inst(i, r == -EOPNOTSUPP ? LOG_DEBUG : LOG_WARNING, r,
                                 "failed to announce the virtual addresses, ignoring: %m");
                        return;
                }
                left -= chunk;
        }
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

/* The VIPs on the instance's own interface and family; keepalived announces those of other interfaces from
 * their own sockets, which vrrpd does not do yet. The timer is created when a burst needs it. */
int announce_setup(Instance *i) {
        const ConfInstance *c = i->conf;

        i->garp = VRRP_GARP_SCHED_INIT;
        i->garp_params = (VrrpGarpParams){
                .master_repeat = announce_count(c->garp_master_repeat),
                .master_delay_usec = announce_time(c->garp_master_delay),
                .refresh_usec = announce_time(c->garp_master_refresh),
                .refresh_repeat = announce_count(c->garp_master_refresh_repeat),
                .lower_prio_repeat = announce_count(c->garp_lower_prio_repeat),
                .lower_prio_delay_usec = announce_time(c->garp_lower_prio_delay),
        };
        i->announce = calloc(i->params.n_vips ? i->params.n_vips : 1, sizeof(VrrpAddr));
        if (!i->announce)
                return log_oom();
        for (size_t k = 0; k < i->params.n_vips; k++) {
                const NlVip *v = &i->params.vips[k];

                if (v->ifindex == i->ifindex && v->family == i->params.fsm.family)
                        i->announce[i->n_announce++] = v->addr;
        }
        return 0;
}

void announce_done(Instance *i) {
        i->garp_timer = sd_event_source_disable_unref(i->garp_timer);
        free(i->announce);
        i->announce = NULL;
        i->n_announce = 0;
}

void announce_on_actions(Instance *i, const VrrpActions *a) {
        usec_t now;

        if (sd_event_now(i->manager->event, CLOCK_MONOTONIC, &now) < 0)
                return;
        if (a->state_changed && a->old_state == VRRP_STATE_MASTER) {
                vrrp_garp_stop(&i->garp);
                i->garp_timer = sd_event_source_disable_unref(i->garp_timer);
        }
        if (!a->announce || i->fsm.state != VRRP_STATE_MASTER)
                return;
        if (a->state_changed)
                vrrp_garp_become_master(&i->garp, &i->garp_params, i->n_announce, now);
        else
                vrrp_garp_lower_prio(&i->garp, &i->garp_params, now); /* a lower-priority advert (garp_lower_prio) */
        announce_run(i);
}

/* SendGratuitousArp() on the bus: one more round now, when master. */
void announce_request(Instance *i, unsigned rounds) {
        if (i->fsm.state != VRRP_STATE_MASTER)
                return;
        vrrp_garp_request(&i->garp, rounds);
        announce_run(i);
}
