#pragma once

typedef struct BusShown BusShown;
typedef struct Manager Manager;

/* The instance names a reload added, removed and changed, and the sync group names it added and removed
 * (NULL-terminated), and what the bus showed before it (free all with manager_reload_done()). */
typedef struct ManagerReload {
        char **added;
        char **removed;
        char **changed;
        char **syncs_added;
        char **syncs_removed;
        BusShown *shown; /* bus_manager_shown() before the reload; NULL without a bus */
        char *error; /* the first error, "file:line:column: what is wrong", when the new config did not load */
} ManagerReload;

/* Re-reads the config file (DESIGN §1, §3). Everything that can fail happens before anything changes: on any
 * error the running config stays as it is and -EINVAL (bad config) or another -errno comes back. Instances
 * are matched by (interface, family, VRID): a matched one keeps its state, statistics and VIPs, and only the
 * difference is applied (a master adds and announces new VIPs, drops removed ones); removed instances resign
 * with priority 0; new ones start. Health scripts whose settings did not change keep running, results and all. */
int manager_reload(Manager *m, ManagerReload *ret);
void manager_reload_done(ManagerReload *r);
