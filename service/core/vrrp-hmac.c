#include <assert.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "vrrp-hmac.h"

#define VRRP_CHECKSUM_OFFSET 6 /* in the VRRP header, v2 and v3 */

static const char *const verdict_table[_VRRP_HMAC_VERDICT_MAX] = {
        [VRRP_HMAC_OK] = "ok",
        [VRRP_HMAC_UNSIGNED_OK] = "unsigned",
        [VRRP_HMAC_MISSING] = "missing",
        [VRRP_HMAC_MALFORMED] = "malformed",
        [VRRP_HMAC_STALE] = "stale",
        [VRRP_HMAC_UNKNOWN_KEY] = "unknown-key",
        [VRRP_HMAC_BAD_MAC] = "bad-hmac",
        [VRRP_HMAC_REPLAYED] = "replayed",
};

const char *vrrp_hmac_verdict_to_string(VrrpHmacVerdict v) {
        return (unsigned) v < _VRRP_HMAC_VERDICT_MAX ? verdict_table[v] : NULL;
}

static uint64_t get_be(const uint8_t *p, size_t n) {
        uint64_t v = 0;

        for (size_t k = 0; k < n; k++)
                v = v << 8 | p[k];
        return v;
}

static void put_be(uint8_t *p, size_t n, uint64_t v) {
        for (size_t k = n; k > 0; k--, v >>= 8)
                p[k - 1] = (uint8_t) v;
}

void vrrp_hmac_trailer_read(const uint8_t *buf, VrrpHmacTrailer *ret) {
        assert(buf);
        assert(ret);
        *ret = (VrrpHmacTrailer){ .type = buf[0],
                                  .key_id = buf[1],
                                  .reserved = (uint16_t) get_be(buf + 2, 2),
                                  .seq = get_be(buf + 4, 8) };
        memcpy(ret->mac, buf + VRRP_HMAC_HEAD_LEN, VRRP_HMAC_LEN);
}

void vrrp_hmac_trailer_write(const VrrpHmacTrailer *t, uint8_t *buf) {
        assert(t);
        assert(buf);
        buf[0] = t->type;
        buf[1] = t->key_id;
        put_be(buf + 2, 2, t->reserved);
        put_be(buf + 4, 8, t->seq);
        memcpy(buf + VRRP_HMAC_HEAD_LEN, t->mac, VRRP_HMAC_LEN);
}

size_t vrrp_hmac_message(int family, uint8_t version, uint8_t vrid, const VrrpAddr *src, const uint8_t *pdu,
                         size_t pdu_len, const uint8_t *head, uint8_t *out) {
        size_t n = 0;

        assert(src);
        assert(pdu);
        assert(head);
        assert(out);
        if ((family != AF_INET && family != AF_INET6) || pdu_len < VRRP_CHECKSUM_OFFSET + 2 ||
            VRRP_HMAC_PSEUDO_LEN + pdu_len + VRRP_HMAC_HEAD_LEN + VRRP_HMAC_LEN > VRRP_HMAC_MESSAGE_MAX)
                return 0;
        memset(out, 0, VRRP_HMAC_PSEUDO_LEN);
        out[0] = family == AF_INET6 ? 6 : 4;
        out[1] = version;
        out[2] = vrid;
        memcpy(out + 4, src->bytes, vrrp_addr_len(family));
        n = VRRP_HMAC_PSEUDO_LEN;
        memcpy(out + n, pdu, pdu_len);
        memset(out + n + VRRP_CHECKSUM_OFFSET, 0, 2);
        n += pdu_len;
        memcpy(out + n, head, VRRP_HMAC_HEAD_LEN);
        n += VRRP_HMAC_HEAD_LEN;
        memset(out + n, 0, VRRP_HMAC_LEN);
        return n + VRRP_HMAC_LEN;
}

/* RFC 1982 order over 64 bits: a is after b. */
static bool seq_after(uint64_t a, uint64_t b) {
        return (int64_t) (a - b) > 0;
}

/* The wall clock as a sequence: seconds, then the fraction of a second in 1/2^16, the counter 0. */
static uint64_t clock_seq(usec_t realtime) {
        uint64_t sec = (uint32_t) (realtime / USEC_PER_SEC);
        uint64_t fraction = ((realtime % USEC_PER_SEC) * 1000 << 16) / 1000000000u;

        return sec << 32 | fraction << 16;
}

/* How far (in seconds, signed) the seconds field a lies after b, on the 32-bit circle. */
static int64_t sec_diff(uint32_t a, uint32_t b) {
        return (int32_t) (a - b);
}

uint64_t vrrp_hmac_next_seq(uint64_t *last, usec_t realtime, bool time_mode, uint32_t window_sec) {
        uint64_t clk = clock_seq(realtime);

        assert(last);
        if (seq_after(clk, *last))
                *last = clk;
        else if (time_mode && sec_diff((uint32_t) (*last >> 32), (uint32_t) (clk >> 32)) > window_sec)
                *last = clk;
        else
                (*last)++;
        return *last;
}

static bool outside_window(uint32_t sec, usec_t realtime, uint32_t window_sec) {
        int64_t age = sec_diff((uint32_t) (realtime / USEC_PER_SEC), sec);

        return age > (int64_t) window_sec || age < -(int64_t) window_sec;
}

VrrpHmacVerdict vrrp_hmac_unsigned(const VrrpHmacPolicy *p) {
        assert(p);
        return p->mode == VRRP_HMAC_ENFORCE ? VRRP_HMAC_MISSING : VRRP_HMAC_UNSIGNED_OK;
}

VrrpHmacVerdict vrrp_hmac_precheck(const VrrpHmacPolicy *p, const VrrpHmacTrailer *t, usec_t realtime) {
        assert(p);
        assert(t);
        if (t->type != VRRP_HMAC_TYPE_SHA256 || t->reserved != 0)
                return VRRP_HMAC_MALFORMED;
        if (p->time_mode && outside_window((uint32_t) (t->seq >> 32), realtime, p->window_sec))
                return VRRP_HMAC_STALE;
        return VRRP_HMAC_OK;
}

VrrpHmacVerdict vrrp_hmac_replay_check(const VrrpHmacPolicy *p, VrrpHmacReplay *r, uint64_t seq, usec_t realtime) {
        assert(p);
        assert(r);
        if (r->valid && p->time_mode && outside_window((uint32_t) (r->seq >> 32), realtime, p->window_sec))
                r->valid = false;
        if (r->valid && !seq_after(seq, r->seq))
                return VRRP_HMAC_REPLAYED;
        *r = (VrrpHmacReplay){ .valid = true, .seq = seq };
        return VRRP_HMAC_OK;
}

static unsigned next_use(VrrpHmacSenders *s) {
        if (++s->clock == 0)
                s->clock = 1;
        return s->clock;
}

VrrpHmacReplay *vrrp_hmac_sender(VrrpHmacSenders *s, int family, const VrrpAddr *addr) {
        size_t victim = 0;

        assert(s);
        assert(addr);
        for (size_t k = 0; k < VRRP_HMAC_SENDERS; k++) {
                if (s->slot[k].last_used && vrrp_addr_cmp(family, &s->slot[k].addr, addr) == 0) {
                        s->slot[k].last_used = next_use(s);
                        return &s->slot[k].replay;
                }
                if (s->slot[k].last_used < s->slot[victim].last_used)
                        victim = k;
        }
        s->slot[victim].addr = *addr;
        s->slot[victim].replay = (VrrpHmacReplay){};
        s->slot[victim].last_used = next_use(s);
        return &s->slot[victim].replay;
}
