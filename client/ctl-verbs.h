#pragma once

#include <gio/gio.h>

#include "ctl.h"

/* One function per command; args are the words after the command, NULL-terminated, their count already
 * checked by the dispatch table in vrrpctl.c. Each returns the exit code: 0, 1, or 2 for usage. */
typedef int (*CtlVerb)(const CtlBus *bus, const CtlOptions *opts, char **args);
/* Checks a verb's words before the bus is opened; a failure is a usage error. */
typedef gboolean (*CtlCheck)(char **args, GError **error);

/* A number from min to max (at most 255), else a usage error saying "WHAT must be a number from …". */
gboolean ctl_control_parse_byte(const char *s, guint min, guint max, const char *what, guchar *ret,
                                GError **error);
gboolean ctl_control_check_set_priority(char **args, GError **error);
gboolean ctl_control_check_maintenance(char **args, GError **error);
gboolean ctl_demote_check(char **args, GError **error);

int ctl_list(const CtlBus *bus, const CtlOptions *opts, char **args);
int ctl_list_is_master(const CtlBus *bus, const CtlOptions *opts, char **args);
int ctl_status(const CtlBus *bus, const CtlOptions *opts, char **args);
int ctl_control_set_priority(const CtlBus *bus, const CtlOptions *opts, char **args);
int ctl_control_reset_priority(const CtlBus *bus, const CtlOptions *opts, char **args);
int ctl_control_maintenance(const CtlBus *bus, const CtlOptions *opts, char **args);
int ctl_control_garp(const CtlBus *bus, const CtlOptions *opts, char **args);
int ctl_control_reload(const CtlBus *bus, const CtlOptions *opts, char **args);
int ctl_demote(const CtlBus *bus, const CtlOptions *opts, char **args);
int ctl_demote_list(const CtlBus *bus, const CtlOptions *opts, char **args);
int ctl_monitor(const CtlBus *bus, const CtlOptions *opts, char **args);
int ctl_metrics(const CtlBus *bus, const CtlOptions *opts, char **args);
