#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <netdb.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../util/array.h"
#include "../util/cleanup.h"
#include "conf-parse.h"
#include "conf-util.h"

/* virtual_rules and static_rules: one rule a line, ip-rule(8)'s words as keepalived 2.2.7 reads them
 * (vrrp_iprule.c alloc_rule()), in any order, with one action:
 *     [not] [from P] [to P] [preference N] ... table T | goto N | nop | blackhole | unreachable | prohibit | l3mdev
 * As for routes: what keepalived refuses, and a value it cannot read but goes on without (the rule would match
 * more than written), is a located error; what it takes with a message is a warning. */

typedef struct RuleLine {
        ConfParser *p;
        const ConfStmt *st;
        size_t i;
        ConfRule r;
        bool is_static;
        const ConfToken *table_option; /* the first of realms, suppress_*, which need a table action */
        const ConfToken *protocol;
        const ConfToken *action;
} RuleLine;

typedef int (*RuleOption)(RuleLine *l);

static const ConfToken *word(const RuleLine *l) {
        return &l->st->w[l->i];
}

static const ConfToken *value(RuleLine *l) {
        return conf_parse_net_value(l->p, l->st, &l->i);
}

static int set_family(RuleLine *l, int family, const ConfToken *w, const char *kind) {
        if (family == 0 || l->r.family == 0 || l->r.family == family) {
                l->r.family = family ?: l->r.family;
                return 0;
        }
        if (kind)
                conf_diag_error(l->p->d, &w->loc, "%s %s '%s' in an %s rule; expected one family per rule",
                                conf_parse_net_family(family), kind, w->text, conf_parse_net_family(l->r.family));
        else
                conf_diag_error(l->p->d, &w->loc, "'%s' in an %s rule; expected one family per rule", w->text,
                                conf_parse_net_family(l->r.family));
        return -EINVAL;
}

/* A whole word as strtoull() base base reads it, no sign, up to max */
static bool number(const char *s, int base, uint64_t max, uint64_t *ret) {
        unsigned long long v;
        char *end;

        if (!isdigit((unsigned char) s[0]))
                return false;
        errno = 0;
        v = strtoull(s, &end, base);
        if (*end || errno != 0 || v > max)
                return false;
        *ret = v;
        return true;
}

/* w: the word that says which action (table, goto, l3mdev, ...) */
static int set_action(RuleLine *l, uint8_t action, const ConfToken *w) {
        if (l->action) {
                conf_diag_error(l->p->d, &w->loc, "a rule has one action; '%s' comes after '%s'", w->text,
                                l->action->text);
                return -EINVAL;
        }
        l->action = w;
        l->r.action = action;
        return 0;
}

static int opt_inet(RuleLine *l) {
        if (set_family(l, strcmp(word(l)->text, "inet6") == 0 ? AF_INET6 : AF_INET, word(l), NULL) < 0)
                return -EINVAL;
        conf_parse_net_skip_after_family(l->p, l->st, &l->i);
        return 0;
}

/* from|to PREFIX|all */
static int opt_prefix(RuleLine *l) {
        bool to = strcmp(word(l)->text, "to") == 0;
        const ConfToken *v = value(l);
        int family;

        if (!v || !conf_parse_net_prefix(l->p, v, true, &family, to ? &l->r.to : &l->r.from,
                                         to ? &l->r.to_len : &l->r.from_len))
                return -EINVAL;
        *(to ? &l->r.has_to : &l->r.has_from) = true;
        return set_family(l, family, v, "prefix");
}

static int opt_table(RuleLine *l) {
        const ConfToken *opt = word(l), *v = value(l);

        if (!v || !conf_parse_net_name(l->p, v, CONF_RT_TABLES, "table", &l->r.table))
                return -EINVAL;
        if (l->r.table == 0) {
                conf_diag_error(l->p->d, &v->loc, "table 0 is not valid for a rule");
                return -EINVAL;
        }
        l->r.has_table = true;
        return set_action(l, FR_ACT_TO_TBL, opt);
}

static int opt_not(RuleLine *l) {
        *(strcmp(word(l)->text, "not") == 0 ? &l->r.invert : &l->r.no_track) = true;
        return 0;
}

