#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../util/array.h"
#include "conf-parse.h"

#define TIME_MAX ((long long) (UINT32_MAX / 100) * (long long) USEC_PER_SEC)
#define AUTH_PASS_MAX 8 /* the VRRPv2 authentication data field */

static int parse_state(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfInstance *inst = obj;

        if (!conf_parse_value_nargs(p, st, 1, 1, "MASTER or BACKUP"))
                return 0;
        if (strcmp(st->w[1].text, "MASTER") != 0 && strcmp(st->w[1].text, "BACKUP") != 0) {
                conf_diag_error(p->d, &st->w[1].loc, "invalid state '%s'; expected MASTER or BACKUP", st->w[1].text);
                return 0;
        }
        inst->state = strcmp(st->w[1].text, "MASTER") == 0 ? CONF_STATE_MASTER : CONF_STATE_BACKUP;
        inst->state_loc = st->w[1].loc;
        return 0;
}

/* An int field whose location is kept too, in *loc. */
static int parse_located_int(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj, ConfLoc *loc) {
        char expected[64];
        int v;

        snprintf(expected, sizeof(expected), "an integer from %lld to %lld", kw->min, kw->max);
        if (!conf_parse_value_nargs(p, st, 1, 1, expected) ||
            !conf_parse_value_int(p, &st->w[1], kw->name, (long) kw->min, (long) kw->max, &v))
                v = 0; /* reported: given but unusable, so "missing" is not reported too */
        *(int *) ((char *) obj + kw->offset) = v;
        *loc = st->w[st->n > 1 ? 1 : 0].loc;
        return 0;
}

static int parse_vrid(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        return parse_located_int(p, st, kw, obj, &((ConfInstance *) obj)->vrid_loc);
}

static int parse_priority(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        return parse_located_int(p, st, kw, obj, &((ConfInstance *) obj)->priority_loc);
}

static int parse_version(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        return parse_located_int(p, st, kw, obj, &((ConfInstance *) obj)->version_loc);
}

static int parse_interface(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfInstance *inst = obj;

        if (!conf_parse_value_nargs(p, st, 1, 1, "an interface name"))
                return 0;
        if (strlen(st->w[1].text) >= 16) {
                conf_diag_error(p->d, &st->w[1].loc, "interface name '%s' is too long; expected at most 15 characters",
                                st->w[1].text);
                return 0;
        }
        inst->interface_loc = st->w[1].loc;
        return conf_parse_value_dup(p, st->w[1].text, &inst->interface);
}

/* 0.01 s to 255 s as keepalived reads it; the version-specific limits are checked once the version is known */
static int parse_advert_int(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfInstance *inst = obj;
        usec_t v;

        if (conf_parse_value_nargs(p, st, 1, 1, "seconds") &&
            conf_parse_value_usec(p, &st->w[1], kw->name, 10 * USEC_PER_MSEC, 255 * USEC_PER_SEC, &v)) {
                inst->advert_int = v;
                inst->advert_int_loc = st->w[1].loc;
        }
        return 0;
}

static int parse_preempt(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfInstance *inst = obj;
        bool on;

        if (!conf_parse_value_flag(p, st, &on))
                return 0;
        inst->nopreempt = kw->min ? on : !on;
        inst->nopreempt_loc = st->w[0].loc;
        return 0;
}

static int parse_owner_ignore_adverts(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfInstance *inst = obj;
        bool on;

        if (!conf_parse_value_flag(p, st, &on))
                return 0;
        inst->owner_ignore_adverts = on;
        inst->owner_ignore_adverts_loc = st->w[0].loc;
        return 0;
}

/* fast_preempt [on|off] (vrrpd's extension; keepalived does not know it) */
static int parse_fast_preempt(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfInstance *inst = obj;
        bool on;

        if (!conf_parse_value_flag(p, st, &on))
                return 0;
        inst->fast_preempt = on;
        inst->fast_preempt_loc = st->w[0].loc;
        return 0;
}

/* timer_expired_backup [PRIORITY]: the highest priority of the other routers, 254 unless given. keepalived 2.3.0's
 * release notes called it thread_timer_expired, which 2.3.2 reads too, asking for the new name. */
