#include <assert.h>
#include <endian.h>
#include <errno.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "conf/conf-model.h"
#include "os/nl-rule.h"
#include "os/nl-talk.h"
#include "util/cleanup.h"

/* Rules of virtual_rules / static_rules through rtnetlink. Non-logging; negative errno. Built with libnl's
 * nl_msg / nla_put API: libnl 3.7's rtnl_rule has no FIB_RULE_INVERT, FRA_SUPPRESS_PREFIXLEN,
 * FRA_SUPPRESS_IFGROUP, FRA_TUN_ID or FRA_UID_RANGE. */

DEFINE_CLEANUP(struct nl_msg *, nlmsg_free)

_Static_assert(NL_RULE_IFNAMSIZ == IFNAMSIZ, "NL_RULE_IFNAMSIZ is IFNAMSIZ");

uint32_t nl_rule_table(const NlRule *rule) {
        const ConfRule *c;
        uint32_t t;

        assert(rule && rule->conf);

        c = rule->conf;
        if (c->action != FR_ACT_TO_TBL || c->l3mdev)
                return 0;
        t = c->has_table ? c->table : rule->default_table;
        return t != RT_TABLE_UNSPEC ? t : RT_TABLE_MAIN;
}

/* What selects packets: addresses, marks, interfaces, uids, ports. */
static int nl_rule_put_selectors(struct nl_msg *m, const ConfRule *c) {
        const struct fib_rule_uid_range uids = { .start = c->uid_start, .end = c->uid_end };
        const struct fib_rule_port_range sport = { .start = c->sport_start, .end = c->sport_end };
        const struct fib_rule_port_range dport = { .start = c->dport_start, .end = c->dport_end };

        if ((c->has_from && nl_talk_put_addr(m, FRA_SRC, c->family, &c->from) < 0) ||
            (c->has_to && nl_talk_put_addr(m, FRA_DST, c->family, &c->to) < 0) ||
            (c->has_fwmark &&
             (nla_put_u32(m, FRA_FWMARK, c->fwmark) < 0 || nla_put_u32(m, FRA_FWMASK, c->fwmask) < 0)) ||
            (c->iif && nla_put_string(m, FRA_IIFNAME, c->iif) < 0) ||
            (c->oif && nla_put_string(m, FRA_OIFNAME, c->oif) < 0) ||
            (c->has_tun_id && nla_put_u64(m, FRA_TUN_ID, htobe64(c->tun_id)) < 0) ||
            (c->has_uidrange && nla_put(m, FRA_UID_RANGE, sizeof(uids), &uids) < 0) ||
            (c->ipproto != 0 && nla_put_u8(m, FRA_IP_PROTO, c->ipproto) < 0) ||
            (c->has_sport && nla_put(m, FRA_SPORT_RANGE, sizeof(sport), &sport) < 0) ||
            (c->has_dport && nla_put(m, FRA_DPORT_RANGE, sizeof(dport), &dport) < 0))
                return -ENOMEM;
        return 0;
}

/* What the rule does and where it sits: table, goto, l3mdev, suppressors, realms, priority, protocol. */
static int nl_rule_put_action(struct nl_msg *m, const NlRule *rule) {
        const ConfRule *c = rule->conf;
        uint32_t table = nl_rule_table(rule);

        if ((table > 255 && nla_put_u32(m, FRA_TABLE, table) < 0) ||
            (c->action == FR_ACT_GOTO && nla_put_u32(m, FRA_GOTO, c->goto_target) < 0) ||
            (c->l3mdev && nla_put_u8(m, FRA_L3MDEV, 1) < 0) ||
            (c->has_suppress_prefixlen &&
             nla_put_u32(m, FRA_SUPPRESS_PREFIXLEN, c->suppress_prefixlen) < 0) ||
            (c->has_suppress_ifgroup && nla_put_u32(m, FRA_SUPPRESS_IFGROUP, c->suppress_ifgroup) < 0) ||
            (c->realms != 0 && nla_put_u32(m, FRA_FLOW, c->realms) < 0) ||
            (c->has_priority && nla_put_u32(m, FRA_PRIORITY, c->priority) < 0) ||
            (c->protocol != 0 && nla_put_u8(m, FRA_PROTOCOL, c->protocol) < 0))
                return -ENOMEM;
        return 0;
}

int nl_rule_request(const NlRule *rule, int type, struct nl_msg **ret) {
        _cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
        const ConfRule *c;
        struct fib_rule_hdr frh;
        uint32_t table;
        int r;

        assert(rule && rule->conf);
        assert(type == RTM_NEWRULE || type == RTM_DELRULE);
        assert(ret);

        c = rule->conf;
        table = nl_rule_table(rule);
        frh = (struct fib_rule_hdr){
                .family = (uint8_t) c->family,
                .dst_len = c->has_to ? c->to_len : 0,
                .src_len = c->has_from ? c->from_len : 0,
                .tos = c->tos,
                .table = (uint8_t) (table > 255 ? RT_TABLE_UNSPEC : table),
                .action = c->action,
                .flags = c->invert ? FIB_RULE_INVERT : 0,
        };
        m = nlmsg_alloc_simple(type, NLM_F_REQUEST | NLM_F_ACK |
                                             (type == RTM_NEWRULE ? NLM_F_CREATE | NLM_F_EXCL : 0));
        if (!m || nlmsg_append(m, &frh, sizeof(frh), NLMSG_ALIGNTO) < 0)
                return -ENOMEM;
        r = nl_rule_put_selectors(m, c);
        if (r < 0)
                return r;
        r = nl_rule_put_action(m, rule);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(m);
        return 0;
}

