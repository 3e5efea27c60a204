/* vrrp-flood: sends broken VRRP adverts at a steady rate, for tests/integration/test_flood.py and
 * bench/flood.
 *
 * Every packet is a mutation of a valid, higher-priority (254) advert for one of the pair's instances
 * (VRRPv3 over IPv4, VRRPv3 over IPv6, VRRPv2 over IPv4 with a PASS password), broken in exactly one way, so
 * that a correct receiver drops each of them, and knows why. Frames are written whole on an AF_PACKET socket
 * (so the TTL, the IP lengths and checksums are ours to break), paced with clock_nanosleep() on absolute
 * deadlines; a sender that fell behind sends what is due back to back (lag_max_us says how far behind it
 * fell).
 *
 * It prints one JSON object: the seed, what it sent of each kind, and what a receiver should count: per drop
 * word of vrrpd's Statistics ("ttl", "checksum", ...), "socket-ipv4"/"socket-ipv6" (a VRID no instance runs,
 * or too short to carry one: the Manager's SocketCounters) and "kernel" (a bad IPv4 header checksum or an IP
 * length past the frame: the kernel drops them before any socket). "jumbo" adverts, up to 4 KB of junk after
 * a valid advert, go out in IP fragments (the MTU is 1500), which the receiving kernel reassembles. Not
 * installed. */

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <net/if.h>
#include <netpacket/packet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FRAME_MAX 1514 /* a whole frame at the veths' MTU of 1500 */
#define DGRAM_MAX 4200 /* a datagram sent in fragments ("jumbo") */
#define ETH_LEN 14
#define NSEC_PER_SEC 1000000000LL

typedef enum Family { V4, V6 } Family;

typedef struct Options {
        const char *ifname;
        double rate, duration;
        uint64_t seed;
        uint8_t vrid3, vrid6, vrid2; /* the VRIDs of the v3 IPv4, v3 IPv6 and v2 instances */
        struct in_addr vip4, src4;   /* src4, src6: the first of 50 spoofed sources */
        struct in6_addr vip6, src6;
        uint8_t password[8];
        uint16_t adv_cs;  /* the v3 instances' interval, centiseconds */
        uint8_t v2_adv_s; /* the v2 instance's interval, seconds */
        bool unicast;     /* "unicast" kind: v3 adverts to one router's MAC and addresses */
        uint8_t umac[6];
        struct in_addr u4;
        struct in6_addr u6;
} Options;

typedef struct Frame {
        uint8_t b[DGRAM_MAX];
        size_t len; /* the whole frame; past FRAME_MAX, send_frame() fragments it */
        Family family;
        size_t ip_len;      /* 20 or 40 */
        const char *expect; /* a drop word, "socket" or "kernel" */
} Frame;

static uint64_t rng_state;

static uint64_t rnd(void) { /* xorshift64* */
        rng_state ^= rng_state >> 12;
        rng_state ^= rng_state << 25;
        rng_state ^= rng_state >> 27;
        return rng_state * 2685821657736338717ULL;
}

static unsigned rnd_in(unsigned lo, unsigned hi) { /* [lo, hi] */
        return lo + (unsigned) (rnd() % (hi - lo + 1));
}

static uint32_t sum16(uint32_t s, const uint8_t *p, size_t n) {
        for (size_t i = 0; i + 1 < n; i += 2)
                s += (uint32_t) p[i] << 8 | p[i + 1];
        if (n & 1)
                s += (uint32_t) p[n - 1] << 8;
        return s;
}

static uint16_t fold(uint32_t s) {
        while (s >> 16)
                s = (s & 0xffff) + (s >> 16);
        return (uint16_t) ~s;
}

static uint8_t *vrrp(Frame *f) {
        return f->b + ETH_LEN + f->ip_len;
}

static size_t vrrp_len(const Frame *f) {
        return f->len - ETH_LEN - f->ip_len;
}

/* The VRRP checksum: v2 over the message, v3 with the pseudo-header (RFC 9568 §5.2.8); pseudo false gives
 * the legacy v3 form without it, which vrrpd also accepts over IPv4. */