static int parse_timer_expired_backup(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfInstance *inst = obj;
        int v = 254;

        if (!conf_parse_value_nargs(p, st, 0, 1, "the highest priority of the other routers (1 to 254)"))
                return 0;
        if (st->n > 1 && !conf_parse_value_int(p, &st->w[1], kw->name, 1, 254, &v))
                return 0;
        if (strcmp(kw->name, "thread_timer_expired") == 0)
                conf_diag_warning(p->d, &st->w[0].loc, "'thread_timer_expired' is keepalived's old name; "
                                  "write 'timer_expired_backup'");
        inst->timer_expired_backup = v;
        inst->timer_expired_backup_loc = st->w[0].loc;
        return 0;
}

static int parse_accept(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfInstance *inst = obj;

        conf_parse_value_nargs(p, st, 0, 0, "nothing");
        inst->accept = (int) kw->min;
        return 0;
}

static int parse_auth_type(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfInstance *inst = obj;

        if (!conf_parse_value_nargs(p, st, 1, 1, "PASS or AH"))
                return 0;
        if (strcmp(st->w[1].text, "PASS") == 0)
                inst->auth_type = CONF_AUTH_PASS;
        else if (strcmp(st->w[1].text, "AH") == 0)
                inst->auth_type = CONF_AUTH_AH;
        else
                conf_diag_error(p->d, &st->w[1].loc, "invalid auth_type '%s'; expected PASS or AH", st->w[1].text);
        return 0;
}

static int parse_auth_pass(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfInstance *inst = obj;
        int r;

        if (!conf_parse_value_nargs(p, st, 1, 1, "a password"))
                return 0;
        r = conf_parse_value_dup(p, st->w[1].text, &inst->auth_pass);
        if (r >= 0 && strlen(inst->auth_pass) > AUTH_PASS_MAX) {
                /* no message quotes a secret */
                conf_diag_warning(p->d, &st->w[1].loc, "auth_pass is longer than %d characters; only its first %d "
                                  "are used", AUTH_PASS_MAX, AUTH_PASS_MAX);
                explicit_bzero(inst->auth_pass + AUTH_PASS_MAX, strlen(inst->auth_pass + AUTH_PASS_MAX));
        }
        return r;
}

static const ConfKeyword auth_keywords[] = {
        { "auth_type", parse_auth_type },
        { "auth_pass", parse_auth_pass },
};

const ConfKeywordTable conf_parse_instance_auth_table = {
        .section = CONF_SECTION_AUTH,
        .title = "authentication",
        .items = auth_keywords,
        .n_items = sizeof(auth_keywords) / sizeof(auth_keywords[0]),
};

static int parse_authentication(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfInstance *inst = obj;

        inst->auth_loc = st->w[0].loc;
        return conf_parse_block(p, st, &conf_parse_instance_auth_table, inst);
}

static int parse_src_ip(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfInstance *inst = obj;
        bool unicast = kw->min;
        VrrpAddr a;
        int family;

        if (!conf_parse_value_nargs(p, st, 1, 1, "an IP address") || !conf_parse_value_addr(p, &st->w[1], &family, &a))
                return 0;
        if (unicast) {
                inst->unicast_configured = true;
                inst->has_unicast_src = true;
                inst->unicast_src = a;
                inst->unicast_src_family = family;
        } else {
                inst->has_mcast_src = true;
                inst->mcast_src = a;
                inst->mcast_src_family = family;
        }
        return 0;
}

/* Checked once the family is known (conf-complete.c) */
static int parse_mcast_dst(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfInstance *inst = obj;

        if (!conf_parse_value_nargs(p, st, 1, 1, "a multicast address") ||
            !conf_parse_value_addr(p, &st->w[1], &inst->mcast_dst_family, &inst->mcast_dst))
                return 0;
        inst->mcast_dst_loc = st->w[1].loc;
        return 0;
}

static int parse_vrf(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfInstance *inst = obj;

        if (!conf_parse_value_nargs(p, st, 1, 1, "a VRF device name"))
                return 0;
        if (strlen(st->w[1].text) >= 16) {
                conf_diag_error(p->d, &st->w[1].loc, "VRF interface name '%s' is too long (15 characters at most)",
                                st->w[1].text);
                return 0;
        }
        inst->vrf_loc = st->w[1].loc;
        return conf_parse_value_dup(p, st->w[1].text, &inst->vrf);
}

