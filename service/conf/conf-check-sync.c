#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "conf-check.h"
#include "conf.h"

/* keepalived's vrrp_complete_instance(): "In case of VRRP SYNC, we have to carefully check that we are not
 * running floating priorities on any VRRP instance, unless sgroup_tracking_weight is set." A member of a
 * sync group without sync_group_tracking_weight keeps only weight-0 tracks of its own: a weighted interface
 * gets weight 0, a weighted script goes, a file at weight 1 (the default) gets 0, one with another weight
 * goes. The group's own tracks keep their weights (keepalived's sync_group_tracking_init()). */

static void drop_track(ConfTrack *list, size_t *n, size_t k) {
        free(list[k].name);
        memmove(&list[k], &list[k + 1], (*n - k - 1) * sizeof(*list));
        (*n)--;
}

static void sync_weights_scripts(const Config *c, ConfInstance *i, const char *group, ConfDiags *d) {
        for (size_t k = 0; k < i->tracks.n_scripts;) {
                ConfTrack *t = &i->tracks.scripts[k];
                const ConfScript *s = conf_find_script(c, t->name);
                int weight = t->weight != CONF_WEIGHT_UNSET ? t->weight : s ? s->weight : 0;

                if (weight == 0) {
                        k++;
                        continue;
                }
                conf_diag_warning(d, &t->loc,
                                  "'%s' ignores tracked script '%s' with weight %d: it is in "
                                  "vrrp_sync_group '%s' (set sync_group_tracking_weight to keep it)",
                                  i->name, t->name, weight, group);
                drop_track(i->tracks.scripts, &i->tracks.n_scripts, k);
        }
}

static void sync_weights_files(const Config *c, ConfInstance *i, const char *group, ConfDiags *d) {
        for (size_t k = 0; k < i->tracks.n_files;) {
                ConfTrack *t = &i->tracks.files[k];
                const ConfTrackFile *f = conf_find_track_file(c, t->name);
                int weight = t->weight != CONF_WEIGHT_UNSET ? t->weight : f ? f->weight : 0;

                if (weight == 0) {
                        k++;
                } else if (weight == 1) { /* keepalived: "weight == 1 is the default" */
                        conf_diag_warning(d, &t->loc,
                                          "'%s' tracks file '%s' with weight 0: it is in "
                                          "vrrp_sync_group '%s'; specify weight 0",
                                          i->name, t->name, group);
                        t->weight = 0;
                        k++;
                } else {
                        conf_diag_warning(
                                d, &t->loc,
                                "'%s' ignores tracked file '%s' with weight %d: it is "
                                "in vrrp_sync_group '%s' (set sync_group_tracking_weight to keep it)",
                                i->name, t->name, weight, group);
                        drop_track(i->tracks.files, &i->tracks.n_files, k);
                }
        }
}

void conf_check_sync_weights(Config *c, const ConfSyncGroup *g, ConfDiags *d) {
        assert(c);
        assert(g);
        assert(d);

        if (g->tracking_weight)
                return;
        for (size_t m = 0; m < g->n_members; m++) {
                ConfInstance *i = (ConfInstance *) conf_find_instance(c, g->members[m].name);

                if (!i || !i->sync_group || strcmp(i->sync_group, g->name) != 0)
                        continue;
                for (size_t k = 0; k < i->tracks.n_interfaces; k++) {
                        ConfTrack *t = &i->tracks.interfaces[k];
                        if (t->weight == CONF_WEIGHT_UNSET || t->weight == 0)
                                continue;
                        conf_diag_warning(
                                d, &t->loc,
                                "'%s' tracks interface '%s' with weight 0, not %d: it is "
                                "in vrrp_sync_group '%s' (set sync_group_tracking_weight to keep it)",
                                i->name, t->name, t->weight, g->name);
                        t->weight = 0;
                }
                sync_weights_scripts(c, i, g->name, d);
                sync_weights_files(c, i, g->name, d);
        }
}
