#include <assert.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "conf/conf-model.h"
#include "instance-restore.h"
#include "instance-vips.h"
#include "instance.h"
#include "manager.h"
#include "os/nl-monitor.h"
#include "os/nl-route.h"
#include "os/nl-rule.h"
#include "reload.h"
#include "route/static-set.h"
#include "track/tracking.h"
#include "util/log.h"
#include "vmac/vmac.h"

/* What the rtnetlink monitor tells the daemon: links coming and going (instances' faults, macvlans, tracked
 * interfaces), addresses (track_src_ip; VIPs and static addresses another program deleted), routes and rules
 * (ours deleted). */

/* dynamic_interfaces: an instance's interface came (bind it) or went (wait for it again). */
static void manager_on_link_dynamic(Manager *m, int ifindex, const char *ifname, bool removed) {
        char name[IF_NAMESIZE] = "";

        if (!m->config || !m->config->global.dynamic_interfaces || m->stopping)
                return;
        if (!ifname && !if_indextoname((unsigned) ifindex, name))
                return;
        for (size_t k = 0; k < m->n_instances; k++) {
                Instance *i = m->instances[k];
                bool waiting = i->faults & (1u << INSTANCE_FAULT_NO_INTERFACE);

                if (!i->conf->interface)
                        continue; /* runs on every interface */
                if (removed && !waiting && i->ifindex == ifindex) {
                        log_notice("%s: interface '%s' is gone: waiting for it in FAULT (dynamic_interfaces)",
                                   i->name, i->conf->interface);
                        (void) tracking_set_fault(i, INSTANCE_FAULT_NO_INTERFACE, true);
                } else if (!removed && waiting && strcmp(ifname ?: name, i->conf->interface) == 0)
                        (void) reload_bind_instance(m, i);
        }
}

static void manager_on_link(void *userdata, int ifindex, const char *ifname, bool up, bool removed) {
        Manager *m = userdata;

        manager_on_link_dynamic(m, ifindex, ifname, removed);
        tracking_on_link(m, ifindex, up && !removed);
        vmac_on_link(m, ifindex, up, removed);
        for (size_t k = 0; k < m->n_instances; k++) {
                Instance *i = m->instances[k];
                bool down = removed || !up;
                int r;

                /* dont_track_primary: the instance's own interface going down is not a fault (keepalived) */
                if (i->ifindex != ifindex || i->fsm.link_down == down || i->conf->dont_track_primary)
                        continue;
                r = instance_step(i, &(VrrpEvent){ .type = down ? VRRP_EVENT_LINK_DOWN : VRRP_EVENT_LINK_UP });
                if (r < 0)
                        log_warning_errno(r, "%s: failed to handle link change, ignoring: %m", i->name);
        }
}

static void manager_on_static_address(Manager *m, int family, int ifindex, const VrrpAddr *addr) {
        size_t k = m->statics ? static_set_find_vip(m->statics, family, ifindex, addr) : 0;
        char what[64];

        if (k == 0 || m->config->static_vips[k - 1].no_track)
                return;
        (void) snprintf(what, sizeof(what), "static address #%zu", k);
        static_set_deleted(m->statics, what);
}

/* Someone removed a VIP we hold: put it back unless it is no_track (instance-restore.c). */
static void manager_on_address(void *userdata, int family, int ifindex, const VrrpAddr *addr, uint8_t prefixlen,
                               bool added) {
        Manager *m = userdata;

        if (m->stopping)
                return;
        tracking_on_address(m, family, addr);
        if (added) {
                manager_on_link_dynamic(m, ifindex, NULL, false);
                return;
        }
        manager_on_static_address(m, family, ifindex, addr);
        for (size_t k = 0; k < m->n_instances; k++) {
                Instance *i = m->instances[k];

                if (!i->holds_vips)
                        continue;
                for (size_t v = 0; v < i->params.n_vips; v++) {
                        const NlVip *vip = &i->params.vips[v];
                        char what[64];

                        if (vip->family != family || vip->ifindex != ifindex ||
                            vrrp_addr_cmp(family, &vip->addr, addr) != 0)
                                continue;
                        if (!instance_vip_tracked(i, v)) {
                                log_info("%s: virtual address #%zu (no_track) was deleted by another program: "
                                         "left out until the next transition to master", i->name, v + 1);
                                continue;
                        }
                        (void) snprintf(what, sizeof(what), "virtual address #%zu", v + 1);
                        instance_restore_deleted(i, what);
                }
        }
}

