#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <limits.h>
#include <stdint.h>
#include <sys/types.h>

#include "../core/vrrp-addr.h"
#include "../core/vrrp-time.h"
#include "../util/index.h"
#include "conf-diag.h"
#include "conf-model-hmac.h"

/* The configuration model: plain structs, filled by the parser, completed with keepalived 2.2.7's defaults and
 * checked by conf_load_*(); const from then on. Every item remembers where it was written (ConfLoc) so the daemon
 * can point at it later. While parsing, CONF_UNSET / USEC_INFINITY mark values not given; a loaded Config has
 * none left. Arrays the parser appends to keep their capacity beside their count (n_…_alloc, for ARRAY_GROW),
 * so that a block of thousands of lines costs linear copying. */

#define CONF_UNSET (-1)
/* A track line's weight not given: -1 is a weight (track_script chk weight -1), so not CONF_UNSET. */
#define CONF_WEIGHT_UNSET INT_MIN

typedef enum ConfState {
        CONF_STATE_BACKUP,
        CONF_STATE_MASTER,
} ConfState;

/* old_unicast_checksum: keepalived's unicast_checksum_compat */
typedef enum ConfChecksum {
        CONF_CHECKSUM_AUTO,   /* RFC form, switching to the old one when a peer sends it */
        CONF_CHECKSUM_ALWAYS, /* old_unicast_checksum */
        CONF_CHECKSUM_NEVER,  /* old_unicast_checksum never */
} ConfChecksum;

typedef enum ConfAuthType {
        CONF_AUTH_NONE,
        CONF_AUTH_PASS,
        CONF_AUTH_AH,
} ConfAuthType;

typedef struct ConfName {
        char *name;
        ConfLoc loc;
} ConfName;

/* "notify_master "cmd args" [user [group]]"; command NULL when not configured */
typedef struct ConfNotify {
        char *command;
        char *user;
        char *group;
        ConfLoc loc;
} ConfNotify;

/* An entry of track_interface, track_script, track_file or track_process, in an instance or a sync group. */
typedef struct ConfTrack {
        char *name;
        int weight;      /* CONF_WEIGHT_UNSET: the script's / file's own weight (interfaces: 0, fault on down) */
        bool reverse;
        ConfLoc loc;
} ConfTrack;

/* What an instance or a sync group tracks */
typedef struct ConfTracks {
        ConfTrack *interfaces;
        size_t n_interfaces;
        size_t n_interfaces_alloc;
        ConfTrack *scripts;
        size_t n_scripts;
        size_t n_scripts_alloc;
        ConfTrack *files;
        size_t n_files;
        size_t n_files_alloc;
        ConfTrack *processes;
        size_t n_processes;
        size_t n_processes_alloc;
} ConfTracks;

/* Its notify scripts: "notify" runs on every transition, the others on entering their state */
typedef struct ConfNotifies {
        ConfNotify any;
        ConfNotify master;
        ConfNotify backup;
        ConfNotify fault;
        ConfNotify stop;
        ConfNotify deleted;      /* instances only: notify_deleted's script */
        ConfNotify rx_lower_pri; /* instances only: notify_master_rx_lower_pri */
} ConfNotifies;

typedef struct ConfVip {
        int family;
        VrrpAddr addr;
        uint8_t prefixlen; /* 32 / 128 when not written */
        bool has_brd;
        VrrpAddr brd;
        char *dev;
        char *scope;
        char *label;
        bool noprefixroute;
        bool nodad;
        bool has_peer;    /* peer ADDR[/LEN]: a point-to-point address */
        VrrpAddr peer;
        uint8_t peer_prefixlen;
        bool has_preferred_lft; /* preferred_lft N|forever (0: deprecated, not a source for new connections) */
        uint32_t preferred_lft; /* seconds; UINT32_MAX: forever */
        uint32_t ifa_flags;     /* home, mngtmpaddr, autojoin: IFA_F_* */
        bool no_track;
        bool use_vmac;    /* its own "use_vmac" option */
        char *vmac_name;  /* set by the checks when it goes on a macvlan of its own (use_vmac_addr, use_vmac) */
        ConfLoc loc;
} ConfVip;

/* use_vmac [[name] IF] [MAC] [netlink_notify_msg] [group G], use_vmac_addr, vmac_xmit_base (keepalived's
 * vrrp_vmac_handler()): a macvlan on the instance's interface that carries its VIPs and adverts. */
