#pragma once

/* The names of the D-Bus contract (DESIGN.md §3), one copy for the daemon (sd-bus) and vrrpctl (GLib):
 * plain string macros, so it includes nothing and suits both. org.vrrpd.Vrrp1.xml beside it is the API of
 * record; a name changed here changes there too. Not installed. */

#define VRRPD_BUS_NAME "org.vrrpd.Vrrp1"

/* Objects: the manager, and the prefixes under which instances and sync groups hang (their names escaped
 * with sd_bus_path_encode()). */
#define VRRPD_BUS_PATH "/org/vrrpd/Vrrp1"
#define VRRPD_BUS_INSTANCE_PREFIX "/org/vrrpd/Vrrp1/instance"
#define VRRPD_BUS_SYNC_GROUP_PREFIX "/org/vrrpd/Vrrp1/sync_group"

#define VRRPD_BUS_MANAGER_INTERFACE "org.vrrpd.Vrrp1.Manager"
#define VRRPD_BUS_INSTANCE_INTERFACE "org.vrrpd.Vrrp1.Instance"
#define VRRPD_BUS_SYNC_GROUP_INTERFACE "org.vrrpd.Vrrp1.SyncGroup"

/* The named errors, for callers that can act on them; the standard ones are org.freedesktop.DBus.Error.* */
#define VRRPD_ERROR_NO_SUCH_INSTANCE "org.vrrpd.Vrrp1.Error.NoSuchInstance"
#define VRRPD_ERROR_INVALID_CONFIG "org.vrrpd.Vrrp1.Error.InvalidConfig"
#define VRRPD_ERROR_NOT_PERMITTED "org.vrrpd.Vrrp1.Error.NotPermitted"
#define VRRPD_ERROR_NO_SUCH_SYNC_GROUP "org.vrrpd.Vrrp1.Error.NoSuchSyncGroup"
