#include <assert.h>
#include <errno.h>
#include <string.h>

#include "../util/cleanup.h"
#include "conf-parse.h"
#include "conf-util.h"

static const ConfToken *tok_at(const ConfParser *p, size_t i) {
        return i < p->t->n_items ? &p->t->items[i] : NULL;
}

/* Reads the next statement of the current block into ret and returns 1; returns 0 at the block's '}' (consumed)
 * or at the end of the input (p->eof). A '{' following a statement, on its line or the next, is its block. */
int conf_parse_next(ConfParser *p, ConfStmt *ret) {
        assert(p);
        assert(ret);
        for (;;) {
                const ConfToken *tok;

                while ((tok = tok_at(p, p->pos)) && tok->type == CONF_TOKEN_EOL)
                        p->pos++;
                if (!tok) {
                        p->eof = true;
                        return 0;
                }
                p->d->seq = p->pos;
                if (tok->type == CONF_TOKEN_CLOSE) {
                        p->pos++;
                        return 0;
                }
                if (tok->type == CONF_TOKEN_OPEN) {
                        conf_diag_error(p->d, &tok->loc, "unexpected '{'; expected a keyword before it");
                        p->pos++;
                        conf_parse_skip_block(p, tok);
                        continue;
                }
                *ret = (ConfStmt){ .w = tok };
                while ((tok = tok_at(p, p->pos)) && tok->type == CONF_TOKEN_WORD) {
                        ret->n++;
                        p->pos++;
                }
                size_t look = p->pos;
                while ((tok = tok_at(p, look)) && tok->type == CONF_TOKEN_EOL)
                        look++;
                if (tok && tok->type == CONF_TOKEN_OPEN) {
                        ret->open = tok;
                        p->pos = look + 1;
                }
                return 1;
        }
}

/* Skips to the '}' matching open, which has been consumed. */
void conf_parse_skip_block(ConfParser *p, const ConfToken *open) {
        size_t depth = 1;

        assert(p);

        for (const ConfToken *tok; (tok = tok_at(p, p->pos)); p->pos++) {
                if (tok->type == CONF_TOKEN_OPEN)
                        depth++;
                else if (tok->type == CONF_TOKEN_CLOSE && --depth == 0) {
                        p->pos++;
                        return;
                }
        }
        p->eof = true;
        conf_diag_error(p->d, &open->loc, "this '{' is never closed; expected '}' before the end of the file");
}

static const ConfKeyword *table_find(const ConfKeywordTable *table, const char *name) {
        for (size_t i = 0; i < table->n_items; i++)
                if (conf_util_name_eq(table->items[i].name, name))
                        return &table->items[i];
        return NULL;
}

static void report_unknown(ConfParser *p, const ConfStmt *st, const ConfKeywordTable *table) {
        const char *kw = st->w[0].text, *home = conf_keywords_home(kw), *hint;

        if (home && strcmp(home, table->title) != 0) {
                conf_diag_error(p->d, &st->w[0].loc, "'%s' is not valid in %s; it belongs in %s", kw, table->title,
                                home);
                return;
        }
        /* past CONF_DIAGS_MAX a message is only counted: spare the edit distances (a "~SEQ" may repeat a
         * typo) */
        hint = p->d->n_items < CONF_DIAGS_MAX ? conf_keywords_suggest(table, kw) : NULL;
        if (hint)
                conf_diag_error(p->d, &st->w[0].loc, "unknown keyword '%s' in %s; did you mean '%s'?", kw,
                                table->title, hint);
        else
                conf_diag_error(p->d, &st->w[0].loc, "unknown keyword '%s' in %s", kw, table->title);
}

static int parse_dispatch(ConfParser *p, const ConfStmt *st, const ConfKeywordTable *table, void *obj) {
        const char *kw = st->w[0].text;
        const ConfKeyword *k = table_find(table, kw);

        if (k && (k->flags & CONF_KW_BLOCK) && !st->open) {
                conf_diag_error(p->d, &st->w[st->n - 1].loc, "expected '{' after '%s'", kw);
                return 0;
        }
        if (k && !(k->flags & CONF_KW_BLOCK) && st->open) {
                conf_diag_error(p->d, &st->open->loc, "'%s' takes no '{ }' block", kw);
                conf_parse_skip_block(p, st->open);
                return 0;
        }
        if (k)
                return k->handler ? k->handler(p, st, k, obj) : 0;
        if (conf_keywords_unsupported(table->section, kw))
                conf_diag_warning(p->d, &st->w[0].loc, "'%s' is not supported by vrrpd, ignored", kw);
        else
                report_unknown(p, st, table);
        if (st->open)
                conf_parse_skip_block(p, st->open);
        return 0;
}

