#include <arpa/inet.h>
#include <errno.h>
#include <sys/socket.h>

#include "core/vrrp-packet.h"
#include "util/cleanup.h"
#include "vtest.h"

/* Reference adverts sent by Debian's keepalived 2.2.7 (Keepalived v2.2.7 (01/16,2022)), captured with
 * tcpdump on its veth by tests/fixtures/captures/capture.sh with keepalived-capture.conf (instance names
 * below); the sender's addresses were 192.0.2.1, fe80::ff:fe00:1 (MAC 02:00:00:00:00:01) and 2001:db8:1::1.
 * tshark 4.0.17 called every checksum good but the old_unicast_checksum one (see
 * tests/fixtures/captures/keepalived-2.2.7-adverts.tsv). */

/* v2_plain: VRID 51, priority 100, advert_int 1, VIPs 192.0.2.100 and .101, no auth;
 * 192.0.2.1 -> 224.0.0.18 */
static const uint8_t ka_v2_plain[] = {
        0x21, 0x33, 0x64, 0x02, 0x00, 0x01, 0xf5, 0xfe, 0xc0, 0x00, 0x02, 0x64, 0xc0, 0x00, 0x02, 0x65,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* v2_pass: VRID 52, priority 150, advert_int 2, auth_type PASS, auth_pass vrrpd42, VIP 192.0.2.102;
 * 192.0.2.1 -> 224.0.0.18 */
static const uint8_t ka_v2_pass[] = {
        0x21, 0x34, 0x96, 0x01, 0x01, 0x02, 0x06, 0x4a, 0xc0, 0x00, 0x02, 0x66,
        'v', 'r', 'r', 'p', 'd', '4', '2', 0x00,
};

/* v3_ipv4: VRID 53, priority 200, advert_int 0.5, VIPs 192.0.2.103 to .105; 192.0.2.1 -> 224.0.0.18 */
static const uint8_t ka_v3_ipv4[] = {
        0x31, 0x35, 0xc8, 0x03, 0x00, 0x32, 0x1c, 0xc2, 0xc0, 0x00, 0x02, 0x67, 0xc0, 0x00, 0x02, 0x68,
        0xc0, 0x00, 0x02, 0x69,
};

/* v3_ipv6: VRID 54, priority 100, advert_int 1, VIPs 2001:db8:1::100 and ::101;
 * fe80::ff:fe00:1 -> ff02::12 */
static const uint8_t ka_v3_ipv6[] = {
        0x31, 0x36, 0x64, 0x02, 0x00, 0x64, 0x0f, 0xbf, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01,
};

/* v3_unicast: VRID 55, priority 100, advert_int 1, VIP 192.0.2.106, unicast_peer 192.0.2.2;
 * 192.0.2.1 -> 192.0.2.2, TTL 255 */
static const uint8_t ka_v3_unicast[] = {
        0x31, 0x37, 0x64, 0x01, 0x00, 0x64, 0x23, 0x78, 0xc0, 0x00, 0x02, 0x6a,
};

/* v3_unicast_old: as v3_unicast with VRID 56, VIP 192.0.2.107 and old_unicast_checksum: the pseudo-header
 * names 224.0.0.18 as destination although the packet went 192.0.2.1 -> 192.0.2.2 (tshark: bad checksum) */
static const uint8_t ka_v3_unicast_old[] = {
        0x31, 0x38, 0x64, 0x01, 0x00, 0x64, 0x05, 0x66, 0xc0, 0x00, 0x02, 0x6b,
};

/* v3_ipv6_unicast: VRID 57, priority 100, advert_int 1, VIP 2001:db8:1::107, unicast_peer 2001:db8:1::2;
 * 2001:db8:1::1 -> 2001:db8:1::2, hop limit 64 (keepalived leaves IPv6 unicast to the kernel default) */
static const uint8_t ka_v3_ipv6_unicast[] = {
        0x31, 0x39, 0x64, 0x01, 0x00, 0x64, 0xdf, 0xa0, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x07,
};

/* Not from keepalived 2.2.7, which cannot send it: ka_v3_ipv4 with the checksum in the legacy form without
 * the pseudo-header (Cisco, older FRR, later keepalived's v3_checksum_as_v2), 0xbf5a, computed by the Python
 * snippet in tests/fixtures/captures/README.md. */
static const uint8_t legacy_v3_ipv4[] = {
        0x31, 0x35, 0xc8, 0x03, 0x00, 0x32, 0xbf, 0x5a, 0xc0, 0x00, 0x02, 0x67, 0xc0, 0x00, 0x02, 0x68,
        0xc0, 0x00, 0x02, 0x69,
};

static VrrpAddr addr(int family, const char *s) {
        VrrpAddr a = {};

        if (inet_pton(family, s, a.bytes) != 1)
                VTEST_FAIL("bad address '%s'", s);
        return a;
}

/* A test-local RFC 1071 checksum, independent of the codec's, to forge packets that pass the checksum and
 * fail something else. v3 takes the pseudo-header of src and dst; v2 passes NULL. */
static void fix_checksum(uint8_t *buf, size_t len, int family, const VrrpAddr *src, const VrrpAddr *dst) {
        uint32_t sum = 0;
        size_t alen = family == AF_INET6 ? 16 : 4;

        buf[6] = buf[7] = 0;
        for (size_t i = 0; i < len; i++)
                sum += (uint32_t) buf[i] << (i % 2 == 0 ? 8 : 0);
        if (src)
                for (size_t i = 0; i < alen; i++)
                        sum += ((uint32_t) src->bytes[i] + dst->bytes[i]) << (i % 2 == 0 ? 8 : 0);
        if (src)
                sum += 112 + (uint32_t) len;
        while (sum >> 16)
                sum = (sum & 0xffff) + (sum >> 16);
        buf[6] = (uint8_t) (~sum >> 8);
        buf[7] = (uint8_t) ~sum;
}

typedef struct Vector {
        const char *name;
        const uint8_t *bytes;
        size_t len;
        int family;
        const char *src, *dst;
        VrrpChecksum checksum;
} Vector;

#define VECTOR(n, f, s, d, c) { #n, n, sizeof(n), f, s, d, c }

static const Vector vectors[] = {
        VECTOR(ka_v2_plain, AF_INET, "192.0.2.1", "224.0.0.18", VRRP_CHECKSUM_RFC),
        VECTOR(ka_v2_pass, AF_INET, "192.0.2.1", "224.0.0.18", VRRP_CHECKSUM_RFC),
        VECTOR(ka_v3_ipv4, AF_INET, "192.0.2.1", "224.0.0.18", VRRP_CHECKSUM_RFC),
        VECTOR(ka_v3_ipv6, AF_INET6, "fe80::ff:fe00:1", "ff02::12", VRRP_CHECKSUM_RFC),
        VECTOR(ka_v3_unicast, AF_INET, "192.0.2.1", "192.0.2.2", VRRP_CHECKSUM_RFC),
        VECTOR(ka_v3_unicast_old, AF_INET, "192.0.2.1", "192.0.2.2", VRRP_CHECKSUM_MCAST_DST),
        VECTOR(ka_v3_ipv6_unicast, AF_INET6, "2001:db8:1::1", "2001:db8:1::2", VRRP_CHECKSUM_RFC),
        VECTOR(legacy_v3_ipv4, AF_INET, "192.0.2.1", "224.0.0.18", VRRP_CHECKSUM_V3_AS_V2),
};

static int parse_vector(const Vector *v, const uint8_t *buf, size_t len, VrrpAdvert *ret, VrrpDrop *drop) {
        VrrpAddr src = addr(v->family, v->src), dst = addr(v->family, v->dst);

        return vrrp_packet_parse(buf, len, v->family, &src, &dst, ret, drop);
}

/* Parses a vector, then builds it again from the parsed fields: the same bytes, checksum included. */
static void check_vector(const Vector *v, VrrpAdvert *ret) {
        VrrpAddr src = addr(v->family, v->src), dst = addr(v->family, v->dst);
        uint8_t out[VRRP_PACKET_MAX_LEN];
        VrrpDrop drop = _VRRP_DROP_MAX;
        size_t len = 0;

        fprintf(stderr, "vector %s\n", v->name);
        ASSERT_OK(vrrp_packet_parse(v->bytes, v->len, v->family, &src, &dst, ret, &drop));
        ASSERT_EQ(drop, _VRRP_DROP_MAX);
        ASSERT_EQ(ret->checksum, v->checksum);
        ASSERT_OK(vrrp_packet_build(ret, v->family, &src, &dst, ret->checksum, out, sizeof(out), &len));
        ASSERT_EQ(len, v->len);
        ASSERT_MEMEQ(out, v->bytes, len);
}

static void assert_addr(int family, const VrrpAddr *a, const char *s) {
        VrrpAddr b = addr(family, s);

        ASSERT_EQ(vrrp_addr_cmp(family, a, &b), 0);
}

/* Builds a from 192.0.2.1 to 224.0.0.18 (AF_INET), else from fe80::1 to ff02::12, into a scratch buffer. */
static int build(const VrrpAdvert *a, int family, VrrpChecksum c, size_t size) {
        const bool v4 = family == AF_INET;
        VrrpAddr src = addr(v4 ? AF_INET : AF_INET6, v4 ? "192.0.2.1" : "fe80::1");
        VrrpAddr dst = addr(v4 ? AF_INET : AF_INET6, v4 ? "224.0.0.18" : "ff02::12");
        uint8_t out[VRRP_PACKET_MAX_LEN];
        size_t len;

        if (size > sizeof(out))
                size = sizeof(out);
        return vrrp_packet_build(a, family, &src, &dst, c, out, size, &len);
}

TEST(keepalived_v2_plain) {
        VrrpAdvert a;

        check_vector(&vectors[0], &a);
        ASSERT_EQ(a.version, 2);
        ASSERT_EQ(a.vrid, 51);
        ASSERT_EQ(a.priority, 100);
        ASSERT_EQ(a.adver_int_cs, 100);
        ASSERT_EQ(a.auth_type, VRRP_AUTH_NONE);
        ASSERT_MEMEQ(a.auth_data, "\0\0\0\0\0\0\0\0", VRRP_V2_AUTH_LEN);
        ASSERT_EQ(a.n_addrs, 2);
        assert_addr(AF_INET, &a.addrs[0], "192.0.2.100");
        assert_addr(AF_INET, &a.addrs[1], "192.0.2.101");
}

TEST(keepalived_v2_pass) {
        VrrpAdvert a;

        check_vector(&vectors[1], &a);
        ASSERT_EQ(a.version, 2);
        ASSERT_EQ(a.vrid, 52);
        ASSERT_EQ(a.priority, 150);
        ASSERT_EQ(a.adver_int_cs, 200);
        ASSERT_EQ(a.auth_type, VRRP_AUTH_PASS);
        ASSERT_MEMEQ(a.auth_data, "vrrpd42\0", VRRP_V2_AUTH_LEN);
        ASSERT_EQ(a.n_addrs, 1);
        assert_addr(AF_INET, &a.addrs[0], "192.0.2.102");
}

TEST(keepalived_v3_ipv4) {
        VrrpAdvert a;

        check_vector(&vectors[2], &a);
        ASSERT_EQ(a.version, 3);
        ASSERT_EQ(a.vrid, 53);
        ASSERT_EQ(a.priority, 200);
        ASSERT_EQ(a.adver_int_cs, 50);
        ASSERT_EQ(a.auth_type, VRRP_AUTH_NONE);
        ASSERT_EQ(a.n_addrs, 3);
        assert_addr(AF_INET, &a.addrs[0], "192.0.2.103");
        assert_addr(AF_INET, &a.addrs[2], "192.0.2.105");
}

TEST(keepalived_v3_ipv6) {
        VrrpAdvert a;

        check_vector(&vectors[3], &a);
        ASSERT_EQ(a.version, 3);
        ASSERT_EQ(a.vrid, 54);
        ASSERT_EQ(a.priority, 100);
        ASSERT_EQ(a.adver_int_cs, 100);
        ASSERT_EQ(a.n_addrs, 2);
        assert_addr(AF_INET6, &a.addrs[0], "2001:db8:1::100");
        assert_addr(AF_INET6, &a.addrs[1], "2001:db8:1::101");
}

TEST(keepalived_v3_unicast) {
        VrrpAdvert a;

        check_vector(&vectors[4], &a);
        ASSERT_EQ(a.vrid, 55);
        ASSERT_EQ(a.n_addrs, 1);
        assert_addr(AF_INET, &a.addrs[0], "192.0.2.106");
        check_vector(&vectors[6], &a);
        ASSERT_EQ(a.vrid, 57);
        assert_addr(AF_INET6, &a.addrs[0], "2001:db8:1::107");
}

TEST(keepalived_old_unicast_checksum_accepted_as_legacy) {
        VrrpAdvert a;

        check_vector(&vectors[5], &a);
        ASSERT_EQ(a.vrid, 56);
        ASSERT_EQ(a.checksum, VRRP_CHECKSUM_MCAST_DST);
        ASSERT_STREQ(vrrp_checksum_to_string(a.checksum), "multicast-destination");
}

TEST(legacy_v3_checksum_accepted_and_flagged) {
        VrrpAddr src = addr(AF_INET, "192.0.2.1"), dst = addr(AF_INET, "224.0.0.18");
        uint8_t out[VRRP_PACKET_MAX_LEN];
        VrrpAdvert a;
        size_t len;

        check_vector(&vectors[7], &a);
        ASSERT_EQ(a.checksum, VRRP_CHECKSUM_V3_AS_V2);
        ASSERT_EQ(a.vrid, 53);
        ASSERT_EQ(a.adver_int_cs, 50);
        /* the encoder emits the RFC form unless asked for the legacy one */
        ASSERT_OK(vrrp_packet_build(&a, AF_INET, &src, &dst, VRRP_CHECKSUM_RFC, out, sizeof(out), &len));
        ASSERT_MEMEQ(out, ka_v3_ipv4, sizeof(ka_v3_ipv4));
}

TEST(legacy_checksum_only_for_v3_ipv4) {
        uint8_t buf[sizeof(ka_v3_ipv6)];
        VrrpDrop drop;
        VrrpAdvert a;

        /* v3 over IPv6 with the checksum over the message alone */
        memcpy(buf, ka_v3_ipv6, sizeof(buf));
        fix_checksum(buf, sizeof(buf), AF_INET6, NULL, NULL);
        ASSERT_ERROR(parse_vector(&vectors[3], buf, sizeof(buf), &a, &drop), EBADMSG);
        ASSERT_EQ(drop, VRRP_DROP_CHECKSUM);
        /* v2 with the v3 pseudo-header checksum */
        uint8_t v2[sizeof(ka_v2_plain)];
        VrrpAddr src = addr(AF_INET, "192.0.2.1"), dst = addr(AF_INET, "224.0.0.18");

        memcpy(v2, ka_v2_plain, sizeof(v2));
        fix_checksum(v2, sizeof(v2), AF_INET, &src, &dst);
        ASSERT_ERROR(parse_vector(&vectors[0], v2, sizeof(v2), &a, &drop), EBADMSG);
        ASSERT_EQ(drop, VRRP_DROP_CHECKSUM);
}

TEST(checksum_failures) {
        for (size_t i = 0; i < ELEMENTSOF(vectors); i++) {
                const Vector *v = &vectors[i];
                uint8_t buf[VRRP_PACKET_MAX_LEN];
                VrrpDrop drop = _VRRP_DROP_MAX;
                VrrpAdvert a;

                /* one bit flipped in the checksum field, then in the last byte */
                for (size_t pos = 7; pos < v->len; pos += v->len - 8) {
                        memcpy(buf, v->bytes, v->len);
                        buf[pos] ^= 0x01;
                        fprintf(stderr, "%s, byte %zu flipped\n", v->name, pos);
                        ASSERT_ERROR(parse_vector(v, buf, v->len, &a, &drop), EBADMSG);
                        ASSERT_EQ(drop, VRRP_DROP_CHECKSUM);
                }
        }
}

TEST(checksum_covers_pseudo_header) {
        VrrpAddr src = addr(AF_INET6, "fe80::ff:fe00:2"), dst = addr(AF_INET6, "ff02::12");
        VrrpAddr src4 = addr(AF_INET, "192.0.2.9"), dst4 = addr(AF_INET, "224.0.0.18");
        VrrpAddr uni_src = addr(AF_INET, "192.0.2.1"), uni_dst = addr(AF_INET, "192.0.2.3");
        VrrpDrop drop;
        VrrpAdvert a;

        ASSERT_ERROR(vrrp_packet_parse(ka_v3_ipv6, sizeof(ka_v3_ipv6), AF_INET6, &src, &dst, &a, &drop),
                     EBADMSG);
        ASSERT_EQ(drop, VRRP_DROP_CHECKSUM);
        ASSERT_ERROR(vrrp_packet_parse(ka_v3_ipv4, sizeof(ka_v3_ipv4), AF_INET, &src4, &dst4, &a, &drop),
                     EBADMSG);
        ASSERT_EQ(drop, VRRP_DROP_CHECKSUM);
        ASSERT_ERROR(vrrp_packet_parse(ka_v3_unicast, sizeof(ka_v3_unicast), AF_INET, &uni_src, &uni_dst, &a,
                                       &drop),
                     EBADMSG);
        ASSERT_EQ(drop, VRRP_DROP_CHECKSUM);
        /* v2's checksum covers the message alone: the addresses do not matter */
        ASSERT_OK(vrrp_packet_parse(ka_v2_plain, sizeof(ka_v2_plain), AF_INET, &src4, &uni_dst, &a, &drop));
}

TEST(truncated_at_every_length) {
        for (size_t i = 0; i < ELEMENTSOF(vectors); i++) {
                const Vector *v = &vectors[i];
                const size_t fixed = VRRP_HEADER_LEN + (v->bytes[0] >> 4 == 2 ? VRRP_V2_AUTH_LEN : 0);
                uint8_t buf[VRRP_PACKET_MAX_LEN + 1] = {};

                memcpy(buf, v->bytes, v->len);
                for (size_t len = 0; len <= v->len + 1; len++) {
                        VrrpDrop drop = _VRRP_DROP_MAX;
                        VrrpAdvert a;

                        if (len == v->len)
                                continue;
                        fprintf(stderr, "%s, length %zu\n", v->name, len);
                        ASSERT_ERROR(parse_vector(v, len == 0 ? NULL : buf, len, &a, &drop), EBADMSG);
                        ASSERT_EQ(drop, len < fixed ? VRRP_DROP_LENGTH : VRRP_DROP_ADDRESS_COUNT);
                }
        }
}

TEST(count_disagrees_with_length) {
        uint8_t buf[sizeof(ka_v3_ipv4)];
        VrrpDrop drop;
        VrrpAdvert a;

        for (unsigned count = 0; count <= 255; count++) {
                if (count == 3)
                        continue;
                memcpy(buf, ka_v3_ipv4, sizeof(buf));
                buf[3] = (uint8_t) count;
                ASSERT_ERROR(parse_vector(&vectors[2], buf, sizeof(buf), &a, &drop), EBADMSG);
                ASSERT_EQ(drop, VRRP_DROP_ADDRESS_COUNT);
        }
}

TEST(v3_needs_an_address_v2_does_not) {
        VrrpAddr src = addr(AF_INET, "192.0.2.1"), dst = addr(AF_INET, "224.0.0.18");
        uint8_t v3[VRRP_HEADER_LEN] = { 0x31, 0x35, 0xc8, 0x00, 0x00, 0x32 };
        uint8_t v2[VRRP_HEADER_LEN + VRRP_V2_AUTH_LEN] = { 0x21, 0x33, 0x64, 0x00, 0x00, 0x01 };
        VrrpDrop drop;
        VrrpAdvert a;

        fix_checksum(v3, sizeof(v3), AF_INET, &src, &dst);
        ASSERT_ERROR(vrrp_packet_parse(v3, sizeof(v3), AF_INET, &src, &dst, &a, &drop), EBADMSG);
        ASSERT_EQ(drop, VRRP_DROP_ADDRESS_COUNT);
        /* keepalived sends v2 adverts without addresses when none are configured */
        fix_checksum(v2, sizeof(v2), AF_INET, NULL, NULL);
        ASSERT_OK(vrrp_packet_parse(v2, sizeof(v2), AF_INET, &src, &dst, &a, &drop));
        ASSERT_EQ(a.n_addrs, 0);
}

/* Forges ka_v2_plain with byte pos set to value and a good checksum, and expects the drop. */
static void assert_v2_forged_drop(size_t pos, uint8_t value, int family, VrrpDrop expected) {
        VrrpAddr src = addr(AF_INET, "192.0.2.1"), dst = addr(AF_INET, "224.0.0.18");
        uint8_t buf[sizeof(ka_v2_plain)];
        VrrpDrop drop = _VRRP_DROP_MAX;
        VrrpAdvert a;

        memcpy(buf, ka_v2_plain, sizeof(buf));
        buf[pos] = value;
        fix_checksum(buf, sizeof(buf), AF_INET, NULL, NULL);
        ASSERT_ERROR(vrrp_packet_parse(buf, sizeof(buf), family, &src, &dst, &a, &drop), EBADMSG);
        ASSERT_EQ(drop, expected);
}

TEST(v2_over_ipv6_is_invalid) {
        assert_v2_forged_drop(0, 0x21, AF_INET6, VRRP_DROP_FAMILY);
}

TEST(auth_ah_rejected) {
        assert_v2_forged_drop(4, VRRP_AUTH_AH, AF_INET, VRRP_DROP_AUTH_AH);
        ASSERT_STREQ(vrrp_drop_to_string(VRRP_DROP_AUTH_AH), "auth-ah");
}

TEST(auth_type_unknown_rejected) {
        assert_v2_forged_drop(4, 3, AF_INET, VRRP_DROP_AUTH_TYPE);
        assert_v2_forged_drop(4, 255, AF_INET, VRRP_DROP_AUTH_TYPE);
}

TEST(version_and_type) {
        assert_v2_forged_drop(0, 0x11, AF_INET, VRRP_DROP_VERSION);
        assert_v2_forged_drop(0, 0x41, AF_INET, VRRP_DROP_VERSION);
        assert_v2_forged_drop(0, 0x01, AF_INET, VRRP_DROP_VERSION);
        assert_v2_forged_drop(0, 0x20, AF_INET, VRRP_DROP_TYPE);
        assert_v2_forged_drop(0, 0x22, AF_INET, VRRP_DROP_TYPE);
        assert_v2_forged_drop(0, 0x2f, AF_INET, VRRP_DROP_TYPE);
}

TEST(v2_auth_data_ignored_without_auth) {
        VrrpAddr src = addr(AF_INET, "192.0.2.1"), dst = addr(AF_INET, "224.0.0.18");
        uint8_t buf[sizeof(ka_v2_plain)];
        VrrpAdvert a;
        VrrpDrop drop;

        memcpy(buf, ka_v2_plain, sizeof(buf));
        memcpy(buf + 16, "garbage!", 8);
        fix_checksum(buf, sizeof(buf), AF_INET, NULL, NULL);
        ASSERT_OK(vrrp_packet_parse(buf, sizeof(buf), AF_INET, &src, &dst, &a, &drop));
        ASSERT_MEMEQ(a.auth_data, "\0\0\0\0\0\0\0\0", VRRP_V2_AUTH_LEN);
}

TEST(v3_reserved_bits_ignored_on_receive_zero_on_send) {
        VrrpAddr src = addr(AF_INET, "192.0.2.1"), dst = addr(AF_INET, "224.0.0.18");
        uint8_t buf[sizeof(ka_v3_ipv4)], out[VRRP_PACKET_MAX_LEN];
        VrrpAdvert a;
        VrrpDrop drop;
        size_t len;

        memcpy(buf, ka_v3_ipv4, sizeof(buf));
        buf[4] |= 0xf0;
        fix_checksum(buf, sizeof(buf), AF_INET, &src, &dst);
        ASSERT_OK(vrrp_packet_parse(buf, sizeof(buf), AF_INET, &src, &dst, &a, &drop));
        ASSERT_EQ(a.adver_int_cs, 50);
        ASSERT_OK(vrrp_packet_build(&a, AF_INET, &src, &dst, VRRP_CHECKSUM_RFC, out, sizeof(out), &len));
        ASSERT_MEMEQ(out, ka_v3_ipv4, sizeof(ka_v3_ipv4));
}

TEST(v3_interval_uses_12_bits) {
        VrrpAddr src = addr(AF_INET, "192.0.2.1"), dst = addr(AF_INET, "224.0.0.18");
        VrrpAdvert a = { .version = 3, .vrid = 1, .priority = 100, .n_addrs = 1, .adver_int_cs = 4095 };
        uint8_t out[VRRP_PACKET_MAX_LEN];
        VrrpAdvert b;
        VrrpDrop drop;
        size_t len;

        a.addrs[0] = addr(AF_INET, "192.0.2.100");
        ASSERT_OK(vrrp_packet_build(&a, AF_INET, &src, &dst, VRRP_CHECKSUM_RFC, out, sizeof(out), &len));
        ASSERT_EQ(out[4], 0x0f);
        ASSERT_EQ(out[5], 0xff);
        ASSERT_OK(vrrp_packet_parse(out, len, AF_INET, &src, &dst, &b, &drop));
        ASSERT_EQ(b.adver_int_cs, 4095);
        a.adver_int_cs = 4096;
        ASSERT_ERROR(build(&a, AF_INET, VRRP_CHECKSUM_RFC, SIZE_MAX), EINVAL);
}

TEST(max_addresses_round_trip) {
        VrrpAddr src = addr(AF_INET6, "fe80::1"), dst = addr(AF_INET6, "ff02::12");
        VrrpAdvert a, b;
        uint8_t out[VRRP_PACKET_MAX_LEN];
        VrrpDrop drop;
        size_t len;

        a = (VrrpAdvert) { .version = 3, .vrid = 255, .priority = 255, .n_addrs = 255, .adver_int_cs = 1 };
        for (size_t i = 0; i < VRRP_MAX_ADDRS; i++) {
                a.addrs[i] = addr(AF_INET6, "2001:db8::");
                a.addrs[i].bytes[15] = (uint8_t) i;
        }
        ASSERT_ERROR(build(&a, AF_INET6, VRRP_CHECKSUM_RFC, VRRP_PACKET_MAX_LEN - 1), ENOBUFS);
        ASSERT_OK(vrrp_packet_build(&a, AF_INET6, &src, &dst, VRRP_CHECKSUM_RFC, out, sizeof(out), &len));
        ASSERT_EQ(len, VRRP_PACKET_MAX_LEN);
        ASSERT_OK(vrrp_packet_parse(out, len, AF_INET6, &src, &dst, &b, &drop));
        ASSERT_EQ(b.n_addrs, 255);
        ASSERT_MEMEQ(b.addrs, a.addrs, sizeof(a.addrs));
}

TEST(build_refuses_what_cannot_be_sent) {
        VrrpAdvert a = { .version = 2, .vrid = 1, .priority = 100, .adver_int_cs = 100 };

        ASSERT_OK(build(&a, AF_INET, VRRP_CHECKSUM_RFC, SIZE_MAX));
        ASSERT_ERROR(build(&a, AF_INET6, VRRP_CHECKSUM_RFC, SIZE_MAX), EINVAL);
        ASSERT_ERROR(build(&a, AF_INET, VRRP_CHECKSUM_V3_AS_V2, SIZE_MAX), EINVAL);
        a.adver_int_cs = 150; /* v2 carries whole seconds */
        ASSERT_ERROR(build(&a, AF_INET, VRRP_CHECKSUM_RFC, SIZE_MAX), EINVAL);
        a.adver_int_cs = 25600;
        ASSERT_ERROR(build(&a, AF_INET, VRRP_CHECKSUM_RFC, SIZE_MAX), EINVAL);
        a.adver_int_cs = 100;
        a.auth_type = VRRP_AUTH_AH;
        ASSERT_ERROR(build(&a, AF_INET, VRRP_CHECKSUM_RFC, SIZE_MAX), EOPNOTSUPP);
        a.auth_type = 3;
        ASSERT_ERROR(build(&a, AF_INET, VRRP_CHECKSUM_RFC, SIZE_MAX), EINVAL);
        a.auth_type = VRRP_AUTH_NONE;
        a.version = 4;
        ASSERT_ERROR(build(&a, AF_INET, VRRP_CHECKSUM_RFC, SIZE_MAX), EINVAL);
        a.version = 3;
        ASSERT_ERROR(build(&a, AF_INET6, VRRP_CHECKSUM_MCAST_DST, SIZE_MAX), EINVAL);
        ASSERT_ERROR(build(&a, AF_INET, _VRRP_CHECKSUM_MAX, SIZE_MAX), EINVAL);
        ASSERT_ERROR(build(&a, AF_UNIX, VRRP_CHECKSUM_RFC, SIZE_MAX), EINVAL);
        ASSERT_ERROR(build(&a, AF_INET, VRRP_CHECKSUM_RFC, 7), ENOBUFS);
}

TEST(parse_refuses_bad_arguments) {
        VrrpAddr src = addr(AF_INET, "192.0.2.1"), dst = addr(AF_INET, "224.0.0.18");
        VrrpAdvert a;

        ASSERT_ERROR(vrrp_packet_parse(ka_v2_plain, 24, AF_UNIX, &src, &dst, &a, NULL), EINVAL);
        ASSERT_ERROR(vrrp_packet_parse(ka_v2_plain, 24, AF_INET, NULL, &dst, &a, NULL), EINVAL);
        ASSERT_ERROR(vrrp_packet_parse(NULL, 8, AF_INET, &src, &dst, &a, NULL), EINVAL);
        /* reterr_drop is optional */
        ASSERT_ERROR(vrrp_packet_parse(ka_v2_plain, 3, AF_INET, &src, &dst, &a, NULL), EBADMSG);
}

TEST(packet_len) {
        ASSERT_EQ(vrrp_packet_len(2, AF_INET, 2), 24);
        ASSERT_EQ(vrrp_packet_len(3, AF_INET, 3), 20);
        ASSERT_EQ(vrrp_packet_len(3, AF_INET6, 2), 40);
        ASSERT_EQ(vrrp_packet_len(2, AF_INET6, 1), 0);
        ASSERT_EQ(vrrp_packet_len(1, AF_INET, 1), 0);
}

TEST(drop_words_are_stable_and_distinct) {
        static const char *const words[_VRRP_DROP_MAX] = {
                [VRRP_DROP_LENGTH] = "length",           [VRRP_DROP_VERSION] = "version",
                [VRRP_DROP_TYPE] = "type",               [VRRP_DROP_FAMILY] = "family",
                [VRRP_DROP_ADDRESS_COUNT] = "address-count", [VRRP_DROP_CHECKSUM] = "checksum",
                [VRRP_DROP_AUTH_AH] = "auth-ah",         [VRRP_DROP_AUTH_TYPE] = "auth-type",
                [VRRP_DROP_OWN_PACKET] = "own-packet",   [VRRP_DROP_TTL] = "ttl",
                [VRRP_DROP_VRID] = "vrid",               [VRRP_DROP_AUTH] = "auth",
                [VRRP_DROP_INTERVAL] = "interval",       [VRRP_DROP_DESTINATION] = "destination",
                [VRRP_DROP_UNICAST_SOURCE] = "unicast-source",
                [VRRP_DROP_HMAC_MISSING] = "hmac-missing", [VRRP_DROP_HMAC_MALFORMED] = "hmac-malformed",
                [VRRP_DROP_HMAC_STALE] = "hmac-stale",     [VRRP_DROP_HMAC_UNKNOWN_KEY] = "hmac-unknown-key",
                [VRRP_DROP_HMAC_BAD] = "hmac-bad",         [VRRP_DROP_HMAC_REPLAYED] = "hmac-replayed",
        };

        for (int d = 0; d < _VRRP_DROP_MAX; d++) {
                ASSERT_STREQ(vrrp_drop_to_string(d), words[d]);
                for (int e = 0; e < d; e++)
                        ASSERT_TRUE(strcmp(vrrp_drop_to_string(d), vrrp_drop_to_string(e)) != 0);
        }
        ASSERT_TRUE(vrrp_drop_to_string(_VRRP_DROP_MAX) == NULL);
        ASSERT_TRUE(vrrp_drop_to_string(-1) == NULL);
        ASSERT_STREQ(vrrp_checksum_to_string(VRRP_CHECKSUM_RFC), "rfc");
        ASSERT_STREQ(vrrp_checksum_to_string(VRRP_CHECKSUM_V3_AS_V2), "v3-as-v2");
        ASSERT_TRUE(vrrp_checksum_to_string(_VRRP_CHECKSUM_MAX) == NULL);
}

/* The headers a Linux 6.18 raw socket (TTL 255, DSCP CS6) wrote on vrrpd's v3 adverts, captured with tcpdump,
 * but for what vrrp_ip_header_build() leaves out: the kernel's IPv4 ID (0x6588 here, so a different header
 * checksum: 0x7311 with that ID) and its automatic IPv6 flow label (0xa7430). */
TEST(ip_header_matches_a_raw_socket_but_for_id_and_flow_label) {
        static const uint8_t kernel_v4[20] = {
                0x45, 0xc0, 0x00, 0x20, 0x00, 0x00, 0x40, 0x00, 0xff, 0x70, 0xd8, 0x99,
                0xc0, 0x00, 0x02, 0x01, 0xe0, 0x00, 0x00, 0x12,
        };
        static const uint8_t kernel_v6[40] = {
                0x6c, 0x00, 0x00, 0x00, 0x00, 0x18, 0x70, 0xff, 0xfe, 0x80, 0, 0, 0, 0, 0, 0,
                0, 0, 0, 0xff, 0xfe, 0, 0x03, 0x01, 0xff, 0x02, 0, 0, 0, 0, 0, 0,
                0, 0, 0, 0, 0, 0, 0, 0x12,
        };
        uint8_t buf[VRRP_IP_HEADER_MAX];
        VrrpAddr src4 = {}, dst4 = {}, src6 = {}, dst6 = {};

        ASSERT_EQ(inet_pton(AF_INET, "192.0.2.1", &src4.in), 1);
        ASSERT_EQ(inet_pton(AF_INET, "224.0.0.18", &dst4.in), 1);
        ASSERT_EQ(inet_pton(AF_INET6, "fe80::ff:fe00:301", &src6.in6), 1);
        ASSERT_EQ(inet_pton(AF_INET6, "ff02::12", &dst6.in6), 1);
        ASSERT_EQ(vrrp_ip_header_build(AF_INET, &src4, &dst4, 12, buf), 20);
        ASSERT_MEMEQ(buf, kernel_v4, 20);
        ASSERT_EQ(vrrp_ip_header_build(AF_INET6, &src6, &dst6, 24, buf), 40);
        ASSERT_MEMEQ(buf, kernel_v6, 40);
        ASSERT_EQ(vrrp_ip_header_build(AF_INET, &src4, &dst4, 0xffff, buf), 0);
        ASSERT_EQ(vrrp_ip_header_build(AF_UNIX, &src4, &dst4, 12, buf), 0);
}

TEST(multicast_macs) {
        VrrpAddr g4 = {}, g6 = {};
        uint8_t mac[6];

        ASSERT_EQ(inet_pton(AF_INET, "224.0.0.18", &g4.in), 1);
        vrrp_multicast_mac(AF_INET, &g4, mac);
        ASSERT_MEMEQ(mac, ((const uint8_t[]){ 0x01, 0x00, 0x5e, 0x00, 0x00, 0x12 }), 6);
        ASSERT_EQ(inet_pton(AF_INET, "239.255.130.7", &g4.in), 1); /* the top bit of the 24 is not mapped */
        vrrp_multicast_mac(AF_INET, &g4, mac);
        ASSERT_MEMEQ(mac, ((const uint8_t[]){ 0x01, 0x00, 0x5e, 0x7f, 0x82, 0x07 }), 6);
        ASSERT_EQ(inet_pton(AF_INET6, "ff02::12", &g6.in6), 1);
        vrrp_multicast_mac(AF_INET6, &g6, mac);
        ASSERT_MEMEQ(mac, ((const uint8_t[]){ 0x33, 0x33, 0x00, 0x00, 0x00, 0x12 }), 6);
}

/* Signed adverts: a trailer after the message. Over IPv4 the checksum covers the message alone, over IPv6 the
 * whole payload (keepalived 2.4 and the kernel's IPV6_CHECKSUM); a seal after the trailer is written makes it
 * so, and the signed parse checks it so. */
TEST(signed_message_checksum_span) {
        const int families[] = { AF_INET, AF_INET6 };

        for (size_t f = 0; f < 2; f++) {
                const int family = families[f];
                VrrpAdvert adv = { .version = 3, .vrid = 51, .priority = 150, .n_addrs = 1, .adver_int_cs = 100 };
                VrrpAddr src = {}, dst = {};
                uint8_t buf[VRRP_PACKET_MAX_LEN + 28];
                VrrpAdvert out;
                VrrpDrop drop;
                size_t len;

                inet_pton(family, family == AF_INET ? "192.0.2.1" : "fe80::1", &src);
                inet_pton(family, family == AF_INET ? "224.0.0.18" : "ff02::12", &dst);
                inet_pton(family, family == AF_INET ? "192.0.2.100" : "2001:db8::100", &adv.addrs[0]);
                ASSERT_OK(vrrp_packet_build(&adv, family, &src, &dst, VRRP_CHECKSUM_RFC, buf, sizeof(buf), &len));
                ASSERT_EQ(vrrp_packet_message_len(buf, len + 28, family), len);
                memset(buf + len, 0xa5, 28); /* a trailer */
                ASSERT_OK(vrrp_packet_seal(buf, len, 28, family, &src, &dst, VRRP_CHECKSUM_RFC));
                ASSERT_OK(vrrp_packet_parse_signed(buf, len + 28, 28, family, &src, &dst, &out, &drop));
                ASSERT_EQ(out.priority, 150);
                /* the span: a byte of the trailer is covered over IPv6 only */
                buf[len + 27] ^= 1;
                if (family == AF_INET)
                        ASSERT_OK(vrrp_packet_parse_signed(buf, len + 28, 28, family, &src, &dst, &out, &drop));
                else {
                        ASSERT_ERROR(vrrp_packet_parse_signed(buf, len + 28, 28, family, &src, &dst, &out, &drop),
                                     EBADMSG);
                        ASSERT_EQ(drop, VRRP_DROP_CHECKSUM);
                }
                /* without a trailer expected, the extra bytes do not match the address count */
                ASSERT_ERROR(vrrp_packet_parse(buf, len + 28, family, &src, &dst, &out, &drop), EBADMSG);
                ASSERT_EQ(drop, VRRP_DROP_ADDRESS_COUNT);
                ASSERT_EQ(vrrp_packet_message_len(buf, 4, family), 0);
        }
}
