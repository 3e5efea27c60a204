#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf-model.h"
#include "instance.h"
#include "listener.h"
#include "manager.h"
#include "reload-diff.h"
#include "reload.h"
#include "script/notify-listener.h"
#include "script/notify.h"
#include "script/script-config.h"
#include "sync-group.h"
#include "util/cleanup.h"
#include "util/index.h"
#include "util/log.h"

/* Notify scripts and FIFOs (issue 4), run by notify.c one at a time per instance or group, in order. */

struct NotifyListener {
        Manager *manager;
        NotifyFifo *fifos[2];  /* notify_fifo, vrrp_notify_fifo: made once, kept until exit */
        Index queues;          /* by owner: the Instance or SyncGroup, for as long as it runs */
        NotifyQueue **retired; /* of objects that went, left to finish their scripts until exit */
        size_t n_retired;
};

/* A FIFO whose script cannot run is still written, as keepalived does ("Script ... cannot be accessed"): the
 * script is disabled (script_config_command() said why), VRRP goes on. */
static int notify_listener_fifo(NotifyListener *n, const ConfGlobal *g, const ConfFifo *f,
                                const char *keyword, NotifyFifo **ret) {
        _cleanup_(script_config_command_done) ScriptCommand reader = {};
        int r;

        if (!f->name)
                return 0;
        if (f->script) {
                r = script_config_command(g, keyword, f->script, f->user, f->group, &reader);
                if (r < 0)
                        log_warning("%s: disabled; '%s' is written without it", keyword, f->name);
        }
        r = notify_fifo_new(n->manager->event, f->name, SCRIPT_EXEC_UID_INVALID, SCRIPT_EXEC_GID_INVALID,
                            reader.argv ? &reader : NULL, ret);
        if (r < 0) /* keepalived: "Unable to open notify fifo", and runs without it */
                log_error_errno(r, "failed to open notify FIFO '%s', running without it: %m", f->name);
        return 0;
}

/* An instance's or group's notify lines, each with the state it runs for (_NOTIFY_STATE_MAX: `notify`). */
#define NOTIFY_LINES 7
static const NotifyState notify_line_states[NOTIFY_LINES] = {
        NOTIFY_MASTER,     NOTIFY_BACKUP,  NOTIFY_FAULT,
        NOTIFY_STOP,       NOTIFY_DELETED, NOTIFY_MASTER_RX_LOWER_PRI,
        _NOTIFY_STATE_MAX,
};

static void notify_lines(const ConfNotifies *n, const ConfNotify *ret[NOTIFY_LINES]) {
        const ConfNotify *l[NOTIFY_LINES] = { &n->master,  &n->backup,       &n->fault, &n->stop,
                                              &n->deleted, &n->rx_lower_pri, &n->any };

        memcpy(ret, l, sizeof(l));
}

static void notify_listener_on_idle(NotifyQueue *q, void *userdata) {
        NotifyListener *n = userdata;

        manager_listener_idle(n->manager);
}

/* The notify lines as commands for a queue; a script that cannot run is left out (logged: disabled, as
 * keepalived does). NULL when there is nothing to run or write: no queue (bench/scale: 800 KB at 1000
 * instances). */
