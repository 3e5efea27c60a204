#include <assert.h>
#include <errno.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conf/conf-model.h"
#include "endpoint.h"
#include "instance-vips.h"
#include "instance.h"
#include "manager.h"
#include "os/nl-link.h"
#include "os/sock-frame.h"
#include "os/vmac-record.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "vmac/vmac.h"

const int vmac_parent_confs[VMAC_RECORD_SETTINGS] = { IPV4_DEVCONF_ARP_IGNORE, IPV4_DEVCONF_ARPFILTER,
                                                      IPV4_DEVCONF_ARP_ANNOUNCE };
static const uint32_t parent_values[VMAC_RECORD_SETTINGS] = { 1, 1, 2 };

void vmac_mac_of(const ConfInstance *c, int family, uint8_t ret[6]) {
        assert(c);
        assert(ret);

        if (c->vmac.has_mac) {
                memcpy(ret, c->vmac.mac, 6);
                if (c->vmac.mac_vrid)
                        ret[5] = (uint8_t) c->vrid;
                return;
        }
        memcpy(ret, (const uint8_t[6]){ 0x00, 0x00, 0x5e, 0x00, family == AF_INET6 ? 0x02 : 0x01,
                                        (uint8_t) c->vrid },
               6);
}

static VmacParent *vmac_parent_find(VmacTable *t, int ifindex) {
        for (size_t k = 0; k < t->n_parents; k++)
                if (t->parents[k]->ifindex == ifindex)
                        return t->parents[k];
        return NULL;
}

static int vmac_parent_set(Manager *m, int ifindex, const uint32_t values[VMAC_RECORD_SETTINGS]) {
        NlInetConf confs[VMAC_RECORD_SETTINGS];

        for (size_t k = 0; k < VMAC_RECORD_SETTINGS; k++)
                confs[k] = (NlInetConf){ vmac_parent_confs[k], values[k] };
        return nl_inet_conf_set(m->nl, ifindex, confs, VMAC_RECORD_SETTINGS);
}

/* What the next run undoes if this one crashes; no runtime directory, no record (said once, at startup). */
static int vmac_parent_record(Manager *m, const VmacParent *p) {
        VmacRecordParent rec = { .ifindex = p->ifindex };
        int r;

        if (m->vmacs.dirfd < 0)
                return 0;
        if (!if_indextoname((unsigned) p->ifindex, rec.ifname))
                return log_error_errno(errno, "ifindex %d: no such interface: %m", p->ifindex);
        memcpy(rec.saved, p->saved, sizeof(rec.saved));
        r = vmac_record_parent_add(m->vmacs.dirfd, &rec);
        if (r < 0) /* a full /run must not cost the virtual MAC, as it costs no VIP (manager_vip_add()) */
                log_warning_errno(r,
                                  "%s: failed to record its ARP settings under the runtime directory, "
                                  "ignoring (a crash would leave them changed): %m",
                                  rec.ifname);
        return 0;
}

/* The parent's ARP settings, saved on the first hold and set for macvlans. */
static int vmac_parent_hold(Manager *m, int ifindex, VmacParent **ret) {
        VmacTable *t = &m->vmacs;
        VmacParent *p = vmac_parent_find(t, ifindex);
        VmacParent **parents;
        int r;

        if (p) {
                p->refs++;
                *ret = p;
                return 0;
        }
        p = calloc(1, sizeof(*p));
        parents = p ? reallocarray(t->parents, t->n_parents + 1, sizeof(*parents)) : NULL;
        if (!parents) {
                free(p);
                return log_oom();
        }
        t->parents = parents;
        *p = (VmacParent){ .ifindex = ifindex, .refs = 1 };
        for (size_t k = 0; k < VMAC_RECORD_SETTINGS; k++) {
                r = nl_inet_conf_get(m->nl, ifindex, vmac_parent_confs[k], &p->saved[k]);
                if (r < 0) {
                        free(p);
                        return log_error_errno(r, "ifindex %d: reading its ARP settings: %m", ifindex);
                }
        }
        r = vmac_parent_record(m, p);
        if (r >= 0)
                r = vmac_parent_set(m, ifindex, parent_values);
        if (r < 0) {
                if (m->vmacs.dirfd >= 0)
                        (void) vmac_record_parent_remove(m->vmacs.dirfd, ifindex);
                free(p);
                return log_error_errno(r, "ifindex %d: setting arp_ignore, arp_filter and arp_announce: %m",
                                       ifindex);
        }
        t->parents[t->n_parents++] = p;
        *ret = p;
        return 0;
}

