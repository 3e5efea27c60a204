#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "instance.h"
#include "listener.h"
#include "manager.h"
#include "os/nl-ifaddr.h"
#include "os/nl-monitor.h"
#include "script/script-config.h"
#include "track/track-file.h"
#include "track/track-process.h"
#include "track/track-script.h"
#include "track/tracking.h"
#include "util/log.h"
#include "util/string-table.h"

/* Health tracking (issue 4): vrrp_script results and tracked interfaces become the effective priority and
 * weight-0 faults of the instances that track them, through the pure arithmetic of core/vrrp-track. */

static const char *const track_kind_table[_TRACK_KIND_MAX] = {
        [TRACK_KIND_SCRIPT] = "script",
        [TRACK_KIND_INTERFACE] = "interface",
        [TRACK_KIND_FILE] = "file",
        [TRACK_KIND_PROCESS] = "process",
};

DEFINE_STRING_TABLE_TO_STRING(track_kind, TrackKind);

/* Stores a track's new result; true if Tracks shows something else now (up, or the weight). */
static bool tracking_set(Instance *i, size_t n, VrrpTrack vt) {
        const VrrpTrack *o = &i->vtracks[n];
        bool shown = (o->state == VRRP_TRACK_UP) != (vt.state == VRRP_TRACK_UP) || o->weight != vt.weight;

        i->vtracks[n] = vt;
        return shown;
}

static bool tracking_set_state(Instance *i, size_t n, VrrpTrackState state) {
        VrrpTrack vt = i->vtracks[n];

        vt.state = state;
        return tracking_set(i, n, vt);
}

static const char *const instance_fault_table[_INSTANCE_FAULT_MAX] = {
        [INSTANCE_FAULT_REINSTATE_LIMIT] = "reinstate-limit",
        [INSTANCE_FAULT_NO_PEER] = "no-unicast-peer",
        [INSTANCE_FAULT_SOURCE] = "no-source-address",
        [INSTANCE_FAULT_NO_INTERFACE] = "no-interface",
};

DEFINE_STRING_TABLE_TO_STRING(instance_fault, unsigned);

int tracking_set_fault(Instance *i, unsigned f, bool on) {
        unsigned bit = 1u << f;

        assert(i);
        assert(f < _INSTANCE_FAULT_MAX);

        if (!!(i->faults & bit) == on)
                return 0;
        i->faults = on ? i->faults | bit : i->faults & ~bit;
        LISTENERS_EMIT(&i->manager->listeners, tracks_changed, i);
        return tracking_apply(i);
}

/* Whether i runs on its interface: one of that name at its index (it may have gone, or come back elsewhere). */
static bool tracking_has_interface(const Instance *i) {
        char name[IF_NAMESIZE];

        return i->ifindex > 0 && if_indextoname((unsigned) i->ifindex, name) && strcmp(name, i->conf->interface) == 0;
}

bool tracking_own_faults(Instance *i) {
        unsigned before = i->faults, mask = (1u << INSTANCE_FAULT_NO_PEER) | (1u << INSTANCE_FAULT_SOURCE) |
                                            (1u << INSTANCE_FAULT_NO_INTERFACE);

        assert(i);

        i->faults &= ~mask;
        /* ifindex 0: built without it (dynamic_interfaces); else it may have gone since */
        if (i->conf->interface && (i->ifindex == 0 || (i->manager->config &&
                                                       i->manager->config->global.dynamic_interfaces &&
                                                       !tracking_has_interface(i))))
                i->faults |= 1u << INSTANCE_FAULT_NO_INTERFACE;
        if (i->conf->unicast_fault_no_peer && i->conf->n_unicast_peers == 0)
                i->faults |= 1u << INSTANCE_FAULT_NO_PEER;
        if (i->conf->track_src_ip && nl_ifaddr_is_local(i->manager->nl, i->params.fsm.family, &i->src) <= 0)
                i->faults |= 1u << INSTANCE_FAULT_SOURCE;
        mask &= ~(1u << INSTANCE_FAULT_NO_INTERFACE); /* said where it is found */
        if ((i->faults & mask) != (before & mask))
                log_instance(LOG_NOTICE, 0, i->name, i->params.fsm.vrid, "%s%s",
                             i->faults & (1u << INSTANCE_FAULT_NO_PEER) ? "unicast_fault_no_peer: no unicast_peer, "
                                                                          "held in FAULT; " : "",
                             i->faults & (1u << INSTANCE_FAULT_SOURCE) ? "track_src_ip: its source address is on "
                                                                         "no interface, held in FAULT" : "");
        return i->faults != before;
}