static int parse_vips(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfInstance *i = obj;

        if (kw->min)
                return conf_parse_addr_vips(p, st, &i->excluded_vips, &i->n_excluded_vips,
                                            &i->n_excluded_vips_alloc, false);
        return conf_parse_addr_vips(p, st, &i->vips, &i->n_vips, &i->n_vips_alloc, false);
}

static int parse_peers(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ((ConfInstance *) obj)->unicast_configured = true;
        return conf_parse_addr_peers(p, st, obj);
}

#define I(f) offsetof(ConfInstance, f)
/* keepalived's "old_unicast_checksum [never]": send VRRPv3 unicast adverts with the checksum older keepalived
 * computed (pseudo-header naming 224.0.0.18), or never switch to it; unset, follow what the peer sends. */
static int parse_old_unicast_checksum(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfInstance *i = obj;

        if (!conf_parse_value_nargs(p, st, 0, 1, "nothing or 'never'"))
                return 0;
        if (st->n > 1 && strcmp(st->w[1].text, "never") != 0) {
                conf_diag_error(p->d, &st->w[1].loc, "invalid value '%s' for '%s'; expected nothing or 'never'",
                                st->w[1].text, st->w[0].text);
                return 0;
        }
        i->old_unicast_checksum = st->n > 1 ? CONF_CHECKSUM_NEVER : CONF_CHECKSUM_ALWAYS;
        i->unicast_configured = true;
        return 0;
}

