#include <assert.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "conf/conf-model.h"
#include "script/script-check.h"
#include "script/script-config.h"
#include "util/cleanup.h"

typedef struct ScriptCheck {
        const Config *config;
        bool quiet;
        script_check_report_t report;
        void *userdata;
        size_t n_failed;
} ScriptCheck;

static void script_check_one(ScriptCheck *s, const char *what, const char *command, const char *user,
                             const char *group, const ConfLoc *loc) {
        _cleanup_(script_config_command_done) ScriptCommand c = {};

        if (!command)
                return;
        if (s->quiet ? script_config_probe(&s->config->global, command, user, group) >= 0
                     : script_config_command(&s->config->global, what, command, user, group, &c) >= 0)
                return;
        s->n_failed++;
        s->report(what, "cannot run", loc, s->userdata);
}

/* notify.c makes the FIFO unless something else has its path; a start that cannot open it runs without it.
 */
static void script_check_fifo(ScriptCheck *s, const char *keyword, const char *path) {
        _cleanup_free_ char *dir = strdup(path);
        struct stat st;
        char what[PATH_MAX + 64];
        const char *problem = NULL;

        if (stat(path, &st) >= 0)
                problem = S_ISFIFO(st.st_mode) ? NULL : "is not a FIFO";
        else if (errno != ENOENT || !dir || stat(dirname(dir), &st) < 0)
                problem = "cannot be made";
        if (!problem)
                return;
        snprintf(what, sizeof(what), "%s '%s'", keyword, path);
        s->n_failed++;
        s->report(what, problem, NULL, s->userdata);
}

/* The same words notify-listener.c logs with: "NAME: notify_master script", ..., "NAME: notify script". */
static void script_check_notifies(ScriptCheck *s, const char *name, const ConfNotifies *n) {
        const struct {
                const char *keyword;
                const ConfNotify *line;
        } lines[] = {
                { "notify_master", &n->master },
                { "notify_backup", &n->backup },
                { "notify_fault", &n->fault },
                { "notify_stop", &n->stop },
                { "notify_deleted", &n->deleted },
                { "notify_master_rx_lower_pri", &n->rx_lower_pri },
                { "notify", &n->any },
        };
        char what[160];

        for (size_t k = 0; k < ELEMENTSOF(lines); k++) {
                snprintf(what, sizeof(what), "%s: %s script", name, lines[k].keyword);
                script_check_one(s, what, lines[k].line->command, lines[k].line->user, lines[k].line->group,
                                 &lines[k].line->loc);
        }
}

size_t script_check_config(const Config *c, bool quiet, script_check_report_t report, void *userdata) {
        ScriptCheck s = { .config = c, .quiet = quiet, .report = report, .userdata = userdata };
        const ConfGlobal *g;
        char what[160];

        assert(c);
        assert(report);

        g = &c->global;
        if (g->notify_fifo.name) {
                script_check_fifo(&s, "notify_fifo", g->notify_fifo.name);
                script_check_one(&s, "notify_fifo_script", g->notify_fifo.script, g->notify_fifo.user,
                                 g->notify_fifo.group, NULL);
        }
        if (g->vrrp_notify_fifo.name) {
                script_check_fifo(&s, "vrrp_notify_fifo", g->vrrp_notify_fifo.name);
                script_check_one(&s, "vrrp_notify_fifo_script", g->vrrp_notify_fifo.script,
                                 g->vrrp_notify_fifo.user, g->vrrp_notify_fifo.group, NULL);
        }
        script_check_one(&s, "startup_script", g->startup_script.command, g->startup_script.user,
                         g->startup_script.group, &g->startup_script.loc);
        script_check_one(&s, "shutdown_script", g->shutdown_script.command, g->shutdown_script.user,
                         g->shutdown_script.group, &g->shutdown_script.loc);
        for (size_t k = 0; k < c->n_scripts; k++) {
                const ConfScript *cs = &c->scripts[k];
                snprintf(what, sizeof(what), "vrrp_script '%s'", cs->name);
                script_check_one(&s, what, cs->script, cs->user, cs->group, &cs->loc);
        }
        for (size_t k = 0; k < c->n_instances; k++)
                script_check_notifies(&s, c->instances[k].name, &c->instances[k].notify);
        for (size_t k = 0; k < c->n_sync_groups; k++)
                script_check_notifies(&s, c->sync_groups[k].name, &c->sync_groups[k].notify);
        return s.n_failed;
}
