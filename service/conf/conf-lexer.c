#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf-lexer.h"
#include "conf/conf-line.h"
#include "conf/conf-macro.h"
#include "conf/conf-util.h"
#include "util/cleanup.h"

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
        bool too_many_files, too_many_tokens;
        ConfLine raw, expanded;
} Lexer;

static int lexer_file(Lexer *lx, const char *path, const ConfLoc *at);

static bool is_blank(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static const char *lexer_intern(ConfTokens *t, const char *name) {
        for (size_t i = 0; i < t->n_files; i++)
                if (strcmp(t->files[i], name) == 0)
                        return t->files[i];
        if (CONF_GROW(t->files, t->n_files_alloc, t->n_files + 1) < 0)
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
        if (CONF_GROW(t->items, t->n_alloc, t->n_items + 1) < 0)
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
                if (lx->raw.n == 0 && is_blank(c))
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
        while (lx->raw.n > 0 && is_blank(lx->raw.s[lx->raw.n - 1]))
                lx->raw.n--;
        return r;
}

static void line_drop_prefix(ConfLine *l, size_t k) {
        memmove(l->s, l->s + k, l->n - k);
        memmove(l->col, l->col + k, (l->n - k) * sizeof(unsigned));
        l->n -= k;
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
        for (k = ofs; k < l->n && !is_blank(l->s[k]); k++)
                ;
        if (k >= l->n) /* nothing after the id: keepalived drops the line */
                return false;
        bool match = id && strlen(id) == k - ofs && memcmp(l->s + ofs, id, k - ofs) == 0;
        if (match == neg)
                return false;
        while (k < l->n && is_blank(l->s[k]))
                k++;
        line_drop_prefix(l, k);
        return true;
}

static int lexer_tokenize(Lexer *lx, const ConfLine *l, const ConfLoc *loc) {
        int r = 0;

        for (size_t i = 0; i < l->n && r >= 0;) {
                ConfLoc at = { loc->file, loc->line, l->col[i] };
                char c = l->s[i];
                size_t j;

                if (is_blank(c)) {
                        i++;
                        continue;
                }
                if (c == '\n' || c == '{' || c == '}') {
                        r = lexer_push(lx, c == '\n' ? CONF_TOKEN_EOL : c == '{' ? CONF_TOKEN_OPEN : CONF_TOKEN_CLOSE,
                                       c == '\n' ? "" : l->s + i, c == '\n' ? 0 : 1, &at, false);
                        i++;
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
                        continue;
                }
                for (j = i; j < l->n && !is_blank(l->s[j]) && !strchr("\"{}\n", l->s[j]); j++)
                        ;
                r = lexer_push(lx, CONF_TOKEN_WORD, l->s + i, j - i, &at, false);
                i = j;
        }
        if (r >= 0)
                r = lexer_push(lx, CONF_TOKEN_EOL, "", 0, loc, false);
        return r;
}

/* "include PATTERN", and keepalived's includer/includem/... variants, which vrrpd treats alike. */
static bool is_include(const ConfLine *l, size_t *ret_arg) {
        size_t k = 7;

        if (l->n < 7 || memcmp(l->s, "include", 7) != 0)
                return false;
        if (l->n == 7) { /* a bare "include" */
                *ret_arg = 7;
                return true;
        }
        if (!is_blank(l->s[k])) {
                if (!strchr("rmwba", l->s[k]) || l->n < 9 || !is_blank(l->s[k + 1]))
                        return false;
                k++;
        }
        while (k < l->n && is_blank(l->s[k]))
                k++;
        *ret_arg = k;
        return true;
}

static int include_path(const char *including, const char *pattern, char **ret) {
        const char *slash = strrchr(including, '/');

        if (pattern[0] == '/' || !slash)
                *ret = strdup(pattern);
        else if (asprintf(ret, "%.*s/%s", (int) (slash - including), including, pattern) < 0)
                *ret = NULL;
        return *ret ? 0 : -ENOMEM;
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
        if (!pattern || include_path(loc->file, pattern, &path) < 0)
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
        conf_source_strv_free(paths);
        return r;
}

static int lexer_line(Lexer *lx, const char *p, size_t len, const ConfLoc *loc) {
        size_t arg;
        int r;

        lx->diags->seq = lx->out->n_items;
        r = lexer_decomment(lx, p, len, loc);
        if (r < 0)
                return r == -E2BIG ? 0 : r;
        if (lx->macros.continuing >= 0) {
                r = conf_macro_continue(&lx->macros, &lx->raw);
                if (r == -E2BIG)
                        conf_diag_error(lx->diags, loc, "definition longer than %d bytes", CONF_LINE_MAX);
                return r == -E2BIG ? 0 : r < 0 ? r : 0;
        }
        if (lx->raw.n == 0 || !lexer_condition(lx, &lx->raw) || lx->raw.n == 0)
                return 0;
        ConfLoc start = { loc->file, loc->line, lx->raw.col[0] };
        r = conf_macro_define(&lx->macros, &lx->raw, &start, lx->diags);
        if (r != 0)
                return r < 0 && r != -ENOMEM ? 0 : r;
        if (lx->raw.s[0] == '~')
                return conf_diag_warning(lx->diags, &start, "'~SEQ' and '~LST' lines are not supported by vrrpd, ignored"), 0;
        r = conf_macro_expand(&lx->macros, &lx->raw, &lx->expanded, &start, lx->diags);
        if (r < 0)
                return r == -ENOMEM ? r : 0;
        if (is_include(&lx->expanded, &arg))
                return lexer_include(lx, &lx->expanded, arg, &start);
        return lexer_tokenize(lx, &lx->expanded, &start);
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
        r = lexer_text(lx, name, data, size);
        lx->depth--;
        return r;
}

static void lexer_done(Lexer *lx) {
        conf_macro_done(&lx->macros);
        conf_line_done(&lx->raw);
        conf_line_done(&lx->expanded);
}

int conf_lexer_run_file(const char *path, const ConfLexOptions *o, ConfTokens *ret, ConfDiags *d) {
        Lexer lx = { .opts = o, .ops = o->ops ?: conf_source_default(), .out = ret, .diags = d };
        int r;

        lx.macros.continuing = -1;
        r = lexer_file(&lx, path, NULL);
        lexer_done(&lx);
        if (r == -ENOMEM)
                d->oom = true;
        return r;
}

int conf_lexer_run_buffer(const char *name, const char *data, size_t size, const ConfLexOptions *o,
                          ConfTokens *ret, ConfDiags *d) {
        Lexer lx = { .opts = o, .ops = o->ops ?: conf_source_default(), .out = ret, .diags = d };
        const char *file;
        int r = -ENOMEM;

        lx.macros.continuing = -1;
        file = lexer_intern(ret, name);
        if (file) {
                lx.stack[lx.depth++] = file;
                r = lexer_text(&lx, file, data, size);
        }
        lexer_done(&lx);
        if (r == -ENOMEM)
                d->oom = true;
        return r;
}

char **conf_lexer_take_files(ConfTokens *t, size_t *ret_n) {
        *ret_n = t->n_files;
        t->n_files = t->n_files_alloc = 0;
        return TAKE_PTR(t->files);
}

void conf_lexer_tokens_done(ConfTokens *t) {
        for (size_t i = 0; i < t->n_items; i++)
                free(t->items[i].text);
        free(t->items);
        for (size_t i = 0; i < t->n_files; i++)
                free(t->files[i]);
        free(t->files);
        *t = (ConfTokens){};
}
