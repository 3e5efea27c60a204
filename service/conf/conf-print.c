#include <arpa/inet.h>
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "conf-json.h"
#include "conf-model.h"
#include "conf-print-route.h"
#include "conf-print.h"

static void print_addr(ConfJson *j, const char *key, int family, const VrrpAddr *a) {
        char buf[INET6_ADDRSTRLEN];

        conf_json_key(j, key);
        conf_json_string(j, inet_ntop(family, a, buf, sizeof(buf)));
}

static void print_str(ConfJson *j, const char *key, const char *v) {
        conf_json_key(j, key);
        conf_json_string(j, v);
}

static void print_int(ConfJson *j, const char *key, int64_t v) {
        conf_json_key(j, key);
        conf_json_int(j, v);
}

static void print_bool(ConfJson *j, const char *key, bool v) {
        conf_json_key(j, key);
        conf_json_bool(j, v);
}

static void print_loc(ConfJson *j, const ConfLoc *loc) {
        conf_json_key(j, "location");
        conf_json_begin_object(j);
        print_str(j, "file", loc->file);
        print_int(j, "line", loc->line);
        print_int(j, "column", loc->column);
        conf_json_end_object(j);
}

static void print_notify(ConfJson *j, const char *key, const ConfNotify *n) {
        conf_json_key(j, key);
        if (!n->command)
                return conf_json_null(j);
        conf_json_begin_object(j);
        print_str(j, "command", n->command);
        print_str(j, "user", n->user);
        print_str(j, "group", n->group);
        conf_json_end_object(j);
}

static void print_track_list(ConfJson *j, const char *key, const ConfTrack *t, size_t n) {
        conf_json_key(j, key);
        conf_json_begin_array(j);
        for (size_t i = 0; i < n; i++) {
                conf_json_begin_object(j);
                print_str(j, "name", t[i].name);
                print_int(j, "weight", t[i].weight);
                print_bool(j, "reverse", t[i].reverse);
                conf_json_end_object(j);
        }
        conf_json_end_array(j);
}

static void print_fifo(ConfJson *j, const char *key, const ConfFifo *f) {
        conf_json_key(j, key);
        conf_json_begin_object(j);
        print_str(j, "name", f->name);
        print_str(j, "script", f->script);
        print_str(j, "user", f->user);
        print_str(j, "group", f->group);
        conf_json_end_object(j);
}

static void print_global_garp(ConfJson *j, const ConfGlobal *g) {
        print_int(j, "vrrp_garp_master_delay_usec", (int64_t) g->garp_master_delay);
        print_int(j, "vrrp_garp_master_repeat", g->garp_master_repeat);
        print_int(j, "vrrp_garp_master_refresh_usec", (int64_t) g->garp_master_refresh);
        print_int(j, "vrrp_garp_master_refresh_repeat", g->garp_master_refresh_repeat);
        print_int(j, "vrrp_garp_lower_prio_delay_usec", (int64_t) g->garp_lower_prio_delay);
        print_int(j, "vrrp_garp_lower_prio_repeat", g->garp_lower_prio_repeat);
        print_int(j, "vrrp_garp_extra_if_usec", (int64_t) g->garp_extra_if);
        print_bool(j, "vrrp_garp_extra_if_all", g->garp_extra_all);
        print_int(j, "vrrp_garp_interval_usec", (int64_t) g->garp_interval);
        print_int(j, "vrrp_gna_interval_usec", (int64_t) g->gna_interval);
        print_bool(j, "vrrp_min_garp", g->min_garp);
        print_int(j, "vrrp_down_timer_adverts", g->down_timer_adverts);
        print_bool(j, "vrrp_lower_prio_no_advert", g->lower_prio_no_advert);
        print_bool(j, "vrrp_fast_preempt", g->fast_preempt);
        print_bool(j, "vrrp_higher_prio_send_advert", g->higher_prio_send_advert);
}

