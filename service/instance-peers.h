#pragma once

/* What an instance hears of the other routers (core/vrrp-peers.h): the view, allocated at the first advert
 * heard, and a timer that forgets the silent ones; the listeners hear of a change (ListenerOps.peers_changed),
 * not of every advert. Observation only: nothing here steps the state machine. */

#include <stdbool.h>
#include <stdint.h>

#include "core/vrrp-addr.h"
#include "core/vrrp-time.h"

typedef struct Instance Instance;

/* A valid advert from src (not our own), after the state machine took it. */
void instance_peers_heard(Instance *i, const VrrpAddr *src, uint8_t priority, uint16_t interval_cs);
/* The instance left master (or its state changed): split brain ends with it. */
void instance_peers_state_changed(Instance *i);
void instance_peers_free(Instance *i);
bool instance_split_brain(const Instance *i);
