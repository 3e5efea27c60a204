#include <assert.h>
#include <errno.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "announce.h"
#include "conf/conf-model.h"
#include "endpoint.h"
#include "instance-restore.h"
#include "instance-vips.h"
#include "instance-hmac.h"
#include "instance-peers.h"
#include "instance.h"
#include "listener.h"
#include "manager.h"
#include "os/nl-ifaddr.h"
#include "os/nl-link.h"
#include "os/nl-monitor.h"
#include "os/nl-vip.h"
#include "tick.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/string-table.h"
#include "vmac/vmac.h"

#define log_inst(i, level, error, ...) \
        log_instance(level, error, (i)->name, (i)->params.fsm.vrid, __VA_ARGS__)

static const char *const instance_counter_table[_INSTANCE_COUNTER_MAX] = {
        [INSTANCE_ADVERTS_SENT] = "adverts-sent",
        [INSTANCE_ADVERTS_RECEIVED] = "adverts-received",
        [INSTANCE_BECAME_MASTER] = "became-master",
        [INSTANCE_RELEASED_MASTER] = "released-master",
        [INSTANCE_PRIORITY_ZERO_SENT] = "priority-zero-sent",
        [INSTANCE_PRIORITY_ZERO_RECEIVED] = "priority-zero-received",
        [INSTANCE_ADVERTS_DROPPED] = "adverts-dropped",
        [INSTANCE_REINSTATED] = "reinstated",
};

DEFINE_STRING_TABLE_TO_STRING(instance_counter, InstanceCounter);

static int instance_resolve_ifindex(const char *ifname, void *userdata) {
        unsigned idx = if_nametoindex(ifname);

        return idx > 0 ? (int) idx : -ENODEV;
}

/* Where adverts come from and go to: unicast_src_ip or mcast_src_ip when set, else the interface's primary
 * address (IPv6: link-local), as keepalived chooses; to the unicast peers, or to the multicast group. */
static int instance_setup_addresses(Instance *i) {
        const ConfInstance *c = i->conf;
        int r;

        if (c->has_unicast_src && c->n_unicast_peers > 0)
                i->src = c->unicast_src;
        else if (c->has_mcast_src)
                i->src = c->mcast_src;
        else if (i->ifindex > 0) { /* else waiting for its interface: a source comes with it */
                r = nl_ifaddr_primary(i->manager->nl, i->ifindex, c->family, i->params.vip_addrs,
                                      i->params.n_advertised, &i->src);
                if (r < 0)
                        return log_inst(i, LOG_ERR, r, "no %s source address on '%s': %m",
                                        c->family == AF_INET ? "IPv4" : "IPv6 link-local", c->interface);
        }
        i->params.fsm.primary = i->src;
        i->multicast = c->n_unicast_peers == 0 && !c->unicast_fault_no_peer; /* else FAULT, silent */
        /* keepalived's old unicast checksum exists for VRRPv3 over IPv4 unicast only; v3_checksum_as_v2 (keepalived
         * 2.2.8, for Cisco) leaves the pseudo-header out, as in VRRPv2, and wins over it as in vrrp.c */
        i->tx_checksum = !i->multicast && c->version == 3 && c->family == AF_INET &&
                                         c->old_unicast_checksum == CONF_CHECKSUM_ALWAYS
                                 ? VRRP_CHECKSUM_MCAST_DST
                                 : VRRP_CHECKSUM_RFC;
        if (c->version == 3 && c->family == AF_INET && c->v3_checksum_as_v2 > 0)
                i->tx_checksum = VRRP_CHECKSUM_V3_AS_V2;
        i->n_dsts = i->multicast ? 1 : c->n_unicast_peers;
        i->dsts = calloc(i->n_dsts ?: 1, sizeof(VrrpAddr));
        if (!i->dsts)
                return log_oom();
        for (size_t k = 0; k < i->n_dsts; k++)
                i->dsts[k] = i->multicast ? c->mcast_dst : c->unicast_peers[k].addr;
        return 0;
}

