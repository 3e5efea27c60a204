#include <assert.h>
#include <endian.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "vrrp-packet.h"

/* Offsets in the 8-byte header, RFC 3768 §5.1 (v2) and RFC 9568 §5.1 (v3):
 *   0: version (4 bits) | type (4 bits)    1: VRID    2: priority    3: count of addresses
 *   4: v2 auth type, v3 reserved (4 bits) + Max Advert Interval high bits
 *   5: v2 Adver Int (seconds), v3 Max Advert Interval low bits (together 12 bits of centiseconds)
 *   6: checksum (16 bits)
 * then the addresses, then for v2 the 8 bytes of authentication data. */
#define OFF_VERSION_TYPE 0
#define OFF_VRID 1
#define OFF_PRIORITY 2
#define OFF_COUNT 3
#define OFF_V2_AUTH_TYPE 4
#define OFF_V2_ADVER_INT 5
#define OFF_V3_ADVER_INT 4
#define OFF_CHECKSUM 6

/* RFC 9568 §5.1.1.2: the IPv4 multicast group, the pseudo-header destination of keepalived's old unicast
 * form. */
#define VRRP_MCAST_GROUP4 UINT32_C(0xe0000012)

static const char *const drop_table[_VRRP_DROP_MAX] = {
        [VRRP_DROP_LENGTH] = "length",
        [VRRP_DROP_VERSION] = "version",
        [VRRP_DROP_TYPE] = "type",
        [VRRP_DROP_FAMILY] = "family",
        [VRRP_DROP_ADDRESS_COUNT] = "address-count",
        [VRRP_DROP_CHECKSUM] = "checksum",
        [VRRP_DROP_AUTH_AH] = "auth-ah",
        [VRRP_DROP_AUTH_TYPE] = "auth-type",
        [VRRP_DROP_OWN_PACKET] = "own-packet",
        [VRRP_DROP_TTL] = "ttl",
        [VRRP_DROP_VRID] = "vrid",
        [VRRP_DROP_AUTH] = "auth",
        [VRRP_DROP_INTERVAL] = "interval",
        [VRRP_DROP_DESTINATION] = "destination",
        [VRRP_DROP_UNICAST_SOURCE] = "unicast-source",
        [VRRP_DROP_HMAC_MISSING] = "hmac-missing",
        [VRRP_DROP_HMAC_MALFORMED] = "hmac-malformed",
        [VRRP_DROP_HMAC_STALE] = "hmac-stale",
        [VRRP_DROP_HMAC_UNKNOWN_KEY] = "hmac-unknown-key",
        [VRRP_DROP_HMAC_BAD] = "hmac-bad",
        [VRRP_DROP_HMAC_REPLAYED] = "hmac-replayed",
};

static const char *const checksum_table[_VRRP_CHECKSUM_MAX] = {
        [VRRP_CHECKSUM_RFC] = "rfc",
        [VRRP_CHECKSUM_V3_AS_V2] = "v3-as-v2",
        [VRRP_CHECKSUM_MCAST_DST] = "multicast-destination",
};

const char *vrrp_drop_to_string(VrrpDrop d) {
        if ((unsigned) d >= _VRRP_DROP_MAX)
                return NULL;
        return drop_table[d];
}

const char *vrrp_checksum_to_string(VrrpChecksum c) {
        if ((unsigned) c >= _VRRP_CHECKSUM_MAX)
                return NULL;
        return checksum_table[c];
}

static int vrrp_drop(VrrpDrop *reterr_drop, VrrpDrop d) {
        if (reterr_drop)
                *reterr_drop = d;
        return -EBADMSG;
}

size_t vrrp_packet_len(uint8_t version, int family, size_t n_addrs) {
        if (family != AF_INET && family != AF_INET6)
                return 0;
        if (version == 2 && family == AF_INET)
                return VRRP_HEADER_LEN + n_addrs * sizeof(struct in_addr) + VRRP_V2_AUTH_LEN;
        if (version == 3)
                return VRRP_HEADER_LEN + n_addrs * vrrp_addr_len(family);
        return 0;
}

/* RFC 1071 one's complement sum of 16-bit big-endian words, not yet folded or inverted. The callers' data
 * is at most a few kilobytes, so 32 bits cannot overflow. */
static uint32_t checksum_add(uint32_t sum, const uint8_t *p, size_t n) {
        for (size_t i = 0; i + 1 < n; i += 2)
                sum += (uint32_t) p[i] << 8 | p[i + 1];
        if (n % 2 == 1)
                sum += (uint32_t) p[n - 1] << 8;
        return sum;
}

static uint16_t checksum_fold(uint32_t sum) {
        while (sum >> 16)
                sum = (sum & 0xffff) + (sum >> 16);
        return (uint16_t) ~sum;
}

