#pragma once

#include <stddef.h>

#include "core/vrrp-check.h"
#include "core/vrrp-fsm.h"
#include "os/nl-vip.h"

typedef struct ConfGlobal ConfGlobal;
typedef struct ConfInstance ConfInstance;
typedef struct ConfVip ConfVip;

/* What an instance runs with, derived from its loaded configuration: the core's parameters, the receive
 * checks' expectations and the VIPs as netlink wants them. No I/O: interface names are resolved by the
 * caller's resolver, so this is testable without a network. The primary address is left for the caller. */
typedef struct InstanceParams {
        VrrpParams fsm;
        VrrpRxConfig rx;                /* rx.vips points into vip_addrs, rx.peers into peers */
        VrrpAddr *vip_addrs;            /* the advertised VIPs' addresses */
        VrrpRxPeer *peers;
        NlVip *vips;                    /* virtual_ipaddress then virtual_ipaddress_excluded */
        size_t n_vips;
        size_t n_advertised;            /* the first n_advertised of vips go in adverts */
} InstanceParams;

typedef int (*InstanceIfindexResolver)(const char *ifname, void *userdata);

/* VIPs without "dev" go on vmac_ifindex (use_vmac's macvlan or use_ipvlan's ipvlan; 0: none) when of the
 * instance's family, else on ifindex, the instance's interface. */
int instance_params_build(const ConfGlobal *g, const ConfInstance *c, int ifindex, int vmac_ifindex,
                          InstanceIfindexResolver resolve, void *userdata, InstanceParams *ret);
void instance_params_done(InstanceParams *p);
int instance_params_scope(const char *scope);
/* One address as netlink wants it; on ifindex unless it names its own dev (-ENODEV: no such interface). */
int instance_params_vip(const ConfVip *v, int ifindex, InstanceIfindexResolver resolve, void *userdata,
                        NlVip *ret);
