#pragma once

/* One command run as a child process, watched by sd-event: it never blocks the loop.
 *
 * keepalived 2.2.7 runs no shell: the command string is split into words (lib/parser.c
 * alloc_strvec_quoted_escaped(), from set_script_params_array() in lib/notify.c) and argv[0] is exec'd with
 * the rest as arguments (system_call_script()). Quotes ' and " group words, backslash escapes work inside
 * and outside quotes (\n \t \xHH \NNN octal \cX ...). Two shell fallbacks as keepalived has them: a
 * command starting with '<' then '/' (the "</dev/tcp/..." or "</path" file test) runs through /bin/sh -c,
 * and a file without a #! line (execve fails with ENOEXEC) is run by /bin/sh, as keepalived does through
 * system() when libmagic says so.
 *
 * The child: its own session and process group (setsid()), stdin /dev/null, stdout and stderr into a pipe
 * that the loop reads and logs line by line at info ("NAME: line"), every other fd closed, signal mask and
 * dispositions reset, optional uid/gid (supplementary groups reduced to the gid), an environment of PATH
 * only (plus the caller's extra entries), SIGTERM when vrrpd dies (PR_SET_PDEATHSIG, as keepalived). On
 * timeout the whole group gets SIGTERM, then SIGKILL after kill_grace_usec; once a timed-out child has
 * exited, whatever is left of its group gets SIGKILL (keepalived's vrrp_script_child_thread()).
 *
 * The caller must have SIGCHLD blocked before the sd_event loop exists (sd_event_add_child() needs it). */

#include <stdbool.h>
#include <sys/types.h>

#include <systemd/sd-event.h>

#include "core/vrrp-time.h"

#define SCRIPT_EXEC_KILL_GRACE_USEC (2 * USEC_PER_SEC) /* keepalived: SIGTERM, then SIGKILL 2 s later */
#define SCRIPT_EXEC_LINE_MAX 512                       /* longer output lines are logged in pieces */
#define SCRIPT_EXEC_READ_MAX 4096                      /* bytes of output read per wakeup */
#define SCRIPT_EXEC_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define SCRIPT_EXEC_UID_INVALID ((uid_t) -1)
#define SCRIPT_EXEC_GID_INVALID ((gid_t) -1)

typedef struct ScriptExec ScriptExec;

/* A configured command: what `script "..."`, `notify_master "..." [user [group]]` and friends turn into. */
typedef struct ScriptCommand {
        char **argv; /* NULL-terminated; argv[0] absolute, or a bare name searched on PATH */
        uid_t uid;   /* SCRIPT_EXEC_UID_INVALID: run as vrrpd's own user */
        gid_t gid;   /* SCRIPT_EXEC_GID_INVALID: keep vrrpd's group */
} ScriptCommand;

typedef enum ScriptExitKind {
        SCRIPT_EXIT_EXITED,    /* status is the exit code */
        SCRIPT_EXIT_SIGNALED,  /* status is the signal that killed it */
        SCRIPT_EXIT_TIMED_OUT, /* killed by us at its timeout; status is the signal that ended it */
} ScriptExitKind;

typedef struct ScriptResult {
        ScriptExitKind kind;
        int status;
        pid_t pid;
        usec_t runtime_usec;
} ScriptResult;

/* Called once, when the child has exited and its output is logged. The handler may free the ScriptExec. */
typedef void (*script_exec_handler_t)(ScriptExec *s, const ScriptResult *result, void *userdata);

typedef struct ScriptExecParams {
        const char *name; /* log prefix: a vrrp_script name, "vi_1 notify_master", ... */
        const ScriptCommand *command;
        char *const
                *extra_argv; /* appended after command->argv (notify's INSTANCE name STATE prio), or NULL */
        char *const *extra_env; /* "KEY=value" entries added to PATH=, or NULL */
        usec_t timeout_usec;    /* 0 or USEC_INFINITY: none */
        usec_t kill_grace_usec; /* 0: SCRIPT_EXEC_KILL_GRACE_USEC */
} ScriptExecParams;

/* keepalived's word splitting of a command string. -EINVAL on an unmatched quote, a trailing backslash, an
 * escape that makes a NUL byte, or no word at all. *ret_argv is NULL-terminated; free it with
 * script_exec_strv_free(). */
int script_exec_split(const char *command, char ***ret_argv);
char **script_exec_strv_free(char **l);
void script_exec_strv_freep(char ***l);
size_t script_exec_strv_length(char *const *l);
char **script_exec_strv_copy(char *const *l); /* NULL on OOM or on NULL */

/* keepalived's set_uid_gid() for `script_user USER [GROUP]` and a script's `USER [GROUP]`: the user's uid
 * and primary gid, or GROUP's gid when given. -ESRCH if the user or the group does not exist. (keepalived's
 * default script user is `keepalived_script` if it exists, else vrrpd's own: the caller decides.) */
int script_exec_resolve_user(const char *user, const char *group, uid_t *ret_uid, gid_t *ret_gid);

/* Forks and execs. Returns 0 with *ret set, or -errno if nothing was started (fork, pipe, event sources; a
 * bare name not found on PATH gives -ENOENT). Failures after fork (exec, setuid) show up as exit code 127
 * (not found / not executable: the reason is in the log through the output pipe) or 126 (could not switch
 * user). */
int script_exec_start(sd_event *e, const ScriptExecParams *p, script_exec_handler_t handler, void *userdata,
                      ScriptExec **ret);

/* Cancels a running child (SIGKILL to its group, then reaps it) and frees. NULL-tolerant, returns NULL. */
ScriptExec *script_exec_free(ScriptExec *s);
void script_exec_freep(ScriptExec **s);

pid_t script_exec_get_pid(const ScriptExec *s);
bool script_exec_is_running(const ScriptExec *s);
const char *script_exec_kind_to_string(ScriptExitKind k);
