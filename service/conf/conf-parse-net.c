#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "conf-parse.h"

/* The values of address, route and rule lines: prefixes, numbers, iproute2 names, interface names. Each
 * reports its own error (a located one; out of memory sets the diagnostics' oom) and returns false when the
 * value is unusable. */

const ConfToken *conf_parse_net_value(ConfParser *p, const ConfStmt *st, size_t *i) {
        assert(p);
        assert(st);
        assert(i);
        assert(*i < st->n);

        if (*i + 1 >= st->n) {
                conf_diag_error(p->d, &st->w[*i].loc, "missing value after '%s'", st->w[*i].text);
                return NULL;
        }
        return &st->w[++*i];
}

/* keepalived's route and rule parsers step over the word after inet / inet6 (at st->w[*i]) without reading it */
void conf_parse_net_skip_after_family(ConfParser *p, const ConfStmt *st, size_t *i) {
        assert(p);
        assert(st);
        assert(i);

        if (*i + 1 >= st->n)
                return;
        ++*i;
        conf_diag_warning(p->d, &st->w[*i].loc, "'%s' is ignored: keepalived skips the word after '%s' unread; "
                          "write '%s' last, or before a word to drop", st->w[*i].text, st->w[*i - 1].text,
                          st->w[*i - 1].text);
}

const char *conf_parse_net_family(int family) {
        return family == AF_INET6 ? "IPv6" : "IPv4";
}

/* ADDR or ADDR/LEN; with allow_default also "default", "any" and "all" (family 0: the line's, length 0) and
 * "default6", which keepalived still reads with a warning (vrrp_ipaddress.c parse_route()). */
bool conf_parse_net_prefix(ConfParser *p, const ConfToken *tok, bool allow_default, int *ret_family,
                           VrrpAddr *ret_addr, uint8_t *ret_len) {
        const char *slash = strchr(tok->text, '/');
        ConfToken addr = *tok;
        char buf[64];
        int len;

        assert(p);
        assert(tok);
        assert(ret_family);
        assert(ret_addr);
        assert(ret_len);

        bool v6 = strcmp(tok->text, "default6") == 0;
        if (allow_default && (v6 || strcmp(tok->text, "default") == 0 || strcmp(tok->text, "any") == 0 ||
                              strcmp(tok->text, "all") == 0)) {
                if (v6)
                        conf_diag_warning(p->d, &tok->loc, "'default6' is deprecated; use 'inet6 default'");
                *ret_family = v6 ? AF_INET6 : 0;
                *ret_addr = (VrrpAddr){};
                *ret_len = 0;
                return true;
        }
        if (slash && (size_t) (slash - tok->text) < sizeof(buf)) {
                memcpy(buf, tok->text, (size_t) (slash - tok->text));
                buf[slash - tok->text] = '\0';
                addr.text = buf;
        } else
                slash = NULL;
        if (!conf_parse_value_addr(p, &addr, ret_family, ret_addr))
                return false;
        *ret_len = *ret_family == AF_INET ? 32 : 128;
        if (!slash)
                return true;
        ConfToken plen = { .text = (char *) slash + 1, .loc = tok->loc };
        plen.loc.column += (unsigned) (slash + 1 - tok->text);
        if (!conf_parse_value_int(p, &plen, "prefix length", 0, *ret_len, &len))
                return false;
        *ret_len = (uint8_t) len;
        return true;
}

/* A decimal number up to max, as keepalived's get_u32() */
bool conf_parse_net_u32(ConfParser *p, const ConfToken *tok, const char *what, uint32_t max, uint32_t *ret) {
        long v;

        assert(ret);

        if (!conf_parse_value_long(p, tok, what, 0, max, &v))
                return false;
        *ret = (uint32_t) v;
        return true;
}

bool conf_parse_net_name(ConfParser *p, const ConfToken *tok, ConfRtFile f, const char *what, uint32_t *ret) {
        int r;

        assert(p);
        assert(tok);
        assert(what);
        assert(ret);

        r = conf_rttables_lookup(p->rt, f, tok->text, ret);
        if (r == -ENOMEM)
                p->d->oom = true;
        else if (r == -ERANGE)
                conf_diag_error(p->d, &tok->loc, "invalid %s '%s'; expected a number from 0 to %u or a name from "
                                "iproute2's %s", what, tok->text, conf_rttables_max(f), conf_rttables_file(f));
        else if (r < 0)
                conf_diag_error(p->d, &tok->loc, "unknown %s '%s'; expected a number or a name from iproute2's %s",
                                what, tok->text, conf_rttables_file(f));
        return r >= 0;
}

/* realms TO or FROM/TO */
bool conf_parse_net_realms(ConfParser *p, const ConfToken *tok, uint32_t *ret) {
        int r;

        assert(p);
        assert(tok);
        assert(ret);

        r = conf_rttables_realms(p->rt, tok->text, ret);
        if (r == -ENOMEM)
                p->d->oom = true;
        else if (r < 0)
                conf_diag_error(p->d, &tok->loc, "invalid realms '%s'; expected REALM or FROM/TO, each a number from "
                                "0 to 255 or a name from iproute2's rt_realms", tok->text);
        return r >= 0;
}

/* An interface name the kernel could hold; whether there is one is the daemon's business, as for a VIP's dev */
bool conf_parse_net_ifname(ConfParser *p, const ConfToken *tok, char **ret) {
        assert(p);
        assert(tok);
        assert(ret);

        if (!conf_parse_vmac_ifname_valid(tok->text)) {
                conf_diag_error(p->d, &tok->loc, "invalid interface name '%s'; expected 1 to 15 characters, no '/', "
                                "':' or blanks", tok->text);
                return false;
        }
        if (conf_parse_value_dup(p, tok->text, ret) < 0) {
                p->d->oom = true;
                return false;
        }
        return true;
}