static int instance_setup_tx(Instance *i) {
        size_t len = vrrp_packet_len(i->params.fsm.version, i->params.fsm.family, i->params.n_advertised);

        if (len == 0)
                return log_inst(i, LOG_ERR, EINVAL, "VRRPv%u cannot run over %s", i->params.fsm.version,
                                i->params.fsm.family == AF_INET ? "IPv4" : "IPv6");
        i->tx_len = VRRP_IP_HEADER_MAX + len + instance_hmac_trailer_len(i->hmac);
        i->tx = calloc(i->n_dsts ?: 1, i->tx_len);
        i->vip_preexisting = calloc(i->params.n_vips ? i->params.n_vips : 1, sizeof(bool));
        return i->tx && i->vip_preexisting ? 0 : log_oom();
}

static int instance_on_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        Instance *i = userdata;
        int r;

        r = instance_step(i, &(VrrpEvent){ .type = VRRP_EVENT_TIMER });
        if (r < 0)
                log_inst(i, LOG_WARNING, r, "timer step failed, ignoring: %m");
        return 0;
}

/* Routes and rules without a table of their own go to main, or to the VRF's table where the instance's
 * interface is enslaved to one. */
static uint32_t instance_default_table(const Instance *i) {
        uint32_t table = 0;
        int r = nl_link_vrf_table(i->manager->nl, i->ifindex, &table);

        if (r < 0)
                log_inst(i, LOG_WARNING, r, "cannot tell whether its interface is in a VRF, taking the main table: "
                         "%m");
        else if (r > 0)
                log_inst(i, LOG_INFO, 0, "its interface is in a VRF: routes and rules without a table go to table "
                         "%u", table);
        return r > 0 ? table : 0;
}

/* i->ifindex: its interface's; its VRF's (a unicast instance without interface that names one: its sockets
 * are bound to it); 0 for none (a unicast instance without interface: the socket of every interface), or
 * for one that does not exist yet with dynamic_interfaces (reload_bind_instance() finishes it then). */
static int instance_resolve_interface(Instance *i, bool dynamic) {
        const ConfInstance *c = i->conf;

        i->ifindex = c->interface ? instance_resolve_ifindex(c->interface, NULL)
                     : c->vrf     ? instance_resolve_ifindex(c->vrf, NULL)
                                  : 0;
        if (!c->interface && c->vrf && i->ifindex < 0)
                return log_instance(LOG_ERR, i->ifindex, c->name, c->vrid, "VRF '%s' not found: %m", c->vrf);
        if (i->ifindex < 0 && !dynamic)
                return log_instance(LOG_ERR, i->ifindex, c->name, c->vrid, "interface '%s' not found: %m",
                                    c->interface);
        if (i->ifindex < 0) {
                log_instance(LOG_NOTICE, 0, c->name, c->vrid, "interface '%s' does not exist (yet): waiting for it "
                             "in FAULT (dynamic_interfaces)", c->interface);
                i->ifindex = 0;
                i->faults |= 1u << INSTANCE_FAULT_NO_INTERFACE;
        }
        return 0;
}

/* What the instance holds on its interface: use_vmac's macvlan or use_ipvlan's ipvlan, promote_secondaries. */
static int instance_setup_interface(Instance *i) {
        const ConfInstance *c = i->conf;
        int r;

        if (c->vmac.enabled || c->ipvlan.enabled) {
                r = vmac_acquire(i->manager, c, i->ifindex, &i->vmac);
                if (r < 0)
                        return log_instance(LOG_ERR, r, c->name, c->vrid, "no %s: %m",
                                            c->ipvlan.enabled ? "ipvlan" : "virtual MAC");
                if (c->vmac.enabled && !c->vmac.xmit_base) /* an ipvlan has the parent's MAC: adverts stay there */
                        i->tx_ifindex = i->vmac->ifindex;
        }
        if (c->promote_secondaries && !c->vmac.enabled && !c->ipvlan.enabled) {
                r = manager_promote_hold(i->manager, i->ifindex);
                if (r < 0)
                        return log_instance(LOG_ERR, r, c->name, c->vrid, "promote_secondaries: %m");
                i->promote_held = true;
        }
        return 0;
}

