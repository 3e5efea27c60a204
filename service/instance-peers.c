#include <assert.h>
#include <stdlib.h>
#include <time.h>

#include "core/vrrp-peers.h"
#include "instance-peers.h"
#include "instance.h"
#include "listener.h"
#include "manager.h"
#include "util/log.h"

#define log_inst(i, level, error, ...) \
        log_instance(level, error, (i)->name, (i)->params.fsm.vrid, __VA_ARGS__)

static usec_t now_of(clockid_t c) {
        struct timespec ts;

        (void) clock_gettime(c, &ts);
        return (usec_t) ts.tv_sec * USEC_PER_SEC + (usec_t) ts.tv_nsec / 1000;
}

static usec_t down_interval(const Instance *i) {
        return vrrp_fsm_master_down_interval(&i->fsm, &i->params.fsm);
}

static void instance_peers_arm(Instance *i);

/* What changed: the log says when split brain starts and ends, the listeners (the bus) hear it. */
static void instance_peers_changed(Instance *i, unsigned changed) {
        if (changed & VRRP_PEERS_SPLIT_CHANGED) {
                if (i->peers->split_brain)
                        log_inst(i, LOG_WARNING, 0, "split brain: another router keeps advertising as master "
                                 "while this one is master");
                else
                        log_inst(i, LOG_NOTICE, 0, "split brain over");
        }
        if (changed)
                LISTENERS_EMIT(&i->manager->listeners, peers_changed, i);
}

static int instance_peers_on_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        Instance *i = userdata;

        instance_peers_changed(i, vrrp_peers_expire(i->peers, down_interval(i),
                                                    i->fsm.state != VRRP_STATE_MASTER, now_of(CLOCK_MONOTONIC)));
        instance_peers_arm(i);
        return 0;
}

static void instance_peers_arm(Instance *i) {
        usec_t at = vrrp_peers_next_expiry(i->peers, down_interval(i));
        int r;

        if (!i->peers_timer) {
                r = sd_event_add_time(i->manager->event, &i->peers_timer, CLOCK_MONOTONIC, USEC_INFINITY,
                                      10 * USEC_PER_MSEC, instance_peers_on_timer, i);
                if (r < 0)
                        return (void) log_inst(i, LOG_WARNING, r, "failed to watch the other routers: %m");
        }
        (void) sd_event_source_set_time(i->peers_timer, at);
        (void) sd_event_source_set_enabled(i->peers_timer, at == USEC_INFINITY ? SD_EVENT_OFF : SD_EVENT_ONESHOT);
}

void instance_peers_heard(Instance *i, const VrrpAddr *src, uint8_t priority, uint16_t interval_cs) {
        unsigned changed;

        assert(i);
        if (!i->peers) {
                i->peers = malloc(sizeof(*i->peers));
                if (!i->peers)
                        return (void) log_oom();
                vrrp_peers_init(i->peers, i->params.fsm.family);
        }
        changed = vrrp_peers_heard(i->peers, src, priority, (usec_t) interval_cs * USEC_PER_CS,
                                   i->fsm.state == VRRP_STATE_MASTER, now_of(CLOCK_MONOTONIC),
                                   now_of(CLOCK_REALTIME));
        if (changed)
                instance_peers_arm(i);
        instance_peers_changed(i, changed);
}

void instance_peers_state_changed(Instance *i) {
        assert(i);
        if (!i->peers || !i->peers->split_brain || i->fsm.state == VRRP_STATE_MASTER)
                return;
        instance_peers_changed(i, vrrp_peers_expire(i->peers, down_interval(i), true, now_of(CLOCK_MONOTONIC)));
}

void instance_peers_free(Instance *i) {
        assert(i);
        i->peers_timer = sd_event_source_disable_unref(i->peers_timer);
        free(i->peers);
        i->peers = NULL;
}

bool instance_split_brain(const Instance *i) {
        return i->peers && i->peers->split_brain && i->fsm.state == VRRP_STATE_MASTER;
}
