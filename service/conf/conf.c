#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../util/cleanup.h"
#include "conf-check.h"
#include "conf-lexer.h"
#include "conf-parse.h"
#include "conf.h"

static int load_tokens(ConfTokens *t, int lex_result, const ConfLoadOptions *o, Config **ret, ConfDiags *d) {
        _cleanup_(conf_freep) Config *c = NULL;
        int r = lex_result;

        c = calloc(1, sizeof(Config));
        if (!c)
                r = -ENOMEM;
        else
                conf_model_global_init(&c->global);
        if (r >= 0)
                r = conf_parse_run(t, c, d);
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

        r = conf_lexer_run_file(path, &lo, &t, d);
        return load_tokens(&t, r, o, ret, d);
}

int conf_load_buffer(const char *name, const char *data, size_t size, const ConfLoadOptions *o, Config **ret,
                     ConfDiags *d) {
        ConfLexOptions lo = { .config_id = o->config_id, .ops = o->ops };
        ConfTokens t = {};
        int r;

        r = conf_lexer_run_buffer(name, data, size, &lo, &t, d);
        return load_tokens(&t, r, o, ret, d);
}

Config *conf_free(Config *c) {
        return conf_model_free(c);
}

void conf_freep(Config **c) {
        *c = conf_free(*c);
}

const ConfInstance *conf_find_instance(const Config *c, const char *name) {
        for (size_t i = 0; i < c->n_instances; i++)
                if (strcmp(c->instances[i].name, name) == 0)
                        return &c->instances[i];
        return NULL;
}

const ConfScript *conf_find_script(const Config *c, const char *name) {
        for (size_t i = 0; i < c->n_scripts; i++)
                if (strcmp(c->scripts[i].name, name) == 0)
                        return &c->scripts[i];
        return NULL;
}

const ConfTrackFile *conf_find_track_file(const Config *c, const char *name) {
        for (size_t i = 0; i < c->n_track_files; i++)
                if (strcmp(c->track_files[i].name, name) == 0)
                        return &c->track_files[i];
        return NULL;
}

const ConfSyncGroup *conf_find_sync_group(const Config *c, const char *name) {
        for (size_t i = 0; i < c->n_sync_groups; i++)
                if (strcmp(c->sync_groups[i].name, name) == 0)
                        return &c->sync_groups[i];
        return NULL;
}