int tracking_refresh_faults(Instance *i) {
        assert(i);

        if (!tracking_own_faults(i))
                return 0;
        LISTENERS_EMIT(&i->manager->listeners, tracks_changed, i);
        return tracking_apply(i);
}

void tracking_on_address(Manager *m, int family, const VrrpAddr *addr) {
        assert(m);
        assert(addr);

        for (size_t k = 0; k < m->n_instances; k++) {
                Instance *i = m->instances[k];
                int local;

                if (!i->conf->track_src_ip || i->params.fsm.family != family ||
                    vrrp_addr_cmp(family, &i->src, addr) != 0)
                        continue;
                local = nl_ifaddr_is_local(m->nl, family, addr);
                if (local < 0)
                        continue;
                log_instance(LOG_NOTICE, 0, i->name, i->params.fsm.vrid, "track_src_ip: its source address is %s",
                             local ? "back" : "gone: FAULT");
                (void) tracking_set_fault(i, INSTANCE_FAULT_SOURCE, !local);
        }
}

/* After new results for some of i's tracks (mine): Tracks goes out when it shows something else, whether
 * or not the priority moves (a SetPriority override holds it), and before the FSM hears of it: cause, then
 * effect. */
static void tracking_changed(Instance *i, bool mine, bool shown) {
        if (shown)
                LISTENERS_EMIT(&i->manager->listeners, tracks_changed, i);
        if (mine)
                (void) tracking_apply(i);
}

static void tracking_on_script(TrackScript *t, VrrpTrackState state, void *userdata) {
        Manager *m = userdata;

        log_info("vrrp_script '%s' is now %s", track_script_get_name(t), vrrp_track_state_to_string(state));
        for (size_t k = 0; k < m->n_instances; k++) {
                Instance *i = m->instances[k];
                bool mine = false, shown = false;

                for (size_t n = 0; n < i->n_tracks; n++)
                        if (i->tracks[n].script == t) {
                                shown |= tracking_set_state(i, n, state);
                                mine = true;
                        }
                tracking_changed(i, mine, shown);
        }
}

static void tracking_script_free(TrackingScript *e) {
        track_script_free(e->script);
        script_config_command_done(&e->command);
        free(e);
}

/* The running vrrp_script of this name, started at first use; NULL if it cannot run (logged once). */
static TrackScript *tracking_script(Manager *m, const char *name) {
        Tracking *t = &m->tracking;
        TrackingScript **a, *e;
        const ConfScript *cs;
        char what[128];
        int r;

        e = index_find(&t->scripts_by_name, name);
        if (e)
                return e->script;
        cs = conf_find_script(m->config, name);
        if (!cs)
                return NULL;
        a = reallocarray(t->scripts, t->n_scripts + 1, sizeof(*a));
        if (!a)
                return log_oom(), NULL;
        t->scripts = a;
        e = calloc(1, sizeof(*e));
        if (!e)
                return log_oom(), NULL;
        *e = (TrackingScript){ .name = cs->name };
        t->scripts[t->n_scripts++] = e;
        if (index_insert(&t->scripts_by_name, e->name, e) < 0)
                return log_oom(), NULL;
        snprintf(what, sizeof(what), "vrrp_script '%s'", cs->name);
        r = script_config_command(&m->config->global, what, cs->script, cs->user, cs->group, &e->command);
        if (r < 0)
                return NULL;
        TrackScriptConfig tc = {
                .name = cs->name, .command = &e->command, .interval_usec = cs->interval,
                .timeout_usec = cs->timeout == USEC_INFINITY ? 0 : cs->timeout, .rise = (unsigned) cs->rise,
                .fall = (unsigned) cs->fall, .init_fail = cs->init_fail, .weight = cs->weight,
                .reverse = cs->weight_reverse,
        };
        r = track_script_new(m->event, &tc, tracking_on_script, m, &e->script);
        if (r < 0)
                log_error_errno(r, "%s: failed to start: %m", what);
        return e->script;
}

