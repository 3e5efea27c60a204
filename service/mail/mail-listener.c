#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf-model.h"
#include "instance.h"
#include "listener.h"
#include "mail/mail-listener.h"
#include "mail/mail-queue.h"
#include "manager.h"
#include "script/script-exec-command.h"
#include "sync-group.h"
#include "util/cleanup.h"
#include "util/index.h"
#include "util/log.h"
#include "util/strv.h"

#define MAIL_HELPER "vrrpd-mail"
#define MAIL_USER "nobody" /* the helper needs nothing but the network */
#define MAIL_UID_FALLBACK ((uid_t) 65534)
#define MAIL_GID_FALLBACK ((gid_t) 65534)
#define MAIL_KILL_SLACK_USEC (2 * USEC_PER_SEC) /* past the helper's own 2 × smtp_connect_timeout */

/* SMTP alerts as keepalived sends them (vrrp_notify.c vrrp_smtp_notifier(), vrrp_sync_smtp_notifier(),
 * core/smtp.c smtp_alert()): one per transition of an instance or group with smtp_alert on, not for FAULT
 * with no_email_faults, and never twice in a row for the same state (its last_email_state). */

typedef enum MailState {
        MAIL_MASTER,
        MAIL_BACKUP,
        MAIL_FAULT,
        MAIL_STOP,
        MAIL_DELETED,
        _MAIL_STATE_MAX,
} MailState;

/* keepalived's subjects and bodies, word for word. */
static const char *const mail_subject[_MAIL_STATE_MAX] = {
        [MAIL_MASTER] = "Entering MASTER state", [MAIL_BACKUP] = "Entering BACKUP state",
        [MAIL_FAULT] = "Entering FAULT state",   [MAIL_STOP] = "Stopping",
        [MAIL_DELETED] = "Deleted",
};
static const char *const mail_body_instance[_MAIL_STATE_MAX] = {
        [MAIL_MASTER] = "=> VRRP Instance is now owning VRRP VIPs <=",
        [MAIL_BACKUP] = "=> VRRP Instance is no longer owning VRRP VIPs <=",
        [MAIL_FAULT] = "=> VRRP Instance is no longer owning VRRP VIPs <=",
        [MAIL_STOP] = "=> VRRP Instance stopping <=",
        [MAIL_DELETED] = "=> VRRP Deleted at reload <=",
};
static const char *const mail_body_group[_MAIL_STATE_MAX] = {
        [MAIL_MASTER] = "=> All VRRP group instances are now in MASTER state <=",
        [MAIL_BACKUP] = "=> All VRRP group instances are now in BACKUP state <=",
        [MAIL_FAULT] = "=> All VRRP group instances are now in FAULT state <=",
        [MAIL_STOP] = "=> All VRRP group instances are now stopping <=",
};

struct MailListener {
        Manager *manager;
        MailQueue *queue;
        char *helper; /* vrrpd-mail's path, found at the first alert; NULL: not yet, or not found */
        Index last;   /* owner (Instance, SyncGroup) -> the state last mailed, + 1 */
};

/* vrrpd-mail beside vrrpd (a build tree), else where meson installs it. */
static char *mail_helper_find(void) {
        char self[PATH_MAX], *p = NULL;
        ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
        char *slash;

        if (n > 0) {
                self[n] = '\0';
                slash = strrchr(self, '/');
                if (slash && asprintf(&p, "%.*s/%s", (int) (slash - self), self, MAIL_HELPER) >= 0 &&
                    access(p, X_OK) == 0)
                        return p;
                free(p);
        }
        if (access(VRRPD_LIBEXECDIR "/" MAIL_HELPER, X_OK) == 0)
                return strdup(VRRPD_LIBEXECDIR "/" MAIL_HELPER);
        return NULL;
}

static int mail_state_of(VrrpState s, MailState *ret) {
        static const int map[_VRRP_STATE_MAX] = {
                [VRRP_STATE_INIT] = -1,          [VRRP_STATE_BACKUP] = MAIL_BACKUP,
                [VRRP_STATE_MASTER] = MAIL_MASTER, [VRRP_STATE_FAULT] = MAIL_FAULT,
                [VRRP_STATE_STOPPED] = MAIL_STOP,
        };

        if ((unsigned) s >= _VRRP_STATE_MAX || map[s] < 0)
                return -EINVAL;
        *ret = (MailState) map[s];
        return 0;
}

/* USER@hostname, keepalived's default notification_email_from. */
static int mail_default_from(const Manager *m, char **ret) {
        struct passwd *pw = getpwuid(geteuid());

        return asprintf(ret, "%s@%s", pw ? pw->pw_name : "root", m->hostname ?: "localhost") < 0 ? -ENOMEM : 0;
}

static char **mail_argv(MailListener *n, const ConfMail *c, const char *subject, const char *body) {
        _cleanup_free_ char *from = NULL;
        char port[8], timeout[16];
        char **argv = NULL;
        size_t len = 0;
        const char *fixed[] = { n->helper, "--server", c->server, "--port", port, "--helo",
                                c->helo ?: n->manager->hostname ?: "localhost", "--timeout", timeout,
                                "--from", NULL, "--subject", subject, "--body", body, "--" };

        if (!c->from && mail_default_from(n->manager, &from) < 0)
                return NULL;
        fixed[10] = c->from ?: from;
        snprintf(port, sizeof(port), "%u", c->port);
        snprintf(timeout, sizeof(timeout), "%llu", (unsigned long long) (c->timeout / USEC_PER_SEC));
        for (size_t k = 0; k < ELEMENTSOF(fixed); k++)
                if (strv_push(&argv, &len, fixed[k]) < 0)
                        return strv_free(argv);
        for (char **to = c->to; to && *to; to++)
                if (strv_push(&argv, &len, *to) < 0)
                        return strv_free(argv);
        return argv;
}

