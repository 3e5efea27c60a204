#pragma once

#include "core/vrrp-fsm.h"

typedef struct Instance Instance;

/* Gratuitous ARP / unsolicited NA for every VIP of an instance (excluded ones too), each on its own
 * interface and in its own family, on keepalived's schedule (garp_master_repeat now, again after
 * garp_master_delay, refresh, lower-priority bursts), paced by vrrp_garp_interval / vrrp_gna_interval of
 * the instance's interface, whichever one a packet leaves on (core/vrrp-garp.h decides, this file sends). */
int announce_setup(Instance *i);
void announce_done(Instance *i);
void announce_on_actions(Instance *i, const VrrpActions *a);
void announce_request(Instance *i, unsigned rounds);
