#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bus/bus-instance.h"
#include "bus/bus-shown.h"
#include "bus/bus-sync-group.h"
#include "bus/bus-util.h"
#include "bus/bus.h"
#include "instance.h"
#include "manager.h"
#include "sync-group.h"
#include "util/log.h"
#include "util/strv.h"

typedef struct BusShownObject {
        char *name;
        char **values;
} BusShownObject;

struct BusShown {
        BusShownObject *instances;
        size_t n_instances;
        BusShownObject *syncs;
        size_t n_syncs;
};

static void bus_shown_objects_free(BusShownObject *o, size_t n) {
        for (size_t k = 0; k < n; k++) {
                free(o[k].name);
                strv_free(o[k].values);
        }
        free(o);
}

BusShown *bus_shown_free(BusShown *s) {
        if (!s)
                return NULL;
        bus_shown_objects_free(s->instances, s->n_instances);
        bus_shown_objects_free(s->syncs, s->n_syncs);
        free(s);
        return NULL;
}

static int bus_shown_read(Bus *b, BusShown *s) {
        Manager *m = b->manager;
        int r;

        s->instances = calloc(m->n_instances ? m->n_instances : 1, sizeof(BusShownObject));
        s->syncs = calloc(m->n_groups ? m->n_groups : 1, sizeof(BusShownObject));
        if (!s->instances || !s->syncs)
                return -ENOMEM;
        for (size_t k = 0; k < m->n_instances; k++) {
                BusShownObject *o = &s->instances[s->n_instances++];

                o->name = strdup(m->instances[k]->name);
                if (!o->name)
                        return -ENOMEM;
                r = bus_instance_shown(b, m->instances[k], &o->values);
                if (r < 0)
                        return r;
        }
        for (size_t k = 0; k < m->n_groups; k++) {
                BusShownObject *o = &s->syncs[s->n_syncs++];

                o->name = strdup(m->groups[k]->name);
                if (!o->name)
                        return -ENOMEM;
                r = bus_sync_group_shown(b, m->groups[k], &o->values);
                if (r < 0)
                        return r;
        }
        return 0;
}

BusShown *bus_shown_new(Bus *b) {
        BusShown *s = calloc(1, sizeof(BusShown));
        int r = s ? bus_shown_read(b, s) : -ENOMEM;

        assert(b);

        if (r < 0) {
                log_warning_errno(r, "failed to read what the bus shows before the reload; the reload's changes "
                                     "to kept objects will not be announced: %m");
                return bus_shown_free(s);
        }
        return s;
}

/* Instances first, then the groups that follow them. A step during the reload may have announced some of it
 * already: it is said again, with the same value. */
void bus_shown_emit_changes(Bus *b, const BusShown *s) {
        assert(b);

        for (size_t k = 0; s && k < s->n_instances; k++) {
                Instance *i = manager_find_instance(b->manager, s->instances[k].name);

                if (i)
                        bus_instance_emit_shown_changes(b, i, s->instances[k].values);
        }
        for (size_t k = 0; s && k < s->n_syncs; k++)
                bus_sync_group_emit_shown_changes(b, s->syncs[k].name, s->syncs[k].values);
}
