#include <assert.h>

#include "foreign.h"

void foreign_heard(ForeignTable *t, int ifindex, int family, uint8_t vrid, const VrrpAddr *src, usec_t now,
                   usec_t realtime) {
        size_t slot = t->n, oldest = 0;

        assert(t);
        assert(src);
        for (size_t k = 0; k < t->n; k++) {
                const ForeignRouter *f = &t->items[k];

                if (f->ifindex == ifindex && f->family == family && f->vrid == vrid &&
                    vrrp_addr_cmp(family, &f->addr, src) == 0) {
                        slot = k;
                        break;
                }
                if (f->last_heard < t->items[oldest].last_heard)
                        oldest = k;
        }
        if (slot == t->n && t->n == FOREIGN_MAX)
                slot = oldest;
        else if (slot == t->n)
                t->n++;
        t->items[slot] = (ForeignRouter){ .ifindex = ifindex, .family = family, .vrid = vrid, .addr = *src,
                                          .last_heard = now, .last_heard_rt = realtime };
}

void foreign_expire(ForeignTable *t, usec_t now) {
        assert(t);
        for (size_t k = 0; k < t->n;)
                if (now - t->items[k].last_heard >= FOREIGN_AGE_USEC)
                        t->items[k] = t->items[--t->n];
                else
                        k++;
}
