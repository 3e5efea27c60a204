/* libFuzzer target for the signed-advert trailer's rules (core/vrrp-hmac.h): the input is a 16-byte wall clock
 * and policy prefix, a 28-byte trailer, then a VRRP message and more sequences. The trailer must survive a
 * read and write unchanged; the checks must give a verdict they document; a replay mark must move only on OK
 * and then to the sequence taken; the multicast table must hand out its own slots; the sending sequence must
 * grow (serial arithmetic) unless a stepped-back clock resets it in time mode; the MAC input must stay in its
 * bound. Seeds: corpus/fuzz-hmac/. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/vrrp-hmac.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PREFIX 16

static void fuzz_fail(const char *what) {
        fprintf(stderr, "fuzz-hmac: %s\n", what);
        abort();
}

static uint64_t get64(const uint8_t *p) {
        uint64_t v;

        memcpy(&v, p, sizeof(v));
        return v;
}

static void fuzz_trailer(const uint8_t *t, const VrrpHmacPolicy *p, usec_t now, VrrpHmacTrailer *ret) {
        uint8_t back[VRRP_HMAC_TRAILER_LEN];
        VrrpHmacVerdict v;

        vrrp_hmac_trailer_read(t, ret);
        vrrp_hmac_trailer_write(ret, back);
        if (memcmp(back, t, sizeof(back)) != 0)
                fuzz_fail("trailer round trip");
        v = vrrp_hmac_precheck(p, ret, now);
        if (v != VRRP_HMAC_OK && v != VRRP_HMAC_MALFORMED && v != VRRP_HMAC_STALE)
                fuzz_fail("precheck verdict");
        if (v == VRRP_HMAC_STALE && !p->time_mode)
                fuzz_fail("stale in monotonic mode");
}

/* Each 8 bytes of rest is a sequence offered to one sender's mark. */
static void fuzz_replay(const VrrpHmacPolicy *p, usec_t now, const uint8_t *rest, size_t n) {
        VrrpHmacSenders senders = {};
        VrrpHmacReplay mark = {};

        for (size_t k = 0; k + 8 <= n; k += 8) {
                uint64_t seq = get64(rest + k);
                VrrpHmacReplay before = mark, *slot;
                VrrpAddr a = { .bytes = { rest[k] & 7 } };

                if (vrrp_hmac_replay_check(p, &mark, seq, now) == VRRP_HMAC_OK) {
                        if (!mark.valid || mark.seq != seq)
                                fuzz_fail("an accepted sequence is not the mark");
                } else if (memcmp(&before, &mark, sizeof(mark)) != 0)
                        fuzz_fail("a refused sequence moved the mark");
                slot = vrrp_hmac_sender(&senders, AF_INET6, &a);
                if (slot < &senders.slot[0].replay ||
                    (const uint8_t *) slot >= (const uint8_t *) &senders.slot[VRRP_HMAC_SENDERS])
                        fuzz_fail("a sender slot outside the table");
        }
}

static void fuzz_send(uint64_t last, usec_t now, const VrrpHmacPolicy *p) {
        uint64_t before = last, seq = vrrp_hmac_next_seq(&last, now, p->time_mode, p->window_sec);

        if (seq != last)
                fuzz_fail("the sequence sent is not the last");
        if (!p->time_mode && (int64_t) (seq - before) <= 0)
                fuzz_fail("a monotonic sequence did not grow");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        uint8_t out[VRRP_HMAC_MESSAGE_MAX];
        VrrpHmacPolicy p;
        VrrpHmacTrailer t;
        VrrpAddr src = {};
        usec_t now;
        size_t n;

        if (size < PREFIX + VRRP_HMAC_TRAILER_LEN)
                return 0;
        now = get64(data) % (UINT64_C(1) << 48); /* years of microseconds either way of 1970 + 4000 */
        p = (VrrpHmacPolicy){ .mode = (VrrpHmacMode) (data[8] % 3), .time_mode = data[8] & 0x80,
                              .window_sec = 1u + data[9] % 300 };
        fuzz_trailer(data + PREFIX, &p, now, &t);
        fuzz_send(get64(data + PREFIX + 4), now, &p);
        fuzz_replay(&p, now, data + PREFIX + VRRP_HMAC_TRAILER_LEN, size - PREFIX - VRRP_HMAC_TRAILER_LEN);
        memcpy(src.bytes, data + 10, 6);
        n = vrrp_hmac_message(data[8] & 1 ? AF_INET6 : AF_INET, data[10], data[11], &src,
                              data + PREFIX + VRRP_HMAC_TRAILER_LEN, size - PREFIX - VRRP_HMAC_TRAILER_LEN,
                              data + PREFIX, out);
        if (n > VRRP_HMAC_MESSAGE_MAX)
                fuzz_fail("MAC input past its bound");
        return 0;
}
