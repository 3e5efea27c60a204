#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-daemon.h>

#include "conf/conf.h"
#include "endpoint.h"
#include "instance-vips.h"
#include "instance.h"
#include "listener.h"
#include "manager.h"
#include "os/process-sched.h"
#include "reload-diff.h"
#include "reload.h"
#include "route/static-set.h"
#include "sync-group.h"
#include "tick.h"
#include "track/tracking.h"
#include "util/cleanup.h"
#include "util/index.h"
#include "util/log.h"
#include "util/strv.h"

/* The one way the running set is built (DESIGN §1): startup is a reload from the empty set. A reload
 * prepares everything that can fail first (instances, sockets, groups), and only then changes what runs. */

/* One instance of the new config and what runs now with the same identity (interface, family, VRID). */
typedef struct ReloadItem {
        Instance *old;  /* NULL: added */
        Instance *next; /* built from the new config; after the commit, the running instance (old, if kept) */
        bool changed;
} ReloadItem;

/* One sync group of the new config, and the running group of its name. */
typedef struct ReloadGroup {
        SyncGroup *old;   /* NULL: added */
        SyncGroup *next;  /* built (added), or old */
        bool resync;      /* new, or other members: its logic runs again after the reload */
        bool existed;     /* it ran with members: `before` is the state its listeners know */
        VrrpState before;
} ReloadGroup;

typedef struct Reload {
        Manager *manager;
        Config *next;
        StaticSet *statics; /* next's static configuration */
        bool initial;
        ReloadItem *items; /* one per instance of next */
        Instance **removed;
        size_t n_removed;
        ReloadGroup *groups; /* one per sync group of next */
        SyncGroup **groups_removed;
        size_t n_groups_removed;
        size_t n_failed; /* at startup: instances left out, as they could not be built */
        bool committed;  /* what was built runs now: nothing of it is freed with the Reload */
        ReloadDiff diff;
} Reload;

static int reload_strv_add(char ***l, const char *s) {
        size_t n = strv_length(*l);

        return strv_push(l, &n, s);
}

static void reload_diff_done(ReloadDiff *d) {
        char **lists[] = { d->added, d->removed, d->changed, d->groups_added, d->groups_removed };

        for (size_t k = 0; k < ELEMENTSOF(lists); k++)
                strv_free(lists[k]);
        free(d->kept);
        free(d->kept_groups);
        *d = (ReloadDiff){};
}

void reload_result_done(ReloadResult *r) {
        strv_free(r->added);
        strv_free(r->removed);
        strv_free(r->changed);
        free(r->error);
        *r = (ReloadResult){};
}

/* What the prepare phase built, when the reload did not go on to the commit. */
static void reload_done(Reload *rl) {
        for (size_t k = 0; !rl->committed && rl->items && k < rl->next->n_instances; k++)
                instance_free(rl->items[k].next);
        for (size_t g = 0; !rl->committed && rl->groups && g < rl->next->n_sync_groups; g++)
                if (!rl->groups[g].old)
                        sync_group_free(rl->groups[g].next);
        free(rl->items);
        free(rl->removed);
        free(rl->groups);
        free(rl->groups_removed);
        static_set_free(rl->statics); /* NULL once committed */
        reload_diff_done(&rl->diff);
}

/* The names the diff lists an instance under: renamed, a kept one is another object on the bus (its path is
 * its name), so its old name counts as removed and its new one as added; else changed, if it is. */
static int reload_list_item(Reload *rl, const ReloadItem *it) {
        int r;

        if (!it->old)
                return reload_strv_add(&rl->diff.added, it->next->name);
        if (strcmp(it->old->name, it->next->name) != 0) {
                r = reload_strv_add(&rl->diff.removed, it->old->name);
                return r < 0 ? r : reload_strv_add(&rl->diff.added, it->next->name);
        }
        return it->changed ? reload_strv_add(&rl->diff.changed, it->next->name) : 0;
}