/* The sum of the pseudo-header: RFC 9568 §5.2.8 refers to RFC 8200 §8.1 for IPv6, and for IPv4 it is the
 * one of RFC 768 (src, dst, zero, protocol, length). */
static uint32_t checksum_pseudo(int family, const VrrpAddr *src, const VrrpAddr *dst, size_t len) {
        const size_t alen = vrrp_addr_len(family);
        uint32_t sum = 0;

        sum = checksum_add(sum, src->bytes, alen);
        sum = checksum_add(sum, dst->bytes, alen);
        /* IPv4: 0, protocol, 16-bit length; IPv6: 32-bit length, 3 zero bytes, next header. Both add up to
         * the same words, as the length fits 16 bits. */
        return sum + VRRP_IPPROTO + (uint32_t) len;
}

/* The folded one's complement sum over buf (checksum field included) in form c: a received message is good
 * when this is 0; build fills the field with it while the field is still zero. */
static uint16_t checksum_compute(VrrpChecksum c, int family, const VrrpAddr *src, const VrrpAddr *dst,
                                 uint8_t version, const uint8_t *buf, size_t len) {
        uint32_t sum = 0;

        if (version == 3 && c == VRRP_CHECKSUM_RFC)
                sum = checksum_pseudo(family, src, dst, len);
        else if (version == 3 && c == VRRP_CHECKSUM_MCAST_DST) {
                VrrpAddr group = { .in.s_addr = htobe32(VRRP_MCAST_GROUP4) };

                sum = checksum_pseudo(AF_INET, src, &group, len);
        }
        return checksum_fold(checksum_add(sum, buf, len));
}

/* Which form buf's checksum has, or -EBADMSG. v3 over IPv4 also accepts the two legacy forms. */
static int checksum_verify(int family, const VrrpAddr *src, const VrrpAddr *dst, uint8_t version,
                           const uint8_t *buf, size_t len) {
        const int last = version == 3 && family == AF_INET ? VRRP_CHECKSUM_MCAST_DST : VRRP_CHECKSUM_RFC;

        for (int c = VRRP_CHECKSUM_RFC; c <= last; c++)
                if (checksum_compute(c, family, src, dst, version, buf, len) == 0)
                        return c;
        return -EBADMSG;
}

/* Version, type, family and length, in the order of RFC 9568 §7.1. On success *ret_version is 2 or 3. */
static int parse_header(const uint8_t *buf, size_t len, int family, uint8_t *ret_version,
                        VrrpDrop *reterr_drop) {
        const uint8_t version = buf[OFF_VERSION_TYPE] >> 4;

        if (version != 2 && version != 3)
                return vrrp_drop(reterr_drop, VRRP_DROP_VERSION);
        if ((buf[OFF_VERSION_TYPE] & 0x0f) != VRRP_TYPE_ADVERTISEMENT)
                return vrrp_drop(reterr_drop, VRRP_DROP_TYPE);
        if (version == 2 && family != AF_INET)
                return vrrp_drop(reterr_drop, VRRP_DROP_FAMILY);
        if (len < vrrp_packet_len(version, family, 0))
                return vrrp_drop(reterr_drop, VRRP_DROP_LENGTH);
        /* The count is validated against the length here, before anything loops over the addresses. RFC 9568
         * §5.2.5: at least one address in v3; keepalived sends v2 adverts without any. */
        if (len != vrrp_packet_len(version, family, buf[OFF_COUNT]) || (version == 3 && buf[OFF_COUNT] == 0))
                return vrrp_drop(reterr_drop, VRRP_DROP_ADDRESS_COUNT);
        *ret_version = version;
        return 0;
}

/* RFC 3768 §5.3.6: an unknown auth type MUST be discarded; the type configured is vrrp-check's business. */
static int parse_auth_type(uint8_t auth_type, VrrpDrop *reterr_drop) {
        if (auth_type == VRRP_AUTH_AH)
                return vrrp_drop(reterr_drop, VRRP_DROP_AUTH_AH);
        if (auth_type != VRRP_AUTH_NONE && auth_type != VRRP_AUTH_PASS)
                return vrrp_drop(reterr_drop, VRRP_DROP_AUTH_TYPE);
        return 0;
}

/* The checksummed span of a message of len bytes followed by trailer_len: IPv6's covers the payload */
static size_t checksum_span(int family, size_t len, size_t trailer_len) {
        return family == AF_INET6 ? len + trailer_len : len;
}