static void print_global_mail(ConfJson *j, const ConfGlobal *g) {
        conf_json_key(j, "notification_email");
        conf_json_begin_array(j);
        for (char **a = g->mail.to; a && *a; a++)
                conf_json_string(j, *a);
        conf_json_end_array(j);
        print_str(j, "notification_email_from", g->mail.from);
        print_str(j, "smtp_server", g->mail.server);
        print_int(j, "smtp_server_port", g->mail.port);
        print_str(j, "smtp_helo_name", g->mail.helo);
        print_int(j, "smtp_connect_timeout_usec", (int64_t) g->mail.timeout);
        print_bool(j, "no_email_faults", g->mail.no_faults);
        print_bool(j, "smtp_alert", g->smtp_alert > 0);
        print_bool(j, "smtp_alert_vrrp", g->smtp_alert_vrrp > 0);
}

static void print_global(ConfJson *j, const ConfGlobal *g) {
        conf_json_key(j, "global_defs");
        conf_json_begin_object(j);
        print_str(j, "router_id", g->router_id);
        print_int(j, "vrrp_version", g->vrrp_version);
        print_addr(j, "vrrp_mcast_group4", AF_INET, &g->mcast_group4);
        print_addr(j, "vrrp_mcast_group6", AF_INET6, &g->mcast_group6);
        print_global_garp(j, g);
        print_bool(j, "vrrp_skip_check_adv_addr", g->skip_check_adv_addr);
        print_bool(j, "vrrp_strict", g->strict);
        print_bool(j, "vrrp_check_unicast_src", g->check_unicast_src);
        print_int(j, "vrrp_startup_delay_usec", (int64_t) g->startup_delay);
        print_int(j, "vrrp_delay_after_boot_usec", (int64_t) g->delay_after_boot);
        print_bool(j, "vrrp_owner_ignore_adverts", g->owner_ignore_adverts);
        print_bool(j, "v3_checksum_as_v2", g->v3_checksum_as_v2);
        print_str(j, "iproute_etc_dir", g->iproute_etc_dir);
        print_str(j, "iproute_usr_dir", g->iproute_usr_dir);
        print_str(j, "script_user", g->script_user);
        print_str(j, "script_group", g->script_group);
        print_bool(j, "enable_script_security", g->enable_script_security);
        print_fifo(j, "notify_fifo", &g->notify_fifo);
        print_fifo(j, "vrrp_notify_fifo", &g->vrrp_notify_fifo);
        print_bool(j, "vrrp_notify_priority_changes", g->notify_priority_changes);
        print_notify(j, "startup_script", &g->startup_script);
        print_int(j, "startup_script_timeout_usec", (int64_t) g->startup_script_timeout);
        print_notify(j, "shutdown_script", &g->shutdown_script);
        print_int(j, "shutdown_script_timeout_usec", (int64_t) g->shutdown_script_timeout);
        print_int(j, "max_auto_priority", g->max_auto_priority);
        print_int(j, "vrrp_priority", g->vrrp_priority);
        print_bool(j, "vrrp_no_swap", g->vrrp_no_swap);
        print_int(j, "vrrp_rt_priority", g->vrrp_rt_priority);
        print_int(j, "vrrp_rlimit_rttime_usec", (int64_t) g->vrrp_rlimit_rttime);
        print_bool(j, "enable_dbus", g->enable_dbus);
        print_global_mail(j, g);
        print_str(j, "vrrpd_privileged_group", g->privileged_group);
        print_str(j, "vmac_prefix", g->vmac_prefix);
        print_str(j, "default_interface", g->default_interface);
        print_bool(j, "dynamic_interfaces", g->dynamic_interfaces);
        print_bool(j, "allow_if_changes", g->allow_if_changes);
        print_str(j, "vmac_addr_prefix", g->vmac_addr_prefix);
        print_str(j, "dbus_service_name", g->dbus_service_name);
        print_int(j, "vrrp_track_process_rescan_interval_usec", (int64_t) g->process_rescan_interval);
        print_str(j, "net_namespace", g->net_namespace); /* these two are top-level keywords in the file */
        print_str(j, "instance", g->instance);
        conf_json_end_object(j);
}

