#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <systemd/sd-event.h>

#include "core/vrrp-restore.h"
#include "route/route-set.h"

typedef struct Config Config;
typedef struct ConfVip ConfVip;
typedef struct Manager Manager;

/* static_ipaddress, static_routes and static_rules: added when the daemon starts, whatever any instance's
 * state, removed when it stops; put back when another program deletes one (as keepalived does), with the
 * backoff of core/vrrp-restore.h and never a give-up. A reload adds what comes and removes what goes. */
typedef struct StaticSet {
        Manager *manager;
        const ConfVip *vips;      /* the config's */
        size_t n_vips;
        const char *default_interface;
        RouteSet routes;
        VrrpRestore restore;
        sd_event_source *timer;
} StaticSet;

int static_set_new(Manager *m, const Config *c, StaticSet **ret);
StaticSet *static_set_free(StaticSet *s);
void static_set_add(StaticSet *s);
void static_set_remove(StaticSet *s);
/* A reload: next's entries go in, then s's that next does not have go; next takes over s's place. */
void static_set_replace(StaticSet **s, StaticSet *next);
/* Another program deleted what (logged as such): it goes back, after the backoff. */
void static_set_deleted(StaticSet *s, const char *what);
/* The position + 1 of the static address (family, ifindex, addr), 0 if none. */
size_t static_set_find_vip(const StaticSet *s, int family, int ifindex, const VrrpAddr *addr);

static inline void static_set_freep(StaticSet **p) {
        static_set_free(*p);
}
