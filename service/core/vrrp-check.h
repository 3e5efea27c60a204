#pragma once

/* The instance-level receive checks of RFC 9568 §7.1 and RFC 3768 §7.1 on an advert vrrp_packet_parse()
 * accepted, with keepalived's choices where the RFCs leave room (unicast, address list). Pure: the socket
 * layer supplies what it saw of the packet (VrrpRxMeta), the instance what it expects (VrrpRxConfig). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vrrp-addr.h"
#include "vrrp-packet.h"

/* Accepted, but worth a counter: bits of VrrpRxResult.notes; the words of vrrp_check_note_to_string() are
 * statistics counter names beside the VrrpDrop ones. */
typedef enum VrrpRxNote {
        VRRP_RX_NOTE_ADDRESS_LIST,    /* "address-list": the addresses differ from ours (RFC: MAY log) */
        VRRP_RX_NOTE_CHECKSUM_LEGACY, /* "checksum-legacy": a v3 IPv4 checksum in one of the legacy forms */
        VRRP_RX_NOTE_INTERVAL,        /* "interval-mismatch": v3 interval differs from ours (v2 drops it) */
        _VRRP_RX_NOTE_MAX,
} VrrpRxNote;

/* A unicast peer as keepalived's unicast_peer block has it: adverts from it must arrive with a TTL/hop limit
 * in [min_ttl, max_ttl] (keepalived's defaults: 0 and 255) when the source check is on. */
typedef struct VrrpRxPeer {
        VrrpAddr addr;
        uint8_t min_ttl;
        uint8_t max_ttl;
} VrrpRxPeer;

typedef struct VrrpRxConfig {
        uint8_t version; /* 2 or 3 */
        int family;      /* AF_INET, AF_INET6 */
        uint8_t vrid;
        uint8_t auth_type;                   /* v2: VRRP_AUTH_NONE or VRRP_AUTH_PASS */
        uint8_t auth_pass[VRRP_V2_AUTH_LEN]; /* v2 PASS: the password, zero padded */
        uint16_t adver_int_cs;               /* our configured Advertisement_Interval */
        const VrrpAddr *vips;                /* our virtual addresses, any order */
        size_t n_vips;
        bool skip_check_adv_addr; /* keepalived's: compare addresses only on a new master */
        bool unicast;             /* unicast_peer configured: adverts arrive unicast */
        bool check_unicast_src;   /* keepalived's (vrrp_)check_unicast_src */
        const VrrpRxPeer *peers;  /* unicast peers, for check_unicast_src */
        size_t n_peers;
} VrrpRxConfig;

typedef struct VrrpRxMeta {
        int ttl;            /* IPv4 TTL / IPv6 hop limit as received; -1 if unknown */
        VrrpAddr src;       /* IP source */
        bool dst_multicast; /* sent to 224.0.0.18 / ff02::12 (else to a unicast address) */
        bool own;           /* src is one of this host's addresses: our own advert */
        bool same_master;   /* src is the master this instance already follows */
} VrrpRxMeta;

typedef struct VrrpRxResult {
        VrrpDrop drop;  /* valid when vrrp_check_advert() returned -EBADMSG */
        unsigned notes; /* 1u << VrrpRxNote, when it returned 0 */
} VrrpRxResult;

const char *vrrp_check_note_to_string(VrrpRxNote n);

/* Returns 0 if the instance takes adv (ret->notes says what to count), -EBADMSG if it drops it (ret->drop
 * says why), -EINVAL on bad arguments. Checks in RFC 9568 §7.1's order; see vrrp-check.c for each. */
int vrrp_check_advert(const VrrpRxConfig *cfg, const VrrpAdvert *adv, const VrrpRxMeta *meta,
                      VrrpRxResult *ret);
