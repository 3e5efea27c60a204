#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "core/vrrp-hmac.h"
#include "vtest.h"

/* The signed-advert trailer's pure rules (core/vrrp-hmac.h) on a virtual wall clock. */

#define T0 ((usec_t) 1796220000 * USEC_PER_SEC) /* a Wednesday in December 2026 */

static const VrrpHmacPolicy TIME5 = { .mode = VRRP_HMAC_ENFORCE, .time_mode = true, .window_sec = 5 };
static const VrrpHmacPolicy MONO = { .mode = VRRP_HMAC_ENFORCE, .time_mode = false };

static uint64_t seq_at(usec_t t, uint16_t counter) {
        return (uint64_t) (t / USEC_PER_SEC) << 32 | (((t % USEC_PER_SEC) * 1000) << 16) / 1000000000u << 16 |
               counter;
}

TEST(trailer_round_trip_in_network_order) {
        VrrpHmacTrailer t = { .type = 1, .key_id = 7, .seq = 0x0102030405060708ULL }, back;
        uint8_t buf[VRRP_HMAC_TRAILER_LEN];

        for (int k = 0; k < VRRP_HMAC_LEN; k++)
                t.mac[k] = (uint8_t) (0xa0 + k);
        vrrp_hmac_trailer_write(&t, buf);
        ASSERT_EQ(buf[0], 1);
        ASSERT_EQ(buf[1], 7);
        ASSERT_EQ(buf[2] | buf[3], 0);
        ASSERT_EQ(buf[4], 0x01);
        ASSERT_EQ(buf[11], 0x08);
        ASSERT_EQ(buf[12], 0xa0);
        ASSERT_EQ(buf[27], 0xaf);
        vrrp_hmac_trailer_read(buf, &back);
        ASSERT_TRUE(memcmp(&t, &back, sizeof(t)) == 0);
}

TEST(message_is_pseudo_header_pdu_head_and_zeros) {
        uint8_t pdu[12] = { 0x31, 51, 150, 1, 0, 100, 0xde, 0xad, 192, 0, 2, 100 };
        uint8_t head[VRRP_HMAC_HEAD_LEN] = { 1, 2, 0, 0, 9, 9, 9, 9, 8, 8, 7, 7 };
        uint8_t out[VRRP_HMAC_MESSAGE_MAX];
        VrrpAddr src = {};
        size_t n;

        inet_pton(AF_INET, "192.0.2.1", &src.in);
        n = vrrp_hmac_message(AF_INET, 3, 51, &src, pdu, sizeof(pdu), head, out);
        ASSERT_EQ(n, VRRP_HMAC_PSEUDO_LEN + sizeof(pdu) + VRRP_HMAC_HEAD_LEN + VRRP_HMAC_LEN);
        ASSERT_EQ(out[0], 4);
        ASSERT_EQ(out[1], 3);
        ASSERT_EQ(out[2], 51);
        ASSERT_EQ(out[3], 0);
        ASSERT_EQ(out[4], 192);
        ASSERT_EQ(out[7], 1);
        for (size_t k = 8; k < VRRP_HMAC_PSEUDO_LEN; k++)
                ASSERT_EQ(out[k], 0);
        ASSERT_EQ(out[20], 0x31);
        ASSERT_EQ(out[26] | out[27], 0); /* the checksum read as zero */
        ASSERT_EQ(pdu[6], 0xde);         /* and the packet left as it was */
        ASSERT_TRUE(memcmp(out + 32, head, VRRP_HMAC_HEAD_LEN) == 0);
        for (size_t k = 44; k < n; k++)
                ASSERT_EQ(out[k], 0);

        inet_pton(AF_INET6, "fe80::1", &src.in6);
        n = vrrp_hmac_message(AF_INET6, 3, 51, &src, pdu, sizeof(pdu), head, out);
        ASSERT_EQ(out[0], 6);
        ASSERT_EQ(out[4], 0xfe);
        ASSERT_EQ(out[19], 1);
        ASSERT_EQ(vrrp_hmac_message(AF_UNIX, 3, 51, &src, pdu, sizeof(pdu), head, out), 0);
        ASSERT_EQ(vrrp_hmac_message(AF_INET, 3, 51, &src, pdu, 4, head, out), 0);
}

TEST(sequence_follows_the_clock_and_always_grows) {
        uint64_t last = 0, s1, s2, s3;

        s1 = vrrp_hmac_next_seq(&last, T0 + 500000, true, 5);
        ASSERT_EQ(s1, seq_at(T0 + 500000, 0));
        ASSERT_EQ((uint16_t) (s1 >> 16), 0x8000); /* half a second */
        s2 = vrrp_hmac_next_seq(&last, T0 + 500000, true, 5); /* the same instant: the counter */
        ASSERT_EQ(s2, s1 + 1);
        s3 = vrrp_hmac_next_seq(&last, T0 - 3 * USEC_PER_SEC, true, 5); /* stepped back 3.5 s: still grows */
        ASSERT_EQ(s3, s2 + 1);
        ASSERT_EQ(vrrp_hmac_next_seq(&last, T0 - 10 * USEC_PER_SEC, true, 5), seq_at(T0 - 10 * USEC_PER_SEC, 0));
        last = seq_at(T0, 0);
        ASSERT_EQ(vrrp_hmac_next_seq(&last, T0 - 10 * USEC_PER_SEC, false, 0), seq_at(T0, 1)); /* monotonic */
}

