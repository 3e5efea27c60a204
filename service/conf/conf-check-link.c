#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../util/cleanup.h"
#include "../util/index.h"
#include "conf-check.h"
#include "conf-parse.h"

/* The links an instance asks vrrpd to make (use_vmac's macvlan, use_ipvlan's ipvlan): one at most per
 * instance, each name belonging to one instance and not its parent's, unnamed ones named as keepalived names
 * them. */

typedef struct ConfLink {
        const char *keyword;
        char **name;
        const ConfLoc *loc;
} ConfLink;

static bool link_of(ConfInstance *i, ConfLink *ret) {
        if (i->vmac.enabled)
                *ret = (ConfLink){ "use_vmac", &i->vmac.name, &i->vmac.loc };
        else if (i->ipvlan.enabled)
                *ret = (ConfLink){ "use_ipvlan", &i->ipvlan.name, &i->ipvlan.loc };
        return i->vmac.enabled || i->ipvlan.enabled;
}

static void check_instance_link(const ConfInstance *i, ConfDiags *d) {
        const ConfVmac *v = &i->vmac;
        const ConfIpvlan *l = &i->ipvlan;

        if (v->enabled && l->enabled)
                conf_diag_error(d, &l->loc, "'use_ipvlan' cannot go with 'use_vmac': an instance has one of them");
        if (i->promote_secondaries && (v->enabled || l->enabled))
                conf_diag_warning(d, &i->loc, "'promote_secondaries' of '%s' is set on its %s already, as "
                                  "keepalived does; the keyword adds nothing", i->name,
                                  v->enabled ? "macvlan" : "ipvlan");
        if (v->enabled && v->xmit_base && i->strict_mode)
                conf_diag_error(d, &v->loc, "'vmac_xmit_base' cannot go with strict mode, which sends adverts from "
                                "the virtual MAC");
        if (!l->enabled)
                return;
        if (!l->addr_seen && i->family == AF_INET)
                conf_diag_error(d, &l->loc, "'use_ipvlan' of an IPv4 instance needs an address for the ipvlan "
                                "(ADDR/PREFIX), as keepalived says");
        else if (l->has_addr && l->addr_family != i->family)
                conf_diag_error(d, &l->loc, "the 'use_ipvlan' address is not of the instance's family");
}

static int check_link_names(Config *c, Index *names, ConfDiags *d) {
        for (size_t k = 0; k < c->n_instances; k++) {
                ConfInstance *i = &c->instances[k], *o;
                ConfLink link, other = {};
                int r;

                check_instance_link(i, d);
                if (!link_of(i, &link) || !*link.name)
                        continue;
                if (i->interface && strcmp(*link.name, i->interface) == 0)
                        conf_diag_error(d, link.loc, "'%s' names %s, the instance's own interface; the link needs "
                                        "a name of its own", link.keyword, *link.name);
                r = index_insert(names, *link.name, i);
                if (r == -ENOMEM)
                        return r;
                if (r != -EEXIST)
                        continue;
                o = index_find(names, *link.name);
                if (!link_of(o, &other))
                        continue; /* cannot be: only instances with a link are indexed */
                conf_diag_error(d, link.loc, "interface %s is already made by vrrp_instance '%s' at %s:%u",
                                *link.name, o->name, other.loc->file, other.loc->line);
        }
        return 0;
}

static int name_links(Config *c, Index *names) {
        const char *prefix = c->global.vmac_prefix ?: "vrrp";

        for (size_t k = 0; k < c->n_instances; k++) {
                ConfInstance *i = &c->instances[k];
                ConfLink link;
                char name[16];
                int r = -EEXIST;

                if (!link_of(i, &link) || *link.name || i->vrid <= 0)
                        continue;
                for (unsigned attempt = 0; r == -EEXIST && attempt < 1000; attempt++) {
                        conf_parse_vmac_default_name(prefix, i->vrid, i->family, attempt, name);
                        if (!index_find(names, name))
                                r = 0;
                }
                if (r < 0 || !(*link.name = strdup(name)) || index_insert(names, *link.name, i) < 0)
                        return -ENOMEM;
        }
        return 0;
}

/* keepalived's rule for a VIP: without dev (or on the instance's interface) and of the instance's family, it
 * goes on the instance's macvlan if there is one; otherwise it gets a macvlan of its own on its interface
 * when it says use_vmac, or when use_vmac_addr is set and it is on another interface or of the other family. */
static bool vip_needs_vmac(const ConfInstance *i, const ConfVip *v) {
        bool same_if = !v->dev || (i->interface && strcmp(v->dev, i->interface) == 0);
        bool same_family = v->family == i->family;

        if (same_if && same_family && (i->vmac.enabled || i->ipvlan.enabled))
                return false;
        if (same_if)
                return v->use_vmac || (i->vmac.addr && !same_family);
        return v->use_vmac || i->vmac.addr;
}

/* The name of the macvlan of v's interface and family made for an earlier VIP of i, or NULL. */
static const char *vip_vmac_sibling(const ConfInstance *i, const ConfVip *v, size_t k) {
        for (size_t j = 0; j < k; j++) {
                const ConfVip *o = j < i->n_vips ? &i->vips[j] : &i->excluded_vips[j - i->n_vips];

                if (o->vmac_name && o->family == v->family &&
                    ((!o->dev && !v->dev) || (o->dev && v->dev && strcmp(o->dev, v->dev) == 0)))
                        return o->vmac_name;
        }
        return NULL;
}

/* Names, as keepalived gives them (vmac_addr_prefix, else vmac_prefix), for the macvlans of VIPs. */
static int name_vip_vmacs(Config *c, Index *names, ConfDiags *d) {
        const char *prefix = c->global.vmac_addr_prefix ?: c->global.vmac_prefix ?: "vrrp";

        for (size_t k = 0; k < c->n_instances; k++) {
                ConfInstance *i = &c->instances[k];

                for (size_t n = 0; n < i->n_vips + i->n_excluded_vips && i->vrid > 0; n++) {
                        ConfVip *v = n < i->n_vips ? &i->vips[n] : &i->excluded_vips[n - i->n_vips];
                        const char *sibling;
                        char name[16];
                        int r = -EEXIST;

                        if (v->use_vmac && !vip_needs_vmac(i, v))
                                conf_diag_warning(d, &v->loc, "'use_vmac' on this address changes nothing: it goes "
                                                  "on the instance's own %s", i->ipvlan.enabled ? "ipvlan" : "macvlan");
                        if (!vip_needs_vmac(i, v))
                                continue;
                        sibling = vip_vmac_sibling(i, v, n);
                        for (unsigned attempt = 0; !sibling && r == -EEXIST && attempt < 1000; attempt++) {
                                conf_parse_vmac_default_name(prefix, i->vrid, v->family, attempt, name);
                                if (!index_find(names, name))
                                        r = 0;
                        }
                        if (!(v->vmac_name = strdup(sibling ?: name)) ||
                            (!sibling && index_insert(names, v->vmac_name, i) < 0))
                                return -ENOMEM;
                }
        }
        return 0;
}

int conf_check_links(Config *c, ConfDiags *d) {
        _cleanup_(index_done) Index names = INDEX_INIT(index_compare_string);
        int r;

        assert(c);
        assert(d);

        r = check_link_names(c, &names, d);
        if (r >= 0)
                r = name_links(c, &names);
        return r < 0 ? r : name_vip_vmacs(c, &names, d);
}