static NotifyQueue *notify_listener_queue(NotifyListener *n, const ConfGlobal *g, NotifyKind kind,
                                          const char *name, int vrid, const ConfNotifies *lines) {
        const ConfNotify *l[NOTIFY_LINES];
        ScriptCommand cmds[NOTIFY_LINES] = {};
        NotifyConfig c = { .kind = kind, .name = name, .vrid = vrid, .fifos = { n->fifos[0], n->fifos[1] } };
        bool any = c.fifos[0] || c.fifos[1];
        NotifyQueue *q = NULL;
        char what[160];
        int r;

        notify_lines(lines, l);
        for (size_t k = 0; k < NOTIFY_LINES; k++)
                any = any || l[k]->command;
        if (!any)
                return NULL;
        for (size_t k = 0; k < NOTIFY_LINES; k++) {
                NotifyState s = notify_line_states[k];

                snprintf(what, sizeof(what), "%s: %s script", name,
                         s < _NOTIFY_STATE_MAX ? notify_script_to_string(s) : "notify");
                if (!l[k]->command)
                        continue;
                if (script_config_command(g, what, l[k]->command, l[k]->user, l[k]->group, &cmds[k]) < 0) {
                        log_warning("%s: disabled, VRRP goes on without it", what);
                        continue;
                }
                if (s < _NOTIFY_STATE_MAX)
                        c.scripts[s] = &cmds[k];
                else
                        c.notify = &cmds[k];
        }
        r = notify_queue_new(n->manager->event, &c, &q); /* copies the commands */
        for (size_t k = 0; k < NOTIFY_LINES; k++)
                script_config_command_done(&cmds[k]);
        if (r < 0)
                return log_error_errno(r, "%s: failed to set up notify scripts: %m", name), NULL;
        notify_queue_set_idle_handler(q, notify_listener_on_idle, n);
        return q;
}

static NotifyQueue *notify_listener_find(NotifyListener *n, const void *owner) {
        return index_find(&n->queues, owner);
}

static void notify_listener_put(NotifyListener *n, const void *owner, NotifyQueue *q) {
        if (q && index_insert(&n->queues, owner, q) < 0) {
                notify_queue_free(q);
                log_oom();
        }
}

/* owner went, or takes other notify lines: its queue lives on until exit, so that a running script (a stop
 * script above all) is not killed half way. */
static void notify_listener_retire(NotifyListener *n, const void *owner) {
        NotifyQueue *q = index_remove(&n->queues, owner);
        NotifyQueue **a;

        if (!q)
                return;
        a = reallocarray(n->retired, n->n_retired + 1, sizeof(*a));
        if (!a)
                return (void) notify_queue_free(q);
        n->retired = a;
        n->retired[n->n_retired++] = q;
}

static void notify_listener_add_instance(NotifyListener *n, const ConfGlobal *g, Instance *i,
                                         const ConfInstance *c) {
        notify_listener_put(n, i, notify_listener_queue(n, g, NOTIFY_INSTANCE, c->name, c->vrid, &c->notify));
}

static void notify_listener_add_group(NotifyListener *n, const ConfGlobal *g, SyncGroup *s,
                                      const ConfSyncGroup *c) {
        notify_listener_put(n, s, notify_listener_queue(n, g, NOTIFY_GROUP, c->name, -1, &c->notify));
}

/* A kept queue whose scripts a check now finds runnable or not, where they were not or were: rebuilt, so
 * that a script fixed (or removed) before a reload is taken up (or disabled), as the bus's DisabledScripts
 * says. */
static bool notify_listener_stale(NotifyListener *n, const ConfGlobal *g, const void *owner,
                                  const ConfNotifies *lines) {
        NotifyQueue *q = notify_listener_find(n, owner);
        const ConfNotify *l[NOTIFY_LINES];

        notify_lines(lines, l);
        for (size_t k = 0; q && k < NOTIFY_LINES; k++)
                if (l[k]->command &&
                    notify_queue_has_script(q, notify_line_states[k]) !=
                            (script_config_probe(g, l[k]->command, l[k]->user, l[k]->group) >= 0))
                        return true;
        return false;
}

/* What the reload keeps but with other notify lines gets a new queue now, before anything of it steps. */
static void notify_on_reload_begin(void *userdata, const ReloadDiff *diff) {
        NotifyListener *n = userdata;
        const ConfGlobal *g = &diff->config->global;

        for (size_t k = 0; k < diff->n_kept; k++) {
                const ReloadKept *kept = &diff->kept[k];

                if (reload_notify_same(&kept->instance->conf->notify, &kept->conf->notify) &&
                    !notify_listener_stale(n, g, kept->instance, &kept->conf->notify))
                        continue;
                notify_listener_retire(n, kept->instance);
                notify_listener_add_instance(n, g, kept->instance, kept->conf);
        }
        for (size_t k = 0; k < diff->n_kept_groups; k++) {
                const ReloadKeptGroup *kept = &diff->kept_groups[k];

                if (reload_notify_same(&kept->group->conf->notify, &kept->conf->notify) &&
                    !notify_listener_stale(n, g, kept->group, &kept->conf->notify))
                        continue;
                notify_listener_retire(n, kept->group);
                notify_listener_add_group(n, g, kept->group, kept->conf);
        }
}

