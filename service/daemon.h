#pragma once

typedef struct Config Config;
typedef struct ConfLoadOptions ConfLoadOptions;

/* Runs the daemon on a loaded, checked config (taken over) until SIGTERM/SIGINT; o is what it was loaded
 * with, for reloads. Returns an exit status. */
int daemon_run(Config *config, const char *config_path, const ConfLoadOptions *o);