/* A route or rule of an instance (held while master) or of the static configuration was deleted. */
static void manager_on_route_gone(Manager *m, RouteSet *s, bool rule, size_t k, Instance *i) {
        bool tracked = rule ? route_set_rule_tracked(s, k) : route_set_route_tracked(s, k);
        char what[64];

        if (rule)
                route_set_rule_gone(s, k);
        else
                route_set_route_gone(s, k);
        (void) snprintf(what, sizeof(what), "%s %s #%zu", s->kind, rule ? "rule" : "route", k + 1);
        if (!tracked)
                log_info("%s: %s (no_track) was deleted by another program: left out until it is added again",
                         s->owner, what);
        else if (i)
                instance_restore_deleted(i, what);
        else
                static_set_deleted(m->statics, what);
}

/* The position + 1 in s of the route (rule false) or rule a deletion notice e is about; 0 if none. */
static size_t manager_find_gone(const RouteSet *s, bool rule, const void *e) {
        if (!s->held)
                return 0;
        return rule ? route_set_find_rule(s, e) : route_set_find_route(s, e);
}

static void manager_on_routing_gone(Manager *m, bool rule, const void *e) {
        size_t k;

        if (m->stopping)
                return;
        for (size_t n = 0; n < m->n_instances; n++) {
                Instance *i = m->instances[n];

                if ((k = manager_find_gone(&i->routes, rule, e)) > 0)
                        manager_on_route_gone(m, &i->routes, rule, k - 1, i);
        }
        if (m->statics && (k = manager_find_gone(&m->statics->routes, rule, e)) > 0)
                manager_on_route_gone(m, &m->statics->routes, rule, k - 1, NULL);
}

static void manager_on_route(void *userdata, const NlRouteEvent *e, bool added) {
        if (!added)
                manager_on_routing_gone(userdata, false, e);
}

static void manager_on_rule(void *userdata, const NlRuleEvent *e, bool added) {
        if (!added)
                manager_on_routing_gone(userdata, true, e);
}

/* After an overrun, notices of deletions may be lost: what should be there goes in again (what is there
 * answers that it is ours already). */
static void manager_readd_routes(Manager *m) {
        for (size_t k = 0; k < m->n_instances; k++)
                if (m->instances[k]->routes.held)
                        route_set_add(&m->instances[k]->routes, m->nl, true);
        if (m->statics && m->statics->routes.held)
                route_set_add(&m->statics->routes, m->nl, true);
}

int manager_on_monitor(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Manager *m = userdata;
        const NlMonitorHandlers h = { .link = manager_on_link, .address = manager_on_address,
                                      .route = manager_on_route, .rule = manager_on_rule,
                                      .local_table = m->watch_local_table, .userdata = m };
        int r;

        r = nl_monitor_dispatch(m->monitor, &h);
        if (r == -ENOBUFS) {
                log_warning("netlink monitor overran, re-reading link states");
                manager_readd_routes(m);
                for (size_t k = 0; k < m->n_instances; k++) {
                        bool up;

                        if (nl_monitor_link_state(m->nl, m->instances[k]->ifindex, &up) >= 0)
                                manager_on_link(m, m->instances[k]->ifindex, NULL, up, false);
                }
        }
        return 0;
}

/* Whether a route of the config lives in the local table: its notices are wanted then. */
static bool manager_route_local(const ConfRoute *r, size_t n) {
        for (size_t k = 0; k < n; k++)
                if ((r[k].has_table && r[k].table == RT_TABLE_LOCAL) || r[k].type == RTN_LOCAL)
                        return true;
        return false;
}

void manager_watch_routes(Manager *m) {
        const Config *c = m->config;
        bool any = c->n_static_routes + c->n_static_rules > 0, local = manager_route_local(c->static_routes,
                                                                                           c->n_static_routes);
        int r;

        assert(m);

        for (size_t k = 0; k < c->n_instances; k++) {
                any = any || c->instances[k].n_routes + c->instances[k].n_rules > 0;
                local = local || manager_route_local(c->instances[k].routes, c->instances[k].n_routes);
        }
        m->watch_local_table = local;
        if (any == m->watching_routes)
                return;
        r = nl_monitor_watch_routes(m->monitor, any);
        if (r < 0)
                return (void) log_warning_errno(r, "cannot watch routes and rules: one deleted by another program "
                                                   "will not be put back: %m");
        m->watching_routes = any;
}
