#pragma once

#include "core/vrrp-fsm.h"

typedef struct BusShown BusShown;
typedef struct Instance Instance;
typedef struct Manager Manager;
typedef struct ManagerReload ManagerReload;

/* Connects to the system bus (DBUS_SYSTEM_BUS_ADDRESS when set), serves the objects of DESIGN §3 (the
 * Manager with its ObjectManager, the instances, the sync groups) and takes org.vrrpd.Vrrp1, attached to the
 * manager's loop: owning the name means the objects are there. */
int bus_manager_setup(Manager *m);

/* After a step that changed something (manager_on_instance_changed): StateChanged, then PropertiesChanged of
 * the instance (and later of its sync group). Nothing without a bus. */
void bus_emit_instance_changed(Manager *m, Instance *i, const VrrpActions *a);

/* Before a reload changes anything: what every instance and sync group shows in its change-emitting
 * properties, for bus_manager_emit_reloaded() to compare with. NULL without a bus (or when it cannot be
 * read: logged). */
BusShown *bus_manager_shown(Manager *m);
BusShown *bus_manager_shown_free(BusShown *s);

/* After a successful reload, from SIGHUP or Reload(): InterfacesRemoved/Added for the instances and sync
 * groups that went and came, PropertiesChanged for what changed in those it kept (rl->shown),
 * LastReloadUSec, and Reloaded. Nothing without a bus. */
void bus_manager_emit_reloaded(Manager *m, const ManagerReload *rl);
