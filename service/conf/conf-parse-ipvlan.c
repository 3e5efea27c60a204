#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "conf-parse.h"

/* use_ipvlan [[name] IF] [ADDR[/PREFIX]] [bridge|private|vepa] [group G], in any order, as keepalived 2.4 reads
 * it (vrrp_ipvlan_handler()). Where keepalived reports a bad part and goes on without it, vrrpd refuses. */

static const char *const ipvlan_modes[] = {
        [CONF_IPVLAN_BRIDGE] = "bridge",
        [CONF_IPVLAN_PRIVATE] = "private",
        [CONF_IPVLAN_VEPA] = "vepa",
};

static int ipvlan_mode_of(const char *word) {
        for (size_t k = 0; k < sizeof(ipvlan_modes) / sizeof(ipvlan_modes[0]); k++)
                if (strcmp(word, ipvlan_modes[k]) == 0)
                        return (int) k;
        return -1;
}

/* ADDR or ADDR/PREFIX: true when the word is an address (reported if it is a bad one). */
static bool ipvlan_addr(ConfParser *p, const ConfToken *w, ConfIpvlan *v) {
        char text[64];
        const char *slash = strchr(w->text, '/');
        ConfToken t = *w;
        char *end;
        long len;

        if (strlen(w->text) >= sizeof(text) || !strpbrk(w->text, ".:"))
                return false;
        v->addr_seen = true;
        snprintf(text, sizeof(text), "%.*s", slash ? (int) (slash - w->text) : (int) strlen(w->text), w->text);
        t.text = text;
        if (v->has_addr) {
                conf_diag_error(p->d, &w->loc, "'use_ipvlan' has an address already; '%s' is a second one", w->text);
                return true;
        }
        if (!conf_parse_value_addr(p, &t, &v->addr_family, &v->addr))
                return true;
        len = v->addr_family == AF_INET ? 32 : 128;
        if (slash) {
                long max = len;

                len = strtol(slash + 1, &end, 10);
                if (!slash[1] || *end || len < 0 || len > max) {
                        conf_diag_error(p->d, &w->loc, "invalid prefix length in '%s'; expected 0 to %ld", w->text,
                                        max);
                        return true;
                }
        }
        v->prefixlen = (uint8_t) len;
        v->has_addr = true;
        return true;
}

int conf_parse_ipvlan(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfInstance *inst = obj;
        ConfIpvlan *v;
        bool had_mode = false;
        int r = 0;

        assert(p);
        assert(st);
        assert(inst);

        v = &inst->ipvlan;
        if (v->enabled) {
                conf_diag_error(p->d, &st->w[0].loc, "'use_ipvlan' is given already in this vrrp_instance");
                return 0;
        }
        *v = (ConfIpvlan){ .enabled = true, .loc = st->w[0].loc };
        for (size_t i = 1; i < st->n && r >= 0; i++) {
                const char *word = st->w[i].text;
                int mode = ipvlan_mode_of(word);

                if (mode >= 0) {
                        if (had_mode)
                                conf_diag_error(p->d, &st->w[i].loc, "'use_ipvlan' has a mode already; '%s' is "
                                                "a second one", word);
                        v->mode = (ConfIpvlanMode) mode;
                        had_mode = true;
                } else if (strcmp(word, "group") == 0)
                        conf_parse_vmac_group(p, st, &i, &v->has_group, &v->group);
                else if (strcmp(word, "name") != 0 && ipvlan_addr(p, &st->w[i], v))
                        continue;
                else
                        r = conf_parse_vmac_link_name(p, st, &i, &v->name);
        }
        return r;
}
