#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <linux/icmpv6.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../util/array.h"
#include "../util/cleanup.h"
#include "conf-parse.h"
#include "conf-util.h"

/* virtual_routes and static_routes: one route a line, ip-route(8)'s words as keepalived 2.2.7 reads them
 * (vrrp_iproute.c alloc_route(), parse_nexthops()), in any order, the destination wherever it is written:
 *     [to] [TYPE] DEST|default [src A] [via|gw [inet|inet6] A] [dev IF] [table T] ... [nexthop ...]...
 * What keepalived refuses (it logs and drops the line) is a located error here; what it logs and takes anyway
 * is a warning, unless taking it would install something else than what is written (an option whose value
 * it cannot read is dropped from the route): that is an error too, as for use_vmac. */

typedef struct RouteLine {
        ConfParser *p;
        const ConfStmt *st;
        size_t i;         /* the word being read; an option leaves it on its last value */
        ConfRoute r;
        bool is_static;
        const ConfToken *dst;      /* the destination word, NULL until one is read */
        const ConfToken *protocol; /* the protocol value, if written */
} RouteLine;

typedef int (*RouteOption)(RouteLine *l);

static const ConfToken *word(const RouteLine *l) {
        return &l->st->w[l->i];
}

static const ConfToken *value(RouteLine *l) {
        return conf_parse_net_value(l->p, l->st, &l->i);
}

/* The route is of family from now on; kind names what says so ("address", NULL for a keyword) */
static int set_family(RouteLine *l, int family, const ConfToken *w, const char *kind) {
        if (family == 0 || l->r.family == 0 || l->r.family == family) {
                l->r.family = family ?: l->r.family;
                return 0;
        }
        if (kind)
                conf_diag_error(l->p->d, &w->loc, "%s %s '%s' in an %s route; expected one family per route",
                                conf_parse_net_family(family), kind, w->text, conf_parse_net_family(l->r.family));
        else
                conf_diag_error(l->p->d, &w->loc, "'%s' in an %s route; expected one family per route", w->text,
                                conf_parse_net_family(l->r.family));
        return -EINVAL;
}

/* An option of one family only (opt: the option word) */
static int family_only(RouteLine *l, int family, const ConfToken *opt) {
        if (l->r.family != 0 && l->r.family != family) {
                conf_diag_error(l->p->d, &opt->loc, "'%s' is for %s routes only; this route is %s", opt->text,
                                conf_parse_net_family(family), conf_parse_net_family(l->r.family));
                return -EINVAL;
        }
        l->r.family = family;
        return 0;
}

/* inet|inet6: the route's family. keepalived (2.2.7 to 2.4) then skips the next word as well, whatever it is
 * ("inet6 default" loses its destination): so does vrrpd, which runs keepalived's configurations as keepalived
 * runs them, but it says so. */
static int opt_inet(RouteLine *l) {
        if (set_family(l, strcmp(word(l)->text, "inet6") == 0 ? AF_INET6 : AF_INET, word(l), NULL) < 0)
                return -EINVAL;
        conf_parse_net_skip_after_family(l->p, l->st, &l->i);
        return 0;
}

static int opt_src(RouteLine *l) {
        const ConfToken *v = value(l);
        int family;

        if (!v || !conf_parse_value_addr(l->p, v, &family, &l->r.src))
                return -EINVAL;
        l->r.has_src = true;
        return set_family(l, family, v, "address");
}

/* [inet|inet6] ADDR, the family word (if any) and the address of the same family as the route */
static int read_via(RouteLine *l, int *ret_family, VrrpAddr *ret) {
        const ConfToken *v = value(l);
        int family;

        if (v && (strcmp(v->text, "inet") == 0 || strcmp(v->text, "inet6") == 0)) {
                if (set_family(l, v->text[4] == '6' ? AF_INET6 : AF_INET, v, NULL) < 0)
                        return -EINVAL;
                v = value(l);
        }
        if (!v || !conf_parse_value_addr(l->p, v, &family, ret) || set_family(l, family, v, "gateway") < 0)
                return -EINVAL;
        *ret_family = family;
        return 0;
}

