#pragma once

#include "core/vrrp-fsm.h"

typedef struct Instance Instance;

/* Gratuitous ARP / unsolicited NA for an instance's VIPs on its interface, on keepalived's schedule
 * (garp_master_repeat now, again after garp_master_delay, refresh, lower-priority bursts), paced per
 * interface by vrrp_garp_interval / vrrp_gna_interval (core/vrrp-garp.h decides, this file sends). */
int announce_setup(Instance *i);
void announce_done(Instance *i);
void announce_on_actions(Instance *i, const VrrpActions *a);
void announce_request(Instance *i, unsigned rounds);
