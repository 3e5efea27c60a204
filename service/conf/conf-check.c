#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../util/cleanup.h"
#include "conf-check.h"
#include "conf-util.h"
#include "conf.h"

static const char *family_name(int family) {
        return family == AF_INET6 ? "IPv6" : "IPv4";
}

static void check_scripts(Config *c, ConfDiags *d) {
        for (size_t k = 0; k < c->n_scripts; k++) {
                ConfScript *s = &c->scripts[k];
                if (!s->script)
                        conf_diag_error(d, &s->loc, "vrrp_script '%s' has no script; expected 'script \"COMMAND\"'",
                                        s->name);
                if (s->timeout == USEC_INFINITY) /* keepalived waits one interval when no timeout is set */
                        s->timeout = s->interval;
        }
        for (size_t k = 0; k < c->n_track_files; k++)
                if (!c->track_files[k].file)
                        conf_diag_error(d, &c->track_files[k].loc, "track_file '%s' has no file; expected 'file PATH'",
                                        c->track_files[k].name);
        for (size_t k = 0; k < c->n_track_processes; k++)
                if (!c->track_processes[k].process)
                        conf_diag_error(d, &c->track_processes[k].loc,
                                        "vrrp_track_process '%s' has no process; expected 'process NAME'",
                                        c->track_processes[k].name);
}

static const char *const track_kinds[] = { "interface", "vrrp_script", "track_file", "vrrp_track_process" };

/* Resolves a track_script / track_file / track_process entry (kind 1–3) against its definition; kind 0 is an
 * interface (no definition). */
static void check_track(const Config *c, int kind, ConfTrack *t, ConfDiags *d) {
        const char *names[256];
        size_t n = 0;

        if (kind == 0) {
                if (t->weight == CONF_WEIGHT_UNSET)
                        t->weight = 0;
                return;
        }
        const ConfScript *s = kind == 1 ? conf_find_script(c, t->name) : NULL;
        const ConfTrackFile *f = kind == 2 ? conf_find_track_file(c, t->name) : NULL;
        const ConfTrackProcess *tp = kind == 3 ? conf_find_track_process(c, t->name) : NULL;
        if (s || f || tp) {
                if (t->weight == CONF_WEIGHT_UNSET) {
                        t->weight = s ? s->weight : f ? f->weight : tp->weight;
                        t->reverse = s ? s->weight_reverse : f ? f->weight_reverse : tp->weight_reverse;
                }
                return;
        }
        for (size_t k = 0; kind == 1 && k < c->n_scripts && n < ELEMENTSOF(names); k++)
                names[n++] = c->scripts[k].name;
        for (size_t k = 0; kind == 2 && k < c->n_track_files && n < ELEMENTSOF(names); k++)
                names[n++] = c->track_files[k].name;
        for (size_t k = 0; kind == 3 && k < c->n_track_processes && n < ELEMENTSOF(names); k++)
                names[n++] = c->track_processes[k].name;
        const char *hint = conf_util_suggest(t->name, names, n);
        conf_diag_error(d, &t->loc, "unknown %s '%s'%s%s%s", track_kinds[kind], t->name,
                        hint ? "; did you mean '" : "", hint ?: "", hint ? "'?" : "");
        t->weight = 0;
}

static void check_tracks(const Config *c, ConfTracks *t, ConfDiags *d) {
        for (size_t k = 0; k < t->n_interfaces; k++)
                check_track(c, 0, &t->interfaces[k], d);
        for (size_t k = 0; k < t->n_scripts; k++)
                check_track(c, 1, &t->scripts[k], d);
        for (size_t k = 0; k < t->n_files; k++)
                check_track(c, 2, &t->files[k], d);
        for (size_t k = 0; k < t->n_processes; k++)
                check_track(c, 3, &t->processes[k], d);
}

static bool same_addr(int family, const VrrpAddr *a, const VrrpAddr *b) {
        return memcmp(a, b, family == AF_INET6 ? 16 : 4) == 0;
}

