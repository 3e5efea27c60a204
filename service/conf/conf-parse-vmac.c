#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/cleanup.h"
#include "conf-parse.h"

/* The virtual MAC keywords of an instance and of global_defs, in every form keepalived (up to 2.4) accepts:
 *   use_vmac [[name] IF] [MAC] [netlink_notify_msg] [group G]
 * in any order; a word with a ':' is the MAC (an interface name cannot hold one), "name" makes the next word the
 * name whatever it is. Where keepalived reports a bad part and goes on without it, vrrpd refuses the config: a
 * macvlan other than the one asked for would run differently. */

#define IFNAME_MAX 15 /* IFNAMSIZ - 1 */
#define GROUP_FILES "/etc/iproute2/group", "/usr/share/iproute2/group"

bool conf_parse_vmac_ifname_valid(const char *name) {
        size_t n = strlen(name);

        assert(name);

        if (n == 0 || n > IFNAME_MAX || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
                return false;
        for (const char *c = name; *c; c++)
                if (*c == '/' || *c == ':' || isspace((unsigned char) *c))
                        return false;
        return true;
}

/* Six octets, or five with the VRID as the sixth (keepalived: "aa:bb:cc:dd:ee" or "aa:bb:cc:dd:ee:"). */
static bool parse_mac(const char *s, uint8_t mac[6], bool *ret_vrid) {
        size_t k = 0;

        if (s[strspn(s, "0123456789abcdefABCDEF:")] != '\0')
                return false;
        for (;;) {
                char *end;
                unsigned long v = strtoul(s, &end, 16);

                if (end == s || end - s > 2 || (*end != ':' && *end != '\0'))
                        return false;
                mac[k++] = (uint8_t) v;
                if (*end == '\0' || (k == 5 && end[1] == '\0'))
                        break;
                if (k == 6)
                        return false; /* a seventh octet, or a ':' after the sixth */
                s = end + 1;
        }
        if (k < 5)
                return false;
        *ret_vrid = k == 5;
        return true;
}

static void vmac_mac(ConfParser *p, const ConfToken *w, ConfVmac *v) {
        static const uint8_t rfc[4] = { 0x00, 0x00, 0x5e, 0x00 };

        if (v->has_mac) {
                conf_diag_error(p->d, &w->loc, "'use_vmac' has a MAC address already; '%s' is a second one", w->text);
                return;
        }
        if (!parse_mac(w->text, v->mac, &v->mac_vrid)) {
                conf_diag_error(p->d, &w->loc, "invalid MAC address '%s' for 'use_vmac'; expected six octets "
                                "(or five, the VRID being the sixth) like 02:00:5e:00:01:07", w->text);
                return;
        }
        if (v->mac[0] & 0x01)
                conf_diag_error(p->d, &w->loc, "'use_vmac' MAC address '%s' is a multicast address", w->text);
        else if (memcmp(v->mac, rfc, sizeof(rfc)) == 0 && (v->mac[4] == 0x01 || v->mac[4] == 0x02))
                conf_diag_error(p->d, &w->loc, "'use_vmac' MAC address '%s' is in the VRRP range "
                                "00:00:5e:00:01|02:XX, which vrrpd uses already; leave the MAC out for it",
                                w->text);
        else
                v->has_mac = true;
}

/* A link group's number from iproute2's group file ("NUMBER NAME" lines, '#' comments). */
static bool group_from_file(const char *path, const char *name, uint32_t *ret) {
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        char line[256];

        while (f && fgets(line, sizeof(line), f)) {
                char word[128];
                unsigned long v;

                if (sscanf(line, " %lu %127s", &v, word) == 2 && line[strspn(line, " \t")] != '#' &&
                    v <= UINT32_MAX && strcmp(word, name) == 0) {
                        *ret = (uint32_t) v;
                        return true;
                }
        }
        return false;
}

static bool parse_group(const char *s, uint32_t *ret) {
        static const char *const files[] = { GROUP_FILES };
        char *end;
        unsigned long v;

        errno = 0;
        v = strtoul(s, &end, 0);
        if (*s && !isspace((unsigned char) *s) && *s != '-' && *end == '\0' && errno == 0 && v <= UINT32_MAX) {
                *ret = (uint32_t) v;
                return true;
        }
        if (strcmp(s, "default") == 0) {
                *ret = 0;
                return true;
        }
        for (size_t k = 0; k < ELEMENTSOF(files); k++)
                if (group_from_file(files[k], s, ret))
                        return true;
        return false;
}

void conf_parse_vmac_group(ConfParser *p, const ConfStmt *st, size_t *i, bool *ret_has, uint32_t *ret_group) {
        const ConfToken *w;

        assert(p);
        assert(st);
        assert(i && *i < st->n);
        assert(ret_has);
        assert(ret_group);

        w = &st->w[*i];
        if (*i + 1 >= st->n) {
                conf_diag_error(p->d, &w->loc, "missing value after 'group'; expected a link group number or a name "
                                "from /etc/iproute2/group");
                return;
        }
        w = &st->w[++*i];
        if (!parse_group(w->text, ret_group))
                conf_diag_error(p->d, &w->loc, "unknown link group '%s'; expected a number or a name from "
                                "/etc/iproute2/group", w->text);
        else
                *ret_has = true;
}

int conf_parse_vmac_link_name(ConfParser *p, const ConfStmt *st, size_t *i, char **name) {
        const ConfToken *w;

        assert(p);
        assert(st);
        assert(i && *i < st->n);
        assert(name);

        w = &st->w[*i];
        if (strcmp(w->text, "name") == 0) {
                if (*i + 1 >= st->n) {
                        conf_diag_error(p->d, &w->loc, "missing interface name after 'name'");
                        return 0;
                }
                w = &st->w[++*i];
        }
        if (*name) {
                conf_diag_error(p->d, &w->loc, "'%s' has an interface name already; '%s' is a second one",
                                st->w[0].text, w->text);
                return 0;
        }
        if (!conf_parse_vmac_ifname_valid(w->text)) {
                conf_diag_error(p->d, &w->loc, "invalid interface name '%s' for '%s'; expected 1 to %d "
                                "characters without '/', ':' or blanks", w->text, st->w[0].text, IFNAME_MAX);
                return 0;
        }
        return conf_parse_value_dup(p, w->text, name);
}

int conf_parse_vmac(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfInstance *inst = obj;
        ConfVmac *v;
        int r = 0;

        assert(p);
        assert(st);
        assert(inst);

        v = &inst->vmac;
        if (v->enabled)
                conf_diag_warning(p->d, &st->w[0].loc, "'use_vmac' given twice; the later words add to the first");
        v->enabled = true;
        v->loc = st->w[0].loc;
        for (size_t i = 1; i < st->n && r >= 0; i++) {
                const char *word = st->w[i].text;

                if (strcmp(word, "name") != 0 && strchr(word, ':'))
                        vmac_mac(p, &st->w[i], v);
                else if (strcmp(word, "netlink_notify_msg") == 0)
                        v->netlink_notify = true;
                else if (strcmp(word, "group") == 0)
                        conf_parse_vmac_group(p, st, &i, &v->has_group, &v->group);
                else
                        r = conf_parse_vmac_link_name(p, st, &i, &v->name);
        }
        return r;
}

/* vmac_prefix / vmac_addr_prefix: what the generated names start with (keepalived: "vrrp"). keepalived cuts a
 * long prefix so that "PREFIX.VRID" fits in an interface name; vrrpd does the same, and says so. */
int conf_parse_vmac_prefix(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        char **field;

        assert(p);
        assert(st);
        assert(kw);
        assert(obj);

        field = (char **) ((char *) obj + kw->offset);
        if (!conf_parse_value_nargs(p, st, 1, 1, "an interface name prefix"))
                return 0;
        if (!conf_parse_vmac_ifname_valid(st->w[1].text)) {
                conf_diag_error(p->d, &st->w[1].loc, "invalid interface name prefix '%s' for '%s'; expected 1 to %d "
                                "characters without '/', ':' or blanks", st->w[1].text, kw->name, IFNAME_MAX);
                return 0;
        }
        if (strlen(st->w[1].text) > IFNAME_MAX - 4)
                conf_diag_warning(p->d, &st->w[1].loc, "'%s' %s is longer than %d characters: names made from it "
                                  "are cut to fit \"PREFIX.VRID\" in %d characters, as keepalived does", kw->name,
                                  st->w[1].text, IFNAME_MAX - 4, IFNAME_MAX);
        free(*field);
        *field = NULL;
        return conf_parse_value_dup(p, st->w[1].text, field);
}

/* keepalived's create_vmac_name(): PREFIX.VRID, then PREFIX1.VRID, PREFIX2.VRID…, IPv6 trying PREFIX6.VRID
 * second; the prefix is cut so the name fits. attempt counts from 0. */
void conf_parse_vmac_default_name(const char *prefix, int vrid, int family, unsigned attempt, char buf[16]) {
        unsigned num;
        int len;

        assert(prefix);
        assert(buf);

        if (attempt == 0) {
                len = snprintf(buf, 16, "%s.%d", prefix, vrid);
                if (len >= 16)
                        snprintf(buf, 16, "%.*s.%d", (int) strlen(prefix) - (len - 16) - 1, prefix, vrid);
                return;
        }
        if (family == AF_INET6)
                num = attempt == 1 ? 6 : attempt - 1 >= 6 ? attempt : attempt - 1; /* 6, 1, 2, 3, 4, 5, 7, … */
        else
                num = attempt;
        len = snprintf(buf, 16, "%s%u.%d", prefix, num, vrid);
        if (len >= 16)
                snprintf(buf, 16, "%.*s%u.%d", (int) strlen(prefix) - (len - 16) - 1, prefix, num, vrid);
}

/* [all] SECONDS (0 to 86400, either order; keepalived's vrrp_garp_extra_if_handler()). False when unusable. */
static bool parse_extra_if(ConfParser *p, const ConfStmt *st, usec_t *ret, bool *ret_all) {
        bool all = false, have = false;
        int v = 0;

        if (strcmp(st->w[0].text, "vmac_garp_intvl") == 0 || strcmp(st->w[0].text, "vrrp_vmac_garp_intvl") == 0)
                conf_diag_warning(p->d, &st->w[0].loc, "'%s' is deprecated, as in keepalived; use '%s'",
                                  st->w[0].text, st->w[0].text[0] == 'v' && st->w[0].text[1] == 'r'
                                                         ? "vrrp_garp_extra_if" : "garp_extra_if");
        if (!conf_parse_value_nargs(p, st, 1, 2, "[all] seconds"))
                return false;
        for (size_t i = 1; i < st->n; i++) {
                if (strcmp(st->w[i].text, "all") == 0)
                        all = true;
                else if (have || !conf_parse_value_int(p, &st->w[i], st->w[0].text, 0, 86400, &v))
                        return have ? conf_diag_error(p->d, &st->w[i].loc, "unexpected '%s'; expected "
                                                      "[all] seconds", st->w[i].text), false : false;
                else
                        have = true;
        }
        if (!have)
                return conf_diag_error(p->d, &st->w[0].loc, "'%s' needs an interval in seconds",
                                       st->w[0].text), false;
        *ret = (usec_t) v * USEC_PER_SEC;
        *ret_all = all;
        return true;
}

int conf_parse_vmac_garp_extra_if(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfInstance *i = obj;
        bool all;

        assert(p);
        assert(st);
        assert(i);

        if (parse_extra_if(p, st, &i->garp_extra_if, &all))
                i->garp_extra_all = all;
        return 0;
}

int conf_parse_vmac_global_garp_extra_if(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfGlobal *g = obj;

        assert(p);
        assert(st);
        assert(g);

        (void) parse_extra_if(p, st, &g->garp_extra_if, &g->garp_extra_all);
        return 0;
}