static void notify_on_instance_added(void *userdata, Instance *i) {
        NotifyListener *n = userdata;

        notify_listener_add_instance(n, &n->manager->config->global, i, i->conf);
}

static void notify_on_sync_group_added(void *userdata, SyncGroup *s) {
        NotifyListener *n = userdata;

        notify_listener_add_group(n, &n->manager->config->global, s, s->conf);
}

static void notify_on_removed(void *userdata, void *owner) {
        notify_listener_retire(userdata, owner);
}

static void notify_on_instance_removed(void *userdata, Instance *i) {
        notify_on_removed(userdata, i);
}

static void notify_on_sync_group_removed(void *userdata, SyncGroup *s) {
        notify_on_removed(userdata, s);
}

static int notify_state_of(VrrpState s, NotifyState *ret) {
        switch (s) {
        case VRRP_STATE_MASTER:
                *ret = NOTIFY_MASTER;
                return 0;
        case VRRP_STATE_BACKUP:
                *ret = NOTIFY_BACKUP;
                return 0;
        case VRRP_STATE_FAULT:
                *ret = NOTIFY_FAULT;
                return 0;
        case VRRP_STATE_STOPPED:
                *ret = NOTIFY_STOP;
                return 0;
        default:
                return -EINVAL;
        }
}

/* notify_priority_changes: the instance's own, else its sync group's, else global_defs'
 * vrrp_notify_priority_changes (keepalived's vrrp_complete_instance()). */
static bool notify_priority_changes(const Manager *m, const Instance *i) {
        const ConfInstance *c = i->conf;
        const ConfSyncGroup *g = i->sync_group ? i->sync_group->conf : NULL;

        if (c->notify_priority_changes != CONF_UNSET)
                return c->notify_priority_changes;
        if (g && g->notify_priority_changes != CONF_UNSET)
                return g->notify_priority_changes;
        return m->config->global.notify_priority_changes;
}

/* An instance the reload removes stops; keepalived notifies that as FAULT (not again when it was in FAULT
 * already), or as DELETED with notify_deleted (clear_diff_vrrp(), send_instance_notifies()). */
static int notify_removed_state(const Instance *i, const VrrpActions *a, NotifyState *ret) {
        if (i->conf->notify_deleted)
                *ret = NOTIFY_DELETED;
        else if (a->old_state != VRRP_STATE_FAULT)
                *ret = NOTIFY_FAULT;
        else
                return -ESRCH;
        return 0;
}

/* A transition runs its state's scripts; with notify_priority_changes, a priority change is a FIFO event:
 * MASTER_PRIORITY for a master, BACKUP_PRIORITY in any other running state, FAULT and INIT included
 * (keepalived's vrrp_set_effective_priority() and send_instance_priority_notifies()). */
static void notify_on_instance_changed(void *userdata, Instance *i, const VrrpActions *a) {
        NotifyListener *n = userdata;
        NotifyQueue *q = notify_listener_find(n, i);
        uint8_t prio = vrrp_fsm_priority(&i->fsm, &i->params.fsm);
        NotifyState s;

        if (!q)
                return;
        if (a->state_changed && a->new_state == VRRP_STATE_STOPPED && n->manager->rebuilding) {
                if (notify_removed_state(i, a, &s) >= 0 && notify_queue_push(q, s, prio) < 0)
                        log_oom();
        } else if (a->state_changed && notify_state_of(a->new_state, &s) >= 0) {
                if (notify_queue_push(q, s, prio) < 0)
                        log_oom();
        } else if (a->priority_changed && notify_priority_changes(n->manager, i) &&
                   i->fsm.state != VRRP_STATE_STOPPED) {
                s = i->fsm.state == VRRP_STATE_MASTER ? NOTIFY_MASTER_PRIORITY : NOTIFY_BACKUP_PRIORITY;
                if (notify_queue_push(q, s, prio) < 0)
                        log_oom();
        }
}