static void print_vips(ConfJson *j, const char *key, const ConfVip *v, size_t n) {
        conf_json_key(j, key);
        conf_json_begin_array(j);
        for (size_t i = 0; i < n; i++) {
                conf_json_begin_object(j);
                print_addr(j, "address", v[i].family, &v[i].addr);
                print_int(j, "prefixlen", v[i].prefixlen);
                conf_json_key(j, "brd");
                if (v[i].has_brd) {
                        char buf[INET_ADDRSTRLEN];
                        conf_json_string(j, inet_ntop(AF_INET, &v[i].brd, buf, sizeof(buf)));
                } else
                        conf_json_null(j);
                print_str(j, "dev", v[i].dev);
                print_str(j, "scope", v[i].scope);
                print_str(j, "label", v[i].label);
                print_bool(j, "noprefixroute", v[i].noprefixroute);
                print_bool(j, "nodad", v[i].nodad);
                if (v[i].has_peer)
                        print_addr(j, "peer", v[i].family, &v[i].peer);
                else
                        print_str(j, "peer", NULL);
                conf_json_key(j, "preferred_lft");
                if (v[i].has_preferred_lft)
                        conf_json_uint(j, v[i].preferred_lft);
                else
                        conf_json_null(j);
                conf_json_key(j, "ifa_flags");
                conf_json_uint(j, v[i].ifa_flags);
                print_bool(j, "no_track", v[i].no_track);
                print_bool(j, "use_vmac", v[i].use_vmac);
                print_str(j, "vmac_name", v[i].vmac_name);
                conf_json_end_object(j);
        }
        conf_json_end_array(j);
}

static void print_unicast(ConfJson *j, const ConfInstance *i) {
        char buf[INET6_ADDRSTRLEN];

        conf_json_key(j, "unicast_src_ip");
        conf_json_string(j, i->has_unicast_src ? inet_ntop(i->unicast_src_family, &i->unicast_src, buf, sizeof(buf))
                                               : NULL);
        conf_json_key(j, "unicast_peer");
        conf_json_begin_array(j);
        for (size_t k = 0; k < i->n_unicast_peers; k++) {
                conf_json_begin_object(j);
                print_addr(j, "address", i->unicast_peers[k].family, &i->unicast_peers[k].addr);
                print_int(j, "min_ttl", i->unicast_peers[k].min_ttl);
                print_int(j, "max_ttl", i->unicast_peers[k].max_ttl);
                conf_json_end_object(j);
        }
        conf_json_end_array(j);
        conf_json_key(j, "unicast_ttl");
        if (i->unicast_ttl == CONF_UNSET)
                conf_json_null(j); /* IPv6: the kernel's hop limit */
        else
                conf_json_int(j, i->unicast_ttl);
        conf_json_key(j, "mcast_src_ip");
        conf_json_string(j, i->has_mcast_src ? inet_ntop(i->mcast_src_family, &i->mcast_src, buf, sizeof(buf)) : NULL);
        conf_json_key(j, "mcast_dst_ip");
        conf_json_string(j, i->n_unicast_peers == 0 ? inet_ntop(i->family, &i->mcast_dst, buf, sizeof(buf)) : NULL);
}

static void print_instance_garp(ConfJson *j, const ConfInstance *i) {
        print_int(j, "garp_master_delay_usec", (int64_t) i->garp_master_delay);
        print_int(j, "garp_master_repeat", i->garp_master_repeat);
        print_int(j, "garp_master_refresh_usec", (int64_t) i->garp_master_refresh);
        print_int(j, "garp_master_refresh_repeat", i->garp_master_refresh_repeat);
        print_int(j, "garp_lower_prio_delay_usec", (int64_t) i->garp_lower_prio_delay);
        print_int(j, "garp_lower_prio_repeat", i->garp_lower_prio_repeat);
        print_int(j, "garp_extra_if_usec", (int64_t) i->garp_extra_if);
        print_bool(j, "garp_extra_if_all", i->garp_extra_all);
        print_int(j, "down_timer_adverts", i->down_timer_adverts);
        print_bool(j, "lower_prio_no_advert", i->lower_prio_no_advert);
        print_bool(j, "fast_preempt", i->fast_preempt > 0);
        print_bool(j, "higher_prio_send_advert", i->higher_prio_send_advert);
        print_bool(j, "owner_ignore_adverts", i->owner_ignore_adverts);
        print_int(j, "timer_expired_backup", i->timer_expired_backup);
        print_bool(j, "v3_checksum_as_v2", i->v3_checksum_as_v2 > 0);
}