static uint16_t vrrp_checksum(Frame *f, bool pseudo) {
        uint8_t *v = vrrp(f), *ip = f->b + ETH_LEN, save[2];
        size_t n = vrrp_len(f);
        uint32_t s = 0;

        memcpy(save, v + 6, 2);
        memset(v + 6, 0, 2);
        if (pseudo && (v[0] >> 4) == 3) {
                s = f->family == V4 ? sum16(0, ip + 12, 8) : sum16(0, ip + 8, 32);
                s += 112 + (uint32_t) n;
        }
        s = sum16(s, v, n);
        memcpy(v + 6, save, 2);
        return fold(s);
}

static void seal(Frame *f) {
        uint16_t c = vrrp_checksum(f, true);

        vrrp(f)[6] = (uint8_t) (c >> 8);
        vrrp(f)[7] = (uint8_t) c;
}

/* Sets the IP header's lengths (and IPv4's header checksum) for a VRRP message of n bytes. */
static void ip_lengths(Frame *f, size_t n) {
        uint8_t *ip = f->b + ETH_LEN;

        f->len = ETH_LEN + f->ip_len + n;
        if (f->family == V4) {
                uint16_t c;

                ip[2] = (uint8_t) ((20 + n) >> 8), ip[3] = (uint8_t) (20 + n);
                ip[10] = ip[11] = 0;
                c = fold(sum16(0, ip, 20));
                ip[10] = (uint8_t) (c >> 8), ip[11] = (uint8_t) c;
        } else
                ip[4] = (uint8_t) (n >> 8), ip[5] = (uint8_t) n;
}

static void headers(Frame *f, const Options *o, Family family, uint8_t ttl) {
        static const uint8_t mac4[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x12 },
                             mac6[6] = { 0x33, 0x33, 0, 0, 0, 0x12 };
        static const uint8_t spoof_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x99 };
        uint8_t *ip = f->b + ETH_LEN;

        memset(f, 0, sizeof(*f));
        f->family = family;
        f->ip_len = family == V4 ? 20 : 40;
        memcpy(f->b, family == V4 ? mac4 : mac6, 6);
        memcpy(f->b + 6, spoof_mac, 6);
        f->b[12] = family == V4 ? 0x08 : 0x86, f->b[13] = family == V4 ? 0x00 : 0xdd;
        if (family == V4) {
                uint32_t src = ntohl(o->src4.s_addr) + rnd_in(0, 49);

                ip[0] = 0x45, ip[1] = 0xc0, ip[6] = 0x40, ip[8] = ttl, ip[9] = 112;
                src = htonl(src);
                memcpy(ip + 12, &src, 4);
                ip[16] = 224, ip[19] = 18;
        } else {
                ip[0] = 0x60, ip[1] = 0x00 /* traffic class CS6 spans two nibbles: left 0 */, ip[6] = 112;
                ip[7] = ttl;
                memcpy(ip + 8, &o->src6, 16);
                ip[23] = (uint8_t) (ip[23] + rnd_in(0, 49));
                ip[24] = 0xff, ip[25] = 0x02, ip[39] = 0x12;
        }
}

/* A valid advert of version 2 or 3 for vrid over family, priority 254 (higher than either router), one
 * address (the instance's VIP), the instance's interval and, for v2, its password. */
static void advert(Frame *f, const Options *o, Family family, int version, uint8_t vrid) {
        uint8_t *v;
        size_t alen = family == V4 ? 4 : 16, n;

        headers(f, o, family, 255);
        v = vrrp(f);
        v[0] = (uint8_t) (version << 4 | 1);
        v[1] = vrid, v[2] = 254, v[3] = 1;
        if (version == 3)
                v[4] = (uint8_t) (o->adv_cs >> 8), v[5] = (uint8_t) o->adv_cs;
        else
                v[4] = 1 /* auth type PASS */, v[5] = o->v2_adv_s;
        memcpy(v + 8, family == V4 ? (const void *) &o->vip4 : (const void *) &o->vip6, alen);
        n = 8 + alen;
        if (version == 2) {
                memcpy(v + n, o->password, 8);
                n += 8;
        }
        ip_lengths(f, n);
        seal(f);
}

/* Cut the message to a random shorter length; what vrrpd says depends on where the cut falls. */
static void truncate_advert(Frame *f) {
        const uint8_t *v = vrrp(f);
        size_t n = rnd_in(0, (unsigned) vrrp_len(f) - 1), fixed = (v[0] >> 4) == 2 ? 16 : 8;

        ip_lengths(f, n);
        f->expect = n < 2 ? "socket" : n < fixed ? "length" : "address-count";
}

