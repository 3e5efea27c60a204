#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../util/array.h"
#include "../util/cleanup.h"
#include "conf-parse.h"

#define TIME_MAX ((long long) (UINT32_MAX / 100) * (long long) USEC_PER_SEC)

/* "weight W [reverse]" at st->w[from] */
bool conf_parse_track_weight(ConfParser *p, const ConfStmt *st, size_t from, long limit, int *ret_w, bool *ret_rev) {
        if (from + 1 >= st->n) {
                conf_diag_error(p->d, &st->w[st->n - 1].loc, "missing value after '%s'; expected a weight",
                                st->w[st->n - 1].text);
                return false;
        }
        if (!conf_parse_value_int(p, &st->w[from + 1], "weight", -limit, limit, ret_w))
                return false;
        *ret_rev = false;
        if (from + 2 < st->n) {
                if (strcmp(st->w[from + 2].text, "reverse") != 0) {
                        conf_diag_error(p->d, &st->w[from + 2].loc, "unexpected '%s' after the weight; expected 'reverse'",
                                        st->w[from + 2].text);
                        return false;
                }
                *ret_rev = true;
                if (from + 3 < st->n)
                        conf_diag_warning(p->d, &st->w[from + 3].loc, "unexpected '%s' after 'reverse', ignored",
                                          st->w[from + 3].text);
        }
        return true;
}

/* The words of a command: one quoted word, or several joined by single spaces */
static int join_words(const ConfStmt *st, size_t from, char **ret) {
        size_t len = 0;
        char *s;

        for (size_t i = from; i < st->n; i++)
                len += strlen(st->w[i].text) + 1;
        s = malloc(len + 1);
        if (!s)
                return -ENOMEM;
        s[0] = '\0';
        for (size_t i = from; i < st->n; i++) {
                if (i > from)
                        strcat(s, " ");
                strcat(s, st->w[i].text);
        }
        free(*ret);
        *ret = s;
        return 0;
}

static int script_command(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfScript *s = obj;
        int r;

        if (!conf_parse_value_nargs(p, st, 1, SIZE_MAX, "a command"))
                return 0;
        r = join_words(st, 1, &s->script);
        if (r >= 0)
                conf_parse_value_command(p, &st->w[1], s->script);
        return r;
}

static int script_weight(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfScript *s = obj;
        int w;
        bool rev;

        if (conf_parse_track_weight(p, st, 0, kw->max, &w, &rev)) {
                s->weight = w;
                s->weight_reverse = rev;
        }
        return 0;
}

static int script_user(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfScript *s = obj;

        return conf_parse_value_user_group(p, st, &s->user, &s->group);
}

#define S(f) offsetof(ConfScript, f)
static const ConfKeyword script_keywords[] = {
        { "script", script_command },
        { "interval", conf_parse_value_set_usec, 0, S(interval), USEC_PER_MSEC, TIME_MAX },
        { "timeout", conf_parse_value_set_usec, 0, S(timeout), USEC_PER_MSEC, TIME_MAX },
        { "weight", script_weight, 0, 0, 0, 253 },
        { "rise", conf_parse_value_set_int, 0, S(rise), 1, INT32_MAX },
        { "fall", conf_parse_value_set_int, 0, S(fall), 1, INT32_MAX },
        { "user", script_user },
        { "init_fail", conf_parse_value_set_flag, 0, S(init_fail) },
};
#undef S

const ConfKeywordTable conf_parse_track_script_table = {
        .section = CONF_SECTION_SCRIPT,
        .title = "vrrp_script",
        .items = script_keywords,
        .n_items = ELEMENTSOF(script_keywords),
};

static int file_weight(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfTrackFile *f = obj;
        int w;
        bool rev;

        if (conf_parse_track_weight(p, st, 0, 254, &w, &rev)) {
                f->weight = w;
                f->weight_reverse = rev;
        }
        return 0;
}