int instance_new(Manager *m, const Config *config, const ConfInstance *c, Instance **ret) {
        _cleanup_(instance_freep) Instance *i = NULL;
        int r;

        assert(m);
        assert(config);
        assert(c);
        assert(ret);

        i = calloc(1, sizeof(*i));
        if (!i)
                return log_oom();
        *i = (Instance){ .manager = m, .conf = c, .name = c->name, .fsm = VRRP_FSM_INIT, .tx_priority = -1 };
        vrrp_restore_init(&i->restore);
        r = instance_resolve_interface(i, config->global.dynamic_interfaces);
        if (r < 0)
                return r;
        r = i->ifindex > 0 ? instance_setup_interface(i) : 0;
        if (r < 0)
                return r;
        /* VIPs without "dev" go on the macvlan or ipvlan when there is one */
        r = instance_params_build(&config->global, c, i->ifindex, i->vmac ? i->vmac->ifindex : 0,
                                  instance_resolve_ifindex, NULL, &i->params);
        if (r < 0)
                return log_instance(LOG_ERR, r, c->name, c->vrid, "invalid virtual address settings: %m");
        r = i->ifindex > 0 ? instance_vips_setup_links(i) : 0;
        if (r < 0)
                return r;
        r = route_set_init(&i->routes, c->name, "virtual", c->routes, c->n_routes, c->rules, c->n_rules,
                           instance_default_table(i));
        if (r < 0)
                return log_oom();
        r = instance_setup_addresses(i);
        if (r < 0)
                return r;
        r = instance_hmac_new(c, &i->hmac); /* before the tx buffers: they make room for its trailer */
        if (r < 0)
                return log_oom();
        r = instance_setup_tx(i);
        if (r < 0)
                return r;
        (void) tracking_own_faults(i);
        r = sd_event_add_time(m->event, &i->timer, CLOCK_MONOTONIC, USEC_INFINITY, 0, instance_on_timer, i);
        if (r < 0)
                return log_inst(i, LOG_ERR, r, "failed to create the protocol timer: %m");
        r = sd_event_source_set_priority(i->timer, SD_EVENT_PRIORITY_IMPORTANT); /* as ticks and adverts */
        if (r < 0)
                return log_inst(i, LOG_ERR, r, "failed to set the protocol timer's priority: %m");
        r = announce_setup(i);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(i);
        return 0;
}

int instance_set_endpoint(Instance *i, Endpoint *e) {
        int r;

        assert(i && !i->endpoint);
        assert(e);

        if (i->multicast) {
                r = endpoint_join(e, &i->dsts[0]);
                if (r < 0)
                        return r;
                i->joined = true;
        }
        i->endpoint = e;
        return 0;
}

Instance *instance_free(Instance *i) {
        if (!i)
                return NULL;
        tick_leave(i);
        announce_done(i);
        if (i->endpoint) {
                endpoint_detach(i->endpoint, i);
                if (i->joined)
                        endpoint_leave(i->endpoint, &i->dsts[0]);
        }
        sd_event_source_disable_unref(i->timer);
        instance_restore_done(i);
        if (i->vmac)
                vmac_release(i->manager, i->vmac);
        for (size_t k = 0; k < i->n_vip_vmacs; k++)
                vmac_release(i->manager, i->vip_vmacs[k]);
        if (i->promote_held)
                manager_promote_release(i->manager, i->ifindex);
        free(i->vip_vmacs);
        instance_params_done(&i->params);
        instance_peers_free(i);
        instance_hmac_free(i->hmac);
        route_set_done(&i->routes);
        free(i->dsts);
        free(i->tx);
        free(i->vip_preexisting);
        free(i->tracks);
        free(i->vtracks);
        free(i);
        return NULL;
}

/* The largest VRRP message sent as a whole packet (sock-frame.h): what fits the smallest MTU of its family
 * with no fragmenting. v3 with up to 137 IPv4 or 77 IPv6 addresses; longer ones go through the IP layer. */
#define INSTANCE_FRAME_PAYLOAD_MAX(family) ((family) == AF_INET ? 576 - 20 : 1280 - 40)

/* Encodes one advert per destination into i->tx. Adverts differ from one to the next only by priority, so the
 * encoding is kept until the priority changes (DESIGN §1: a master of 1000 instances sends 10000 a second). */
