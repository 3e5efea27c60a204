#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf-model.h"
#include "os/proc-scan.h"
#include "util/cleanup.h"

/* keepalived's check_params(): params is what follows argv[0] and its NUL in the command line. */
static bool proc_scan_params(const ConfTrackProcess *t, const char *params, size_t len) {
        if (t->param_match == CONF_PARAM_MATCH_EXACT && !t->params && len == 0)
                return true;
        if (len < t->params_len)
                return false;
        if (t->param_match == CONF_PARAM_MATCH_EXACT)
                return len == t->params_len && (!t->params || memcmp(params, t->params, len) == 0);
        if (!t->params)
                return true;
        if (t->param_match == CONF_PARAM_MATCH_PARTIAL)
                return memcmp(params, t->params, t->params_len) == 0;
        /* initial: the last given argument may be the start of a longer one (its NUL is not compared) */
        return memcmp(params, t->params, t->params_len - 1) == 0;
}

bool proc_scan_match(const ConfTrackProcess *t, const char *comm, const char *cmdline, size_t cmdline_len) {
        size_t n0;

        assert(t);
        assert(t->process);

        if (!t->full_command)
                return comm && strcmp(comm, t->process) == 0;
        if (!cmdline || cmdline_len == 0)
                return false; /* kernel threads and zombies have none */
        n0 = strnlen(cmdline, cmdline_len);
        if (n0 != strlen(t->process) || memcmp(cmdline, t->process, n0) != 0)
                return false;
        if (t->param_match == CONF_PARAM_MATCH_NONE)
                return true;
        /* the kernel ends the last word with a NUL; a command line cut short may lack it */
        return proc_scan_params(t, cmdline + n0 + 1, n0 < cmdline_len ? cmdline_len - n0 - 1 : 0);
}

bool proc_scan_match_info(const ConfTrackProcess *t, const ProcInfo *p) {
        assert(p);
        return !p->zombie && proc_scan_match(t, p->comm, p->has_cmdline ? p->cmdline : NULL, p->cmdline_len);
}

static ssize_t proc_scan_file(const char *proc_root, pid_t pid, const char *name, char *buf, size_t size) {
        _cleanup_close_ int fd = -EBADF;
        char path[256];
        ssize_t n;

        snprintf(path, sizeof(path), "%s/%d/%s", proc_root, (int) pid, name);
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        n = read(fd, buf, size);
        return n < 0 ? -errno : n;
}

/* /proc/PID/stat: "PID (COMM) S ...", where COMM may hold ')' and spaces: the last ')' ends it. */
static int proc_scan_stat(const char *proc_root, pid_t pid, ProcInfo *ret) {
        char buf[512];
        const char *open, *close;
        ssize_t n;

        n = proc_scan_file(proc_root, pid, "stat", buf, sizeof(buf) - 1);
        if (n < 0)
                return (int) n;
        buf[n] = '\0';
        open = strchr(buf, '(');
        close = strrchr(buf, ')');
        if (!open || !close || close < open || (size_t) (close - open - 1) >= sizeof(ret->comm))
                return -EBADMSG;
        memcpy(ret->comm, open + 1, (size_t) (close - open - 1));
        ret->comm[close - open - 1] = '\0';
        ret->zombie = close[1] == ' ' && (close[2] == 'Z' || close[2] == 'X');
        return 0;
}

int proc_scan_read(const char *proc_root, pid_t pid, bool want_cmdline, ProcInfo *ret) {
        ssize_t n;
        int r;

        assert(proc_root);
        assert(pid > 0);
        assert(ret);

        ret->pid = pid;
        ret->has_cmdline = false;
        ret->cmdline_len = 0;
        r = proc_scan_stat(proc_root, pid, ret);
        if (r < 0)
                return r;
        if (!want_cmdline)
                return 0;
        n = proc_scan_file(proc_root, pid, "cmdline", ret->cmdline, PROC_SCAN_CMDLINE_MAX);
        if (n < 0)
                return (int) n;
        ret->cmdline[n] = '\0';
        ret->cmdline_len = (size_t) n;
        ret->has_cmdline = true;
        return 0;
}

static pid_t proc_scan_pid(const char *name) {
        char *end;
        long v;

        if (name[0] < '1' || name[0] > '9')
                return 0;
        errno = 0;
        v = strtol(name, &end, 10);
        return errno != 0 || *end != '\0' || v <= 0 || v > INT32_MAX ? 0 : (pid_t) v;
}

static void closedirp(DIR **d) {
        if (*d)
                closedir(*d);
}

int proc_scan_all(const char *proc_root, bool want_cmdline, proc_scan_cb_t cb, void *userdata,
                  size_t *ret_hidden) {
        _cleanup_(closedirp) DIR *d = NULL;
        _cleanup_free_ ProcInfo *info = NULL;
        size_t hidden = 0;
        struct dirent *de;
        int r;

        assert(proc_root);
        assert(cb);

        info = malloc(sizeof(*info));
        if (!info)
                return -ENOMEM;
        d = opendir(proc_root);
        if (!d)
                return -errno;
        while ((de = readdir(d))) {
                pid_t pid = proc_scan_pid(de->d_name);

                if (pid == 0)
                        continue;
                r = proc_scan_read(proc_root, pid, want_cmdline, info);
                if (r == -EACCES || r == -EPERM)
                        hidden++;
                if (r < 0)
                        continue; /* gone meanwhile, or not ours to see */
                r = cb(info, userdata);
                if (r < 0)
                        return r;
        }
        if (ret_hidden)
                *ret_hidden = hidden;
        return 0;
}

/* mountinfo lines: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [TAGS] - FSTYPE SOURCE SUPEROPTS" */
bool proc_scan_hidepid(const char *mountinfo, gid_t *ret_gid) {
        _cleanup_(fclosep) FILE *f = NULL;
        char line[1024];

        assert(mountinfo);
        assert(ret_gid);

        f = fopen(mountinfo, "re");
        if (!f)
                return false;
        while (fgets(line, sizeof(line), f)) {
                char mnt[256], fstype[64], super[512];
                const char *dash = strstr(line, " - ");

                if (!dash || sscanf(line, "%*s %*s %*s %*s %255s", mnt) != 1 || strcmp(mnt, "/proc") != 0)
                        continue;
                if (sscanf(dash, " - %63s %*s %511s", fstype, super) != 2 || strcmp(fstype, "proc") != 0)
                        continue;
                if (strstr(super, "hidepid=1") || strstr(super, "hidepid=2") || strstr(super, "noaccess") ||
                    strstr(super, "invisible")) {
                        const char *g = strstr(super, "gid=");
                        unsigned v = 0;

                        *ret_gid = g && (g == super || g[-1] == ',') && sscanf(g, "gid=%u", &v) == 1 ? v : 0;
                        return true;
                }
        }
        return false;
}
