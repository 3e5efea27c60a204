#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "conf-lexer.h"
#include "conf-model.h"
#include "conf-rttables.h"

/* The parser: walks the token stream one statement (a keyword, its arguments on the same line and an optional
 * '{ }' block) at a time, dispatching through per-section keyword tables. It never recurses on the input's own
 * nesting: unknown blocks are skipped with a counter, so no input can exhaust the stack. */

typedef struct ConfStmt {
        const ConfToken *w; /* w[0] is the keyword, w[1..n) its arguments */
        size_t n;
        const ConfToken *open; /* the '{' of its block, or NULL */
} ConfStmt;

typedef struct ConfParser {
        const ConfTokens *t;
        size_t pos;
        ConfDiags *d;
        Config *c;
        bool eof;
        ConfRtNames *rt;            /* iproute2's names, read on first use */
        uint32_t next_rule_prio[2]; /* IPv4, IPv6: what a rule without preference gets (keepalived's counters) */
} ConfParser;

typedef enum ConfSection {
        CONF_SECTION_ROOT,
        CONF_SECTION_GLOBAL,
        CONF_SECTION_INSTANCE,
        CONF_SECTION_AUTH,
        CONF_SECTION_SCRIPT,
        CONF_SECTION_TRACK_FILE,
        CONF_SECTION_SYNC_GROUP,
        CONF_SECTION_TRACK_PROCESS,
        CONF_SECTION_AUTH_HMAC,
        _CONF_SECTION_MAX,
} ConfSection;

typedef struct ConfKeyword ConfKeyword;
typedef int (*ConfHandler)(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj);
typedef int (*ConfLineHandler)(ConfParser *p, const ConfStmt *st, void *obj);

#define CONF_KW_BLOCK 1u /* the keyword needs a '{ }' block, which its handler reads */

/* The generic handlers (conf_parse_value_set_*) store into obj + offset, within [min, max]. */
struct ConfKeyword {
        const char *name;
        ConfHandler handler; /* NULL: accepted and ignored */
        unsigned flags;
        size_t offset;
        long long min;
        long long max;
};

typedef struct ConfKeywordTable {
        ConfSection section;
        const char *title; /* for messages: "vrrp_instance", "the top level", … */
        const ConfKeyword *items;
        size_t n_items;
} ConfKeywordTable;

/* conf-parse.c: statements and blocks */
int conf_parse_run(const ConfTokens *t, Config *c, ConfDiags *d);
int conf_parse_next(ConfParser *p, ConfStmt *ret);
void conf_parse_skip_block(ConfParser *p, const ConfToken *open);
int conf_parse_block(ConfParser *p, const ConfStmt *owner, const ConfKeywordTable *table, void *obj);
int conf_parse_lines(ConfParser *p, const ConfStmt *owner, ConfLineHandler line, void *obj);
/* The name of a new top-level object of kind (st's one argument; expected says what it is), checked against
 * the names of that kind before it; NULL with the block skipped when it is missing or taken. */
const char *conf_parse_object_name(ConfParser *p, const ConfStmt *st, ConfObject kind, const char *expected);

/* conf-parse-value.c: arguments. Each reports its own error and returns false when the value is unusable. */
bool conf_parse_value_nargs(ConfParser *p, const ConfStmt *st, size_t min, size_t max, const char *expected);
/* Reports a command (at tok) that does not split into words, as keepalived would refuse it; true if it
 * splits. */
bool conf_parse_value_command(ConfParser *p, const ConfToken *tok, const char *command);
bool conf_parse_value_int(ConfParser *p, const ConfToken *tok, const char *what, long min, long max, int *ret);
bool conf_parse_value_long(ConfParser *p, const ConfToken *tok, const char *what, long min, long max, long *ret);
bool conf_parse_value_usec(ConfParser *p, const ConfToken *tok, const char *what, usec_t min, usec_t max,
                           usec_t *ret);
bool conf_parse_value_flag(ConfParser *p, const ConfStmt *st, bool *ret);
bool conf_parse_value_string(ConfParser *p, const ConfStmt *st, char **ret);
bool conf_parse_value_addr(ConfParser *p, const ConfToken *tok, int *ret_family, VrrpAddr *ret);
int conf_parse_value_notify(ConfParser *p, const ConfStmt *st, ConfNotify *ret);
int conf_parse_value_dup(ConfParser *p, const char *s, char **ret);
int conf_parse_value_user_group(ConfParser *p, const ConfStmt *st, char **user, char **group);
int conf_parse_value_set_flag(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj);
int conf_parse_value_set_tristate(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj);
int conf_parse_value_set_tristate(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj);
int conf_parse_value_set_int(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj);
int conf_parse_value_set_usec(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj);
int conf_parse_value_set_string(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj);
int conf_parse_value_set_notify(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj);
/* notify_deleted [COMMAND [USER [GROUP]]]: obj is the ConfInstance, kw->offset its notify.deleted */
int conf_parse_value_set_notify_deleted(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj);

/* conf-parse-track.c: scripts, tracked files, sync groups and the track_* lists */
extern const ConfKeywordTable conf_parse_track_script_table;
extern const ConfKeywordTable conf_parse_track_file_table;
extern const ConfKeywordTable conf_parse_track_sync_table;
int conf_parse_track_script(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj);
int conf_parse_track_file(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj);
int conf_parse_track_sync_group(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj);
int conf_parse_track_lists(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj);
/* "weight W [reverse]" at st->w[from], W within ±limit */
bool conf_parse_track_weight(ConfParser *p, const ConfStmt *st, size_t from, long limit, int *ret_w, bool *ret_rev);