/* A block ended: at its '}', or at the end of the input, which is an error */
static int report_unclosed(ConfParser *p, const ConfStmt *owner) {
        if (p->eof)
                conf_diag_error(p->d, &owner->open->loc,
                                "the '{' of '%s' is never closed; expected '}' before the end of the file",
                                owner->w[0].text);
        return 0;
}

int conf_parse_block(ConfParser *p, const ConfStmt *owner, const ConfKeywordTable *table, void *obj) {
        ConfStmt st;
        int r;

        assert(p);
        assert(owner);
        assert(table);

        while (conf_parse_next(p, &st) > 0) {
                r = parse_dispatch(p, &st, table, obj);
                if (r == -ENOMEM)
                        return r;
        }
        return report_unclosed(p, owner);
}

/* A block of values, one entry a line (virtual_ipaddress, unicast_peer, track_script, …). */
int conf_parse_lines(ConfParser *p, const ConfStmt *owner, ConfLineHandler line, void *obj) {
        ConfStmt st;
        int r;

        assert(p);
        assert(owner);
        assert(line);

        while (conf_parse_next(p, &st) > 0) {
                if (st.open) {
                        conf_diag_error(p->d, &st.open->loc, "unexpected '{' in the '%s' block", owner->w[0].text);
                        conf_parse_skip_block(p, st.open);
                        continue;
                }
                r = line(p, &st, obj);
                if (r == -ENOMEM)
                        return r;
        }
        return report_unclosed(p, owner);
}

static const ConfKeyword root_keywords[] = {
        { "global_defs", conf_parse_global_defs, CONF_KW_BLOCK },
        { "vrrp_instance", conf_parse_instance, CONF_KW_BLOCK },
        { "vrrp_script", conf_parse_track_script, CONF_KW_BLOCK },
        { "track_file", conf_parse_track_file, CONF_KW_BLOCK },
        { "vrrp_track_file", conf_parse_track_file, CONF_KW_BLOCK }, /* keepalived's older name */
        { "vrrp_sync_group", conf_parse_track_sync_group, CONF_KW_BLOCK },
        { "vrrp_track_process", conf_parse_process, CONF_KW_BLOCK },
        { "static_ipaddress", conf_parse_addr_static, CONF_KW_BLOCK },
        { "static_routes", conf_parse_route_static, CONF_KW_BLOCK },
        { "static_rules", conf_parse_rule_static, CONF_KW_BLOCK },
        { "net_namespace", conf_parse_global_net_namespace },
        { "instance", conf_parse_global_instance },
};

static const ConfKeywordTable root_table = {
        .section = CONF_SECTION_ROOT,
        .title = "the top level",
        .items = root_keywords,
        .n_items = sizeof(root_keywords) / sizeof(root_keywords[0]),
};

/* keepalived numbers rules without a preference down from here, per family (vrrp_iprule.c) */
#define RULE_START_PRIORITY 16384

int conf_parse_run(const ConfTokens *t, Config *c, ConfDiags *d) {
        _cleanup_(conf_rttables_done) ConfRtNames rt = {};
        ConfParser p = { .t = t, .d = d, .c = c, .rt = &rt,
                         .next_rule_prio = { RULE_START_PRIORITY, RULE_START_PRIORITY } };
        ConfStmt st;
        int r;

        assert(t);
        assert(c);
        assert(d);

        while (!p.eof) {
                if (conf_parse_next(&p, &st) == 0) {
                        if (!p.eof)
                                conf_diag_error(d, &t->items[p.pos - 1].loc, "unexpected '}'; no block is open here");
                        continue;
                }
                r = parse_dispatch(&p, &st, &root_table, c);
                if (r == -ENOMEM)
                        return r;
        }
        return 0;
}

static const char *const object_keywords[_CONF_OBJECT_MAX] = {
        [CONF_OBJECT_INSTANCE] = "vrrp_instance",
        [CONF_OBJECT_SCRIPT] = "vrrp_script",
        [CONF_OBJECT_TRACK_FILE] = "track_file",
        [CONF_OBJECT_SYNC_GROUP] = "vrrp_sync_group",
        [CONF_OBJECT_TRACK_PROCESS] = "vrrp_track_process",
};

const char *conf_parse_object_name(ConfParser *p, const ConfStmt *st, ConfObject kind, const char *expected) {
        const ConfLoc *loc;
        ssize_t k;

        assert(p);
        assert(st);
        assert(kind < _CONF_OBJECT_MAX);

        if (!conf_parse_value_nargs(p, st, 1, 1, expected)) {
                conf_parse_skip_block(p, st->open);
                return NULL;
        }
        k = conf_model_find(p->c, kind, st->w[1].text);
        if (k < 0)
                return st->w[1].text;
        loc = conf_model_loc(p->c, kind, k);
        conf_diag_error(p->d, &st->w[1].loc, "%s '%s' is already defined at %s:%u", object_keywords[kind],
                        st->w[1].text, loc->file, loc->line);
        conf_parse_skip_block(p, st->open);
        return NULL;
}