/* The instance of c with everything that can fail done: its socket (endpoint) too. At startup one that cannot
 * be built is left out (logged) and the others run; a reload fails as a whole. */
static int reload_prepare_item(Reload *rl, const ConfInstance *c, ReloadItem *it) {
        Manager *m = rl->manager;
        Endpoint *e;
        int r;

        it->old = manager_match_instance(m, c);
        r = instance_new(m, rl->next, c, &it->next);
        if (r < 0)
                return r;
        if (it->next->ifindex == 0 && c->interface) /* waiting for its interface: its socket comes with it */
                goto listed;
        r = manager_endpoint_for(m, it->next, &e);
        if (r < 0) {
                it->next = instance_free(it->next);
                return log_instance(LOG_ERR, r, c->name, c->vrid, "failed to open the VRRP socket on '%s': %m",
                                    c->interface ?: "every interface");
        }
        r = instance_set_endpoint(it->next, e);
        if (r < 0) {
                it->next = instance_free(it->next);
                return log_instance(LOG_ERR, r, c->name, c->vrid, "failed to join the VRRP group on '%s': %m",
                                    c->interface ?: "every interface");
        }
listed:
        it->changed = it->old && reload_instance_changed(it->old, it->next);
        if (it->old)
                rl->diff.kept[rl->diff.n_kept++] = (ReloadKept){ .instance = it->old, .conf = c };
        return reload_list_item(rl, it);
}

/* The running instances no instance of the new config matched. */
static int reload_find_removed(Reload *rl) {
        _cleanup_(index_done) Index kept = INDEX_INIT(index_compare_pointer);
        Manager *m = rl->manager;

        for (size_t k = 0; k < rl->next->n_instances; k++)
                if (rl->items[k].old && index_append(&kept, rl->items[k].old, rl->items[k].old) < 0)
                        return log_oom();
        (void) index_sort(&kept); /* identities are unique: no instance is matched twice */
        for (size_t k = 0; k < m->n_instances; k++) {
                if (index_find(&kept, m->instances[k]))
                        continue;
                rl->removed[rl->n_removed++] = m->instances[k];
                if (reload_strv_add(&rl->diff.removed, m->instances[k]->name) < 0)
                        return log_oom();
        }
        return 0;
}

static int reload_prepare_instances(Reload *rl) {
        Manager *m = rl->manager;
        int r;

        rl->items = calloc(rl->next->n_instances ?: 1, sizeof(ReloadItem));
        rl->removed = calloc(m->n_instances ?: 1, sizeof(Instance *));
        rl->diff.kept = calloc(rl->next->n_instances ?: 1, sizeof(ReloadKept));
        if (!rl->items || !rl->removed || !rl->diff.kept)
                return log_oom();
        for (size_t k = 0; k < rl->next->n_instances; k++) {
                r = reload_prepare_item(rl, &rl->next->instances[k], &rl->items[k]);
                if (r == -ENOMEM)
                        return log_oom();
                if (r < 0 && !rl->initial)
                        return r;
                if (r < 0)
                        rl->n_failed++;
        }
        if (rl->initial && rl->next->n_instances > 0 && rl->n_failed == rl->next->n_instances)
                return log_error_errno(ENODEV, "no instance could start");
        return reload_find_removed(rl);
}

/* The groups of the new config (the running one of each name kept, so its listeners keep what they hang on
 * it), and the state each had, for its notify script. */
