#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf/conf-model.h"
#include "instance-hmac.h"
#include "instance.h"
#include "os/hmac.h"

struct InstanceHmac {
        VrrpHmacPolicy policy;
        uint8_t version;
        uint8_t vrid;
        uint8_t active_key;
        ConfHmacKey *keys;
        size_t n_keys;
        uint64_t send_seq;
        VrrpHmacSenders senders; /* multicast */
        VrrpHmacReplay *peers;   /* unicast, one per peer */
        size_t n_peers;
};

usec_t instance_hmac_realtime(void) {
        struct timespec ts;

        (void) clock_gettime(CLOCK_REALTIME, &ts);
        return (usec_t) ts.tv_sec * USEC_PER_SEC + (usec_t) ts.tv_nsec / 1000;
}

int instance_hmac_new(const ConfInstance *c, InstanceHmac **ret) {
        const ConfAuthHmac *a = &c->auth_hmac;
        InstanceHmac *h;

        assert(c);
        assert(ret);
        *ret = NULL;
        if (!a->on)
                return 0;
        h = calloc(1, sizeof(*h));
        if (!h)
                return -ENOMEM;
        *h = (InstanceHmac){ .policy = { .mode = (VrrpHmacMode) a->mode, .time_mode = a->anti_replay_time,
                                         .window_sec = (uint32_t) a->time_window },
                             .version = (uint8_t) c->version, .vrid = (uint8_t) c->vrid,
                             .active_key = (uint8_t) a->active_key, .n_keys = a->n_keys,
                             .n_peers = c->n_unicast_peers };
        h->keys = calloc(a->n_keys ?: 1, sizeof(*h->keys));
        h->peers = calloc(h->n_peers ?: 1, sizeof(*h->peers));
        if (!h->keys || !h->peers)
                return instance_hmac_free(h), -ENOMEM;
        memcpy(h->keys, a->keys, a->n_keys * sizeof(*h->keys));
        *ret = h;
        return 0;
}

InstanceHmac *instance_hmac_free(InstanceHmac *h) {
        if (!h)
                return NULL;
        if (h->keys)
                explicit_bzero(h->keys, h->n_keys * sizeof(*h->keys));
        free(h->keys);
        free(h->peers);
        free(h);
        return NULL;
}

void instance_hmac_carry(InstanceHmac *next, const InstanceHmac *h) {
        if (!next || !h)
                return;
        next->send_seq = h->send_seq;
        next->senders = h->senders;
        if (next->n_peers == h->n_peers)
                memcpy(next->peers, h->peers, h->n_peers * sizeof(*h->peers));
}

size_t instance_hmac_trailer_len(const InstanceHmac *h) {
        return h && h->policy.mode != VRRP_HMAC_RECEIVE_ONLY ? VRRP_HMAC_TRAILER_LEN : 0;
}

static const ConfHmacKey *hmac_key(const InstanceHmac *h, uint8_t id) {
        for (size_t k = 0; k < h->n_keys; k++)
                if (h->keys[k].id == id)
                        return &h->keys[k];
        return NULL;
}

int instance_hmac_sign(InstanceHmac *h, int family, const VrrpAddr *src, uint8_t *msg, size_t len, usec_t realtime) {
        VrrpHmacTrailer t = { .type = VRRP_HMAC_TYPE_SHA256, .key_id = h->active_key };
        const ConfHmacKey *key = hmac_key(h, h->active_key);
        uint8_t input[VRRP_HMAC_MESSAGE_MAX];
        size_t n;
        int r;

        assert(msg);
        if (!key)
                return -ENOKEY; /* the config check makes this impossible */
        t.seq = vrrp_hmac_next_seq(&h->send_seq, realtime, h->policy.time_mode, h->policy.window_sec);
        vrrp_hmac_trailer_write(&t, msg + len); /* the MAC field zero */
        n = vrrp_hmac_message(family, h->version, h->vrid, src, msg, len, msg + len, input);
        if (n == 0)
                return -EINVAL;
        r = hmac_sha256(key->data, key->len, input, n, msg + len + VRRP_HMAC_HEAD_LEN, VRRP_HMAC_LEN);
        explicit_bzero(input, n);
        return r;
}

