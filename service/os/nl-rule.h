#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "core/vrrp-addr.h"

/* IFNAMSIZ, spelled out: <net/if.h> and <linux/if.h> cannot both be included, and users of this header
 * include either (nl-rule.c checks that they agree). */
#define NL_RULE_IFNAMSIZ 16

struct ConfRule;
struct nl_msg;
struct nl_sock;
struct nlmsghdr;

/* A rule of virtual_rules / static_rules, and the table for one that looks a table up without naming it:
 * RT_TABLE_MAIN, or the VRF's table when the instance's interface is enslaved to one. */
typedef struct NlRule {
        const struct ConfRule *conf;
        uint32_t default_table;
} NlRule;

/* What a rule notice says of a rule: enough of it to tell ours. */
typedef struct NlRuleEvent {
        int family;
        uint32_t priority;        /* FRA_PRIORITY; 0 when absent */
        uint32_t table;           /* FRA_TABLE, else the header's */
        uint8_t action;           /* FR_ACT_* */
        bool invert;              /* FIB_RULE_INVERT ("not") */
        VrrpAddr from;
        uint8_t from_len;
        VrrpAddr to;
        uint8_t to_len;
        uint8_t tos;
        uint32_t fwmark;
        uint32_t fwmask;
        char iif[NL_RULE_IFNAMSIZ]; /* "" for none */
        char oif[NL_RULE_IFNAMSIZ];
        uint32_t goto_target;
        uint8_t protocol;
        bool l3mdev;
} NlRuleEvent;

/* The table a FR_ACT_TO_TBL rule looks up (0 for l3mdev rules and other actions). */
uint32_t nl_rule_table(const NlRule *rule);

/* The RTM_NEWRULE / RTM_DELRULE request for rule (type: one of those two), for nl_rule_add/del and tests. */
int nl_rule_request(const NlRule *rule, int type, struct nl_msg **ret);

/* Adds rule with NLM_F_CREATE|NLM_F_EXCL, as ip(8) and keepalived do: without EXCL the kernel would happily
 * hold two identical rules. 0: added; 1: the kernel holds an identical rule already (its own comparison of
 * every attribute said EEXIST). A rule without priority gets one from the kernel, just below the first rule
 * after priority 0, so adding such a rule twice makes two: keepalived gives each one a priority at load
 * (16384 down), and the config's completion should too. */
int nl_rule_add(struct nl_sock *sk, const NlRule *rule);
/* Deletes rule, matching every attribute it names. -ENOENT: there is none such, which callers usually
 * ignore. */
int nl_rule_del(struct nl_sock *sk, const NlRule *rule);

/* Reads an RTM_NEWRULE / RTM_DELRULE message. -EBADMSG: not a rule message of IPv4 or IPv6. */
int nl_rule_event_parse(const struct nlmsghdr *h, NlRuleEvent *ret);
/* Whether e is about rule: family, action, invert, from/to, tos, fwmark/mask, iif/oif, protocol, the table
 * (or goto target, or l3mdev) and, if rule gives one, the priority. */
bool nl_rule_is(const NlRule *rule, const NlRuleEvent *e);
/* Whether a and b make the same request: the same rule in the kernel. */
bool nl_rule_same(const NlRule *a, const NlRule *b);
