#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf-parse.h"
#include "conf-util.h"

#define TIME_MAX ((long long) (UINT32_MAX / 100) * (long long) USEC_PER_SEC)

static int parse_mcast_group(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfGlobal *g = obj;
        int want = kw->min, family;
        VrrpAddr a;

        if (!conf_parse_value_nargs(p, st, 1, 1, "a multicast address") ||
            !conf_parse_value_addr(p, &st->w[1], &family, &a))
                return 0;
        if (family != want || (family == AF_INET ? !IN_MULTICAST(ntohl(a.in.s_addr)) : !IN6_IS_ADDR_MULTICAST(&a.in6))) {
                conf_diag_error(p->d, &st->w[1].loc, "invalid value '%s' for '%s'; expected an %s multicast address",
                                st->w[1].text, kw->name, want == AF_INET ? "IPv4" : "IPv6");
                return 0;
        }
        if (want == AF_INET)
                g->mcast_group4 = a;
        else
                g->mcast_group6 = a;
        return 0;
}

/* Like keepalived: one gratuitous ARP, no repeats and no delay, for whatever was not set explicitly before. */
/* dynamic_interfaces [allow_if_changes] (keepalived's dynamic_interfaces_handler()) */
static int parse_dynamic_interfaces(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfGlobal *g = obj;

        if (!conf_parse_value_nargs(p, st, 0, 1, "nothing or 'allow_if_changes'"))
                return 0;
        if (st->n > 1 && strcmp(st->w[1].text, "allow_if_changes") != 0) {
                conf_diag_error(p->d, &st->w[1].loc, "invalid value '%s' for 'dynamic_interfaces'; expected "
                                "nothing or 'allow_if_changes'", st->w[1].text);
                return 0;
        }
        g->dynamic_interfaces = true;
        g->allow_if_changes = st->n > 1;
        return 0;
}

static int parse_min_garp(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfGlobal *g = obj;
        bool on;

        if (!conf_parse_value_flag(p, st, &on) || !on)
                return 0;
        g->min_garp = true;
        if (g->garp_master_repeat == 5)
                g->garp_master_repeat = 1;
        if (g->garp_master_refresh_repeat == 1)
                g->garp_master_refresh_repeat = 0;
        if (g->garp_master_delay == 5 * USEC_PER_SEC)
                g->garp_master_delay = 0;
        return 0;
}

static int parse_script_user(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfGlobal *g = obj;

        return conf_parse_value_user_group(p, st, &g->script_user, &g->script_group);
}

/* keepalived rejects 0 here and goes on without it; CentOS's stock keepalived.conf sets 0, so only warn */
static int parse_garp_interval(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        usec_t *field = (usec_t *) ((char *) obj + kw->offset);

        if (!conf_parse_value_nargs(p, st, 1, 1, "seconds"))
                return 0;
        if (strcmp(st->w[1].text, "0") == 0) {
                conf_diag_warning(p->d, &st->w[1].loc, "'%s 0' is invalid (keepalived ignores it too); expected seconds "
                                  "from 0.000001, ignored", kw->name);
                return 0;
        }
        conf_parse_value_usec(p, &st->w[1], kw->name, 1, TIME_MAX, field);
        return 0;
}

/* notify_fifo FIFO [USER [GROUP]], *_script SCRIPT [USER [GROUP]]: kw->min picks the fifo, kw->max the field */
static int parse_fifo(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfGlobal *g = obj;
        ConfFifo *f = kw->min ? &g->vrrp_notify_fifo : &g->notify_fifo;

        if (!conf_parse_value_nargs(p, st, 1, 3, "a path, then optionally a user and a group") ||
            (kw->max && !conf_parse_value_command(p, &st->w[1], st->w[1].text)))
                return 0;
        if (conf_parse_value_dup(p, st->w[1].text, kw->max ? &f->script : &f->name) < 0 ||
            (st->n > 2 && conf_parse_value_dup(p, st->w[2].text, &f->user) < 0) ||
            (st->n > 3 && conf_parse_value_dup(p, st->w[3].text, &f->group) < 0))
                return -ENOMEM;
        return 0;
}

