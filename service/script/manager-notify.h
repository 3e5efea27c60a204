#pragma once

#include <stdbool.h>

#include "core/vrrp-fsm.h"

typedef struct Instance Instance;
typedef struct Manager Manager;
typedef struct NotifyFifo NotifyFifo;
typedef struct NotifyQueue NotifyQueue;
typedef struct SyncGroup SyncGroup;

/* The FIFOs of global_defs (notify_fifo, vrrp_notify_fifo), shared by every queue. */
typedef struct ManagerNotify {
        NotifyFifo *fifos[2];
} ManagerNotify;

int manager_notify_setup(Manager *m);
void manager_notify_done(Manager *m);
void manager_notify_instance(Manager *m, Instance *i, const VrrpActions *a);
void manager_notify_group(Manager *m, SyncGroup *s, VrrpState old_state);
bool manager_notify_idle(Manager *m);
/* Calls handler(queue, m) whenever a queue runs dry; the handler checks manager_notify_idle(). */
void manager_notify_when_idle(Manager *m, void (*handler)(NotifyQueue *q, void *userdata));
