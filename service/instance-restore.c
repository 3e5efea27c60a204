#include <assert.h>

#include "announce.h"
#include "instance-restore.h"
#include "instance-vips.h"
#include "instance.h"
#include "manager.h"
#include "track/tracking.h"
#include "util/log.h"

#define log_inst(i, level, error, ...) log_instance(level, error, (i)->name, (i)->params.fsm.vrid, __VA_ARGS__)

/* The limit's FAULT is over: counting starts again, and tracking decides. */
static void instance_restore_recover(Instance *i) {
        int r;

        vrrp_restore_recovered(&i->restore);
        log_inst(i, LOG_NOTICE, 0, "a minute without interference since it gave up: leaving FAULT");
        r = tracking_set_fault(i, INSTANCE_FAULT_REINSTATE_LIMIT, false);
        if (r < 0)
                log_inst(i, LOG_WARNING, r, "failed to leave FAULT: %m");
}

/* Puts back everything i holds (adding what is there already changes nothing), then announces it. */
static void instance_restore_run(Instance *i, usec_t now) {
        vrrp_restore_done(&i->restore, now);
        i->stats.counters[INSTANCE_REINSTATED]++;
        if (!i->holds_vips)
                return; /* no longer master: nothing to put back */
        instance_vips_add_tracked(i);
        route_set_add(&i->routes, i->manager->nl, true);
        announce_request(i, 1);
        log_inst(i, LOG_NOTICE, 0, "put back what was deleted (%zu time(s) in the last minute)",
                 vrrp_restore_count(&i->restore, now));
}

static int instance_restore_on_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        Instance *i = userdata;

        assert(i);
        if (i->faults & (1u << INSTANCE_FAULT_REINSTATE_LIMIT))
                instance_restore_recover(i);
        else
                instance_restore_run(i, usec);
        return 0;
}

static int instance_restore_arm(Instance *i, usec_t at) {
        int r;

        if (!i->restore_timer) {
                r = sd_event_add_time(i->manager->event, &i->restore_timer, CLOCK_MONOTONIC, at, 0,
                                      instance_restore_on_timer, i);
                if (r < 0)
                        return r;
        } else {
                r = sd_event_source_set_time(i->restore_timer, at);
                if (r < 0)
                        return r;
        }
        return sd_event_source_set_enabled(i->restore_timer, SD_EVENT_ONESHOT);
}

static void instance_restore_give_up(Instance *i) {
        int r;

        log_inst(i, LOG_ERR, 0, "something keeps deleting what it holds: put back %d times within a minute, "
                 "going to FAULT so that another router takes over", VRRP_RESTORE_LIMIT);
        r = instance_restore_arm(i, vrrp_restore_fault_until(&i->restore));
        if (r < 0)
                log_inst(i, LOG_ERR, r, "failed to arm the timer that ends the FAULT: %m");
        r = tracking_set_fault(i, INSTANCE_FAULT_REINSTATE_LIMIT, true);
        if (r < 0)
                log_inst(i, LOG_ERR, r, "failed to go to FAULT: %m");
}

void instance_restore_deleted(Instance *i, const char *what) {
        usec_t now, at;
        int r;

        assert(i);
        assert(what);

        if (i->faults & (1u << INSTANCE_FAULT_REINSTATE_LIMIT))
                return;
        r = sd_event_now(i->manager->event, CLOCK_MONOTONIC, &now);
        if (r < 0)
                return (void) log_inst(i, LOG_ERR, r, "cannot read the clock to put back %s: %m", what);
        if (vrrp_restore_deleted(&i->restore, now, true, &at) == VRRP_RESTORE_GIVE_UP) {
                log_inst(i, LOG_WARNING, 0, "%s was deleted by another program", what);
                return instance_restore_give_up(i);
        }
        log_inst(i, LOG_WARNING, 0, "%s was deleted by another program: putting it back%s", what,
                 at > now ? " after a backoff" : "");
        r = instance_restore_arm(i, at);
        if (r < 0)
                log_inst(i, LOG_ERR, r, "failed to arm the timer that puts it back: %m");
}

void instance_restore_done(Instance *i) {
        assert(i);
        i->restore_timer = sd_event_source_disable_unref(i->restore_timer);
}