static void vmac_parent_release(Manager *m, VmacParent *p) {
        VmacTable *t = &m->vmacs;
        int r;

        if (--p->refs > 0)
                return;
        r = vmac_parent_set(m, p->ifindex, p->saved);
        if (r < 0 && r != -ENODEV)
                log_warning_errno(r, "ifindex %d: restoring its ARP settings: %m", p->ifindex);
        else if (t->dirfd >= 0)
                (void) vmac_record_parent_remove(t->dirfd, p->ifindex);
        for (size_t k = 0; k < t->n_parents; k++)
                if (t->parents[k] == p) {
                        t->parents[k] = t->parents[--t->n_parents];
                        break;
                }
        free(p);
}

VmacLink *vmac_link_find(VmacTable *t, const char *name) {
        for (size_t k = 0; k < t->n_links; k++)
                if (strcmp(t->links[k]->name, name) == 0)
                        return t->links[k];
        return NULL;
}

/* What rtnetlink cannot set: a router advertisement would give the macvlan a SLAAC address made from the
 * virtual MAC (the same on every router: DAD from the virtual MAC on a backup, then a clash). An IPv4
 * instance's macvlan gets no IPv6 at all (disable_ipv6, as keepalived does), an IPv6 one ignores RAs
 * (accept_ra=0: its addresses are the VIPs). The unit allows this one write (vrrpd.service); where it is
 * refused, vrrpd says what it means, once. */
static void vmac_ipv6_quiet(Manager *m, const char *name, int family) {
        char path[96];
        _cleanup_fclose_ FILE *f = NULL;

        snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/%s", name,
                 family == AF_INET ? "disable_ipv6" : "accept_ra");
        f = fopen(path, "we");
        if (f && fputs(family == AF_INET ? "1" : "0", f) >= 0 && fflush(f) == 0)
                return;
        if (!m->vmacs.ipv6_warned)
                log_warning_errno(errno, "%s: cannot write %s (%m): a router advertisement on the LAN would give "
                                  "the macvlan an address made from the virtual MAC, and a backup would send from "
                                  "it; vrrpd.service allows this path with ReadWritePaths=", name, path);
        m->vmacs.ipv6_warned = true;
}

/* The macvlan of spec in the kernel: made, or taken over when one of that shape is there already (a crashed
 * run's); a macvlan of another shape by that name is replaced, any other link refused. */
