#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../util/array.h"
#include "../util/cleanup.h"
#include "../util/strv.h"
#include "conf-lexer.h"
#include "conf-line.h"
#include "conf-macro.h"
#include "conf-quote.h"

typedef struct Lexer {
        const ConfLexOptions *opts;
        const ConfSourceOps *ops;
        ConfTokens *out;
        ConfDiags *diags;
        ConfMacros macros;
        const char *stack[CONF_INCLUDE_DEPTH_MAX + 1];
        unsigned depth;
        size_t n_files_read;
        size_t n_bytes_read;
        unsigned n_generated; /* lines that multi-line values and "~SEQ"s produced */
        bool too_deep;
        bool too_many_files, too_many_tokens;
        ConfLine raw, expanded;
} Lexer;

static int lexer_file(Lexer *lx, const char *path, const ConfLoc *at);

static const char *lexer_intern(ConfTokens *t, const char *name) {
        for (size_t i = 0; i < t->n_files; i++)
                if (strcmp(t->files[i], name) == 0)
                        return t->files[i];
        if (ARRAY_GROW(t->files, t->n_files_alloc, t->n_files + 1) < 0)
                return NULL;
        char *s = strdup(name);
        if (!s)
                return NULL;
        t->files[t->n_files++] = s;
        return s;
}

static int lexer_push(Lexer *lx, ConfTokenType type, const char *text, size_t len, const ConfLoc *loc, bool quoted) {
        ConfTokens *t = lx->out;

        if (t->n_items >= CONF_TOKENS_MAX) {
                if (!lx->too_many_tokens)
                        conf_diag_error(lx->diags, loc, "configuration too large: more than %u tokens", CONF_TOKENS_MAX);
                lx->too_many_tokens = true;
                return -E2BIG;
        }
        if (ARRAY_GROW(t->items, t->n_alloc, t->n_items + 1) < 0)
                return -ENOMEM;
        char *s = strndup(text, len);
        if (!s)
                return -ENOMEM;
        t->items[t->n_items++] = (ConfToken){ .type = type, .quoted = quoted, .text = s, .loc = *loc };
        return 0;
}

/* Copies one physical line into lx->raw without its comment and its leading and trailing blanks. '#' and '!'
 * start a comment outside double quotes; "\#" and "\!" stand for the characters themselves. */
static int lexer_decomment(Lexer *lx, const char *p, size_t len, const ConfLoc *loc) {
        bool quote = false, nul_reported = false;
        int r = 0;

        lx->raw.n = 0;
        for (size_t i = 0; i < len && r >= 0; i++) {
                char c = p[i];
                if (c == '\0') {
                        ConfLoc at = { loc->file, loc->line, (unsigned) i + 1 };
                        if (!nul_reported)
                                conf_diag_error(lx->diags, &at, "NUL byte in the text; expected printable text");
                        nul_reported = true;
                        c = ' ';
                }
                if (lx->raw.n == 0 && conf_is_blank(c))
                        continue;
                if (c == '"')
                        quote = !quote;
                else if (!quote && c == '\\' && i + 1 < len && (p[i + 1] == '#' || p[i + 1] == '!')) {
                        i++;
                        c = p[i];
                } else if (!quote && (c == '#' || c == '!'))
                        break;
                r = conf_line_push(&lx->raw, c, (unsigned) i + 1);
        }
        if (r == -E2BIG)
                conf_diag_error(lx->diags, loc, "line longer than %d bytes, ignored", CONF_LINE_MAX);
        while (lx->raw.n > 0 && conf_is_blank(lx->raw.s[lx->raw.n - 1]))
                lx->raw.n--;
        return r;
}

/* "@ID rest" keeps "rest" only when ID is the config id, "@^ID rest" only when it is not. Returns true to keep. */
static bool lexer_condition(Lexer *lx, ConfLine *l) {
        const char *id = lx->opts->config_id;
        bool neg;
        size_t ofs, k;

        if (l->n == 0 || l->s[0] != '@')
                return true;
        neg = l->n > 1 && l->s[1] == '^';
        ofs = neg ? 2 : 1;
        for (k = ofs; k < l->n && !conf_is_blank(l->s[k]); k++)
                ;
        if (k >= l->n) /* nothing after the id: keepalived drops the line */
                return false;
        bool match = id && strlen(id) == k - ofs && memcmp(l->s + ofs, id, k - ofs) == 0;
        if (match == neg)
                return false;
        while (k < l->n && conf_is_blank(l->s[k]))
                k++;
        conf_line_drop_prefix(l, k);
        return true;
}

