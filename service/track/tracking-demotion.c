#include <assert.h>

#include "instance.h"
#include "manager.h"
#include "track/tracking.h"
#include "util/log.h"

/* Named demotions (track/demotion.h) as the daemon runs them: the list changes, then every instance applies
 * its tracking again, which subtracts what targets it (tracking_apply()). A priority override (SetPriority)
 * still wins there; an address owner stays 255. */

static void tracking_demotions_apply(Manager *m) {
        for (size_t k = 0; k < m->n_instances; k++) {
                int r = tracking_apply(m->instances[k]);

                if (r < 0)
                        log_warning_errno(r, "%s: failed to apply the demotions, ignoring: %m",
                                          m->instances[k]->name);
        }
}

int tracking_set_demotion(Manager *m, const char *tag, const char *target, uint8_t amount) {
        int r;

        assert(m);
        assert(tag);
        assert(target);

        r = demotions_set(&m->tracking.demotions, tag, target, amount);
        if (r < 0)
                return r;
        log_notice("demotion '%s' %s: %u off %s%s%s", tag, r > 0 ? "replaced" : "set", amount,
                   target[0] ? "'" : "every instance", target, target[0] ? "'" : "");
        tracking_demotions_apply(m);
        return r;
}

bool tracking_clear_demotion(Manager *m, const char *tag) {
        assert(m);
        assert(tag);

        if (!demotions_clear(&m->tracking.demotions, tag))
                return false;
        log_notice("demotion '%s' cleared", tag);
        tracking_demotions_apply(m);
        return true;
}