static int vmac_link_make(Manager *m, const NlVmacSpec *spec_in, int family, int *ret_ifindex) {
        NlVmacSpec spec = *spec_in;
        NlLinkInfo info;
        int r;

        spec.stay_down = true;
        r = nl_link_get(m->nl, spec.name, &info);
        if (r >= 0 && nl_vmac_matches(&info, &spec)) {
                log_info("%s: taking over the macvlan already there", spec.name);
                *ret_ifindex = info.ifindex;
                vmac_ipv6_quiet(m, spec.name, family);
                return info.up ? 0 : nl_link_set_up(m->nl, info.ifindex);
        }
        if (r >= 0 && !info.macvlan)
                return log_error_errno(EEXIST, "%s: an interface of that name exists and is no macvlan; "
                                               "use_vmac needs a name of its own", spec.name);
        if (r >= 0) {
                log_notice("%s: replacing a macvlan of another parent, MAC or mode", spec.name);
                r = nl_link_delete(m->nl, info.ifindex);
                if (r < 0)
                        return log_error_errno(r, "%s: deleting it: %m", spec.name);
        } else if (r != -ENODEV)
                return log_error_errno(r, "%s: looking it up: %m", spec.name);
        r = nl_vmac_create(m->nl, &spec, ret_ifindex);
        if (r < 0)
                return log_error_errno(r, "%s: creating the macvlan: %m", spec.name);
        vmac_ipv6_quiet(m, spec.name, family); /* before it is up: no RA meets it unquieted */
        r = nl_link_set_up(m->nl, *ret_ifindex);
        if (r < 0) {
                (void) nl_link_delete(m->nl, *ret_ifindex);
                return log_error_errno(r, "%s: setting the macvlan up: %m", spec.name);
        }
        return 0;
}

/* The kernel filters with the larger of net.ipv4.conf.all.rp_filter and the interface's own: the macvlan's 0
 * counts only while "all" is 0. keepalived lowers "all" (raising every interface's own value to keep them
 * as they were); vrrpd writes nothing under /proc/sys, so it says what to do instead, once. */
static void vmac_check_rp_filter(Manager *m) {
        _cleanup_fclose_ FILE *f = NULL;
        int v = 0;

        if (m->vmacs.rp_filter_checked)
                return;
        m->vmacs.rp_filter_checked = true;
        f = fopen("/proc/sys/net/ipv4/conf/all/rp_filter", "re");
        if (f && fscanf(f, "%d", &v) == 1 && v != 0)
                log_warning("net.ipv4.conf.all.rp_filter is %d: the kernel applies it to the use_vmac macvlans "
                            "too, and traffic to their VIPs may be dropped. Set it to 0 (and each interface's "
                            "own rp_filter to %d to keep them as they are); keepalived does this itself, vrrpd "
                            "writes nothing under /proc/sys", v, v);
}

/* use_ipvlan's link: the one of that name on the parent taken over, or a new one. */
static int vmac_ipvlan_make(Manager *m, VmacLink *l) {
        NlIpvlanSpec spec = { .name = l->name, .parent = l->parent, .flags = l->ipvlan_flags,
                              .has_group = l->has_group, .group = l->group };
        NlLinkInfo info;
        int r;

        r = nl_link_get(m->nl, l->name, &info);
        if (r >= 0 && info.ipvlan && info.parent == l->parent) {
                l->ifindex = info.ifindex;
                return info.up ? 0 : nl_link_set_up(m->nl, info.ifindex);
        }
        if (r >= 0 && !info.ipvlan)
                return log_error_errno(EEXIST, "%s: an interface of that name exists and is no ipvlan; use_ipvlan "
                                               "needs a name of its own", l->name);
        if (r >= 0 && (r = nl_link_delete(m->nl, info.ifindex)) < 0)
                return log_error_errno(r, "%s: deleting an ipvlan of another parent: %m", l->name);
        r = nl_ipvlan_create(m->nl, &spec, &l->ifindex);
        if (r == -EOPNOTSUPP)
                return log_error_errno(r, "%s: this kernel has no ipvlan link type (module ipvlan): use_ipvlan "
                                          "cannot run here: %m", l->name);
        if (r < 0)
                return log_error_errno(r, "%s: creating the ipvlan: %m", l->name);
        return 0;
}

/* The link in the kernel, either kind: made, or taken over. */
static int vmac_link_create(Manager *m, VmacLink *l) {
        NlVmacSpec spec = { .name = l->name, .parent = l->parent, .has_group = l->has_group, .group = l->group };

        if (l->ipvlan)
                return vmac_ipvlan_make(m, l);
        memcpy(spec.mac, l->mac, sizeof(spec.mac));
        return vmac_link_make(m, &spec, l->family, &l->ifindex);
}

