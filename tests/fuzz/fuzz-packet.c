/* libFuzzer target for the packet codec. The input is a raw VRRP message (the IP payload, no prefix byte);
 * each input is parsed four times: over IPv4 and IPv6, each sent to the multicast group and to a unicast
 * address. Every advert that parses is built again with the checksum form it came with and parsed again:
 * the two adverts must be equal, or the target aborts. The checksum would stop most mutations at the door,
 * so each input also goes in a second time with its checksum fixed (the RFC form for the route, computed
 * here independently of the codec); that copy must never be dropped for "checksum". Seeds:
 * corpus/fuzz-packet/, keepalived 2.2.7's adverts and one legacy-checksum advert, one per file (see
 * tests/fixtures/captures/README.md).
 *
 *   CC=clang meson setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false \
 *           -Dc_args=-fsanitize=fuzzer-no-link   # else libvrrpcore is not coverage-instrumented
 *   ./build-fuzz/tests/fuzz/fuzz-packet -max_total_time=60 /tmp/fz tests/fuzz/corpus/fuzz-packet */

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/vrrp-packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct Route {
        int family;
        const char *src, *dst;
} Route;

/* The addresses of the captured seeds, so that their checksums hold and the fuzzer starts past them. */
static const Route routes[] = {
        { AF_INET, "192.0.2.1", "224.0.0.18" },
        { AF_INET, "192.0.2.1", "192.0.2.2" },
        { AF_INET6, "fe80::ff:fe00:1", "ff02::12" },
        { AF_INET6, "2001:db8:1::1", "2001:db8:1::2" },
};

static void fuzz_fail(const char *what, const Route *r) {
        fprintf(stderr, "fuzz-packet: %s (family %d, %s -> %s)\n", what, r->family, r->src, r->dst);
        abort();
}

static bool advert_equal(int family, const VrrpAdvert *a, const VrrpAdvert *b) {
        if (a->version != b->version || a->vrid != b->vrid || a->priority != b->priority ||
            a->n_addrs != b->n_addrs || a->adver_int_cs != b->adver_int_cs || a->auth_type != b->auth_type ||
            a->checksum != b->checksum || memcmp(a->auth_data, b->auth_data, sizeof(a->auth_data)) != 0)
                return false;
        for (size_t i = 0; i < a->n_addrs; i++)
                if (vrrp_addr_cmp(family, &a->addrs[i], &b->addrs[i]) != 0)
                        return false;
        return true;
}

/* RFC 1071 over buf with the v3 pseudo-header of src and dst (v2: none), written into the checksum field. */
static void fix_checksum(uint8_t *buf, size_t len, int family, const VrrpAddr *src, const VrrpAddr *dst) {
        const size_t alen = family == AF_INET6 ? 16 : 4;
        uint32_t sum = 0;

        buf[6] = buf[7] = 0;
        for (size_t i = 0; i < len; i++)
                sum += (uint32_t) buf[i] << (i % 2 == 0 ? 8 : 0);
        if (buf[0] >> 4 == 3) {
                for (size_t i = 0; i < alen; i++)
                        sum += ((uint32_t) src->bytes[i] + dst->bytes[i]) << (i % 2 == 0 ? 8 : 0);
                sum += 112 + (uint32_t) len;
        }
        while (sum >> 16)
                sum = (sum & 0xffff) + (sum >> 16);
        buf[6] = (uint8_t) (~sum >> 8);
        buf[7] = (uint8_t) ~sum;
}

/* Parses, and round-trips what parses. Returns the drop reason, or _VRRP_DROP_MAX if data parsed. */
static VrrpDrop fuzz_parse(const Route *r, const VrrpAddr *src, const VrrpAddr *dst, const uint8_t *data,
                           size_t size) {
        static uint8_t out[VRRP_PACKET_MAX_LEN]; /* static: libFuzzer runs one input at a time */
        static VrrpAdvert a, b;
        VrrpDrop drop = _VRRP_DROP_MAX;
        size_t len = 0;

        if (vrrp_packet_parse(data, size, r->family, src, dst, &a, &drop) < 0) {
                if (!vrrp_drop_to_string(drop))
                        fuzz_fail("parse failed without a drop reason", r);
                return drop;
        }
        if (size != vrrp_packet_len(a.version, r->family, a.n_addrs))
                fuzz_fail("parse accepted a length that disagrees with the count", r);
        if (vrrp_packet_build(&a, r->family, src, dst, a.checksum, out, sizeof(out), &len) < 0)
                fuzz_fail("build refused a parsed advert", r);
        if (len != size)
                fuzz_fail("build produced another length", r);
        if (vrrp_packet_parse(out, len, r->family, src, dst, &b, &drop) < 0)
                fuzz_fail("parse refused a built advert", r);
        if (!advert_equal(r->family, &a, &b))
                fuzz_fail("round trip changed the advert", r);
        return _VRRP_DROP_MAX;
}

static void fuzz_route(const Route *r, const uint8_t *data, size_t size) {
        static uint8_t fixed[VRRP_PACKET_MAX_LEN + 64];
        VrrpAddr src = {}, dst = {};

        if (inet_pton(r->family, r->src, src.bytes) != 1 || inet_pton(r->family, r->dst, dst.bytes) != 1)
                fuzz_fail("bad route", r);
        (void) fuzz_parse(r, &src, &dst, data, size);
        if (size < 8 || size > sizeof(fixed))
                return;
        memcpy(fixed, data, size);
        fix_checksum(fixed, size, r->family, &src, &dst);
        if (fuzz_parse(r, &src, &dst, fixed, size) == VRRP_DROP_CHECKSUM)
                fuzz_fail("a good RFC checksum was refused", r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        if (size > VRRP_PACKET_MAX_LEN + 64)
                return 0;
        for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
                fuzz_route(&routes[i], data, size);
        return 0;
}