static int tracking_add(Instance *i, TrackKind kind, const char *name, TrackScript *script, int ifindex,
                        VrrpTrack vt) {
        InstanceTrack *a = reallocarray(i->tracks, i->n_tracks + 1, sizeof(*a));
        VrrpTrack *b;

        if (!a)
                return log_oom();
        i->tracks = a;
        b = reallocarray(i->vtracks, i->n_tracks + 1, sizeof(*b));
        if (!b)
                return log_oom();
        i->vtracks = b;
        i->tracks[i->n_tracks] = (InstanceTrack){ .kind = kind, .name = name, .script = script, .ifindex = ifindex };
        i->vtracks[i->n_tracks++] = vt;
        return 0;
}

/* track_script lines: the line's weight, else the script's; reverse from either (keepalived). */
static int tracking_add_scripts(Manager *m, Instance *i, const ConfTrack *list, size_t n) {
        for (size_t k = 0; k < n; k++) {
                const ConfScript *cs = conf_find_script(m->config, list[k].name);
                TrackScript *t = tracking_script(m, list[k].name);
                int weight = list[k].weight != CONF_WEIGHT_UNSET ? list[k].weight : cs ? cs->weight : 0;
                bool reverse = list[k].reverse || (list[k].weight == CONF_WEIGHT_UNSET && cs && cs->weight_reverse);
                int r;

                if (!t) {
                        log_warning("%s: not tracking vrrp_script '%s': it cannot run", i->name, list[k].name);
                        continue;
                }
                r = tracking_add(i, TRACK_KIND_SCRIPT, list[k].name, t, 0,
                                 (VrrpTrack){ .state = track_script_get_state(t), .weight = weight,
                                              .reverse = reverse });
                if (r < 0)
                        return r;
        }
        return 0;
}

/* track_interface lines: weight 0 (the default) means FAULT while the interface is down. */
static int tracking_add_interfaces(Manager *m, Instance *i, const ConfTrack *list, size_t n) {
        for (size_t k = 0; k < n; k++) {
                int ifindex = (int) if_nametoindex(list[k].name);
                VrrpTrackState state = VRRP_TRACK_DOWN;
                bool up;
                int r;

                if (ifindex > 0 && nl_monitor_link_state(m->nl, ifindex, &up) >= 0 && up)
                        state = VRRP_TRACK_UP;
                if (ifindex <= 0)
                        log_warning("%s: tracked interface '%s' does not exist: counted as down", i->name,
                                    list[k].name);
                r = tracking_add(i, TRACK_KIND_INTERFACE, list[k].name, NULL, ifindex,
                                 (VrrpTrack){ .state = state,
                                              .weight = list[k].weight == CONF_WEIGHT_UNSET ? 0 : list[k].weight,
                                              .reverse = list[k].reverse });
                if (r < 0)
                        return r;
        }
        return 0;
}

/* keepalived's track_file: value × weight (reverse: negated), clamped to ±253; weight 0: non-zero is FAULT. */
static VrrpTrack tracking_file_vtrack(long value, int weight, bool reverse) {
        long c;

        if (weight == 0)
                return (VrrpTrack){ .state = value != 0 ? VRRP_TRACK_DOWN : VRRP_TRACK_UP, .reverse = reverse };
        c = value * weight * (reverse ? -1 : 1);
        c = c > VRRP_TRACK_WEIGHT_MAX ? VRRP_TRACK_WEIGHT_MAX : c < -VRRP_TRACK_WEIGHT_MAX ? -VRRP_TRACK_WEIGHT_MAX : c;
        /* a positive weight counts while up, a negative one while down (core/vrrp-track.h) */
        return (VrrpTrack){ .state = c >= 0 ? VRRP_TRACK_UP : VRRP_TRACK_DOWN, .weight = (int) c };
}