static const ConfKeyword instance_keywords[] = {
        { "state", parse_state },
        { "interface", parse_interface },
        { "vrf", parse_vrf },
        { "virtual_router_id", parse_vrid, 0, I(vrid), 1, 255 },
        { "priority", parse_priority, 0, I(priority), 1, 255 },
        { "advert_int", parse_advert_int },
        { "version", parse_version, 0, I(version), 2, 3 },
        { "nopreempt", parse_preempt, 0, 0, 1 },
        { "preempt", parse_preempt, 0, 0, 0 },
        { "preempt_delay", conf_parse_value_set_usec, 0, I(preempt_delay), 0, 1000 * USEC_PER_SEC },
        { "accept", parse_accept, 0, 0, 1 },
        { "no_accept", parse_accept, 0, 0, 0 },
        { "strict_mode", conf_parse_value_set_tristate, 0, I(strict_mode) },
        { "authentication", parse_authentication, CONF_KW_BLOCK },
        { "auth_hmac", conf_parse_hmac, CONF_KW_BLOCK },
        { "virtual_ipaddress", parse_vips, CONF_KW_BLOCK, 0, 0 },
        { "virtual_ipaddress_excluded", parse_vips, CONF_KW_BLOCK, 0, 1 },
        { "no_virtual_ipaddress", conf_parse_value_set_flag, 0, I(no_virtual_ipaddress) },
        { "unicast_src_ip", parse_src_ip, 0, 0, 1 },
        { "unicast_peer", parse_peers, CONF_KW_BLOCK },
        { "unicast_ttl", conf_parse_value_set_int, 0, I(unicast_ttl), 1, 255 },
        { "mcast_src_ip", parse_src_ip, 0, 0, 0 },
        { "mcast_dst_ip", parse_mcast_dst },
        { "track_interface", conf_parse_track_lists, CONF_KW_BLOCK, I(tracks), 0 },
        { "track_script", conf_parse_track_lists, CONF_KW_BLOCK, I(tracks), 1 },
        { "track_file", conf_parse_track_lists, CONF_KW_BLOCK, I(tracks), 2 },
        { "track_process", conf_parse_track_lists, CONF_KW_BLOCK, I(tracks), 3 },
        { "dont_track_primary", conf_parse_value_set_flag, 0, I(dont_track_primary) },
        { "old_unicast_checksum", parse_old_unicast_checksum },
        { "notify", conf_parse_value_set_notify, 0, I(notify.any) },
        { "notify_master", conf_parse_value_set_notify, 0, I(notify.master) },
        { "notify_backup", conf_parse_value_set_notify, 0, I(notify.backup) },
        { "notify_fault", conf_parse_value_set_notify, 0, I(notify.fault) },
        { "notify_stop", conf_parse_value_set_notify, 0, I(notify.stop) },
        { "notify_deleted", conf_parse_value_set_notify_deleted, 0, I(notify.deleted) },
        { "notify_master_rx_lower_pri", conf_parse_value_set_notify, 0, I(notify.rx_lower_pri) },
        { "notify_priority_changes", conf_parse_value_set_tristate, 0, I(notify_priority_changes) },
        { "use_vmac", conf_parse_vmac },
        { "use_vmac_addr", conf_parse_value_set_flag, 0, I(vmac.addr) },
        { "use_ipvlan", conf_parse_ipvlan },
        { "skip_check_adv_addr", conf_parse_value_set_flag, 0, I(skip_check_adv_addr) },
        { "check_unicast_src", conf_parse_value_set_flag, 0, I(check_unicast_src) },
        { "promote_secondaries", conf_parse_value_set_flag, 0, I(promote_secondaries) },
        { "unicast_fault_no_peer", conf_parse_value_set_flag, 0, I(unicast_fault_no_peer) },
        { "track_src_ip", conf_parse_value_set_flag, 0, I(track_src_ip) },
        { "vmac_xmit_base", conf_parse_value_set_flag, 0, I(vmac.xmit_base) },
        { "garp_extra_if", conf_parse_vmac_garp_extra_if },
        { "vmac_garp_intvl", conf_parse_vmac_garp_extra_if },
        { "garp_master_delay", conf_parse_value_set_usec, 0, I(garp_master_delay), 0, TIME_MAX },
        { "garp_master_repeat", conf_parse_value_set_int, 0, I(garp_master_repeat), 0, INT32_MAX },
        { "garp_master_refresh", conf_parse_value_set_usec, 0, I(garp_master_refresh), 0, TIME_MAX },
        { "garp_master_refresh_repeat", conf_parse_value_set_int, 0, I(garp_master_refresh_repeat), 0, INT32_MAX },
        { "garp_lower_prio_delay", conf_parse_value_set_usec, 0, I(garp_lower_prio_delay), 0, TIME_MAX },
        { "garp_lower_prio_repeat", conf_parse_value_set_int, 0, I(garp_lower_prio_repeat), 0, INT32_MAX },
        { "down_timer_adverts", conf_parse_value_set_int, 0, I(down_timer_adverts), 1, 100 },
        { "lower_prio_no_advert", conf_parse_value_set_tristate, 0, I(lower_prio_no_advert) },
        { "higher_prio_send_advert", conf_parse_value_set_tristate, 0, I(higher_prio_send_advert) },
        { "owner_ignore_adverts", parse_owner_ignore_adverts },
        { "fast_preempt", parse_fast_preempt },
        { "v3_checksum_as_v2", conf_parse_value_set_tristate, 0, I(v3_checksum_as_v2) },
        { "timer_expired_backup", parse_timer_expired_backup },
        { "thread_timer_expired", parse_timer_expired_backup },
        { "smtp_alert", conf_parse_value_set_tristate, 0, I(smtp_alert) },
        { "virtual_routes", conf_parse_route_virtual, CONF_KW_BLOCK },
        { "virtual_rules", conf_parse_rule_virtual, CONF_KW_BLOCK },
};
#undef I

const ConfKeywordTable conf_parse_instance_table = {
        .section = CONF_SECTION_INSTANCE,
        .title = "vrrp_instance",
        .items = instance_keywords,
        .n_items = sizeof(instance_keywords) / sizeof(instance_keywords[0]),
};

int conf_parse_instance(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        Config *c = obj;
        const char *name;
        ConfInstance *inst;

        assert(p);
        assert(st);
        assert(c);

        name = conf_parse_object_name(p, st, CONF_OBJECT_INSTANCE, "an instance name");
        if (!name)
                return 0;
        if (ARRAY_GROW(c->instances, c->n_instances_alloc, c->n_instances + 1) < 0)
                return -ENOMEM;
        inst = &c->instances[c->n_instances];
        conf_model_instance_init(inst);
        inst->name = strdup(name);
        if (!inst->name || conf_model_name_add(c, CONF_OBJECT_INSTANCE, inst->name, c->n_instances) < 0)
                return -ENOMEM;
        inst->loc = st->w[1].loc;
        c->n_instances++;
        return conf_parse_block(p, st, &conf_parse_instance_table, inst);
}