static int instance_encode_adverts(Instance *i, uint8_t priority) {
        const InstanceParams *p = &i->params;
        VrrpAdvert adv = {
                .version = p->fsm.version,
                .vrid = p->fsm.vrid,
                .priority = priority,
                .n_addrs = (uint8_t) p->n_advertised,
                .adver_int_cs = (uint16_t) (p->fsm.interval_usec / USEC_PER_CS),
                .auth_type = p->rx.auth_type,
        };
        int r;

        memcpy(adv.addrs, p->vip_addrs, p->n_advertised * sizeof(VrrpAddr));
        memcpy(adv.auth_data, p->rx.auth_pass, sizeof(adv.auth_data));
        for (size_t k = 0; k < i->n_dsts; k++) {
                uint8_t *slot = i->tx + k * i->tx_len;

                r = vrrp_packet_build(&adv, p->fsm.family, &i->src, &i->dsts[k], i->tx_checksum,
                                      slot + VRRP_IP_HEADER_MAX, i->tx_len - VRRP_IP_HEADER_MAX,
                                      &i->tx_encoded_len);
                if (r < 0) {
                        i->tx_priority = -1;
                        return r;
                }
                i->tx_header_len = 0;
                if (i->multicast && i->tx_encoded_len <= INSTANCE_FRAME_PAYLOAD_MAX(p->fsm.family)) {
                        uint8_t hdr[VRRP_IP_HEADER_MAX];

                        i->tx_header_len = vrrp_ip_header_build(
                                p->fsm.family, &i->src, &i->dsts[k],
                                i->tx_encoded_len + instance_hmac_trailer_len(i->hmac), hdr);
                        memcpy(slot + VRRP_IP_HEADER_MAX - i->tx_header_len, hdr, i->tx_header_len);
                }
        }
        i->tx_priority = priority;
        return 0;
}

static void instance_flush(Instance *i) {
        int r = i->endpoint ? endpoint_flush(i->endpoint) : 0;

        if (r < 0)
                log_inst(i, LOG_WARNING, r, "failed to send adverts, ignoring: %m");
}

/* Queues the adverts on the endpoint; the loop's flush (manager.c) sends them. */
static void instance_send_advert(Instance *i, uint8_t priority) {
        int r = 0;

        if (!i->endpoint)
                return; /* waiting for its interface (dynamic_interfaces): in FAULT, it says nothing */
        if (i->tx_priority != priority || instance_hmac_trailer_len(i->hmac) > 0) {
                /* Adverts still queued from this wakeup point into tx: send them before it changes. */
                if (i->tx_batch == endpoint_batch(i->endpoint))
                        instance_flush(i);
                if (i->tx_priority != priority)
                        r = instance_encode_adverts(i, priority);
                if (r >= 0)
                        r = instance_hmac_sign_adverts(i);
        }
        for (size_t k = 0; k < i->n_dsts && r >= 0; k++) {
                const uint8_t *payload = i->tx + k * i->tx_len + VRRP_IP_HEADER_MAX;
                const size_t len = i->tx_encoded_len + instance_hmac_trailer_len(i->hmac);

                r = endpoint_queue(i->endpoint, &(SockVrrpSend){
                        .src = i->src, .dst = i->dsts[k], .payload = payload, .len = len,
                        .ifindex = i->tx_ifindex,
                        .packet = i->tx_header_len ? payload - i->tx_header_len : NULL,
                        .packet_len = i->tx_header_len + len,
                        .dropped = &i->stats.counters[INSTANCE_ADVERTS_DROPPED],
                });
                if (r < 0)
                        break;
                i->stats.counters[INSTANCE_ADVERTS_SENT]++;
                if (priority == 0)
                        i->stats.counters[INSTANCE_PRIORITY_ZERO_SENT]++;
        }
        i->tx_batch = endpoint_batch(i->endpoint);
        if (r < 0)
                log_inst(i, LOG_WARNING, r, "failed to send an advert, ignoring: %m");
}

/* A master's adverts run on the shared tick of its interval class; every other deadline on its own timer. */
static void instance_arm_timer(Instance *i, usec_t at) {
        int r;

        if (i->fsm.state == VRRP_STATE_MASTER) {
                if (i->tick)
                        return; /* on its tick already: nothing to change, on the hottest path there is */
                r = tick_join(i->manager, i);
                if (r >= 0) {
                        (void) sd_event_source_set_enabled(i->timer, SD_EVENT_OFF);
                        return;
                }
                log_inst(i, LOG_WARNING, r, "failed to join the advert tick, using a timer of its own: %m");
        } else
                tick_leave(i);
        if (at == USEC_INFINITY) {
                (void) sd_event_source_set_enabled(i->timer, SD_EVENT_OFF);
                return;
        }
        r = sd_event_source_set_time(i->timer, at);
        if (r < 0)
                return (void) log_inst(i, LOG_CRIT, r, "failed to set the protocol timer: %m");
        r = sd_event_source_set_time_accuracy(i->timer, tick_accuracy(i->params.fsm.interval_usec));
        if (r < 0)
                return (void) log_inst(i, LOG_CRIT, r, "failed to set the protocol timer's accuracy: %m");
        r = sd_event_source_set_enabled(i->timer, SD_EVENT_ONESHOT);
        if (r < 0)
                log_inst(i, LOG_CRIT, r, "failed to arm the protocol timer: %m");
}