typedef struct ConfVmac {
        bool enabled;        /* use_vmac */
        char *name;          /* NULL: the daemon names it vmac_prefix.VRID */
        bool has_mac;        /* a MAC instead of the RFC's 00:00:5e:00:01|02:VRID */
        bool mac_vrid;       /* given with five octets: the sixth is the VRID */
        uint8_t mac[6];
        bool netlink_notify; /* netlink_notify_msg */
        bool has_group;
        uint32_t group;      /* the link group, iproute2's "group" */
        bool addr;           /* use_vmac_addr: a macvlan for VIPs on other interfaces too */
        bool xmit_base;      /* vmac_xmit_base: adverts from the parent interface */
        ConfLoc loc;         /* of use_vmac */
} ConfVmac;

/* use_ipvlan [[name] IF] [ADDR[/PREFIX]] [bridge|private|vepa] [group G] (keepalived's vrrp_ipvlan_handler()):
 * an L2 ipvlan on the instance's interface, with an address of its own, that carries the VIPs. */
typedef enum ConfIpvlanMode {
        CONF_IPVLAN_BRIDGE,
        CONF_IPVLAN_PRIVATE,
        CONF_IPVLAN_VEPA,
} ConfIpvlanMode;

typedef struct ConfIpvlan {
        bool enabled;
        char *name;          /* NULL until the checks name it as keepalived would (PREFIX.VRID…) */
        bool has_addr;
        bool addr_seen;      /* an address was written, maybe a bad one (reported where it is) */
        int addr_family;
        VrrpAddr addr;
        uint8_t prefixlen;
        ConfIpvlanMode mode;
        bool has_group;
        uint32_t group;
        ConfLoc loc;
} ConfIpvlan;

/* How a route is added (keepalived's add / prepend / append words, ip-route(8)'s commands) */
typedef enum ConfRouteMode {
        CONF_ROUTE_PREPEND, /* the default (keepalived's and the kernel's): NLM_F_CREATE, before matching routes */
        CONF_ROUTE_ADD,     /* "add": NLM_F_CREATE | NLM_F_EXCL, only if no route matches */
        CONF_ROUTE_APPEND,  /* "append": NLM_F_CREATE | NLM_F_APPEND, after matching routes */
} ConfRouteMode;

/* A route of virtual_routes or static_routes: ip-route(8)'s words as keepalived 2.2.7 takes them
 * (vrrp_iproute.c alloc_route()), resolved to the numbers netlink wants, except interface names, which the
 * daemon resolves. Defaults as keepalived's: table main, type unicast, protocol 18 (RTPROT_KEEPALIVED, which
 * tracked routes always carry), scope: the kernel's for the type. */
typedef struct ConfNexthop {
        int via_family;    /* 0: no via */
        VrrpAddr via;
        char *dev;         /* NULL: none */
        int weight;        /* 1..256; 0: not given */
        bool onlink;
        uint32_t realms;   /* IPv4; 0: none */
        ConfLoc loc;
} ConfNexthop;

#define CONF_RTAX_N 18 /* RTAX_* metrics this model holds, indexed by RTAX_* (1..RTAX_FASTOPEN_NO_COOKIE) */

typedef struct ConfRoute {
        int family;
        uint8_t type;             /* RTN_UNICAST, RTN_BLACKHOLE, RTN_UNREACHABLE, RTN_PROHIBIT, RTN_THROW, ... */
        VrrpAddr dst;
        uint8_t dst_len;          /* "default": 0 */
        bool has_src;             /* src: the preferred source, RTA_PREFSRC */
        VrrpAddr src;
        bool has_from;            /* from (IPv6): the source prefix, RTA_SRC */
        VrrpAddr from;
        uint8_t from_len;
        int via_family;           /* 0: none; AF_INET6 on an IPv4 route is "via inet6" (RTA_VIA) */
        VrrpAddr via;
        char *dev;                /* dev / oif; NULL: none */
        uint8_t tos;
        bool has_table;
        uint32_t table;           /* given, by number or /etc/iproute2/rt_tables name; else main (or a VRF's) */
        uint8_t protocol;         /* RTPROT_*; 18 unless given (and always 18 unless no_track) */
        int scope;                /* RT_SCOPE_*; CONF_UNSET: the kernel's default for the type and via */
        bool has_metric;
        uint32_t metric;          /* metric / priority / preference: RTA_PRIORITY */
        bool onlink;
        uint32_t realms;          /* IPv4 RTA_FLOW; 0: none */
        bool has_expires;
        uint32_t expires;         /* IPv6, seconds */
        int pref;                 /* IPv6 router preference ICMPV6_ROUTER_PREF_*; CONF_UNSET: not given */
        int ttl_propagate;        /* MPLS; CONF_UNSET: not given, else 0 / 1 */
        uint32_t metrics[CONF_RTAX_N]; /* RTA_METRICS values by RTAX_* index, where metrics_set has the bit */
        uint32_t metrics_set;     /* bit RTAX_x: metrics[x] given */
        uint32_t metrics_lock;    /* bit RTAX_x: "lock" was written before its value */
        char *congctl;            /* RTAX_CC_ALGO; NULL: none (its lock is metrics_lock's RTAX_CC_ALGO bit) */
        ConfNexthop *nexthops;    /* multipath: nexthop via ... dev ... weight ... */
        size_t n_nexthops;
        size_t n_nexthops_alloc;
        bool no_track;
        uint8_t mode;             /* ConfRouteMode */
        ConfLoc loc;
} ConfRoute;

