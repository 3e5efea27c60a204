#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/cleanup.h"
#include "conf-check.h"
#include "conf-parse.h"

/* auth_hmac { key ID VALUE; active_key ID; anti_replay time|monotonic; time_window S; mode M }, keepalived
 * 2.4.3's vrrp_parser.c vrrp_auth_hmac_*_handler(). Fail closed: where keepalived logs an error and runs the
 * instance without authentication (a key of the wrong length, a key file it cannot read, an unknown mode),
 * vrrpd reports a located error, so -t fails and a start or a reload is refused. No message quotes a key. */

#define HMAC_FILE_MAX (4 + 2 * CONF_HMAC_KEY_MAX + 8) /* "hex:", the digits, a line end: keepalived's bound */

static ConfAuthHmac *hmac_of(void *obj) {
        return &((ConfInstance *) obj)->auth_hmac;
}

static int hex_digit(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

/* keepalived's read_hex_str(): pairs of hex digits, blanks between bytes, a lone digit before a blank or the
 * end one byte. The length in bytes, or -EINVAL (a bad digit, nothing, more than max bytes). */
static int hex_decode(const char *s, uint8_t *out, size_t max) {
        size_t n = 0;

        for (;;) {
                int hi, lo;

                while (*s == ' ' || *s == '\t')
                        s++;
                if (!*s)
                        break;
                if ((hi = hex_digit(*s++)) < 0 || n == max)
                        return -EINVAL;
                lo = -1;
                if (*s && *s != ' ' && *s != '\t' && (lo = hex_digit(*s++)) < 0)
                        return -EINVAL;
                out[n++] = (uint8_t) (lo < 0 ? hi : (hi << 4 | lo));
        }
        return n == 0 ? -EINVAL : (int) n;
}

/* A value as written inline or in a key file: "hex:..." raw bytes, else the string's own bytes. */
static int key_decode(const char *s, uint8_t out[CONF_HMAC_KEY_MAX + 1]) {
        size_t n;

        if (strncmp(s, "hex:", 4) == 0)
                return hex_decode(s + 4, out, CONF_HMAC_KEY_MAX + 1);
        n = strlen(s);
        if (n > CONF_HMAC_KEY_MAX + 1)
                n = CONF_HMAC_KEY_MAX + 1; /* too long all the same */
        memcpy(out, s, n);
        return (int) n;
}

/* file:PATH: what the value would be inline, a trailing line end dropped; the file must be the owner's alone,
 * as keepalived demands (it only logs it). */
static int key_file_read(ConfParser *p, const ConfToken *tok, const char *path, char buf[HMAC_FILE_MAX + 1]) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        struct stat st;
        ssize_t n;

        if (fd < 0)
                return conf_diag_error(p->d, &tok->loc, "auth_hmac key file '%s' cannot be opened: %s", path,
                                       strerror(errno)), -EINVAL;
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (st.st_mode & (S_IRWXG | S_IRWXO)))
                return conf_diag_error(p->d, &tok->loc, "auth_hmac key file '%s' must be a regular file that "
                                       "only its owner may read (chmod 0600)", path), -EINVAL;
        n = read(fd, buf, HMAC_FILE_MAX + 1);
        if (n < 0 || n > HMAC_FILE_MAX)
                return conf_diag_error(p->d, &tok->loc, "auth_hmac key file '%s' %s", path,
                                       n < 0 ? "cannot be read" : "is too large for a key"), -EINVAL;
        while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
                n--;
        buf[n] = '\0';
        return 0;
}

static int key_value(ConfParser *p, const ConfToken *tok, uint8_t out[CONF_HMAC_KEY_MAX + 1]) {
        char buf[HMAC_FILE_MAX + 1];
        int n;

        if (strncmp(tok->text, "file:", 5) == 0) {
                if (key_file_read(p, tok, tok->text + 5, buf) < 0)
                        return -EINVAL;
                n = key_decode(buf, out);
                explicit_bzero(buf, sizeof(buf));
        } else
                n = key_decode(tok->text, out);
        if (n < CONF_HMAC_KEY_MIN || n > CONF_HMAC_KEY_MAX) {
                conf_diag_error(p->d, &tok->loc, "auth_hmac key %s; expected %d to %d bytes (hex:%d to %d digits, "
                                "or as many characters)", n < 0 ? "is not valid hex" : "has the wrong length",
                                CONF_HMAC_KEY_MIN, CONF_HMAC_KEY_MAX, 2 * CONF_HMAC_KEY_MIN, 2 * CONF_HMAC_KEY_MAX);
                return -EINVAL;
        }
        return n;
}

static int parse_key(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfAuthHmac *h = hmac_of(obj);
        uint8_t data[CONF_HMAC_KEY_MAX + 1];
        ConfHmacKey *keys;
        int id, n;

        if (!conf_parse_value_nargs(p, st, 2, 2, "a key id and a value") ||
            !conf_parse_value_int(p, &st->w[1], "auth_hmac key id", 1, 255, &id))
                return 0;
        for (size_t k = 0; k < h->n_keys; k++)
                if (h->keys[k].id == id)
                        return conf_diag_error(p->d, &st->w[1].loc, "duplicate auth_hmac key id %d, first at %s:%u",
                                               id, h->keys[k].loc.file, h->keys[k].loc.line), 0;
        n = key_value(p, &st->w[2], data);
        if (n < 0)
                return explicit_bzero(data, sizeof(data)), 0;
        keys = reallocarray(h->keys, h->n_keys + 1, sizeof(*keys));
        if (!keys)
                return explicit_bzero(data, sizeof(data)), -ENOMEM;
        h->keys = keys;
        h->keys[h->n_keys] = (ConfHmacKey){ .id = (uint8_t) id, .len = (uint8_t) n, .loc = st->w[1].loc };
        memcpy(h->keys[h->n_keys++].data, data, (size_t) n);
        explicit_bzero(data, sizeof(data));
        return 0;
}

