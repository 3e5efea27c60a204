#pragma once

typedef struct Config Config;

/* Runs the daemon on a loaded, checked config (taken over) until SIGTERM/SIGINT. Returns an exit status. */
int daemon_run(Config *config, const char *config_path);