/* A message of len bytes, then trailer_len bytes of trailer (signed adverts), in buf. */
static int packet_parse(const uint8_t *buf, size_t len, size_t trailer_len, int family, const VrrpAddr *src,
                        const VrrpAddr *dst, VrrpAdvert *ret, VrrpDrop *reterr_drop) {
        uint8_t version = 0;
        uint16_t raw;
        size_t alen;
        int r, c;

        if ((!buf && len > 0) || !src || !dst || !ret || (family != AF_INET && family != AF_INET6))
                return -EINVAL;
        if (len < VRRP_HEADER_LEN)
                return vrrp_drop(reterr_drop, VRRP_DROP_LENGTH);
        r = parse_header(buf, len, family, &version, reterr_drop);
        if (r < 0)
                return r;
        c = checksum_verify(family, src, dst, version, buf, checksum_span(family, len, trailer_len));
        if (c < 0)
                return vrrp_drop(reterr_drop, VRRP_DROP_CHECKSUM);
        if (version == 2) {
                r = parse_auth_type(buf[OFF_V2_AUTH_TYPE], reterr_drop);
                if (r < 0)
                        return r;
        }

        /* Only the first n_addrs addresses are written: no 4 KiB memset per packet. */
        ret->version = version;
        ret->vrid = buf[OFF_VRID];
        ret->priority = buf[OFF_PRIORITY];
        ret->n_addrs = buf[OFF_COUNT];
        ret->checksum = c;
        ret->auth_type = version == 2 ? buf[OFF_V2_AUTH_TYPE] : VRRP_AUTH_NONE;
        memset(ret->auth_data, 0, sizeof(ret->auth_data));
        /* Without authentication the data is zero on send and ignored on receive (RFC 3768 §5.3.10). */
        if (ret->auth_type == VRRP_AUTH_PASS)
                memcpy(ret->auth_data, buf + len - VRRP_V2_AUTH_LEN, VRRP_V2_AUTH_LEN);
        memcpy(&raw, buf + OFF_V3_ADVER_INT, sizeof(raw));
        /* v3: the top 4 bits are reserved and ignored on receive (RFC 9568 §5.2.6); v2: whole seconds. */
        ret->adver_int_cs =
                version == 3 ? be16toh(raw) & VRRP_V3_ADVER_INT_MAX_CS : buf[OFF_V2_ADVER_INT] * 100u;
        alen = vrrp_addr_len(family);
        for (size_t i = 0; i < ret->n_addrs; i++)
                memcpy(ret->addrs[i].bytes, buf + VRRP_HEADER_LEN + i * alen, alen);
        return 0;
}

int vrrp_packet_parse(const uint8_t *buf, size_t len, int family, const VrrpAddr *src, const VrrpAddr *dst,
                      VrrpAdvert *ret, VrrpDrop *reterr_drop) {
        return packet_parse(buf, len, 0, family, src, dst, ret, reterr_drop);
}

size_t vrrp_packet_message_len(const uint8_t *buf, size_t len, int family) {
        if (!buf || len < VRRP_HEADER_LEN)
                return 0;
        return vrrp_packet_len(buf[OFF_VERSION_TYPE] >> 4, family, buf[OFF_COUNT]);
}

int vrrp_packet_parse_signed(const uint8_t *buf, size_t len, size_t trailer_len, int family, const VrrpAddr *src,
                             const VrrpAddr *dst, VrrpAdvert *ret, VrrpDrop *reterr_drop) {
        if (trailer_len > len)
                return vrrp_drop(reterr_drop, VRRP_DROP_LENGTH);
        return packet_parse(buf, len - trailer_len, trailer_len, family, src, dst, ret, reterr_drop);
}

int vrrp_packet_seal(uint8_t *buf, size_t len, size_t trailer_len, int family, const VrrpAddr *src,
                     const VrrpAddr *dst, VrrpChecksum checksum) {
        uint16_t raw = 0;

        if (!buf || !src || !dst || len < VRRP_HEADER_LEN || (family != AF_INET && family != AF_INET6) ||
            (unsigned) checksum >= _VRRP_CHECKSUM_MAX)
                return -EINVAL;
        memcpy(buf + OFF_CHECKSUM, &raw, sizeof(raw));
        raw = htobe16(checksum_compute(checksum, family, src, dst, buf[OFF_VERSION_TYPE] >> 4, buf,
                                       checksum_span(family, len, trailer_len)));
        memcpy(buf + OFF_CHECKSUM, &raw, sizeof(raw));
        return 0;
}

static int build_validate(const VrrpAdvert *adv, int family, VrrpChecksum checksum) {
        if (family != AF_INET && family != AF_INET6)
                return -EINVAL;
        if (vrrp_packet_len(adv->version, family, 0) == 0)
                return -EINVAL; /* unknown version, or v2 over IPv6 */
        if ((unsigned) checksum >= _VRRP_CHECKSUM_MAX)
                return -EINVAL;
        if (checksum != VRRP_CHECKSUM_RFC && (adv->version != 3 || family != AF_INET))
                return -EINVAL;
        if (adv->version == 3)
                return adv->adver_int_cs <= VRRP_V3_ADVER_INT_MAX_CS ? 0 : -EINVAL;
        if (adv->adver_int_cs > VRRP_V2_ADVER_INT_MAX_CS || adv->adver_int_cs % 100 != 0)
                return -EINVAL;
        if (adv->auth_type == VRRP_AUTH_AH)
                return -EOPNOTSUPP;
        if (adv->auth_type != VRRP_AUTH_NONE && adv->auth_type != VRRP_AUTH_PASS)
                return -EINVAL;
        return 0;
}

