#pragma once

typedef struct Config Config;

/* Runs the daemon on a loaded, checked config (taken over) until SIGTERM/SIGINT; config_id and hostname are
 * what it was loaded with, for reloads. Returns an exit status. */
int daemon_run(Config *config, const char *config_path, const char *config_id, const char *hostname);
