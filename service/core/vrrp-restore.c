#include <assert.h>

#include "vrrp-restore.h"

void vrrp_restore_init(VrrpRestore *r) {
        assert(r);
        *r = (VrrpRestore){ .pending_at = USEC_INFINITY, .gave_up_at = USEC_INFINITY };
}

/* Forgets reinstatements older than the window. */
static void restore_expire(VrrpRestore *r, usec_t now) {
        size_t k = 0;

        while (k < r->n && r->at[k] + VRRP_RESTORE_WINDOW <= now)
                k++;
        for (size_t j = k; j < r->n; j++)
                r->at[j - k] = r->at[j];
        r->n -= k;
}

size_t vrrp_restore_count(const VrrpRestore *r, usec_t now) {
        size_t n = 0;

        assert(r);
        for (size_t k = 0; k < r->n; k++)
                if (r->at[k] + VRRP_RESTORE_WINDOW > now)
                        n++;
        return n;
}

static usec_t restore_delay(unsigned n) {
        usec_t d = VRRP_RESTORE_FIRST_DELAY;

        if (n == 0)
                return 0;
        for (unsigned k = 1; k < n && d < VRRP_RESTORE_MAX_DELAY; k++)
                d *= 2;
        return d < VRRP_RESTORE_MAX_DELAY ? d : VRRP_RESTORE_MAX_DELAY;
}

VrrpRestoreVerdict vrrp_restore_deleted(VrrpRestore *r, usec_t now, bool can_give_up, usec_t *ret_at) {
        assert(r);
        assert(ret_at);

        restore_expire(r, now);
        if (r->n == 0)
                r->streak = 0;
        if (r->n >= VRRP_RESTORE_LIMIT && can_give_up) {
                r->gave_up_at = now;
                r->pending_at = USEC_INFINITY;
                *ret_at = USEC_INFINITY;
                return VRRP_RESTORE_GIVE_UP;
        }
        if (r->pending_at == USEC_INFINITY) {
                usec_t last = r->n > 0 ? r->at[r->n - 1] : 0;
                usec_t at = r->n > 0 ? last + restore_delay(r->streak) : now;

                r->pending_at = at > now ? at : now;
        }
        *ret_at = r->pending_at;
        return VRRP_RESTORE_AT;
}

void vrrp_restore_done(VrrpRestore *r, usec_t now) {
        assert(r);

        restore_expire(r, now);
        if (r->n == VRRP_RESTORE_LIMIT) { /* only without give-up: keep the newest */
                for (size_t k = 1; k < r->n; k++)
                        r->at[k - 1] = r->at[k];
                r->n--;
        }
        r->at[r->n++] = now;
        if (r->streak < 64)
                r->streak++;
        r->pending_at = USEC_INFINITY;
}

usec_t vrrp_restore_fault_until(const VrrpRestore *r) {
        assert(r);
        return r->gave_up_at == USEC_INFINITY ? USEC_INFINITY : r->gave_up_at + VRRP_RESTORE_WINDOW;
}

void vrrp_restore_recovered(VrrpRestore *r) {
        assert(r);
        vrrp_restore_init(r);
}
