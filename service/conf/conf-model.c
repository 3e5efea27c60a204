#include <arpa/inet.h>
#include <assert.h>
#include <limits.h>
#include <errno.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../util/strv.h"
#include "conf-model.h"

/* keepalived 2.2.7's global defaults (global_data.c set_vrrp_defaults(), vrrp.h) */
void conf_model_global_init(ConfGlobal *g) {
        assert(g);
        *g = (ConfGlobal){
                .vrrp_version = 2,
                .garp_master_delay = 5 * USEC_PER_SEC,
                .garp_master_repeat = 5,
                .garp_master_refresh = 0,
                .garp_master_refresh_repeat = 1,
                .garp_lower_prio_delay = USEC_INFINITY,
                .garp_lower_prio_repeat = CONF_UNSET,
                .down_timer_adverts = 3,
                .smtp_alert = CONF_UNSET,
                .smtp_alert_vrrp = CONF_UNSET,
                .startup_script_timeout = 10 * USEC_PER_SEC,
                .shutdown_script_timeout = 10 * USEC_PER_SEC,
                .process_rescan_interval = USEC_PER_SEC,
                .mail = { .port = 25, .timeout = 30 * USEC_PER_SEC },
        };
        inet_pton(AF_INET, "224.0.0.18", &g->mcast_group4.in);
        inet_pton(AF_INET6, "ff02::12", &g->mcast_group6.in6);
}

void conf_model_instance_init(ConfInstance *i) {
        assert(i);
        *i = (ConfInstance){
                .state = CONF_UNSET,
                .vrid = CONF_UNSET,
                .priority = CONF_UNSET,
                .advert_int = USEC_INFINITY,
                .version = CONF_UNSET,
                .accept = CONF_UNSET,
                .strict_mode = CONF_UNSET,
                .unicast_ttl = CONF_UNSET,
                .garp_master_delay = USEC_INFINITY,
                .garp_master_repeat = CONF_UNSET,
                .garp_master_refresh = USEC_INFINITY,
                .garp_master_refresh_repeat = CONF_UNSET,
                .garp_lower_prio_delay = USEC_INFINITY,
                .garp_lower_prio_repeat = CONF_UNSET,
                .garp_extra_if = USEC_INFINITY,
                .garp_extra_all = CONF_UNSET,
                .down_timer_adverts = CONF_UNSET,
                .lower_prio_no_advert = CONF_UNSET,
                .higher_prio_send_advert = CONF_UNSET,
                .owner_ignore_adverts = CONF_UNSET,
                .fast_preempt = CONF_UNSET,
                .v3_checksum_as_v2 = CONF_UNSET,
                .smtp_alert = CONF_UNSET,
                .notify_priority_changes = CONF_UNSET,
        };
}

/* vrrp_data.c alloc_vrrp_script() */
void conf_model_script_init(ConfScript *s) {
        assert(s);
        *s = (ConfScript){ .interval = USEC_PER_SEC, .timeout = USEC_INFINITY, .rise = 1, .fall = 1 };
}

/* track_file.c: a tracked file weighs 1 unless told otherwise */
void conf_model_track_file_init(ConfTrackFile *f) {
        assert(f);
        *f = (ConfTrackFile){ .weight = 1 };
}

/* vrrp_data.c alloc_vrrp_process(): one process is a quorum, no upper bound; weight 0 (fault when down) */
void conf_model_track_process_init(ConfTrackProcess *t) {
        assert(t);
        *t = (ConfTrackProcess){ .quorum = 1, .quorum_max = UINT_MAX };
}

void conf_model_notify_done(ConfNotify *n) {
        assert(n);
        free(n->command);
        free(n->user);
        free(n->group);
        *n = (ConfNotify){};
}

void conf_model_route_init(ConfRoute *r) {
        assert(r);
        *r = (ConfRoute){ .type = RTN_UNICAST, .protocol = RTPROT_KEEPALIVED, .scope = CONF_UNSET,
                          .pref = CONF_UNSET, .ttl_propagate = CONF_UNSET };
}

void conf_model_route_done(ConfRoute *r) {
        assert(r);
        free(r->dev);
        free(r->congctl);
        for (size_t k = 0; k < r->n_nexthops; k++)
                free(r->nexthops[k].dev);
        free(r->nexthops);
        *r = (ConfRoute){};
}

void conf_model_rule_init(ConfRule *r) {
        assert(r);
        *r = (ConfRule){ .action = FR_ACT_UNSPEC, .fwmask = UINT32_MAX };
}

