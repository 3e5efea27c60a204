#pragma once

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

/* What use_vmac changed, recorded under the runtime directory (runtime-file.h) so that the next run after a
 * crash can undo it, as VIP records do for VIPs: RUNTIME_DIR/vmacs/ holds
 *   link-NAME        a macvlan we made ("ifindex=N")
 *   parent-IFINDEX   an interface's ARP settings as we found them ("ifname=…", "arp_ignore=…", "arp_filter=…",
 *                    "arp_announce=…")
 * Non-logging. */

#define VMAC_RECORD_SETTINGS 3 /* arp_ignore, arp_filter, arp_announce */

typedef struct VmacRecordParent {
        int ifindex;
        char ifname[IFNAMSIZ];
        uint32_t saved[VMAC_RECORD_SETTINGS];
} VmacRecordParent;

typedef struct VmacRecordLink {
        char name[IFNAMSIZ];
        int ifindex;
} VmacRecordLink;

typedef struct VmacRecordSet {
        VmacRecordParent *parents;
        size_t n_parents;
        size_t n_parents_alloc;
        VmacRecordLink *links;
        size_t n_links;
        size_t n_links_alloc;
        size_t n_skipped; /* files that are neither (discarded by vmac_record_load()) */
} VmacRecordSet;

int vmac_record_open_dir(const char *runtime_dir, int *ret_dirfd);
int vmac_record_parent_add(int dirfd, const VmacRecordParent *p);
int vmac_record_parent_remove(int dirfd, int ifindex);
int vmac_record_link_add(int dirfd, const VmacRecordLink *l);
int vmac_record_link_remove(int dirfd, const char *name);
int vmac_record_load(int dirfd, VmacRecordSet *ret);
void vmac_record_set_done(VmacRecordSet *set);
