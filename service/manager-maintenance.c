#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"
#include "instance.h"
#include "manager.h"
#include "os/runtime-file.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/strv.h"

/* Persistent maintenance (Instance.SetPersistentMaintenance): the names of the instances in it, one a line,
 * in the file "maintenance" of the state directory ($STATE_DIRECTORY, systemd's StateDirectory=; else
 * /var/lib/vrrpd, set apart per net_namespace and instance as the runtime directory is), so that it
 * survives a restart and a reboot. Kept by name: a reload that removes or renames the instance drops it. */

#define MAINTENANCE_STATE_DIR "/var/lib/vrrpd"
#define MAINTENANCE_FILE "maintenance"
#define MAINTENANCE_HEADER "# vrrpd: instances in persistent maintenance, one name a line\n"

static int manager_maintenance_read(Manager *m, FILE *f) {
        _cleanup_free_ char *line = NULL;
        size_t size = 0;
        ssize_t n;

        while ((n = getline(&line, &size, f)) >= 0) {
                line[strcspn(line, "\n")] = '\0';
                if (line[0] == '\0' || line[0] == '#' || manager_maintenance_persistent(m, line))
                        continue;
                if (strv_push(&m->maintained, &m->n_maintained, line) < 0)
                        return -ENOMEM;
        }
        return ferror(f) ? -EIO : 0;
}

void manager_maintenance_load(Manager *m, const ConfGlobal *g) {
        _cleanup_free_ char *path = NULL;
        FILE *f;
        int r;

        assert(m);
        assert(g);

        m->state_dir = runtime_dir_path("STATE_DIRECTORY", MAINTENANCE_STATE_DIR, g->net_namespace, g->instance);
        if (!m->state_dir || asprintf(&path, "%s/" MAINTENANCE_FILE, m->state_dir) < 0)
                return (void) log_oom();
        log_debug("state directory: %s", m->state_dir);
        f = fopen(path, "re");
        if (!f) {
                if (errno != ENOENT)
                        log_warning_errno(errno, "cannot read '%s': no instance starts in persistent "
                                                 "maintenance: %m", path);
                return;
        }
        r = manager_maintenance_read(m, f);
        fclose(f);
        if (r < 0)
                log_warning_errno(r, "failed to read '%s' whole, carrying on with what was read: %m", path);
}

bool manager_maintenance_persistent(const Manager *m, const char *name) {
        assert(m);
        assert(name);

        for (size_t k = 0; k < m->n_maintained; k++)
                if (strcmp(m->maintained[k], name) == 0)
                        return true;
        return false;
}

/* Writes names to the file (and to the disk), or removes it when there are none. */
static int manager_maintenance_save(const Manager *m, char **names) {
        _cleanup_close_ int dirfd = -EBADF;
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        FILE *f;
        int r;

        if (!m->state_dir)
                return -ENOMEM;
        r = runtime_dir_open(m->state_dir, NULL, &dirfd);
        if (r < 0)
                return r;
        if (strv_length(names) == 0) {
                r = runtime_file_discard(dirfd, MAINTENANCE_FILE);
                return r < 0 ? r : (fsync(dirfd) < 0 ? -errno : 0);
        }
        f = open_memstream(&text, &len);
        if (!f)
                return -ENOMEM;
        fputs(MAINTENANCE_HEADER, f);
        for (char **s = names; *s; s++)
                fprintf(f, "%s\n", *s);
        if (fclose(f) != 0)
                return -ENOMEM;
        return runtime_file_write_synced(dirfd, MAINTENANCE_FILE, text, len);
}

/* The list without name (on: with it), saved before it becomes the running one: on failure nothing
 * changed. 1 if the list changed, 0 if not. */
static int manager_maintenance_persist(Manager *m, const char *name, bool on) {
        _cleanup_(strv_freep) char **next = NULL;
        size_t n = 0;
        int r;

        if (manager_maintenance_persistent(m, name) == on)
                return 0;
        for (size_t k = 0; k < m->n_maintained; k++)
                if (strcmp(m->maintained[k], name) != 0 && strv_push(&next, &n, m->maintained[k]) < 0)
                        return -ENOMEM;
        if (on && strv_push(&next, &n, name) < 0)
                return -ENOMEM;
        r = manager_maintenance_save(m, next);
        if (r < 0)
                return log_warning_errno(r, "%s: failed to save its persistent maintenance under '%s': %m",
                                         name, m->state_dir ?: "?");
        strv_free(m->maintained);
        m->maintained = TAKE_PTR(next);
        m->n_maintained = n;
        return 1;
}

int manager_set_maintenance(Manager *m, Instance *i, bool on, bool persistent) {
        int r;

        assert(m);
        assert(i);

        if (persistent || !on) { /* off ends a persistent maintenance too: it would come back at a restart */
                r = manager_maintenance_persist(m, i->name, persistent && on);
                if (r < 0)
                        return r;
        }
        if (i->fsm.maintenance == on)
                return 0;
        return instance_set_maintenance(i, on);
}

void manager_maintenance_keep(Manager *m, bool (*kept)(const char *name, void *userdata), void *userdata) {
        size_t n = 0;
        int r;

        assert(m);
        assert(kept);

        for (size_t k = 0; k < m->n_maintained; k++) {
                if (kept(m->maintained[k], userdata)) {
                        m->maintained[n++] = m->maintained[k];
                        continue;
                }
                log_notice("%s: persistent maintenance dropped: the configuration has no instance of that name "
                           "any more", m->maintained[k]);
                free(m->maintained[k]);
        }
        if (n == m->n_maintained)
                return;
        m->n_maintained = n;
        m->maintained[n] = NULL;
        r = manager_maintenance_save(m, m->maintained);
        if (r < 0)
                log_warning_errno(r, "failed to save the persistent maintenance under '%s', ignoring: %m",
                                  m->state_dir ?: "?");
}

int manager_maintenance_restore(Manager *m, Instance *i) {
        assert(m);
        assert(i);

        if (!manager_maintenance_persistent(m, i->name) || i->fsm.maintenance)
                return 0;
        log_notice("%s: in persistent maintenance, as before the restart", i->name);
        return instance_set_maintenance(i, true);
}

void manager_maintenance_done(Manager *m) {
        assert(m);

        m->maintained = strv_free(m->maintained);
        m->n_maintained = 0;
        free(m->state_dir);
        m->state_dir = NULL;
}
