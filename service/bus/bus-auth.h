#pragma once

#include <sys/types.h>

#include <systemd/sd-bus.h>

typedef struct Manager Manager;

/* 1 when the sender of m may call control methods (uid 0, or a member of operator_gid by the group database;
 * (gid_t) -1: root only), 0 when not, < 0 when that could not be told (callers refuse). The uid is the one
 * the bus vouches for, never one read from /proc. */
int bus_auth_is_operator(sd_bus_message *m, gid_t operator_gid);

/* The operator check of a control method against global_defs vrrpd_privileged_group (default "vrrpd"):
 * 0 to go on, or sets org.freedesktop.DBus.Error.AccessDenied in error and returns its negative errno. */
int bus_auth_check_operator(Manager *manager, sd_bus_message *m, sd_bus_error *error);
