#pragma once

#include <stdbool.h>
#include <stddef.h>

typedef struct Instance Instance;

/* An instance's virtual addresses, through the manager's VIP records (manager-vips.c): an address owner's
 * own addresses (vip_preexisting) are never added, recorded or removed. */
/* VIPs that need a macvlan of their own (use_vmac_addr, use_vmac on the VIP: the config names it) go on it,
 * one per interface and family, held by i. At build time; logs its errors. */
int instance_vips_setup_links(Instance *i);
void instance_vips_add(Instance *i);
void instance_vips_remove(Instance *i);
/* Whether i's VIP #k is tracked: put back when another program deletes it (not no_track, not an owner's). */
bool instance_vip_tracked(const Instance *i, size_t k);
/* Puts back the tracked VIPs of a master (instance-restore.c); what is there already stays as it is. */
void instance_vips_add_tracked(Instance *i);
/* No VIP is held twice (DESIGN §1): before an instance starts, a VIP of its already on an interface belongs
 * to a run that crashed, unless the instance owns the address (priority 255): then it is its own for good. */
void instance_vips_cleanup(Instance *i);
/* A reload keeps i and gives it next's VIPs, before the two swap their configs: a master keeps what stays,
 * drops what goes and adds what comes; an owner's own addresses stay its own. True if it added some: then
 * they want announcing, once the swap is done. */
bool instance_vips_reconfigure(Instance *i, Instance *next);
/* The same VIPs, with the same settings, in the same order (the advertised ones the same). */
bool instance_vips_same(const Instance *a, const Instance *b);
/* i's macvlan came back under a new index (someone deleted it): its VIPs and adverts move there, and a master
 * puts its VIPs back and announces them. */
void instance_vips_relink(Instance *i, int old_ifindex, int new_ifindex);
/* Whether Accept_Mode's filter is on for i's VIPs: held, without accept, not an owner. */
bool instance_vips_filtered(const Instance *i);
