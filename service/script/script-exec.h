#pragma once

/* One command run as a child process, watched by sd-event: it never blocks the loop. Its argv and
 * environment come from script-exec-command.h (keepalived's word splitting, no shell); a file without a #!
 * line (execve fails with ENOEXEC) is run by /bin/sh, as keepalived does through system() when libmagic says
 * so.
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
#include "script/script-exec-command.h"

#define SCRIPT_EXEC_KILL_GRACE_USEC (2 * USEC_PER_SEC) /* keepalived: SIGTERM, then SIGKILL 2 s later */
#define SCRIPT_EXEC_LINE_MAX 512                       /* longer output lines are logged in pieces */
#define SCRIPT_EXEC_READ_MAX 4096                      /* bytes of output read per wakeup */

typedef struct ScriptExec ScriptExec;

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
