#pragma once

#include <systemd/sd-bus.h>

typedef struct RouteSet RouteSet;

/* A route set's routes, or its rules, as a(sb): each as ip(8) would write it, and whether it is in the kernel
 * now as far as the daemon knows (added, and not deleted since). */
int bus_append_routes(sd_bus_message *reply, const RouteSet *s);
int bus_append_rules(sd_bus_message *reply, const RouteSet *s);