/* The keys keepalived's words name; the MAC as it will be, the VRID filled in when given with five octets. */
static void print_vmac(ConfJson *j, const ConfVmac *v, int vrid) {
        char mac[18];

        print_bool(j, "use_vmac", v->enabled);
        print_str(j, "vmac_name", v->name);
        snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", v->mac[0], v->mac[1], v->mac[2], v->mac[3],
                 v->mac[4], v->mac_vrid ? (uint8_t) vrid : v->mac[5]);
        print_str(j, "vmac_mac", v->has_mac ? mac : NULL);
        print_bool(j, "vmac_netlink_notify_msg", v->netlink_notify);
        conf_json_key(j, "vmac_group");
        if (v->has_group)
                conf_json_uint(j, v->group);
        else
                conf_json_null(j);
        print_bool(j, "use_vmac_addr", v->addr);
        print_bool(j, "vmac_xmit_base", v->xmit_base);
}

static void print_ipvlan(ConfJson *j, const ConfIpvlan *v) {
        static const char *const modes[] = { "bridge", "private", "vepa" };
        char addr[INET6_ADDRSTRLEN + 4] = "";

        if (v->has_addr && inet_ntop(v->addr_family, &v->addr, addr, sizeof(addr)))
                snprintf(addr + strlen(addr), sizeof(addr) - strlen(addr), "/%u", v->prefixlen);
        print_bool(j, "use_ipvlan", v->enabled);
        print_str(j, "ipvlan_name", v->enabled ? v->name : NULL);
        print_str(j, "ipvlan_address", v->has_addr ? addr : NULL);
        print_str(j, "ipvlan_mode", v->enabled ? modes[v->mode] : NULL);
        conf_json_key(j, "ipvlan_group");
        if (v->has_group)
                conf_json_uint(j, v->group);
        else
                conf_json_null(j);
}

static void print_tracks(ConfJson *j, const ConfTracks *t) {
        print_track_list(j, "track_interface", t->interfaces, t->n_interfaces);
        print_track_list(j, "track_script", t->scripts, t->n_scripts);
        print_track_list(j, "track_file", t->files, t->n_files);
        print_track_list(j, "track_process", t->processes, t->n_processes);
}

static void print_notifies(ConfJson *j, const ConfNotifies *n) {
        print_notify(j, "notify", &n->any);
        print_notify(j, "notify_master", &n->master);
        print_notify(j, "notify_backup", &n->backup);
        print_notify(j, "notify_fault", &n->fault);
        print_notify(j, "notify_stop", &n->stop);
}

static void print_instance_notifies(ConfJson *j, const ConfInstance *i) {
        print_notifies(j, &i->notify);
        print_notify(j, "notify_deleted_script", &i->notify.deleted);
        print_bool(j, "notify_deleted", i->notify_deleted);
        print_notify(j, "notify_master_rx_lower_pri", &i->notify.rx_lower_pri);
        print_bool(j, "notify_priority_changes", i->notify_priority_changes > 0);
}