static int vmac_link_configure_self(Manager *m, VmacLink *l) {
        const NlInetConf v4[] = { { IPV4_DEVCONF_ARP_IGNORE, 1 }, { IPV4_DEVCONF_ACCEPT_LOCAL, 1 },
                                  { IPV4_DEVCONF_RP_FILTER, 0 }, { IPV4_DEVCONF_PROMOTE_SECONDARIES, 1 } };
        const NlInetConf v6[] = { { IPV4_DEVCONF_ARP_IGNORE, 1 } };
        int r;

        r = l->family == AF_INET6 ? nl_inet_conf_set(m->nl, l->ifindex, v6, ELEMENTSOF(v6))
                                  : nl_inet_conf_set(m->nl, l->ifindex, v4, ELEMENTSOF(v4));
        if (r < 0)
                return log_error_errno(r, "%s: setting its ARP and reverse-path settings: %m", l->name);
        if (l->family == AF_INET)
                vmac_check_rp_filter(m);
        if (l->has_addr) {
                l->addr.ifindex = l->ifindex;
                r = nl_vip_add(m->nl, &l->addr);
                if (r < 0)
                        return log_error_errno(r, "%s: adding its own address: %m", l->name);
        }
        return 0;
}

static int vmac_link_configure(Manager *m, VmacLink *l) {
        int r = vmac_link_configure_self(m, l);

        if (r >= 0 && l->family == AF_INET)
                r = vmac_parent_hold(m, l->parent, &l->held);
        return r;
}

/* A macvlan we hold, for the next run to delete if this one crashes (and its config drops it). */
static void vmac_link_record(Manager *m, const VmacLink *l) {
        VmacRecordLink rec = { .ifindex = l->ifindex };
        int r;

        if (m->vmacs.dirfd < 0)
                return;
        snprintf(rec.name, sizeof(rec.name), "%s", l->name);
        r = vmac_record_link_add(m->vmacs.dirfd, &rec);
        if (r < 0)
                log_warning_errno(r, "%s: recording it under the runtime directory, ignoring: %m", l->name);
}

#define VMAC_RCVBUF (256 * 1024) /* one VRID's adverts, from a handful of routers */

/* Adverts that reached the macvlan go to the parent's endpoint, as if they had come in there. */
static int vmac_on_rx(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        VmacLink *l = userdata;
        Manager *m = l->manager;
        Endpoint *e = NULL;
        int n;

        for (size_t k = 0; k < m->n_endpoints && !e; k++)
                if (m->endpoints[k]->ifindex == l->parent && m->endpoints[k]->family == l->family)
                        e = m->endpoints[k];
        do {
                n = sock_frame_recv(fd, l->family, l->mac, m->rx_batch);
                if (n < 0)
                        return log_warning_errno(n, "%s: failed to receive, ignoring: %m", l->name), 0;
                if (e)
                        e->drops_malformed += m->rx_batch->n_malformed;
                for (size_t k = 0; e && k < m->rx_batch->n_packets; k++)
                        endpoint_dispatch(e, &m->rx_batch->packets[k]);
        } while (n == SOCK_VRRP_BATCH);
        return 0;
}

static int vmac_link_listen(Manager *m, VmacLink *l) {
        int r;

        r = sock_frame_open_rx(l->family, l->ifindex, VMAC_RCVBUF, &l->rx_fd);
        if (r < 0)
                return log_error_errno(r, "%s: opening its receive socket: %m", l->name);
        r = sd_event_add_io(m->event, &l->rx_io, l->rx_fd, EPOLLIN, vmac_on_rx, l);
        if (r >= 0)
                r = sd_event_source_set_priority(l->rx_io, SD_EVENT_PRIORITY_IMPORTANT); /* as the endpoints */
        if (r < 0)
                return log_error_errno(r, "%s: watching its receive socket: %m", l->name);
        return 0;
}

