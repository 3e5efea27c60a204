#include <arpa/inet.h>
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/cleanup.h"
#include "conf-parse.h"
#include "conf-quote.h"

bool conf_parse_value_nargs(ConfParser *p, const ConfStmt *st, size_t min, size_t max, const char *expected) {
        size_t nargs;

        assert(p);
        assert(st);
        assert(expected);

        nargs = st->n - 1;
        if (nargs < min) {
                const ConfToken *last = &st->w[st->n - 1];
                conf_diag_error(p->d, &last->loc, "missing value after '%s'; expected %s", last->text, expected);
                return false;
        }
        if (nargs > max)
                conf_diag_warning(p->d, &st->w[max + 1].loc, "unexpected '%s' after '%s', ignored",
                                  st->w[max + 1].text, st->w[max].text);
        return true;
}

bool conf_parse_value_long(ConfParser *p, const ConfToken *tok, const char *what, long min, long max, long *ret) {
        char *end = NULL;
        const char *s;
        long v;

        assert(p);
        assert(tok);
        assert(what);
        assert(ret);

        s = tok->text;
        errno = 0;
        v = strtol(s, &end, 10);
        if (errno != 0 || end == s || *end || !(isdigit((unsigned char) s[0]) || s[0] == '-') || v < min || v > max) {
                conf_diag_error(p->d, &tok->loc, "invalid %s '%s'; expected an integer from %ld to %ld", what, s, min,
                                max);
                return false;
        }
        *ret = v;
        return true;
}

bool conf_parse_value_int(ConfParser *p, const ConfToken *tok, const char *what, long min, long max, int *ret) {
        long v;

        assert(p);
        assert(tok);
        assert(what);
        assert(ret);

        if (!conf_parse_value_long(p, tok, what, min, max, &v))
                return false;
        *ret = (int) v;
        return true;
}

/* keepalived's timers: decimal seconds with at most six decimals ("1", "0.5", "2.000001") */
static int parse_seconds(const char *s, usec_t *ret) {
        usec_t v = 0, frac = 0, scale = USEC_PER_SEC;
        const char *c = s;

        if (!isdigit((unsigned char) *c))
                return -EINVAL;
        for (; isdigit((unsigned char) *c); c++) {
                if (v > (UINT64_MAX / USEC_PER_SEC - 9) / 10)
                        return -ERANGE;
                v = v * 10 + (usec_t) (*c - '0');
        }
        if (*c == '.') {
                c++;
                if (!isdigit((unsigned char) *c))
                        return -EINVAL;
                for (; isdigit((unsigned char) *c); c++) {
                        if (scale == 1)
                                return -EINVAL;
                        scale /= 10;
                        frac += (usec_t) (*c - '0') * scale;
                }
        }
        if (*c)
                return -EINVAL;
        *ret = v * USEC_PER_SEC + frac;
        return 0;
}

static void format_seconds(usec_t u, char *buf, size_t size) {
        int n = snprintf(buf, size, "%llu.%06llu", (unsigned long long) (u / USEC_PER_SEC),
                         (unsigned long long) (u % USEC_PER_SEC));
        while (n > 0 && (size_t) n < size && buf[n - 1] == '0')
                buf[--n] = '\0';
        if (n > 0 && (size_t) n < size && buf[n - 1] == '.')
                buf[n - 1] = '\0';
}

bool conf_parse_value_usec(ConfParser *p, const ConfToken *tok, const char *what, usec_t min, usec_t max,
                           usec_t *ret) {
        char lo[32], hi[32];
        usec_t v;

        assert(p);
        assert(tok);
        assert(what);
        assert(ret);

        if (parse_seconds(tok->text, &v) < 0 || v < min || v > max) {
                format_seconds(min, lo, sizeof(lo));
                format_seconds(max, hi, sizeof(hi));
                conf_diag_error(p->d, &tok->loc, "invalid %s '%s'; expected seconds from %s to %s", what, tok->text,
                                lo, hi);
                return false;
        }
        *ret = v;
        return true;
}

/* A switch keyword, alone or followed by on/off, true/false, yes/no (keepalived's check_true_false()). */
bool conf_parse_value_flag(ConfParser *p, const ConfStmt *st, bool *ret) {
        static const char *const yes[] = { "on", "true", "yes" }, *const no[] = { "off", "false", "no" };

        assert(p);
        assert(st);
        assert(ret);

        conf_parse_value_nargs(p, st, 0, 1, "on or off");
        if (st->n < 2) {
                *ret = true;
                return true;
        }
        for (size_t i = 0; i < 3; i++)
                if (strcmp(st->w[1].text, yes[i]) == 0 || strcmp(st->w[1].text, no[i]) == 0) {
                        *ret = strcmp(st->w[1].text, yes[i]) == 0;
                        return true;
                }
        conf_diag_error(p->d, &st->w[1].loc, "invalid value '%s' for '%s'; expected on/off, true/false or yes/no",
                        st->w[1].text, st->w[0].text);
        return false;
}

int conf_parse_value_dup(ConfParser *p, const char *s, char **ret) {
        char *c;

        assert(s);
        assert(ret);

        c = strdup(s);
        if (!c)
                return -ENOMEM;
        free(*ret);
        *ret = c;
        return 0;
}

/* "KEYWORD USER [GROUP]" (script_user, a vrrp_script's user) */
int conf_parse_value_user_group(ConfParser *p, const ConfStmt *st, char **user, char **group) {
        assert(p);
        assert(st);
        assert(user);
        assert(group);

        if (!conf_parse_value_nargs(p, st, 1, 2, "a user name and optionally a group"))
                return 0;
        if (conf_parse_value_dup(p, st->w[1].text, user) < 0)
                return -ENOMEM;
        return st->n > 2 ? conf_parse_value_dup(p, st->w[2].text, group) : 0;
}

