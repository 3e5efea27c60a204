#pragma once

/* A command made ready to exec, before anything forks: its words, its user, the argv and the environment
 * the child gets. Non-logging.
 *
 * keepalived 2.2.7 runs no shell: the command string is split into words (lib/parser.c
 * alloc_strvec_quoted_escaped(), from set_script_params_array() in lib/notify.c) and argv[0] is exec'd with
 * the rest as arguments (system_call_script()). Quotes ' and " group words, backslash escapes work inside
 * and outside quotes (\n \t \xHH \NNN octal \cX ...). A command starting with '<' then '/' (the
 * "</dev/tcp/..." or "</path" file test) runs through /bin/sh -c, as keepalived has it. */

#include <stddef.h>
#include <sys/types.h>

#define SCRIPT_EXEC_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define SCRIPT_EXEC_UID_INVALID ((uid_t) -1)
#define SCRIPT_EXEC_GID_INVALID ((gid_t) -1)
#define SCRIPT_EXEC_ENV_MAX 32 /* environment entries, PATH= included */

/* A configured command: what `script "..."`, `notify_master "..." [user [group]]` and friends turn into. */
typedef struct ScriptCommand {
        char **argv; /* NULL-terminated; argv[0] absolute, or a bare name searched on PATH */
        uid_t uid;   /* SCRIPT_EXEC_UID_INVALID: run as vrrpd's own user */
        gid_t gid;   /* SCRIPT_EXEC_GID_INVALID: keep vrrpd's group */
} ScriptCommand;

/* keepalived's word splitting of a command string. -EINVAL on an unmatched quote, a trailing backslash, an
 * escape that makes a NUL byte, or no word at all. *ret_argv is NULL-terminated; free it with
 * strv_free(). */
int script_exec_split(const char *command, char ***ret_argv);

/* keepalived's set_uid_gid() for `script_user USER [GROUP]` and a script's `USER [GROUP]`: the user's uid
 * and primary gid, or GROUP's gid when given. -ESRCH if the user or the group does not exist. (keepalived's
 * default script user is `keepalived_script` if it exists, else vrrpd's own: the caller decides.) */
int script_exec_resolve_user(const char *user, const char *group, uid_t *ret_uid, gid_t *ret_gid);

/* The argv to exec: command's words, then extra_argv's (NULL: none). A "</path" test becomes /bin/sh -c and
 * the words joined as keepalived's cmd_str_r() quotes them; a bare argv[0] is resolved on SCRIPT_EXEC_PATH
 * for the command's uid/gid (-ENOENT, -EACCES: script_security_find_in_path()). -EINVAL: no command, or no
 * word. Free *ret with strv_free(). */
int script_exec_build_argv(const ScriptCommand *command, char *const *extra_argv, char ***ret);

/* The child's environment into env (room for SCRIPT_EXEC_ENV_MAX + 1 pointers): PATH=SCRIPT_EXEC_PATH, then
 * extra_env's entries (NULL: none; borrowed, not copied), NULL-terminated. -E2BIG: more than
 * SCRIPT_EXEC_ENV_MAX entries in all. */
int script_exec_build_env(char *const *extra_env, char **env);