static int reload_prepare_groups(Reload *rl) {
        Manager *m = rl->manager;
        int r;

        rl->groups = calloc(rl->next->n_sync_groups ?: 1, sizeof(ReloadGroup));
        rl->groups_removed = calloc(m->n_groups ?: 1, sizeof(SyncGroup *));
        rl->diff.kept_groups = calloc(rl->next->n_sync_groups ?: 1, sizeof(ReloadKeptGroup));
        if (!rl->groups || !rl->groups_removed || !rl->diff.kept_groups)
                return log_oom();
        for (size_t g = 0; g < rl->next->n_sync_groups; g++) {
                const ConfSyncGroup *cg = &rl->next->sync_groups[g];
                ReloadGroup *it = &rl->groups[g];

                it->old = it->next = manager_find_sync_group(m, cg->name);
                if (it->old)
                        rl->diff.kept_groups[rl->diff.n_kept_groups++] =
                                (ReloadKeptGroup){ .group = it->old, .conf = cg };
                else if (sync_group_new(m, cg, &it->next) < 0 ||
                         reload_strv_add(&rl->diff.groups_added, cg->name) < 0)
                        return log_oom();
                it->resync = !it->old || !reload_members_same(cg, it->old->conf);
                it->existed = it->old && it->old->n_members > 0;
                it->before = it->existed ? sync_group_state(it->old) : VRRP_STATE_INIT;
        }
        for (size_t g = 0; g < m->n_groups; g++) {
                if (conf_find_sync_group(rl->next, m->groups[g]->name))
                        continue;
                rl->groups_removed[rl->n_groups_removed++] = m->groups[g];
                r = reload_strv_add(&rl->diff.groups_removed, m->groups[g]->name);
                if (r < 0)
                        return log_oom();
        }
        return 0;
}

/* Instances the new config does not have resign (priority 0) and leave their socket and tick; they are freed
 * once the listeners have heard the whole reload. Their notify queues finish first. */
static void reload_remove(Reload *rl) {
        Manager *m = rl->manager;

        for (size_t k = 0; k < rl->n_removed; k++) {
                Instance *old = rl->removed[k];
                int r;

                r = instance_step(old, &(VrrpEvent){ .type = VRRP_EVENT_SHUTDOWN });
                if (r < 0)
                        log_warning_errno(r, "%s: failed to resign, ignoring: %m", old->name);
        }
        manager_flush(m); /* the resigning adverts, and any a kept instance queued, sit in buffers about to go */
        for (size_t k = 0; k < rl->n_removed; k++) {
                LISTENERS_EMIT(&m->listeners, instance_removed, rl->removed[k]);
                endpoint_detach(rl->removed[k]->endpoint, rl->removed[k]); /* its membership goes with it */
                tick_leave(rl->removed[k]);
        }
}

/* Kept instances take their new config in place; added ones take their VRID on their socket. */
static void reload_take_instances(Reload *rl) {
        for (size_t k = 0; k < rl->next->n_instances; k++) {
                ReloadItem *it = &rl->items[k];
                int r;

                if (!it->next)
                        continue;
                if (!it->old) {
                        r = endpoint_attach(it->next->endpoint, it->next);
                        if (r < 0)
                                log_error_errno(r, "%s: failed to take its VRID on the socket: %m", it->next->name);
                        continue;
                }
                instance_reconfigure(it->old, it->next);
                instance_free(it->next);
                it->next = it->old;
        }
}

/* The new config becomes the manager's, with its instances and groups in its order. */
static void reload_swap(Reload *rl, Config **ret_old) {
        Manager *m = rl->manager;
        Instance **instances = calloc(rl->next->n_instances ?: 1, sizeof(Instance *));
        SyncGroup **groups = calloc(rl->next->n_sync_groups ?: 1, sizeof(SyncGroup *));
        size_t n = 0;

        if (!instances || !groups) {
                log_oom();
                abort(); /* half a reload is worse than none: let systemd restart us */
        }
        for (size_t k = 0; k < rl->next->n_instances; k++)
                if (rl->items[k].next)
                        instances[n++] = rl->items[k].next;
        for (size_t g = 0; g < rl->next->n_sync_groups; g++) {
                groups[g] = rl->groups[g].next;
                groups[g]->conf = &rl->next->sync_groups[g];
                groups[g]->name = groups[g]->conf->name;
        }
        free(m->instances);
        free(m->groups);
        m->instances = instances;
        m->n_instances = n;
        m->groups = groups;
        m->n_groups = rl->next->n_sync_groups;
        *ret_old = m->config;
        m->config = rl->next;
        if (manager_index(m) < 0) {
                log_oom();
                abort();
        }
}

