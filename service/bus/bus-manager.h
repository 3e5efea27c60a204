#pragma once

typedef struct Bus Bus;
typedef struct Config Config;
typedef struct ReloadDiff ReloadDiff;

/* org.vrrpd.Vrrp1.Manager at /org/vrrpd/Vrrp1, with the ObjectManager, and below it the instance and sync
 * group objects. */
int bus_manager_add_objects(Bus *b);

/* After a reload, from SIGHUP or Reload(): InterfacesRemoved/Added for the instances and sync groups that
 * went and came, PropertiesChanged for what changed in those it kept (b->shown), LastReloadUSec, RouterId,
 * and Reloaded. */
void bus_manager_emit_reloaded(Bus *b, const ReloadDiff *diff);
/* InterfacesAdded for up to max objects from the from-th on, counting the instances, then the sync groups
 * (members before their groups): the objects are back (a new connection to the bus), as a reload that added
 * them all would say. Returns how many it announced, 0 once past the last. */
size_t bus_manager_emit_added(Bus *b, size_t from, size_t max);
/* DisabledScripts after a start or reload of c: what it left out, emitting the change once the bus is up. */
void bus_manager_check_scripts(Bus *b, const Config *c);