/* A rule of virtual_rules or static_rules: ip-rule(8)'s words as keepalived 2.2.7 takes them
 * (vrrp_iprule.c alloc_rule()). */
typedef struct ConfRule {
        int family;
        bool invert;              /* "not": FIB_RULE_INVERT */
        bool has_from;
        VrrpAddr from;
        uint8_t from_len;
        bool has_to;
        VrrpAddr to;
        uint8_t to_len;
        uint8_t action;           /* FR_ACT_TO_TBL, FR_ACT_GOTO, FR_ACT_NOP, FR_ACT_BLACKHOLE, ... */
        bool has_table;
        uint32_t table;           /* table / lookup, by number or name */
        uint32_t goto_target;     /* FR_ACT_GOTO: the priority it jumps to */
        bool has_priority;        /* always, once loaded: keepalived numbers the others 16384 down */
        uint32_t priority;        /* preference / order / priority */
        uint8_t tos;
        bool has_fwmark;
        uint32_t fwmark;
        uint32_t fwmask;          /* 0xffffffff unless "fwmark M/MASK" */
        uint32_t realms;
        bool has_suppress_prefixlen;
        uint32_t suppress_prefixlen;
        bool has_suppress_ifgroup;
        uint32_t suppress_ifgroup;
        char *iif;                /* dev / iif; NULL: none (netlink takes the name: FRA_IIFNAME) */
        char *oif;
        bool has_tun_id;          /* tunnel-id not 0 (keepalived passes 0 on as no tunnel-id) */
        uint64_t tun_id;
        bool has_uidrange;
        uint32_t uid_start;
        uint32_t uid_end;
        bool l3mdev;
        uint8_t protocol;         /* RTPROT_*; 0: not given; 18 unless no_track, as keepalived sends it */
        uint8_t ipproto;          /* 0: any */
        bool has_sport;
        uint16_t sport_start;
        uint16_t sport_end;
        bool has_dport;
        uint16_t dport_start;
        uint16_t dport_end;
        bool no_track;
        ConfLoc loc;
} ConfRule;

typedef struct ConfPeer {
        int family;
        VrrpAddr addr;
        uint8_t min_ttl;
        uint8_t max_ttl;
        ConfLoc loc;
} ConfPeer;

typedef struct ConfFifo {
        char *name;
        char *script;
        char *user;
        char *group;
} ConfFifo;

/* SMTP alerts (keepalived's global_defs): sent only with a server and at least one address. */
typedef struct ConfMail {
        char **to;          /* notification_email: "addr" or "Name <addr>", NULL-terminated; NULL: none */
        char *from;         /* notification_email_from; NULL: USER@hostname, as keepalived */
        char *server;       /* smtp_server: an address or a host name (resolved at each send); NULL: none */
        uint16_t port;      /* 25 unless given */
        char *helo;         /* smtp_helo_name; NULL: the host name */
        usec_t timeout;     /* smtp_connect_timeout: 30 s unless set */
        bool no_faults;     /* no_email_faults */
        ConfLoc server_loc;
} ConfMail;

