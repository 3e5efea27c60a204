#include <assert.h>
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>

#include "conf/conf-model.h"
#include "instance-params.h"
#include "manager.h"
#include "route/static-set.h"
#include "util/cleanup.h"
#include "util/log.h"

#define STATIC_DEFAULT_INTERFACE "eth0" /* keepalived's default_interface */

int static_set_new(Manager *m, const Config *c, StaticSet **ret) {
        _cleanup_(static_set_freep) StaticSet *s = NULL;
        int r;

        assert(m);
        assert(c);
        assert(ret);

        s = calloc(1, sizeof(*s));
        if (!s)
                return -ENOMEM;
        *s = (StaticSet){ .manager = m, .vips = c->static_vips, .n_vips = c->n_static_vips,
                          .default_interface = c->global.default_interface ?: STATIC_DEFAULT_INTERFACE };
        vrrp_restore_init(&s->restore);
        r = route_set_init(&s->routes, "static", "static", c->static_routes, c->n_static_routes, c->static_rules,
                           c->n_static_rules, 0);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(s);
        return 0;
}

static int static_resolve(const char *ifname, void *userdata) {
        unsigned idx = if_nametoindex(ifname);

        return idx > 0 ? (int) idx : -ENODEV;
}

/* Static address k as netlink wants it, its interface looked up now: false if there is none (logged). */
static bool static_vip(const StaticSet *s, size_t k, NlVip *ret) {
        const ConfVip *v = &s->vips[k];
        int ifindex = v->dev ? 0 : static_resolve(s->default_interface, NULL), r;

        r = ifindex < 0 ? ifindex : instance_params_vip(v, ifindex, static_resolve, NULL, ret);
        if (r < 0)
                log_error_errno(r, "static address #%zu: no interface '%s' (yet), left out: %m", k + 1,
                                v->dev ?: s->default_interface);
        return r >= 0;
}

static void static_add_vips(StaticSet *s, bool tracked_only) {
        for (size_t k = 0; k < s->n_vips; k++) {
                NlVip vip;
                int r;

                if ((tracked_only && s->vips[k].no_track) || !static_vip(s, k, &vip))
                        continue;
                r = manager_vip_add(s->manager, &vip);
                if (r < 0)
                        log_error_errno(r, "failed to add static address #%zu: %m", k + 1);
        }
}

static void static_del_vip(StaticSet *s, size_t k) {
        NlVip vip;
        int r;

        if (!static_vip(s, k, &vip))
                return;
        r = manager_vip_del(s->manager, &vip);
        if (r < 0 && r != -EADDRNOTAVAIL && r != -ENODEV)
                log_warning_errno(r, "failed to remove static address #%zu: %m", k + 1);
}

void static_set_add(StaticSet *s) {
        assert(s);
        static_add_vips(s, false);
        route_set_add(&s->routes, s->manager->nl, false);
}

void static_set_remove(StaticSet *s) {
        assert(s);

        if (!s->routes.held)
                return;
        route_set_remove(&s->routes, s->manager->nl);
        for (size_t k = s->n_vips; k > 0; k--)
                static_del_vip(s, k - 1);
}

StaticSet *static_set_free(StaticSet *s) {
        if (!s)
                return NULL;
        sd_event_source_disable_unref(s->timer);
        route_set_done(&s->routes);
        free(s);
        return NULL;
}

static bool static_has_vip(const StaticSet *s, const NlVip *v) {
        for (size_t k = 0; k < s->n_vips; k++) {
                NlVip o;

                if (static_vip(s, k, &o) && o.family == v->family && o.ifindex == v->ifindex &&
                    o.prefixlen == v->prefixlen && vrrp_addr_cmp(o.family, &o.addr, &v->addr) == 0)
                        return true;
        }
        return false;
}

void static_set_replace(StaticSet **s, StaticSet *next) {
        StaticSet *old;

        assert(s);
        assert(next);

        old = *s;
        static_add_vips(next, false);
        if (old) {
                route_set_replace(&old->routes, &next->routes, next->manager->nl);
                for (size_t k = old->n_vips; k > 0; k--) {
                        NlVip v;

                        if (static_vip(old, k - 1, &v) && !static_has_vip(next, &v))
                                static_del_vip(old, k - 1);
                }
        } else
                route_set_add(&next->routes, next->manager->nl, false);
        *s = next;
        static_set_free(old);
}

static int static_on_timer(sd_event_source *t, uint64_t usec, void *userdata) {
        StaticSet *s = userdata;

        vrrp_restore_done(&s->restore, usec);
        static_add_vips(s, true);
        route_set_add(&s->routes, s->manager->nl, true);
        log_notice("static configuration put back (%zu time(s) in the last minute)",
                   vrrp_restore_count(&s->restore, usec));
        return 0;
}

void static_set_deleted(StaticSet *s, const char *what) {
        usec_t now, at;
        int r;

        assert(s);
        assert(what);

        r = sd_event_now(s->manager->event, CLOCK_MONOTONIC, &now);
        if (r >= 0) {
                (void) vrrp_restore_deleted(&s->restore, now, false, &at);
                r = s->timer ? sd_event_source_set_time(s->timer, at)
                             : sd_event_add_time(s->manager->event, &s->timer, CLOCK_MONOTONIC, at, 0,
                                                 static_on_timer, s);
        }
        if (r >= 0)
                r = sd_event_source_set_enabled(s->timer, SD_EVENT_ONESHOT);
        if (r < 0)
                return (void) log_error_errno(r, "%s was deleted by another program, and cannot be put back: %m",
                                              what);
        log_warning("%s was deleted by another program: putting it back%s", what,
                    at > now ? " after a backoff" : "");
}

size_t static_set_find_vip(const StaticSet *s, int family, int ifindex, const VrrpAddr *addr) {
        assert(s);
        assert(addr);

        for (size_t k = 0; k < s->n_vips; k++) {
                NlVip v;

                if (s->vips[k].family == family && vrrp_addr_cmp(family, &s->vips[k].addr, addr) == 0 &&
                    static_vip(s, k, &v) && v.ifindex == ifindex)
                        return k + 1;
        }
        return 0;
}