static int opt_via(RouteLine *l) {
        if (strcmp(word(l)->text, "gw") == 0)
                conf_diag_warning(l->p->d, &word(l)->loc, "'gw' is deprecated; use 'via'");
        return read_via(l, &l->r.via_family, &l->r.via);
}

/* from PREFIX: the source prefix, which keepalived takes for IPv6 routes only */
static int opt_from(RouteLine *l) {
        const ConfToken *v = value(l);
        int family;

        if (!v || !conf_parse_net_prefix(l->p, v, true, &family, &l->r.from, &l->r.from_len))
                return -EINVAL;
        if (family != AF_INET6) {
                conf_diag_error(l->p->d, &v->loc, "invalid 'from' '%s'; expected an IPv6 prefix (a source prefix is "
                                "for IPv6 routes only)", v->text);
                return -EINVAL;
        }
        l->r.has_from = true;
        return set_family(l, family, v, "prefix");
}

static int opt_name(RouteLine *l, ConfRtFile f, const char *what, uint32_t *ret) {
        const ConfToken *v = value(l);

        return v && conf_parse_net_name(l->p, v, f, what, ret) ? 0 : -EINVAL;
}

static int opt_tos(RouteLine *l) {
        uint32_t v;

        if (opt_name(l, CONF_RT_DSFIELD, "TOS", &v) < 0)
                return -EINVAL;
        l->r.tos = (uint8_t) v;
        return 0;
}

static int opt_table(RouteLine *l) {
        l->r.has_table = true;
        return opt_name(l, CONF_RT_TABLES, "table", &l->r.table);
}

static int opt_protocol(RouteLine *l) {
        uint32_t v;

        if (opt_name(l, CONF_RT_PROTOS, "protocol", &v) < 0)
                return -EINVAL;
        l->r.protocol = (uint8_t) v;
        l->protocol = word(l);
        return 0;
}

static int opt_scope(RouteLine *l) {
        uint32_t v;

        if (opt_name(l, CONF_RT_SCOPES, "scope", &v) < 0)
                return -EINVAL;
        l->r.scope = (int) v;
        return 0;
}

static int opt_metric(RouteLine *l) {
        const ConfToken *v = value(l);

        l->r.has_metric = true;
        return v && conf_parse_net_u32(l->p, v, "metric", UINT32_MAX, &l->r.metric) ? 0 : -EINVAL;
}

static int opt_dev(RouteLine *l) {
        const ConfToken *v = value(l);

        return v && conf_parse_net_ifname(l->p, v, &l->r.dev) ? 0 : -EINVAL;
}

static int opt_flag(RouteLine *l) {
        *(strcmp(word(l)->text, "onlink") == 0 ? &l->r.onlink : &l->r.no_track) = true;
        return 0;
}

static int opt_expires(RouteLine *l) {
        const ConfToken *opt = word(l), *v;

        if (family_only(l, AF_INET6, opt) < 0 || !(v = value(l)))
                return -EINVAL;
        l->r.has_expires = true;
        return conf_parse_net_u32(l->p, v, "expires", UINT32_MAX, &l->r.expires) ? 0 : -EINVAL;
}

static int opt_realms(RouteLine *l) {
        const ConfToken *opt = word(l), *v = value(l);

        if (!v || !conf_parse_net_realms(l->p, v, &l->r.realms))
                return -EINVAL;
        return family_only(l, AF_INET, opt);
}

/* pref low|medium|high|N: the router preference of an IPv6 route */
static int opt_pref(RouteLine *l) {
        static const char *const names[] = { "medium", "high", NULL, "low" }; /* ICMPV6_ROUTER_PREF_* */
        const ConfToken *opt = word(l), *v;
        unsigned long n;
        char *end;

        if (family_only(l, AF_INET6, opt) < 0 || !(v = value(l)))
                return -EINVAL;
        for (size_t k = 0; k < ELEMENTSOF(names); k++)
                if (names[k] && strcmp(v->text, names[k]) == 0) {
                        l->r.pref = (int) k;
                        return 0;
                }
        errno = 0;
        n = strtoul(v->text, &end, 10);
        if (!isdigit((unsigned char) v->text[0]) || *end || errno != 0 || n > 255) {
                conf_diag_error(l->p->d, &v->loc, "invalid pref '%s'; expected low, medium, high or a number from 0 "
                                "to 255", v->text);
                return -EINVAL;
        }
        l->r.pref = (int) n;
        return 0;
}