typedef struct ConfGlobal {
        char *router_id;
        int vrrp_version;
        VrrpAddr mcast_group4;
        VrrpAddr mcast_group6;
        usec_t garp_master_delay;
        int garp_master_repeat;
        usec_t garp_master_refresh;
        int garp_master_refresh_repeat;
        usec_t garp_lower_prio_delay;   /* unset: garp_master_delay */
        int garp_lower_prio_repeat;     /* unset: garp_master_repeat */
        usec_t garp_extra_if;           /* vrrp_garp_extra_if [all] N: 0 off */
        bool garp_extra_all;
        usec_t garp_interval;
        usec_t gna_interval;
        bool min_garp;
        int down_timer_adverts;
        bool lower_prio_no_advert;
        bool higher_prio_send_advert;
        bool skip_check_adv_addr;
        bool strict;
        bool check_unicast_src;
        usec_t startup_delay;
        usec_t delay_after_boot;  /* vrrp_delay_after_boot: no VRRP before this much uptime; 0 off */
        bool owner_ignore_adverts; /* vrrp_owner_ignore_adverts */
        bool fast_preempt;         /* vrrp_fast_preempt: the instances' default (vrrpd only) */
        bool v3_checksum_as_v2;    /* the instances' default */
        char *script_user;
        char *script_group;
        bool enable_script_security;
        ConfFifo notify_fifo;
        ConfFifo vrrp_notify_fifo;
        bool notify_priority_changes;
        ConfNotify startup_script;      /* run before the instances start (keepalived core/main.c) */
        usec_t startup_script_timeout;  /* 1..1000 s, default 10 s */
        ConfNotify shutdown_script;     /* run once the instances have stopped */
        usec_t shutdown_script_timeout; /* 1..1000 s, default 10 s */
        int max_auto_priority;  /* 0: off */
        int vrrp_priority;      /* nice value, 0 unless set; not applied with vrrp_rt_priority */
        bool vrrp_no_swap;      /* mlockall() */
        int vrrp_rt_priority;   /* SCHED_RR priority 1..99; 0: not set */
        usec_t vrrp_rlimit_rttime; /* RLIMIT_RTTIME; 0: not set (no limit) */
        bool enable_dbus;
        int smtp_alert;         /* CONF_UNSET, 0 or 1 */
        int smtp_alert_vrrp;
        ConfMail mail;
        char *privileged_group; /* vrrpd only: who may call the control methods */
        char *vmac_prefix;      /* NULL: "vrrp" */
        char *vmac_addr_prefix; /* NULL: vmac_prefix */
        char *default_interface; /* static_ipaddress without dev; NULL: "eth0", as keepalived */
        char *iproute_etc_dir;   /* keepalived 2.3.2: where iproute2's name files are; NULL: /etc/iproute2 */
        char *iproute_usr_dir;   /* ... and their defaults; NULL: /usr/share/iproute2 */
        bool dynamic_interfaces; /* an instance whose interface is missing waits for it in FAULT */
        bool allow_if_changes;   /* dynamic_interfaces allow_if_changes */
        /* Where the daemon lives (top level in keepalived; they change only with a restart). */
        char *net_namespace;     /* net_namespace: run in /run/netns/NAME; NULL: where started */
        ConfLoc net_namespace_loc;
        char *instance;          /* instance: keepalived's name for one of several daemons on a host */
        ConfLoc instance_loc;
        char *dbus_service_name; /* global_defs: the bus name to own; NULL: org.vrrpd.Vrrp1 */
        ConfLoc dbus_service_name_loc;
        usec_t process_rescan_interval; /* vrrpd only: /proc rescans without the process-events connector */
} ConfGlobal;

typedef struct ConfScript {
        char *name;
        char *script;
        usec_t interval;
        usec_t timeout; /* unset in the file: the interval, as keepalived */
        int weight;
        bool weight_reverse;
        int rise;
        int fall;
        char *user;
        char *group;
        bool init_fail;
        ConfLoc loc;
} ConfScript;

typedef struct ConfTrackFile {
        char *name;
        char *file;
        int weight;
        bool weight_reverse;
        bool init_file; /* create the file at startup */
        int init_value;
        bool init_overwrite;
        ConfLoc loc;
} ConfTrackFile;

/* param_match: how a process's arguments compare with those after 'process PATH' (track_process.c) */
typedef enum ConfParamMatch {
        CONF_PARAM_MATCH_NONE,    /* arguments not compared */
        CONF_PARAM_MATCH_EXACT,   /* the same arguments, no more */
        CONF_PARAM_MATCH_PARTIAL, /* the given arguments first, maybe more after */
        CONF_PARAM_MATCH_INITIAL, /* as partial, but the last given one may be the start of a longer one */
} ConfParamMatch;