/* Queues the alert unless it repeats the last one mailed for owner, or is a FAULT with no_email_faults. */
static void mail_send(MailListener *n, const void *owner, bool group, const char *name, MailState s) {
        const ConfGlobal *g = &n->manager->config->global;
        uintptr_t last = (uintptr_t) index_find(&n->last, owner);
        char subject[512];
        char **argv;

        if ((s == MAIL_FAULT && g->mail.no_faults) || last == (uintptr_t) s + 1 || !g->mail.server ||
            !g->mail.to || (group && !mail_body_group[s]))
                return;
        index_remove(&n->last, owner);
        if (index_insert(&n->last, owner, (void *) ((uintptr_t) s + 1)) < 0)
                return (void) log_oom();
        snprintf(subject, sizeof(subject), "[%s] VRRP %s %s - %s", g->router_id ?: "", group ? "Group" : "Instance",
                 name, mail_subject[s]);
        if (!n->helper && !(n->helper = mail_helper_find())) {
                n->manager->mail.failed++;
                n->manager->mail.last_error = MAIL_ERROR_HELPER;
                return (void) log_error("SMTP alert not sent (%s is not installed beside vrrpd nor in %s): %s",
                                        MAIL_HELPER, VRRPD_LIBEXECDIR, subject);
        }
        argv = mail_argv(n, &g->mail, subject, group ? mail_body_group[s] : mail_body_instance[s]);
        if (!argv || mail_queue_push(n->queue, argv, subject, 2 * g->mail.timeout + MAIL_KILL_SLACK_USEC) < 0)
                log_oom();
}

/* A transition; an instance the reload removes is DELETED with notify_deleted, else FAULT (not again from
 * FAULT), as its notify scripts (notify-listener.c). */
static void mail_on_instance_changed(void *userdata, Instance *i, const VrrpActions *a) {
        MailListener *n = userdata;
        MailState s;

        if (!a->state_changed || !i->conf->smtp_alert || mail_state_of(a->new_state, &s) < 0)
                return;
        if (s == MAIL_STOP && n->manager->rebuilding) {
                if (!i->conf->notify_deleted && a->old_state == VRRP_STATE_FAULT)
                        return;
                s = i->conf->notify_deleted ? MAIL_DELETED : MAIL_FAULT;
        }
        mail_send(n, i, false, i->name, s);
}

static void mail_on_sync_group_changed(void *userdata, SyncGroup *g, VrrpState old_state) {
        VrrpState now = sync_group_state(g);
        MailState s;

        if (now != old_state && g->conf->smtp_alert && mail_state_of(now, &s) >= 0)
                mail_send(userdata, g, true, g->name, s);
}

static void mail_on_instance_removed(void *userdata, Instance *i) {
        MailListener *n = userdata;

        index_remove(&n->last, i);
}

static void mail_on_sync_group_removed(void *userdata, SyncGroup *g) {
        MailListener *n = userdata;

        index_remove(&n->last, g);
}

/* At stop: the Stopping alerts, within the manager's stop deadline. */
static bool mail_busy(void *userdata) {
        MailListener *n = userdata;

        return !mail_queue_is_idle(n->queue);
}

static void mail_on_idle(void *userdata) {
        MailListener *n = userdata;

        manager_listener_idle(n->manager);
}

static const ListenerOps mail_listener = {
        .instance_changed = mail_on_instance_changed,
        .instance_removed = mail_on_instance_removed,
        .sync_group_changed = mail_on_sync_group_changed,
        .sync_group_removed = mail_on_sync_group_removed,
        .busy = mail_busy,
};

int mail_listener_new(Manager *m, MailListener **ret) {
        _cleanup_(mail_listener_freep) MailListener *n = NULL;
        uid_t uid = MAIL_UID_FALLBACK;
        gid_t gid = MAIL_GID_FALLBACK;

        assert(m);
        assert(ret);
        n = calloc(1, sizeof(*n));
        if (!n)
                return log_oom();
        n->manager = m;
        n->last = INDEX_INIT(index_compare_pointer);
        (void) script_exec_resolve_user(MAIL_USER, NULL, &uid, &gid);
        if (mail_queue_new(m->event, &m->mail, uid, gid, &n->queue) < 0)
                return log_oom();
        mail_queue_set_idle_handler(n->queue, mail_on_idle, n);
        if (manager_add_listener(m, &mail_listener, n) < 0)
                return log_oom();
        *ret = TAKE_PTR(n);
        return 0;
}

MailListener *mail_listener_free(MailListener *n) {
        if (!n)
                return NULL;
        manager_remove_listener(n->manager, &mail_listener, n);
        mail_queue_free(n->queue);
        index_done(&n->last);
        free(n->helper);
        free(n);
        return NULL;
}