static int hmac_drop(VrrpDrop *ret_drop, VrrpDrop d) {
        *ret_drop = d;
        return -EBADMSG;
}

/* The MAC, then the replay mark of the sender: only an advert that verified may take or move one. */
static int hmac_check(InstanceHmac *h, int family, const VrrpAddr *src, int peer, const uint8_t *payload,
                      size_t msg_len, usec_t now, VrrpDrop *ret_drop) {
        uint8_t input[VRRP_HMAC_MESSAGE_MAX];
        const ConfHmacKey *key;
        VrrpHmacTrailer t;
        VrrpHmacReplay *mark;
        size_t n;
        bool ok;

        vrrp_hmac_trailer_read(payload + msg_len, &t);
        switch (vrrp_hmac_precheck(&h->policy, &t, now)) {
        case VRRP_HMAC_OK:
                break;
        case VRRP_HMAC_STALE:
                return hmac_drop(ret_drop, VRRP_DROP_HMAC_STALE);
        default:
                return hmac_drop(ret_drop, VRRP_DROP_HMAC_MALFORMED);
        }
        key = hmac_key(h, t.key_id);
        if (!key)
                return hmac_drop(ret_drop, VRRP_DROP_HMAC_UNKNOWN_KEY);
        n = vrrp_hmac_message(family, h->version, h->vrid, src, payload, msg_len, payload + msg_len, input);
        ok = n > 0 && hmac_sha256_verify(key->data, key->len, input, n, t.mac, VRRP_HMAC_LEN);
        explicit_bzero(input, sizeof(input));
        if (!ok)
                return hmac_drop(ret_drop, VRRP_DROP_HMAC_BAD);
        mark = peer >= 0 && (size_t) peer < h->n_peers ? &h->peers[peer] : vrrp_hmac_sender(&h->senders, family, src);
        if (vrrp_hmac_replay_check(&h->policy, mark, t.seq, now) != VRRP_HMAC_OK)
                return hmac_drop(ret_drop, VRRP_DROP_HMAC_REPLAYED);
        return 0;
}

int instance_hmac_verify(InstanceHmac *h, int family, const VrrpAddr *src, int peer, const uint8_t *payload,
                         size_t len, usec_t realtime, size_t *ret_msg_len, VrrpDrop *ret_drop) {
        size_t msg_len = vrrp_packet_message_len(payload, len, family);

        assert(h);
        assert(ret_msg_len);
        assert(ret_drop);
        *ret_msg_len = len;
        if (msg_len == 0)
                return 0; /* too short to say: the parse drops it */
        if (len != msg_len + VRRP_HMAC_TRAILER_LEN) /* no trailer: keepalived's test, by the length */
                return vrrp_hmac_unsigned(&h->policy) == VRRP_HMAC_MISSING
                               ? hmac_drop(ret_drop, VRRP_DROP_HMAC_MISSING)
                               : 0;
        *ret_msg_len = msg_len;
        return hmac_check(h, family, src, peer, payload, msg_len, realtime, ret_drop);
}

/* auth_hmac: every advert a new sequence and MAC (one for all destinations: the MAC leaves the destination
 * out, as keepalived's), after the message in each slot; IPv6's checksum covers the trailer, so it is sealed
 * again per destination. */
int instance_hmac_sign_adverts(Instance *i) {
        const size_t trailer = instance_hmac_trailer_len(i->hmac), len = i->tx_encoded_len;
        uint8_t *first = i->tx + VRRP_IP_HEADER_MAX;
        int r;

        if (trailer == 0)
                return 0;
        r = instance_hmac_sign(i->hmac, i->params.fsm.family, &i->src, first, len, instance_hmac_realtime());
        for (size_t k = 0; k < i->n_dsts && r >= 0; k++) {
                uint8_t *msg = i->tx + k * i->tx_len + VRRP_IP_HEADER_MAX;

                if (k > 0)
                        memcpy(msg + len, first + len, trailer);
                if (i->params.fsm.family == AF_INET6)
                        r = vrrp_packet_seal(msg, len, trailer, AF_INET6, &i->src, &i->dsts[k], i->tx_checksum);
        }
        return r;
}
