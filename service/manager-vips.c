#include <assert.h>
#include <linux/ip.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include <systemd/sd-event.h>

#include "conf/conf.h"
#include "instance-vips.h"
#include "instance.h"
#include "manager.h"
#include "os/nft-accept.h"
#include "os/nft-watch.h"
#include "os/nl-ifaddr.h"
#include "os/nl-link.h"
#include "os/nl-vip.h"
#include "os/runtime-file.h"
#include "os/vip-record.h"
#include "os/vmac-record.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "vmac/vmac.h"

/* The manager's side of VIPs (DESIGN §1, "no VIP is held twice"): each VIP is recorded under the runtime
 * directory before it is added and forgotten after it is removed, so the next run after a crash removes what
 * the dead one held; and Accept_Mode's nftables table. */

static VipRecord manager_vip_record(const NlVip *vip) {
        VipRecord rec = { .family = vip->family, .ifindex = vip->ifindex, .addr = vip->addr,
                          .prefixlen = vip->prefixlen };

        if (!if_indextoname((unsigned) vip->ifindex, rec.ifname))
                rec.ifname[0] = '\0';
        return rec;
}

int manager_vip_add(Manager *m, const NlVip *vip) {
        assert(m);
        assert(vip);

        if (m->vip_dirfd >= 0) {
                VipRecord rec = manager_vip_record(vip);
                int r = vip_record_add(m->vip_dirfd, &rec);

                if (r < 0)
                        log_warning_errno(r, "failed to record a virtual address under the runtime directory, "
                                             "ignoring: %m");
        }
        return nl_vip_add(m->nl, vip);
}

int manager_vip_del(Manager *m, const NlVip *vip) {
        int r = nl_vip_del(m->nl, vip);

        assert(m);
        assert(vip);

        if (r >= 0 && m->vip_dirfd >= 0) {
                VipRecord rec = manager_vip_record(vip);

                (void) vip_record_remove(m->vip_dirfd, &rec);
        }
        return r;
}

/* $RUNTIME_DIRECTORY (systemd's RuntimeDirectory=), else /run/vrrpd, or below it for a daemon that
 * net_namespace or instance sets apart (runtime_dir_path()). Two daemons on one host must not share it: each
 * removes at startup what the records there say. */
static char *manager_runtime_dir(const ConfGlobal *g) {
        return runtime_dir_path("RUNTIME_DIRECTORY", VIP_RECORD_RUNTIME_DIR, g->net_namespace, g->instance);
}

static int manager_open_runtime_dir(Manager *m, const ConfGlobal *g) {
        _cleanup_free_ char *dir = manager_runtime_dir(g);
        int r;

        if (!dir)
                return log_oom();
        log_debug("runtime directory: %s", dir);
        r = vmac_record_open_dir(dir, &m->vmacs.dirfd);
        if (r < 0) {
                m->vmacs.dirfd = -1;
                log_warning_errno(r, "cannot keep macvlan records under '%s': after a crash, use_vmac's macvlans "
                                     "and ARP settings will not be undone: %m", dir);
        }
        r = vip_record_open_dir(dir, &m->vip_dirfd);
        if (r < 0) {
                m->vip_dirfd = -1;
                return log_warning_errno(r, "cannot keep VIP records under '%s': after a crash, stale VIPs "
                                            "will not be found: %m", dir);
        }
        return 0;
}

/* What a run that crashed left behind: remove each recorded VIP (by ifindex, or by name if the index went
 * away), then its record. Files that are not records are logged and discarded. */
void manager_vips_recover(Manager *m, const ConfGlobal *g) {
        VipRecordSet set = {};
        int r;

        assert(m);
        assert(g);

        r = manager_open_runtime_dir(m, g);
        vmac_recover(m); /* before the VIPs: a macvlan's ARP settings go back on its parent */
        if (r < 0)
                return;
        r = vip_record_load(m->vip_dirfd, &set);
        if (r < 0) {
                log_warning_errno(r, "failed to read the VIP records, ignoring: %m");
                return;
        }
        for (size_t k = 0; k < set.n_records; k++) {
                const VipRecord *rec = &set.records[k];
                char name[IFNAMSIZ];
                NlVip vip = { .family = rec->family, .ifindex = rec->ifindex, .addr = rec->addr,
                              .prefixlen = rec->prefixlen };

                if ((!if_indextoname((unsigned) vip.ifindex, name) || strcmp(name, rec->ifname) != 0) &&
                    rec->ifname[0] != '\0')
                        vip.ifindex = (int) if_nametoindex(rec->ifname);
                r = vip.ifindex > 0 ? nl_vip_del(m->nl, &vip) : 0;
                if (r < 0)
                        log_warning_errno(r, "failed to remove a VIP left by an earlier run, ignoring: %m");
                else
                        (void) vip_record_remove(m->vip_dirfd, rec);
        }
        if (set.n_records > 0)
                log_notice("removed %zu virtual address(es) an earlier run left behind", set.n_records);
        for (size_t k = 0; k < set.n_skipped; k++) {
                log_warning("'%s' under the runtime directory is not a VIP record (%s), removing it",
                            set.skipped[k].name, set.skipped[k].reason ?: "unreadable");
                (void) vip_record_discard(m->vip_dirfd, set.skipped[k].name);
        }
        vip_record_set_done(&set);
}

static int manager_accept_table(Manager *m) {
        int r;

        if (m->nft)
                return 0;
        r = nft_accept_new(&m->nft);
        return r < 0 ? log_oom() : 0;
}

