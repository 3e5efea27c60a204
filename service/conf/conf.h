#pragma once

#include <stddef.h>

#include "conf-diag.h"
#include "conf-model.h"
#include "conf-source.h"

/* vrrpd's entry point into the keepalived.conf dialect. A load reads the whole configuration, reports every
 * problem it finds into the caller's ConfDiags (errors and warnings, in source order) and yields a complete,
 * checked Config only when there was no error. Nothing here logs or touches the system beyond reading files. */

typedef struct ConfLoadOptions {
        const char *config_id; /* "@ID" lines are kept when ID is this; NULL keeps only "@^ID" lines */
        const char *hostname;  /* router_id when global_defs has none (keepalived: the node name) */
        const ConfSourceOps *ops; /* NULL: the filesystem */
        /* The command line's word, over the file's (keepalived's -s --namespace; vrrpd's --bus-name): NULL
         * leaves net_namespace and dbus_service_name as the file says. Checked by the caller. */
        const char *net_namespace;
        const char *bus_name;
} ConfLoadOptions;

/* 0 and *ret on success (d may hold warnings); -EINVAL when d holds errors; other negative errno when the file
 * cannot be read (also in d) or memory ran out. */
int conf_load_file(const char *path, const ConfLoadOptions *o, Config **ret, ConfDiags *d);
int conf_load_buffer(const char *name, const char *data, size_t size, const ConfLoadOptions *o, Config **ret,
                     ConfDiags *d);

Config *conf_free(Config *c);
void conf_freep(Config **c);

const ConfInstance *conf_find_instance(const Config *c, const char *name);
const ConfScript *conf_find_script(const Config *c, const char *name);
const ConfTrackFile *conf_find_track_file(const Config *c, const char *name);
const ConfTrackProcess *conf_find_track_process(const Config *c, const char *name);
const ConfSyncGroup *conf_find_sync_group(const Config *c, const char *name);
