#pragma once

#include <stdint.h>

/* Microseconds. The core never reads a clock: callers pass CLOCK_MONOTONIC (daemon) or a virtual time (tests). */
typedef uint64_t usec_t;

#define USEC_INFINITY ((usec_t) UINT64_MAX)
#define USEC_PER_SEC ((usec_t) 1000000ULL)
#define USEC_PER_MSEC ((usec_t) 1000ULL)
#define USEC_PER_CS ((usec_t) 10000ULL) /* one centisecond, the unit of VRRPv3's Max Advert Interval */
