#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "conf/conf-model.h"
#include "instance.h"
#include "manager.h"
#include "script/manager-notify.h"
#include "script/notify.h"
#include "script/script-config.h"
#include "sync-group.h"
#include "util/log.h"

/* Notify scripts and FIFOs (issue 4), run by notify.c one at a time per instance or group, in order. */

static int manager_notify_fifo(Manager *m, const ConfFifo *f, NotifyFifo **ret) {
        ScriptCommand reader = {};
        int r;

        if (!f->name)
                return 0;
        if (f->script) {
                r = script_config_command(&m->config->global, "notify_fifo_script", f->script, f->user, f->group,
                                          &reader);
                if (r < 0)
                        return r;
        }
        r = notify_fifo_new(m->event, f->name, SCRIPT_EXEC_UID_INVALID, SCRIPT_EXEC_GID_INVALID,
                            reader.argv ? &reader : NULL, ret);
        script_config_command_done(&reader);
        if (r < 0)
                return log_error_errno(r, "failed to open notify FIFO '%s': %m", f->name);
        return 0;
}

/* Turns the five notify lines into commands for a queue; a script that cannot run is left out (logged). */
static int manager_notify_queue(Manager *m, NotifyKind kind, const char *name, int vrid, const ConfNotifies *n,
                                NotifyQueue **ret) {
        const ConfNotify *lines[] = { &n->master, &n->backup, &n->fault, &n->stop, &n->any };
        const NotifyState states[] = { NOTIFY_MASTER, NOTIFY_BACKUP, NOTIFY_FAULT, NOTIFY_STOP };
        ScriptCommand cmds[5] = {};
        NotifyConfig c = { .kind = kind, .name = name, .vrid = vrid,
                           .fifos = { m->notify.fifos[0], m->notify.fifos[1] } };
        bool any = c.fifos[0] || c.fifos[1];
        char what[160];
        int r;

        for (size_t k = 0; k < 5; k++)
                any = any || lines[k]->command;
        if (!any)
                return 0; /* nothing to run or write: no queue (bench/scale: 800 KB at 1000 instances) */

        for (size_t k = 0; k < 5; k++) {
                if (!lines[k]->command)
                        continue;
                snprintf(what, sizeof(what), "%s: notify script", name);
                if (script_config_command(&m->config->global, what, lines[k]->command, lines[k]->user,
                                          lines[k]->group, &cmds[k]) < 0)
                        continue;
                if (k < 4)
                        c.scripts[states[k]] = &cmds[k];
                else
                        c.notify = &cmds[k];
        }
        r = notify_queue_new(m->event, &c, ret); /* copies the commands */
        for (size_t k = 0; k < 5; k++)
                script_config_command_done(&cmds[k]);
        return r < 0 ? log_error_errno(r, "%s: failed to set up notify scripts: %m", name) : 0;
}

int manager_notify_setup(Manager *m) {
        const ConfGlobal *g = &m->config->global;
        int r = 0;

        /* Idempotent, for reloads: what exists stays (FIFOs keep their path until a restart). */
        if (!m->notify.fifos[0])
                r = manager_notify_fifo(m, &g->notify_fifo, &m->notify.fifos[0]);
        if (r >= 0 && !m->notify.fifos[1])
                r = manager_notify_fifo(m, &g->vrrp_notify_fifo, &m->notify.fifos[1]);
        if (r < 0)
                return r;
        for (size_t k = 0; k < m->n_instances; k++) {
                Instance *i = m->instances[k];

                if (i->notify)
                        continue;
                r = manager_notify_queue(m, NOTIFY_INSTANCE, i->name, i->params.fsm.vrid, &i->conf->notify,
                                         &i->notify);
                if (r < 0)
                        return r;
        }
        for (size_t k = 0; k < m->n_groups; k++) {
                SyncGroup *sg = m->groups[k];

                if (sg->notify)
                        continue;
                r = manager_notify_queue(m, NOTIFY_GROUP, sg->name, -1, &sg->conf->notify, &sg->notify);
                if (r < 0)
                        return r;
        }
        return 0;
}

void manager_notify_done(Manager *m) {
        for (size_t k = 0; k < m->n_instances; k++)
                m->instances[k]->notify = notify_queue_free(m->instances[k]->notify);
        for (size_t k = 0; k < m->n_groups; k++)
                m->groups[k]->notify = notify_queue_free(m->groups[k]->notify);
        for (size_t k = 0; k < 2; k++)
                m->notify.fifos[k] = notify_fifo_free(m->notify.fifos[k]);
}

static int manager_notify_state(VrrpState s, NotifyState *ret) {
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

void manager_notify_instance(Manager *m, Instance *i, const VrrpActions *a) {
        uint8_t prio = vrrp_fsm_priority(&i->fsm, &i->params.fsm);
        NotifyState s;

        if (!i->notify)
                return;
        if (a->state_changed && manager_notify_state(a->new_state, &s) >= 0) {
                if (notify_queue_push(i->notify, s, prio) < 0)
                        log_oom();
        } else if (a->priority_changed && m->config->global.notify_priority_changes &&
                   (i->fsm.state == VRRP_STATE_MASTER || i->fsm.state == VRRP_STATE_BACKUP)) {
                s = i->fsm.state == VRRP_STATE_MASTER ? NOTIFY_MASTER_PRIORITY : NOTIFY_BACKUP_PRIORITY;
                if (notify_queue_push(i->notify, s, prio) < 0)
                        log_oom();
        }
}

void manager_notify_group(Manager *m, SyncGroup *s, VrrpState old_state) {
        VrrpState now = vrrp_sync_state(&s->sync);
        NotifyState ns;

        if (!s->notify || now == old_state || manager_notify_state(now, &ns) < 0)
                return;
        log_notice("sync group '%s': %s -> %s", s->name, vrrp_state_to_string(old_state),
                   vrrp_state_to_string(now));
        if (notify_queue_push(s->notify, ns, 0) < 0)
                log_oom();
}

bool manager_notify_idle(Manager *m) {
        for (size_t k = 0; k < m->n_instances; k++)
                if (m->instances[k]->notify && !notify_queue_is_idle(m->instances[k]->notify))
                        return false;
        for (size_t k = 0; k < m->n_groups; k++)
                if (m->groups[k]->notify && !notify_queue_is_idle(m->groups[k]->notify))
                        return false;
        return true;
}

void manager_notify_when_idle(Manager *m, void (*handler)(NotifyQueue *q, void *userdata)) {
        for (size_t k = 0; k < m->n_instances; k++)
                if (m->instances[k]->notify)
                        notify_queue_set_idle_handler(m->instances[k]->notify, handler, m);
        for (size_t k = 0; k < m->n_groups; k++)
                if (m->groups[k]->notify)
                        notify_queue_set_idle_handler(m->groups[k]->notify, handler, m);
}