int nl_rule_add(struct nl_sock *sk, const NlRule *rule) {
        _cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
        int r;

        assert(sk);

        r = nl_rule_request(rule, RTM_NEWRULE, &m);
        if (r < 0)
                return r;
        r = nl_talk(sk, m);
        return r == -EEXIST ? 1 : r;
}

int nl_rule_del(struct nl_sock *sk, const NlRule *rule) {
        _cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
        int r;

        assert(sk);

        r = nl_rule_request(rule, RTM_DELRULE, &m);
        return r < 0 ? r : nl_talk(sk, m);
}

static const struct nla_policy nl_rule_policy[FRA_MAX + 1] = {
        [FRA_PRIORITY] = { .type = NLA_U32 },   [FRA_TABLE] = { .type = NLA_U32 },
        [FRA_FWMARK] = { .type = NLA_U32 },     [FRA_FWMASK] = { .type = NLA_U32 },
        [FRA_GOTO] = { .type = NLA_U32 },       [FRA_PROTOCOL] = { .type = NLA_U8 },
        [FRA_L3MDEV] = { .type = NLA_U8 },      [FRA_IIFNAME] = { .type = NLA_STRING },
        [FRA_OIFNAME] = { .type = NLA_STRING },
};

static uint32_t nl_rule_u32(const struct nlattr *a) {
        return a ? nla_get_u32(a) : 0;
}

int nl_rule_event_parse(const struct nlmsghdr *h, NlRuleEvent *ret) {
        struct nlattr *tb[FRA_MAX + 1];
        const struct fib_rule_hdr *frh;

        assert(h);
        assert(ret);

        if (!nlmsg_valid_hdr(h, sizeof(*frh)))
                return -EBADMSG;
        frh = nlmsg_data(h);
        /* nlmsg_parse() only reads h, whatever its prototype says */
        if ((frh->family != AF_INET && frh->family != AF_INET6) ||
            nlmsg_parse((struct nlmsghdr *) h, sizeof(*frh), tb, FRA_MAX, nl_rule_policy) < 0)
                return -EBADMSG;
        *ret = (NlRuleEvent){
                .family = frh->family,
                .priority = nl_rule_u32(tb[FRA_PRIORITY]),
                .table = tb[FRA_TABLE] ? nla_get_u32(tb[FRA_TABLE]) : frh->table,
                .action = frh->action,
                .invert = frh->flags & FIB_RULE_INVERT,
                .from_len = frh->src_len,
                .to_len = frh->dst_len,
                .tos = frh->tos,
                .fwmark = nl_rule_u32(tb[FRA_FWMARK]),
                .fwmask = nl_rule_u32(tb[FRA_FWMASK]),
                .goto_target = nl_rule_u32(tb[FRA_GOTO]),
                .protocol = tb[FRA_PROTOCOL] ? nla_get_u8(tb[FRA_PROTOCOL]) : 0,
                .l3mdev = tb[FRA_L3MDEV] && nla_get_u8(tb[FRA_L3MDEV]),
        };
        if (tb[FRA_IIFNAME])
                nla_strlcpy(ret->iif, tb[FRA_IIFNAME], sizeof(ret->iif));
        if (tb[FRA_OIFNAME])
                nla_strlcpy(ret->oif, tb[FRA_OIFNAME], sizeof(ret->oif));
        if (nl_talk_get_addr(tb[FRA_SRC], ret->family, &ret->from) < 0 ||
            nl_talk_get_addr(tb[FRA_DST], ret->family, &ret->to) < 0)
                return -EBADMSG;
        return 0;
}

static bool nl_rule_prefix_is(int family, bool has, const VrrpAddr *a, uint8_t a_len, const VrrpAddr *b,
                              uint8_t b_len) {
        if (!has)
                return b_len == 0;
        return a_len == b_len && a_len <= 8 * vrrp_addr_len(family) &&
               vrrp_addr_prefix_equal(family, a, b, a_len);
}

static bool nl_rule_name_is(const char *name, const char *e) {
        return strcmp(name ?: "", e) == 0;
}

bool nl_rule_is(const NlRule *rule, const NlRuleEvent *e) {
        const ConfRule *c;

        assert(rule && rule->conf);
        assert(e);

        c = rule->conf;
        if (e->family != c->family || e->action != c->action || e->invert != c->invert || e->tos != c->tos ||
            e->protocol != c->protocol || e->l3mdev != c->l3mdev ||
            (c->has_priority && e->priority != c->priority))
                return false;
        if ((c->action == FR_ACT_TO_TBL && !c->l3mdev && e->table != nl_rule_table(rule)) ||
            (c->action == FR_ACT_GOTO && e->goto_target != c->goto_target))
                return false;
        if (!nl_rule_prefix_is(c->family, c->has_from, &c->from, c->from_len, &e->from, e->from_len) ||
            !nl_rule_prefix_is(c->family, c->has_to, &c->to, c->to_len, &e->to, e->to_len))
                return false;
        if (c->has_fwmark ? e->fwmark != c->fwmark || e->fwmask != c->fwmask
                          : e->fwmark != 0 || e->fwmask != 0)
                return false;
        return nl_rule_name_is(c->iif, e->iif) && nl_rule_name_is(c->oif, e->oif);
}

bool nl_rule_same(const NlRule *a, const NlRule *b) {
        _cleanup_(nlmsg_freep) struct nl_msg *x = NULL, *y = NULL;

        assert(a);
        assert(b);

        if (nl_rule_request(a, RTM_NEWRULE, &x) < 0 || nl_rule_request(b, RTM_NEWRULE, &y) < 0)
                return false;
        return nl_talk_same(x, y);
}
