#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>

#include "conf/conf-model.h"
#include "instance-hmac.h"
#include "instance-peers.h"
#include "instance.h"
#include "listener.h"
#include "manager.h"
#include "util/log.h"

#define log_inst(i, level, error, ...) \
        log_instance(level, error, (i)->name, (i)->params.fsm.vrid, __VA_ARGS__)

/* The receive path: an advert for i's VRID is decoded and checked (the core's receive checks), counted, shown
 * to the listeners, and only then stepped into the FSM. */

static void instance_count_drop(Instance *i, VrrpDrop d, const VrrpAddr *src) {
        if ((unsigned) d < _VRRP_DROP_MAX)
                i->stats.drops[d]++;
        if (log_get_max_level() >= LOG_DEBUG) {
                char from[INET6_ADDRSTRLEN];

                inet_ntop(i->params.fsm.family, src, from, sizeof(from));
                log_inst(i, LOG_DEBUG, 0, "dropped an advert from %s (%s)", from, vrrp_drop_to_string(d));
        }
}

/* keepalived's default (unicast_checksum_compat auto): a unicast peer sending the old VRRPv3 checksum gets
 * it back, since such a peer accepts nothing else. */
static void instance_follow_checksum(Instance *i, const VrrpAdvert *adv) {
        if (adv->checksum != VRRP_CHECKSUM_MCAST_DST || i->multicast || i->tx_checksum != VRRP_CHECKSUM_RFC ||
            i->conf->old_unicast_checksum != CONF_CHECKSUM_AUTO)
                return;
        i->tx_checksum = VRRP_CHECKSUM_MCAST_DST;
        i->tx_priority = -1;
        log_inst(i, LOG_NOTICE, 0, "the peer sends keepalived's old unicast checksum: sending it too");
}

/* The listeners hear of every advert that reached i, with the verdict; adv is NULL when it did not decode. */
static void instance_seen(Instance *i, const VrrpAddr *src, const VrrpAdvert *adv, bool accepted, VrrpDrop drop) {
        AdvertSeen seen = { .family = i->params.fsm.family, .src = *src, .accepted = accepted, .drop = drop };

        if (i->manager->listeners.n == 0)
                return;
        if (adv) {
                seen.decoded = true;
                seen.version = adv->version;
                seen.priority = adv->priority;
                seen.interval_cs = adv->adver_int_cs;
        }
        LISTENERS_EMIT(&i->manager->listeners, advert_seen, i, &seen);
}

/* A datagram for our VRID: decode, run the RFC's receive checks, count, tell the listeners, and only then
 * step the FSM. */
/* The unicast peer src is, or -1. */
static int instance_peer_index(const Instance *i, const VrrpAddr *src) {
        for (size_t k = 0; !i->multicast && k < i->n_dsts; k++)
                if (vrrp_addr_cmp(i->params.fsm.family, &i->dsts[k], src) == 0)
                        return (int) k;
        return -1;
}

/* auth_hmac: the trailer verified before anything of the advert is believed (keepalived's order). The length
 * of the VRRP message without its trailer in *ret_len. */
static int instance_authenticate(Instance *i, const SockVrrpPacket *p, size_t *ret_len, VrrpDrop *ret_drop) {
        int peer = instance_peer_index(i, &p->src);

        *ret_len = p->len;
        if (!i->hmac)
                return 0;
        if (!i->multicast && peer < 0) { /* a replay mark needs a peer to belong to */
                *ret_drop = VRRP_DROP_UNICAST_SOURCE;
                return -EBADMSG;
        }
        return instance_hmac_verify(i->hmac, i->params.fsm.family, &p->src, peer, p->payload, p->len,
                                    instance_hmac_realtime(), ret_len, ret_drop);
}

void instance_receive(Instance *i, const SockVrrpPacket *p, bool multicast) {
        const int family = i->params.fsm.family;
        VrrpRxResult res;
        VrrpAdvert adv;
        VrrpDrop drop;
        size_t len;
        int r;

        assert(i);
        assert(p);

        if (instance_authenticate(i, p, &len, &drop) < 0 ||
            vrrp_packet_parse_signed(p->payload, p->len, p->len - len, family, &p->src, &p->dst, &adv, &drop) < 0) {
                instance_seen(i, &p->src, NULL, false, drop);
                return instance_count_drop(i, drop, &p->src);
        }
        VrrpRxMeta meta = {
                .ttl = p->ttl,
                .src = p->src,
                .dst_multicast = multicast,
                .own = vrrp_addr_cmp(family, &p->src, &i->src) == 0,
                .same_master = i->fsm.master_known && vrrp_addr_cmp(family, &p->src, &i->fsm.master) == 0,
        };
        if (vrrp_check_advert(&i->params.rx, &adv, &meta, &res) < 0) {
                instance_seen(i, &p->src, &adv, false, res.drop);
                return instance_count_drop(i, res.drop, &p->src);
        }
        for (unsigned n = 0; n < _VRRP_RX_NOTE_MAX; n++)
                if (res.notes & (1u << n))
                        i->stats.notes[n]++;
        instance_follow_checksum(i, &adv);
        i->stats.counters[INSTANCE_ADVERTS_RECEIVED]++;
        if (adv.priority == 0)
                i->stats.counters[INSTANCE_PRIORITY_ZERO_RECEIVED]++;
        instance_seen(i, &p->src, &adv, true, 0);
        r = instance_step(i, &(VrrpEvent){ .type = VRRP_EVENT_ADVERT,
                                           .advert = { .version = adv.version, .priority = adv.priority,
                                                       .max_adver_int_cs = adv.adver_int_cs, .src = p->src } });
        if (r < 0)
                log_inst(i, LOG_WARNING, r, "state machine refused an advert, ignoring: %m");
        if (!meta.own) /* after the step: whether we yielded to it */
                instance_peers_heard(i, &p->src, adv.priority, adv.adver_int_cs);
}

/* The link's state goes in before STARTUP, so an instance on a dead link starts in FAULT. */
