#include <assert.h>
#include <string.h>

#include "vrrp-peers.h"

void vrrp_peers_init(VrrpPeers *v, int family) {
        assert(v);
        *v = (VrrpPeers){ .family = family };
}

/* The router at src, or a new entry for it (the least recently heard one replaced when full). */
static VrrpPeer *peer_slot(VrrpPeers *v, const VrrpAddr *src, bool *ret_new) {
        size_t oldest = 0;

        *ret_new = false;
        for (size_t k = 0; k < v->n; k++) {
                if (vrrp_addr_cmp(v->family, &v->items[k].addr, src) == 0)
                        return &v->items[k];
                if (v->items[k].last_heard < v->items[oldest].last_heard)
                        oldest = k;
        }
        *ret_new = true;
        if (v->n < VRRP_PEERS_MAX)
                oldest = v->n++;
        v->items[oldest] = (VrrpPeer){ .addr = *src };
        return &v->items[oldest];
}

unsigned vrrp_peers_heard(VrrpPeers *v, const VrrpAddr *src, uint8_t priority, usec_t interval, bool still_master,
                          usec_t now, usec_t realtime) {
        unsigned changed = 0;
        bool fresh;
        VrrpPeer *p;

        assert(v);
        assert(src);
        p = peer_slot(v, src, &fresh);
        if (fresh) {
                p->first_heard = now;
                p->first_heard_rt = realtime;
                changed |= VRRP_PEERS_CHANGED;
        } else if (p->priority != priority)
                changed |= VRRP_PEERS_CHANGED;
        p->priority = priority;
        p->last_heard = now;
        p->last_heard_rt = realtime;
        if (!still_master) {
                p->unyielded_first = p->unyielded_last = 0;
                return changed;
        }
        if (p->unyielded_first == 0)
                p->unyielded_first = now;
        p->unyielded_last = now;
        if (!v->split_brain && now - p->unyielded_first >= (interval ? interval : 1)) {
                v->split_brain = true;
                changed |= VRRP_PEERS_SPLIT_CHANGED;
        }
        return changed;
}

unsigned vrrp_peers_expire(VrrpPeers *v, usec_t down_interval, bool not_master, usec_t now) {
        unsigned changed = 0;
        bool unyielded = false;

        assert(v);
        for (size_t k = 0; k < v->n;) {
                VrrpPeer *p = &v->items[k];

                if (now - p->last_heard >= down_interval) {
                        v->items[k] = v->items[--v->n];
                        changed |= VRRP_PEERS_CHANGED;
                        continue;
                }
                if (not_master || (p->unyielded_last && now - p->unyielded_last >= down_interval))
                        p->unyielded_first = p->unyielded_last = 0;
                unyielded = unyielded || p->unyielded_first != 0;
                k++;
        }
        if (v->split_brain && !unyielded) {
                v->split_brain = false;
                changed |= VRRP_PEERS_SPLIT_CHANGED;
        }
        return changed;
}

usec_t vrrp_peers_next_expiry(const VrrpPeers *v, usec_t down_interval) {
        usec_t next = USEC_INFINITY;

        assert(v);
        for (size_t k = 0; k < v->n; k++) {
                usec_t t = v->items[k].last_heard + down_interval;

                if (v->items[k].unyielded_last && v->items[k].unyielded_last + down_interval < t)
                        t = v->items[k].unyielded_last + down_interval;
                if (t < next)
                        next = t;
        }
        return next;
}
