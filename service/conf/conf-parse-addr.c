#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../util/array.h"
#include "../util/cleanup.h"
#include "conf-parse.h"

typedef struct VipBlock {
        ConfVip **vips;
        size_t *n;
        size_t *n_alloc;
        bool is_static; /* static_ipaddress: no use_vmac (keepalived ignores it there) */
} VipBlock;

/* brd ADDR, or '+' / '-' for the prefix's broadcast / network address, as ip(8) and keepalived take them */
static bool parse_brd(ConfParser *p, const ConfToken *tok, ConfVip *v) {
        int family = 0;

        if (v->family != AF_INET) {
                conf_diag_error(p->d, &tok->loc, "'brd' is for IPv4 addresses only");
                return false;
        }
        if (strcmp(tok->text, "+") == 0 || strcmp(tok->text, "-") == 0) {
                uint32_t mask = v->prefixlen == 0 ? 0 : htonl(0xffffffffu << (32 - v->prefixlen));
                v->brd.in.s_addr = tok->text[0] == '+' ? v->addr.in.s_addr | ~mask : v->addr.in.s_addr & mask;
        } else if (!conf_parse_value_addr(p, tok, &family, &v->brd))
                return false;
        else if (family != AF_INET) {
                conf_diag_error(p->d, &tok->loc, "invalid brd '%s'; expected an IPv4 address", tok->text);
                return false;
        }
        v->has_brd = true;
        return true;
}

/* peer ADDR[/LEN], of the address's family, once (keepalived's "another peer has already been specified") */
static bool parse_peer(ConfParser *p, const ConfToken *tok, ConfVip *v) {
        int family;

        if (v->has_peer) {
                conf_diag_error(p->d, &tok->loc, "peer %s: this address has a peer already", tok->text);
                return false;
        }
        if (!conf_parse_net_prefix(p, tok, false, &family, &v->peer, &v->peer_prefixlen))
                return false;
        if (family != v->family) {
                conf_diag_error(p->d, &tok->loc, "peer %s is not of the address's family", tok->text);
                return false;
        }
        if (family == AF_INET6) { /* libnl 3.7 builds IPv4 peers only */
                conf_diag_warning(p->d, &tok->loc, "peer %s: vrrpd does not support peers of IPv6 addresses yet, "
                                  "ignored; the address is added without it", tok->text);
                return true;
        }
        v->has_peer = true;
        return true;
}

/* preferred_lft SECONDS|forever */
static bool parse_preferred_lft(ConfParser *p, const ConfToken *tok, ConfVip *v) {
        long n;

        if (strcmp(tok->text, "forever") == 0)
                n = UINT32_MAX;
        else if (!conf_parse_value_long(p, tok, "preferred_lft", 0, UINT32_MAX, &n))
                return false;
        v->has_preferred_lft = true;
        v->preferred_lft = (uint32_t) n;
        return true;
}

static int vip_option_value(ConfParser *p, const char *opt, const ConfToken *val, ConfVip *v) {
        if (strcmp(opt, "brd") == 0 || strcmp(opt, "broadcast") == 0)
                return parse_brd(p, val, v) ? 0 : -EINVAL;
        if (strcmp(opt, "dev") == 0)
                return conf_parse_value_dup(p, val->text, &v->dev);
        if (strcmp(opt, "scope") == 0)
                return conf_parse_value_dup(p, val->text, &v->scope);
        if (strcmp(opt, "label") == 0)
                return conf_parse_value_dup(p, val->text, &v->label);
        if (strcmp(opt, "peer") == 0)
                return parse_peer(p, val, v) ? 0 : -EINVAL;
        if (strcmp(opt, "preferred_lft") == 0)
                return parse_preferred_lft(p, val, v) ? 0 : -EINVAL;
        return 0; /* track_group: warned about by the caller */
}

