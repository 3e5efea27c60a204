#pragma once

/* global_defs' startup_script and shutdown_script, as keepalived's core/main.c runs them: the startup script
 * before any instance starts (they start when it ends or times out, whatever its exit status), the shutdown
 * script once every instance has stopped and the notify stop scripts are done; each killed at its timeout
 * (SIGTERM, then SIGKILL to its process group SCRIPT_EXEC_KILL_GRACE_USEC later). A script that cannot run
 * is logged as disabled and skipped, as keepalived does. Both run as child processes watched by sd-event. */

#include <stdbool.h>

#include <systemd/sd-event.h>

#include "core/vrrp-time.h"
#include "script/script-exec.h"

typedef struct ConfGlobal ConfGlobal;
typedef struct ScriptStartStop ScriptStartStop;

/* Called once the script has ended (logged), timed out, or could not start. */
typedef void (*script_startstop_done_t)(void *userdata);

/* The startup script of g, run in e: 1 with *ret set while it runs (done comes later), 0 when there is none
 * to run (not configured, or disabled: done is not called), < 0 only on allocation failure. */
int script_startstop_start(sd_event *e, const ConfGlobal *g, script_startstop_done_t done, void *userdata,
                           ScriptStartStop **ret);
ScriptStartStop *script_startstop_free(ScriptStartStop *s); /* kills a script still running */
void script_startstop_freep(ScriptStartStop **s);

/* The shutdown script of g, prepared now (the config may go before it runs), or NULL when none runs. */
int script_startstop_prepare_shutdown(const ConfGlobal *g, ScriptStartStop **ret);
/* Runs a prepared shutdown script in a loop of its own until it has ended: bounded by its timeout plus the
 * kill grace. Logs; returns < 0 only if the loop could not be made. */
int script_startstop_run_shutdown(ScriptStartStop *s);