static void instance_note_transition(Instance *i, const VrrpActions *a) {
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        i->last_transition_realtime = (usec_t) ts.tv_sec * USEC_PER_SEC + (usec_t) ts.tv_nsec / 1000;
        i->last_reason = a->reason;
        if (a->new_state == VRRP_STATE_MASTER)
                i->stats.counters[INSTANCE_BECAME_MASTER]++;
        if (a->old_state == VRRP_STATE_MASTER)
                i->stats.counters[INSTANCE_RELEASED_MASTER]++;
        log_inst(i, LOG_NOTICE, 0, "%s -> %s (%s)", vrrp_state_to_string(a->old_state),
                 vrrp_state_to_string(a->new_state), vrrp_reason_to_string(a->reason));
}

/* In the order vrrp-fsm.h prescribes: advert, VIPs out, VIPs in, announce; then the timer. Becoming master
 * thus puts the advert on the wire before the VIPs appear, as keepalived does. */
static void instance_apply(Instance *i, const VrrpActions *a) {
        if (a->send_advert)
                instance_send_advert(i, a->advert_priority);
        /* A transition's advert leaves now, ahead of its VIPs, announcements and scripts: when hundreds of
         * instances move in one wakeup, the last one's advert must not wait for everyone's VIPs. */
        if (a->send_advert && a->state_changed)
                instance_flush(i);
        if (a->remove_vips && i->holds_vips) {
                route_set_remove(&i->routes, i->manager->nl); /* rules, routes, then VIPs: keepalived's order */
                instance_vips_remove(i);
        }
        if (a->filter_off)
                manager_accept_filter(i->manager, i, false);
        if (a->add_vips) {
                instance_vips_add(i);
                route_set_add(&i->routes, i->manager->nl, false);
        }
        if (a->filter_on)
                manager_accept_filter(i->manager, i, true);
        announce_on_actions(i, a);
        if (a->state_changed) {
                instance_note_transition(i, a);
                instance_peers_state_changed(i);
        }
        instance_arm_timer(i, a->timer_at);
        if (a->state_changed || a->want_master || a->fault_recovered || a->priority_changed ||
            a->master_changed)
                manager_on_instance_changed(i->manager, i, a);
}

int instance_step(Instance *i, const VrrpEvent *ev) {
        VrrpActions a;
        usec_t now;
        int r;

        assert(i);
        assert(ev);

        r = sd_event_now(i->manager->event, CLOCK_MONOTONIC, &now);
        if (r < 0)
                return r;
        r = vrrp_fsm_step(&i->fsm, &i->params.fsm, now, ev, &a);
        if (r < 0)
                return r;
        instance_apply(i, &a);
        return 0;
}

int instance_start(Instance *i) {
        bool up = false;
        int r;

        assert(i);

        r = tracking_apply(i); /* priority and weight-0 faults first, so STARTUP sees them */
        if (r < 0)
                return r;
        if (i->conf->dont_track_primary || i->ifindex == 0) /* no interface yet: its fault holds it */
                return instance_step(i, &(VrrpEvent){ .type = VRRP_EVENT_STARTUP });
        r = nl_monitor_link_state(i->manager->nl, i->ifindex, &up);
        if (r < 0) {
                log_inst(i, LOG_WARNING, r, "cannot read the state of '%s', assuming up: %m", i->conf->interface);
                up = true;
        }
        if (!up) {
                r = instance_step(i, &(VrrpEvent){ .type = VRRP_EVENT_LINK_DOWN });
                if (r < 0)
                        return r;
        }
        return instance_step(i, &(VrrpEvent){ .type = VRRP_EVENT_STARTUP });
}

/* Control from above (the bus): each steps the FSM like any event. */