/* vrrp_track_process: up while quorum <= matching processes <= quorum_max */
typedef struct ConfTrackProcess {
        char *name;
        char *process; /* comm (15 characters at most match) or, with full_command, argv[0] */
        char *params;  /* the arguments, each NUL-ended as in /proc/PID/cmdline; NULL: none */
        size_t params_len;
        ConfParamMatch param_match;
        bool full_command; /* match /proc/PID/cmdline, not comm */
        unsigned quorum;
        unsigned quorum_max;
        int weight;
        bool weight_reverse;
        usec_t terminate_delay; /* lost quorum counts only after this long; 0: at once */
        usec_t fork_delay;      /* gained quorum counts only after this long */
        ConfLoc loc;
} ConfTrackProcess;

typedef struct ConfInstance {
        char *name;
        ConfLoc loc;
        int state;        /* ConfState */
        ConfLoc state_loc;
        char *interface;
        ConfLoc interface_loc;
        char *vrf;        /* a unicast instance without interface: its VRF device (sockets bound to it) */
        ConfLoc vrf_loc;
        int vrid;
        ConfLoc vrid_loc;
        int priority;
        ConfLoc priority_loc;
        usec_t advert_int;
        ConfLoc advert_int_loc;
        int version;
        ConfLoc version_loc;
        int family;       /* AF_INET or AF_INET6, from the addresses */
        bool nopreempt;
        ConfLoc nopreempt_loc;
        usec_t preempt_delay;
        int accept;
        int strict_mode;
        ConfAuthType auth_type;
        char *auth_pass;
        ConfLoc auth_loc;
        ConfAuthHmac auth_hmac;
        ConfVip *vips;
        size_t n_vips;
        size_t n_vips_alloc;
        ConfVip *excluded_vips;
        size_t n_excluded_vips;
        size_t n_excluded_vips_alloc;
        bool no_virtual_ipaddress;
        bool has_unicast_src;
        VrrpAddr unicast_src;
        int unicast_src_family;
        ConfPeer *unicast_peers;
        size_t n_unicast_peers;
        size_t n_unicast_peers_alloc;
        int unicast_ttl;
        bool has_mcast_src;
        VrrpAddr mcast_src;
        int mcast_src_family;
        VrrpAddr mcast_dst; /* its mcast_dst_ip, else global_defs' group, when multicast */
        int mcast_dst_family; /* 0: no mcast_dst_ip */
        ConfLoc mcast_dst_loc;
        ConfTracks tracks;
        bool dont_track_primary;
        int old_unicast_checksum; /* ConfChecksum */
        int v3_checksum_as_v2;    /* VRRPv3 over IPv4 sent without the pseudo-header (Cisco); unset: global_defs' */
        ConfNotifies notify;
        bool notify_deleted;         /* a removal notifies DELETED, not FAULT (keepalived) */
        int notify_priority_changes; /* its own, else its sync group's, else global_defs' */
        ConfVmac vmac;
        ConfIpvlan ipvlan;
        bool skip_check_adv_addr; /* its own, or global_defs' vrrp_skip_check_adv_addr (either sets it) */
        bool check_unicast_src;   /* its own, or global_defs' vrrp_check_unicast_src (either sets it) */
        bool promote_secondaries; /* net.ipv4.conf.IF.promote_secondaries=1 while it runs (not with a macvlan) */
        bool unicast_fault_no_peer; /* no unicast_peer: FAULT, not multicast */
        bool unicast_configured;  /* a unicast keyword was written (keepalived's VRRP_FLAG_UNICAST_CONFIGURED) */
        bool track_src_ip;        /* FAULT while its unicast_src_ip / mcast_src_ip is on no interface */
        usec_t garp_master_delay;
        int garp_master_repeat;
        usec_t garp_master_refresh;
        int garp_master_refresh_repeat;
        usec_t garp_lower_prio_delay;
        int garp_lower_prio_repeat;
        usec_t garp_extra_if;   /* garp_extra_if [all] N (vmac_garp_intvl): unset USEC_INFINITY, 0 off */
        int garp_extra_all;     /* "all": every interface with VIPs, not only macvlans */
        int down_timer_adverts;
        int lower_prio_no_advert;
        int higher_prio_send_advert;
        int owner_ignore_adverts;  /* keepalived 2.3; unset: on for an owner in strict mode, else global_defs' */
        int fast_preempt;          /* vrrpd only: Skew_Time takeover from a worse master; unset: global_defs' */
        ConfLoc fast_preempt_loc;
        ConfLoc owner_ignore_adverts_loc;
        int timer_expired_backup;  /* keepalived 2.3: highest priority of the others (1..254), 0 off */
        ConfLoc timer_expired_backup_loc;
        int smtp_alert;
        ConfRoute *routes;      /* virtual_routes: added after the VIPs when master, removed before them */
        size_t n_routes;
        size_t n_routes_alloc;
        ConfRule *rules;        /* virtual_rules: added after the routes when master, removed before them */
        size_t n_rules;
        size_t n_rules_alloc;
        const char *sync_group; /* name of the group holding it, or NULL */
} ConfInstance;

