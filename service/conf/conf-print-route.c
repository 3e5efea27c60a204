#include <arpa/inet.h>
#include <assert.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "../util/cleanup.h"
#include "conf-print-route.h"

static const char *const metric_names[CONF_RTAX_N] = {
        [RTAX_MTU] = "mtu",
        [RTAX_WINDOW] = "window",
        [RTAX_RTT] = "rtt",
        [RTAX_RTTVAR] = "rttvar",
        [RTAX_SSTHRESH] = "ssthresh",
        [RTAX_CWND] = "cwnd",
        [RTAX_ADVMSS] = "advmss",
        [RTAX_REORDERING] = "reordering",
        [RTAX_HOPLIMIT] = "hoplimit",
        [RTAX_INITCWND] = "initcwnd",
        [RTAX_FEATURES] = "features",
        [RTAX_RTO_MIN] = "rto_min",
        [RTAX_INITRWND] = "initrwnd",
        [RTAX_QUICKACK] = "quickack",
        [RTAX_CC_ALGO] = "congctl",
        [RTAX_FASTOPEN_NO_COOKIE] = "fastopen_no_cookie",
};

static void print_addr(ConfJson *j, const char *key, int family, const VrrpAddr *a, bool has) {
        char buf[INET6_ADDRSTRLEN];

        conf_json_field_string(j, key, has && family ? inet_ntop(family, a, buf, sizeof(buf)) : NULL);
}

/* ADDR/LEN */
static void print_prefix(ConfJson *j, const char *key, int family, const VrrpAddr *a, uint8_t len, bool has) {
        char buf[INET6_ADDRSTRLEN + 4];

        if (has && inet_ntop(family, a, buf, INET6_ADDRSTRLEN))
                snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "/%u", len);
        conf_json_field_string(j, key, has ? buf : NULL);
}

static void print_metrics(ConfJson *j, const ConfRoute *r) {
        conf_json_key(j, "metrics");
        conf_json_begin_object(j);
        for (size_t x = 0; x < CONF_RTAX_N; x++)
                if (r->metrics_set & (1u << x) && metric_names[x])
                        conf_json_field_uint(j, metric_names[x], true, r->metrics[x]);
        conf_json_end_object(j);
        conf_json_field_string(j, "congctl", r->congctl);
        conf_json_key(j, "lock");
        conf_json_begin_array(j);
        for (size_t x = 0; x < CONF_RTAX_N; x++)
                if (r->metrics_lock & (1u << x) && metric_names[x])
                        conf_json_string(j, metric_names[x]);
        conf_json_end_array(j);
}

static void print_nexthops(ConfJson *j, const ConfRoute *r) {
        conf_json_key(j, "nexthops");
        conf_json_begin_array(j);
        for (size_t k = 0; k < r->n_nexthops; k++) {
                const ConfNexthop *nh = &r->nexthops[k];

                conf_json_begin_object(j);
                print_addr(j, "via", nh->via_family, &nh->via, nh->via_family != 0);
                conf_json_field_string(j, "dev", nh->dev);
                conf_json_field_uint(j, "weight", nh->weight > 0, (uint64_t) nh->weight);
                conf_json_field_bool(j, "onlink", nh->onlink);
                conf_json_field_uint(j, "realms", true, nh->realms);
                conf_json_end_object(j);
        }
        conf_json_end_array(j);
}

