#pragma once

/* The named errors of DESIGN.md §3, for callers that can act on them; the standard ones come from sd-bus
 * (SD_BUS_ERROR_INVALID_ARGS, SD_BUS_ERROR_ACCESS_DENIED). */
#define VRRPD_ERROR_NO_SUCH_INSTANCE "org.vrrpd.Vrrp1.Error.NoSuchInstance"
#define VRRPD_ERROR_INVALID_CONFIG "org.vrrpd.Vrrp1.Error.InvalidConfig"
#define VRRPD_ERROR_NOT_PERMITTED "org.vrrpd.Vrrp1.Error.NotPermitted"

#define VRRPD_BUS_PATH "/org/vrrpd/Vrrp1"
#define VRRPD_BUS_INSTANCE_PREFIX "/org/vrrpd/Vrrp1/instance"
#define VRRPD_BUS_SYNC_GROUP_PREFIX "/org/vrrpd/Vrrp1/sync_group"
#define VRRPD_BUS_MANAGER_INTERFACE "org.vrrpd.Vrrp1.Manager"
#define VRRPD_BUS_INSTANCE_INTERFACE "org.vrrpd.Vrrp1.Instance"
#define VRRPD_BUS_SYNC_GROUP_INTERFACE "org.vrrpd.Vrrp1.SyncGroup"
