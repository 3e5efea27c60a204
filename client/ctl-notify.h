#pragma once

#include <gio/gio.h>

char *ctl_notify_summary(const char *name, const char *new_state, const char *ifname);
void ctl_notify_post(GDBusConnection *session, const char *name, const char *ifname, const char *old_state,
                     const char *new_state, const char *reason);
/* SplitBrain of an instance rose (critical) or fell. */
void ctl_notify_split_brain(GDBusConnection *session, const char *name, const char *ifname, gboolean on);