typedef struct ConfSyncGroup {
        char *name;
        ConfLoc loc;
        ConfName *members;
        size_t n_members;
        size_t n_members_alloc;
        ConfTracks tracks;
        ConfNotifies notify;
        int notify_priority_changes; /* CONF_UNSET: global_defs' vrrp_notify_priority_changes */
        bool tracking_weight;        /* sync_group_tracking_weight: members keep weighted tracks */
        int smtp_alert;
} ConfSyncGroup;

/* The kinds of named top-level object; a name is unique within its kind. */
typedef enum ConfObject {
        CONF_OBJECT_INSTANCE,
        CONF_OBJECT_SCRIPT,
        CONF_OBJECT_TRACK_FILE,
        CONF_OBJECT_SYNC_GROUP,
        CONF_OBJECT_TRACK_PROCESS,
        _CONF_OBJECT_MAX,
} ConfObject;

typedef struct Config {
        ConfGlobal global;
        ConfInstance *instances;
        size_t n_instances;
        size_t n_instances_alloc;
        ConfScript *scripts;
        size_t n_scripts;
        size_t n_scripts_alloc;
        ConfTrackFile *track_files;
        size_t n_track_files;
        size_t n_track_files_alloc;
        ConfTrackProcess *track_processes;
        size_t n_track_processes;
        size_t n_track_processes_alloc;
        ConfSyncGroup *sync_groups;
        size_t n_sync_groups;
        size_t n_sync_groups_alloc;
        ConfVip *static_vips;   /* static_ipaddress: held from start to exit, whatever the state */
        size_t n_static_vips;
        size_t n_static_vips_alloc;
        ConfRoute *static_routes;
        size_t n_static_routes;
        size_t n_static_routes_alloc;
        ConfRule *static_rules;
        size_t n_static_rules;
        size_t n_static_rules_alloc;
        char **files; /* the names every ConfLoc.file points to */
        size_t n_files;
        /* Each kind's objects by name, kept as the parser adds them: keys are the objects' own names, values
         * their position in their array + 1 (positions survive the arrays' growth, addresses do not). */
        Index names[_CONF_OBJECT_MAX];
} Config;

/* An empty Config with the global defaults, or NULL when out of memory. */
Config *conf_model_new(void);
/* Records that kind's object at position pos is called name (its own string, which must outlive c). 0 or
 * -ENOMEM; the caller checked with conf_model_find() that the name is new. */
int conf_model_name_add(Config *c, ConfObject kind, const char *name, size_t pos);
/* The position of kind's object called name, or -ENOENT. */
ssize_t conf_model_find(const Config *c, ConfObject kind, const char *name);
/* Where kind's object at position pos was defined. */
const ConfLoc *conf_model_loc(const Config *c, ConfObject kind, size_t pos);
/* Orders two instances by identity, as strcmp() does (no interface sorts as ""). The identity is (interface,
 * family, VRID) and what lets two instances share those, as in keepalived: multicast with its group, or
 * unicast with its source address and its lowest peer (two that share a VRID share no peer). */
int conf_model_compare_identity(const void *a, const void *b);

void conf_model_global_init(ConfGlobal *g);
void conf_model_instance_init(ConfInstance *i);
void conf_model_script_init(ConfScript *s);
void conf_model_track_file_init(ConfTrackFile *f);
void conf_model_track_process_init(ConfTrackProcess *t);
void conf_model_notify_done(ConfNotify *n);
/* A route or rule as the parser starts one (keepalived's defaults), and what frees its strings. */
void conf_model_route_init(ConfRoute *r);
void conf_model_route_done(ConfRoute *r);
void conf_model_rule_init(ConfRule *r);
void conf_model_rule_done(ConfRule *r);
Config *conf_model_free(Config *c);