uint8_t instance_tracked_priority(const Instance *i) {
        assert(i);

        return i->tracked_priority > 0 ? i->tracked_priority : i->params.fsm.priority;
}

int instance_override_priority(Instance *i, uint8_t priority) {
        int r;

        assert(i);
        assert(i->params.fsm.priority != VRRP_PRIORITY_OWNER);

        i->priority_override = priority;
        r = instance_step(i, &(VrrpEvent){ .type = VRRP_EVENT_PRIORITY,
                                           .priority = priority > 0 ? priority : instance_tracked_priority(i) });
        return r;
}

int instance_set_maintenance(Instance *i, bool on) {
        assert(i);

        return instance_step(i, &(VrrpEvent){ .type = VRRP_EVENT_MAINTENANCE, .maintenance = on });
}

void instance_announce(Instance *i) {
        assert(i);

        announce_request(i, i->garp_params.master_repeat > 0 ? i->garp_params.master_repeat : 1);
}

#define SWAP(a, b)                     \
        do {                           \
                typeof(a) _t_ = (a);   \
                (a) = (b);             \
                (b) = _t_;             \
        } while (0)

/* The fields instance.h lists as what the config builds. */
static void instance_swap_config(Instance *a, Instance *b) {
        SWAP(a->conf, b->conf);
        SWAP(a->name, b->name);
        SWAP(a->ifindex, b->ifindex);
        SWAP(a->vmac, b->vmac);
        SWAP(a->tx_ifindex, b->tx_ifindex);
        SWAP(a->vip_vmacs, b->vip_vmacs);
        SWAP(a->n_vip_vmacs, b->n_vip_vmacs);
        SWAP(a->promote_held, b->promote_held);
        SWAP(a->params, b->params);
        SWAP(a->hmac, b->hmac);
        SWAP(a->routes, b->routes);
        SWAP(a->src, b->src);
        SWAP(a->dsts, b->dsts);
        SWAP(a->n_dsts, b->n_dsts);
        SWAP(a->multicast, b->multicast);
        SWAP(a->endpoint, b->endpoint);
        SWAP(a->joined, b->joined);
        SWAP(a->tx, b->tx);
        SWAP(a->tx_checksum, b->tx_checksum);
        SWAP(a->tx_priority, b->tx_priority);
        SWAP(a->tx_encoded_len, b->tx_encoded_len);
        SWAP(a->tx_header_len, b->tx_header_len);
        SWAP(a->tx_len, b->tx_len);
        SWAP(a->tx_batch, b->tx_batch);
        SWAP(a->vip_preexisting, b->vip_preexisting);
        SWAP(a->tracks, b->tracks);
        SWAP(a->vtracks, b->vtracks);
        SWAP(a->n_tracks, b->n_tracks);
        SWAP(a->garp_params, b->garp_params);
        SWAP(a->n_announce, b->n_announce);
}

void instance_reconfigure(Instance *i, Instance *next) {
        VrrpChecksum learned = i->tx_checksum;
        bool announce;
        int r;

        assert(i);
        assert(next && !next->tick && next->fsm.state == VRRP_STATE_INIT);

        if (instance_vips_filtered(i))
                manager_accept_filter(i->manager, i, false);
        announce = instance_vips_reconfigure(i, next);
        route_set_replace(&i->routes, &next->routes, i->manager->nl); /* after the VIPs, as going up */
        endpoint_detach(i->endpoint, i);
        tick_leave(i); /* the interval may change: the next arming joins the right tick */
        instance_swap_config(i, next);
        instance_hmac_carry(i->hmac, next->hmac); /* no sequence sent or accepted before comes again */
        if (i->conf->old_unicast_checksum == CONF_CHECKSUM_AUTO && !i->multicast &&
            learned == VRRP_CHECKSUM_MCAST_DST && i->tx_checksum == VRRP_CHECKSUM_RFC)
                i->tx_checksum = learned; /* what the peer taught us (tx is not encoded yet) */
        vrrp_garp_set_addrs(&i->garp, i->n_announce);
        r = endpoint_attach(i->endpoint, i);
        if (r < 0)
                log_inst(i, LOG_ERR, r, "failed to take its VRID on the socket: %m");
        if (instance_vips_filtered(i))
                manager_accept_filter(i->manager, i, true);
        if (announce)
                announce_request(i, i->garp_params.master_repeat ? i->garp_params.master_repeat : 1);
}