static int opt_ttl_propagate(RouteLine *l) {
        const ConfToken *v = value(l);

        if (!v)
                return -EINVAL;
        if (strcmp(v->text, "enabled") != 0 && strcmp(v->text, "disabled") != 0) {
                conf_diag_error(l->p->d, &v->loc, "invalid ttl-propagate '%s'; expected enabled or disabled", v->text);
                return -EINVAL;
        }
        l->r.ttl_propagate = v->text[0] == 'e';
        return 0;
}

static int opt_mode(RouteLine *l) {
        const char *w = word(l)->text;

        l->r.mode = strcmp(w, "add") == 0 ? CONF_ROUTE_ADD : strcmp(w, "append") == 0 ? CONF_ROUTE_APPEND
                                                                                        : CONF_ROUTE_PREPEND;
        return 0;
}

static int add_nexthop(ConfRoute *r, const ConfNexthop *nh) {
        if (ARRAY_GROW(r->nexthops, r->n_nexthops_alloc, r->n_nexthops + 1) < 0)
                return -ENOMEM;
        r->nexthops[r->n_nexthops++] = *nh;
        return 0;
}

/* via A or B, keepalived's old multipath: the via and B become two next hops (a second "or" is ignored) */
static int opt_or(RouteLine *l) {
        const ConfToken *opt = word(l), *v = value(l);
        ConfNexthop first = { .via_family = l->r.via_family, .via = l->r.via, .loc = opt->loc };
        ConfNexthop second = { .loc = opt->loc };

        conf_diag_warning(l->p->d, &opt->loc, "'or' is deprecated; use 'nexthop via A nexthop via B'");
        if (!v)
                return -EINVAL;
        if (l->r.n_nexthops > 0) {
                conf_diag_warning(l->p->d, &opt->loc, "a route takes one 'or'; this one is ignored, as keepalived "
                                  "ignores it");
                return 0;
        }
        if (!conf_parse_value_addr(l->p, v, &second.via_family, &second.via))
                return -EINVAL;
        l->r.via_family = 0;
        l->r.via = (VrrpAddr){};
        return add_nexthop(&l->r, &first) < 0 || add_nexthop(&l->r, &second) < 0 ? -ENOMEM : 0;
}

static int opt_track_group(RouteLine *l) {
        const ConfToken *opt = word(l);

        if (!l->is_static) {
                conf_diag_error(l->p->d, &opt->loc, "'track_group' is for static_routes only");
                return -EINVAL;
        }
        conf_diag_warning(l->p->d, &opt->loc, "'track_group' is not supported by vrrpd, ignored");
        return value(l) ? 0 : -EINVAL;
}

/* as [to] ADDR: an MPLS destination rewrite, which keepalived reads and drops */
static int opt_as(RouteLine *l) {
        const ConfToken *opt = word(l), *v = value(l);

        if (v && strcmp(v->text, "to") == 0)
                v = value(l);
        if (!v)
                return -EINVAL;
        conf_diag_warning(l->p->d, &opt->loc, "'as [to]' is for MPLS routes only; ignored, as keepalived ignores it");
        return 0;
}

static int opt_unsupported(RouteLine *l) {
        const ConfToken *opt = word(l);

        if (strcmp(opt->text, "encap") == 0)
                conf_diag_error(l->p->d, &opt->loc, "vrrpd does not support route encapsulation ('encap', lightweight "
                                "tunnels) yet; the route cannot be installed as written");
        else
                conf_diag_error(l->p->d, &opt->loc, "vrrpd does not support VRFs ('vrf') yet; give the VRF's routing "
                                "table with 'table' instead");
        return -EINVAL;
}

typedef struct RouteOptionName {
        const char *name;
        RouteOption parse;
} RouteOptionName;

