#pragma once

#include <stdint.h>

/* Microseconds. The core never reads a clock: callers pass CLOCK_MONOTONIC (daemon) or a virtual time (tests). */
typedef uint64_t usec_t;

#define USEC_INFINITY ((usec_t) UINT64_MAX)
#define USEC_PER_SEC ((usec_t) 1000000ULL)
#define USEC_PER_MSEC ((usec_t) 1000ULL)
#define USEC_PER_CS ((usec_t) 10000ULL) /* one centisecond, the unit of VRRPv3's Max Advert Interval */

/* The first time after now on the grid of period interval (> 0) shifted by phase: t > now, t = phase
 * (mod interval). Shared advert ticks (DESIGN §1) live on such grids, anchored at the clock's zero, so
 * ticks of one interval keep their spacing whenever they were created and after any stall. */
static inline usec_t vrrp_time_next_on_grid(usec_t now, usec_t interval, usec_t phase) {
        usec_t t = now - now % interval + phase % interval;

        return t > now ? t : t + interval;
}