/* Random bytes (2 to 64) for the instance's VRID: its drop word follows from the first byte, as vrrpd checks
 * the length, then the version, then the type. Never an advert: with a version of 2 or 3 the type is not 1.
 */
static void garbage(Frame *f) {
        uint8_t *v = vrrp(f), vrid = v[1];
        size_t n = rnd_in(2, 64);

        for (size_t i = 0; i < n; i++)
                v[i] = (uint8_t) rnd();
        v[1] = vrid;
        if (((v[0] >> 4) == 2 || (v[0] >> 4) == 3) && (v[0] & 0x0f) == 1)
                v[0] = (uint8_t) ((v[0] & 0xf0) | rnd_in(2, 15));
        ip_lengths(f, n);
        f->expect = n < 8 ? "length" : ((v[0] >> 4) != 2 && (v[0] >> 4) != 3) ? "version" : "type";
}

/* A checksum that neither the RFC's form nor the legacy one (v3 over IPv4 without pseudo-header) matches. */
static void bad_checksum(Frame *f) {
        uint16_t good = vrrp_checksum(f, true), legacy = vrrp_checksum(f, false), c;

        do
                c = (uint16_t) rnd();
        while (c == good || c == legacy);
        vrrp(f)[6] = (uint8_t) (c >> 8), vrrp(f)[7] = (uint8_t) c;
}

/* A VRID none of the instances runs. */
static uint8_t foreign_vrid(const Options *o) {
        uint8_t v;

        do
                v = (uint8_t) rnd_in(1, 255);
        while (v == o->vrid3 || v == o->vrid6 || v == o->vrid2);
        return v;
}

static uint8_t version_not_2_or_3(void) {
        uint8_t v;

        do
                v = (uint8_t) rnd_in(0, 15);
        while (v == 2 || v == 3);
        return v;
}

typedef enum Kind {
        K_TTL,
        K_CHECKSUM,
        K_VERSION,
        K_TYPE,
        K_COUNT_ZERO,
        K_COUNT_HIGH,
        K_TRUNCATED,
        K_OVERSIZED,
        K_VRID,
        K_OTHER_VERSION,
        K_GARBAGE,
        K_IP_CHECKSUM,
        K_IP_LENGTH,
        K_PASSWORD,
        K_NO_AUTH,
        K_AUTH_AH,
        K_AUTH_UNKNOWN,
        K_INTERVAL,
        K_JUMBO,
        K_UNICAST,
        _K_MAX,
} Kind;

static const char *const kind_names[_K_MAX] = {
        [K_TTL] = "ttl",
        [K_CHECKSUM] = "checksum",
        [K_VERSION] = "version",
        [K_TYPE] = "type",
        [K_COUNT_ZERO] = "count-zero",
        [K_COUNT_HIGH] = "count-high",
        [K_TRUNCATED] = "truncated",
        [K_OVERSIZED] = "oversized",
        [K_VRID] = "foreign-vrid",
        [K_OTHER_VERSION] = "other-version",
        [K_GARBAGE] = "garbage",
        [K_IP_CHECKSUM] = "ip-checksum",
        [K_IP_LENGTH] = "ip-length",
        [K_PASSWORD] = "password",
        [K_NO_AUTH] = "no-auth",
        [K_AUTH_AH] = "auth-ah",
        [K_AUTH_UNKNOWN] = "auth-unknown",
        [K_INTERVAL] = "interval",
        [K_JUMBO] = "jumbo",
        [K_UNICAST] = "unicast",
};

/* The kinds each base advert is broken in: the v3 ones over IPv4 and IPv6, the auth ones on v2. */
typedef struct Base {
        const char *name;
        Family family;
        int version;
        unsigned kinds; /* 1u << Kind */
} Base;

#define BIT(k) (1u << (k))
#define V3_KINDS                                                                                            \
        (BIT(K_TTL) | BIT(K_CHECKSUM) | BIT(K_VERSION) | BIT(K_TYPE) | BIT(K_COUNT_ZERO) |                  \
         BIT(K_COUNT_HIGH) | BIT(K_TRUNCATED) | BIT(K_OVERSIZED) | BIT(K_VRID) | BIT(K_OTHER_VERSION) |     \
         BIT(K_GARBAGE) | BIT(K_JUMBO) | BIT(K_UNICAST))