static void reload_take_groups(Reload *rl) {
        Manager *m = rl->manager;

        for (size_t g = 0; g < rl->n_groups_removed; g++) {
                LISTENERS_EMIT(&m->listeners, sync_group_removed, rl->groups_removed[g]);
                sync_group_release_members(rl->groups_removed[g]);
        }
        for (size_t g = 0; g < m->n_groups; g++) {
                int r = sync_group_take_members(m->groups[g]);

                if (r < 0)
                        log_error_errno(r, "sync group '%s': %m", m->groups[g]->name);
        }
}

/* Sync groups the reload added or whose members changed run their logic again, as if each member had just
 * reported its state; a kept instance that left its group while the group held it in FAULT is let go (the
 * FSM ignores that for an instance with a fault of its own). */
static void reload_resync(Reload *rl) {
        for (size_t g = 0; g < rl->next->n_sync_groups; g++) {
                ReloadGroup *it = &rl->groups[g];

                if (it->resync && it->next->n_members > 0)
                        sync_group_resync(it->next, it->existed ? it->before : sync_group_state(it->next));
        }
        for (size_t k = 0; k < rl->next->n_instances; k++) {
                Instance *i = rl->items[k].old;
                int r;

                if (!i || i->params.fsm.sync_group || i->fsm.state != VRRP_STATE_FAULT)
                        continue;
                r = instance_step(i, &(VrrpEvent){ .type = VRRP_EVENT_SYNC, .sync = VRRP_STATE_BACKUP });
                if (r < 0)
                        log_warning_errno(r, "%s: failed to leave the fault its old sync group held: %m", i->name);
        }
}

/* Kept instances re-arm their timers (and pick up a changed priority through tracking). */
static void reload_resume(Reload *rl) {
        for (size_t k = 0; k < rl->next->n_instances; k++) {
                Instance *i = rl->items[k].old;
                int r;

                if (!i)
                        continue;
                (void) tracking_own_faults(i);
                r = tracking_apply(i);
                if (r < 0)
                        log_error_errno(r, "%s: failed to apply its tracks after the reload: %m", i->name);
                r = instance_step(i, &(VrrpEvent){ .type = VRRP_EVENT_TIMER });
                if (r < 0)
                        log_error_errno(r, "%s: failed to resume after the reload: %m", i->name);
        }
}

/* Added instances start, into groups that are settled: an added member's start is a member event like any,
 * so it goes master with a group that is master, or takes it to FAULT. Stale VIPs go first, all of them
 * (and at startup, the routes and rules a crashed run left). */
static int reload_start(Reload *rl) {
        int ret = 0;

        for (size_t k = 0; k < rl->next->n_instances; k++) {
                int r;

                if (!rl->items[k].next || rl->items[k].old)
                        continue;
                instance_vips_cleanup(rl->items[k].next);
                r = manager_maintenance_restore(rl->manager, rl->items[k].next);
                if (r < 0)
                        log_warning_errno(r, "%s: failed to go into its persistent maintenance: %m",
                                          rl->items[k].next->name);
                /* a run that crashed as master left its routes and rules: a backup must not hold them */
                if (rl->initial)
                        route_set_remove(&rl->items[k].next->routes, rl->manager->nl);
        }
        for (size_t k = 0; k < rl->next->n_instances; k++) {
                Instance *i = rl->items[k].next;
                int r;

                if (!i || rl->items[k].old || manager_holding(rl->manager))
                        continue; /* a held instance starts when the startup delay ends (manager-hold.c) */
                r = instance_start(i);
                if (r < 0 && ret == 0)
                        ret = log_error_errno(r, "%s: failed to start: %m", i->name);
        }
        return ret;
}