static void print_route(ConfJson *j, const ConfRoute *r) {
        static const char *const modes[] = { "prepend", "add", "append" };

        conf_json_begin_object(j);
        conf_json_field_string(j, "family", r->family == AF_INET6 ? "ipv6" : "ipv4");
        conf_json_field_uint(j, "type", true, r->type);
        print_prefix(j, "destination", r->family, &r->dst, r->dst_len, true);
        print_addr(j, "src", r->family, &r->src, r->has_src);
        print_prefix(j, "from", r->family, &r->from, r->from_len, r->has_from);
        print_addr(j, "via", r->via_family, &r->via, r->via_family != 0);
        conf_json_field_string(j, "dev", r->dev);
        conf_json_field_uint(j, "tos", true, r->tos);
        conf_json_field_uint(j, "table", r->has_table, r->table);
        conf_json_field_uint(j, "protocol", true, r->protocol);
        conf_json_field_uint(j, "scope", r->scope != CONF_UNSET, (uint64_t) r->scope);
        conf_json_field_uint(j, "metric", r->has_metric, r->metric);
        conf_json_field_bool(j, "onlink", r->onlink);
        conf_json_field_uint(j, "realms", true, r->realms);
        conf_json_field_uint(j, "expires", r->has_expires, r->expires);
        conf_json_field_uint(j, "pref", r->pref != CONF_UNSET, (uint64_t) r->pref);
        conf_json_key(j, "ttl_propagate");
        if (r->ttl_propagate == CONF_UNSET)
                conf_json_null(j);
        else
                conf_json_bool(j, r->ttl_propagate);
        print_metrics(j, r);
        print_nexthops(j, r);
        conf_json_field_string(j, "mode", r->mode < ELEMENTSOF(modes) ? modes[r->mode] : NULL);
        conf_json_field_bool(j, "no_track", r->no_track);
        conf_json_end_object(j);
}

void conf_print_route_list(ConfJson *j, const char *key, const ConfRoute *r, size_t n) {
        assert(j);
        assert(key);

        conf_json_key(j, key);
        conf_json_begin_array(j);
        for (size_t k = 0; k < n; k++)
                print_route(j, &r[k]);
        conf_json_end_array(j);
}

static void print_range(ConfJson *j, const char *key, bool has, uint64_t first, uint64_t last) {
        conf_json_key(j, key);
        if (!has)
                return conf_json_null(j);
        conf_json_begin_array(j);
        conf_json_uint(j, first);
        conf_json_uint(j, last);
        conf_json_end_array(j);
}

static void print_rule(ConfJson *j, const ConfRule *r) {
        conf_json_begin_object(j);
        conf_json_field_string(j, "family", r->family == AF_INET6 ? "ipv6" : "ipv4");
        conf_json_field_bool(j, "not", r->invert);
        print_prefix(j, "from", r->family, &r->from, r->from_len, r->has_from);
        print_prefix(j, "to", r->family, &r->to, r->to_len, r->has_to);
        conf_json_field_uint(j, "action", true, r->action);
        conf_json_field_uint(j, "table", r->has_table, r->table);
        conf_json_field_uint(j, "goto", r->action == FR_ACT_GOTO, r->goto_target);
        conf_json_field_uint(j, "priority", r->has_priority, r->priority);
        conf_json_field_uint(j, "tos", true, r->tos);
        conf_json_field_uint(j, "fwmark", r->has_fwmark, r->fwmark);
        conf_json_field_uint(j, "fwmask", r->has_fwmark, r->fwmask);
        conf_json_field_uint(j, "realms", true, r->realms);
        conf_json_field_uint(j, "suppress_prefixlength", r->has_suppress_prefixlen, r->suppress_prefixlen);
        conf_json_field_uint(j, "suppress_ifgroup", r->has_suppress_ifgroup, r->suppress_ifgroup);
        conf_json_field_string(j, "iif", r->iif);
        conf_json_field_string(j, "oif", r->oif);
        conf_json_field_uint(j, "tunnel_id", r->has_tun_id, r->tun_id);
        print_range(j, "uidrange", r->has_uidrange, r->uid_start, r->uid_end);
        conf_json_field_bool(j, "l3mdev", r->l3mdev);
        conf_json_field_uint(j, "protocol", true, r->protocol);
        conf_json_field_uint(j, "ipproto", true, r->ipproto);
        print_range(j, "sport", r->has_sport, r->sport_start, r->sport_end);
        print_range(j, "dport", r->has_dport, r->dport_start, r->dport_end);
        conf_json_field_bool(j, "no_track", r->no_track);
        conf_json_end_object(j);
}

void conf_print_rule_list(ConfJson *j, const char *key, const ConfRule *r, size_t n) {
        assert(j);
        assert(key);

        conf_json_key(j, key);
        conf_json_begin_array(j);
        for (size_t k = 0; k < n; k++)
                print_rule(j, &r[k]);
        conf_json_end_array(j);
}