static const Base bases[] = {
        { "v3-ipv4", V4, 3, V3_KINDS | BIT(K_IP_CHECKSUM) },
        { "v3-ipv6", V6, 3, V3_KINDS | BIT(K_IP_LENGTH) },
        { "v2-ipv4", V4, 2,
          BIT(K_TTL) | BIT(K_CHECKSUM) | BIT(K_PASSWORD) | BIT(K_NO_AUTH) | BIT(K_AUTH_AH) |
                  BIT(K_AUTH_UNKNOWN) | BIT(K_INTERVAL) | BIT(K_OTHER_VERSION) },
};
#define N_BASES (sizeof(bases) / sizeof(bases[0]))

static uint8_t base_vrid(const Options *o, const Base *b) {
        return b->version == 2 ? o->vrid2 : b->family == V4 ? o->vrid3 : o->vrid6;
}

/* The header mutations: each leaves a message that only its one fault spoils (checksum resealed). */
static void mutate_header(Frame *f, const Options *o, Kind k) {
        uint8_t *v = vrrp(f);

        switch (k) {
        case K_VERSION:
                v[0] = (uint8_t) (version_not_2_or_3() << 4 | 1), f->expect = "version";
                break;
        case K_TYPE:
                v[0] = (uint8_t) ((v[0] & 0xf0) | (rnd_in(2, 16) & 0x0f)), f->expect = "type";
                break;
        case K_COUNT_ZERO:
                v[3] = 0, f->expect = "address-count";
                break;
        case K_COUNT_HIGH:
                v[3] = (uint8_t) rnd_in(2, 255), f->expect = "address-count";
                break;
        case K_VRID:
                v[1] = foreign_vrid(o), f->expect = "socket";
                break;
        case K_NO_AUTH:
                v[4] = 0, f->expect = "auth-type";
                break;
        case K_AUTH_AH:
                v[4] = 2, f->expect = "auth-ah";
                break;
        case K_AUTH_UNKNOWN:
                v[4] = (uint8_t) rnd_in(3, 255), f->expect = "auth-type";
                break;
        case K_PASSWORD:
                v[vrrp_len(f) - 1 - rnd_in(0, 7)] ^= (uint8_t) rnd_in(1, 255), f->expect = "auth";
                break;
        case K_INTERVAL:
                v[5] = (uint8_t) (o->v2_adv_s + rnd_in(1, 254)), f->expect = "interval";
                break;
        default:
                abort();
        }
        seal(f);
}

/* Junk after the advert: up to the MTU, or (jumbo) past it, up to 4 KB, sent in IP fragments. */
static void mutate_oversized(Frame *f, bool jumbo) {
        size_t n = vrrp_len(f), room = FRAME_MAX - ETH_LEN - f->ip_len - n;
        size_t max = jumbo ? DGRAM_MAX - ETH_LEN - f->ip_len - n : room;
        size_t extra = rnd_in(jumbo ? (unsigned) room + 1 : 1, (unsigned) max);

        for (size_t i = 0; i < extra; i++)
                vrrp(f)[n + i] = (uint8_t) rnd();
        ip_lengths(f, n + extra);
        seal(f);
        f->expect = "address-count";
}

/* A multicast instance's advert sent unicast to one router (its MAC, its address): that router alone sees
 * it, and drops it ("destination"); the other's kernel drops the frame as not for its MAC. */
static void unicast(Frame *f, const Options *o) {
        uint8_t *ip = f->b + ETH_LEN;

        memcpy(f->b, o->umac, 6);
        if (f->family == V4)
                memcpy(ip + 16, &o->u4, 4);
        else
                memcpy(ip + 24, &o->u6, 16);
        ip_lengths(f, vrrp_len(f));
        seal(f);
        f->expect = "destination";
}

