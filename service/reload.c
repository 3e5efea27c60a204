#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <systemd/sd-daemon.h>

#include "announce.h"
#include "conf/conf.h"
#include "endpoint.h"
#include "instance.h"
#include "listener.h"
#include "manager.h"
#include "os/nl-ifaddr.h"
#include "os/process-sched.h"
#include "reload.h"
#include "script/notify.h"
#include "tick.h"
#include "track/tracking.h"
#include "util/cleanup.h"
#include "util/log.h"

/* One instance of the new config and what runs now with the same identity (interface, family, VRID). */
typedef struct ReloadItem {
        const ConfInstance *conf;
        Instance *old;  /* NULL: added */
        Instance *next; /* built in the prepare phase */
        bool changed;
} ReloadItem;

/* One sync group of the new config: whether its logic runs again after the reload (it is new, or its members
 * changed), and the state it had before, when it had one (for its notify script). */
typedef struct ReloadSync {
        bool resync;
        bool existed;
        VrrpState before;
} ReloadSync;

static bool reload_str_eq(const char *a, const char *b) {
        return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static Instance *reload_match(Manager *m, const ConfInstance *c) {
        for (size_t k = 0; k < m->n_instances; k++) {
                Instance *i = m->instances[k];

                if (i->conf->vrid == c->vrid && i->conf->family == c->family &&
                    strcmp(i->conf->interface, c->interface) == 0)
                        return i;
        }
        return NULL;
}

static bool reload_vip_eq(const NlVip *a, const NlVip *b) {
        return a->family == b->family && a->ifindex == b->ifindex && a->prefixlen == b->prefixlen &&
               vrrp_addr_cmp(a->family, &a->addr, &b->addr) == 0 && a->has_broadcast == b->has_broadcast &&
               (!a->has_broadcast || vrrp_addr_cmp(a->family, &a->broadcast, &b->broadcast) == 0) &&
               a->scope == b->scope && strcmp(a->label, b->label) == 0 && a->noprefixroute == b->noprefixroute &&
               a->nodad == b->nodad;
}

static bool reload_has_vip(const Instance *i, const NlVip *v) {
        for (size_t k = 0; k < i->params.n_vips; k++)
                if (reload_vip_eq(&i->params.vips[k], v))
                        return true;
        return false;
}

static bool reload_notify_same(const ConfNotifies *a, const ConfNotifies *b) {
        const ConfNotify *x[] = { &a->any, &a->master, &a->backup, &a->fault, &a->stop };
        const ConfNotify *y[] = { &b->any, &b->master, &b->backup, &b->fault, &b->stop };

        for (size_t k = 0; k < 5; k++)
                if (!reload_str_eq(x[k]->command, y[k]->command) || !reload_str_eq(x[k]->user, y[k]->user) ||
                    !reload_str_eq(x[k]->group, y[k]->group))
                        return false;
        return true;
}

static bool reload_tracks_same(const ConfTrack *a, size_t na, const ConfTrack *b, size_t nb) {
        if (na != nb)
                return false;
        for (size_t k = 0; k < na; k++)
                if (strcmp(a[k].name, b[k].name) != 0 || a[k].weight != b[k].weight || a[k].reverse != b[k].reverse)
                        return false;
        return true;
}

/* What a user would call a change: anything the instance runs with, except where its lines sit. */
static bool reload_changed(const Instance *old, const Instance *next) {
        const VrrpParams *a = &old->params.fsm, *b = &next->params.fsm;
        const ConfInstance *x = old->conf, *y = next->conf;

        if (strcmp(x->name, y->name) != 0 || a->version != b->version || a->priority != b->priority ||
            a->interval_usec != b->interval_usec || a->preempt != b->preempt ||
            a->preempt_delay_usec != b->preempt_delay_usec || a->accept != b->accept ||
            a->init_master != b->init_master || a->lower_prio_no_advert != b->lower_prio_no_advert ||
            a->higher_prio_send_advert != b->higher_prio_send_advert || a->garp_lower_prio != b->garp_lower_prio ||
            a->down_timer_adverts != b->down_timer_adverts || !reload_str_eq(x->sync_group, y->sync_group))
                return true;
        if (vrrp_addr_cmp(a->family, &old->src, &next->src) != 0 || old->n_dsts != next->n_dsts ||
            memcmp(old->dsts, next->dsts, old->n_dsts * sizeof(VrrpAddr)) != 0 ||
            old->params.rx.auth_type != next->params.rx.auth_type ||
            memcmp(old->params.rx.auth_pass, next->params.rx.auth_pass, sizeof(old->params.rx.auth_pass)) != 0)
                return true;
        if (old->params.n_vips != next->params.n_vips || old->params.n_advertised != next->params.n_advertised)
                return true;
        for (size_t k = 0; k < old->params.n_vips; k++)
                if (!reload_vip_eq(&old->params.vips[k], &next->params.vips[k]))
                        return true;
        return !reload_notify_same(&x->notify, &y->notify) ||
               !reload_tracks_same(x->tracks.scripts, x->tracks.n_scripts, y->tracks.scripts, y->tracks.n_scripts) ||
               !reload_tracks_same(x->tracks.interfaces, x->tracks.n_interfaces, y->tracks.interfaces,
                                   y->tracks.n_interfaces);
}

static void reload_items_free(ReloadItem *items, size_t n) {
        for (size_t k = 0; k < n; k++)
                instance_free(items[k].next);
        free(items);
}

/* Builds an Instance for every instance of the new config, each with its socket: all that can fail. The new
 * config must be in m->config meanwhile (instances read their global settings there). */
static int reload_prepare(Manager *m, const Config *next, ReloadItem **ret) {
        ReloadItem *items = calloc(next->n_instances ? next->n_instances : 1, sizeof(*items));
        int r = 0;

        if (!items)
                return log_oom();
        for (size_t k = 0; k < next->n_instances && r >= 0; k++) {
                Endpoint *e;

                items[k].conf = &next->instances[k];
                items[k].old = reload_match(m, items[k].conf);
                r = instance_new(m, items[k].conf, &items[k].next);
                if (r >= 0)
                        r = manager_endpoint_for(m, items[k].next, &e);
                if (r >= 0)
                        items[k].next->endpoint = e;
                if (r >= 0 && items[k].old)
                        items[k].changed = reload_changed(items[k].old, items[k].next);
        }
        if (r < 0) {
                reload_items_free(items, next->n_instances);
                return r;
        }
        *ret = items;
        return 0;
}

/* A master keeps what stays and changes only the difference; new addresses are announced. */
static void reload_vips(Manager *m, Instance *old, Instance *next) {
        bool owner = next->params.fsm.priority == VRRP_PRIORITY_OWNER, added = false;

        for (size_t k = 0; k < old->params.n_vips; k++)
                if (old->holds_vips && !old->vip_preexisting[k] && !reload_has_vip(next, &old->params.vips[k]))
                        (void) manager_vip_del(m, &old->params.vips[k]);
        for (size_t k = 0; k < next->params.n_vips; k++) {
                const NlVip *v = &next->params.vips[k];
                bool kept = false;

                for (size_t o = 0; o < old->params.n_vips && !kept; o++)
                        if (reload_vip_eq(&old->params.vips[o], v)) {
                                next->vip_preexisting[k] = old->vip_preexisting[o];
                                kept = true;
                        }
                if (kept)
                        continue;
                if (owner && !old->holds_vips)
                        next->vip_preexisting[k] = nl_ifaddr_is_local(m->nl, v->family, &v->addr) > 0;
                if (old->holds_vips && !next->vip_preexisting[k] && manager_vip_add(m, v) >= 0)
                        added = true;
        }
        next->holds_vips = old->holds_vips;
        if (added)
                announce_request(next, next->garp_params.master_repeat ? next->garp_params.master_repeat : 1);
}

static bool reload_filtered(const Instance *i) {
        return i->holds_vips && !i->params.fsm.accept && i->params.fsm.priority != VRRP_PRIORITY_OWNER;
}

/* The new Instance takes over the running one: state, statistics, VIPs, socket slot, notify queue. */
static void reload_transplant(Manager *m, Instance *old, Instance *next) {
        next->fsm = old->fsm;
        next->stats = old->stats;
        next->last_transition_realtime = old->last_transition_realtime;
        next->last_reason = old->last_reason;
        next->priority_override = old->priority_override;
        next->n_track_faults = old->n_track_faults;
        next->garp = old->garp;
        if (next->conf->old_unicast_checksum == CONF_CHECKSUM_AUTO && !next->multicast)
                next->tx_checksum = old->tx_checksum; /* what the peer taught us (next->tx is not encoded yet) */
        vrrp_garp_set_addrs(&next->garp, next->n_announce);
        if (reload_filtered(old))
                manager_accept_filter(m, old, false);
        reload_vips(m, old, next);
        if (reload_filtered(next))
                manager_accept_filter(m, next, true);
        endpoint_detach(old->endpoint, old, old->multicast);
        old->endpoint = NULL;
        tick_leave(old);
        if (reload_notify_same(&old->conf->notify, &next->conf->notify)) {
                next->notify = old->notify;
                old->notify = NULL;
        }
}

static int reload_strv_add(char ***l, size_t *n, const char *s) {
        char **a = reallocarray(*l, *n + 2, sizeof(char *));

        if (!a)
                return -ENOMEM;
        *l = a;
        a[*n] = strdup(s);
        if (!a[*n])
                return -ENOMEM;
        a[++*n] = NULL;
        return 0;
}

static bool reload_is_kept(const ReloadItem *items, size_t n, const Instance *old) {
        for (size_t k = 0; k < n; k++)
                if (items[k].old == old)
                        return true;
        return false;
}

/* Instances the new config does not have resign (priority 0) and go; their notify queues finish first. */
static void reload_remove(Manager *m, const ReloadItem *items, size_t n, ReloadDiff *ret, size_t *n_removed) {
        for (size_t k = 0; k < m->n_instances; k++) {
                Instance *old = m->instances[k];
                int r;

                if (reload_is_kept(items, n, old))
                        continue;
                if (reload_strv_add(&ret->removed, n_removed, old->name) < 0)
                        log_oom();
                r = instance_step(old, &(VrrpEvent){ .type = VRRP_EVENT_SHUTDOWN });
                if (r < 0)
                        log_warning_errno(r, "%s: failed to resign, ignoring: %m", old->name);
                manager_retire_notify(m, old);
        }
}

/* Sync groups the reload added or whose members changed run their logic again, as if each member had just
 * reported its state (vrrp_sync_resync()); a kept instance that left its group while the group held it in
 * FAULT is let go (the FSM ignores that for an instance with a fault of its own). */
static void reload_resync(Manager *m, const ReloadItem *items, size_t n, const ReloadSync *syncs) {
        int r;

        for (size_t g = 0; g < m->n_syncs; g++) {
                ManagerSync *s = &m->syncs[g];
                VrrpSyncForce force;
                VrrpState before;

                if ((syncs && !syncs[g].resync) || s->n_members == 0)
                        continue;
                before = syncs && syncs[g].existed ? syncs[g].before : vrrp_sync_state(&s->sync);
                r = vrrp_sync_resync(&s->sync, &force);
                if (r < 0)
                        log_warning_errno(r, "sync group '%s': failed to take in its new members: %m",
                                          s->name);
                else
                        manager_sync_force(m, s, before, &force);
        }
        for (size_t k = 0; k < n; k++) {
                Instance *i = m->instances[k];

                if (!items[k].old || i->params.fsm.sync_group || i->fsm.state != VRRP_STATE_FAULT)
                        continue;
                r = instance_step(i, &(VrrpEvent){ .type = VRRP_EVENT_SYNC, .sync = VRRP_STATE_BACKUP });
                if (r < 0)
                        log_warning_errno(r, "%s: failed to leave the fault its old sync group held: %m",
                                          i->name);
        }
}

/* With the new instances in place: groups, notify queues and tracks for them; kept instances re-arm their
 * timers (and pick up a changed priority through tracking), the groups take in what changed in them (added
 * members, not started yet, take no part), and then added instances start, into groups that are settled: an
 * added member's start is a member event like any, so it goes master with a group that is master, or takes
 * it to FAULT (vrrp_sync_member_changed(), through manager_on_instance_changed()). items[].old is only
 * compared with NULL here: the old instances are gone. */
static void reload_restart(Manager *m, const ReloadItem *items, size_t n, const ReloadSync *syncs) {
        int r;

        r = manager_setup_syncs(m);
        if (r >= 0)
                r = manager_notify_setup(m);
        if (r >= 0)
                r = tracking_setup(m);
        if (r < 0)
                log_error_errno(r, "reload: failed to set up groups, notify scripts or tracking, carrying on: %m");
        for (size_t k = 0; k < n; k++) {
                Instance *i = m->instances[k];

                if (!items[k].old)
                        continue;
                r = tracking_apply(i);
                if (r >= 0)
                        r = instance_step(i, &(VrrpEvent){ .type = VRRP_EVENT_TIMER });
                if (r < 0)
                        log_error_errno(r, "%s: failed to resume after the reload: %m", i->name);
        }
        reload_resync(m, items, n, syncs);
        for (size_t k = 0; k < n; k++) {
                Instance *i = m->instances[k];

                if (items[k].old)
                        continue;
                manager_cleanup_instance_vips(m, i);
                r = instance_start(i);
                if (r < 0)
                        log_error_errno(r, "%s: failed to start after the reload: %m", i->name);
        }
        manager_flush(m);
}

/* The sync groups of `from` that `to` does not have, by name (a group is its bus object). */
static void reload_syncs_gone(const Config *from, const Config *to, char ***l) {
        size_t n = 0;

        for (size_t g = 0; g < from->n_sync_groups; g++)
                if (!conf_find_sync_group(to, from->sync_groups[g].name) &&
                    reload_strv_add(l, &n, from->sync_groups[g].name) < 0)
                        log_oom();
}

static bool reload_members_same(const ConfSyncGroup *a, const ConfSyncGroup *b) {
        if (a->n_members != b->n_members)
                return false;
        for (size_t k = 0; k < a->n_members; k++) {
                bool found = false;

                for (size_t o = 0; o < b->n_members && !found; o++)
                        found = strcmp(a->members[k].name, b->members[o].name) == 0;
                if (!found)
                        return false;
        }
        return true;
}

/* Before the running groups go: for each group of `next`, whether it is new or has other members, and the
 * state it had. NULL on OOM (logged): then every group runs its logic again, which is harmless. */
static ReloadSync *reload_syncs_before(Manager *m, const Config *next) {
        ReloadSync *a = calloc(next->n_sync_groups ? next->n_sync_groups : 1, sizeof(*a));

        if (!a) {
                log_oom();
                return NULL;
        }
        for (size_t g = 0; g < next->n_sync_groups; g++) {
                const ConfSyncGroup *cg = &next->sync_groups[g];
                const ConfSyncGroup *old = conf_find_sync_group(m->config, cg->name);

                a[g].resync = !old || !reload_members_same(cg, old);
                for (size_t k = 0; k < m->n_syncs; k++)
                        if (strcmp(m->syncs[k].name, cg->name) == 0 && m->syncs[k].n_members > 0) {
                                a[g].existed = true;
                                a[g].before = vrrp_sync_state(&m->syncs[k].sync);
                        }
        }
        return a;
}

/* The names an instance the reload kept goes by in the lists: renamed, it is another object on the bus (its
 * path is its name), so the old name counts as removed and the new one as added; else changed, if it is. */
static int reload_list_kept(const ReloadItem *it, ReloadDiff *ret, size_t *n_added, size_t *n_removed,
                            size_t *n_changed) {
        int r;

        if (strcmp(it->old->name, it->next->name) != 0) {
                r = reload_strv_add(&ret->removed, n_removed, it->old->name);
                return r < 0 ? r : reload_strv_add(&ret->added, n_added, it->next->name);
        }
        return it->changed ? reload_strv_add(&ret->changed, n_changed, it->next->name) : 0;
}

static void reload_commit(Manager *m, Config *next, ReloadItem *items, ReloadDiff *ret) {
        size_t n = next->n_instances, n_added = 0, n_removed = 0, n_changed = 0;
        Instance **olds = m->instances;
        size_t n_olds = m->n_instances;
        ReloadSync *syncs;
        Config *old_config;

        LISTENERS_EMIT(&m->listeners, reload_begin, ret);
        reload_syncs_gone(m->config, next, &ret->groups_removed);
        reload_syncs_gone(next, m->config, &ret->groups_added);
        m->reloading = true; /* sync groups are rebuilt below; none of their logic runs meanwhile */
        reload_remove(m, items, n, ret, &n_removed);
        manager_flush(m); /* the resigning adverts sit in the old instances' buffers, which go below */
        for (size_t k = 0; k < n; k++) {
                ReloadItem *it = &items[k];
                int r = 0;

                if (it->old)
                        reload_transplant(m, it->old, it->next);
                r = endpoint_attach(it->next->endpoint, it->next, it->next->multicast);
                if (r < 0)
                        log_error_errno(r, "%s: failed to take its VRID on the socket: %m", it->next->name);
                if (!it->old)
                        r = reload_strv_add(&ret->added, &n_added, it->next->name);
                else
                        r = reload_list_kept(it, ret, &n_added, &n_removed, &n_changed);
                if (r < 0)
                        log_oom();
        }
        tracking_reload(m, next);
        syncs = reload_syncs_before(m, next);
        manager_syncs_done(m);
        old_config = m->config;
        m->config = next;
        m->instances = calloc(n ? n : 1, sizeof(Instance *));
        if (!m->instances) {
                log_oom();
                abort(); /* half a reload is worse than none: let systemd restart us */
        }
        for (size_t k = 0; k < n; k++)
                m->instances[k] = TAKE_PTR(items[k].next);
        m->n_instances = n;
        for (size_t k = 0; k < n_olds; k++)
                instance_free(olds[k]);
        free(olds);
        conf_free(old_config);
        m->reloading = false;
        reload_restart(m, items, n, syncs);
        free(syncs);
}

/* The first error of the failed load, as the bus's InvalidConfig message wants it. */
static char *reload_first_error(const ConfDiags *d) {
        char *s = NULL;

        for (size_t k = 0; k < d->n_items; k++)
                if (d->items[k].level == CONF_DIAG_ERROR && conf_diag_format(&d->items[k], &s) >= 0)
                        return s;
        return strdup("the configuration could not be loaded");
}

static void reload_strv_free(char **l) {
        for (char **s = l; s && *s; s++)
                free(*s);
        free(l);
}

static void reload_diff_done(ReloadDiff *d) {
        char **lists[] = { d->added, d->removed, d->changed, d->groups_added, d->groups_removed };

        for (size_t k = 0; k < ELEMENTSOF(lists); k++)
                reload_strv_free(lists[k]);
        *d = (ReloadDiff){};
}

void reload_result_done(ReloadResult *r) {
        reload_strv_free(r->added);
        reload_strv_free(r->removed);
        reload_strv_free(r->changed);
        free(r->error);
        *r = (ReloadResult){};
}

static int reload_load(Manager *m, Config **ret, char **ret_error) {
        ConfLoadOptions o = { .config_id = m->config_id, .hostname = m->hostname };
        ConfDiags d = {};
        int r;

        r = conf_load_file(m->config_path, &o, ret, &d);
        for (size_t k = 0; k < d.n_items; k++) {
                _cleanup_free_ char *s = NULL;

                if (conf_diag_format(&d.items[k], &s) >= 0)
                        log_full_errno(d.items[k].level == CONF_DIAG_ERROR ? LOG_ERR : LOG_WARNING, 0, "%s", s);
        }
        if (r < 0)
                *ret_error = reload_first_error(&d);
        conf_diag_done(&d);
        return r;
}

static int reload_apply(Manager *m, Config *next, ReloadResult *ret) {
        ReloadItem *items = NULL;
        ReloadDiff diff = {};
        Config *running;
        int r;

        running = m->config;
        m->config = next; /* the new instances read their global settings from here */
        r = reload_prepare(m, next, &items);
        m->config = running;
        if (r < 0) {
                conf_free(next);
                ret->error = strdup("the new configuration could not be applied; nothing changed (see the log)");
                return r;
        }
        process_sched_apply(&running->global, &next->global); /* the old config goes in reload_commit() */
        reload_commit(m, next, items, &diff);
        reload_items_free(items, next->n_instances); /* only the Instance pointers they no longer own */
        LISTENERS_EMIT(&m->listeners, reload_end, &diff);
        ret->added = TAKE_PTR(diff.added);
        ret->removed = TAKE_PTR(diff.removed);
        ret->changed = TAKE_PTR(diff.changed);
        reload_diff_done(&diff);
        return 0;
}

static void reload_log_names(const char *what, char **names) {
        for (char **n = names; n && *n; n++)
                log_info("reload: %s '%s'", what, *n);
}

int manager_reload(Manager *m, const char *why, ReloadResult *ret) {
        Config *next = NULL;
        int r;

        *ret = (ReloadResult){};
        log_info("reloading %s, %s", m->config_path, why);
        (void) sd_notify(0, "RELOADING=1");
        r = reload_load(m, &next, &ret->error);
        if (r >= 0)
                r = reload_apply(m, next, ret);
        (void) sd_notifyf(0, "READY=1\nSTATUS=%zu instance(s) running", m->n_instances);
        if (r < 0)
                return log_error_errno(r, "reload failed, the running configuration stays: %s",
                                       ret->error ?: "unknown error");
        reload_log_names("added", ret->added);
        reload_log_names("removed", ret->removed);
        reload_log_names("changed", ret->changed);
        return 0;
}
