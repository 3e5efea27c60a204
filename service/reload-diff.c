#include <assert.h>
#include <string.h>

#include "conf/conf-model.h"
#include "util/cleanup.h"
#include "instance-vips.h"
#include "instance.h"
#include "reload-diff.h"

static bool reload_str_eq(const char *a, const char *b) {
        return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

bool reload_notify_same(const ConfNotifies *a, const ConfNotifies *b) {
        const ConfNotify *x[] = { &a->any,  &a->master,  &a->backup,      &a->fault,
                                  &a->stop, &a->deleted, &a->rx_lower_pri };
        const ConfNotify *y[] = { &b->any,  &b->master,  &b->backup,      &b->fault,
                                  &b->stop, &b->deleted, &b->rx_lower_pri };

        assert(a);
        assert(b);

        for (size_t k = 0; k < ELEMENTSOF(x); k++)
                if (!reload_str_eq(x[k]->command, y[k]->command) || !reload_str_eq(x[k]->user, y[k]->user) ||
                    !reload_str_eq(x[k]->group, y[k]->group))
                        return false;
        return true;
}

static bool reload_tracks_same(const ConfTrack *a, size_t na, const ConfTrack *b, size_t nb) {
        if (na != nb)
                return false;
        for (size_t k = 0; k < na; k++)
                if (strcmp(a[k].name, b[k].name) != 0 || a[k].weight != b[k].weight || a[k].reverse != b[k].reverse)
                        return false;
        return true;
}

static bool reload_params_changed(const Instance *old, const Instance *next) {
        const VrrpParams *a = &old->params.fsm, *b = &next->params.fsm;

        return a->version != b->version || a->priority != b->priority || a->interval_usec != b->interval_usec ||
               a->preempt != b->preempt || a->preempt_delay_usec != b->preempt_delay_usec ||
               a->accept != b->accept || a->init_master != b->init_master ||
               a->lower_prio_no_advert != b->lower_prio_no_advert ||
               a->higher_prio_send_advert != b->higher_prio_send_advert ||
               a->garp_lower_prio != b->garp_lower_prio || a->down_timer_adverts != b->down_timer_adverts ||
               a->owner_ignore_adverts != b->owner_ignore_adverts ||
               a->timer_expired_backup != b->timer_expired_backup;
}

static bool reload_wire_changed(const Instance *old, const Instance *next) {
        return vrrp_addr_cmp(old->params.fsm.family, &old->src, &next->src) != 0 || old->n_dsts != next->n_dsts ||
               memcmp(old->dsts, next->dsts, old->n_dsts * sizeof(VrrpAddr)) != 0 ||
               old->params.rx.auth_type != next->params.rx.auth_type ||
               memcmp(old->params.rx.auth_pass, next->params.rx.auth_pass, sizeof(old->params.rx.auth_pass)) != 0;
}

bool reload_instance_changed(const Instance *old, const Instance *next) {
        const ConfInstance *x = old->conf, *y = next->conf;

        assert(old);
        assert(next);

        if (strcmp(x->name, y->name) != 0 || !reload_str_eq(x->sync_group, y->sync_group) ||
            reload_params_changed(old, next) || reload_wire_changed(old, next) || !instance_vips_same(old, next))
                return true;
        return !reload_notify_same(&x->notify, &y->notify) ||
               !reload_tracks_same(x->tracks.scripts, x->tracks.n_scripts, y->tracks.scripts, y->tracks.n_scripts) ||
               !reload_tracks_same(x->tracks.interfaces, x->tracks.n_interfaces, y->tracks.interfaces,
                                   y->tracks.n_interfaces);
}

bool reload_members_same(const ConfSyncGroup *a, const ConfSyncGroup *b) {
        assert(a);
        assert(b);

        if (a->n_members != b->n_members)
                return false;
        for (size_t k = 0; k < a->n_members; k++) {
                bool found = false;

                for (size_t o = 0; o < b->n_members && !found; o++)
                        found = strcmp(a->members[k].name, b->members[o].name) == 0;
                if (!found)
                        return false;
        }
        return true;
}