/* max_auto_priority [PRIORITY]: alone, the highest SCHED_RR priority (99 on Linux) */
static int parse_max_auto_priority(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfGlobal *g = obj;
        int v = 99;

        conf_parse_value_nargs(p, st, 0, 1, "a real-time priority from -1 to 99");
        if (st->n < 2 || conf_parse_value_int(p, &st->w[1], kw->name, -1, 99, &v))
                g->max_auto_priority = v;
        return 0;
}

/* vrrp_rlimit_rttime USEC: microseconds of CPU a realtime process may run without blocking (RLIMIT_RTTIME);
 * keepalived's range, 1 to 2^32 - 1. vrrp_rlimit_rtime is its old spelling, which keepalived still takes. */
static int parse_rlimit_rttime(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfGlobal *g = obj;
        long v;

        if (strcmp(kw->name, "vrrp_rlimit_rtime") == 0)
                conf_diag_warning(p->d, &st->w[0].loc, "'vrrp_rlimit_rtime' is deprecated; use 'vrrp_rlimit_rttime'");
        if (conf_parse_value_nargs(p, st, 1, 1, "microseconds from 1 to 4294967295") &&
            conf_parse_value_long(p, &st->w[1], kw->name, 1, UINT32_MAX, &v))
                g->vrrp_rlimit_rttime = (usec_t) v;
        return 0;
}

/* dbus_service_name NAME: the bus name to own instead of org.vrrpd.Vrrp1; the last one counts, as in
 * keepalived, which finds a bad name only when GLib refuses to own it. */
static int parse_dbus_service_name(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfGlobal *g = obj;

        if (!conf_parse_value_nargs(p, st, 1, 1, "a D-Bus name such as org.vrrpd.Vrrp1.blue"))
                return 0;
        if (!conf_util_bus_name_valid(st->w[1].text)) {
                conf_diag_error(p->d, &st->w[1].loc, "invalid dbus_service_name '%s'; expected a D-Bus name: "
                                "two or more '.'-separated elements of letters, digits, '_' and '-', none "
                                "empty or starting with a digit, 255 characters at most", st->w[1].text);
                return 0;
        }
        g->dbus_service_name_loc = st->w[1].loc;
        return conf_parse_value_dup(p, st->w[1].text, &g->dbus_service_name);
}

/* iproute_etc_dir DIR, iproute_usr_dir DIR (keepalived 2.3.2): where the names of tables, protocols, scopes,
 * realms, dsfields and groups are read from instead of /etc/iproute2 and /usr/share/iproute2. Each file is
 * read on its first use, so names used before the keyword came from the default place: said, not hidden. */
static int parse_iproute_dir(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfGlobal *g = obj;
        char **field = kw->min ? &g->iproute_usr_dir : &g->iproute_etc_dir;
        int r;

        if (!conf_parse_value_nargs(p, st, 1, 1, "a directory"))
                return 0;
        for (size_t f = 0; f < _CONF_RT_FILE_MAX; f++)
                if (p->rt->lists[f].loaded) {
                        conf_diag_warning(p->d, &st->w[0].loc, "%s comes after a name from iproute2's %s; "
                                          "those names were read from the default place", kw->name,
                                          conf_rttables_file(f));
                        break;
                }
        free(*field);
        *field = NULL;
        r = conf_parse_value_dup(p, st->w[1].text, field);
        if (r < 0)
                return r;
        if (kw->min)
                p->rt->usr_dir = *field;
        else
                p->rt->etc_dir = *field;
        return 0;
}

/* net_namespace NAME, instance NAME (top level): each becomes one path component (/run/netns/NAME,
 * /run/vrrpd/NAME); a second one is ignored with a warning, as keepalived does. */
