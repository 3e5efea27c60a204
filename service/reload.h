#pragma once

#include <stdbool.h>
#include <stddef.h>

typedef struct Config Config;
typedef struct ConfInstance ConfInstance;
typedef struct ConfSyncGroup ConfSyncGroup;
typedef struct Instance Instance;
typedef struct Manager Manager;
typedef struct SyncGroup SyncGroup;

/* An instance or group the reload keeps, and its entry in the new config: at reload_begin it still runs
 * with its old one (instance->conf), at reload_end with this one; both live until reload_end returns. */
typedef struct ReloadKept {
        Instance *instance;
        const ConfInstance *conf;
} ReloadKept;

typedef struct ReloadKeptGroup {
        SyncGroup *group;
        const ConfSyncGroup *conf;
} ReloadKeptGroup;

/* What a reload changed, as listeners hear it (reload_begin, reload_end): instance and sync group names,
 * NULL-terminated. A renamed instance is another object on the bus (its path is its name), so its old name
 * counts as removed and its new one as added. */
typedef struct ReloadDiff {
        bool initial;         /* startup: the running set was empty */
        const Config *config; /* the config the reload builds the running set from */
        ReloadKept *kept;
        size_t n_kept;
        ReloadKeptGroup *kept_groups;
        size_t n_kept_groups;
        char **added;
        char **removed;
        char **changed;
        char **groups_added;
        char **groups_removed;
} ReloadDiff;

/* What a reload tells its caller: the instance names it added, removed and changed, or the first error. */
typedef struct ReloadResult {
        char **added;
        char **removed;
        char **changed;
        char *error; /* "file:line:column: what is wrong", when the new config did not load */
} ReloadResult;

/* Builds the running set from next (taken over, also on failure): the one way there is, for startup (from
 * the empty set: every instance is added) and for reloads. What can fail is done first; then instances are
 * matched by identity and kept, added or removed, and sync groups by name, and the listeners hear of it
 * (reload_begin, instance and group added and removed, reload_end). At startup an instance that cannot be
 * built is left out (logged) unless none can; a reload fails whole and changes nothing, with ret->error. ret
 * (NULL at startup) gets the names the diff lists. */
int reload_apply(Manager *m, Config *next, ReloadResult *ret);

/* Re-reads the config file (DESIGN §1, §3), `why` saying who asked, for the log. Everything that can fail
 * happens before anything changes: on any error the running config stays as it is and -EINVAL (bad config)
 * or another -errno comes back, with ret->error. Instances are matched by (interface, family, VRID): a
 * matched one keeps its state, statistics and VIPs, and only the difference is applied (a master adds and
 * announces new VIPs, drops removed ones); removed instances resign with priority 0; new ones start. Health
 * scripts whose settings did not change keep running, results and all. */
int manager_reload(Manager *m, const char *why, ReloadResult *ret);
void reload_result_done(ReloadResult *r);

/* dynamic_interfaces: i's interface is here now (again, maybe under another index). i is built anew from its
 * config and takes what needs the interface (its socket, its VIPs' interface, its source address) as a
 * reload would; then its no-interface fault clears. Logs its errors; i keeps waiting on failure. */
int reload_bind_instance(Manager *m, Instance *i);