/* init_file [VALUE] [overwrite] */
static int file_init(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfTrackFile *f = obj;
        size_t i = 1;

        f->init_file = true;
        if (i < st->n && strcmp(st->w[i].text, "overwrite") != 0) {
                if (!conf_parse_value_int(p, &st->w[i], "init_file value", INT32_MIN, INT32_MAX, &f->init_value))
                        return 0;
                i++;
        }
        if (i < st->n && strcmp(st->w[i].text, "overwrite") == 0) {
                f->init_overwrite = true;
                i++;
        }
        if (i < st->n)
                conf_diag_error(p->d, &st->w[i].loc, "unexpected '%s' after 'init_file'; expected a value or 'overwrite'",
                                st->w[i].text);
        return 0;
}

static const ConfKeyword file_keywords[] = {
        { "file", conf_parse_value_set_string, 0, offsetof(ConfTrackFile, file) },
        { "weight", file_weight },
        { "init_file", file_init },
};

const ConfKeywordTable conf_parse_track_file_table = {
        .section = CONF_SECTION_TRACK_FILE,
        .title = "track_file",
        .items = file_keywords,
        .n_items = ELEMENTSOF(file_keywords),
};

int conf_parse_track_script(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        Config *c = obj;
        const char *name = conf_parse_object_name(p, st, CONF_OBJECT_SCRIPT, "a name");
        ConfScript *s;

        assert(c);

        if (!name)
                return 0;
        if (ARRAY_GROW(c->scripts, c->n_scripts_alloc, c->n_scripts + 1) < 0)
                return -ENOMEM;
        s = &c->scripts[c->n_scripts];
        conf_model_script_init(s);
        s->loc = st->w[1].loc;
        if (!(s->name = strdup(name)))
                return -ENOMEM;
        if (conf_model_name_add(c, CONF_OBJECT_SCRIPT, s->name, c->n_scripts) < 0)
                return -ENOMEM;
        c->n_scripts++;
        return conf_parse_block(p, st, &conf_parse_track_script_table, s);
}

int conf_parse_track_file(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        Config *c = obj;
        const char *name = conf_parse_object_name(p, st, CONF_OBJECT_TRACK_FILE, "a name");
        ConfTrackFile *f;

        assert(c);

        if (!name)
                return 0;
        if (ARRAY_GROW(c->track_files, c->n_track_files_alloc, c->n_track_files + 1) < 0)
                return -ENOMEM;
        f = &c->track_files[c->n_track_files];
        conf_model_track_file_init(f);
        f->loc = st->w[1].loc;
        if (!(f->name = strdup(name)))
                return -ENOMEM;
        if (conf_model_name_add(c, CONF_OBJECT_TRACK_FILE, f->name, c->n_track_files) < 0)
                return -ENOMEM;
        c->n_track_files++;
        return conf_parse_block(p, st, &conf_parse_track_file_table, f);
}

typedef struct TrackList {
        ConfTrack **tracks;
        size_t *n;
        size_t *n_alloc;
} TrackList;

static int parse_track_line(ConfParser *p, const ConfStmt *st, void *obj) {
        const TrackList *l = obj;
        ConfTrack t = { .weight = CONF_WEIGHT_UNSET, .loc = st->w[0].loc };

        if (st->n > 1) {
                if (strcmp(st->w[1].text, "weight") != 0) {
                        conf_diag_error(p->d, &st->w[1].loc, "unexpected '%s' after '%s'; expected 'weight'",
                                        st->w[1].text, st->w[0].text);
                        return 0;
                }
                if (!conf_parse_track_weight(p, st, 1, 254, &t.weight, &t.reverse))
                        return 0;
        }
        if (ARRAY_GROW(*l->tracks, *l->n_alloc, *l->n + 1) < 0 || !(t.name = strdup(st->w[0].text)))
                return -ENOMEM;
        (*l->tracks)[(*l->n)++] = t;
        return 0;
}

/* track_interface, track_script, track_file, track_process blocks (kw->min: which, 0–3) of the ConfTracks at
 * obj + kw->offset */
int conf_parse_track_lists(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfTracks *t = (ConfTracks *) ((char *) obj + kw->offset);
        TrackList l = kw->min == 0 ? (TrackList){ &t->interfaces, &t->n_interfaces, &t->n_interfaces_alloc }
                      : kw->min == 1 ? (TrackList){ &t->scripts, &t->n_scripts, &t->n_scripts_alloc }
                      : kw->min == 2 ? (TrackList){ &t->files, &t->n_files, &t->n_files_alloc }
                                     : (TrackList){ &t->processes, &t->n_processes, &t->n_processes_alloc };

        return conf_parse_lines(p, st, parse_track_line, &l);
}

