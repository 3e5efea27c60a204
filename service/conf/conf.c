#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../util/cleanup.h"
#include "conf-check.h"
#include "conf-lexer.h"
#include "conf-parse.h"
#include "conf.h"

/* One override (ConfLoadOptions): the file's value, if another, is named in a warning, as keepalived logs
 * "Overriding config net_namespace". */
static int override(const char *value, const char *keyword, char **field, ConfLoc *loc, ConfDiags *d) {
        char *copy;

        if (!value || (*field && strcmp(*field, value) == 0))
                return 0;
        if (*field)
                conf_diag_warning(d, loc, "%s '%s' is overridden by the command line's '%s'", keyword,
                                  *field, value);
        copy = strdup(value);
        if (!copy)
                return -ENOMEM;
        free(*field);
        *field = copy;
        *loc = (ConfLoc){}; /* from no file: messages name the config file alone */
        return 0;
}

static int apply_overrides(Config *c, const ConfLoadOptions *o, ConfDiags *d) {
        ConfGlobal *g = &c->global;
        int r;

        r = override(o->net_namespace, "net_namespace", &g->net_namespace, &g->net_namespace_loc, d);
        if (r < 0)
                return r;
        return override(o->bus_name, "dbus_service_name", &g->dbus_service_name, &g->dbus_service_name_loc,
                        d);
}

static int load_tokens(ConfTokens *t, int lex_result, const ConfLoadOptions *o, Config **ret, ConfDiags *d) {
        _cleanup_(conf_freep) Config *c = NULL;
        int r = lex_result;

        c = conf_model_new();
        if (!c)
                r = -ENOMEM;
        if (r >= 0)
                r = conf_parse_run(t, c, d);
        if (r >= 0)
                r = apply_overrides(c, o, d);
        if (c)
                c->files = conf_lexer_take_files(t, &c->n_files);
        conf_lexer_tokens_done(t);
        d->seq = SIZE_MAX; /* what the checks find prints after what the parser found */
        if (r >= 0)
                r = conf_check_run(c, o->hostname, d);
        conf_diag_sort(d);
        if (r >= 0 && d->oom)
                r = -ENOMEM;
        if (r < 0)
                return r;
        if (d->n_errors > 0)
                return -EINVAL;
        *ret = TAKE_PTR(c);
        return 0;
}

int conf_load_file(const char *path, const ConfLoadOptions *o, Config **ret, ConfDiags *d) {
        ConfLexOptions lo = { .config_id = o->config_id, .ops = o->ops };
        ConfTokens t = {};
        int r;

        assert(path);
        assert(o);
        assert(ret);
        assert(d);

        r = conf_lexer_run_file(path, &lo, &t, d);
        return load_tokens(&t, r, o, ret, d);
}

int conf_load_buffer(const char *name, const char *data, size_t size, const ConfLoadOptions *o, Config **ret,
                     ConfDiags *d) {
        ConfLexOptions lo = { .config_id = o->config_id, .ops = o->ops };
        ConfTokens t = {};
        int r;

        assert(name);
        assert(data);
        assert(o);
        assert(ret);
        assert(d);

        r = conf_lexer_run_buffer(name, data, size, &lo, &t, d);
        return load_tokens(&t, r, o, ret, d);
}

Config *conf_free(Config *c) {
        return conf_model_free(c);
}

void conf_freep(Config **c) {
        assert(c);
        *c = conf_free(*c);
}

const ConfInstance *conf_find_instance(const Config *c, const char *name) {
        ssize_t k = conf_model_find(c, CONF_OBJECT_INSTANCE, name);
        return k < 0 ? NULL : &c->instances[k];
}

const ConfScript *conf_find_script(const Config *c, const char *name) {
        ssize_t k = conf_model_find(c, CONF_OBJECT_SCRIPT, name);
        return k < 0 ? NULL : &c->scripts[k];
}

const ConfTrackFile *conf_find_track_file(const Config *c, const char *name) {
        ssize_t k = conf_model_find(c, CONF_OBJECT_TRACK_FILE, name);
        return k < 0 ? NULL : &c->track_files[k];
}

const ConfTrackProcess *conf_find_track_process(const Config *c, const char *name) {
        ssize_t k = conf_model_find(c, CONF_OBJECT_TRACK_PROCESS, name);
        return k < 0 ? NULL : &c->track_processes[k];
}

const ConfSyncGroup *conf_find_sync_group(const Config *c, const char *name) {
        ssize_t k = conf_model_find(c, CONF_OBJECT_SYNC_GROUP, name);
        return k < 0 ? NULL : &c->sync_groups[k];
}
