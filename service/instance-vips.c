#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <string.h>

#include "announce.h"
#include "conf/conf-model.h"
#include "instance-vips.h"
#include "instance.h"
#include "manager.h"
#include "os/nl-ifaddr.h"
#include "os/nl-vip.h"
#include "util/log.h"
#include "vmac/vmac.h"

#define log_inst(i, level, error, ...) log_instance(level, error, (i)->name, (i)->params.fsm.vrid, __VA_ARGS__)

/* IPv6 with use_vmac: while master, the macvlan carries the parent's link-local too (derived from the
 * parent's MAC, so each router's is its own), the source of its adverts and of its own ND; a backup's has no
 * address at all, so it sends nothing from the virtual MAC. */
static bool instance_vmac_link_local(const Instance *i, NlVip *ret) {
        if (!i->vmac || i->vmac->ipvlan || i->params.fsm.family != AF_INET6 || !IN6_IS_ADDR_LINKLOCAL(&i->src.in6))
                return false;
        *ret = (NlVip){ .family = AF_INET6, .ifindex = i->vmac->ifindex, .addr = i->src, .prefixlen = 64,
                        .scope = RT_SCOPE_LINK, .nodad = true, .noprefixroute = true };
        return true;
}

void instance_vips_add(Instance *i) {
        NlVip ll;

        assert(i);

        if (instance_vmac_link_local(i, &ll) && manager_vip_add(i->manager, &ll) < 0)
                log_inst(i, LOG_WARNING, 0, "failed to put the link-local address on its macvlan, ignoring");
        for (size_t k = 0; k < i->params.n_vips; k++) {
                int r;

                if (i->vip_preexisting[k])
                        continue; /* an address owner's own address: there already, and never recorded */
                r = manager_vip_add(i->manager, &i->params.vips[k]);
                if (r < 0)
                        log_inst(i, LOG_ERR, r, "failed to add virtual address #%zu, ignoring: %m", k + 1);
        }
        i->holds_vips = true;
}

bool instance_vip_tracked(const Instance *i, size_t k) {
        const ConfInstance *c = i->conf;

        assert(i);
        assert(k < i->params.n_vips);
        return !(k < c->n_vips ? c->vips[k] : c->excluded_vips[k - c->n_vips]).no_track && !i->vip_preexisting[k];
}

void instance_vips_add_tracked(Instance *i) {
        NlVip ll;

        assert(i);

        if (instance_vmac_link_local(i, &ll))
                (void) nl_vip_add(i->manager->nl, &ll);
        for (size_t k = 0; k < i->params.n_vips; k++) {
                int r;

                if (!instance_vip_tracked(i, k))
                        continue;
                r = nl_vip_add(i->manager->nl, &i->params.vips[k]);
                if (r == -ENODEV) /* its interface went: the link's news follows (a macvlan is remade) */
                        log_inst(i, LOG_DEBUG, r, "virtual address #%zu went with its interface", k + 1);
                else if (r < 0)
                        log_inst(i, LOG_ERR, r, "failed to put back virtual address #%zu: %m", k + 1);
        }
}

void instance_vips_remove(Instance *i) {
        NlVip ll;

        assert(i);

        if (instance_vmac_link_local(i, &ll))
                (void) manager_vip_del(i->manager, &ll);
        for (size_t k = 0; k < i->params.n_vips; k++) {
                int r;

                if (i->vip_preexisting[k])
                        continue;
                r = manager_vip_del(i->manager, &i->params.vips[k]);
                if (r == -ENODEV) /* its interface went, and the address with it */
                        log_inst(i, LOG_DEBUG, r, "virtual address #%zu went with its interface", k + 1);
                else if (r < 0)
                        log_inst(i, LOG_ERR, r, "failed to remove virtual address #%zu, ignoring: %m", k + 1);
        }
        i->holds_vips = false;
}

void instance_vips_cleanup(Instance *i) {
        bool owner = i->params.fsm.priority == VRRP_PRIORITY_OWNER;

        assert(i);
        for (size_t v = 0; v < i->params.n_vips; v++) {
                const NlVip *vip = &i->params.vips[v];
                int r;

                if (owner) {
                        i->vip_preexisting[v] = nl_ifaddr_is_local(i->manager->nl, vip->family, &vip->addr) > 0;
                        continue;
                }
                r = vip->ifindex > 0 ? nl_vip_del(i->manager->nl, vip) : 0; /* 0: its interface is not here yet */
                if (r < 0 && r != -ENODEV)
                        log_inst(i, LOG_WARNING, r, "failed to remove a stale virtual address #%zu: %m", v + 1);
        }
}

static bool instance_vip_eq(const NlVip *a, const NlVip *b) {
        return a->family == b->family && a->ifindex == b->ifindex && a->prefixlen == b->prefixlen &&
               vrrp_addr_cmp(a->family, &a->addr, &b->addr) == 0 && a->has_broadcast == b->has_broadcast &&
               (!a->has_broadcast || vrrp_addr_cmp(a->family, &a->broadcast, &b->broadcast) == 0) &&
               a->scope == b->scope && strcmp(a->label, b->label) == 0 && a->noprefixroute == b->noprefixroute &&
               a->nodad == b->nodad;
}

/* The index of v among i's VIPs, or -1. */
static int instance_vip_find(const Instance *i, const NlVip *v) {
        for (size_t k = 0; k < i->params.n_vips; k++)
                if (instance_vip_eq(&i->params.vips[k], v))
                        return (int) k;
        return -1;
}

