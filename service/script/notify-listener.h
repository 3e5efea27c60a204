#pragma once

/* Notify scripts and FIFOs (keepalived's notify_*, notify_fifo, vrrp_notify_fifo) as a listener of the
 * daemon (listener.h): a queue per instance and per sync group that has something to run or write (notify.c
 * runs a queue's scripts one at a time, in order), fed by the transitions the daemon announces. At stop the
 * daemon waits for the stop scripts (the listener is busy until its queues run dry). */

typedef struct ConfGlobal ConfGlobal;
typedef struct Manager Manager;
typedef struct NotifyListener NotifyListener;

/* Listens to m from now on, with the FIFOs of g, the first config's global_defs, opened now: they keep their
 * path until a restart (keepalived). */
int notify_listener_new(Manager *m, const ConfGlobal *g, NotifyListener **ret);
NotifyListener *notify_listener_free(NotifyListener *n);

static inline void notify_listener_freep(NotifyListener **p) {
        notify_listener_free(*p);
}