/* Unicast instances with one (interface, family, VRID, source) are told apart by who sends: keepalived
 * refuses two that share a peer. b is the later one. */
static void check_shared_peer(const ConfInstance *a, const ConfInstance *b, ConfDiags *d) {
        char buf[INET6_ADDRSTRLEN];

        for (size_t k = 0; k < b->n_unicast_peers; k++)
                for (size_t j = 0; j < a->n_unicast_peers; j++) {
                        if (!same_addr(b->family, &b->unicast_peers[k].addr, &a->unicast_peers[j].addr))
                                continue;
                        conf_diag_error(d, &b->unicast_peers[k].loc, "unicast_peer %s is also a peer of "
                                        "vrrp_instance '%s' (%s:%u), with the same virtual_router_id %d on %s",
                                        inet_ntop(b->family, &b->unicast_peers[k].addr, buf, sizeof(buf)),
                                        a->name, a->loc.file, a->loc.line, b->vrid, b->interface ?: "any interface");
                        return;
                }
}

static bool same_unicast_sender(const ConfInstance *a, const ConfInstance *b) {
        return a->n_unicast_peers > 0 && b->n_unicast_peers > 0 && a->vrid == b->vrid && a->family == b->family &&
               strcmp(a->interface ?: "", b->interface ?: "") == 0 && a->has_unicast_src == b->has_unicast_src &&
               (!a->has_unicast_src || same_addr(a->family, &a->unicast_src, &b->unicast_src));
}

/* In identity order, instances that differ only by their peers are neighbours. */
static void check_peer_conflicts(const Index *seen, ConfDiags *d) {
        for (size_t k = 0; k < seen->n_entries; k++)
                for (size_t j = k + 1; j < seen->n_entries; j++) {
                        const ConfInstance *a = seen->entries[k].value, *b = seen->entries[j].value;

                        if (!same_unicast_sender(a, b))
                                break;
                        check_shared_peer(a < b ? a : b, a < b ? b : a, d); /* reported at the later one */
                }
}

/* Two instances cannot share an identity (conf_model_compare_identity()): their adverts would be one
 * router's. Each is checked against the first one defined with its identity, through an index of the
 * instances seen so far. */
static int check_duplicates(const Config *c, ConfDiags *d) {
        _cleanup_(index_done) Index seen = INDEX_INIT(conf_model_compare_identity);

        for (size_t k = 0; k < c->n_instances; k++) {
                const ConfInstance *b = &c->instances[k], *a;
                int r;

                if (b->vrid <= 0)
                        continue;
                r = index_insert(&seen, b, (void *) b);
                if (r == -ENOMEM)
                        return r;
                if (r != -EEXIST)
                        continue;
                a = index_find(&seen, b);
                conf_diag_error(d, &b->vrid_loc, "virtual_router_id %d on %s (%s) is already used by "
                                "vrrp_instance '%s' at %s:%u", b->vrid, b->interface ?: "any interface",
                                family_name(b->family),
                                a->name, a->loc.file, a->loc.line);
        }
        check_peer_conflicts(&seen, d);
        return 0;
}

static void check_sync_group(Config *c, ConfSyncGroup *g, ConfDiags *d) {
        const char *names[256];
        size_t n = 0;

        for (size_t k = 0; k < c->n_instances && n < ELEMENTSOF(names); k++)
                names[n++] = c->instances[k].name;
        for (size_t k = 0; k < g->n_members; k++) {
                ConfInstance *i = (ConfInstance *) conf_find_instance(c, g->members[k].name);
                if (!i) {
                        const char *hint = conf_util_suggest(g->members[k].name, names, n);
                        conf_diag_error(d, &g->members[k].loc, "unknown vrrp_instance '%s' in vrrp_sync_group '%s'%s%s%s",
                                        g->members[k].name, g->name, hint ? "; did you mean '" : "", hint ?: "",
                                        hint ? "'?" : "");
                } else if (i->sync_group) {
                        const ConfSyncGroup *o = conf_find_sync_group(c, i->sync_group);
                        conf_diag_error(d, &g->members[k].loc, "vrrp_instance '%s' is already in vrrp_sync_group '%s' "
                                        "at %s:%u; an instance belongs to one group at most", i->name, o->name,
                                        o->loc.file, o->loc.line);
                } else
                        i->sync_group = g->name;
        }
        if (g->n_members == 0)
                conf_diag_error(d, &g->loc, "vrrp_sync_group '%s' has no members; expected 'group { INSTANCE ... }'",
                                g->name);
        check_tracks(c, &g->tracks, d);
        g->smtp_alert = conf_complete_smtp_alert(&c->global, g->smtp_alert);
}