static const RouteOptionName options[] = {
        { "inet", opt_inet },       { "inet6", opt_inet },
        { "src", opt_src },         { "via", opt_via },
        { "gw", opt_via },          { "from", opt_from },
        { "tos", opt_tos },         { "dsfield", opt_tos },
        { "table", opt_table },     { "protocol", opt_protocol },
        { "scope", opt_scope },     { "metric", opt_metric },
        { "priority", opt_metric }, { "preference", opt_metric },
        { "dev", opt_dev },         { "oif", opt_dev },
        { "onlink", opt_flag },     { "no_track", opt_flag },
        { "expires", opt_expires }, { "realms", opt_realms },
        { "pref", opt_pref },       { "ttl-propagate", opt_ttl_propagate },
        { "add", opt_mode },        { "prepend", opt_mode },
        { "append", opt_mode },     { "or", opt_or },
        { "as", opt_as },           { "track_group", opt_track_group },
        { "encap", opt_unsupported }, { "vrf", opt_unsupported },
};

static RouteOption option_of(const char *name) {
        for (size_t k = 0; k < ELEMENTSOF(options); k++)
                if (strcmp(options[k].name, name) == 0)
                        return options[k].parse;
        return NULL;
}

static bool looks_like_prefix(const char *w) {
        return strpbrk(w, ".:/") || strcmp(w, "default") == 0 || strcmp(w, "default6") == 0 ||
               strcmp(w, "any") == 0 || strcmp(w, "all") == 0;
}

static void report_unknown(RouteLine *l, const ConfToken *w) {
        const char *names[ELEMENTSOF(options) + 1], *hint;

        for (size_t k = 0; k < ELEMENTSOF(options); k++)
                names[k] = options[k].name;
        names[ELEMENTSOF(options)] = "nexthop";
        hint = conf_util_suggest(w->text, names, ELEMENTSOF(names));
        conf_diag_error(l->p->d, &w->loc, "unknown route option '%s'%s%s%s", w->text, hint ? "; did you mean '" : "",
                        hint ?: "", hint ? "'?" : "");
}

/* [to] [TYPE] DEST: TYPE a route type name or number, DEST ADDR[/LEN] or default */
static int route_destination(RouteLine *l) {
        const ConfToken *w = word(l);
        int family;
        uint8_t type;

        if (strcmp(w->text, "to") == 0)
                w = value(l);
        else if (conf_rttables_route_type(w->text, &type) >= 0) {
                l->r.type = type;
                w = value(l);
        } else if (!looks_like_prefix(w->text)) {
                report_unknown(l, w);
                return -EINVAL;
        }
        if (!w || !conf_parse_net_prefix(l->p, w, true, &family, &l->r.dst, &l->r.dst_len))
                return -EINVAL;
        l->dst = w;
        return set_family(l, family, w, "destination");
}

/* One next hop's options, up to the first word that is none (l->i left on it) */
static int nexthop_words(RouteLine *l, ConfNexthop *nh) {
        for (; l->i < l->st->n; l->i++) {
                const ConfToken *w = word(l), *v;
                long weight;

                if (strcmp(w->text, "via") == 0) {
                        if (read_via(l, &nh->via_family, &nh->via) < 0)
                                return -EINVAL;
                } else if (strcmp(w->text, "dev") == 0) {
                        if (!(v = value(l)) || !conf_parse_net_ifname(l->p, v, &nh->dev))
                                return -EINVAL;
                } else if (strcmp(w->text, "weight") == 0) {
                        if (!(v = value(l)) || !conf_parse_value_long(l->p, v, "weight", 1, 256, &weight))
                                return -EINVAL;
                        nh->weight = (int) weight;
                } else if (strcmp(w->text, "onlink") == 0)
                        nh->onlink = true;
                else if (strcmp(w->text, "realms") == 0) {
                        if (!(v = value(l)) || !conf_parse_net_realms(l->p, v, &nh->realms) ||
                            family_only(l, AF_INET, w) < 0)
                                return -EINVAL;
                } else if (strcmp(w->text, "encap") == 0)
                        return opt_unsupported(l);
                else if (strcmp(w->text, "as") == 0) {
                        conf_diag_error(l->p->d, &w->loc, "'as [to]' is not supported in a next hop (keepalived "
                                        "refuses it too)");
                        return -EINVAL;
                } else
                        return 0;
        }
        return 0;
}