/* One broken advert of kind k on base b into f. */
static void make(Frame *f, const Options *o, const Base *b, Kind k) {
        uint8_t vrid = base_vrid(o, b);

        if (k == K_OTHER_VERSION) {
                /* the other version's advert for this VRID: v2 over IPv6 does not exist ("family") */
                advert(f, o, b->family, b->version == 3 ? 2 : 3, vrid);
                f->expect = b->version == 3 && b->family == V6 ? "family" : "version";
                return;
        }
        advert(f, o, b->family, b->version, vrid);
        switch (k) {
        case K_TTL:
                (f->family == V4 ? f->b + ETH_LEN + 8 : f->b + ETH_LEN + 7)[0] = (uint8_t) rnd_in(0, 254);
                if (f->family == V4)
                        ip_lengths(f, vrrp_len(f)); /* the IPv4 header checksum covers the TTL */
                f->expect = "ttl";
                return;
        case K_CHECKSUM:
                bad_checksum(f), f->expect = "checksum";
                return;
        case K_TRUNCATED:
                return truncate_advert(f);
        case K_OVERSIZED:
        case K_JUMBO:
                return mutate_oversized(f, k == K_JUMBO);
        case K_GARBAGE:
                return garbage(f);
        case K_IP_CHECKSUM:
                f->b[ETH_LEN + 10] ^= (uint8_t) rnd_in(1, 255), f->expect = "kernel";
                return;
        case K_UNICAST:
                return unicast(f, o);
        case K_IP_LENGTH:
                f->b[ETH_LEN + 4] = (uint8_t) rnd_in(2, 5),
                               f->expect = "kernel"; /* 512+ bytes, past the frame */
                return;
        default:
                return mutate_header(f, o, k);
        }
}

/* What was sent: per base and kind, and per expected drop word. */
static const char *const words[] = {
        "ttl",       "checksum", "version",  "type",        "family",      "length", "address-count", "auth",
        "auth-type", "auth-ah",  "interval", "socket-ipv4", "socket-ipv6", "kernel", "destination"
};
#define N_WORDS (sizeof(words) / sizeof(words[0]))

typedef struct Tally {
        uint64_t by_kind[N_BASES][_K_MAX];
        uint64_t by_word[N_WORDS];
        uint64_t sent, failed;
        int64_t lag_max_ns;
} Tally;

static void tally_add(Tally *t, const Frame *f, size_t base, Kind k) {
        const char *w = f->expect;

        if (strcmp(w, "socket") == 0)
                w = f->family == V4 ? "socket-ipv4" : "socket-ipv6";
        for (size_t i = 0; i < N_WORDS; i++)
                if (strcmp(words[i], w) == 0) {
                        t->by_word[i]++;
                        break;
                }
        t->by_kind[base][k]++;
        t->sent++;
}

/* A datagram past the MTU in fragments, as a host would send it: IPv4 with MF and offsets (DF cleared),
 * IPv6 with a fragment header (RFC 8200 §4.5); the receiver's kernel reassembles it before any socket sees
 * it. */
static int send_fragments(int fd, const Frame *f) {
        const bool v4 = f->family == V4;
        const size_t hdr = ETH_LEN + f->ip_len, chunk = v4 ? 1480 : 1448, plen = f->len - hdr;
        const uint32_t id = (uint32_t) rnd();
        uint8_t out[FRAME_MAX];

        for (size_t off = 0; off < plen; off += chunk) {
                size_t n = plen - off < chunk ? plen - off : chunk, extra = v4 ? 0 : 8;
                uint16_t frag = (uint16_t) ((v4 ? off / 8 : off) | (off + n < plen ? (v4 ? 0x2000 : 1) : 0));
                uint8_t *ip = out + ETH_LEN;

                memcpy(out, f->b, hdr);
                memcpy(out + hdr + extra, f->b + hdr + off, n);
                if (v4) {
                        uint16_t c;

                        ip[2] = (uint8_t) ((20 + n) >> 8), ip[3] = (uint8_t) (20 + n);
                        ip[4] = (uint8_t) (id >> 8), ip[5] = (uint8_t) id;
                        ip[6] = (uint8_t) (frag >> 8), ip[7] = (uint8_t) frag;
                        ip[10] = ip[11] = 0;
                        c = fold(sum16(0, ip, 20));
                        ip[10] = (uint8_t) (c >> 8), ip[11] = (uint8_t) c;
                } else {
                        uint8_t *fh = ip + 40;

                        ip[4] = (uint8_t) ((8 + n) >> 8), ip[5] = (uint8_t) (8 + n), ip[6] = 44;
                        fh[0] = 112, fh[1] = 0, fh[2] = (uint8_t) (frag >> 8), fh[3] = (uint8_t) frag;
                        fh[4] = (uint8_t) (id >> 24), fh[5] = (uint8_t) (id >> 16),
                        fh[6] = (uint8_t) (id >> 8);
                        fh[7] = (uint8_t) id;
                }
                if (send(fd, out, hdr + extra + n, 0) < 0)
                        return -errno;
        }
        return 0;
}

