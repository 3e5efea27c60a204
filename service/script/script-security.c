#include <assert.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "script/script-exec-command.h"
#include "script/script-security.h"
#include "util/cleanup.h"
#include "util/string-table.h"

typedef enum ScriptPathVerdict {
        SCRIPT_PATH_SAFE,
        SCRIPT_PATH_UNSAFE,
        SCRIPT_PATH_WRONG_TYPE,
        SCRIPT_PATH_MISSING,
} ScriptPathVerdict;

bool script_security_is_executable(const struct stat *st, uid_t uid, gid_t gid) {
        assert(st);
        if (uid == 0)
                return st->st_mode & (S_IXUSR | S_IXGRP | S_IXOTH);
        if (uid == st->st_uid)
                return st->st_mode & S_IXUSR;
        if (gid == st->st_gid)
                return st->st_mode & S_IXGRP;
        return st->st_mode & S_IXOTH;
}

int script_security_find_in_path(const char *name, uid_t uid, gid_t gid, char **ret_path) {
        const char *p = SCRIPT_EXEC_PATH;
        bool eacces = false;

        assert(name);
        assert(ret_path);
        if (!*name || strchr(name, '/') || strlen(name) > NAME_MAX)
                return -ENOENT;
        uid = uid == (uid_t) -1 ? geteuid() : uid;
        gid = gid == (gid_t) -1 ? getegid() : gid;
        while (*p) {
                size_t len = strcspn(p, ":");
                _cleanup_free_ char *path = NULL;
                struct stat st;

                if (asprintf(&path, "%.*s/%s", (int) len, p, name) < 0)
                        return -ENOMEM;
                p += len + (p[len] == ':');
                if (stat(path, &st) < 0)
                        continue;
                if (!S_ISREG(st.st_mode) || !script_security_is_executable(&st, uid, gid)) {
                        eacces = true;
                        continue;
                }
                *ret_path = TAKE_PTR(path);
                return 0;
        }
        return eacces ? -EACCES : -ENOENT;
}

/* keepalived's per-part rule of check_security(): a ScriptPathVerdict, or -ENOMEM. */
static int script_security_part(const char *part, bool last, char **reason) {
        struct stat st;
        bool dir, reg, writable_kind;
        int r;

        if (lstat(part, &st) < 0) {
                r = asprintf(reason, "'%s' cannot be accessed: %s", part, strerror(errno));
                return r < 0 ? -ENOMEM : SCRIPT_PATH_MISSING;
        }
        dir = S_ISDIR(st.st_mode);
        reg = S_ISREG(st.st_mode);
        if ((!last && !dir) || (last && !reg && !S_ISLNK(st.st_mode))) {
                r = asprintf(reason, "'%s' is not a %s", part, last ? "file or symlink" : "directory");
                return r < 0 ? -ENOMEM : SCRIPT_PATH_WRONG_TYPE;
        }
        writable_kind = (dir && !(st.st_mode & S_ISVTX)) || reg; /* a symlink's mode means nothing */
        if (st.st_uid != 0)
                r = asprintf(reason, "'%s' is owned by uid %u, not root", part, (unsigned) st.st_uid);
        else if (writable_kind && (st.st_mode & S_IWOTH))
                r = asprintf(reason, "'%s' is writable by others", part);
        else if (writable_kind && st.st_gid != 0 && (st.st_mode & S_IWGRP))
                r = asprintf(reason, "'%s' is writable by group %u", part, (unsigned) st.st_gid);
        else
                return SCRIPT_PATH_SAFE;
        return r < 0 ? -ENOMEM : SCRIPT_PATH_UNSAFE;
}

/* Every prefix of an absolute path, "/" first, then the path itself. */
static int script_security_walk(const char *path, char **reason) {
        _cleanup_free_ char *buf = strdup(path);
        const char *p = path;

        if (!buf)
                return -ENOMEM;
        for (;;) {
                const char *slash = strchr(p, '/');
                size_t len = !slash ? strlen(path) : slash == path ? 1 : (size_t) (slash - path);
                int r;

                memcpy(buf, path, len);
                buf[len] = 0;
                r = script_security_part(buf, !slash, reason);
                if (r != SCRIPT_PATH_SAFE)
                        return r;
                if (!slash)
                        return SCRIPT_PATH_SAFE;
                p = slash + 1;
        }
}