void conf_model_rule_done(ConfRule *r) {
        assert(r);
        free(r->iif);
        free(r->oif);
        *r = (ConfRule){};
}

static void routes_free(ConfRoute *r, size_t n) {
        for (size_t k = 0; k < n; k++)
                conf_model_route_done(&r[k]);
        free(r);
}

static void rules_free(ConfRule *r, size_t n) {
        for (size_t k = 0; k < n; k++)
                conf_model_rule_done(&r[k]);
        free(r);
}

static void track_list_free(ConfTrack *t, size_t n) {
        for (size_t i = 0; i < n; i++)
                free(t[i].name);
        free(t);
}

static void tracks_done(ConfTracks *t) {
        track_list_free(t->interfaces, t->n_interfaces);
        track_list_free(t->scripts, t->n_scripts);
        track_list_free(t->files, t->n_files);
        track_list_free(t->processes, t->n_processes);
}

static void notifies_done(ConfNotifies *n) {
        conf_model_notify_done(&n->any);
        conf_model_notify_done(&n->master);
        conf_model_notify_done(&n->backup);
        conf_model_notify_done(&n->fault);
        conf_model_notify_done(&n->stop);
        conf_model_notify_done(&n->deleted);
        conf_model_notify_done(&n->rx_lower_pri);
}

static void vips_free(ConfVip *v, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(v[i].dev);
                free(v[i].scope);
                free(v[i].label);
                free(v[i].vmac_name);
        }
        free(v);
}

/* Secrets are wiped before their memory goes back. */
static void secret_free(char *s) {
        if (s)
                explicit_bzero(s, strlen(s));
        free(s);
}

static void auth_hmac_done(ConfAuthHmac *h) {
        if (h->keys)
                explicit_bzero(h->keys, h->n_keys * sizeof(*h->keys));
        free(h->keys);
}

static void instance_done(ConfInstance *i) {
        free(i->name);
        free(i->interface);
        free(i->vrf);
        secret_free(i->auth_pass);
        auth_hmac_done(&i->auth_hmac);
        vips_free(i->vips, i->n_vips);
        vips_free(i->excluded_vips, i->n_excluded_vips);
        free(i->unicast_peers);
        tracks_done(&i->tracks);
        notifies_done(&i->notify);
        free(i->vmac.name);
        free(i->ipvlan.name);
        routes_free(i->routes, i->n_routes);
        rules_free(i->rules, i->n_rules);
}

static void sync_group_done(ConfSyncGroup *g) {
        free(g->name);
        for (size_t i = 0; i < g->n_members; i++)
                free(g->members[i].name);
        free(g->members);
        tracks_done(&g->tracks);
        notifies_done(&g->notify);
}

static void fifo_done(ConfFifo *f) {
        free(f->name);
        free(f->script);
        free(f->user);
        free(f->group);
}

static void global_done(ConfGlobal *g) {
        free(g->router_id);
        free(g->script_user);
        free(g->script_group);
        fifo_done(&g->notify_fifo);
        fifo_done(&g->vrrp_notify_fifo);
        conf_model_notify_done(&g->startup_script);
        conf_model_notify_done(&g->shutdown_script);
        free(g->privileged_group);
        free(g->vmac_prefix);
        free(g->default_interface);
        free(g->iproute_etc_dir);
        free(g->iproute_usr_dir);
        free(g->vmac_addr_prefix);
        free(g->net_namespace);
        free(g->instance);
        free(g->dbus_service_name);
        strv_free(g->mail.to);
        free(g->mail.from);
        free(g->mail.server);
        free(g->mail.helo);
}

Config *conf_model_free(Config *c) {
        if (!c)
                return NULL;
        global_done(&c->global);
        for (size_t i = 0; i < c->n_instances; i++)
                instance_done(&c->instances[i]);
        free(c->instances);
        for (size_t i = 0; i < c->n_scripts; i++) {
                free(c->scripts[i].name);
                free(c->scripts[i].script);
                free(c->scripts[i].user);
                free(c->scripts[i].group);
        }
        free(c->scripts);
        for (size_t i = 0; i < c->n_track_files; i++) {
                free(c->track_files[i].name);
                free(c->track_files[i].file);
        }
        free(c->track_files);
        for (size_t i = 0; i < c->n_track_processes; i++) {
                free(c->track_processes[i].name);
                free(c->track_processes[i].process);
                free(c->track_processes[i].params);
        }
        free(c->track_processes);
        for (size_t i = 0; i < c->n_sync_groups; i++)
                sync_group_done(&c->sync_groups[i]);
        free(c->sync_groups);
        vips_free(c->static_vips, c->n_static_vips);
        routes_free(c->static_routes, c->n_static_routes);
        rules_free(c->static_rules, c->n_static_rules);
        for (size_t i = 0; i < c->n_files; i++)
                free(c->files[i]);
        free(c->files);
        for (size_t k = 0; k < _CONF_OBJECT_MAX; k++)
                index_done(&c->names[k]);
        free(c);
        return NULL;
}