/* A word of a command keyword's line, read as keepalived re-reads those lines (conf-quote.h). */
static int lexer_command_word(Lexer *lx, const ConfLine *l, size_t *i, const ConfLoc *at) {
        _cleanup_(conf_line_done) ConfLine w = {};
        bool quoted;
        int r;

        r = conf_quote_word(l, i, &w, &quoted);
        if (r == -EINVAL || r == -EBADMSG) {
                ConfLoc q = { at->file, at->line, r == -EINVAL ? l->col[*i] : at->column };
                if (r == -EINVAL)
                        conf_diag_error(lx->diags, &q,
                                        "unterminated quoted string; expected a closing '%c' on this line",
                                        l->s[*i]);
                else
                        conf_diag_error(lx->diags, &q,
                                        "a backslash ends the line or escapes a NUL byte; expected "
                                        "an escaped character after it");
                *i = l->n;
                return 0;
        }
        if (r < 0)
                return r;
        return lexer_push(lx, CONF_TOKEN_WORD, w.s ?: "", w.n, at, quoted);
}

static int lexer_tokenize(Lexer *lx, const ConfLine *l, const ConfLoc *loc) {
        bool command = false;
        size_t n_words = 0;
        int r = 0;

        for (size_t i = 0; i < l->n && r >= 0;) {
                ConfLoc at = { loc->file, loc->line, l->col[i] };
                char c = l->s[i];
                size_t j;

                if (conf_is_blank(c)) {
                        i++;
                        continue;
                }
                if (c == '\n' || c == '{' || c == '}') {
                        r = lexer_push(lx, c == '\n' ? CONF_TOKEN_EOL : c == '{' ? CONF_TOKEN_OPEN : CONF_TOKEN_CLOSE,
                                       c == '\n' ? "" : l->s + i, c == '\n' ? 0 : 1, &at, false);
                        command = command && c != '\n';
                        i++;
                        continue;
                }
                if (command) {
                        r = lexer_command_word(lx, l, &i, &at);
                        continue;
                }
                if (c == '"') {
                        const char *q = memchr(l->s + i + 1, '"', l->n - i - 1);
                        if (!q)
                                conf_diag_error(lx->diags, &at,
                                                "unterminated quoted string; expected a closing '\"' on this line");
                        j = q ? (size_t) (q - l->s) : l->n;
                        r = lexer_push(lx, CONF_TOKEN_WORD, l->s + i + 1, j - i - 1, &at, true);
                        i = q ? j + 1 : j;
                        n_words++;
                        continue;
                }
                for (j = i; j < l->n && !conf_is_blank(l->s[j]) && !strchr("\"{}\n", l->s[j]); j++)
                        ;
                r = lexer_push(lx, CONF_TOKEN_WORD, l->s + i, j - i, &at, false);
                command = n_words++ == 0 && conf_quote_is_command_keyword(l->s + i, j - i);
                i = j;
        }
        if (r >= 0)
                r = lexer_push(lx, CONF_TOKEN_EOL, "", 0, loc, false);
        return r;
}

static bool on_stack(const Lexer *lx, const char *path) {
        for (unsigned i = 0; i < lx->depth; i++)
                if (strcmp(lx->stack[i], path) == 0)
                        return true;
        return false;
}

static int lexer_include(Lexer *lx, const ConfLine *l, size_t arg, const ConfLoc *loc) {
        _cleanup_free_ char *pattern = NULL, *path = NULL;
        char **paths = NULL;
        ConfLoc at = { loc->file, loc->line, arg < l->n ? l->col[arg] : l->col[0] };
        int r;

        if (arg >= l->n)
                return conf_diag_error(lx->diags, &at, "'include' needs a file name or glob pattern"), 0;
        pattern = strndup(l->s + arg, l->n - arg);
        if (!pattern || conf_source_path(loc->file, pattern, &path) < 0)
                return -ENOMEM;
        if (lx->depth > CONF_INCLUDE_DEPTH_MAX - 1)
                return conf_diag_error(lx->diags, &at,
                                       "includes nested more than %d deep (a recursive include?), '%s' not read",
                                       CONF_INCLUDE_DEPTH_MAX, pattern), 0;
        r = lx->ops->glob(lx->ops->userdata, path, &paths);
        if (r < 0)
                return conf_diag_error(lx->diags, &at, "cannot expand '%s': %s", pattern, strerror(-r)), r == -ENOMEM ? r : 0;
        if (!paths[0])
                conf_diag_warning(lx->diags, &at, "'%s' matches no file, nothing included", pattern);
        for (size_t i = 0; paths[i] && r >= 0; i++) {
                if (on_stack(lx, paths[i]))
                        conf_diag_error(lx->diags, &at, "'%s' includes itself, not read again", paths[i]);
                else
                        r = lexer_file(lx, paths[i], &at);
        }
        strv_free(paths);
        return r;
}