/* preference|order|priority N: base 0, as keepalived reads it */
static int opt_priority(RuleLine *l) {
        const ConfToken *v = value(l);
        uint64_t n;

        if (!v)
                return -EINVAL;
        if (!number(v->text, 0, UINT32_MAX, &n)) {
                conf_diag_error(l->p->d, &v->loc, "invalid preference '%s'; expected a number from 0 to 4294967295",
                                v->text);
                return -EINVAL;
        }
        l->r.has_priority = true;
        l->r.priority = (uint32_t) n;
        return 0;
}

static int opt_tos(RuleLine *l) {
        const ConfToken *v = value(l);
        uint32_t tos;

        if (!v || !conf_parse_net_name(l->p, v, CONF_RT_DSFIELD, "TOS", &tos))
                return -EINVAL;
        l->r.tos = (uint8_t) tos;
        return 0;
}

/* fwmark MARK[/MASK], each base 0 */
static int opt_fwmark(RuleLine *l) {
        const ConfToken *v = value(l);
        char mark[32];
        const char *slash;
        uint64_t m, mask = UINT32_MAX;

        if (!v)
                return -EINVAL;
        slash = strchr(v->text, '/');
        snprintf(mark, sizeof(mark), "%.*s", slash ? (int) (slash - v->text) : (int) strlen(v->text), v->text);
        if (strlen(mark) != (size_t) (slash ? slash - v->text : (ptrdiff_t) strlen(v->text)) ||
            !number(mark, 0, UINT32_MAX, &m) || (slash && !number(slash + 1, 0, UINT32_MAX, &mask))) {
                conf_diag_error(l->p->d, &v->loc, "invalid fwmark '%s'; expected MARK or MARK/MASK, each a number "
                                "from 0 to 4294967295", v->text);
                return -EINVAL;
        }
        l->r.has_fwmark = true;
        l->r.fwmark = (uint32_t) m;
        l->r.fwmask = (uint32_t) mask;
        return 0;
}

/* realms, suppress_prefixlength, suppress_ifgroup: options of a table lookup */
static int opt_table_option(RuleLine *l) {
        const ConfToken *opt = word(l), *v = value(l);
        uint64_t n;

        if (!v)
                return -EINVAL;
        l->table_option = l->table_option ?: opt;
        if (strcmp(opt->text, "realms") == 0) {
                if (!conf_parse_net_realms(l->p, v, &l->r.realms))
                        return -EINVAL;
                if (l->r.family == AF_INET6) {
                        conf_diag_error(l->p->d, &opt->loc, "'realms' is for IPv4 rules only; this rule is IPv6");
                        return -EINVAL;
                }
                l->r.family = AF_INET;
                return 0;
        }
        if (strcmp(opt->text, "suppress_ifgroup") == 0 || strcmp(opt->text, "sup_group") == 0) {
                l->r.has_suppress_ifgroup = true;
                return conf_parse_net_name(l->p, v, CONF_RT_GROUP, "interface group", &l->r.suppress_ifgroup)
                               ? 0 : -EINVAL;
        }
        if (!number(v->text, 10, INT32_MAX, &n)) {
                conf_diag_error(l->p->d, &v->loc, "invalid %s '%s'; expected a number from 0 to 2147483647",
                                opt->text, v->text);
                return -EINVAL;
        }
        l->r.has_suppress_prefixlen = true;
        l->r.suppress_prefixlen = (uint32_t) n;
        return 0;
}

static int opt_dev(RuleLine *l) {
        bool oif = strcmp(word(l)->text, "oif") == 0;
        const ConfToken *v = value(l);

        return v && conf_parse_net_ifname(l->p, v, oif ? &l->r.oif : &l->r.iif) ? 0 : -EINVAL;
}

/* tunnel-id N: keepalived passes it on only when it is not 0 */
static int opt_tunnel_id(RuleLine *l) {
        const ConfToken *v = value(l);
        uint64_t n;

        if (!v)
                return -EINVAL;
        if (!number(v->text, 10, UINT64_MAX, &n)) {
                conf_diag_error(l->p->d, &v->loc, "invalid tunnel-id '%s'; expected a number from 0 to "
                                "18446744073709551615", v->text);
                return -EINVAL;
        }
        l->r.has_tun_id = n != 0;
        l->r.tun_id = n;
        return 0;
}