/* nexthop [via [inet|inet6] A] [dev IF] [weight 1-256] [onlink] [realms R], repeated to the end of the line */
static int route_nexthops(RouteLine *l) {
        if (l->r.n_nexthops > 0) {
                conf_diag_error(l->p->d, &word(l)->loc, "'nexthop' cannot follow 'or'; write each next hop as "
                                "'nexthop via ADDR'");
                return -EINVAL;
        }
        while (l->i < l->st->n && strcmp(word(l)->text, "nexthop") == 0) {
                ConfNexthop nh = { .loc = word(l)->loc };
                int r;

                l->i++;
                r = nexthop_words(l, &nh);
                if (r >= 0)
                        r = add_nexthop(&l->r, &nh);
                if (r < 0) {
                        free(nh.dev);
                        return r;
                }
        }
        if (l->i < l->st->n) {
                conf_diag_error(l->p->d, &word(l)->loc, "unexpected '%s' after the next hops; expected 'nexthop' or "
                                "via, dev, weight, onlink, realms", word(l)->text);
                return -EINVAL;
        }
        return 0;
}

static int route_words(RouteLine *l) {
        for (; l->i < l->st->n; l->i++) {
                RouteOption parse = option_of(word(l)->text);
                int r;

                if (strcmp(word(l)->text, "nexthop") == 0)
                        return route_nexthops(l);
                r = parse ? parse(l) : conf_parse_metric(l->p, l->st, &l->i, &l->r);
                if (r == 0 && !parse)
                        r = route_destination(l);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* keepalived tracks a route (a deleted one takes the instance out of master) unless no_track: then it carries
 * RTPROT_KEEPALIVED whatever protocol was written, and it needs a dev to be tracked. */
static int route_finish(RouteLine *l) {
        if (!l->dst) {
                conf_diag_error(l->p->d, &l->st->w[0].loc, "the route has no destination; expected ADDR[/LEN] or "
                                "default");
                return -EINVAL;
        }
        if (!l->r.no_track) {
                if (l->protocol && l->r.protocol != RTPROT_KEEPALIVED)
                        conf_diag_warning(l->p->d, &l->protocol->loc, "protocol '%s' of a tracked route is set to "
                                          "18 (keepalived), as keepalived does; add no_track to keep it",
                                          l->protocol->text);
                l->r.protocol = RTPROT_KEEPALIVED;
                if (!l->r.dev) {
                        conf_diag_warning(l->p->d, &l->st->w[0].loc, "the route to %s has no dev, so it cannot be "
                                          "tracked; not tracked, as keepalived does", l->dst->text);
                        l->r.no_track = true;
                }
        }
        if (l->r.family == 0)
                l->r.family = AF_INET;
        return 0;
}

typedef struct RouteBlock {
        ConfRoute **routes;
        size_t *n;
        size_t *n_alloc;
        bool is_static;
} RouteBlock;

static int parse_route_line(ConfParser *p, const ConfStmt *st, void *obj) {
        RouteBlock *b = obj;
        RouteLine l = { .p = p, .st = st, .is_static = b->is_static };
        int r;

        conf_model_route_init(&l.r);
        l.r.loc = st->w[0].loc;
        r = route_words(&l);
        if (r >= 0)
                r = route_finish(&l);
        if (r >= 0 && ARRAY_GROW(*b->routes, *b->n_alloc, *b->n + 1) < 0)
                r = -ENOMEM;
        if (r < 0) {
                conf_model_route_done(&l.r);
                return r == -ENOMEM ? r : 0;
        }
        (*b->routes)[(*b->n)++] = l.r;
        return 0;
}

int conf_parse_route_virtual(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfInstance *i = obj;
        RouteBlock b = { &i->routes, &i->n_routes, &i->n_routes_alloc, false };

        assert(p);
        assert(st);
        assert(i);

        return conf_parse_lines(p, st, parse_route_line, &b);
}

int conf_parse_route_static(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        Config *c = obj;
        RouteBlock b = { &c->static_routes, &c->n_static_routes, &c->n_static_routes_alloc, true };

        assert(p);
        assert(st);
        assert(c);

        return conf_parse_lines(p, st, parse_route_line, &b);
}
