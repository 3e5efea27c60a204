#include <assert.h>
#include <string.h>

#include "../util/cleanup.h"
#include "conf-parse.h"
#include "conf-util.h"

/* Keywords keepalived 2.2.7 to 2.4.3 knows (its install_keyword*() calls) that vrrpd does not act on: they load with a
 * warning, and their blocks are skipped. Whole sections for LVS and BFD are here too. */

static const char *const root_unsupported[] = {
        "linkbeat_use_polling", "net_namespace_ipvs", "namespace_with_ipsets", "use_pid_dir",
        "child_wait_time", "track_group",
        "garp_group", "linkbeat_interfaces", "interface_up_down_delays", "SSL",
        "virtual_server_group", "virtual_server", "bfd_instance",
};

static const char *const global_unsupported[] = {
        "process_names", "process_name", "vrrp_process_name", "checker_process_name", "lvs_process_name",
        "bfd_process_name", "min_auto_priority_delay", "smtp_alert_checker", "checker_log_all_failures",
        "disable_local_igmp", "lvs_timeouts",
        "lvs_flush", "lvs_flush_on_stop", "lvs_flush_onstop", "lvs_sync_daemon",
        "vrrp_iptables", "vrrp_ipsets", "nftables", "nftables_priority", "nftables_ifindex",
        "nftables_ipvs", "nftables_ipvs_priority", "nftables_ipvs_start_fwmark", "nftables_counters",
        "vrrp_cpu_affinity",
        "fifo_write_vrrp_states_on_reload", "lvs_notify_fifo", "lvs_notify_fifo_script", "checker_priority",
        "checker_no_swap", "checker_rt_priority", "checker_cpu_affinity", "checker_rlimit_rttime",
        "checker_rlimit_rtime", "bfd_priority", "bfd_no_swap", "bfd_rt_priority", "bfd_cpu_affinity",
        "bfd_rlimit_rttime", "bfd_rlimit_rtime", "snmp_socket", "enable_traps", "enable_snmp_vrrp",
        "enable_snmp_keepalived", "enable_snmp_rfc", "enable_snmp_rfcv2", "enable_snmp_rfcv3",
        "enable_snmp_checker", "vrrp_netlink_cmd_rcv_bufs", "vrrp_netlink_cmd_rcv_bufs_force",
        "vrrp_netlink_monitor_rcv_bufs", "vrrp_netlink_monitor_rcv_bufs_force", "process_monitor_rcv_bufs",
        "process_monitor_rcv_bufs_force", "lvs_netlink_cmd_rcv_bufs", "lvs_netlink_cmd_rcv_bufs_force",
        "lvs_netlink_monitor_rcv_bufs", "lvs_netlink_monitor_rcv_bufs_force", "rs_init_notifies",
        "no_checker_emails", "vrrp_rx_bufs_policy", "vrrp_rx_bufs_multiplier", "log_unknown_vrids",
        "umask", "random_seed", "reload_check_config", "reload_time_file", "reload_repeat",
        "reload_file", "include_check", "config_save_dir", "tmp_config_directory", "data_use_instance",
        /* keepalived 2.3-2.4: its own bus paths, its signal-driven dump files, its script path resolution,
         * and SNMP's */
        "dbus_no_interface_name", "json_version", "json_dump_file", "state_dump_file", "stats_dump_file",
        "use_symlink_paths", "snmp_vs_stats_update_interval", "snmp_rs_stats_update_interval",
};

static const char *const instance_unsupported[] = {
        "native_ipv6", "track_bfd",
        "linkbeat_use_polling", "debug", "lvs_sync_daemon_interface",
        "kernel_rx_buf_size",
};

static const char *const sync_unsupported[] = {
        "track_bfd",
};

typedef struct Unsupported {
        const char *const *names;
        size_t n;
} Unsupported;

