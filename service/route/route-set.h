#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "os/nl-route.h"
#include "os/nl-rule.h"

struct nl_sock;
typedef struct ConfRoute ConfRoute;
typedef struct ConfRule ConfRule;

/* The routes and rules one owner holds: an instance's virtual_routes and virtual_rules while it is master,
 * the static configuration's (static_routes, static_rules) while the daemon runs. keepalived's order: routes
 * then rules going up (after the VIPs), rules then routes going down (before the VIPs). Interface names are
 * resolved at each addition, so a route on an interface that comes later goes in then. Logs what fails,
 * naming the owner and the entry ("virtual route #2"). */
typedef struct RouteSet {
        const char *owner;   /* an instance's name, or "static" */
        const char *kind;    /* "virtual" or "static" */
        NlRoute *routes;
        int *nh_ifindex;     /* every route's nexthops' interfaces, end to end */
        size_t n_routes;
        NlRule *rules;
        size_t n_rules;
        bool *route_in;      /* route k is in the kernel as far as we know: added, not deleted since */
        bool *rule_in;
        bool held;           /* added, not removed since */
} RouteSet;

int route_set_init(RouteSet *s, const char *owner, const char *kind, const ConfRoute *routes, size_t n_routes,
                   const ConfRule *rules, size_t n_rules, uint32_t default_table);
void route_set_done(RouteSet *s);
/* Adds every route, then every rule (tracked_only: those without no_track, to put back what was deleted). */
void route_set_add(RouteSet *s, struct nl_sock *nl, bool tracked_only);
void route_set_remove(RouteSet *s, struct nl_sock *nl);
/* A reload: if old is held, next's entries go in (those old holds already stay as they are), then old's that
 * next does not have go; next is held then, old no longer. */
void route_set_replace(RouteSet *old, RouteSet *next, struct nl_sock *nl);
/* The position + 1 of s's route or rule a notice is about; 0 if none. */
size_t route_set_find_route(const RouteSet *s, const NlRouteEvent *e);
size_t route_set_find_rule(const RouteSet *s, const NlRuleEvent *e);
/* A notice said route or rule k is gone. */
void route_set_route_gone(RouteSet *s, size_t k);
void route_set_rule_gone(RouteSet *s, size_t k);
bool route_set_route_tracked(const RouteSet *s, size_t k);
bool route_set_rule_tracked(const RouteSet *s, size_t k);
