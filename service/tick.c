#include <assert.h>
#include <errno.h>
#include <stdlib.h>

#include "instance.h"
#include "manager.h"
#include "tick.h"
#include "util/cleanup.h"
#include "util/log.h"

/* How late sd-event may fire a protocol timer: its default slack is 250 ms, far too much. A 200th of the
 * interval, between 100 µs and 1 ms: 20 ms adverts get 100 µs, 100 ms 500 µs, 1 s adverts 1 ms. */
usec_t tick_accuracy(usec_t interval) {
        usec_t a = interval / 200;

        return a < 100 ? 100 : a > USEC_PER_MSEC ? USEC_PER_MSEC : a;
}

static int tick_on_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        Tick *t = userdata;
        usec_t now = usec;
        int r;

        (void) sd_event_now(t->manager->event, CLOCK_MONOTONIC, &now);
        /* Members never change state on a tick, so the array stays as it is while we walk it. */
        for (size_t k = 0; k < t->n_members; k++) {
                /* Each member is touched once an interval, so it is never in the cache: ask for the next
                 * one while this one steps (perf: the first touch was a quarter of the loop's time). */
                if (k + 1 < t->n_members)
                        instance_prefetch(t->members[k + 1]);
                r = instance_step(t->members[k], &(VrrpEvent){ .type = VRRP_EVENT_ADVER_TICK });
                if (r < 0)
                        log_warning_errno(r, "%s: advert tick failed, ignoring: %m", t->members[k]->name);
        }
        /* the adverts leave at the loop's flush, together with those of any other tick due now */
        /* Stay on the grid, also after a stall longer than an interval (the missed slots are skipped): a
         * restart from now would put every stalled tick of the class on one phase and merge their bursts. */
        t->next += t->interval;
        if (t->next <= now)
                t->next = vrrp_time_next_on_grid(now, t->interval, t->next);
        r = sd_event_source_set_time(s, t->next);
        if (r < 0)
                return log_error_errno(r, "failed to set the time of the %llu µs advert tick: %m",
                                       (unsigned long long) t->interval), 0;
        r = sd_event_source_set_enabled(s, SD_EVENT_ON);
        if (r < 0)
                log_error_errno(r, "failed to re-enable the %llu µs advert tick: %m", (unsigned long long) t->interval);
        return 0;
}

/* A tick's burst goes out in one go, about 3 µs an advert; past this many it takes milliseconds to leave, so
 * a big interval class is split into several ticks on phases of the interval. Each tick is a wakeup and a
 * doorbell per interface, so not too many: bench/scale, 1000 instances at 100 ms, per tick at most
 * 128 / 256 / 512 / 1024 members: master CPU 3.2 / 2.7 / 2.5 / 2.5 %, adverts late at most 0.7 / 0.8 /
 * 2.8 / 6.3 ms. */
#define TICK_MEMBERS_MAX 256
#define TICK_PHASES 8

static int tick_new(Manager *m, usec_t interval, usec_t phase, Tick **ret) {
        _cleanup_free_ Tick *t = NULL;
        usec_t now;
        int r;

        t = calloc(1, sizeof(*t));
        if (!t)
                return -ENOMEM;
        r = sd_event_now(m->event, CLOCK_MONOTONIC, &now);
        if (r < 0)
                return r;
        /* First fire within one interval (never later than the members' own Adver_Timer), on the class's
         * grid: ticks made in one long wakeup (a thousand takeovers) are spread all the same. */
        *t = (Tick){ .manager = m, .interval = interval, .next = vrrp_time_next_on_grid(now, interval, phase) };
        r = sd_event_add_time(m->event, &t->timer, CLOCK_MONOTONIC, t->next, tick_accuracy(interval),
                              tick_on_timer, t);
        if (r >= 0) /* protocol first: ahead of bus calls, scripts and netlink whenever several are pending */
                r = sd_event_source_set_priority(t->timer, SD_EVENT_PRIORITY_IMPORTANT);
        if (r < 0)
                return r;
        (void) sd_event_source_set_enabled(t->timer, SD_EVENT_ON);
        *ret = TAKE_PTR(t);
        return 0;
}

Tick *tick_free(Tick *t) {
        if (!t)
                return NULL;
        for (size_t k = 0; k < t->n_members; k++)
                t->members[k]->tick = NULL;
        sd_event_source_disable_unref(t->timer);
        free(t->members);
        free(t);
        return NULL;
}

static int tick_find_or_new(Manager *m, usec_t interval, Tick **ret) {
        size_t same = 0;
        Tick **a;
        int r;

        for (size_t k = 0; k < m->n_ticks; k++) {
                if (m->ticks[k]->interval != interval)
                        continue;
                if (m->ticks[k]->n_members < TICK_MEMBERS_MAX) {
                        *ret = m->ticks[k];
                        return 0;
                }
                same++;
        }
        a = reallocarray(m->ticks, m->n_ticks + 1, sizeof(*a));
        if (!a)
                return -ENOMEM;
        m->ticks = a;
        r = tick_new(m, interval, (same % TICK_PHASES) * (interval / TICK_PHASES), &m->ticks[m->n_ticks]);
        if (r < 0)
                return r;
        *ret = m->ticks[m->n_ticks++];
        return 0;
}

/* The transition's own advert has just been queued; the class's next tick comes within one interval. */
int tick_join(Manager *m, Instance *i) {
        Tick *t;
        int r;

        assert(m);
        assert(i);

        if (i->tick)
                return 0;
        r = tick_find_or_new(m, i->params.fsm.interval_usec, &t);
        if (r < 0)
                return r;
        if (t->n_members == t->n_alloc) {
                size_t n = t->n_alloc ? t->n_alloc * 2 : 8;
                Instance **a = reallocarray(t->members, n, sizeof(*a));

                if (!a)
                        return -ENOMEM;
                t->members = a;
                t->n_alloc = n;
        }
        i->tick = t;
        i->tick_index = t->n_members;
        t->members[t->n_members++] = i;
        return 0;
}

void tick_leave(Instance *i) {
        Tick *t = i->tick;

        assert(i);

        if (!t)
                return;
        t->members[i->tick_index] = t->members[--t->n_members];
        t->members[i->tick_index]->tick_index = i->tick_index;
        i->tick = NULL;
}