static int lexer_logical(Lexer *lx, ConfLine *l, const ConfLoc *loc, unsigned depth);

/* Counts a line that a multi-line value or a "~SEQ" produces; false once there were too many (reported
 * once). */
static bool lexer_generate(Lexer *lx, const ConfLoc *loc) {
        if (lx->n_generated > CONF_GENERATED_LINES_MAX)
                return false;
        if (++lx->n_generated <= CONF_GENERATED_LINES_MAX)
                return true;
        conf_diag_error(lx->diags, loc,
                        "definitions and '~SEQ' lines produce more than %d lines in all, stopped",
                        CONF_GENERATED_LINES_MAX);
        return false;
}

/* The lines a multi-line value left over, read one by one as if they followed in the file. */
static int lexer_rest(Lexer *lx, const ConfLine *rest, const ConfLoc *loc, unsigned depth) {
        _cleanup_(conf_line_done) ConfLine seg = {};
        int r = 0;

        for (size_t i = 0; i < rest->n && r >= 0;) {
                const char *nl = memchr(rest->s + i, '\n', rest->n - i);
                size_t len = nl ? (size_t) (nl - rest->s) - i : rest->n - i;

                seg.n = 0;
                r = conf_line_append(&seg, rest->s + i, rest->col + i, 0, len);
                if (r < 0)
                        break;
                if (!lexer_generate(lx, loc))
                        return 0;
                r = lexer_logical(lx, &seg, loc, depth + 1);
                i += len + 1;
                if (nl && i == rest->n && r >= 0) { /* a last '\n': an empty last line, as before */
                        if (!lexer_generate(lx, loc))
                                return 0;
                        seg.n = 0;
                        r = lexer_logical(lx, &seg, loc, depth + 1);
                }
        }
        return r;
}

static int lexer_seq_value(Lexer *lx, const ConfSeq *seq, long v) {
        char num[24];

        if (seq->hex)
                snprintf(num, sizeof(num), "%lx", (unsigned long) v);
        else
                snprintf(num, sizeof(num), "%ld", v);
        return conf_macro_set(&lx->macros, seq->var, num);
}

/* Reads l from offset from on as a line of its own, once more for a "~SEQ" or "~LST": 1 when done, 0 once
 * the lines they produce all together are too many, < 0 on failure. */
static int lexer_repeat(Lexer *lx, const ConfLine *l, size_t from, const ConfLoc *loc, unsigned depth) {
        _cleanup_(conf_line_done) ConfLine text = {};
        int r = 0;

        if (!lexer_generate(lx, loc))
                return 0;
        r = conf_line_append(&text, l->s + from, l->col + from, 0, from < l->n ? l->n - from : 0);
        if (r >= 0)
                r = lexer_logical(lx, &text, loc, depth + 1);
        return r < 0 ? r : 1;
}

/* "~SEQ(VAR, START, STEP, END) TEXT": TEXT once for each number, $VAR defined as it, as keepalived does. */
static int lexer_seq(Lexer *lx, const ConfLine *l, const ConfLoc *loc, unsigned depth) {
        ConfSeq seq;
        int r;

        r = conf_macro_seq_parse(&lx->macros, l, &seq);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return conf_diag_error(lx->diags, loc,
                                       "invalid '~SEQ' line; expected '~SEQ(NAME, START, STEP, END) TEXT'"),
                       0;
        for (long v = seq.start;;) {
                r = lexer_seq_value(lx, &seq, v);
                if (r >= 0)
                        r = lexer_repeat(lx, l, seq.text, loc, depth);
                if (r <= 0)
                        return r;
                if (v == seq.end || __builtin_add_overflow(v, seq.step, &v) ||
                    (seq.step > 0 ? v > seq.end : v < seq.end))
                        return 0;
        }
}