static int parse_place(ConfParser *p, const ConfStmt *st, char **field, ConfLoc *loc) {
        const char *kw = st->w[0].text;

        if (!conf_parse_value_nargs(p, st, 1, 1, "a name"))
                return 0;
        if (!conf_util_file_name_valid(st->w[1].text)) {
                conf_diag_error(p->d, &st->w[1].loc, "invalid %s '%s'; expected a name without '/', not '.' "
                                "or '..'", kw, st->w[1].text);
                return 0;
        }
        if (*field) {
                conf_diag_warning(p->d, &st->w[1].loc, "duplicate %s '%s', ignored; '%s' from %s:%u stays",
                                  kw, st->w[1].text, *field, loc->file, loc->line);
                return 0;
        }
        *loc = st->w[1].loc;
        return conf_parse_value_dup(p, st->w[1].text, field);
}

int conf_parse_global_net_namespace(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfGlobal *g = &((Config *) obj)->global;

        return parse_place(p, st, &g->net_namespace, &g->net_namespace_loc);
}

int conf_parse_global_instance(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfGlobal *g = &((Config *) obj)->global;

        return parse_place(p, st, &g->instance, &g->instance_loc);
}

#define G(f) offsetof(ConfGlobal, f)
static const ConfKeyword global_keywords[] = {
        { "router_id", conf_parse_value_set_string, 0, G(router_id) },
        { "default_interface", conf_parse_value_set_string, 0, G(default_interface) },
        { "dynamic_interfaces", parse_dynamic_interfaces },
        { "vrrp_version", conf_parse_value_set_int, 0, G(vrrp_version), 2, 3 },
        { "vrrp_mcast_group4", parse_mcast_group, 0, 0, AF_INET },
        { "vrrp_mcast_group6", parse_mcast_group, 0, 0, AF_INET6 },
        { "vrrp_garp_master_delay", conf_parse_value_set_usec, 0, G(garp_master_delay), 0, TIME_MAX },
        { "vrrp_garp_master_repeat", conf_parse_value_set_int, 0, G(garp_master_repeat), 0, INT32_MAX },
        { "vrrp_garp_master_refresh", conf_parse_value_set_usec, 0, G(garp_master_refresh), 0, TIME_MAX },
        { "vrrp_garp_master_refresh_repeat", conf_parse_value_set_int, 0, G(garp_master_refresh_repeat), 0, INT32_MAX },
        { "vrrp_garp_lower_prio_delay", conf_parse_value_set_usec, 0, G(garp_lower_prio_delay), 0, TIME_MAX },
        { "vrrp_garp_lower_prio_repeat", conf_parse_value_set_int, 0, G(garp_lower_prio_repeat), 0, INT32_MAX },
        { "vrrp_garp_interval", parse_garp_interval, 0, G(garp_interval) },
        { "vrrp_gna_interval", parse_garp_interval, 0, G(gna_interval) },
        { "vrrp_min_garp", parse_min_garp },
        { "vrrp_down_timer_adverts", conf_parse_value_set_int, 0, G(down_timer_adverts), 1, 100 },
        { "vrrp_lower_prio_no_advert", conf_parse_value_set_flag, 0, G(lower_prio_no_advert) },
        { "vrrp_fast_preempt", conf_parse_value_set_flag, 0, G(fast_preempt) },
        { "vrrp_higher_prio_send_advert", conf_parse_value_set_flag, 0, G(higher_prio_send_advert) },
        { "vrrp_skip_check_adv_addr", conf_parse_value_set_flag, 0, G(skip_check_adv_addr) },
        { "vrrp_strict", conf_parse_value_set_flag, 0, G(strict) },
        { "vrrp_check_unicast_src", conf_parse_value_set_flag, 0, G(check_unicast_src) },
        { "vrrp_startup_delay", conf_parse_value_set_usec, 0, G(startup_delay), 0, TIME_MAX },
        { "vrrp_delay_after_boot", conf_parse_value_set_usec, 0, G(delay_after_boot), 0, TIME_MAX },
        { "vrrp_owner_ignore_adverts", conf_parse_value_set_flag, 0, G(owner_ignore_adverts) },
        { "v3_checksum_as_v2", conf_parse_value_set_flag, 0, G(v3_checksum_as_v2) },
        { "iproute_etc_dir", parse_iproute_dir, 0, 0, 0 },
        { "iproute_usr_dir", parse_iproute_dir, 0, 0, 1 },
        { "script_user", parse_script_user },
        { "enable_script_security", conf_parse_value_set_flag, 0, G(enable_script_security) },
        { "notify_fifo", parse_fifo, 0, 0, 0, 0 },
        { "notify_fifo_script", parse_fifo, 0, 0, 0, 1 },
        { "vrrp_notify_fifo", parse_fifo, 0, 0, 1, 0 },
        { "vrrp_notify_fifo_script", parse_fifo, 0, 0, 1, 1 },
        { "vrrp_notify_priority_changes", conf_parse_value_set_flag, 0, G(notify_priority_changes) },
        { "startup_script", conf_parse_value_set_notify, 0, G(startup_script) },
        { "startup_script_timeout", conf_parse_value_set_usec, 0, G(startup_script_timeout), USEC_PER_SEC,
          1000 * USEC_PER_SEC },
        { "shutdown_script", conf_parse_value_set_notify, 0, G(shutdown_script) },
        { "shutdown_script_timeout", conf_parse_value_set_usec, 0, G(shutdown_script_timeout), USEC_PER_SEC,
          1000 * USEC_PER_SEC },
        { "max_auto_priority", parse_max_auto_priority },
        { "vrrp_priority", conf_parse_value_set_int, 0, G(vrrp_priority), -20, 19 },
        { "vrrp_no_swap", conf_parse_value_set_flag, 0, G(vrrp_no_swap) },
        { "vrrp_rt_priority", conf_parse_value_set_int, 0, G(vrrp_rt_priority), 1, 99 },
        { "vrrp_rlimit_rttime", parse_rlimit_rttime },
        { "vrrp_rlimit_rtime", parse_rlimit_rttime },
        { "enable_dbus", conf_parse_value_set_flag, 0, G(enable_dbus) },
        { "dbus_service_name", parse_dbus_service_name },
        { "smtp_alert", conf_parse_value_set_tristate, 0, G(smtp_alert) },
        { "smtp_alert_vrrp", conf_parse_value_set_tristate, 0, G(smtp_alert_vrrp) },
        { "notification_email", conf_parse_mail_email, CONF_KW_BLOCK },
        { "notification_email_from", conf_parse_mail_from },
        { "smtp_server", conf_parse_mail_server },
        { "smtp_helo_name", conf_parse_mail_helo },
        { "smtp_connect_timeout", conf_parse_mail_timeout },
        { "no_email_faults", conf_parse_mail_no_faults },
        { "vrrpd_privileged_group", conf_parse_value_set_string, 0, G(privileged_group) },
        { "vrrp_track_process_rescan_interval", conf_parse_value_set_usec, 0, G(process_rescan_interval),
          10 * USEC_PER_MSEC, 3600 * USEC_PER_SEC },
        { "vmac_prefix", conf_parse_vmac_prefix, 0, G(vmac_prefix) },
        { "vrrp_garp_extra_if", conf_parse_vmac_global_garp_extra_if },
        { "vrrp_vmac_garp_intvl", conf_parse_vmac_global_garp_extra_if },
        { "vmac_addr_prefix", conf_parse_vmac_prefix, 0, G(vmac_addr_prefix) },
};
#undef G

const ConfKeywordTable conf_parse_global_table = {
        .section = CONF_SECTION_GLOBAL,
        .title = "global_defs",
        .items = global_keywords,
        .n_items = sizeof(global_keywords) / sizeof(global_keywords[0]),
};

int conf_parse_global_defs(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        Config *c = obj;

        assert(p);
        assert(st);
        assert(c);

        conf_parse_value_nargs(p, st, 0, 0, "nothing");
        return conf_parse_block(p, st, &conf_parse_global_table, &c->global);
}
