#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nl_msg;
struct nl_sock;

/* Links through rtnetlink (libnl-route-3): the macvlans that carry virtual MACs (use_vmac), and the per-device
 * IPv4 settings (net.ipv4.conf.IF.*) they need, set through IFLA_INET_CONF so that /proc/sys can stay
 * read-only. Non-logging; negative errno. */

/* A macvlan as keepalived makes one for use_vmac: private mode (macvlans of one parent do not see each
 * other), the given MAC, no IPv6 address of its own (addrgenmode none: a backup must send nothing from the
 * virtual MAC, no DAD, no router solicitation, no MLD report), up. */
typedef struct NlVmacSpec {
        const char *name;
        int parent;
        uint8_t mac[6];
        bool has_group;
        uint32_t group;
        bool stay_down; /* left down for the caller to finish (and set up) */
} NlVmacSpec;

typedef struct NlLinkInfo {
        int ifindex;
        int parent;         /* IFLA_LINK; 0 for none */
        bool macvlan;
        uint32_t macvlan_mode;
        bool ipvlan;
        uint8_t mac[6];
        bool has_mac;
        bool up;
} NlLinkInfo;

int nl_vmac_create(struct nl_sock *sk, const NlVmacSpec *spec, int *ret_ifindex);

/* An L2 ipvlan as keepalived makes one for use_ipvlan: the parent's MAC, flags IPVLAN_F_PRIVATE or
 * IPVLAN_F_VEPA (0: bridge), created down and then set up. -EOPNOTSUPP: this kernel has no ipvlan. The request
 * is built by hand (libnl knows no IFLA_IPVLAN_FLAGS); nl_ipvlan_request() gives it for tests to read. */
typedef struct NlIpvlanSpec {
        const char *name;
        int parent;
        uint16_t flags;
        bool has_group;
        uint32_t group;
} NlIpvlanSpec;

int nl_ipvlan_request(const NlIpvlanSpec *spec, struct nl_msg **ret);
int nl_ipvlan_create(struct nl_sock *sk, const NlIpvlanSpec *spec, int *ret_ifindex);
/* What the kernel knows of the link called name: -ENODEV when there is none. */
int nl_link_get(struct nl_sock *sk, const char *name, NlLinkInfo *ret);
/* Whether info is the macvlan spec asks for (a leftover of ours, or one a reload keeps). */
bool nl_vmac_matches(const NlLinkInfo *info, const NlVmacSpec *spec);
int nl_link_delete(struct nl_sock *sk, int ifindex);
/* Whether ifindex is a VRF or enslaved to one: 1 and the VRF's table in *ret, 0 if not (or ifindex <= 0). */
int nl_link_vrf_table(struct nl_sock *sk, int ifindex, uint32_t *ret);
int nl_link_set_up(struct nl_sock *sk, int ifindex);

/* net.ipv4.conf.IF.* by IPV4_DEVCONF_* id (linux/ip.h). */
typedef struct NlInetConf {
        int id;
        uint32_t value;
} NlInetConf;

int nl_inet_conf_get(struct nl_sock *sk, int ifindex, int id, uint32_t *ret);
/* All of confs in one request: the kernel applies all or none. */
int nl_inet_conf_set(struct nl_sock *sk, int ifindex, const NlInetConf *confs, size_t n);