static void tracking_on_file(TrackFile *f, long value, void *userdata) {
        Manager *m = userdata;

        log_info("track_file '%s' now reads %ld", track_file_get_name(f), value);
        for (size_t k = 0; k < m->n_instances; k++) {
                Instance *i = m->instances[k];
                bool mine = false, shown = false;

                for (size_t n = 0; n < i->n_tracks; n++)
                        if (i->tracks[n].file == f) {
                                VrrpTrack vt = tracking_file_vtrack(value, i->tracks[n].file_weight,
                                                                    i->tracks[n].file_reverse);

                                shown |= tracking_set(i, n, vt);
                                mine = true;
                        }
                tracking_changed(i, mine, shown);
        }
}

static TrackFile *tracking_file(Manager *m, const ConfTrackFile *cf) {
        Tracking *t = &m->tracking;
        TrackFile **a, *f;
        int r;

        f = index_find(&t->files_by_name, cf->name);
        if (f)
                return f;
        a = reallocarray(t->files, t->n_files + 1, sizeof(*a));
        if (!a)
                return log_oom(), NULL;
        t->files = a;
        r = track_file_new(m->event, cf->name, cf->file, cf->init_file, cf->init_value, cf->init_overwrite,
                           tracking_on_file, m, &t->files[t->n_files]);
        if (r < 0)
                return log_error_errno(r, "track_file '%s': cannot watch '%s': %m", cf->name, cf->file), NULL;
        f = t->files[t->n_files++];
        if (index_insert(&t->files_by_name, track_file_get_name(f), f) < 0)
                return log_oom(), NULL;
        return f;
}

static int tracking_add_files(Manager *m, Instance *i, const ConfTrack *list, size_t n) {
        for (size_t k = 0; k < n; k++) {
                const ConfTrackFile *cf = conf_find_track_file(m->config, list[k].name);
                TrackFile *f = cf ? tracking_file(m, cf) : NULL;
                int weight, r;
                bool reverse;

                if (!f) {
                        log_warning("%s: not tracking track_file '%s': it cannot be watched", i->name, list[k].name);
                        continue;
                }
                weight = list[k].weight != CONF_WEIGHT_UNSET ? list[k].weight : cf->weight;
                reverse = list[k].reverse || (list[k].weight == CONF_WEIGHT_UNSET && cf->weight_reverse);
                r = tracking_add(i, TRACK_KIND_FILE, list[k].name, NULL, 0,
                                 tracking_file_vtrack(track_file_get_value(f), weight, reverse));
                if (r < 0)
                        return r;
                i->tracks[i->n_tracks - 1].file = f;
                i->tracks[i->n_tracks - 1].file_weight = weight;
                i->tracks[i->n_tracks - 1].file_reverse = reverse;
        }
        return 0;
}

static void tracking_on_process(TrackProcess *t, VrrpTrackState state, void *userdata) {
        Manager *m = userdata;
        const ConfTrackProcess *c = track_process_get_conf(t);
        char max[16] = ""; /* none: no upper bound */

        if (c->quorum_max != UINT_MAX)
                snprintf(max, sizeof(max), "%u", c->quorum_max);
        log_info("vrrp_track_process '%s' is now %s (%zu running, quorum %u..%s)", c->name,
                 vrrp_track_state_to_string(state), track_process_get_count(t), c->quorum, max);
        for (size_t k = 0; k < m->n_instances; k++) {
                Instance *i = m->instances[k];
                bool mine = false, shown = false;

                for (size_t n = 0; n < i->n_tracks; n++)
                        if (i->tracks[n].process == t) {
                                shown |= tracking_set_state(i, n, state);
                                mine = true;
                        }
                tracking_changed(i, mine, shown);
        }
}

int tracking_set_connector(Manager *m, int fd) {
        assert(m);
        assert(!m->tracking.processes);

        return proc_watch_new(m->event, fd, tracking_on_process, m, &m->tracking.processes);
}