/* FIRST-LAST */
static bool range(const char *s, uint64_t max, uint64_t *ret_first, uint64_t *ret_last) {
        const char *dash = strchr(s, '-');
        char first[32];

        if (!dash || (size_t) (dash - s) >= sizeof(first))
                return false;
        snprintf(first, sizeof(first), "%.*s", (int) (dash - s), s);
        return number(first, 10, max, ret_first) && number(dash + 1, 10, max, ret_last);
}

/* uidrange, sport, dport FIRST-LAST. keepalived (2.2.7 to 2.4) means to take a single port too, but reports
 * it as invalid and drops it: its rule then matches every port. Taking it would make vrrpd's rule another one,
 * so a single port is an error that says how to write it. */
static int opt_range(RuleLine *l) {
        const ConfToken *opt = word(l), *v = value(l);
        bool uid = strcmp(opt->text, "uidrange") == 0;
        uint64_t a, b;

        if (!v)
                return -EINVAL;
        if (!uid && number(v->text, 10, UINT16_MAX, &a)) {
                conf_diag_error(l->p->d, &v->loc, "a single port is not taken by keepalived, whose rule then matches "
                                "every port; write '%s %s-%s'", opt->text, v->text, v->text);
                return -EINVAL;
        }
        if (!range(v->text, uid ? UINT32_MAX : UINT16_MAX, &a, &b)) {
                conf_diag_error(l->p->d, &v->loc, "invalid %s '%s'; expected FIRST-LAST, each %s", opt->text, v->text,
                                uid ? "a uid from 0 to 4294967295" : "a port from 0 to 65535");
                return -EINVAL;
        }
        if (uid) {
                l->r.has_uidrange = true;
                l->r.uid_start = (uint32_t) a;
                l->r.uid_end = (uint32_t) b;
        } else if (strcmp(opt->text, "sport") == 0) {
                l->r.has_sport = true;
                l->r.sport_start = (uint16_t) a;
                l->r.sport_end = (uint16_t) b;
        } else {
                l->r.has_dport = true;
                l->r.dport_start = (uint16_t) a;
                l->r.dport_end = (uint16_t) b;
        }
        return 0;
}

static int opt_l3mdev(RuleLine *l) {
        l->r.l3mdev = true;
        return set_action(l, FR_ACT_TO_TBL, word(l));
}

/* protocol N: keepalived takes a number here, no rt_protos name */
static int opt_protocol(RuleLine *l) {
        const ConfToken *v = value(l);
        uint64_t n;

        if (!v)
                return -EINVAL;
        if (!number(v->text, 10, 255, &n)) {
                conf_diag_error(l->p->d, &v->loc, "invalid protocol '%s'; expected a number from 0 to 255 (keepalived "
                                "takes no name here)", v->text);
                return -EINVAL;
        }
        l->r.protocol = (uint8_t) n;
        l->protocol = v;
        return 0;
}

/* ipproto NAME|N: a name from /etc/protocols, or a number up to 127 as keepalived's inet_proto_a2n() takes */
static int opt_ipproto(RuleLine *l) {
        const ConfToken *v = value(l);
        struct protoent *pe;
        uint64_t n;

        if (!v)
                return -EINVAL;
        if (number(v->text, 10, INT8_MAX, &n)) {
                l->r.ipproto = (uint8_t) n;
                return 0;
        }
        pe = isdigit((unsigned char) v->text[0]) ? NULL : getprotobyname(v->text);
        endprotoent();
        if (!pe || pe->p_proto < 0 || pe->p_proto > UINT8_MAX) {
                conf_diag_error(l->p->d, &v->loc, "invalid ipproto '%s'; expected a protocol name from /etc/protocols "
                                "(tcp, udp, ...) or a number from 0 to 127", v->text);
                return -EINVAL;
        }
        l->r.ipproto = (uint8_t) pe->p_proto;
        return 0;
}

