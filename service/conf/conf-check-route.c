#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../util/cleanup.h"
#include "../util/index.h"
#include "conf-check.h"

/* The static entries and the routes and rules: what spans a whole block, checked once it is read. */

/* keepalived puts a static_ipaddress line without dev on global_defs' default_interface, else on eth0
 * (vrrp_ipaddress.c, get_default_if()). */
static int static_vips_dev(Config *c) {
        const char *dev = c->global.default_interface ?: "eth0";

        for (size_t k = 0; k < c->n_static_vips; k++) {
                ConfVip *v = &c->static_vips[k];

                if (!v->dev && !(v->dev = strdup(dev)))
                        return -ENOMEM;
        }
        return 0;
}

#define CMP(f)                                          \
        do {                                            \
                if (a->f != b->f)                       \
                        return a->f < b->f ? -1 : 1;    \
        } while (0)
#define CMP_BYTES(f)                                                    \
        do {                                                            \
                int _r = memcmp(&a->f, &b->f, sizeof(a->f));            \
                if (_r != 0)                                            \
                        return _r;                                      \
        } while (0)
#define CMP_STR(f)                                                              \
        do {                                                                    \
                int _r = !a->f || !b->f ? !!a->f - !!b->f : strcmp(a->f, b->f); \
                if (_r != 0)                                                    \
                        return _r;                                              \
        } while (0)

/* Everything a line set (addresses are zero-filled beyond their family, so their bytes compare) */
static int nexthop_compare(const ConfNexthop *a, const ConfNexthop *b) {
        CMP(via_family);
        CMP_BYTES(via);
        CMP_STR(dev);
        CMP(weight);
        CMP(onlink);
        CMP(realms);
        return 0;
}

static int route_compare(const void *x, const void *y) {
        const ConfRoute *a = x, *b = y;

        CMP(family);
        CMP(type);
        CMP_BYTES(dst);
        CMP(dst_len);
        CMP(has_src);
        CMP_BYTES(src);
        CMP(has_from);
        CMP_BYTES(from);
        CMP(from_len);
        CMP(via_family);
        CMP_BYTES(via);
        CMP_STR(dev);
        CMP(tos);
        CMP(has_table);
        CMP(table);
        CMP(protocol);
        CMP(scope);
        CMP(has_metric);
        CMP(metric);
        CMP(onlink);
        CMP(realms);
        CMP(has_expires);
        CMP(expires);
        CMP(pref);
        CMP(ttl_propagate);
        CMP_BYTES(metrics);
        CMP(metrics_set);
        CMP(metrics_lock);
        CMP_STR(congctl);
        CMP(no_track);
        CMP(mode);
        CMP(n_nexthops);
        for (size_t k = 0; k < a->n_nexthops; k++) {
                int r = nexthop_compare(&a->nexthops[k], &b->nexthops[k]);
                if (r != 0)
                        return r;
        }
        return 0;
}

static int rule_compare(const void *x, const void *y) {
        const ConfRule *a = x, *b = y;

        CMP(family);
        CMP(invert);
        CMP(has_from);
        CMP_BYTES(from);
        CMP(from_len);
        CMP(has_to);
        CMP_BYTES(to);
        CMP(to_len);
        CMP(action);
        CMP(has_table);
        CMP(table);
        CMP(goto_target);
        CMP(priority);
        CMP(tos);
        CMP(has_fwmark);
        CMP(fwmark);
        CMP(fwmask);
        CMP(realms);
        CMP(has_suppress_prefixlen);
        CMP(suppress_prefixlen);
        CMP(has_suppress_ifgroup);
        CMP(suppress_ifgroup);
        CMP_STR(iif);
        CMP_STR(oif);
        CMP(has_tun_id);
        CMP(tun_id);
        CMP(has_uidrange);
        CMP(uid_start);
        CMP(uid_end);
        CMP(l3mdev);
        CMP(protocol);
        CMP(ipproto);
        CMP(has_sport);
        CMP(sport_start);
        CMP(sport_end);
        CMP(has_dport);
        CMP(dport_start);
        CMP(dport_end);
        CMP(no_track);
        return 0;
}

typedef struct EntryList {
        const char *what; /* "route", "rule" */
        void *items;
        size_t *n;
        size_t size;
        IndexCompareFunc compare;
        const ConfLoc *(*loc)(const void *item);
        void (*done)(void *item);
} EntryList;

static const ConfLoc *route_loc(const void *r) {
        return &((const ConfRoute *) r)->loc;
}

static const ConfLoc *rule_loc(const void *r) {
        return &((const ConfRule *) r)->loc;
}

static void route_done(void *r) {
        conf_model_route_done(r);
}

static void rule_done(void *r) {
        conf_model_rule_done(r);
}

/* keepalived adds a line that repeats one before it in the same list as it is, and the kernel refuses it
 * (EEXIST) at every transition; vrrpd keeps the first, with a warning on the second. */
static int drop_duplicates(const EntryList *l, ConfDiags *d) {
        _cleanup_(index_done) Index seen = INDEX_INIT(l->compare);
        _cleanup_free_ bool *dup = calloc(*l->n ?: 1, sizeof(bool));
        char *base = l->items;
        size_t kept = 0;

        if (!dup)
                return -ENOMEM;
        for (size_t k = 0; k < *l->n; k++) {
                void *item = base + k * l->size;
                const ConfLoc *first, *at = l->loc(item);
                int r = index_insert(&seen, item, item);

                if (r == -ENOMEM)
                        return r;
                if (r != -EEXIST)
                        continue;
                first = l->loc(index_find(&seen, item));
                conf_diag_warning(d, at, "this %s repeats the one at %s:%u; keepalived adds both and the kernel "
                                  "refuses the second: ignored", l->what, first->file, first->line);
                dup[k] = true;
        }
        index_done(&seen);
        for (size_t k = 0; k < *l->n; k++) {
                if (dup[k])
                        l->done(base + k * l->size);
                else
                        memmove(base + kept++ * l->size, base + k * l->size, l->size);
        }
        *l->n = kept;
        return 0;
}

static int routes_and_rules(ConfRoute *routes, size_t *n_routes, ConfRule *rules, size_t *n_rules, ConfDiags *d) {
        EntryList r = { "route", routes, n_routes, sizeof(ConfRoute), route_compare, route_loc, route_done };
        EntryList u = { "rule", rules, n_rules, sizeof(ConfRule), rule_compare, rule_loc, rule_done };
        int ret = drop_duplicates(&r, d);

        return ret < 0 ? ret : drop_duplicates(&u, d);
}

int conf_check_routes(Config *c, ConfDiags *d) {
        int r;

        assert(c);
        assert(d);

        r = static_vips_dev(c);
        if (r >= 0)
                r = routes_and_rules(c->static_routes, &c->n_static_routes, c->static_rules, &c->n_static_rules, d);
        for (size_t k = 0; k < c->n_instances && r >= 0; k++) {
                ConfInstance *i = &c->instances[k];

                r = routes_and_rules(i->routes, &i->n_routes, i->rules, &i->n_rules, d);
        }
        return r;
}