/* track_process lines: the line's weight, else the vrrp_track_process's. */
static int tracking_add_processes(Manager *m, Instance *i, const ConfTrack *list, size_t n) {
        for (size_t k = 0; k < n; k++) {
                const ConfTrackProcess *cp = conf_find_track_process(m->config, list[k].name);
                TrackProcess *t;
                int r;

                if (!cp || !cp->process)
                        continue; /* the config check said so */
                if (!m->tracking.processes) {
                        r = tracking_set_connector(m, -1);
                        if (r < 0)
                                return log_oom();
                }
                r = proc_watch_track(m->tracking.processes, cp, m->config->global.process_rescan_interval, &t);
                if (r < 0)
                        return log_error_errno(r, "%s: failed to track vrrp_track_process '%s': %m", i->name,
                                               cp->name);
                r = tracking_add(i, TRACK_KIND_PROCESS, list[k].name, NULL, 0,
                                 (VrrpTrack){ .state = track_process_get_state(t),
                                              .weight = list[k].weight != CONF_WEIGHT_UNSET ? list[k].weight : cp->weight,
                                              .reverse = list[k].reverse ||
                                                         (list[k].weight == CONF_WEIGHT_UNSET && cp->weight_reverse) });
                if (r < 0)
                        return r;
                i->tracks[i->n_tracks - 1].process = t;
        }
        return 0;
}

static int tracking_add_all(Manager *m, Instance *i, const ConfTracks *t) {
        int r;

        r = tracking_add_scripts(m, i, t->scripts, t->n_scripts);
        if (r < 0)
                return r;
        r = tracking_add_interfaces(m, i, t->interfaces, t->n_interfaces);
        if (r < 0)
                return r;
        r = tracking_add_files(m, i, t->files, t->n_files);
        if (r < 0)
                return r;
        return tracking_add_processes(m, i, t->processes, t->n_processes);
}

/* An instance tracks its own objects and those of its sync group (keepalived applies a group's tracks to every
 * member). */
