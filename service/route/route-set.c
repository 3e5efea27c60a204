#include <assert.h>
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>

#include "conf/conf-model.h"
#include "route/route-set.h"
#include "util/log.h"

int route_set_init(RouteSet *s, const char *owner, const char *kind, const ConfRoute *routes, size_t n_routes,
                   const ConfRule *rules, size_t n_rules, uint32_t default_table) {
        size_t n_nh = 0;

        assert(s);
        assert(owner);
        assert(kind);

        *s = (RouteSet){ .owner = owner, .kind = kind };
        for (size_t k = 0; k < n_routes; k++)
                n_nh += routes[k].n_nexthops;
        s->routes = calloc(n_routes ?: 1, sizeof(NlRoute));
        s->nh_ifindex = calloc(n_nh ?: 1, sizeof(int));
        s->rules = calloc(n_rules ?: 1, sizeof(NlRule));
        s->route_in = calloc(n_routes ?: 1, sizeof(bool));
        s->rule_in = calloc(n_rules ?: 1, sizeof(bool));
        if (!s->routes || !s->nh_ifindex || !s->rules || !s->route_in || !s->rule_in) {
                route_set_done(s);
                return -ENOMEM;
        }
        n_nh = 0;
        for (size_t k = 0; k < n_routes; k++) {
                s->routes[k] = (NlRoute){ .conf = &routes[k], .nh_ifindex = s->nh_ifindex + n_nh,
                                          .default_table = default_table };
                n_nh += routes[k].n_nexthops;
        }
        for (size_t k = 0; k < n_rules; k++)
                s->rules[k] = (NlRule){ .conf = &rules[k], .default_table = default_table };
        s->n_routes = n_routes;
        s->n_rules = n_rules;
        return 0;
}

void route_set_done(RouteSet *s) {
        assert(s);
        free(s->routes);
        free(s->nh_ifindex);
        free(s->rules);
        free(s->route_in);
        free(s->rule_in);
        *s = (RouteSet){ .owner = s->owner, .kind = s->kind };
}

static int route_set_ifindex(const RouteSet *s, size_t k, const char *dev) {
        unsigned idx;

        if (!dev)
                return 0;
        idx = if_nametoindex(dev);
        if (idx == 0) {
                log_error("%s: %s route #%zu: no interface '%s' (yet), left out", s->owner, s->kind, k + 1, dev);
                return -ENODEV;
        }
        return (int) idx;
}

/* The interfaces of route k, by name now: false if one is missing (logged). */
static bool route_set_resolve(RouteSet *s, size_t k) {
        NlRoute *r = &s->routes[k];
        int *nh = (int *) r->nh_ifindex;

        r->ifindex = route_set_ifindex(s, k, r->conf->dev);
        if (r->ifindex < 0)
                return false;
        for (size_t n = 0; n < r->conf->n_nexthops; n++) {
                nh[n] = route_set_ifindex(s, k, r->conf->nexthops[n].dev);
                if (nh[n] < 0)
                        return false;
        }
        return true;
}

static void route_set_add_route(RouteSet *s, struct nl_sock *nl, size_t k) {
        int r;

        s->route_in[k] = false;
        if (!route_set_resolve(s, k))
                return;
        r = nl_route_add(nl, &s->routes[k]);
        s->route_in[k] = r >= 0;
        if (r == -EEXIST)
                log_error("%s: %s route #%zu: another route holds its place (table, destination, metric), left "
                          "as it is", s->owner, s->kind, k + 1);
        else if (r < 0)
                log_error_errno(r, "%s: failed to add %s route #%zu: %m", s->owner, s->kind, k + 1);
}

static void route_set_add_rule(RouteSet *s, struct nl_sock *nl, size_t k) {
        int r = nl_rule_add(nl, &s->rules[k]);

        s->rule_in[k] = r >= 0;
        if (r < 0)
                log_error_errno(r, "%s: failed to add %s rule #%zu: %m", s->owner, s->kind, k + 1);
}

