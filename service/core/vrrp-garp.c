#include <assert.h>
#include <stdint.h>

#include "vrrp-garp.h"

/* keepalived sends a burst as `rep` passes over the VIP list. When vrrp_garp_interval holds packets back, it
 * keeps one pending flag per VIP, so a burst that comes while an earlier one still waits merges into it.
 * Here the owed count does the same: a new burst raises it to rounds × VIPs instead of adding to it. Any run
 * of that many packets in the cyclic VIP order announces every VIP `rounds` times, whatever the cursor.
 * (keepalived's flags merge even the rounds of one burst when paced, so it sends each VIP about once; we
 * send them all.) */
static void vrrp_garp_owe(VrrpGarpSched *s, unsigned rounds) {
        size_t want;

        if (s->n_addrs == 0 || rounds == 0)
                return;
        want = s->n_addrs > SIZE_MAX / rounds ? SIZE_MAX : (size_t) rounds * s->n_addrs;
        if (want > s->owed)
                s->owed = want;
}

static usec_t usec_add(usec_t a, usec_t b) {
        return a > USEC_INFINITY - b ? USEC_INFINITY : a + b;
}

static usec_t usec_min(usec_t a, usec_t b) {
        return a < b ? a : b;
}

void vrrp_garp_become_master(VrrpGarpSched *s, const VrrpGarpParams *p, size_t n_addrs, usec_t now) {
        assert(s);
        assert(p);

        *s = VRRP_GARP_SCHED_INIT;
        s->n_addrs = n_addrs;
        if (n_addrs == 0)
                return; /* keepalived: "Only send gratuitous ARP if VIP are set" */
        vrrp_garp_owe(s, p->master_repeat);
        if (p->master_delay_usec > 0)
                s->second_at = usec_add(now, p->master_delay_usec);
        if (p->refresh_usec > 0)
                s->refresh_at = usec_add(now, p->refresh_usec);
}

void vrrp_garp_lower_prio(VrrpGarpSched *s, const VrrpGarpParams *p, usec_t now) {
        assert(s);
        assert(p);

        if (s->n_addrs == 0 || p->lower_prio_repeat == 0)
                return;
        vrrp_garp_owe(s, p->lower_prio_repeat);
        /* keepalived arms one timer per lower-priority advert; a stream of them (one per second, say) keeps
         * one deadline here, the earliest, so the delayed bursts still come at most once per delay. */
        if (p->lower_prio_delay_usec > 0 && s->lower_prio_at == USEC_INFINITY)
                s->lower_prio_at = usec_add(now, p->lower_prio_delay_usec);
}

void vrrp_garp_request(VrrpGarpSched *s, unsigned rounds) {
        assert(s);

        vrrp_garp_owe(s, rounds);
}

void vrrp_garp_set_addrs(VrrpGarpSched *s, size_t n_addrs) {
        assert(s);

        s->n_addrs = n_addrs;
        if (n_addrs == 0) {
                s->cursor = s->owed = 0;
                return;
        }
        s->cursor %= n_addrs;
}

void vrrp_garp_stop(VrrpGarpSched *s) {
        assert(s);

        *s = VRRP_GARP_SCHED_INIT;
}

static void vrrp_garp_fire(VrrpGarpSched *s, const VrrpGarpParams *p, usec_t now) {
        if (s->second_at <= now) {
                s->second_at = USEC_INFINITY;
                vrrp_garp_owe(s, p->master_repeat);
        }
        if (s->lower_prio_at <= now) {
                s->lower_prio_at = USEC_INFINITY;
                vrrp_garp_owe(s, p->lower_prio_repeat);
        }
        if (s->refresh_at <= now) {
                /* keepalived re-arms from the time it sent, not from the old deadline */
                s->refresh_at = p->refresh_usec > 0 ? usec_add(now, p->refresh_usec) : USEC_INFINITY;
                vrrp_garp_owe(s, p->refresh_repeat);
        }
}

void vrrp_garp_next(VrrpGarpSched *s, const VrrpGarpParams *p, usec_t now, size_t budget,
                    VrrpGarpBatch *ret) {
        size_t n;

        assert(s);
        assert(p);
        assert(ret);

        vrrp_garp_fire(s, p, now);
        n = s->owed < budget ? s->owed : budget;
        *ret = (VrrpGarpBatch){ .n = n, .first = s->cursor };
        if (s->n_addrs > 0)
                s->cursor = (s->cursor + n % s->n_addrs) % s->n_addrs;
        s->owed -= n;
        ret->backlog = s->owed;
        ret->next_at = usec_min(s->second_at, usec_min(s->refresh_at, s->lower_prio_at));
}

size_t vrrp_garp_pacer_budget(const VrrpGarpPacer *pc, usec_t interval, usec_t now) {
        assert(pc);

        if (interval == 0)
                return SIZE_MAX;
        return now >= pc->next_at ? 1 : 0;
}

void vrrp_garp_pacer_sent(VrrpGarpPacer *pc, usec_t interval, usec_t now, size_t n) {
        assert(pc);

        if (interval > 0 && n > 0)
                pc->next_at = usec_add(now, interval);
}
