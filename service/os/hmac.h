#pragma once

/* HMAC-SHA256 for signed adverts (core/vrrp-hmac.h), from libgcrypt: the library libsystemd already maps into
 * the process, maintained, with a constant-time compare. No hand-written SHA-256. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The MAC of msg under key, its first out_len bytes (at most 32) into out. 0 or a negative errno. */
int hmac_sha256(const uint8_t *key, size_t key_len, const uint8_t *msg, size_t len, uint8_t *out, size_t out_len);

/* Whether mac (mac_len bytes, at most 32) is the MAC of msg under key: compared in constant time. */
bool hmac_sha256_verify(const uint8_t *key, size_t key_len, const uint8_t *msg, size_t len, const uint8_t *mac,
                        size_t mac_len);