bool conf_parse_value_string(ConfParser *p, const ConfStmt *st, char **ret) {
        assert(p);
        assert(st);
        assert(ret);

        if (!conf_parse_value_nargs(p, st, 1, 1, "a name"))
                return false;
        return conf_parse_value_dup(p, st->w[1].text, ret) >= 0;
}

bool conf_parse_value_addr(ConfParser *p, const ConfToken *tok, int *ret_family, VrrpAddr *ret) {
        VrrpAddr a = {};

        assert(p);
        assert(tok);
        assert(ret_family);
        assert(ret);

        if (inet_pton(AF_INET, tok->text, &a.in) == 1)
                *ret_family = AF_INET;
        else if (inet_pton(AF_INET6, tok->text, &a.in6) == 1)
                *ret_family = AF_INET6;
        else {
                conf_diag_error(p->d, &tok->loc, "invalid IP address '%s'; expected an IPv4 or IPv6 address",
                                tok->text);
                return false;
        }
        *ret = a;
        return true;
}

/* A command the daemon will split into words as keepalived does: keepalived ignores one that does not split.
 */
bool conf_parse_value_command(ConfParser *p, const ConfToken *tok, const char *command) {
        size_t at;
        int r;

        assert(p);
        assert(tok);
        assert(command);

        r = conf_quote_check_command(command, &at);
        if (r == -ENODATA)
                conf_diag_error(p->d, &tok->loc, "empty command; expected a program and its arguments");
        else if (r == -EINVAL)
                conf_diag_error(p->d, &tok->loc,
                                "the command '%s' has an unterminated quote at offset %zu; "
                                "keepalived ignores such a script",
                                command, at);
        else if (r == -EBADMSG)
                conf_diag_error(p->d, &tok->loc,
                                "the command '%s' ends in a backslash or escapes a NUL byte; "
                                "keepalived ignores such a script",
                                command);
        return r >= 0;
}

/* notify*: "SCRIPT [ARGS]" [USER [GROUP]]; the command is one word, quoted when it has arguments. */
int conf_parse_value_notify(ConfParser *p, const ConfStmt *st, ConfNotify *ret) {
        ConfNotify n;

        assert(p);
        assert(st);
        assert(ret);

        n = (ConfNotify){ .loc = st->w[0].loc };
        if (!conf_parse_value_nargs(p, st, 1, 3, "a quoted command, then optionally a user and a group") ||
            !conf_parse_value_command(p, &st->w[1], st->w[1].text))
                return 0;
        if (conf_parse_value_dup(p, st->w[1].text, &n.command) < 0 ||
            (st->n > 2 && conf_parse_value_dup(p, st->w[2].text, &n.user) < 0) ||
            (st->n > 3 && conf_parse_value_dup(p, st->w[3].text, &n.group) < 0)) {
                conf_model_notify_done(&n);
                return -ENOMEM;
        }
        conf_model_notify_done(ret);
        *ret = n;
        return 0;
}

#define FIELD(obj, kw, type) ((type *) ((char *) (obj) + (kw)->offset))

int conf_parse_value_set_flag(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        bool v;

        assert(p);
        assert(st);
        assert(kw);
        assert(obj);

        if (conf_parse_value_flag(p, st, &v))
                *FIELD(obj, kw, bool) = v;
        return 0;
}

int conf_parse_value_set_tristate(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        bool v;

        assert(p);
        assert(st);
        assert(kw);
        assert(obj);

        if (conf_parse_value_flag(p, st, &v))
                *FIELD(obj, kw, int) = v;
        return 0;
}

int conf_parse_value_set_int(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        char expected[64];
        int v;

        assert(p);
        assert(st);
        assert(kw);
        assert(obj);

        snprintf(expected, sizeof(expected), "an integer from %lld to %lld", kw->min, kw->max);
        if (conf_parse_value_nargs(p, st, 1, 1, expected) &&
            conf_parse_value_int(p, &st->w[1], kw->name, (long) kw->min, (long) kw->max, &v))
                *FIELD(obj, kw, int) = v;
        return 0;
}

int conf_parse_value_set_usec(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        usec_t v;

        assert(p);
        assert(st);
        assert(kw);
        assert(obj);

        if (conf_parse_value_nargs(p, st, 1, 1, "a time in seconds") &&
            conf_parse_value_usec(p, &st->w[1], kw->name, (usec_t) kw->min, (usec_t) kw->max, &v))
                *FIELD(obj, kw, usec_t) = v;
        return 0;
}

int conf_parse_value_set_string(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        assert(p);
        assert(st);
        assert(kw);
        assert(obj);

        if (!conf_parse_value_nargs(p, st, 1, 1, "a value"))
                return 0;
        return conf_parse_value_dup(p, st->w[1].text, FIELD(obj, kw, char *));
}

int conf_parse_value_set_notify(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        assert(p);
        assert(st);
        assert(kw);
        assert(obj);

        return conf_parse_value_notify(p, st, FIELD(obj, kw, ConfNotify));
}

int conf_parse_value_set_notify_deleted(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw,
                                        void *obj) {
        ConfInstance *i = obj;

        assert(p);
        assert(st);
        assert(kw);
        assert(obj);

        i->notify_deleted = true;
        return st->n > 1 ? conf_parse_value_notify(p, st, FIELD(obj, kw, ConfNotify)) : 0;
}