int tracking_setup(Manager *m) {
        assert(m);

        for (size_t k = 0; k < m->n_instances; k++) {
                Instance *i = m->instances[k];
                const ConfInstance *c = i->conf;
                const ConfSyncGroup *g = c->sync_group ? conf_find_sync_group(m->config, c->sync_group) : NULL;
                int r;

                r = tracking_add_all(m, i, &c->tracks);
                if (r < 0)
                        return r;
                r = g ? tracking_add_all(m, i, &g->tracks) : 0;
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Files hold their state themselves: a reload simply watches them anew. */
static void tracking_files_done(Manager *m) {
        for (size_t k = 0; k < m->tracking.n_files; k++)
                track_file_free(m->tracking.files[k]);
        free(m->tracking.files);
        m->tracking.files = NULL;
        m->tracking.n_files = 0;
        index_done(&m->tracking.files_by_name);
}

void tracking_init(Manager *m) {
        assert(m);
        m->tracking = (Tracking){ .scripts_by_name = INDEX_INIT(index_compare_string),
                                  .files_by_name = INDEX_INIT(index_compare_string) };
}

void tracking_done(Manager *m) {
        assert(m);

        for (size_t k = 0; k < m->tracking.n_scripts; k++)
                tracking_script_free(m->tracking.scripts[k]);
        free(m->tracking.scripts);
        index_done(&m->tracking.scripts_by_name);
        tracking_files_done(m);
        proc_watch_free(m->tracking.processes);
        demotions_done(&m->tracking.demotions);
        m->tracking = (Tracking){};
}

/* Recomputes the instance's effective priority (tracks' weights, less the named demotions that target it)
 * and weight-0 faults, and tells its FSM what changed: one FAULT_SET or FAULT_CLEAR per fault (the FSM counts
 * them), one PRIORITY when the priority moved. A weight-0 track without a result yet holds the instance in
 * FAULT, as keepalived does. */
int tracking_apply(Instance *i) {
        VrrpTrackResult res;
        unsigned faults, demoted;
        int r;

        assert(i);

        r = vrrp_track_compute(i->params.fsm.priority, i->vtracks, i->n_tracks, &res);
        if (r < 0)
                return log_warning_errno(r, "%s: invalid tracking weights: %m", i->name);
        demoted = demotions_sum(&i->manager->tracking.demotions, i->name, i->conf->sync_group);
        vrrp_track_demote(&res, i->params.fsm.priority, demoted);
        faults = res.n_fault + res.n_init + (unsigned) __builtin_popcount(i->faults);
        while (i->n_track_faults < faults) {
                r = instance_step(i, &(VrrpEvent){ .type = VRRP_EVENT_FAULT_SET });
                if (r < 0)
                        return r;
                i->n_track_faults++;
        }
        while (i->n_track_faults > faults) {
                r = instance_step(i, &(VrrpEvent){ .type = VRRP_EVENT_FAULT_CLEAR });
                if (r < 0)
                        return r;
                i->n_track_faults--;
        }
        i->tracked_priority = res.priority;
        if (i->params.fsm.priority == VRRP_PRIORITY_OWNER || i->priority_override > 0 ||
            res.priority == vrrp_fsm_priority(&i->fsm, &i->params.fsm))
                return 0;
        log_instance(LOG_INFO, 0, i->name, i->params.fsm.vrid,
                     "effective priority %u (configured %u, tracking %+d, demoted %u)", res.priority,
                     i->params.fsm.priority, res.total + (int) demoted - i->params.fsm.priority, demoted);
        return instance_step(i, &(VrrpEvent){ .type = VRRP_EVENT_PRIORITY, .priority = res.priority });
}

void tracking_on_link(Manager *m, int ifindex, bool up) {
        assert(m);

        for (size_t k = 0; k < m->n_instances; k++) {
                Instance *i = m->instances[k];
                bool mine = false, shown = false;

                for (size_t n = 0; n < i->n_tracks; n++)
                        if (i->tracks[n].kind == TRACK_KIND_INTERFACE && i->tracks[n].ifindex == ifindex) {
                                shown |= tracking_set_state(i, n, up ? VRRP_TRACK_UP : VRRP_TRACK_DOWN);
                                mine = true;
                        }
                tracking_changed(i, mine, shown);
        }
}

static bool tracking_str_eq(const char *a, const char *b) {
        return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool tracking_script_same(const ConfScript *a, const ConfScript *b) {
        return tracking_str_eq(a->script, b->script) && tracking_str_eq(a->user, b->user) &&
               tracking_str_eq(a->group, b->group) && a->interval == b->interval && a->timeout == b->timeout &&
               a->weight == b->weight && a->weight_reverse == b->weight_reverse && a->rise == b->rise &&
               a->fall == b->fall && a->init_fail == b->init_fail;
}

/* Before a reload swaps in `next`: vrrp_scripts whose settings did not change keep running, with their
 * results (a restart would put weight-0 tracks back to "no result yet", i.e. FAULT); the others stop.
 * Instances rebuild their tracks afterwards with tracking_setup(). */
void tracking_reload(Manager *m, const Config *next) {
        Tracking *t = &m->tracking;
        size_t kept = 0;

        assert(m);
        assert(next);

        index_done(&t->scripts_by_name);
        for (size_t k = 0; k < t->n_scripts; k++) {
                TrackingScript *e = t->scripts[k];
                const ConfScript *old = conf_find_script(m->config, e->name);
                const ConfScript *new = conf_find_script(next, e->name);

                if (!old || !new || !e->script || !tracking_script_same(old, new)) {
                        tracking_script_free(e);
                        continue;
                }
                e->name = new->name; /* the old config is about to go */
                t->scripts[kept++] = e;
                if (index_insert(&t->scripts_by_name, e->name, e) < 0)
                        log_oom(); /* it is started once more at first use: harmless */
        }
        t->n_scripts = kept;
        tracking_files_done(m);
        if (t->processes) /* rebuilt with a fresh scan; the connector's socket stays */
                proc_watch_clear(t->processes);
}