static int send_frame(int fd, const Frame *f) {
        if (f->len > FRAME_MAX)
                return send_fragments(fd, f);
        return send(fd, f->b, f->len, 0) < 0 ? -errno : 0;
}

static int64_t now_ns(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static int open_socket(const char *ifname) {
        struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_ifindex = (int) if_nametoindex(ifname) };
        int fd;

        if (sll.sll_ifindex == 0)
                return -errno;
        fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0); /* protocol 0: it receives nothing */
        if (fd < 0)
                return -errno;
        if (bind(fd, (struct sockaddr *) &sll, sizeof(sll)) < 0) {
                int r = -errno;

                close(fd);
                return r;
        }
        return fd;
}

/* Sends rate × duration frames, the n-th due at start + n / rate; each of a random (base, kind). */
static void flood(int fd, const Options *o, Tally *t) {
        size_t pairs[N_BASES * _K_MAX][2], n_pairs = 0;
        uint64_t total = (uint64_t) (o->rate * o->duration);
        int64_t start = now_ns() + NSEC_PER_SEC / 100;
        Frame f;

        for (size_t b = 0; b < N_BASES; b++)
                for (unsigned k = 0; k < _K_MAX; k++)
                        if ((bases[b].kinds & BIT(k)) && (k != K_UNICAST || o->unicast))
                                pairs[n_pairs][0] = b, pairs[n_pairs++][1] = k;
        for (uint64_t n = 0; n < total; n++) {
                int64_t due = start + (int64_t) ((double) n * NSEC_PER_SEC / o->rate), late;
                struct timespec ts = { .tv_sec = due / NSEC_PER_SEC, .tv_nsec = due % NSEC_PER_SEC };
                size_t *p = pairs[rnd() % n_pairs];

                make(&f, o, &bases[p[0]], (Kind) p[1]);
                while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
                        ;
                late = now_ns() - due;
                if (late > t->lag_max_ns)
                        t->lag_max_ns = late;
                if (send_frame(fd, &f) < 0) {
                        t->failed++;
                        continue;
                }
                tally_add(t, &f, p[0], (Kind) p[1]);
        }
}

static void report(const Options *o, const Tally *t, double elapsed) {
        const char *sep = "";

        printf("{\"seed\": %" PRIu64
               ", \"rate\": %g, \"duration\": %g, \"elapsed\": %.6f, \"sent\": %" PRIu64
               ", \"failed\": %" PRIu64 ", \"lag_max_us\": %.1f,\n \"kinds\": {",
               o->seed, o->rate, o->duration, elapsed, t->sent, t->failed, (double) t->lag_max_ns / 1000);
        for (size_t b = 0; b < N_BASES; b++)
                for (unsigned k = 0; k < _K_MAX; k++)
                        if (bases[b].kinds & BIT(k)) {
                                printf("%s\"%s/%s\": %" PRIu64, sep, bases[b].name, kind_names[k],
                                       t->by_kind[b][k]);
                                sep = ", ";
                        }
        printf("},\n \"expect\": {");
        for (size_t i = 0; i < N_WORDS; i++)
                printf("%s\"%s\": %" PRIu64, i ? ", " : "", words[i], t->by_word[i]);
        printf("}}\n");
}

static void usage(void) {
        fprintf(stderr,
                "usage: vrrp-flood -i IFNAME [-r RATE] [-d SECONDS] [-s SEED] [--vrid3 N] [--vrid6 N]\n"
                "       [--vrid2 N] [--vip4 A] [--vip6 A] [--src4 A] [--src6 A] [--password P]\n"
                "       [--adv-cs CS] [--v2-adv S] [--unicast-mac M --unicast4 A --unicast6 A]\n");
        exit(2);
}

static bool parse_addr(int af, const char *s, void *dst) {
        return inet_pton(af, s, dst) == 1;
}

static bool parse_mac(const char *s, uint8_t mac[6]) {
        return sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1], &mac[2], &mac[3], &mac[4],
                      &mac[5]) == 6;
}