/* Another program deleted the table (a firewall reload, `nft flush ruleset`): while it is gone, the masters
 * accept traffic to their VIPs. Build it again with every filtered master's VIPs. */
static int manager_on_nft_event(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Manager *m = userdata;
        int r;

        r = nft_watch_read(fd);
        if (r < 0)
                return log_debug_errno(r, "failed to read nftables events, ignoring: %m"), 0;
        if (r == 0 || !m->nft)
                return 0;
        r = nft_accept_lost(m->nft);
        if (r < 0)
                return log_warning_errno(r, "failed to check for the Accept_Mode table, ignoring: %m"), 0;
        if (r == 0)
                return 0;
        log_warning("the Accept_Mode table 'inet %s' was deleted by another program: putting it back",
                    NFT_ACCEPT_TABLE);
        for (size_t k = 0; k < m->n_instances; k++)
                if (instance_vips_filtered(m->instances[k]))
                        manager_accept_filter(m, m->instances[k], true);
        return 0;
}

static void manager_accept_watch(Manager *m) {
        _cleanup_close_ int fd = -EBADF;
        int r;

        if (m->nft_watch)
                return;
        r = nft_watch_open(&fd);
        if (r >= 0)
                r = sd_event_add_io(m->event, &m->nft_watch, fd, EPOLLIN, manager_on_nft_event, m);
        if (r < 0) {
                log_warning_errno(r, "cannot watch the Accept_Mode table, a deletion goes unnoticed: %m");
                return;
        }
        (void) sd_event_source_set_io_fd_own(m->nft_watch, true);
        TAKE_FD(fd);
}

/* Accept_Mode off (no_accept, vrrp_strict): while this instance holds its VIPs, traffic to them is dropped
 * (RFC 9568 §6.1), through vrrpd's own nftables table. */
void manager_accept_filter(Manager *m, Instance *i, bool on) {
        _cleanup_free_ NftAcceptAddr *addrs = NULL;
        _cleanup_free_ char *msg = NULL;
        int r;

        assert(m);
        assert(i);

        if (manager_accept_table(m) < 0)
                return;
        if (on)
                manager_accept_watch(m);
        addrs = calloc(i->params.n_vips ? i->params.n_vips : 1, sizeof(*addrs));
        if (!addrs)
                return (void) log_oom();
        for (size_t k = 0; k < i->params.n_vips; k++) {
                addrs[k] = (NftAcceptAddr){ .family = i->params.vips[k].family, .addr = i->params.vips[k].addr };
                if (!if_indextoname((unsigned) i->params.vips[k].ifindex, addrs[k].ifname))
                        addrs[k].ifname[0] = '\0';
        }
        r = on ? nft_accept_add(m->nft, addrs, i->params.n_vips, &msg)
               : nft_accept_remove(m->nft, addrs, i->params.n_vips, &msg);
        if (r < 0)
                log_error_errno(r, "%s: failed to %s the Accept_Mode filter: %s", i->name, on ? "install" : "remove",
                                msg ?: "unknown error");
}

/* At startup (a crashed run's table would still drop traffic) and at exit: no table of ours is left. */
void manager_accept_close(Manager *m) {
        _cleanup_free_ char *msg = NULL;

        assert(m);

        if (manager_accept_table(m) < 0)
                return;
        if (nft_accept_close(m->nft, &msg) < 0)
                log_debug("no Accept_Mode table to remove: %s", msg ?: "");
}

typedef struct PromoteHold {
        int ifindex;
        unsigned refs;
        bool set_by_us; /* it was 0 before: back to 0 with the last release */
} PromoteHold;

static PromoteHold *manager_promote_find(Manager *m, int ifindex) {
        for (size_t k = 0; k < m->n_promotes; k++)
                if (m->promotes[k].ifindex == ifindex)
                        return &m->promotes[k];
        return NULL;
}

int manager_promote_hold(Manager *m, int ifindex) {
        const NlInetConf on = { IPV4_DEVCONF_PROMOTE_SECONDARIES, 1 };
        PromoteHold *h, *hs;
        uint32_t v;
        int r;

        assert(m);
        assert(ifindex > 0);

        h = manager_promote_find(m, ifindex);
        if (h) {
                h->refs++;
                return 0;
        }
        r = nl_inet_conf_get(m->nl, ifindex, IPV4_DEVCONF_PROMOTE_SECONDARIES, &v);
        if (r >= 0 && v == 0)
                r = nl_inet_conf_set(m->nl, ifindex, &on, 1);
        if (r < 0)
                return log_error_errno(r, "ifindex %d: setting promote_secondaries: %m", ifindex);
        hs = reallocarray(m->promotes, m->n_promotes + 1, sizeof(*hs));
        if (!hs)
                return log_oom();
        m->promotes = hs;
        m->promotes[m->n_promotes++] = (PromoteHold){ .ifindex = ifindex, .refs = 1, .set_by_us = v == 0 };
        return 0;
}

void manager_promote_release(Manager *m, int ifindex) {
        const NlInetConf off = { IPV4_DEVCONF_PROMOTE_SECONDARIES, 0 };
        PromoteHold *h;
        int r;

        assert(m);

        h = manager_promote_find(m, ifindex);
        if (!h || --h->refs > 0)
                return;
        if (h->set_by_us && (r = nl_inet_conf_set(m->nl, ifindex, &off, 1)) < 0 && r != -ENODEV)
                log_warning_errno(r, "ifindex %d: putting promote_secondaries back to 0: %m", ifindex);
        *h = m->promotes[--m->n_promotes];
}
