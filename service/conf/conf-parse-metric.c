#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "../util/cleanup.h"
#include "conf-parse.h"

/* A route's RTA_METRICS words as keepalived 2.2.7 reads them (vrrp_iproute.c alloc_route()): a number, a time
 * for rtt / rttvar / rto_min, "lock" before the value where the kernel takes one, features ecn, congctl. */

typedef struct Metric {
        const char *name;
        uint8_t rtax;
        bool lock;     /* takes "lock" before its value */
        uint32_t max;
        unsigned rtt;  /* a time: the kernel's units per millisecond; 0: a plain number up to max */
} Metric;

static const Metric metrics[] = {
        { "mtu", RTAX_MTU, true, UINT32_MAX },
        { "hoplimit", RTAX_HOPLIMIT, false, 255 },
        { "advmss", RTAX_ADVMSS, true, UINT32_MAX },
        { "rtt", RTAX_RTT, true, 0, 8 },
        { "rttvar", RTAX_RTTVAR, true, 0, 4 },
        { "reordering", RTAX_REORDERING, true, UINT32_MAX },
        { "window", RTAX_WINDOW, false, UINT32_MAX },
        { "cwnd", RTAX_CWND, true, UINT32_MAX },
        { "ssthresh", RTAX_SSTHRESH, true, UINT32_MAX },
        { "rto_min", RTAX_RTO_MIN, true, 0, 1 },
        { "initcwnd", RTAX_INITCWND, false, UINT32_MAX },
        { "initrwnd", RTAX_INITRWND, false, UINT32_MAX },
        { "quickack", RTAX_QUICKACK, false, 1 },
        { "fastopen_no_cookie", RTAX_FASTOPEN_NO_COOKIE, false, 1 },
};

/* The kernel's TCP_RTO_MIN and TCP_RTO_MAX, which keepalived holds times to */
#define RTT_MIN_MS 200u
#define RTT_MAX_MS 120000u

enum {
        RTT_ROUNDED = 1 << 0,
        RTT_RAISED = 1 << 1,
        RTT_LOWERED = 1 << 2,
};

/* Digits with an optional '.' and up to shift decimals (a further one rounds, as keepalived's
 * read_decimal_unsigned()), scaled by 10^shift. */
static int rtt_digits(const char *s, size_t len, unsigned shift, uint64_t *ret, unsigned *notes) {
        unsigned decimals = 0;
        bool dot = false, digit = false, extra = false;
        uint64_t v = 0;

        for (size_t k = 0; k < len; k++) {
                if (s[k] == '.' && !dot) {
                        dot = true;
                        continue;
                }
                if (!isdigit((unsigned char) s[k]))
                        return -EINVAL;
                digit = true;
                if (dot && decimals == shift) {
                        if (!extra && s[k] >= '5')
                                v++;
                        extra = true;
                        continue;
                }
                decimals += dot;
                v = v * 10 + (uint64_t) (s[k] - '0');
                if (v > UINT32_MAX)
                        return -ERANGE;
        }
        if (!digit)
                return -EINVAL;
        for (; decimals < shift; decimals++)
                v *= 10;
        *notes |= extra ? RTT_ROUNDED : 0;
        *ret = v;
        return 0;
}

/* keepalived's get_time_rtt(): a number in the kernel's units, or a time with s / sec / secs (milliseconds to
 * three decimals) or ms / msec / msecs, held to the kernel's bounds. */
static int rtt_parse(const char *s, unsigned unit, uint32_t *ret, unsigned *notes) {
        const char *suffix = strpbrk(s, "sS");
        size_t len = suffix ? (size_t) (suffix - s) : strlen(s);
        unsigned shift = 0;
        uint64_t v;
        int r;

        if (suffix) {
                if (strcasecmp(suffix, "s") != 0 && strcasecmp(suffix, "sec") != 0 && strcasecmp(suffix, "secs") != 0)
                        return -EINVAL;
                if (len > 0 && tolower((unsigned char) s[len - 1]) == 'm')
                        len--;
                else
                        shift = 3;
        }
        r = rtt_digits(s, len, shift, &v, notes);
        if (r < 0)
                return r;
        if (v > (uint64_t) RTT_MAX_MS * unit)
                return -ERANGE;
        if (suffix)
                v *= unit;
        if (v > (uint64_t) RTT_MAX_MS * unit) {
                v = (uint64_t) RTT_MAX_MS * unit;
                *notes |= RTT_LOWERED;
        } else if (v < (uint64_t) RTT_MIN_MS * unit) {
                v = (uint64_t) RTT_MIN_MS * unit;
                *notes |= RTT_RAISED;
        }
        *ret = (uint32_t) v;
        return 0;
}