static void parse_args(int argc, char **argv, Options *o) {
        static const struct option longopts[] = {
                { "interface", required_argument, NULL, 'i' },
                { "rate", required_argument, NULL, 'r' },
                { "duration", required_argument, NULL, 'd' },
                { "seed", required_argument, NULL, 's' },
                { "vrid3", required_argument, NULL, '3' },
                { "vrid6", required_argument, NULL, '6' },
                { "vrid2", required_argument, NULL, '2' },
                { "vip4", required_argument, NULL, 'a' },
                { "vip6", required_argument, NULL, 'b' },
                { "src4", required_argument, NULL, 'c' },
                { "src6", required_argument, NULL, 'e' },
                { "password", required_argument, NULL, 'p' },
                { "adv-cs", required_argument, NULL, 'A' },
                { "v2-adv", required_argument, NULL, 'V' },
                { "unicast-mac", required_argument, NULL, 'M' },
                { "unicast4", required_argument, NULL, 'U' },
                { "unicast6", required_argument, NULL, 'W' },
                {},
        };
        bool ok = true;
        int c, n_unicast = 0;

        while ((c = getopt_long(argc, argv, "i:r:d:s:", longopts, NULL)) >= 0)
                switch (c) {
                /* clang-format off */
                case 'i': o->ifname = optarg; break;
                case 'r': o->rate = strtod(optarg, NULL); break;
                case 'd': o->duration = strtod(optarg, NULL); break;
                case 's': o->seed = strtoull(optarg, NULL, 0); break;
                case '3': o->vrid3 = (uint8_t) atoi(optarg); break;
                case '6': o->vrid6 = (uint8_t) atoi(optarg); break;
                case '2': o->vrid2 = (uint8_t) atoi(optarg); break;
                case 'a': ok = ok && parse_addr(AF_INET, optarg, &o->vip4); break;
                case 'b': ok = ok && parse_addr(AF_INET6, optarg, &o->vip6); break;
                case 'c': ok = ok && parse_addr(AF_INET, optarg, &o->src4); break;
                case 'e': ok = ok && parse_addr(AF_INET6, optarg, &o->src6); break;
                case 'p': memset(o->password, 0, 8), memcpy(o->password, optarg, strnlen(optarg, 8)); break;
                case 'A': o->adv_cs = (uint16_t) atoi(optarg); break;
                case 'V': o->v2_adv_s = (uint8_t) atoi(optarg); break;
                case 'M': ok = ok && parse_mac(optarg, o->umac), n_unicast++; break;
                case 'U': ok = ok && parse_addr(AF_INET, optarg, &o->u4), n_unicast++; break;
                case 'W': ok = ok && parse_addr(AF_INET6, optarg, &o->u6), n_unicast++; break;
                default: usage();
                        /* clang-format on */
                }
        o->unicast = n_unicast == 3; /* all three, or none */
        if (!ok || !o->ifname || optind != argc || !(o->rate > 0) || !(o->duration > 0) || n_unicast % 3)
                usage();
}

int main(int argc, char **argv) {
        Options o = { .rate = 5000,
                      .duration = 10,
                      .vrid3 = 51,
                      .vrid6 = 52,
                      .vrid2 = 53,
                      .password = "s3cret",
                      .adv_cs = 10,
                      .v2_adv_s = 1 };
        Tally t = {};
        struct timespec ts;
        int64_t t0;
        int fd;

        clock_gettime(CLOCK_REALTIME, &ts);
        o.seed = (uint64_t) ts.tv_nsec ^ (uint64_t) ts.tv_sec << 20 ^ (uint64_t) getpid();
        (void) parse_addr(AF_INET, "192.0.2.100", &o.vip4),
                (void) parse_addr(AF_INET6, "2001:db8:1::100", &o.vip6);
        (void) parse_addr(AF_INET, "192.0.2.200", &o.src4),
                (void) parse_addr(AF_INET6, "fe80::200", &o.src6);
        parse_args(argc, argv, &o);
        rng_state = o.seed ? o.seed : 1;
        fprintf(stderr, "vrrp-flood: seed %" PRIu64 "\n", o.seed);
        fd = open_socket(o.ifname);
        if (fd < 0) {
                fprintf(stderr, "vrrp-flood: %s: %s\n", o.ifname, strerror(-fd));
                return 1;
        }
        t0 = now_ns();
        flood(fd, &o, &t);
        report(&o, &t, (double) (now_ns() - t0) / NSEC_PER_SEC);
        close(fd);
        return 0;
}
