#include <assert.h>
#include <errno.h>

#include "vrrp-track.h"

#define VRRP_TRACK_PRIORITY_OWNER 255
#define VRRP_TRACK_PRIORITY_MAX 254

int vrrp_track_contribution(const VrrpTrack *t) {
        int c = 0;

        assert(t);

        if (t->weight == 0 || t->state == VRRP_TRACK_INIT || t->state == VRRP_TRACK_UNKNOWN)
                return 0;
        /* keepalived: up adds a positive weight, down adds a negative one; reverse negates the result
         * (its weight_multiplier of -1). */
        if (t->state == VRRP_TRACK_UP && t->weight > 0)
                c = t->weight;
        else if (t->state == VRRP_TRACK_DOWN && t->weight < 0)
                c = t->weight;
        return t->reverse ? -c : c;
}

bool vrrp_track_is_fault(const VrrpTrack *t) {
        assert(t);

        if (t->weight != 0 || t->state == VRRP_TRACK_INIT || t->state == VRRP_TRACK_UNKNOWN)
                return false;
        /* keepalived: "if (script_ok != (multiplier == 1)) down_instance(vrrp)" */
        return (t->state == VRRP_TRACK_UP) == t->reverse;
}

static bool vrrp_track_valid(const VrrpTrack *t) {
        return t->weight >= -VRRP_TRACK_WEIGHT_MAX && t->weight <= VRRP_TRACK_WEIGHT_MAX &&
               (unsigned) t->state < _VRRP_TRACK_STATE_MAX;
}

uint8_t vrrp_track_clamp(uint8_t configured, int total) {
        if (configured == VRRP_TRACK_PRIORITY_OWNER)
                return VRRP_TRACK_PRIORITY_OWNER; /* "Don't change effective priority if address owner" */
        if (total < 1)
                return 1;
        if (total > VRRP_TRACK_PRIORITY_MAX)
                return VRRP_TRACK_PRIORITY_MAX;
        return (uint8_t) total;
}

void vrrp_track_demote(VrrpTrackResult *r, uint8_t configured, unsigned amount) {
        assert(r);
        assert(amount <= 1u << 20); /* DEMOTIONS_MAX × 255 at most: no overflow */

        r->total -= (int) amount;
        r->priority = vrrp_track_clamp(configured, r->total);
}

int vrrp_track_compute(uint8_t configured, const VrrpTrack *tracks, size_t n_tracks, VrrpTrackResult *ret) {
        VrrpTrackResult r = { .total = configured };

        assert(ret);

        if (configured == 0 || (n_tracks > 0 && !tracks))
                return -EINVAL;
        for (size_t i = 0; i < n_tracks; i++)
                if (!vrrp_track_valid(&tracks[i]))
                        return -EINVAL;

        for (size_t i = 0; i < n_tracks; i++) {
                const VrrpTrack *t = &tracks[i];

                if (t->weight == 0 && t->state == VRRP_TRACK_INIT)
                        r.n_init++;
                else if (vrrp_track_is_fault(t))
                        r.n_fault++;
                r.total += vrrp_track_contribution(t);
        }

        r.priority = vrrp_track_clamp(configured, r.total);
        r.fault = r.n_fault > 0;
        r.pending = r.n_init > 0;
        *ret = r;
        return 0;
}

void vrrp_track_counter_init(VrrpTrackCounter *c, unsigned rise, unsigned fall, bool init_fail) {
        assert(c);

        *c = (VrrpTrackCounter){ .rise = rise ?: 1, .fall = fall ?: 1 };
        c->state = init_fail ? VRRP_TRACK_DOWN : VRRP_TRACK_INIT;
        c->result = init_fail ? 0 : c->rise - 1; /* one success is enough */
}

bool vrrp_track_counter_step(VrrpTrackCounter *c, bool ok) {
        unsigned full;
        VrrpTrackState old;

        assert(c);

        full = c->rise + c->fall - 1;
        old = c->state;
        if (ok) {
                if (c->result + 1 < c->rise)
                        c->result++;
                else {
                        c->result = full;
                        c->state = VRRP_TRACK_UP;
                }
        } else {
                if (c->result > c->rise)
                        c->result--;
                else {
                        c->result = 0;
                        c->state = VRRP_TRACK_DOWN;
                }
        }
        return c->state != old;
}

const char *vrrp_track_state_to_string(VrrpTrackState s) {
        static const char *const table[_VRRP_TRACK_STATE_MAX] = {
                [VRRP_TRACK_INIT] = "init",
                [VRRP_TRACK_UP] = "up",
                [VRRP_TRACK_DOWN] = "down",
                [VRRP_TRACK_UNKNOWN] = "unknown",
        };

        return (unsigned) s < _VRRP_TRACK_STATE_MAX ? table[s] : NULL;
}