/* Whether next has v's address on v's interface with other settings: the kernel's address (interface,
 * address, prefix length) that adding it replaced in place, not one to remove. */
static bool instance_vip_replaced(const Instance *next, const NlVip *v) {
        for (size_t k = 0; k < next->params.n_vips; k++) {
                const NlVip *n = &next->params.vips[k];

                if (n->family == v->family && n->ifindex == v->ifindex && n->prefixlen == v->prefixlen &&
                    vrrp_addr_cmp(v->family, &n->addr, &v->addr) == 0)
                        return true;
        }
        return false;
}

bool instance_vips_same(const Instance *a, const Instance *b) {
        if (a->params.n_vips != b->params.n_vips || a->params.n_advertised != b->params.n_advertised)
                return false;
        for (size_t k = 0; k < a->params.n_vips; k++)
                if (!instance_vip_eq(&a->params.vips[k], &b->params.vips[k]))
                        return false;
        return true;
}

bool instance_vips_reconfigure(Instance *i, Instance *next) {
        bool owner = next->params.fsm.priority == VRRP_PRIORITY_OWNER, added = false;

        assert(i);
        assert(next);
        /* What comes is added before what goes is removed: a VIP that moves to another interface (use_vmac
         * added or dropped) is on one of them all along, and the GARPs then point the LAN at the new one. */
        for (size_t k = 0; k < next->params.n_vips; k++) {
                const NlVip *v = &next->params.vips[k];
                int o = instance_vip_find(i, v);

                if (o >= 0) {
                        next->vip_preexisting[k] = i->vip_preexisting[o];
                        continue;
                }
                if (owner && !i->holds_vips)
                        next->vip_preexisting[k] = nl_ifaddr_is_local(i->manager->nl, v->family, &v->addr) > 0;
                if (i->holds_vips && !next->vip_preexisting[k] && manager_vip_add(i->manager, v) >= 0)
                        added = true;
        }
        for (size_t k = 0; k < i->params.n_vips; k++)
                if (i->holds_vips && !i->vip_preexisting[k] && instance_vip_find(next, &i->params.vips[k]) < 0 &&
                    !instance_vip_replaced(next, &i->params.vips[k]))
                        (void) manager_vip_del(i->manager, &i->params.vips[k]);
        if (i->holds_vips && i->vmac != next->vmac) {
                NlVip ll;

                if (instance_vmac_link_local(next, &ll))
                        (void) manager_vip_add(i->manager, &ll);
                if (instance_vmac_link_local(i, &ll))
                        (void) manager_vip_del(i->manager, &ll);
        }
        if (i->holds_vips && i->vmac != next->vmac)
                log_inst(i, LOG_NOTICE, 0, "virtual addresses moved %s the macvlan %s with no gap: added there "
                         "before removed here, then announced", next->vmac ? "onto" : "off",
                         next->vmac ? next->vmac->name : i->vmac->name);
        return added;
}

bool instance_vips_filtered(const Instance *i) {
        return i->holds_vips && !i->params.fsm.accept && i->params.fsm.priority != VRRP_PRIORITY_OWNER;
}

void instance_vips_relink(Instance *i, int old_ifindex, int new_ifindex) {
        assert(i);

        for (size_t k = 0; k < i->params.n_vips; k++)
                if (i->params.vips[k].ifindex == old_ifindex)
                        i->params.vips[k].ifindex = new_ifindex;
        if (i->tx_ifindex == old_ifindex)
                i->tx_ifindex = new_ifindex;
        if (!i->holds_vips)
                return;
        log_inst(i, LOG_WARNING, 0, "its macvlan was deleted: made again, its virtual addresses put back");
        instance_vips_add(i);
        announce_request(i, i->garp_params.master_repeat ? i->garp_params.master_repeat : 1);
}

/* VIPs that need a macvlan of their own (conf's vmac_name) go on it: one per interface and family. */
int instance_vips_setup_links(Instance *i) {
        const ConfInstance *c;

        assert(i);

        c = i->conf;

        for (size_t k = 0; k < c->n_vips + c->n_excluded_vips; k++) {
                const ConfVip *v = k < c->n_vips ? &c->vips[k] : &c->excluded_vips[k - c->n_vips];
                NlVip *vip = &i->params.vips[k];
                VmacLink *l, **links;
                int r;

                if (!v->vmac_name)
                        continue;
                r = vmac_acquire_vip(i->manager, c, v->vmac_name, vip->ifindex, v->family, &l);
                if (r < 0)
                        return log_inst(i, LOG_ERR, r, "no macvlan for virtual address #%zu: %m", k + 1);
                vip->ifindex = l->ifindex;
                for (size_t n = 0; n < i->n_vip_vmacs; n++)
                        if (i->vip_vmacs[n] == l) {
                                vmac_release(i->manager, l); /* held once per instance */
                                l = NULL;
                                break;
                        }
                if (!l)
                        continue;
                links = reallocarray(i->vip_vmacs, i->n_vip_vmacs + 1, sizeof(*links));
                if (!links) {
                        vmac_release(i->manager, l);
                        return log_oom();
                }
                i->vip_vmacs = links;
                i->vip_vmacs[i->n_vip_vmacs++] = l;
        }
        return 0;
}
