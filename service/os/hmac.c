#include <assert.h>
#include <errno.h>

#include <gcrypt.h>

#include "os/hmac.h"

#define HMAC_SHA256_LEN 32

/* libgcrypt is initialized once, by whoever comes first (libsystemd asks the library the same way). */
static int hmac_open(const uint8_t *key, size_t key_len, gcry_mac_hd_t *ret) {
        if (!gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P)) {
                if (!gcry_check_version(GCRYPT_VERSION))
                        return -EOPNOTSUPP;
                (void) gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
        }
        if (gcry_mac_open(ret, GCRY_MAC_HMAC_SHA256, 0, NULL) != 0)
                return -ENOMEM;
        if (gcry_mac_setkey(*ret, key, key_len) != 0) {
                gcry_mac_close(*ret);
                return -EINVAL;
        }
        return 0;
}

int hmac_sha256(const uint8_t *key, size_t key_len, const uint8_t *msg, size_t len, uint8_t *out, size_t out_len) {
        gcry_mac_hd_t h;
        int r;

        assert(key);
        assert(msg || len == 0);
        assert(out);
        if (out_len > HMAC_SHA256_LEN)
                return -EINVAL;
        r = hmac_open(key, key_len, &h);
        if (r < 0)
                return r;
        r = gcry_mac_write(h, msg, len) == 0 && gcry_mac_read(h, out, &out_len) == 0 ? 0 : -EIO;
        gcry_mac_close(h);
        return r;
}

bool hmac_sha256_verify(const uint8_t *key, size_t key_len, const uint8_t *msg, size_t len, const uint8_t *mac,
                        size_t mac_len) {
        gcry_mac_hd_t h;
        bool ok;

        assert(key);
        assert(mac);
        if (mac_len == 0 || mac_len > HMAC_SHA256_LEN || hmac_open(key, key_len, &h) < 0)
                return false;
        /* gcry_mac_verify() compares a truncated MAC in constant time (buf_eq_const) */
        ok = gcry_mac_write(h, msg, len) == 0 && gcry_mac_verify(h, mac, mac_len) == 0;
        gcry_mac_close(h);
        return ok;
}
