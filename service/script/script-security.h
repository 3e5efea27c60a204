#pragma once

/* keepalived's script checks at configuration time (lib/notify.c check_script_secure(), check_security(),
 * find_path(), is_executable(), keepalived 2.2.7), as a verdict for the caller to log and act on:
 *  - a bare name is searched on PATH (keepalived warns: give the full path);
 *  - the script must exist (symlinks resolved) and be executable by the uid/gid it runs as: root needs any x
 * bit, the owner the user x bit, the group the group x bit, everyone else the other x bit;
 *  - when it runs as root (uid 0 or gid 0, or is setuid/setgid root), every part of its path, from "/" to
 * the file, on the resolved path (and on the configured name in the resolved directory when that is a
 * different entry, e.g. a symlink) is checked with lstat(): each must be owned by root, and a regular file
 * or a directory without the sticky bit must not be writable by a non-root group or by others; a part that
 * is not a directory (or, last, not a file or symlink) is the wrong type;
 *  - a "</path" command (keepalived's file test through the shell) is not checked.
 * keepalived then runs an insecure script anyway unless enable_script_security is set (and logs
 * "SECURITY VIOLATION"); a wrong type, a missing or a non-executable script is never run. Not mirrored:
 * keepalived resolves the path under the script user's euid (seteuid), so a directory that user cannot
 * search makes the script "not found"; here the daemon's permissions decide. */

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

typedef enum ScriptSecurityVerdict {
        SCRIPT_SECURITY_OK,
        SCRIPT_SECURITY_INSECURE,  /* changeable by a non-root user, runs (enable_script_security off) */
        SCRIPT_SECURITY_REFUSED,   /* insecure with enable_script_security on, or a wrong file type */
        SCRIPT_SECURITY_NOT_FOUND, /* missing, or a bare name not on PATH */
        SCRIPT_SECURITY_NOT_EXECUTABLE, /* not executable for the uid/gid it runs as */
        _SCRIPT_SECURITY_VERDICT_MAX,
} ScriptSecurityVerdict;

/* argv0: the command's first word. uid/gid: the user it runs as, (uid_t) -1 / (gid_t) -1 for vrrpd's own.
 * Returns < 0 only on allocation failure; otherwise the verdict, and a reason in plain words for the log
 * (e.g. "'/tmp/x' is writable by others") unless the verdict is OK. The caller frees *ret_reason. */
int script_security_check(const char *argv0, uid_t uid, gid_t gid, bool enable_script_security,
                          ScriptSecurityVerdict *ret_verdict, char **ret_reason);

/* keepalived's "</path" command: a file test through /bin/sh, never checked. */
bool script_security_is_shell_test(const char *argv0);

/* True for the verdicts under which keepalived runs the script (OK, INSECURE). */
bool script_security_verdict_runs(ScriptSecurityVerdict v);
const char *script_security_verdict_to_string(ScriptSecurityVerdict v);

/* keepalived's is_executable() for a stat() result and the uid/gid the script runs as. */
bool script_security_is_executable(const struct stat *st, uid_t uid, gid_t gid);

/* A bare name searched on SCRIPT_EXEC_PATH (glibc execvp()'s walk, as keepalived's find_path()): the first
 * regular file executable for uid/gid. -ENOENT if none, -EACCES if one was found but not executable. */
int script_security_find_in_path(const char *name, uid_t uid, gid_t gid, char **ret_path);