/* Secrets are never printed: auth_pass by its length, auth_hmac's keys by id and length. */
static void print_auth(ConfJson *j, const ConfInstance *i) {
        static const char *const auth[] = { "none", "PASS", "AH" };
        static const char *const modes[] = { "enforce", "permissive", "receive-only" };
        const ConfAuthHmac *h = &i->auth_hmac;

        print_str(j, "auth_type", auth[i->auth_type]);
        print_int(j, "auth_pass_length",
                  i->auth_type == CONF_AUTH_NONE || !i->auth_pass ? 0 : (int64_t) strlen(i->auth_pass));
        conf_json_key(j, "auth_hmac");
        if (!h->on)
                return conf_json_null(j);
        conf_json_begin_object(j);
        conf_json_key(j, "keys");
        conf_json_begin_array(j);
        for (size_t k = 0; k < h->n_keys; k++) {
                conf_json_begin_object(j);
                print_int(j, "id", h->keys[k].id);
                print_int(j, "length", h->keys[k].len);
                conf_json_end_object(j);
        }
        conf_json_end_array(j);
        print_int(j, "active_key", h->active_key);
        print_str(j, "anti_replay", h->anti_replay_time ? "time" : "monotonic");
        print_int(j, "time_window", h->time_window);
        print_str(j, "mode", modes[h->mode]);
        print_loc(j, &h->loc);
        conf_json_end_object(j);
}

static void print_instance(ConfJson *j, const ConfInstance *i) {

        conf_json_begin_object(j);
        print_str(j, "name", i->name);
        print_str(j, "state", i->state == CONF_STATE_MASTER ? "MASTER" : "BACKUP");
        print_str(j, "interface", i->interface);
        print_str(j, "vrf", i->vrf);
        print_int(j, "virtual_router_id", i->vrid);
        print_int(j, "priority", i->priority);
        print_int(j, "advert_int_usec", (int64_t) i->advert_int);
        print_int(j, "version", i->version);
        print_str(j, "family", i->family == AF_INET6 ? "ipv6" : "ipv4");
        print_bool(j, "preempt", !i->nopreempt);
        print_int(j, "preempt_delay_usec", (int64_t) i->preempt_delay);
        print_bool(j, "accept", i->accept);
        print_bool(j, "strict_mode", i->strict_mode);
        print_auth(j, i);
        print_vips(j, "virtual_ipaddress", i->vips, i->n_vips);
        print_vips(j, "virtual_ipaddress_excluded", i->excluded_vips, i->n_excluded_vips);
        print_bool(j, "no_virtual_ipaddress", i->no_virtual_ipaddress);
        print_unicast(j, i);
        print_tracks(j, &i->tracks);
        print_bool(j, "dont_track_primary", i->dont_track_primary);
        print_bool(j, "skip_check_adv_addr", i->skip_check_adv_addr);
        print_bool(j, "check_unicast_src", i->check_unicast_src);
        print_bool(j, "promote_secondaries", i->promote_secondaries);
        print_bool(j, "unicast_fault_no_peer", i->unicast_fault_no_peer);
        print_bool(j, "track_src_ip", i->track_src_ip);
        print_str(j, "old_unicast_checksum", i->old_unicast_checksum == CONF_CHECKSUM_ALWAYS  ? "always"
                                             : i->old_unicast_checksum == CONF_CHECKSUM_NEVER ? "never"
                                                                                              : "auto");
        print_instance_notifies(j, i);
        print_vmac(j, &i->vmac, i->vrid);
        print_ipvlan(j, &i->ipvlan);
        print_instance_garp(j, i);
        print_bool(j, "smtp_alert", i->smtp_alert);
        print_str(j, "sync_group", i->sync_group);
        conf_print_route_list(j, "virtual_routes", i->routes, i->n_routes);
        conf_print_rule_list(j, "virtual_rules", i->rules, i->n_rules);
        print_loc(j, &i->loc);
        conf_json_end_object(j);
}

static void print_script(ConfJson *j, const ConfScript *s) {
        conf_json_begin_object(j);
        print_str(j, "name", s->name);
        print_str(j, "script", s->script);
        print_int(j, "interval_usec", (int64_t) s->interval);
        print_int(j, "timeout_usec", (int64_t) s->timeout);
        print_int(j, "weight", s->weight);
        print_bool(j, "weight_reverse", s->weight_reverse);
        print_int(j, "rise", s->rise);
        print_int(j, "fall", s->fall);
        print_str(j, "user", s->user);
        print_str(j, "group", s->group);
        print_bool(j, "init_fail", s->init_fail);
        print_loc(j, &s->loc);
        conf_json_end_object(j);
}