/* keepalived starts a sync group in MASTER only if every member is an address owner wanting MASTER;
 * otherwise its MASTER members start as BACKUP, owners too (vrrp_complete_init(): "if any sync group has
 * member wanting to start in master state, then all can start in master state"). */
static void sync_group_start_state(Config *c, const ConfSyncGroup *g, ConfDiags *d) {
        bool master = false, backup = false;

        for (size_t k = 0; k < g->n_members; k++) {
                const ConfInstance *i = conf_find_instance(c, g->members[k].name);
                if (!i || !i->sync_group || strcmp(i->sync_group, g->name) != 0)
                        continue;
                backup = backup || i->state == CONF_STATE_BACKUP || i->priority != 255;
                master = master || i->state == CONF_STATE_MASTER;
        }
        if (!master || !backup)
                return;
        for (size_t k = 0; k < g->n_members; k++) {
                ConfInstance *i = (ConfInstance *) conf_find_instance(c, g->members[k].name);
                if (!i || i->state != CONF_STATE_MASTER || !i->sync_group ||
                    strcmp(i->sync_group, g->name) != 0)
                        continue;
                if (i->priority == 255) /* below 255 MASTER already started as backup: nothing changes */
                        conf_diag_warning(d, &i->state_loc,
                                          "'%s' starts as BACKUP: not every member of "
                                          "vrrp_sync_group '%s' is an address owner in state MASTER",
                                          i->name, g->name);
                i->state = CONF_STATE_BACKUP;
        }
}

/* keepalived ignores an instance's own interface in its track_interface list */
static void drop_own_interface(ConfInstance *i, ConfDiags *d) {
        size_t n = 0;

        for (size_t k = 0; k < i->tracks.n_interfaces; k++) {
                ConfTrack *t = &i->tracks.interfaces[k];
                if (i->interface && strcmp(t->name, i->interface) == 0) {
                        conf_diag_warning(d, &t->loc, "track_interface '%s' is the own interface of '%s', ignored",
                                          t->name, i->name);
                        free(t->name);
                        continue;
                }
                i->tracks.interfaces[n++] = *t;
        }
        i->tracks.n_interfaces = n;
}

int conf_check_run(Config *c, const char *hostname, ConfDiags *d) {
        int r;

        assert(c);
        assert(d);

        r = conf_complete_global(&c->global, hostname);
        if (r < 0)
                return r;
        check_scripts(c, d);
        for (size_t k = 0; k < c->n_instances; k++) {
                ConfInstance *i = &c->instances[k];
                conf_complete_instance(&c->global, i, d);
                drop_own_interface(i, d);
                check_tracks(c, &i->tracks, d);
        }
        r = check_duplicates(c, d);
        if (r < 0)
                return r;
        r = conf_check_links(c, d);
        if (r < 0)
                return r;
        r = conf_check_routes(c, d);
        if (r < 0)
                return r;
        for (size_t k = 0; k < c->n_sync_groups; k++)
                check_sync_group(c, &c->sync_groups[k], d);
        for (size_t k = 0; k < c->n_sync_groups; k++)
                sync_group_start_state(c, &c->sync_groups[k], d);
        for (size_t k = 0; k < c->n_sync_groups; k++)
                conf_check_sync_weights(c, &c->sync_groups[k], d);
        conf_complete_mail(c, d);
        return 0;
}