static int opt_track_group(RuleLine *l) {
        const ConfToken *opt = word(l);

        if (!l->is_static) {
                conf_diag_error(l->p->d, &opt->loc, "'track_group' is for static_rules only");
                return -EINVAL;
        }
        conf_diag_warning(l->p->d, &opt->loc, "'track_group' is not supported by vrrpd, ignored");
        return value(l) ? 0 : -EINVAL;
}

typedef struct RuleOptionName {
        const char *name;
        RuleOption parse;
} RuleOptionName;

static const RuleOptionName options[] = {
        { "inet", opt_inet },
        { "inet6", opt_inet },
        { "from", opt_prefix },
        { "to", opt_prefix },
        { "table", opt_table },
        { "lookup", opt_table },
        { "not", opt_not },
        { "no_track", opt_not },
        { "preference", opt_priority },
        { "order", opt_priority },
        { "priority", opt_priority },
        { "tos", opt_tos },
        { "dsfield", opt_tos },
        { "fwmark", opt_fwmark },
        { "realms", opt_table_option },
        { "suppress_prefixlength", opt_table_option },
        { "sup_pl", opt_table_option },
        { "suppress_ifgroup", opt_table_option },
        { "sup_group", opt_table_option },
        { "dev", opt_dev },
        { "iif", opt_dev },
        { "oif", opt_dev },
        { "tunnel-id", opt_tunnel_id },
        { "uidrange", opt_range },
        { "sport", opt_range },
        { "dport", opt_range },
        { "l3mdev", opt_l3mdev },
        { "protocol", opt_protocol },
        { "ipproto", opt_ipproto },
        { "track_group", opt_track_group },
};

static const char *const action_words[] = { "type", "goto", "nop", "blackhole", "unreachable", "prohibit" };

static void report_unknown(RuleLine *l, const ConfToken *w) {
        const char *names[ELEMENTSOF(options) + ELEMENTSOF(action_words)], *hint;
        size_t n = 0;

        for (size_t k = 0; k < ELEMENTSOF(options); k++)
                names[n++] = options[k].name;
        for (size_t k = 0; k < ELEMENTSOF(action_words); k++)
                names[n++] = action_words[k];
        hint = conf_util_suggest(w->text, names, n);
        conf_diag_error(l->p->d, &w->loc, "unknown rule option '%s'%s%s%s", w->text, hint ? "; did you mean '" : "",
                        hint ?: "", hint ? "'?" : "");
}

/* [type] goto N | nop | blackhole | unreachable | prohibit (a route type's name or number, as keepalived) */
static int rule_action(RuleLine *l) {
        const ConfToken *w = word(l), *v;
        uint64_t target;
        uint8_t type;

        if (strcmp(w->text, "type") == 0 && !(w = value(l)))
                return -EINVAL;
        if (strcmp(w->text, "goto") == 0) {
                if (!(v = value(l)))
                        return -EINVAL;
                if (!number(v->text, 10, UINT32_MAX, &target)) {
                        conf_diag_error(l->p->d, &v->loc, "invalid goto target '%s'; expected a preference from 0 "
                                        "to 4294967295", v->text);
                        return -EINVAL;
                }
                l->r.goto_target = (uint32_t) target;
                return set_action(l, FR_ACT_GOTO, w);
        }
        if (strcmp(w->text, "nop") == 0)
                return set_action(l, FR_ACT_NOP, w);
        if (conf_rttables_route_type(w->text, &type) < 0) {
                report_unknown(l, w);
                return -EINVAL;
        }
        if (type != RTN_BLACKHOLE && type != RTN_UNREACHABLE && type != RTN_PROHIBIT) {
                conf_diag_error(l->p->d, &w->loc, "invalid rule action '%s'; expected table, goto, nop, blackhole, "
                                "unreachable, prohibit or l3mdev", w->text);
                return -EINVAL;
        }
        return set_action(l, type == RTN_BLACKHOLE     ? FR_ACT_BLACKHOLE
                             : type == RTN_UNREACHABLE ? FR_ACT_UNREACHABLE
                                                       : FR_ACT_PROHIBIT, w);
}