/* notify_master_rx_lower_pri: a master hears an advert it wins against (a lower priority, or the same
 * priority from a lower address), as keepalived's vrrp_state_master_rx(); the FIFOs get MASTER_RX_LOWER_PRI.
 */
static void notify_on_advert_seen(void *userdata, Instance *i, const AdvertSeen *adv) {
        NotifyListener *n = userdata;
        NotifyQueue *q;
        uint8_t prio;

        if (i->fsm.state != VRRP_STATE_MASTER || !adv->accepted || !adv->decoded || adv->priority == 0)
                return;
        prio = vrrp_fsm_priority(&i->fsm, &i->params.fsm);
        if (adv->priority > prio ||
            (adv->priority == prio && vrrp_addr_cmp(adv->family, &adv->src, &i->src) >= 0))
                return;
        q = notify_listener_find(n, i);
        if (q && notify_queue_push(q, NOTIFY_MASTER_RX_LOWER_PRI, prio) < 0)
                log_oom();
}

static void notify_on_sync_group_changed(void *userdata, SyncGroup *g, VrrpState old_state) {
        NotifyListener *n = userdata;
        NotifyQueue *q = notify_listener_find(n, g);
        VrrpState now = sync_group_state(g);
        NotifyState ns;

        if (!q || now == old_state || notify_state_of(now, &ns) < 0)
                return;
        log_notice("sync group '%s': %s -> %s", g->name, vrrp_state_to_string(old_state),
                   vrrp_state_to_string(now));
        if (notify_queue_push(q, ns, 0) < 0)
                log_oom();
}

/* At stop: the scripts of the running instances and groups still going (stop scripts above all). */
static bool notify_busy(void *userdata) {
        NotifyListener *n = userdata;

        for (size_t k = 0; k < n->queues.n_entries; k++)
                if (!notify_queue_is_idle(n->queues.entries[k].value))
                        return true;
        return false;
}

static const ListenerOps notify_listener = {
        .reload_begin = notify_on_reload_begin,
        .instance_added = notify_on_instance_added,
        .instance_removed = notify_on_instance_removed,
        .sync_group_added = notify_on_sync_group_added,
        .sync_group_removed = notify_on_sync_group_removed,
        .instance_changed = notify_on_instance_changed,
        .sync_group_changed = notify_on_sync_group_changed,
        .advert_seen = notify_on_advert_seen,
        .busy = notify_busy,
};

int notify_listener_new(Manager *m, const ConfGlobal *g, NotifyListener **ret) {
        _cleanup_(notify_listener_freep) NotifyListener *n = NULL;
        int r;

        assert(m);
        assert(g);
        assert(ret);
        n = calloc(1, sizeof(*n));
        if (!n)
                return log_oom();
        n->manager = m;
        n->queues = INDEX_INIT(index_compare_pointer);
        r = notify_listener_fifo(n, g, &g->notify_fifo, "notify_fifo_script", &n->fifos[0]);
        if (r < 0)
                return r;
        r = notify_listener_fifo(n, g, &g->vrrp_notify_fifo, "vrrp_notify_fifo_script", &n->fifos[1]);
        if (r < 0)
                return r;
        if (manager_add_listener(m, &notify_listener, n) < 0)
                return log_oom();
        *ret = TAKE_PTR(n);
        return 0;
}

NotifyListener *notify_listener_free(NotifyListener *n) {
        if (!n)
                return NULL;
        manager_remove_listener(n->manager, &notify_listener, n);
        for (size_t k = 0; k < n->queues.n_entries; k++)
                notify_queue_free(n->queues.entries[k].value);
        index_done(&n->queues);
        for (size_t k = 0; k < n->n_retired; k++)
                notify_queue_free(n->retired[k]);
        free(n->retired);
        for (size_t k = 0; k < 2; k++)
                notify_fifo_free(n->fifos[k]);
        free(n);
        return NULL;
}
