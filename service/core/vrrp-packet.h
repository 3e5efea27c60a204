#pragma once

/* The VRRP advertisement on the wire: VRRPv2 (RFC 3768, IPv4 only) and VRRPv3 (RFC 9568, IPv4 and IPv6).
 * Pure functions over a buffer of the VRRP message alone (the IP payload): the socket layer strips the IP
 * header and hands over the source and destination addresses, which the v3 checksum covers. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vrrp-addr.h"

#define VRRP_IPPROTO 112
#define VRRP_TYPE_ADVERTISEMENT 1
#define VRRP_MAX_ADDRS 255
#define VRRP_HEADER_LEN 8
#define VRRP_V2_AUTH_LEN 8
#define VRRP_TTL 255                     /* IPv4 TTL and IPv6 hop limit of multicast adverts */
#define VRRP_V3_ADVER_INT_MAX_CS 0x0fffu /* 12 bits of centiseconds */
#define VRRP_V2_ADVER_INT_MAX_CS 25500u  /* 8 bits of seconds */
/* The largest message: v3 over IPv6 with 255 addresses (v2 with its auth data is IPv4 only, so smaller). */
#define VRRP_PACKET_MAX_LEN (VRRP_HEADER_LEN + VRRP_MAX_ADDRS * 16)

typedef enum VrrpAuthType {
        VRRP_AUTH_NONE = 0,
        VRRP_AUTH_PASS = 1, /* RFC 2338 simple text password, 8 bytes zero padded; v2 only */
        VRRP_AUTH_AH = 2,   /* RFC 2338 IPsec AH: not supported, dropped as "auth-ah" */
} VrrpAuthType;

/* Which checksum an advert carries. Receive: the form that matched; send: the form to emit. */
typedef enum VrrpChecksum {
        VRRP_CHECKSUM_RFC,       /* v2: over the VRRP message; v3: with the IPv4/IPv6 pseudo-header */
        VRRP_CHECKSUM_V3_AS_V2,  /* v3 over IPv4 without the pseudo-header: Cisco, older FRR, keepalived's
                                  * v3_checksum_as_v2 */
        VRRP_CHECKSUM_MCAST_DST, /* v3 over IPv4 unicast, pseudo-header with 224.0.0.18 as destination:
                                  * keepalived before 2.0 and its old_unicast_checksum */
        _VRRP_CHECKSUM_MAX,
} VrrpChecksum;

/* Why a received advert was dropped. The words of vrrp_drop_to_string() are statistics counter names on the
 * bus (DESIGN.md §3), so they never change; _VRRP_DROP_MAX sizes the daemon's counter array. The first block
 * is found by vrrp_packet_parse(), the second by vrrp_check_advert(). */
typedef enum VrrpDrop {
        VRRP_DROP_LENGTH,        /* "length": shorter than the fixed header (v2: header plus auth data) */
        VRRP_DROP_VERSION,       /* "version": neither 2 nor 3, or not the instance's version */
        VRRP_DROP_TYPE,          /* "type": not an ADVERTISEMENT (1) */
        VRRP_DROP_FAMILY,        /* "family": VRRPv2 over IPv6 */
        VRRP_DROP_ADDRESS_COUNT, /* "address-count": count disagrees with the length, or v3 count 0 */
        VRRP_DROP_CHECKSUM,      /* "checksum": no accepted checksum form matches */
        VRRP_DROP_AUTH_AH,       /* "auth-ah": v2 auth type 2 (IPsec AH), which we do not implement */
        VRRP_DROP_AUTH_TYPE,     /* "auth-type": v2 auth type unknown, or not the configured one */

        VRRP_DROP_OWN_PACKET,  /* "own-packet": sent from one of our own addresses */
        VRRP_DROP_TTL,         /* "ttl": multicast TTL/hop limit not 255; unicast outside the peer's range */
        VRRP_DROP_VRID,        /* "vrid": not the instance's VRID */
        VRRP_DROP_AUTH,        /* "auth": v2 simple text password differs */
        VRRP_DROP_INTERVAL,    /* "interval": v2 Adver Int differs from ours */
        VRRP_DROP_DESTINATION, /* "destination": multicast advert for a unicast instance, or the reverse */
        VRRP_DROP_UNICAST_SOURCE, /* "unicast-source": source is not a configured unicast peer */
        /* signed adverts (auth_hmac, vrrp-hmac.h), checked before anything of the advert is believed */
        VRRP_DROP_HMAC_MISSING,     /* "hmac-missing": no trailer, in enforce mode */
        VRRP_DROP_HMAC_MALFORMED,   /* "hmac-malformed": unknown scheme, reserved bits set */
        VRRP_DROP_HMAC_STALE,       /* "hmac-stale": its time is outside the window */
        VRRP_DROP_HMAC_UNKNOWN_KEY, /* "hmac-unknown-key": a key id we do not have */
        VRRP_DROP_HMAC_BAD,         /* "hmac-bad": the MAC does not verify */
        VRRP_DROP_HMAC_REPLAYED,    /* "hmac-replayed": not newer than the last from its sender */
        _VRRP_DROP_MAX,
} VrrpDrop;