static void print_track_file(ConfJson *j, const ConfTrackFile *f) {
        conf_json_begin_object(j);
        print_str(j, "name", f->name);
        print_str(j, "file", f->file);
        print_int(j, "weight", f->weight);
        print_bool(j, "weight_reverse", f->weight_reverse);
        print_bool(j, "init_file", f->init_file);
        print_int(j, "init_value", f->init_value);
        print_bool(j, "init_overwrite", f->init_overwrite);
        print_loc(j, &f->loc);
        conf_json_end_object(j);
}

static void print_track_process(ConfJson *j, const ConfTrackProcess *t) {
        static const char *const matches[] = { NULL, "exact", "partial", "initial" };

        conf_json_begin_object(j);
        print_str(j, "name", t->name);
        print_str(j, "process", t->process);
        conf_json_key(j, "params");
        conf_json_begin_array(j);
        for (size_t k = 0; k < t->params_len; k += strlen(t->params + k) + 1)
                conf_json_string(j, t->params + k);
        conf_json_end_array(j);
        print_str(j, "param_match", matches[t->param_match]);
        print_bool(j, "full_command", t->full_command);
        print_int(j, "quorum", t->quorum);
        print_int(j, "quorum_max", t->quorum_max);
        print_int(j, "weight", t->weight);
        print_bool(j, "weight_reverse", t->weight_reverse);
        print_int(j, "terminate_delay_usec", (int64_t) t->terminate_delay);
        print_int(j, "fork_delay_usec", (int64_t) t->fork_delay);
        print_loc(j, &t->loc);
        conf_json_end_object(j);
}

static void print_sync_group(ConfJson *j, const ConfSyncGroup *g) {
        conf_json_begin_object(j);
        print_str(j, "name", g->name);
        conf_json_key(j, "group");
        conf_json_begin_array(j);
        for (size_t k = 0; k < g->n_members; k++)
                conf_json_string(j, g->members[k].name);
        conf_json_end_array(j);
        print_tracks(j, &g->tracks);
        print_notifies(j, &g->notify);
        print_bool(j, "notify_priority_changes", g->notify_priority_changes > 0);
        print_bool(j, "sync_group_tracking_weight", g->tracking_weight);
        print_bool(j, "smtp_alert", g->smtp_alert);
        print_loc(j, &g->loc);
        conf_json_end_object(j);
}

void conf_print_json(const Config *c, FILE *f) {
        ConfJson j = { .f = f };

        assert(c);
        assert(f);

        conf_json_begin_object(&j);
        print_global(&j, &c->global);
        conf_json_key(&j, "vrrp_scripts");
        conf_json_begin_array(&j);
        for (size_t k = 0; k < c->n_scripts; k++)
                print_script(&j, &c->scripts[k]);
        conf_json_end_array(&j);
        conf_json_key(&j, "track_files");
        conf_json_begin_array(&j);
        for (size_t k = 0; k < c->n_track_files; k++)
                print_track_file(&j, &c->track_files[k]);
        conf_json_end_array(&j);
        conf_json_key(&j, "vrrp_track_processes");
        conf_json_begin_array(&j);
        for (size_t k = 0; k < c->n_track_processes; k++)
                print_track_process(&j, &c->track_processes[k]);
        conf_json_end_array(&j);
        conf_json_key(&j, "vrrp_instances");
        conf_json_begin_array(&j);
        for (size_t k = 0; k < c->n_instances; k++)
                print_instance(&j, &c->instances[k]);
        conf_json_end_array(&j);
        conf_json_key(&j, "vrrp_sync_groups");
        conf_json_begin_array(&j);
        for (size_t k = 0; k < c->n_sync_groups; k++)
                print_sync_group(&j, &c->sync_groups[k]);
        conf_json_end_array(&j);
        print_vips(&j, "static_ipaddress", c->static_vips, c->n_static_vips);
        conf_print_route_list(&j, "static_routes", c->static_routes, c->n_static_routes);
        conf_print_rule_list(&j, "static_rules", c->static_rules, c->n_static_rules);
        conf_json_end_object(&j);
}
