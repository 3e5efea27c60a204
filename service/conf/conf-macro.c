#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf-line.h"
#include "conf/conf-macro.h"
#include "conf/conf-util.h"
#include "util/cleanup.h"

static bool is_name_start(char c) {
        return isalpha((unsigned char) c) || c == '_';
}

static bool is_name_char(char c) {
        return isalnum((unsigned char) c) || c == '_';
}

static ssize_t macro_find(const ConfMacros *m, const char *name, size_t len) {
        for (size_t i = 0; i < m->n_items; i++)
                if (strlen(m->items[i].name) == len && memcmp(m->items[i].name, name, len) == 0)
                        return (ssize_t) i;
        return -1;
}

/* Text of line from 'from' on, without trailing blanks and an optional trailing '\'; *ret_cont tells which. */
static char *macro_text(const ConfLine *line, size_t from, bool *ret_cont) {
        size_t end = line->n;

        *ret_cont = end > from && line->s[end - 1] == '\\';
        if (*ret_cont)
                end--;
        while (end > from && (line->s[end - 1] == ' ' || line->s[end - 1] == '\t'))
                end--;
        return strndup(line->s + from, end - from);
}

static int macro_store(ConfMacros *m, const char *name, size_t len, char *value) {
        _cleanup_free_ char *v = value;
        ssize_t i = macro_find(m, name, len);

        if (i < 0) {
                if (m->n_items >= CONF_MACRO_COUNT_MAX || CONF_GROW(m->items, m->n_alloc, m->n_items + 1) < 0)
                        return -ENOMEM;
                char *n = strndup(name, len);
                if (!n)
                        return -ENOMEM;
                i = (ssize_t) m->n_items++;
                m->items[i] = (ConfMacro){ .name = n };
        }
        free(m->items[i].value);
        m->items[i].value = TAKE_PTR(v);
        return (int) i;
}

int conf_macro_define(ConfMacros *m, const ConfLine *line, const ConfLoc *loc, ConfDiags *d) {
        size_t p = 1;
        bool cont;
        int r;

        if (line->n < 3 || line->s[0] != '$' || !is_name_start(line->s[1]))
                return 0;
        while (p < line->n && is_name_char(line->s[p]))
                p++;
        if (p >= line->n || line->s[p] != '=')
                return 0;
        size_t from = p + 1;
        while (from < line->n && (line->s[from] == ' ' || line->s[from] == '\t'))
                from++;
        char *value = macro_text(line, from, &cont);
        if (!value)
                return -ENOMEM;
        if (cont && value[0]) {
                char *v = NULL;
                if (asprintf(&v, "%s\n", value) < 0) {
                        free(value);
                        return -ENOMEM;
                }
                free(value);
                value = v;
        }
        r = macro_store(m, line->s + 1, p - 1, value);
        if (r < 0) {
                conf_diag_error(d, loc, "too many definitions (at most %d)", CONF_MACRO_COUNT_MAX);
                return r;
        }
        m->continuing = cont ? r : -1;
        return 1;
}

int conf_macro_continue(ConfMacros *m, const ConfLine *line) {
        ConfMacro *def = &m->items[m->continuing];
        _cleanup_free_ char *text = NULL;
        char *v = NULL;
        bool cont;

        if (line->n == 0) {
                m->continuing = -1;
                return 0;
        }
        text = macro_text(line, 0, &cont);
        if (!text)
                return -ENOMEM;
        if (strlen(def->value) + strlen(text) + 2 > CONF_LINE_MAX)
                return -E2BIG;
        if (asprintf(&v, "%s%s%s", def->value, text, cont && text[0] ? "\n" : "") < 0)
                return -ENOMEM;
        free(def->value);
        def->value = v;
        if (!cont)
                m->continuing = -1;
        return cont;
}

/* Recognises a use at in->s[i]: returns its length and the definition (NULL if undefined), or 0 if none. */
static size_t macro_use(const ConfMacros *m, const ConfLine *in, size_t i, const ConfMacro **ret) {
        size_t start = i + 1, end;
        bool braced = start < in->n && in->s[start] == '{';

        *ret = NULL;
        if (braced)
                start++;
        if (start >= in->n || !is_name_start(in->s[start]))
                return 0;
        for (end = start; end < in->n && is_name_char(in->s[end]); end++)
                ;
        if (braced && (end >= in->n || in->s[end] != '}'))
                return 0;
        ssize_t k = macro_find(m, in->s + start, end - start);
        if (k >= 0)
                *ret = &m->items[k];
        return end - i + braced;
}

static int macro_pass(const ConfMacros *m, const ConfLine *in, ConfLine *out, const ConfLoc *loc, ConfDiags *d) {
        bool quoted = false;
        int changed = 0, r = 0;

        out->n = 0;
        for (size_t i = 0; i < in->n && r >= 0;) {
                const ConfMacro *def;
                size_t len = in->s[i] == '$' ? macro_use(m, in, i, &def) : 0;

                if (len > 0 && def) {
                        for (const char *v = def->value; *v && r >= 0; v++)
                                r = conf_line_push(out, *v, in->col[i]);
                        i += len;
                        changed = 1;
                        continue;
                }
                if (len > 0 && !quoted && in->s[i + 1] == '{') {
                        ConfLoc at = { loc->file, loc->line, in->col[i] };
                        conf_diag_error(d, &at, "'%.*s' is not defined; expected a '$NAME=value' line before this use",
                                        (int) len, in->s + i);
                        return -ENOENT;
                }
                if (in->s[i] == '"')
                        quoted = !quoted;
                r = conf_line_push(out, in->s[i], in->col[i]);
                i++;
        }
        return r < 0 ? r : changed;
}

int conf_macro_expand(const ConfMacros *m, const ConfLine *in, ConfLine *out, const ConfLoc *loc, ConfDiags *d) {
        _cleanup_(conf_line_done) ConfLine tmp = {};
        const char *dollar = memchr(in->s, '$', in->n);
        ConfLoc at = { loc->file, loc->line, dollar ? in->col[dollar - in->s] : loc->column };
        const ConfLine *src = in;
        int r;

        for (unsigned pass = 0; pass < CONF_MACRO_PASSES_MAX; pass++) {
                ConfLine *dst = pass % 2 == 0 ? out : &tmp;
                r = macro_pass(m, src, dst, loc, d);
                if (r == -E2BIG)
                        conf_diag_error(d, &at, "line longer than %d bytes after expanding definitions", CONF_LINE_MAX);
                if (r <= 0) {
                        if (r == 0 && src == &tmp) { /* the result is in tmp: hand it over */
                                ConfLine swap = *out;
                                *out = tmp;
                                tmp = swap;
                        }
                        return r < 0 ? r : (int) pass;
                }
                src = dst;
        }
        conf_diag_error(d, &at, "definitions expand more than %d levels deep (does a definition use itself?)",
                        CONF_MACRO_PASSES_MAX);
        return -ELOOP;
}

void conf_macro_done(ConfMacros *m) {
        for (size_t i = 0; i < m->n_items; i++) {
                free(m->items[i].name);
                free(m->items[i].value);
        }
        free(m->items);
        *m = (ConfMacros){ .continuing = -1 };
}
