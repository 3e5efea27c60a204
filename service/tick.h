#pragma once

#include <stddef.h>

#include <systemd/sd-event.h>

#include "core/vrrp-time.h"

typedef struct Instance Instance;
typedef struct Manager Manager;

/* DESIGN §1: masters with the same advert interval share one timer. A tick steps VRRP_EVENT_ADVER_TICK on
 * each member, and their adverts leave together at the flush (one sendmmsg per socket). */
typedef struct Tick {
        Manager *manager;
        usec_t interval;
        usec_t next;
        sd_event_source *timer;
        Instance **members;
        size_t n_members;
        size_t n_alloc;
} Tick;

int tick_join(Manager *m, Instance *i);
void tick_leave(Instance *i);
Tick *tick_free(Tick *t);
usec_t tick_accuracy(usec_t interval);