TEST(precheck_form_and_window) {
        VrrpHmacTrailer t = { .type = VRRP_HMAC_TYPE_SHA256, .seq = seq_at(T0, 0) };

        ASSERT_EQ(vrrp_hmac_precheck(&TIME5, &t, T0), VRRP_HMAC_OK);
        ASSERT_EQ(vrrp_hmac_precheck(&TIME5, &t, T0 + 5 * USEC_PER_SEC), VRRP_HMAC_OK);
        ASSERT_EQ(vrrp_hmac_precheck(&TIME5, &t, T0 + 6 * USEC_PER_SEC), VRRP_HMAC_STALE);
        ASSERT_EQ(vrrp_hmac_precheck(&TIME5, &t, T0 - 5 * USEC_PER_SEC), VRRP_HMAC_OK);
        ASSERT_EQ(vrrp_hmac_precheck(&TIME5, &t, T0 - 6 * USEC_PER_SEC), VRRP_HMAC_STALE);
        ASSERT_EQ(vrrp_hmac_precheck(&MONO, &t, T0 + 3600 * USEC_PER_SEC), VRRP_HMAC_OK);
        t.reserved = 1;
        ASSERT_EQ(vrrp_hmac_precheck(&TIME5, &t, T0), VRRP_HMAC_MALFORMED);
        t.reserved = 0;
        t.type = 2;
        ASSERT_EQ(vrrp_hmac_precheck(&MONO, &t, T0), VRRP_HMAC_MALFORMED);
}

TEST(replay_mark_grows_strictly) {
        VrrpHmacReplay r = {};

        ASSERT_EQ(vrrp_hmac_replay_check(&TIME5, &r, seq_at(T0, 0), T0), VRRP_HMAC_OK);
        ASSERT_EQ(vrrp_hmac_replay_check(&TIME5, &r, seq_at(T0, 0), T0), VRRP_HMAC_REPLAYED);
        ASSERT_EQ(vrrp_hmac_replay_check(&TIME5, &r, seq_at(T0, 0) - 1, T0), VRRP_HMAC_REPLAYED);
        ASSERT_EQ(r.seq, seq_at(T0, 0)); /* a refused one moved nothing */
        ASSERT_EQ(vrrp_hmac_replay_check(&TIME5, &r, seq_at(T0, 1), T0), VRRP_HMAC_OK);
        /* a mark older than the window is forgotten: a sender whose clock went back recovers */
        ASSERT_EQ(vrrp_hmac_replay_check(&TIME5, &r, seq_at(T0 + 5 * USEC_PER_SEC, 0), T0 + 10 * USEC_PER_SEC),
                  VRRP_HMAC_OK);
        /* monotonic: no forgetting */
        r = (VrrpHmacReplay){ .valid = true, .seq = seq_at(T0, 0) };
        ASSERT_EQ(vrrp_hmac_replay_check(&MONO, &r, seq_at(T0 - USEC_PER_SEC, 0), T0 + 3600 * USEC_PER_SEC),
                  VRRP_HMAC_REPLAYED);
        /* serial arithmetic across the wrap */
        r = (VrrpHmacReplay){ .valid = true, .seq = UINT64_MAX - 1 };
        ASSERT_EQ(vrrp_hmac_replay_check(&MONO, &r, 3, T0), VRRP_HMAC_OK);
}

TEST(multicast_senders_least_recently_used) {
        VrrpHmacSenders s = {};
        VrrpAddr a[5] = {};
        VrrpHmacReplay *first;

        for (int k = 0; k < 5; k++)
                a[k].in.s_addr = htonl(0xc0000201u + (uint32_t) k);
        first = vrrp_hmac_sender(&s, AF_INET, &a[0]);
        first->valid = true;
        for (int k = 1; k < 4; k++)
                vrrp_hmac_sender(&s, AF_INET, &a[k])->valid = true;
        ASSERT_TRUE(vrrp_hmac_sender(&s, AF_INET, &a[0]) == first && first->valid); /* found, and now the newest */
        ASSERT_FALSE(vrrp_hmac_sender(&s, AF_INET, &a[4])->valid); /* a fifth: the oldest (a[1]) goes */
        ASSERT_TRUE(vrrp_hmac_sender(&s, AF_INET, &a[0])->valid);
        ASSERT_TRUE(vrrp_hmac_sender(&s, AF_INET, &a[2])->valid);
        ASSERT_FALSE(vrrp_hmac_sender(&s, AF_INET, &a[1])->valid);
}

TEST(unsigned_adverts_by_mode) {
        VrrpHmacPolicy p = TIME5;

        ASSERT_EQ(vrrp_hmac_unsigned(&p), VRRP_HMAC_MISSING);
        p.mode = VRRP_HMAC_PERMISSIVE;
        ASSERT_EQ(vrrp_hmac_unsigned(&p), VRRP_HMAC_UNSIGNED_OK);
        p.mode = VRRP_HMAC_RECEIVE_ONLY;
        ASSERT_EQ(vrrp_hmac_unsigned(&p), VRRP_HMAC_UNSIGNED_OK);
}

TEST(verdict_words) {
        ASSERT_STREQ(vrrp_hmac_verdict_to_string(VRRP_HMAC_BAD_MAC), "bad-hmac");
        ASSERT_STREQ(vrrp_hmac_verdict_to_string(VRRP_HMAC_REPLAYED), "replayed");
        ASSERT_TRUE(vrrp_hmac_verdict_to_string(_VRRP_HMAC_VERDICT_MAX) == NULL);
}
