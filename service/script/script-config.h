#pragma once

#include "script/script-exec.h"

typedef struct ConfGlobal ConfGlobal;

/* A configured script line made ready to run, as keepalived does: split into words (no shell), run as its own
 * user/group, else global_defs script_user, else the user 'keepalived_script' when it exists, else vrrpd's
 * own; then checked under enable_script_security. Logs, naming `what`, why a script cannot run; returns
 * -ESRCH (unknown user), -EPERM (refused), -ENOENT (missing or not executable) then. */
int script_config_command(const ConfGlobal *g, const char *what, const char *command, const char *user,
                          const char *group, ScriptCommand *ret);
void script_config_command_done(ScriptCommand *c);
/* The same checks, logging nothing: 0 if the script can run, else what script_config_command() returns. */
int script_config_probe(const ConfGlobal *g, const char *command, const char *user, const char *group);