static Unsupported unsupported_of(ConfSection section) {
        switch (section) {
        case CONF_SECTION_ROOT:
                return (Unsupported){ root_unsupported, ELEMENTSOF(root_unsupported) };
        case CONF_SECTION_GLOBAL:
                return (Unsupported){ global_unsupported, ELEMENTSOF(global_unsupported) };
        case CONF_SECTION_INSTANCE:
                return (Unsupported){ instance_unsupported, ELEMENTSOF(instance_unsupported) };
        case CONF_SECTION_SYNC_GROUP:
                return (Unsupported){ sync_unsupported, ELEMENTSOF(sync_unsupported) };
        default:
                return (Unsupported){};
        }
}

bool conf_keywords_unsupported(ConfSection section, const char *name) {
        Unsupported u = unsupported_of(section);

        assert(name);

        for (size_t i = 0; i < u.n; i++)
                if (conf_util_name_eq(u.names[i], name))
                        return true;
        return false;
}

static const ConfKeywordTable *table_of(ConfSection section) {
        switch (section) {
        case CONF_SECTION_GLOBAL:
                return &conf_parse_global_table;
        case CONF_SECTION_INSTANCE:
                return &conf_parse_instance_table;
        case CONF_SECTION_AUTH:
                return &conf_parse_instance_auth_table;
        case CONF_SECTION_SCRIPT:
                return &conf_parse_track_script_table;
        case CONF_SECTION_TRACK_FILE:
                return &conf_parse_track_file_table;
        case CONF_SECTION_SYNC_GROUP:
                return &conf_parse_track_sync_table;
        case CONF_SECTION_TRACK_PROCESS:
                return &conf_parse_process_table;
        case CONF_SECTION_AUTH_HMAC:
                return &conf_parse_hmac_table;
        default:
                return NULL;
        }
}

static const char *const section_titles[_CONF_SECTION_MAX] = {
        [CONF_SECTION_ROOT] = "the top level",      [CONF_SECTION_GLOBAL] = "global_defs",
        [CONF_SECTION_INSTANCE] = "vrrp_instance",  [CONF_SECTION_AUTH] = "authentication",
        [CONF_SECTION_SCRIPT] = "vrrp_script",      [CONF_SECTION_TRACK_FILE] = "track_file",
        [CONF_SECTION_SYNC_GROUP] = "vrrp_sync_group", [CONF_SECTION_TRACK_PROCESS] = "vrrp_track_process",
        [CONF_SECTION_AUTH_HMAC] = "auth_hmac",
};

/* Top-level blocks and keywords vrrpd reads, named when they are written inside another block */
static const char *const root_blocks[] = {
        "global_defs", "vrrp_instance", "vrrp_script", "vrrp_sync_group", "static_ipaddress", "static_routes",
        "static_rules", "net_namespace", "instance", "vrrp_track_process",
};

/* The section a keyword belongs to (the top level, global_defs and vrrp_instance first), or NULL. */
const char *conf_keywords_home(const char *name) {
        assert(name);

        for (ConfSection s = 0; s < _CONF_SECTION_MAX; s++) {
                const ConfKeywordTable *t = table_of(s);
                for (size_t i = 0; t && i < t->n_items; i++)
                        if (conf_util_name_eq(t->items[i].name, name))
                                return section_titles[s];
                if (conf_keywords_unsupported(s, name))
                        return section_titles[s];
        }
        for (size_t i = 0; i < ELEMENTSOF(root_blocks); i++)
                if (conf_util_name_eq(name, root_blocks[i]))
                        return section_titles[CONF_SECTION_ROOT];
        return NULL;
}

const char *conf_keywords_suggest(const ConfKeywordTable *table, const char *word) {
        const char *names[256];
        size_t n = 0;
        Unsupported u;

        assert(table);
        assert(word);

        u = unsupported_of(table->section);
        for (size_t i = 0; i < table->n_items && n < ELEMENTSOF(names); i++)
                names[n++] = table->items[i].name;
        for (size_t i = 0; i < u.n && n < ELEMENTSOF(names); i++)
                names[n++] = u.names[i];
        return conf_util_suggest(word, names, n);
}