/* "~LST(NAMES, VALUES, ...) TEXT": TEXT once for each set of values, the names defined as them. */
static int lexer_lst(Lexer *lx, const ConfLine *l, const ConfLoc *loc, unsigned depth) {
        _cleanup_(conf_macro_lst_done) ConfLst lst = {};
        int r;

        r = conf_macro_lst_parse(l, &lst);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return conf_diag_error(lx->diags, loc,
                                       "invalid '~LST' line; expected '~LST(NAME, VALUE, ...) TEXT' "
                                       "or '~LST({NAME, ...}, {VALUE, ...}, ...) TEXT'"),
                       0;
        for (size_t set = 0; set < lst.n_values; set += lst.n_names) {
                r = 0;
                for (size_t k = 0; k < lst.n_names && r >= 0; k++)
                        r = conf_macro_set(&lx->macros, lst.names[k], lst.values[set + k]);
                if (r >= 0)
                        r = lexer_repeat(lx, l, lst.text, loc, depth);
                if (r <= 0)
                        return r;
        }
        return 0;
}

/* One logical line: a line of a file, a line of a multi-line value, or the text of a "~SEQ". */
static int lexer_logical(Lexer *lx, ConfLine *l, const ConfLoc *loc, unsigned depth) {
        _cleanup_(conf_line_done) ConfLine expanded = {}, rest = {};
        size_t arg;
        int r;

        if (depth > CONF_MACRO_PASSES_MAX) {
                if (!lx->too_deep)
                        conf_diag_error(lx->diags, loc,
                                        "definitions expand more than %d levels deep (does a definition use "
                                        "itself?)",
                                        CONF_MACRO_PASSES_MAX);
                lx->too_deep = true;
                return 0;
        }
        conf_line_trim(l);
        if (lx->macros.continuing >= 0) {
                r = conf_macro_continue(&lx->macros, l);
                if (r == -E2BIG)
                        conf_diag_error(lx->diags, loc, "definition longer than %d bytes", CONF_LINE_MAX);
                return r == -E2BIG ? 0 : r < 0 ? r : 0;
        }
        if (l->n == 0 || !lexer_condition(lx, l) || l->n == 0)
                return 0;
        ConfLoc start = { loc->file, loc->line, l->col[0] };
        r = conf_macro_define(&lx->macros, l, &start, lx->diags);
        if (r != 0)
                return r < 0 && r != -ENOMEM ? 0 : r;
        if (l->n >= 4 && memcmp(l->s, "~SEQ", 4) == 0)
                return lexer_seq(lx, l, &start, depth);
        if (l->n >= 4 && memcmp(l->s, "~LST", 4) == 0)
                return lexer_lst(lx, l, &start, depth);
        r = conf_macro_expand(&lx->macros, l, &expanded, &rest, &start, lx->diags);
        if (r < 0)
                return r == -ENOMEM ? r : 0;
        if (r > 0)
                conf_line_cut_comment(&expanded);
        if (r > 0 && expanded.n > 0 &&
            (expanded.s[0] == '~' || expanded.s[0] == '@' || expanded.s[0] == '$' ||
             conf_is_blank(expanded.s[0]))) /* keepalived looks at such a line again */
                r = lexer_logical(lx, &expanded, loc, depth + 1);
        else if (conf_line_is_include(&expanded, &arg))
                r = lexer_include(lx, &expanded, arg, &start);
        else
                r = lexer_tokenize(lx, &expanded, &start);
        return r < 0 ? r : lexer_rest(lx, &rest, loc, depth);
}

static int lexer_line(Lexer *lx, const char *p, size_t len, const ConfLoc *loc) {
        int r;

        lx->diags->seq = lx->out->n_items;
        r = lexer_decomment(lx, p, len, loc);
        if (r < 0)
                return r == -E2BIG ? 0 : r;
        return lexer_logical(lx, &lx->raw, loc, 0);
}

static int lexer_text(Lexer *lx, const char *file, const char *data, size_t size) {
        unsigned line = 0;
        int r = 0;

        for (const char *p = data, *end = data + size; p < end && r >= 0;) {
                const char *eol = memchr(p, '\n', (size_t) (end - p));
                size_t len = eol ? (size_t) (eol - p) : (size_t) (end - p);
                ConfLoc loc = { file, ++line, 1 };

                r = lexer_line(lx, p, len, &loc);
                p += len + 1;
        }
        lx->macros.continuing = -1;
        return r == -E2BIG ? 0 : r;
}