Config *conf_model_new(void) {
        Config *c = calloc(1, sizeof(Config));

        if (!c)
                return NULL;
        conf_model_global_init(&c->global);
        for (size_t k = 0; k < _CONF_OBJECT_MAX; k++)
                c->names[k] = INDEX_INIT(index_compare_string);
        return c;
}

int conf_model_name_add(Config *c, ConfObject kind, const char *name, size_t pos) {
        assert(c);
        assert(kind < _CONF_OBJECT_MAX);
        assert(name);

        return index_insert(&c->names[kind], name, (void *) (uintptr_t) (pos + 1));
}

ssize_t conf_model_find(const Config *c, ConfObject kind, const char *name) {
        uintptr_t v;

        assert(c);
        assert(kind < _CONF_OBJECT_MAX);
        assert(name);

        v = (uintptr_t) index_find(&c->names[kind], name);
        return v == 0 ? -ENOENT : (ssize_t) (v - 1);
}

const ConfLoc *conf_model_loc(const Config *c, ConfObject kind, size_t pos) {
        assert(c);

        switch (kind) {
        case CONF_OBJECT_INSTANCE:
                assert(pos < c->n_instances);
                return &c->instances[pos].loc;
        case CONF_OBJECT_SCRIPT:
                assert(pos < c->n_scripts);
                return &c->scripts[pos].loc;
        case CONF_OBJECT_TRACK_FILE:
                assert(pos < c->n_track_files);
                return &c->track_files[pos].loc;
        case CONF_OBJECT_SYNC_GROUP:
                assert(pos < c->n_sync_groups);
                return &c->sync_groups[pos].loc;
        case CONF_OBJECT_TRACK_PROCESS:
                assert(pos < c->n_track_processes);
                return &c->track_processes[pos].loc;
        default:
                assert(!"unknown kind of object");
                return NULL;
        }
}

static int compare_addr(int family, const VrrpAddr *a, const VrrpAddr *b) {
        return memcmp(a, b, family == AF_INET6 ? 16 : 4);
}

/* A unicast instance's lowest peer: instances that share a VRID have no peer in common (conf-check.c). */
static const VrrpAddr *lowest_peer(const ConfInstance *i) {
        const VrrpAddr *low = &i->unicast_peers[0].addr;

        for (size_t k = 1; k < i->n_unicast_peers; k++)
                if (compare_addr(i->family, &i->unicast_peers[k].addr, low) < 0)
                        low = &i->unicast_peers[k].addr;
        return low;
}

/* Past (interface, family, VRID), what keepalived's check_vrid_conflicts() lets differ: unicast or not, the
 * multicast group, the unicast source, the peers. */
static int compare_addressing(const ConfInstance *x, const ConfInstance *y) {
        bool xu = x->n_unicast_peers > 0, yu = y->n_unicast_peers > 0;
        int r;

        if (xu != yu)
                return xu ? 1 : -1;
        if (!xu)
                return compare_addr(x->family, &x->mcast_dst, &y->mcast_dst);
        if (x->has_unicast_src != y->has_unicast_src)
                return x->has_unicast_src ? 1 : -1;
        r = x->has_unicast_src ? compare_addr(x->family, &x->unicast_src, &y->unicast_src) : 0;
        return r != 0 ? r : compare_addr(x->family, lowest_peer(x), lowest_peer(y));
}

int conf_model_compare_identity(const void *a, const void *b) {
        const ConfInstance *x = a, *y = b;
        int r;

        assert(x);
        assert(y);

        r = strcmp(x->interface ?: "", y->interface ?: "");
        if (r != 0)
                return r;
        if (x->family != y->family)
                return x->family < y->family ? -1 : 1;
        if (x->vrid != y->vrid)
                return x->vrid < y->vrid ? -1 : 1;
        return compare_addressing(x, y);
}