static int parse_active_key(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfAuthHmac *h = hmac_of(obj);

        if (conf_parse_value_nargs(p, st, 1, 1, "a key id") &&
            conf_parse_value_int(p, &st->w[1], "auth_hmac active_key", 1, 255, &h->active_key))
                h->active_key_loc = st->w[1].loc;
        return 0;
}

static int parse_window(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        if (conf_parse_value_nargs(p, st, 1, 1, "seconds"))
                (void) conf_parse_value_int(p, &st->w[1], "auth_hmac time_window", 1, CONF_HMAC_WINDOW_MAX,
                                            &hmac_of(obj)->time_window);
        return 0;
}

/* One of n names, into *ret as its index. */
static void parse_word(ConfParser *p, const ConfStmt *st, const char *what, const char *const *names, size_t n,
                       int *ret) {
        if (!conf_parse_value_nargs(p, st, 1, 1, "a value"))
                return;
        for (size_t k = 0; k < n; k++)
                if (strcmp(st->w[1].text, names[k]) == 0) {
                        *ret = (int) k;
                        return;
                }
        conf_diag_error(p->d, &st->w[1].loc, "invalid auth_hmac %s '%s'; expected %s or %s", what, st->w[1].text,
                        n > 2 ? "enforce, permissive" : names[0], names[n - 1]);
}

static int parse_anti_replay(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        static const char *const names[] = { "monotonic", "time" };
        int v = -1;

        parse_word(p, st, "anti_replay", names, 2, &v);
        if (v >= 0)
                hmac_of(obj)->anti_replay_time = v == 1;
        return 0;
}

static int parse_mode(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        static const char *const names[] = {
                [CONF_HMAC_ENFORCE] = "enforce",
                [CONF_HMAC_PERMISSIVE] = "permissive",
                [CONF_HMAC_RECEIVE_ONLY] = "receive-only",
        };

        parse_word(p, st, "mode", names, 3, &hmac_of(obj)->mode);
        return 0;
}

static const ConfKeyword hmac_keywords[] = {
        { "key", parse_key },
        { "active_key", parse_active_key },
        { "anti_replay", parse_anti_replay },
        { "time_window", parse_window },
        { "mode", parse_mode },
};

const ConfKeywordTable conf_parse_hmac_table = {
        .section = CONF_SECTION_AUTH_HMAC,
        .title = "auth_hmac",
        .items = hmac_keywords,
        .n_items = sizeof(hmac_keywords) / sizeof(hmac_keywords[0]),
};

/* A second block adds to the first, as in keepalived (one auth_hmac per instance). */
int conf_parse_hmac(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfAuthHmac *h = hmac_of(obj);

        assert(p);
        assert(st);
        conf_parse_value_nargs(p, st, 0, 0, "nothing");
        if (!h->on)
                *h = (ConfAuthHmac){ .on = true, .anti_replay_time = true, .mode = CONF_HMAC_ENFORCE,
                                     .loc = st->w[0].loc };
        return conf_parse_block(p, st, &conf_parse_hmac_table, obj);
}

static bool hmac_has_key(const ConfAuthHmac *h, int id) {
        for (size_t k = 0; k < h->n_keys; k++)
                if (h->keys[k].id == id)
                        return true;
        return false;
}

/* keepalived's vrrp_complete_instance() for auth_hmac, failing closed where it disables the extension. */
void conf_parse_hmac_complete(ConfInstance *i, ConfDiags *d) {
        ConfAuthHmac *h = &i->auth_hmac;

        if (!h->on)
                return;
        if (h->n_keys == 0)
                conf_diag_error(d, &h->loc, "auth_hmac of '%s' has no key; expected 'key ID hex:...'", i->name);
        else if (h->active_key == 0)
                conf_diag_error(d, &h->loc, "auth_hmac of '%s' has no active_key; expected one of its key ids",
                                i->name);
        else if (!hmac_has_key(h, h->active_key))
                conf_diag_error(d, &h->active_key_loc, "auth_hmac active_key %d of '%s' names no key", h->active_key,
                                i->name);
        if (i->auth_type != CONF_AUTH_NONE) {
                conf_diag_warning(d, &i->auth_loc, "auth_hmac replaces authentication; that of '%s' is dropped, as "
                                  "keepalived does", i->name);
                i->auth_type = CONF_AUTH_NONE;
        }
        if (i->strict_mode > 0 && h->mode != CONF_HMAC_ENFORCE) {
                conf_diag_warning(d, &h->loc, "strict mode needs auth_hmac mode enforce; '%s' enforces", i->name);
                h->mode = CONF_HMAC_ENFORCE;
        }
        if (h->anti_replay_time && h->time_window == 0) { /* 3 x advert_int in whole seconds, 5 to 300 */
                long w = 3 * (long) (i->advert_int / USEC_PER_SEC);

                h->time_window = (int) (w < 5 ? 5 : w > CONF_HMAC_WINDOW_MAX ? CONF_HMAC_WINDOW_MAX : w);
        }
}