static bool parse_rtt(ConfParser *p, const ConfToken *v, const Metric *m, uint32_t *ret) {
        unsigned notes = 0;

        if (rtt_parse(v->text, m->rtt, ret, &notes) < 0) {
                conf_diag_error(p->d, &v->loc, "invalid %s '%s'; expected a number in the kernel's units (1/%u ms) "
                                "or a time with s or ms, up to 120 s", m->name, v->text, m->rtt);
                return false;
        }
        if (notes & RTT_ROUNDED)
                conf_diag_warning(p->d, &v->loc, "%s '%s' has too many decimal places; rounded, as keepalived does",
                                  m->name, v->text);
        if (notes & RTT_RAISED)
                conf_diag_warning(p->d, &v->loc, "%s '%s' is below the kernel's minimum of 200 ms; raised to it, as "
                                  "keepalived does", m->name, v->text);
        if (notes & RTT_LOWERED)
                conf_diag_warning(p->d, &v->loc, "%s '%s' is above the kernel's maximum of 120 s; lowered to it, as "
                                  "keepalived does", m->name, v->text);
        return true;
}

/* The value after the option at st->w[*i], after "lock" if one is written (and the option takes it). */
static const ConfToken *metric_value(ConfParser *p, const ConfStmt *st, size_t *i, bool lockable, bool *ret_lock) {
        const char *opt = st->w[*i].text;
        const ConfToken *v = conf_parse_net_value(p, st, i);

        *ret_lock = v && strcmp(v->text, "lock") == 0;
        if (!*ret_lock)
                return v;
        if (!lockable) {
                conf_diag_error(p->d, &v->loc, "'%s' takes no 'lock'; expected a value (lock goes with mtu, advmss, "
                                "rtt, rttvar, reordering, cwnd, ssthresh, rto_min and congctl)", opt);
                return NULL;
        }
        return conf_parse_net_value(p, st, i);
}

static int parse_features(ConfParser *p, const ConfStmt *st, size_t *i, ConfRoute *r) {
        const ConfToken *v = conf_parse_net_value(p, st, i);

        if (!v)
                return -EINVAL;
        if (strcmp(v->text, "ecn") != 0) {
                conf_diag_error(p->d, &v->loc, "unknown route feature '%s'; expected ecn", v->text);
                return -EINVAL;
        }
        r->metrics[RTAX_FEATURES] |= RTAX_FEATURE_ECN;
        r->metrics_set |= 1u << RTAX_FEATURES;
        return 1;
}

static int parse_congctl(ConfParser *p, const ConfStmt *st, size_t *i, ConfRoute *r) {
        const ConfToken *v;
        bool lock;

        v = metric_value(p, st, i, true, &lock);
        if (!v)
                return -EINVAL;
        if (conf_parse_value_dup(p, v->text, &r->congctl) < 0)
                return -ENOMEM;
        r->metrics_lock |= lock ? 1u << RTAX_CC_ALGO : 0;
        return 1;
}

int conf_parse_metric(ConfParser *p, const ConfStmt *st, size_t *i, ConfRoute *r) {
        const Metric *m = NULL;
        const ConfToken *v;
        uint32_t value;
        bool lock;

        assert(p);
        assert(st);
        assert(i);
        assert(r);

        if (strcmp(st->w[*i].text, "features") == 0)
                return parse_features(p, st, i, r);
        if (strcmp(st->w[*i].text, "congctl") == 0)
                return parse_congctl(p, st, i, r);
        for (size_t k = 0; k < ELEMENTSOF(metrics) && !m; k++)
                if (strcmp(st->w[*i].text, metrics[k].name) == 0)
                        m = &metrics[k];
        if (!m)
                return 0;
        v = metric_value(p, st, i, m->lock, &lock);
        if (!v || (m->rtt ? !parse_rtt(p, v, m, &value) : !conf_parse_net_u32(p, v, m->name, m->max, &value)))
                return -EINVAL;
        r->metrics[m->rtax] = value;
        r->metrics_set |= 1u << m->rtax;
        r->metrics_lock |= lock ? 1u << m->rtax : 0;
        return 1;
}