/* conf-parse-hmac.c: auth_hmac in a vrrp_instance (obj: the ConfInstance) */
extern const ConfKeywordTable conf_parse_hmac_table;
int conf_parse_hmac(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj);
/* conf-parse-mail.c: global_defs' SMTP alert settings (obj: the ConfGlobal) */
int conf_parse_mail_email(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj);
int conf_parse_mail_from(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj);
int conf_parse_mail_helo(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj);
int conf_parse_mail_server(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj);
int conf_parse_mail_timeout(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj);
int conf_parse_mail_no_faults(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj);
/* conf-parse-process.c: vrrp_track_process */
extern const ConfKeywordTable conf_parse_process_table;
int conf_parse_process(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj);

/* conf-parse-global.c, conf-parse-instance.c, conf-parse-addr.c */
extern const ConfKeywordTable conf_parse_global_table;
int conf_parse_global_defs(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj);
/* net_namespace and instance: top-level keywords (obj: the Config) that keepalived keeps with its globals */
int conf_parse_global_net_namespace(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj);
int conf_parse_global_instance(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj);
extern const ConfKeywordTable conf_parse_instance_table;
extern const ConfKeywordTable conf_parse_instance_auth_table;
int conf_parse_instance(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj);
/* A block of address lines appended to *vips (n, n_alloc: its count and capacity); is_static: static_ipaddress's
 * form, without use_vmac. */
int conf_parse_addr_vips(ConfParser *p, const ConfStmt *st, ConfVip **vips, size_t *n, size_t *n_alloc,
                         bool is_static);
int conf_parse_addr_static(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj);
int conf_parse_addr_peers(ConfParser *p, const ConfStmt *st, ConfInstance *inst);

/* conf-parse-vmac.c: use_vmac (obj: the ConfInstance), vmac_prefix / vmac_addr_prefix (obj + kw->offset: a
 * char *), and the interface-name rule they share with the kernel */
int conf_parse_vmac(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj);
int conf_parse_vmac_prefix(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj);
bool conf_parse_vmac_ifname_valid(const char *name);
/* The parts use_vmac and use_ipvlan share: "group G" at st->w[*i], "[name] IF" at st->w[*i] (*i moves past what
 * they read). */
void conf_parse_vmac_group(ConfParser *p, const ConfStmt *st, size_t *i, bool *ret_has, uint32_t *ret_group);
int conf_parse_vmac_link_name(ConfParser *p, const ConfStmt *st, size_t *i, char **name);
/* conf-parse-ipvlan.c: use_ipvlan (obj: the ConfInstance) */
int conf_parse_ipvlan(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj);
/* garp_extra_if / vmac_garp_intvl (obj: the ConfInstance), vrrp_garp_extra_if / vrrp_vmac_garp_intvl (obj: the
 * ConfGlobal): [all] SECONDS */
int conf_parse_vmac_garp_extra_if(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj);
int conf_parse_vmac_global_garp_extra_if(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj);
/* The name keepalived gives a macvlan use_vmac leaves unnamed, at the attempt-th try (0 first). */
void conf_parse_vmac_default_name(const char *prefix, int vrid, int family, unsigned attempt, char buf[16]);

/* conf-parse-net.c: values of address, route and rule lines (see there) */
const ConfToken *conf_parse_net_value(ConfParser *p, const ConfStmt *st, size_t *i);
const char *conf_parse_net_family(int family);
void conf_parse_net_skip_after_family(ConfParser *p, const ConfStmt *st, size_t *i);
bool conf_parse_net_prefix(ConfParser *p, const ConfToken *tok, bool allow_default, int *ret_family,
                           VrrpAddr *ret_addr, uint8_t *ret_len);
bool conf_parse_net_u32(ConfParser *p, const ConfToken *tok, const char *what, uint32_t max, uint32_t *ret);
bool conf_parse_net_name(ConfParser *p, const ConfToken *tok, ConfRtFile f, const char *what, uint32_t *ret);
bool conf_parse_net_realms(ConfParser *p, const ConfToken *tok, uint32_t *ret);
bool conf_parse_net_ifname(ConfParser *p, const ConfToken *tok, char **ret);

/* conf-parse-route.c: virtual_routes (obj: the ConfInstance), static_routes (obj: the Config) */
int conf_parse_route_virtual(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj);
int conf_parse_route_static(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj);
/* conf-parse-rule.c: virtual_rules (obj: the ConfInstance), static_rules (obj: the Config) */
int conf_parse_rule_virtual(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj);
int conf_parse_rule_static(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj);
/* conf-parse-metric.c: the RTA_METRICS options of a route at st->w[*i] (mtu [lock] N, rtt, features, congctl,
 * ...): 1 when the word is one (*i moved to its last value word), 0 when it is not, -EINVAL when reported. */
int conf_parse_metric(ConfParser *p, const ConfStmt *st, size_t *i, ConfRoute *r);

/* conf-keywords.c: what keepalived 2.2.7 knows beyond what vrrpd handles */
bool conf_keywords_unsupported(ConfSection section, const char *name);
const char *conf_keywords_home(const char *name);
const char *conf_keywords_suggest(const ConfKeywordTable *table, const char *word);
