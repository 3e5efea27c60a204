#include <errno.h>
#include <string.h>

#include "os/hmac.h"
#include "vtest.h"

/* HMAC-SHA256 through libgcrypt against RFC 4231's test vectors, truncated as signed adverts use it. */

static void unhex(const char *s, uint8_t *out) {
        for (size_t k = 0; s[2 * k]; k++) {
                unsigned v;

                ASSERT_TRUE(sscanf(s + 2 * k, "%2x", &v) == 1);
                out[k] = (uint8_t) v;
        }
}

TEST(rfc4231_case_2) {
        const char *key = "Jefe", *data = "what do ya want for nothing?";
        uint8_t want[32], got[32];

        unhex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", want);
        ASSERT_OK(hmac_sha256((const uint8_t *) key, strlen(key), (const uint8_t *) data, strlen(data), got, 32));
        ASSERT_TRUE(memcmp(got, want, 32) == 0);
        ASSERT_OK(hmac_sha256((const uint8_t *) key, strlen(key), (const uint8_t *) data, strlen(data), got, 16));
        ASSERT_TRUE(memcmp(got, want, 16) == 0);
        ASSERT_TRUE(hmac_sha256_verify((const uint8_t *) key, strlen(key), (const uint8_t *) data, strlen(data),
                                       want, 16));
        want[15] ^= 1;
        ASSERT_FALSE(hmac_sha256_verify((const uint8_t *) key, strlen(key), (const uint8_t *) data, strlen(data),
                                        want, 16));
        ASSERT_FALSE(hmac_sha256_verify((const uint8_t *) key, strlen(key), (const uint8_t *) data, strlen(data),
                                        want, 0));
}

TEST(rfc4231_case_6_key_longer_than_a_block) {
        uint8_t key[131], want[32], got[32];
        const char *data = "Test Using Larger Than Block-Size Key - Hash Key First";

        memset(key, 0xaa, sizeof(key));
        unhex("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54", want);
        ASSERT_OK(hmac_sha256(key, sizeof(key), (const uint8_t *) data, strlen(data), got, 32));
        ASSERT_TRUE(memcmp(got, want, 32) == 0);
        ASSERT_ERROR(hmac_sha256(key, sizeof(key), (const uint8_t *) data, strlen(data), got, 33), EINVAL);
}