static void vmac_link_free(VmacLink *l) {
        if (!l)
                return;
        sd_event_source_disable_unref(l->rx_io);
        if (l->rx_fd >= 0)
                close(l->rx_fd);
        free(l);
}

DEFINE_CLEANUP(VmacLink *, vmac_link_free)

/* What c asks for: a macvlan (use_vmac) or an ipvlan (use_ipvlan) on parent. */
static void vmac_link_init(VmacLink *l, Manager *m, const ConfInstance *c, int parent) {
        const ConfIpvlan *v = &c->ipvlan;
        static const uint16_t flags[] = { [CONF_IPVLAN_BRIDGE] = 0, [CONF_IPVLAN_PRIVATE] = IPVLAN_F_PRIVATE,
                                          [CONF_IPVLAN_VEPA] = IPVLAN_F_VEPA };

        *l = (VmacLink){ .parent = parent, .family = c->family, .refs = 1, .rx_fd = -EBADF, .manager = m,
                         .ipvlan = v->enabled, .has_group = v->enabled ? v->has_group : c->vmac.has_group,
                         .group = v->enabled ? v->group : c->vmac.group };
        snprintf(l->name, sizeof(l->name), "%s", v->enabled ? v->name : c->vmac.name);
        if (!v->enabled) {
                vmac_mac_of(c, c->family, l->mac);
                return;
        }
        l->ipvlan_flags = flags[v->mode];
        l->has_addr = v->has_addr;
        l->addr = (NlVip){ .family = v->addr_family, .addr = v->addr, .prefixlen = v->prefixlen,
                           .nodad = v->addr_family == AF_INET6 };
}

/* Makes l (initialized, not yet in the table) real and adds it to the table; l is taken over either way. */
static int vmac_link_add(Manager *m, VmacLink *l_new, VmacLink **ret) {
        _cleanup_(vmac_link_freep) VmacLink *l = l_new;
        VmacTable *t = &m->vmacs;
        VmacLink **links;
        int r;

        links = reallocarray(t->links, t->n_links + 1, sizeof(*links));
        if (!links)
                return log_oom();
        t->links = links;
        r = vmac_link_create(m, l);
        if (r < 0)
                return r;
        vmac_link_record(m, l);
        r = vmac_link_configure(m, l);
        if (r >= 0 && !l->ipvlan && !l->vip_only)
                r = vmac_link_listen(m, l);
        if (r < 0) {
                if (l->held)
                        vmac_parent_release(m, l->held);
                (void) nl_link_delete(m->nl, l->ifindex);
                return r;
        }
        log_info("%s: %s on ifindex %d", l->name, l->ipvlan ? "ipvlan" : "macvlan", l->parent);
        t->links[t->n_links++] = l;
        *ret = TAKE_PTR(l);
        return 0;
}

static int vmac_link_new(Manager *m, const ConfInstance *c, int parent, VmacLink **ret) {
        VmacLink *l = calloc(1, sizeof(*l));

        if (!l)
                return log_oom();
        vmac_link_init(l, m, c, parent);
        return vmac_link_add(m, l, ret);
}

/* A link in use with another parent, family or MAC than asked cannot serve: refused, named. */
static int vmac_link_share(VmacLink *l, int parent, int family, bool ipvlan, const uint8_t mac[6], VmacLink **ret) {
        if (l->parent != parent || l->family != family || l->ipvlan != ipvlan ||
            (!l->ipvlan && memcmp(l->mac, mac, sizeof(l->mac)) != 0))
                return log_error_errno(EBUSY, "%s: the running configuration uses this link with another "
                                              "parent, kind or MAC; rename it to change any", l->name);
        l->refs++;
        *ret = l;
        return 0;
}

