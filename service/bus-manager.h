#pragma once

typedef struct Manager Manager;

/* Connects to the system bus (DBUS_SYSTEM_BUS_ADDRESS when set) and takes org.vrrpd.Vrrp1, attached to the
 * manager's loop. The objects of DESIGN §3 hang off this connection. */
int bus_manager_setup(Manager *m);