static int rule_words(RuleLine *l) {
        for (; l->i < l->st->n; l->i++) {
                RuleOption parse = NULL;
                int r;

                for (size_t k = 0; k < ELEMENTSOF(options) && !parse; k++)
                        if (strcmp(options[k].name, word(l)->text) == 0)
                                parse = options[k].parse;
                r = parse ? parse(l) : rule_action(l);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int rule_check(RuleLine *l) {
        const ConfRule *r = &l->r;

        if (r->action == FR_ACT_GOTO && !r->has_priority) {
                conf_diag_error(l->p->d, &l->action->loc, "'goto' needs a preference below its target %u",
                                r->goto_target);
                return -EINVAL;
        }
        if (r->action == FR_ACT_GOTO && r->priority >= r->goto_target) {
                conf_diag_error(l->p->d, &l->action->loc, "preference %u is not below the goto target %u",
                                r->priority, r->goto_target);
                return -EINVAL;
        }
        if (!l->action) {
                conf_diag_error(l->p->d, &l->st->w[0].loc, "the rule has no action; expected table, goto, nop, "
                                "blackhole, unreachable, prohibit or l3mdev");
                return -EINVAL;
        }
        if (r->action != FR_ACT_TO_TBL && l->table_option) {
                conf_diag_error(l->p->d, &l->table_option->loc, "'%s' is for a rule with a table; this one's action "
                                "is '%s'", l->table_option->text, l->action->text);
                return -EINVAL;
        }
        return 0;
}

/* A tracked rule carries RTPROT_KEEPALIVED; a rule without a preference gets the next of keepalived's
 * (16384 down, per family, in the order of the file), so that rules go in in a stable order. */
static void rule_finish(RuleLine *l) {
        ConfRule *r = &l->r;

        if (!r->no_track) {
                if (l->protocol && r->protocol != RTPROT_KEEPALIVED)
                        conf_diag_warning(l->p->d, &l->protocol->loc, "protocol %u of a tracked rule is set to 18 "
                                          "(keepalived), as keepalived does; add no_track to keep it", r->protocol);
                r->protocol = RTPROT_KEEPALIVED;
        }
        if (r->family == 0)
                r->family = AF_INET;
        if (!r->has_priority) {
                r->priority = l->p->next_rule_prio[r->family == AF_INET6]--;
                r->has_priority = true;
                conf_diag_warning(l->p->d, &l->st->w[0].loc, "the rule has no preference; set to %u, as keepalived "
                                  "does (give each rule its preference to choose their order)", r->priority);
        }
}

typedef struct RuleBlock {
        ConfRule **rules;
        size_t *n;
        size_t *n_alloc;
        bool is_static;
} RuleBlock;

static int parse_rule_line(ConfParser *p, const ConfStmt *st, void *obj) {
        RuleBlock *b = obj;
        RuleLine l = { .p = p, .st = st, .is_static = b->is_static };
        int r;

        conf_model_rule_init(&l.r);
        l.r.loc = st->w[0].loc;
        r = rule_words(&l);
        if (r >= 0)
                r = rule_check(&l);
        if (r >= 0 && ARRAY_GROW(*b->rules, *b->n_alloc, *b->n + 1) < 0)
                r = -ENOMEM;
        if (r < 0) {
                conf_model_rule_done(&l.r);
                return r == -ENOMEM ? r : 0;
        }
        rule_finish(&l);
        (*b->rules)[(*b->n)++] = l.r;
        return 0;
}

int conf_parse_rule_virtual(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfInstance *i = obj;
        RuleBlock b = { &i->rules, &i->n_rules, &i->n_rules_alloc, false };

        assert(p);
        assert(st);
        assert(i);

        return conf_parse_lines(p, st, parse_rule_line, &b);
}

int conf_parse_rule_static(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        Config *c = obj;
        RuleBlock b = { &c->static_rules, &c->n_static_rules, &c->n_static_rules_alloc, true };

        assert(p);
        assert(st);
        assert(c);

        return conf_parse_lines(p, st, parse_rule_line, &b);
}