int vmac_acquire_vip(Manager *m, const ConfInstance *c, const char *name, int parent, int family,
                     VmacLink **ret) {
        VmacLink *l;
        uint8_t mac[6];

        assert(m);
        assert(c);
        assert(name);
        assert(ret);

        vmac_mac_of(c, family, mac);
        l = vmac_link_find(&m->vmacs, name);
        if (l)
                return vmac_link_share(l, parent, family, false, mac, ret);
        l = calloc(1, sizeof(*l));
        if (!l)
                return log_oom();
        *l = (VmacLink){ .parent = parent, .family = family, .refs = 1, .rx_fd = -EBADF, .manager = m,
                         .vip_only = true, .has_group = c->vmac.has_group, .group = c->vmac.group };
        snprintf(l->name, sizeof(l->name), "%s", name);
        memcpy(l->mac, mac, sizeof(mac));
        return vmac_link_add(m, l, ret);
}

int vmac_acquire(Manager *m, const ConfInstance *c, int parent, VmacLink **ret) {
        VmacLink *l;
        uint8_t mac[6];

        assert(m);
        assert(c && (c->vmac.enabled || c->ipvlan.enabled));
        assert(ret);

        l = vmac_link_find(&m->vmacs, c->ipvlan.enabled ? c->ipvlan.name : c->vmac.name);
        if (!l)
                return vmac_link_new(m, c, parent, ret);
        vmac_mac_of(c, c->family, mac);
        return vmac_link_share(l, parent, c->family, c->ipvlan.enabled, mac, ret);
}

void vmac_release(Manager *m, VmacLink *l) {
        VmacTable *t;
        int r;

        assert(m);
        assert(l);

        if (--l->refs > 0)
                return;
        t = &m->vmacs;
        r = nl_link_delete(m->nl, l->ifindex);
        if (r < 0 && r != -ENODEV)
                log_warning_errno(r, "%s: deleting the macvlan: %m", l->name);
        else if (t->dirfd >= 0)
                (void) vmac_record_link_remove(t->dirfd, l->name);
        if (l->held)
                vmac_parent_release(m, l->held);
        for (size_t k = 0; k < t->n_links; k++)
                if (t->links[k] == l) {
                        t->links[k] = t->links[--t->n_links];
                        break;
                }
        vmac_link_free(l);
}

static VmacLink *vmac_link_by_index(VmacTable *t, int ifindex) {
        for (size_t k = 0; k < t->n_links; k++)
                if (t->links[k]->ifindex == ifindex)
                        return t->links[k];
        return NULL;
}

/* Made again under its name and shape; its receive socket follows the new index. */
static int vmac_link_remake(Manager *m, VmacLink *l) {
        int r;

        r = vmac_link_create(m, l);
        if (r < 0)
                return r;
        vmac_link_record(m, l);
        l->rx_io = sd_event_source_disable_unref(l->rx_io);
        if (l->rx_fd >= 0)
                close(l->rx_fd);
        l->rx_fd = -EBADF;
        r = vmac_link_configure_self(m, l);
        return r < 0 || l->ipvlan ? r : vmac_link_listen(m, l);
}

void vmac_on_link(Manager *m, int ifindex, bool up, bool removed) {
        VmacLink *l;
        int old, r;

        assert(m);

        l = vmac_link_by_index(&m->vmacs, ifindex);
        if (!l || m->stopping)
                return;
        if (!removed) {
                if (!up && (r = nl_link_set_up(m->nl, ifindex)) < 0)
                        log_warning_errno(r, "%s: setting the macvlan up again: %m", l->name);
                return;
        }
        old = l->ifindex;
        log_warning("%s: the macvlan was deleted, making it again", l->name);
        r = vmac_link_remake(m, l);
        if (r < 0)
                return;
        for (size_t k = 0; k < m->n_instances; k++) {
                Instance *i = m->instances[k];
                bool uses = i->vmac == l;

                for (size_t n = 0; n < i->n_vip_vmacs && !uses; n++)
                        uses = i->vip_vmacs[n] == l;
                if (uses)
                        instance_vips_relink(i, old, l->ifindex);
        }
}