void route_set_add(RouteSet *s, struct nl_sock *nl, bool tracked_only) {
        assert(s);
        assert(nl);

        for (size_t k = 0; k < s->n_routes; k++)
                if (!tracked_only || route_set_route_tracked(s, k))
                        route_set_add_route(s, nl, k);
        for (size_t k = 0; k < s->n_rules; k++)
                if (!tracked_only || route_set_rule_tracked(s, k))
                        route_set_add_rule(s, nl, k);
        s->held = true;
}

static void route_set_del_route(RouteSet *s, struct nl_sock *nl, size_t k) {
        int r;

        s->route_in[k] = false;
        if (!route_set_resolve(s, k))
                return;
        r = nl_route_del(nl, &s->routes[k]);
        if (r < 0 && r != -ESRCH && r != -ENOENT && r != -ENODEV)
                log_warning_errno(r, "%s: failed to remove %s route #%zu: %m", s->owner, s->kind, k + 1);
}

static void route_set_del_rule(RouteSet *s, struct nl_sock *nl, size_t k) {
        int r = nl_rule_del(nl, &s->rules[k]);

        s->rule_in[k] = false;
        if (r < 0 && r != -ENOENT && r != -ESRCH)
                log_warning_errno(r, "%s: failed to remove %s rule #%zu: %m", s->owner, s->kind, k + 1);
}

void route_set_remove(RouteSet *s, struct nl_sock *nl) {
        assert(s);
        assert(nl);

        for (size_t k = s->n_rules; k > 0; k--)
                route_set_del_rule(s, nl, k - 1);
        for (size_t k = s->n_routes; k > 0; k--)
                route_set_del_route(s, nl, k - 1);
        s->held = false;
}

static bool route_set_has_route(const RouteSet *s, const NlRoute *r) {
        for (size_t k = 0; k < s->n_routes; k++)
                if (nl_route_same(&s->routes[k], r))
                        return true;
        return false;
}

static bool route_set_has_rule(const RouteSet *s, const NlRule *r) {
        for (size_t k = 0; k < s->n_rules; k++)
                if (nl_rule_same(&s->rules[k], r))
                        return true;
        return false;
}

void route_set_replace(RouteSet *old, RouteSet *next, struct nl_sock *nl) {
        assert(old);
        assert(next);
        assert(nl);

        if (!old->held)
                return;
        route_set_add(next, nl, false);
        for (size_t k = old->n_rules; k > 0; k--)
                if (!route_set_has_rule(next, &old->rules[k - 1]))
                        route_set_del_rule(old, nl, k - 1);
        for (size_t k = old->n_routes; k > 0; k--)
                if (route_set_resolve(old, k - 1) && !route_set_has_route(next, &old->routes[k - 1]))
                        route_set_del_route(old, nl, k - 1);
        old->held = false;
}

size_t route_set_find_route(const RouteSet *s, const NlRouteEvent *e) {
        assert(s);
        assert(e);

        for (size_t k = 0; k < s->n_routes; k++)
                if (nl_route_is(&s->routes[k], e))
                        return k + 1;
        return 0;
}

size_t route_set_find_rule(const RouteSet *s, const NlRuleEvent *e) {
        assert(s);
        assert(e);

        for (size_t k = 0; k < s->n_rules; k++)
                if (nl_rule_is(&s->rules[k], e))
                        return k + 1;
        return 0;
}

void route_set_route_gone(RouteSet *s, size_t k) {
        assert(s && k < s->n_routes);
        s->route_in[k] = false;
}

void route_set_rule_gone(RouteSet *s, size_t k) {
        assert(s && k < s->n_rules);
        s->rule_in[k] = false;
}

bool route_set_route_tracked(const RouteSet *s, size_t k) {
        assert(s && k < s->n_routes);
        return !s->routes[k].conf->no_track;
}

bool route_set_rule_tracked(const RouteSet *s, size_t k) {
        assert(s && k < s->n_rules);
        return !s->rules[k].conf->no_track;
}