/* A decoded advertisement. Both versions keep the interval in centiseconds (v2: seconds × 100). */
typedef struct VrrpAdvert {
        uint8_t version;
        uint8_t vrid;
        uint8_t priority;
        uint8_t n_addrs;
        uint16_t adver_int_cs;
        uint8_t auth_type;                   /* v2 only; VrrpAuthType */
        uint8_t auth_data[VRRP_V2_AUTH_LEN]; /* v2 only; all zero unless auth_type is PASS */
        VrrpChecksum checksum;               /* set by parse; build takes the form as a parameter */
        VrrpAddr addrs[VRRP_MAX_ADDRS];      /* the first n_addrs are valid */
} VrrpAdvert;

const char *vrrp_drop_to_string(VrrpDrop d);
const char *vrrp_checksum_to_string(VrrpChecksum c);

/* The length of a message with n_addrs addresses; 0 for a version/family pair that does not exist. */
size_t vrrp_packet_len(uint8_t version, int family, size_t n_addrs);

/* Decodes buf[0..len) received over family (AF_INET, AF_INET6) from src to dst. Returns 0, or -EBADMSG with
 * *reterr_drop set (a malformed packet), or -EINVAL for bad arguments. A v3 advert over IPv4 whose checksum
 * is one of the legacy forms is accepted, ret->checksum saying which. v3's reserved bits are ignored. */
int vrrp_packet_parse(const uint8_t *buf, size_t len, int family, const VrrpAddr *src, const VrrpAddr *dst,
                      VrrpAdvert *ret, VrrpDrop *reterr_drop);

/* Signed adverts (vrrp-hmac.h) carry a trailer after the message. keepalived 2.4 checksums the message alone
 * over IPv4 (with a pseudo-header length of the message's) and the whole payload, trailer included, over IPv6
 * (the kernel's IPV6_CHECKSUM, on send and on receive); these do the same. */
/* The message length buf's header announces (version, address count), or 0 when buf cannot say. */
size_t vrrp_packet_message_len(const uint8_t *buf, size_t len, int family);
/* vrrp_packet_parse() of buf[0..len) whose last trailer_len bytes are a trailer. */
int vrrp_packet_parse_signed(const uint8_t *buf, size_t len, size_t trailer_len, int family, const VrrpAddr *src,
                             const VrrpAddr *dst, VrrpAdvert *ret, VrrpDrop *reterr_drop);
/* Sets the checksum of the message buf[0..len) followed by trailer_len bytes of trailer, in form checksum. */
int vrrp_packet_seal(uint8_t *buf, size_t len, size_t trailer_len, int family, const VrrpAddr *src,
                     const VrrpAddr *dst, VrrpChecksum checksum);

/* Encodes adv for family from src to dst into buf with the given checksum form. Returns 0 with *ret_len set,
 * -ENOBUFS if size is too small, -EINVAL for an advert that cannot be sent (version, v2 over IPv6, an
 * interval out of range or, for v2, not whole seconds, a legacy checksum form for anything but v3 over
 * IPv4), -EOPNOTSUPP for AH authentication. */
int vrrp_packet_build(const VrrpAdvert *adv, int family, const VrrpAddr *src, const VrrpAddr *dst,
                      VrrpChecksum checksum, uint8_t *buf, size_t size, size_t *ret_len);

/* The IP header a multicast advert goes out with, for senders that write whole packets (an AF_PACKET socket)
 * instead of handing the payload to the IP layer; buf holds VRRP_IP_HEADER_MAX bytes. What a raw IP socket
 * set to TTL 255 and DSCP CS6 writes, but for the fields RFC 6864 and RFC 6437 leave to the sender: IPv4 is
 * DF with ID 0 (an atomic datagram), IPv6 has flow label 0. Returns the header's length, 20 or 40, or 0 for a
 * bad family or a payload too long for one packet. */
#define VRRP_IP_HEADER_MAX 40
#define VRRP_IP_DSCP_CS6 0xc0 /* TOS / traffic class byte: network control, as keepalived marks adverts */
size_t vrrp_ip_header_build(int family, const VrrpAddr *src, const VrrpAddr *dst, size_t payload_len,
                            uint8_t *buf);

/* The Ethernet destination of an IPv4 (RFC 1112 §6.4) or IPv6 (RFC 2464 §7) multicast group. */
void vrrp_multicast_mac(int family, const VrrpAddr *group, uint8_t mac[6]);