static int parse_member_line(ConfParser *p, const ConfStmt *st, void *obj) {
        ConfSyncGroup *g = obj;

        for (size_t i = 0; i < st->n; i++) {
                if (ARRAY_GROW(g->members, g->n_members_alloc, g->n_members + 1) < 0)
                        return -ENOMEM;
                g->members[g->n_members] = (ConfName){ .name = strdup(st->w[i].text), .loc = st->w[i].loc };
                if (!g->members[g->n_members].name)
                        return -ENOMEM;
                g->n_members++;
        }
        return 0;
}

static int sync_members(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        return conf_parse_lines(p, st, parse_member_line, obj);
}

/* sync_group_tracking_weight, and global_tracking, its deprecated name (keepalived warns the same way) */
static int parse_tracking_weight(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfSyncGroup *g = obj;

        conf_parse_value_nargs(p, st, 0, 0, "no value");
        if (strcmp(kw->name, "global_tracking") == 0)
                conf_diag_warning(p->d, &st->w[0].loc,
                                  "global_tracking is deprecated; use "
                                  "sync_group_tracking_weight, or track_* on the sync group");
        g->tracking_weight = true;
        return 0;
}

#define G(f) offsetof(ConfSyncGroup, f)
static const ConfKeyword sync_keywords[] = {
        { "group", sync_members, CONF_KW_BLOCK },
        { "track_interface", conf_parse_track_lists, CONF_KW_BLOCK, G(tracks), 0 },
        { "track_script", conf_parse_track_lists, CONF_KW_BLOCK, G(tracks), 1 },
        { "track_file", conf_parse_track_lists, CONF_KW_BLOCK, G(tracks), 2 },
        { "track_process", conf_parse_track_lists, CONF_KW_BLOCK, G(tracks), 3 },
        { "notify", conf_parse_value_set_notify, 0, G(notify.any) },
        { "notify_master", conf_parse_value_set_notify, 0, G(notify.master) },
        { "notify_backup", conf_parse_value_set_notify, 0, G(notify.backup) },
        { "notify_fault", conf_parse_value_set_notify, 0, G(notify.fault) },
        { "notify_stop", conf_parse_value_set_notify, 0, G(notify.stop) },
        { "smtp_alert", conf_parse_value_set_tristate, 0, G(smtp_alert) },
        { "notify_priority_changes", conf_parse_value_set_tristate, 0, G(notify_priority_changes) },
        { "sync_group_tracking_weight", parse_tracking_weight, 0, G(tracking_weight) },
        { "global_tracking", parse_tracking_weight, 0, G(tracking_weight) },
};
#undef G

const ConfKeywordTable conf_parse_track_sync_table = {
        .section = CONF_SECTION_SYNC_GROUP,
        .title = "vrrp_sync_group",
        .items = sync_keywords,
        .n_items = ELEMENTSOF(sync_keywords),
};

int conf_parse_track_sync_group(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        Config *c = obj;
        const char *name = conf_parse_object_name(p, st, CONF_OBJECT_SYNC_GROUP, "a name");
        ConfSyncGroup *g;

        assert(c);

        if (!name)
                return 0;
        if (ARRAY_GROW(c->sync_groups, c->n_sync_groups_alloc, c->n_sync_groups + 1) < 0)
                return -ENOMEM;
        g = &c->sync_groups[c->n_sync_groups];
        *g = (ConfSyncGroup){ .loc = st->w[1].loc,
                              .smtp_alert = CONF_UNSET,
                              .notify_priority_changes = CONF_UNSET };
        if (!(g->name = strdup(name)))
                return -ENOMEM;
        if (conf_model_name_add(c, CONF_OBJECT_SYNC_GROUP, g->name, c->n_sync_groups) < 0)
                return -ENOMEM;
        c->n_sync_groups++;
        return conf_parse_block(p, st, &conf_parse_track_sync_table, g);
}