static void reload_announce_added(Reload *rl) {
        Manager *m = rl->manager;

        for (size_t k = 0; k < rl->next->n_instances; k++)
                if (rl->items[k].next && !rl->items[k].old)
                        LISTENERS_EMIT(&m->listeners, instance_added, rl->items[k].next);
        for (size_t g = 0; g < rl->next->n_sync_groups; g++)
                if (!rl->groups[g].old)
                        LISTENERS_EMIT(&m->listeners, sync_group_added, rl->groups[g].next);
}

static void reload_free_removed(Reload *rl, Config *old) {
        for (size_t g = 0; g < rl->n_groups_removed; g++)
                sync_group_free(rl->groups_removed[g]);
        for (size_t k = 0; k < rl->n_removed; k++)
                instance_free(rl->removed[k]);
        conf_free(old);
}

/* Persistent maintenance is kept by name: by an instance the reload keeps under its name (at startup, by
 * one the config names), not by one it removes, renames or adds in its place. */
static bool reload_keeps_name(const char *name, void *userdata) {
        Reload *rl = userdata;
        Instance *old = manager_find_instance(rl->manager, name); /* the running set's: not swapped yet */

        for (size_t k = 0; k < rl->next->n_instances; k++)
                if (rl->items[k].old == old && strcmp(rl->next->instances[k].name, name) == 0)
                        return true;
        return false;
}

static int reload_commit(Reload *rl) {
        Manager *m = rl->manager;
        Config *old = NULL;
        int r;

        rl->committed = true;
        manager_maintenance_keep(m, reload_keeps_name, rl);
        LISTENERS_EMIT(&m->listeners, reload_begin, &rl->diff);
        static_set_replace(&m->statics, TAKE_PTR(rl->statics)); /* first: what the instances' may lean on */
        m->rebuilding = true; /* sync groups are rebuilt below; none of their logic runs meanwhile */
        reload_remove(rl);
        reload_take_instances(rl);
        if (!rl->initial)
                tracking_reload(m, rl->next);
        reload_swap(rl, &old);
        reload_take_groups(rl);
        m->rebuilding = false;
        reload_announce_added(rl);
        manager_watch_routes(m);
        r = tracking_setup(m);
        if (r < 0)
                log_error_errno(r, "failed to set up tracking, carrying on: %m");
        reload_resume(rl);
        if (!rl->initial) /* at startup no member runs yet: the groups take them in as they start */
                reload_resync(rl);
        r = reload_start(rl);
        LISTENERS_EMIT(&m->listeners, reload_end, &rl->diff);
        reload_free_removed(rl, old);
        return rl->initial ? r : 0;
}

/* What can fail failed: nothing changed, nothing of the new config stays. */
static int reload_abandon(Reload *rl, ReloadResult *ret, int r) {
        if (ret && !ret->error)
                ret->error = strdup("the new configuration could not be applied; nothing changed (see the log)");
        reload_done(rl);
        return r;
}

int reload_apply(Manager *m, Config *next, ReloadResult *ret) {
        _cleanup_(conf_freep) Config *owned = next;
        Reload rl = { .manager = m, .next = next, .initial = !m->config,
                      .diff = { .initial = !m->config, .config = next } };
        int r;

        assert(m);
        assert(next);

        r = reload_prepare_instances(&rl);
        if (r < 0)
                return reload_abandon(&rl, ret, r);
        r = reload_prepare_groups(&rl);
        if (r < 0)
                return reload_abandon(&rl, ret, r);
        r = static_set_new(m, next, &rl.statics);
        if (r < 0)
                return reload_abandon(&rl, ret, log_oom());
        TAKE_PTR(owned); /* the manager's from here on */
        if (rl.initial)
                m->n_failed = rl.n_failed;
        else
                process_sched_apply(&m->config->global, &next->global);
        (void) manager_hold_update(m, &next->global, rl.initial);
        r = reload_commit(&rl);
        if (ret) {
                ret->added = TAKE_PTR(rl.diff.added);
                ret->removed = TAKE_PTR(rl.diff.removed);
                ret->changed = TAKE_PTR(rl.diff.changed);
        }
        reload_done(&rl);
        return r;
}

