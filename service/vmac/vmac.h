#pragma once

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <systemd/sd-event.h>

#include "os/nl-vip.h"
#include "os/vmac-record.h"

typedef struct ConfInstance ConfInstance;
typedef struct Manager Manager;

/* The macvlans use_vmac asks for (DESIGN §1), and what their parents need. A VmacLink is one macvlan, shared
 * by the instances that use it (during a reload, the running instance and the one built to replace it); the
 * last to let go deletes it. A VmacParent holds an interface's original ARP settings while macvlans of IPv4
 * instances sit on it, and puts them back when the last goes:
 *
 *   on the macvlan: arp_ignore=1 (answer ARP only for its own addresses), accept_local=1, rp_filter=0 (traffic
 *   to a VIP arrives on it while the routes point at the parent), promote_secondaries=1 (as keepalived);
 *   on the parent: arp_ignore=1 and arp_filter=1 (the parent must not answer for a VIP with its own MAC, as
 *   keepalived sets), and arp_announce=2, which keepalived does not set: the master's own ARP requests leave
 *   through the parent, and with the VIP as their sender address they would teach the client the parent's
 *   MAC for the VIP.
 *
 * All through IFLA_INET_CONF (os/nl-link.h), no /proc/sys. */

typedef struct VmacParent {
        int ifindex;
        uint32_t saved[VMAC_RECORD_SETTINGS]; /* arp_ignore, arp_filter, arp_announce as found */
        unsigned refs;
} VmacParent;

typedef struct VmacLink {
        char name[IFNAMSIZ];
        bool ipvlan;      /* use_ipvlan's L2 ipvlan (the parent's MAC, no receive socket), not a macvlan */
        bool vip_only;    /* a macvlan for VIPs on another interface or of the other family: no adverts there */
        uint16_t ipvlan_flags;
        bool has_addr;    /* use_ipvlan ADDR/PREFIX, put on it when it is made */
        NlVip addr;
        int ifindex;
        int parent;
        int family;
        uint8_t mac[6];
        bool has_group;
        uint32_t group;
        unsigned refs;
        VmacParent *held; /* the parent's settings this link holds (IPv4), or NULL */
        int rx_fd;        /* the other routers' multicast adverts, which arrive here (sock-frame.h) */
        sd_event_source *rx_io;
        Manager *manager;
} VmacLink;

typedef struct VmacTable {
        VmacLink **links;
        size_t n_links;
        VmacParent **parents;
        size_t n_parents;
        int dirfd;          /* RUNTIME_DIRECTORY/vmacs (os/vmac-record.h); -1: none */
        char **leftovers;   /* macvlans a crashed run recorded, until vmac_recover_done() */
        bool rp_filter_checked; /* net.ipv4.conf.all.rp_filter looked at (once) */
        bool ipv6_warned;       /* said that /proc/sys/net/ipv6/conf is not writable here */
} VmacTable;

/* The MAC c's macvlans carry: the configured one (five octets: the VRID is the sixth), else the RFC's
 * 00:00:5e:00:01:VRID (IPv4) or 00:00:5e:00:02:VRID (IPv6) for a macvlan of family. */
void vmac_mac_of(const ConfInstance *c, int family, uint8_t ret[6]);
/* The macvlan of c on parent: the one already in use, a leftover of the same shape taken over, or a new one.
 * Logs its own errors. */
int vmac_acquire(Manager *m, const ConfInstance *c, int parent, VmacLink **ret);
/* The macvlan name of family on parent for VIPs of c that need one of their own (use_vmac_addr, use_vmac on
 * the VIP): no receive socket, nothing else differs. */
int vmac_acquire_vip(Manager *m, const ConfInstance *c, const char *name, int parent, int family,
                     VmacLink **ret);
/* Lets go of l: the last user deletes the macvlan and gives the parent its settings back. */
void vmac_release(Manager *m, VmacLink *l);
/* At startup, what a crashed run left: each parent's recorded ARP settings go back now; the macvlans it
 * made are noted, and after the config's instances took over theirs, vmac_recover_done() deletes the rest. */
void vmac_recover(Manager *m);
/* vmac-recover.c's view of vmac.c: the parent settings a record holds, in its order, and the table by name. */
extern const int vmac_parent_confs[VMAC_RECORD_SETTINGS];
VmacLink *vmac_link_find(VmacTable *t, const char *name);
void vmac_recover_done(Manager *m);
/* The link monitor's news: a macvlan of ours deleted by someone else is made again (its instances follow,
 * instance_vips_relink()), one set down is set up again, as keepalived keeps them. */
void vmac_on_link(Manager *m, int ifindex, bool up, bool removed);