/* Reads a file's text with ${_PWD} set to its directory, and back to the including file's afterwards. */
static int lexer_text_in_dir(Lexer *lx, const char *file, const char *data, size_t size) {
        const char *cur = conf_macro_get(&lx->macros, "_PWD");
        _cleanup_free_ char *saved = cur ? strdup(cur) : NULL, *dir = conf_source_dir(file);
        int r;

        if (!dir || (cur && !saved))
                return -ENOMEM;
        r = conf_macro_set(&lx->macros, "_PWD", dir);
        if (r >= 0)
                r = lexer_text(lx, file, data, size);
        if (r >= 0 && saved)
                r = conf_macro_set(&lx->macros, "_PWD", saved);
        return r;
}

static int lexer_file(Lexer *lx, const char *path, const ConfLoc *at) {
        _cleanup_free_ char *data = NULL;
        const char *name;
        size_t size;
        int r;

        if (++lx->n_files_read > CONF_FILES_MAX) {
                if (!lx->too_many_files)
                        conf_diag_error(lx->diags, at, "more than %d files included, '%s' and later ones not read",
                                        CONF_FILES_MAX, path);
                lx->too_many_files = true;
                return 0;
        }
        r = lx->ops->read(lx->ops->userdata, path, &data, &size);
        if (r < 0) {
                ConfLoc whole = { path, 0, 0 };
                conf_diag_error(lx->diags, at ? at : &whole, "cannot read '%s': %s", path, strerror(-r));
                return at && r != -ENOMEM ? 0 : r;
        }
        lx->n_bytes_read += size;
        if (lx->n_bytes_read > CONF_TOTAL_SIZE_MAX) {
                ConfLoc whole = { path, 0, 0 };
                conf_diag_error(lx->diags, at ?: &whole, "configuration larger than %u bytes in total, '%s' not read",
                                CONF_TOTAL_SIZE_MAX, path);
                return 0;
        }
        name = lexer_intern(lx->out, path);
        if (!name)
                return -ENOMEM;
        lx->stack[lx->depth++] = name;
        r = lexer_text_in_dir(lx, name, data, size);
        lx->depth--;
        return r;
}

static void lexer_done(Lexer *lx) {
        conf_macro_done(&lx->macros);
        conf_line_done(&lx->raw);
        conf_line_done(&lx->expanded);
}

int conf_lexer_run_file(const char *path, const ConfLexOptions *o, ConfTokens *ret, ConfDiags *d) {
        Lexer lx = { .opts = o, .out = ret, .diags = d };
        int r;

        assert(path);
        assert(o);
        assert(ret);
        assert(d);

        lx.ops = o->ops ?: conf_source_default();
        lx.macros.continuing = -1;
        r = conf_macro_builtins(&lx.macros, o->config_id);
        if (r >= 0)
                r = lexer_file(&lx, path, NULL);
        lexer_done(&lx);
        if (r == -ENOMEM)
                d->oom = true;
        return r;
}

int conf_lexer_run_buffer(const char *name, const char *data, size_t size, const ConfLexOptions *o,
                          ConfTokens *ret, ConfDiags *d) {
        Lexer lx = { .opts = o, .out = ret, .diags = d };
        const char *file;
        int r = -ENOMEM;

        assert(name);
        assert(data);
        assert(o);
        assert(ret);
        assert(d);

        lx.ops = o->ops ?: conf_source_default();
        lx.macros.continuing = -1;
        file = lexer_intern(ret, name);
        if (file && conf_macro_builtins(&lx.macros, o->config_id) >= 0) {
                lx.stack[lx.depth++] = file;
                r = lexer_text_in_dir(&lx, file, data, size);
        }
        lexer_done(&lx);
        if (r == -ENOMEM)
                d->oom = true;
        return r;
}

char **conf_lexer_take_files(ConfTokens *t, size_t *ret_n) {
        assert(t);
        assert(ret_n);

        *ret_n = t->n_files;
        t->n_files = t->n_files_alloc = 0;
        return TAKE_PTR(t->files);
}

void conf_lexer_tokens_done(ConfTokens *t) {
        assert(t);

        for (size_t i = 0; i < t->n_items; i++)
                free(t->items[i].text);
        free(t->items);
        for (size_t i = 0; i < t->n_files; i++)
                free(t->files[i]);
        free(t->files);
        *t = (ConfTokens){};
}
