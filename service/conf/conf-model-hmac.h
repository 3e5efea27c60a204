#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf-diag.h"

/* auth_hmac (keepalived 2.4): signed adverts. Keys are secrets: never printed, logged or put on the bus, and
 * wiped when the model is freed. */
#define CONF_HMAC_KEY_MIN 32
#define CONF_HMAC_KEY_MAX 64
#define CONF_HMAC_WINDOW_MAX 300

typedef enum ConfHmacMode {
        CONF_HMAC_ENFORCE,      /* every advert must carry a valid trailer */
        CONF_HMAC_PERMISSIVE,   /* sign; also take adverts without a trailer */
        CONF_HMAC_RECEIVE_ONLY, /* verify a trailer that is there; sign nothing */
} ConfHmacMode;

typedef struct ConfHmacKey {
        uint8_t id;
        uint8_t len;
        uint8_t data[CONF_HMAC_KEY_MAX];
        ConfLoc loc;
} ConfHmacKey;

typedef struct ConfAuthHmac {
        bool on;
        ConfHmacKey *keys;
        size_t n_keys;
        int active_key;        /* 0: not set */
        ConfLoc active_key_loc;
        bool anti_replay_time; /* time (the default): a freshness window; else monotonic: growth only */
        int time_window;       /* seconds, 1..300; 0 until completed: max(3 x advert_int in s, 5) */
        int mode;              /* ConfHmacMode */
        ConfLoc loc;
} ConfAuthHmac;
