#pragma once

/* The seam between the daemon and whoever wants to hear what it does (STYLE §10). The daemon announces what
 * happened through Listeners, never by naming a listener; a listener reads the daemon through its headers
 * (manager.h, instance.h, sync-group.h) and calls down into it for control, never the other way round. The
 * composition root (daemon.c) registers each listener at startup: today the bus and the notify scripts.
 *
 * Every callback is optional and runs synchronously, in registration order, on the loop's thread; a callback
 * must not free what it is told about. What they are told:
 *  - reload_begin / reload_end: a reload (startup is one, from the empty set: diff->initial) is about to
 *    change the running set, and has changed it; the diff says how, and stays valid until reload_end returns;
 *  - instance_added / instance_removed, sync_group_added / sync_group_removed: the running set itself, added
 *    before the object first steps, removed after its last step and before it is freed;
 *  - instance_changed: a step changed something, as the core's actions say (a transition, the effective
 *    priority, the master, a sync group request);
 *  - tracks_changed: what an instance's tracks or its own faults show changed (whether or not its priority moved);
 *  - sync_group_changed: a group's state moved from old_state (before it forces its members);
 *  - advert_seen: an advert reached an instance's socket, with the receive verdict (every advert, dropped ones
 *    too: keep it cheap);
 *  - peers_changed: the routers an instance hears (instance-peers.h) appeared, changed priority or fell
 *    silent, or its split brain started or ended;
 *  - busy: asked when the daemon stops; a listener still finishing something (a notify stop script) says so,
 *    and calls manager_listener_idle() once it is done. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/vrrp-addr.h"
#include "core/vrrp-fsm.h"
#include "core/vrrp-packet.h"

typedef struct Instance Instance;
typedef struct ReloadDiff ReloadDiff;
typedef struct SyncGroup SyncGroup;

/* One advert heard on an instance's socket: who sent it, what it said, and what the receive checks made of
 * it. When the advert could not be decoded, only family, src and drop are set. */
typedef struct AdvertSeen {
        int family;
        VrrpAddr src;
        bool decoded;
        uint8_t version;
        uint8_t priority;
        uint16_t interval_cs;
        bool accepted;
        VrrpDrop drop; /* when !accepted */
} AdvertSeen;

typedef struct ListenerOps {
        void (*reload_begin)(void *userdata, const ReloadDiff *diff);
        void (*reload_end)(void *userdata, const ReloadDiff *diff);
        void (*instance_added)(void *userdata, Instance *i);
        void (*instance_removed)(void *userdata, Instance *i);
        void (*sync_group_added)(void *userdata, SyncGroup *g);
        void (*sync_group_removed)(void *userdata, SyncGroup *g);
        void (*instance_changed)(void *userdata, Instance *i, const VrrpActions *a);
        void (*tracks_changed)(void *userdata, Instance *i);
        void (*sync_group_changed)(void *userdata, SyncGroup *g, VrrpState old_state);
        void (*advert_seen)(void *userdata, Instance *i, const AdvertSeen *adv);
        void (*peers_changed)(void *userdata, Instance *i);
        bool (*busy)(void *userdata);
} ListenerOps;

typedef struct Listener {
        const ListenerOps *ops;
        void *userdata;
} Listener;

typedef struct Listeners {
        Listener *items;
        size_t n;
} Listeners;

int listeners_add(Listeners *l, const ListenerOps *ops, void *userdata);
void listeners_remove(Listeners *l, const ListenerOps *ops, void *userdata);
void listeners_done(Listeners *l);
/* Whether some listener says it is busy. */
bool listeners_busy(const Listeners *l);

/* Tells every listener that has the callback `op`: LISTENERS_EMIT(&m->listeners, instance_changed, i, a). */
#define LISTENERS_EMIT(l, op, ...)                                                                          \
        do {                                                                                                \
                const Listeners *_l_ = (l);                                                                 \
                for (size_t _k_ = 0; _k_ < _l_->n; _k_++)                                                   \
                        if (_l_->items[_k_].ops->op)                                                        \
                                _l_->items[_k_].ops->op(_l_->items[_k_].userdata, __VA_ARGS__);             \
        } while (0)
