#pragma once

/* Adverts for VRIDs no instance here runs (issue 14): the VRID collision that bites two clusters on one LAN.
 * Who sent them, on which interface and family, when last; entries age out after a minute, at most 256. */

#include <stddef.h>
#include <stdint.h>

#include "core/vrrp-addr.h"
#include "core/vrrp-time.h"

#define FOREIGN_MAX 256
#define FOREIGN_AGE_USEC (60 * USEC_PER_SEC)

typedef struct ForeignRouter {
        int ifindex;
        int family;
        uint8_t vrid;
        VrrpAddr addr;
        usec_t last_heard;    /* monotonic */
        usec_t last_heard_rt; /* wall clock, to show */
} ForeignRouter;

typedef struct ForeignTable {
        ForeignRouter items[FOREIGN_MAX];
        size_t n;
} ForeignTable;

/* An advert for a VRID nobody here runs; when full, the least recently heard entry makes room. */
void foreign_heard(ForeignTable *t, int ifindex, int family, uint8_t vrid, const VrrpAddr *src, usec_t now,
                   usec_t realtime);
/* Drops the entries older than FOREIGN_AGE_USEC. */
void foreign_expire(ForeignTable *t, usec_t now);
