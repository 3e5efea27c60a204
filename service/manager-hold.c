#include <assert.h>
#include <errno.h>
#include <time.h>

#include <systemd/sd-event.h>

#include "conf/conf-model.h"
#include "instance.h"
#include "manager.h"
#include "util/log.h"

/* keepalived's vrrp_startup_delay and vrrp_delay_after_boot (2.4; vrrp_daemon.c's vrrp_delayed_start_time):
 * every instance waits in INIT, sending and hearing nothing, until the longer of the two has passed, then
 * starts as usual. keepalived computes the uptime part when it reads the file; here the deadline is one
 * monotonic time, from when the daemon started and from CLOCK_BOOTTIME now. */

static usec_t clock_usec(clockid_t id) {
        struct timespec ts;

        if (clock_gettime(id, &ts) < 0)
                return 0;
        return (usec_t) ts.tv_sec * USEC_PER_SEC + (usec_t) ts.tv_nsec / 1000;
}

usec_t manager_hold_deadline(const ConfGlobal *g, usec_t started, usec_t now, usec_t boot_now) {
        usec_t until;

        assert(g);

        until = started + g->startup_delay;
        if (g->delay_after_boot > boot_now && now + (g->delay_after_boot - boot_now) > until)
                until = now + (g->delay_after_boot - boot_now);
        return until;
}

/* The hold ran out: every instance still in INIT starts now (those the hold kept there). */
static int manager_on_hold_end(sd_event_source *s, uint64_t usec, void *userdata) {
        Manager *m = userdata;

        m->hold_source = sd_event_source_disable_unref(m->hold_source);
        log_info("startup delay over: starting %zu instance(s)", m->n_instances);
        for (size_t k = 0; k < m->n_instances; k++) {
                Instance *i = m->instances[k];
                int r;

                if (i->fsm.state != VRRP_STATE_INIT)
                        continue;
                r = instance_start(i);
                if (r < 0)
                        log_error_errno(r, "%s: failed to start: %m", i->name);
        }
        return 0;
}

/* At startup (initial) the hold begins if g asks for one; on a reload during it, its end moves with g (a
 * reload cannot start a hold that is over). Logs its errors: without a timer, nothing is held. */
int manager_hold_update(Manager *m, const ConfGlobal *g, bool initial) {
        usec_t now = clock_usec(CLOCK_MONOTONIC), until;
        int r;

        assert(m);
        assert(g);

        if (initial)
                m->started_usec = now;
        else if (!m->hold_source)
                return 0;
        until = manager_hold_deadline(g, m->started_usec, now, clock_usec(CLOCK_BOOTTIME));
        if (m->hold_source) {
                r = sd_event_source_set_time(m->hold_source, until > now ? until : now);
                return r < 0 ? log_error_errno(r, "failed to move the startup delay: %m") : 0;
        }
        if (until <= now)
                return 0;
        r = sd_event_add_time(m->event, &m->hold_source, CLOCK_MONOTONIC, until, USEC_PER_MSEC,
                              manager_on_hold_end, m);
        if (r < 0)
                return log_error_errno(r, "failed to arm the startup delay, starting at once: %m");
        log_info("delaying startup for %llu.%03llu s", (unsigned long long) ((until - now) / USEC_PER_SEC),
                 (unsigned long long) ((until - now) % USEC_PER_SEC / USEC_PER_MSEC));
        return 0;
}

bool manager_holding(const Manager *m) {
        assert(m);
        return m->hold_source != NULL;
}