/* The first error of the failed load, as the bus's InvalidConfig message wants it. */
static char *reload_first_error(const ConfDiags *d) {
        char *s = NULL;

        for (size_t k = 0; k < d->n_items; k++)
                if (d->items[k].level == CONF_DIAG_ERROR && conf_diag_format(&d->items[k], &s) >= 0)
                        return s;
        return strdup("the configuration could not be loaded");
}

/* net_namespace and instance say where the daemon lives: its sockets, netlink and VIP records are there. As
 * keepalived ("Cannot change network namespace at a reload - please restart"), a reload that changes them is
 * refused whole. */
static void reload_check_place(ConfDiags *d, const char *path, const char *keyword, const char *was,
                               const char *now, const ConfLoc *loc, const char *why) {
        ConfLoc where = loc->file ? *loc : (ConfLoc){ .file = path };

        if ((!was && !now) || (was && now && strcmp(was, now) == 0))
                return;
        conf_diag_error(d, &where, "%s cannot change at a reload (the daemon has %s%s%s, the file says "
                        "%s%s%s): %s; restart vrrpd to apply it", keyword, was ? "'" : "", was ?: "none",
                        was ? "'" : "", now ? "'" : "", now ?: "none", now ? "'" : "", why);
}

static int reload_check_places(Manager *m, const Config *next, char **ret_error) {
        const ConfGlobal *was = &m->config->global, *g = &next->global;
        ConfDiags d = {};
        int r = 0;

        reload_check_place(&d, m->config_path, "net_namespace", was->net_namespace, g->net_namespace,
                           &g->net_namespace_loc,
                           "a running daemon cannot move to another network namespace");
        reload_check_place(&d, m->config_path, "instance", was->instance, g->instance, &g->instance_loc,
                           "its runtime directory is named after it");
        if (d.oom)
                r = -ENOMEM;
        else if (d.n_errors > 0) {
                *ret_error = reload_first_error(&d);
                r = -EINVAL;
        }
        conf_diag_done(&d);
        return r;
}

static int reload_load(Manager *m, Config **ret, char **ret_error) {
        ConfLoadOptions o = manager_load_options(m);
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

static void reload_log_names(const char *what, char **names) {
        for (char **n = names; n && *n; n++)
                log_info("reload: %s '%s'", what, *n);
}

static void reload_ready(Manager *m) {
        (void) sd_notifyf(0, "READY=1\nSTATUS=%zu instance(s) running", m->n_instances);
}

static int reload_failed(Manager *m, const ReloadResult *ret, int r) {
        reload_ready(m);
        return log_error_errno(r, "reload failed, the running configuration stays: %s", ret->error ?: "unknown error");
}

int manager_reload(Manager *m, const char *why, ReloadResult *ret) {
        Config *next = NULL;
        int r;

        assert(m);
        assert(ret);

        *ret = (ReloadResult){};
        log_info("reloading %s, %s", m->config_path, why);
        (void) sd_notify(0, "RELOADING=1");
        r = reload_load(m, &next, &ret->error);
        if (r < 0)
                return reload_failed(m, ret, r);
        r = reload_check_places(m, next, &ret->error);
        if (r < 0) {
                conf_free(next);
                return reload_failed(m, ret, r);
        }
        r = reload_apply(m, next, ret);
        if (r < 0)
                return reload_failed(m, ret, r);
        reload_ready(m);
        reload_log_names("added", ret->added);
        reload_log_names("removed", ret->removed);
        reload_log_names("changed", ret->changed);
        return 0;
}