/* Returns how many words the option at w[0] uses (1 or 2), or 0 when it is unknown. */
static size_t vip_option(ConfParser *p, const ConfToken *w, size_t avail, bool is_static, ConfVip *v, int *r) {
        static const char *const with_value[] = { "brd", "broadcast", "dev", "scope", "label", "peer", "preferred_lft",
                                                  "track_group" };
        static const char *const unsupported[] = { "track_group" };
        const char *opt = w[0].text;

        for (size_t i = 0; i < ELEMENTSOF(unsupported); i++)
                if (strcmp(opt, unsupported[i]) == 0)
                        conf_diag_warning(p->d, &w[0].loc, "'%s' is not supported by vrrpd, ignored", opt);
        for (size_t i = 0; i < ELEMENTSOF(with_value); i++)
                if (strcmp(opt, with_value[i]) == 0) {
                        if (avail < 2) {
                                conf_diag_error(p->d, &w[0].loc, "missing value after '%s'", opt);
                                return avail;
                        }
                        *r = vip_option_value(p, opt, &w[1], v);
                        return 2;
                }
        if (strcmp(opt, "noprefixroute") == 0)
                v->noprefixroute = true;
        else if (strcmp(opt, "-nodad") == 0)
                v->nodad = true;
        else if (strcmp(opt, "nodad") == 0) /* keepalived 2.2.7 reports it and goes on with DAD */
                conf_diag_warning(p->d, &w[0].loc,
                                  "unknown option 'nodad' of an address (keepalived ignores it "
                                  "too), ignored; did you mean '-nodad'?");
        else if (strcmp(opt, "no_track") == 0)
                v->no_track = true;
        else if (strcmp(opt, "use_vmac") == 0 && !is_static)
                v->use_vmac = true;
        else if (strcmp(opt, "home") == 0)
                v->ifa_flags |= IFA_F_HOMEADDRESS;
        else if (strcmp(opt, "mngtmpaddr") == 0)
                v->ifa_flags |= IFA_F_MANAGETEMPADDR;
        else if (strcmp(opt, "autojoin") == 0)
                v->ifa_flags |= IFA_F_MCAUTOJOIN;
        else
                return 0;
        return 1;
}

static void vip_free(ConfVip *v) {
        free(v->dev);
        free(v->scope);
        free(v->label);
}

static int parse_vip_line(ConfParser *p, const ConfStmt *st, void *obj) {
        VipBlock *b = obj;
        ConfVip v = { .loc = st->w[0].loc };
        int r = 0;

        if (!conf_parse_net_prefix(p, &st->w[0], false, &v.family, &v.addr, &v.prefixlen))
                return 0;
        for (size_t i = 1; i < st->n && r >= 0;) {
                size_t used = vip_option(p, &st->w[i], st->n - i, b->is_static, &v, &r);
                if (used == 0) {
                        conf_diag_error(p->d, &st->w[i].loc,
                                        "unknown address option '%s'; expected brd, dev, scope, label, noprefixroute, "
                                        "-nodad or no_track", st->w[i].text);
                        r = -EINVAL;
                }
                i += used ? used : 1;
        }
        if (r < 0 || ARRAY_GROW(*b->vips, *b->n_alloc, *b->n + 1) < 0) {
                vip_free(&v);
                return r == -EINVAL ? 0 : -ENOMEM;
        }
        (*b->vips)[(*b->n)++] = v;
        return 0;
}

int conf_parse_addr_vips(ConfParser *p, const ConfStmt *st, ConfVip **vips, size_t *n, size_t *n_alloc,
                         bool is_static) {
        VipBlock b = { vips, n, n_alloc, is_static };

        assert(p);
        assert(st);
        assert(vips);
        assert(n);
        assert(n_alloc);

        return conf_parse_lines(p, st, parse_vip_line, &b);
}

/* static_ipaddress { … }: the lines of virtual_ipaddress, held from start to exit */
int conf_parse_addr_static(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        Config *c = obj;

        assert(c);

        return conf_parse_addr_vips(p, st, &c->static_vips, &c->n_static_vips, &c->n_static_vips_alloc, true);
}

static int parse_peer_line(ConfParser *p, const ConfStmt *st, void *obj) {
        ConfInstance *inst = obj;
        ConfPeer peer = { .loc = st->w[0].loc, .max_ttl = 255 };
        int ttl;

        if (!conf_parse_value_addr(p, &st->w[0], &peer.family, &peer.addr))
                return 0;
        for (size_t i = 1; i < st->n; i += 2) {
                bool min = strcmp(st->w[i].text, "min_ttl") == 0;
                if (!min && strcmp(st->w[i].text, "max_ttl") != 0) {
                        conf_diag_error(p->d, &st->w[i].loc, "unknown peer option '%s'; expected min_ttl or max_ttl",
                                        st->w[i].text);
                        return 0;
                }
                if (i + 1 >= st->n) {
                        conf_diag_error(p->d, &st->w[i].loc, "missing value after '%s'", st->w[i].text);
                        return 0;
                }
                if (!conf_parse_value_int(p, &st->w[i + 1], st->w[i].text, 0, 255, &ttl))
                        return 0;
                *(min ? &peer.min_ttl : &peer.max_ttl) = (uint8_t) ttl;
        }
        if (ARRAY_GROW(inst->unicast_peers, inst->n_unicast_peers_alloc, inst->n_unicast_peers + 1) < 0)
                return -ENOMEM;
        inst->unicast_peers[inst->n_unicast_peers++] = peer;
        return 0;
}

int conf_parse_addr_peers(ConfParser *p, const ConfStmt *st, ConfInstance *inst) {
        assert(p);
        assert(st);
        assert(inst);

        return conf_parse_lines(p, st, parse_peer_line, inst);
}
