#pragma once

/* Signed adverts (auth_hmac, keepalived 2.4.2+, IETF draft-cassen-vrrp-auth-hmac): a 28-byte trailer after the
 * VRRP message, carrying a key id, a 64-bit sequence and an HMAC-SHA256 truncated to 16 bytes.
 *
 *   0      1       2..3      4..7     8..9     10..11   12..27
 *   type   key id  reserved  seconds  fraction counter  HMAC
 *   (1)            (0)       (UTC)    (1/2^16 s)
 *
 * The sequence is seconds << 32 | fraction << 16 | counter, compared in serial arithmetic (RFC 1982). The MAC
 * covers a 20-byte pseudo-header (4 or 6, the VRRP version, the VRID, 0, the source address zero-padded to 16
 * bytes), the VRRP message with its checksum read as zero, the trailer's first 12 bytes and 16 zero bytes.
 *
 * Pure: no clock, no crypto library. The caller passes the wall clock (CLOCK_REALTIME in the daemon, a virtual
 * one in tests) where the anti-replay rules need it, and computes the MAC itself over vrrp_hmac_message(). The
 * order of the checks is the daemon's promise that a forged advert changes nothing: the cheap ones first
 * (malformed, outside the window), the MAC, and only then the replay mark moves. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vrrp-addr.h"
#include "vrrp-time.h"

#define VRRP_HMAC_TRAILER_LEN 28
#define VRRP_HMAC_HEAD_LEN 12 /* the trailer before its MAC */
#define VRRP_HMAC_LEN 16
#define VRRP_HMAC_TYPE_SHA256 1
#define VRRP_HMAC_PSEUDO_LEN 20
#define VRRP_HMAC_SENDERS 4 /* multicast senders remembered per instance (keepalived's number) */
/* The largest MAC input: pseudo-header, the largest VRRP message, the trailer's head, the zeroed MAC. */
#define VRRP_HMAC_MESSAGE_MAX (VRRP_HMAC_PSEUDO_LEN + 8 + 255 * 16 + VRRP_HMAC_HEAD_LEN + VRRP_HMAC_LEN)

typedef struct VrrpHmacTrailer {
        uint8_t type;
        uint8_t key_id;
        uint16_t reserved;
        uint64_t seq;
        uint8_t mac[VRRP_HMAC_LEN];
} VrrpHmacTrailer;

typedef enum VrrpHmacMode {
        VRRP_HMAC_ENFORCE,      /* a valid trailer is required */
        VRRP_HMAC_PERMISSIVE,   /* sign; take adverts without a trailer too */
        VRRP_HMAC_RECEIVE_ONLY, /* verify a trailer that is there, sign nothing */
} VrrpHmacMode;

typedef struct VrrpHmacPolicy {
        VrrpHmacMode mode;
        bool time_mode;       /* anti_replay time: a freshness window; else monotonic: strict growth only */
        uint32_t window_sec;  /* time mode: |now - seconds| must not exceed it */
} VrrpHmacPolicy;

/* What a received advert's trailer earned. The drop counters on the bus follow it (vrrp-packet.h). */
typedef enum VrrpHmacVerdict {
        VRRP_HMAC_OK,
        VRRP_HMAC_UNSIGNED_OK, /* no trailer, and the mode takes that */
        VRRP_HMAC_MISSING,     /* no trailer in enforce mode */
        VRRP_HMAC_MALFORMED,   /* unknown type, reserved bits set */
        VRRP_HMAC_STALE,       /* time mode: outside the window */
        VRRP_HMAC_UNKNOWN_KEY,
        VRRP_HMAC_BAD_MAC,
        VRRP_HMAC_REPLAYED, /* not newer than the last accepted from this sender */
        _VRRP_HMAC_VERDICT_MAX,
} VrrpHmacVerdict;

/* One sender's high-water mark. */
typedef struct VrrpHmacReplay {
        bool valid;
        uint64_t seq;
} VrrpHmacReplay;

/* Multicast senders, least recently used evicted: slots are taken only by adverts whose MAC verified. */
typedef struct VrrpHmacSenders {
        struct {
                VrrpAddr addr;
                VrrpHmacReplay replay;
                unsigned last_used; /* 0: empty */
        } slot[VRRP_HMAC_SENDERS];
        unsigned clock;
} VrrpHmacSenders;

const char *vrrp_hmac_verdict_to_string(VrrpHmacVerdict v);

/* buf holds VRRP_HMAC_TRAILER_LEN bytes. */
void vrrp_hmac_trailer_read(const uint8_t *buf, VrrpHmacTrailer *ret);
void vrrp_hmac_trailer_write(const VrrpHmacTrailer *t, uint8_t *buf);

/* The MAC input into out (VRRP_HMAC_MESSAGE_MAX bytes): returns its length, or 0 for a message too long or a
 * bad family. pdu is the VRRP message (its checksum is read as zero), head the trailer's first 12 bytes. */
size_t vrrp_hmac_message(int family, uint8_t version, uint8_t vrid, const VrrpAddr *src, const uint8_t *pdu,
                         size_t pdu_len, const uint8_t *head, uint8_t *out);

/* The sequence for the next advert, from the wall clock (µs since the epoch) and the last one sent (*last,
 * updated): the clock's when it is ahead, else the last plus one; in time mode a last one more than window
 * ahead of the clock (the clock was stepped back) gives way to the clock. */
uint64_t vrrp_hmac_next_seq(uint64_t *last, usec_t realtime, bool time_mode, uint32_t window_sec);

/* An advert without a trailer: UNSIGNED_OK in the migration modes (permissive, receive-only), else MISSING. */
VrrpHmacVerdict vrrp_hmac_unsigned(const VrrpHmacPolicy *p);

/* Before the MAC: the trailer's form, and in time mode its freshness. VRRP_HMAC_OK, MALFORMED or STALE. */
VrrpHmacVerdict vrrp_hmac_precheck(const VrrpHmacPolicy *p, const VrrpHmacTrailer *t, usec_t realtime);

/* After the MAC verified: OK and the mark moved, or REPLAYED and nothing changed. In time mode a mark older
 * than the window is forgotten first (a sender whose clock was stepped back recovers). */
VrrpHmacVerdict vrrp_hmac_replay_check(const VrrpHmacPolicy *p, VrrpHmacReplay *r, uint64_t seq, usec_t realtime);

/* The replay state of a multicast sender: its slot, or the least recently used one, emptied for it. */
VrrpHmacReplay *vrrp_hmac_sender(VrrpHmacSenders *s, int family, const VrrpAddr *addr);