int vrrp_packet_build(const VrrpAdvert *adv, int family, const VrrpAddr *src, const VrrpAddr *dst,
                      VrrpChecksum checksum, uint8_t *buf, size_t size, size_t *ret_len) {
        size_t len, alen;
        uint16_t raw;
        int r;

        if (!adv || !src || !dst || !buf || !ret_len)
                return -EINVAL;
        r = build_validate(adv, family, checksum);
        if (r < 0)
                return r;
        len = vrrp_packet_len(adv->version, family, adv->n_addrs);
        if (size < len)
                return -ENOBUFS;

        memset(buf, 0, len);
        buf[OFF_VERSION_TYPE] = (uint8_t) (adv->version << 4 | VRRP_TYPE_ADVERTISEMENT);
        buf[OFF_VRID] = adv->vrid;
        buf[OFF_PRIORITY] = adv->priority;
        buf[OFF_COUNT] = adv->n_addrs;
        if (adv->version == 3) {
                raw = htobe16(adv->adver_int_cs); /* reserved bits stay zero: validated above */
                memcpy(buf + OFF_V3_ADVER_INT, &raw, sizeof(raw));
        } else {
                buf[OFF_V2_AUTH_TYPE] = adv->auth_type;
                buf[OFF_V2_ADVER_INT] = (uint8_t) (adv->adver_int_cs / 100);
                if (adv->auth_type == VRRP_AUTH_PASS)
                        memcpy(buf + len - VRRP_V2_AUTH_LEN, adv->auth_data, VRRP_V2_AUTH_LEN);
        }
        alen = vrrp_addr_len(family);
        for (size_t i = 0; i < adv->n_addrs; i++)
                memcpy(buf + VRRP_HEADER_LEN + i * alen, adv->addrs[i].bytes, alen);

        raw = htobe16(checksum_compute(checksum, family, src, dst, adv->version, buf, len));
        memcpy(buf + OFF_CHECKSUM, &raw, sizeof(raw));
        *ret_len = len;
        return 0;
}

size_t vrrp_ip_header_build(int family, const VrrpAddr *src, const VrrpAddr *dst, size_t payload_len,
                            uint8_t *buf) {
        assert(src);
        assert(dst);
        assert(buf);

        if (family == AF_INET) {
                size_t total = 20 + payload_len;
                uint16_t sum;

                if (total > 0xffff)
                        return 0;
                memset(buf, 0, 20);
                buf[0] = 0x45; /* version 4, 5 words of header, no options */
                buf[1] = VRRP_IP_DSCP_CS6;
                buf[2] = (uint8_t) (total >> 8);
                buf[3] = (uint8_t) total;
                buf[6] = 0x40; /* DF, and ID 0 (bytes 4-5): RFC 6864 §4.1 */
                buf[8] = VRRP_TTL;
                buf[9] = VRRP_IPPROTO;
                memcpy(buf + 12, src->bytes, 4);
                memcpy(buf + 16, dst->bytes, 4);
                sum = checksum_fold(checksum_add(0, buf, 20));
                buf[10] = (uint8_t) (sum >> 8);
                buf[11] = (uint8_t) sum;
                return 20;
        }
        if (family != AF_INET6 || payload_len > 0xffff)
                return 0;
        memset(buf, 0, 8);
        buf[0] = 0x60 | VRRP_IP_DSCP_CS6 >> 4; /* version 6, then the traffic class across the nibbles */
        buf[1] = (uint8_t) (VRRP_IP_DSCP_CS6 << 4);
        buf[4] = (uint8_t) (payload_len >> 8);
        buf[5] = (uint8_t) payload_len;
        buf[6] = VRRP_IPPROTO;
        buf[7] = VRRP_TTL;
        memcpy(buf + 8, src->bytes, 16);
        memcpy(buf + 24, dst->bytes, 16);
        return 40;
}

void vrrp_multicast_mac(int family, const VrrpAddr *group, uint8_t mac[6]) {
        assert(family == AF_INET || family == AF_INET6);
        assert(group);
        assert(mac);

        if (family == AF_INET) {
                mac[0] = 0x01, mac[1] = 0x00, mac[2] = 0x5e;
                mac[3] = group->bytes[1] & 0x7f;
                mac[4] = group->bytes[2];
                mac[5] = group->bytes[3];
                return;
        }
        mac[0] = 0x33, mac[1] = 0x33;
        memcpy(mac + 2, group->bytes + 12, 4);
}