static bool script_security_same_file(const char *a, const char *b) {
        struct stat sa, sb;

        return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* The configured name inside the resolved directory, when that is another entry for the same file (a symlink
 * beside it): keepalived checks that name too (check_script_secure()'s new_path). NULL if there is none. */
static char *script_security_alias(const char *path, const char *real) {
        _cleanup_free_ char *dir = strdup(path), *base = strdup(path), *realdir = NULL;
        char *alias = NULL;

        if (!dir || !base)
                return NULL;
        realdir = realpath(dirname(dir), NULL);
        if (!realdir)
                return NULL;
        if (asprintf(&alias, "%s%s%s", realdir, strcmp(realdir, "/") == 0 ? "" : "/", basename(base)) < 0)
                return NULL;
        if (strcmp(alias, real) == 0 || !script_security_same_file(alias, real)) {
                free(alias);
                return NULL;
        }
        return alias;
}

static bool script_security_needs_protection(const struct stat *st, uid_t uid, gid_t gid) {
        return uid == 0 || gid == 0 ||
               (st->st_uid == 0 && (st->st_mode & S_IXUSR) && (st->st_mode & S_ISUID)) ||
               (st->st_gid == 0 && (st->st_mode & S_IXGRP) && (st->st_mode & S_ISGID));
}

/* The path checks of a script that runs as root: a ScriptPathVerdict, or -ENOMEM. */
static int script_security_paths(const char *path, const char *real, char **reason) {
        _cleanup_free_ char *alias = NULL;
        int r;

        r = script_security_walk(real, reason);
        if (r != SCRIPT_PATH_SAFE)
                return r;
        alias = script_security_alias(path, real);
        return alias ? script_security_walk(alias, reason) : SCRIPT_PATH_SAFE;
}

static int script_security_fail(ScriptSecurityVerdict v, ScriptSecurityVerdict *ret_verdict,
                                char **ret_reason, const char *format, ...)
        __attribute__((format(printf, 4, 5)));

static int script_security_fail(ScriptSecurityVerdict v, ScriptSecurityVerdict *ret_verdict,
                                char **ret_reason, const char *format, ...) {
        va_list ap;
        int r;

        va_start(ap, format);
        r = vasprintf(ret_reason, format, ap);
        va_end(ap);
        if (r < 0) {
                *ret_reason = NULL;
                return -ENOMEM;
        }
        *ret_verdict = v;
        return 0;
}

/* Finds the file. 1: found, *ret_path and *ret_real set, *ret_protect says whether it runs as root; 0: it
 * cannot run, *ret_verdict and *ret_reason say why; -ENOMEM. */
static int script_security_locate(const char *argv0, uid_t uid, gid_t gid, char **ret_path, char **ret_real,
                                  bool *ret_protect, ScriptSecurityVerdict *ret_verdict, char **ret_reason) {
        _cleanup_free_ char *path = NULL, *real = NULL;
        struct stat st;
        int r;

        r = strchr(argv0, '/') ? 0 : script_security_find_in_path(argv0, uid, gid, &path);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return script_security_fail(r == -EACCES ? SCRIPT_SECURITY_NOT_EXECUTABLE
                                                         : SCRIPT_SECURITY_NOT_FOUND,
                                            ret_verdict, ret_reason, "'%s' %s in PATH", argv0,
                                            r == -EACCES ? "is not executable" : "is not found");
        if (!path && !(path = strdup(argv0)))
                return -ENOMEM;
        real = realpath(path, NULL);
        if (!real || stat(real, &st) < 0)
                return script_security_fail(SCRIPT_SECURITY_NOT_FOUND, ret_verdict, ret_reason,
                                            "'%s' cannot be accessed: %m", path);
        if (!S_ISREG(st.st_mode) || !script_security_is_executable(&st, uid, gid))
                return script_security_fail(SCRIPT_SECURITY_NOT_EXECUTABLE, ret_verdict, ret_reason,
                                            "'%s' is not executable for uid:gid %u:%u", real, (unsigned) uid,
                                            (unsigned) gid);
        *ret_protect = script_security_needs_protection(&st, uid, gid);
        *ret_path = TAKE_PTR(path);
        *ret_real = TAKE_PTR(real);
        return 1;
}

int script_security_check(const char *argv0, uid_t uid, gid_t gid, bool enable_script_security,
                          ScriptSecurityVerdict *ret_verdict, char **ret_reason) {
        _cleanup_free_ char *path = NULL, *real = NULL, *reason = NULL;
        bool protect = true;
        int r;

        assert(argv0);
        assert(ret_verdict);
        assert(ret_reason);
        *ret_reason = NULL;
        *ret_verdict = SCRIPT_SECURITY_OK;
        if (script_security_is_shell_test(argv0))
                return 0;
        uid = uid == (uid_t) -1 ? geteuid() : uid;
        gid = gid == (gid_t) -1 ? getegid() : gid;
        r = script_security_locate(argv0, uid, gid, &path, &real, &protect, ret_verdict, ret_reason);
        if (r <= 0)
                return r;
        if (!protect)
                return 0; /* does not run as root: nothing more to check */
        r = script_security_paths(path, real, &reason);
        if (r < 0)
                return r;
        if (r == SCRIPT_PATH_SAFE)
                return 0;
        *ret_verdict = r == SCRIPT_PATH_MISSING      ? SCRIPT_SECURITY_NOT_FOUND
                       : r == SCRIPT_PATH_WRONG_TYPE ? SCRIPT_SECURITY_REFUSED
                       : enable_script_security      ? SCRIPT_SECURITY_REFUSED
                                                     : SCRIPT_SECURITY_INSECURE;
        *ret_reason = TAKE_PTR(reason);
        return 0;
}

bool script_security_is_shell_test(const char *argv0) {
        assert(argv0);
        return argv0[0] == '<' && argv0[1 + strspn(argv0 + 1, " \t")] == '/';
}

bool script_security_verdict_runs(ScriptSecurityVerdict v) {
        return v == SCRIPT_SECURITY_OK || v == SCRIPT_SECURITY_INSECURE;
}

static const char *const script_security_verdict_table[_SCRIPT_SECURITY_VERDICT_MAX] = {
        [SCRIPT_SECURITY_OK] = "ok",
        [SCRIPT_SECURITY_INSECURE] = "insecure",
        [SCRIPT_SECURITY_REFUSED] = "refused",
        [SCRIPT_SECURITY_NOT_FOUND] = "not-found",
        [SCRIPT_SECURITY_NOT_EXECUTABLE] = "not-executable",
};

DEFINE_STRING_TABLE_TO_STRING(script_security_verdict, ScriptSecurityVerdict);
