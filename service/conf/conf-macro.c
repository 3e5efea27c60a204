#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../util/array.h"
#include "../util/cleanup.h"
#include "conf-line.h"
#include "conf-macro.h"

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
                if (m->n_items >= CONF_MACRO_COUNT_MAX || ARRAY_GROW(m->items, m->n_alloc, m->n_items + 1) < 0)
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

        assert(m);
        assert(line);
        assert(d);

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
        _cleanup_free_ char *text = NULL;
        ConfMacro *def;
        char *v = NULL;
        bool cont;

        assert(m);
        assert(line);

        def = &m->items[m->continuing];
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

static bool is_named(const char *s, size_t len, const char *name) {
        return len == strlen(name) && memcmp(s, name, len) == 0;
}

/* keepalived's predefined names that take blank-separated words inside the braces: ${_RANDOM MIN MAX},
 * ${_ENV NAME}. */
static bool takes_params(const char *s, size_t len) {
        return is_named(s, len, CONF_MACRO_RANDOM) || is_named(s, len, CONF_MACRO_ENV);
}

/* Recognises a use at in->s[i]: returns its length and the definition (NULL if undefined), or 0 if none.
 * "${_RANDOM MIN MAX}" and "${_ENV NAME}" carry words, which *ret_params points at (up to the '}'). */
static size_t macro_use(const ConfMacros *m, const ConfLine *in, size_t i, const ConfMacro **ret,
                        const char **ret_params) {
        size_t start = i + 1, end, name_end;
        bool braced = start < in->n && in->s[start] == '{';

        *ret = NULL;
        *ret_params = NULL;
        if (braced)
                start++;
        if (start >= in->n || !is_name_start(in->s[start]))
                return 0;
        for (end = start; end < in->n && is_name_char(in->s[end]); end++)
                ;
        name_end = end;
        if (braced && takes_params(in->s + start, end - start)) {
                while (end < in->n && (in->s[end] == ' ' || is_name_char(in->s[end])))
                        end++;
                if (end > name_end && end < in->n && in->s[end] == '}' && in->s[end - 1] != ' ')
                        *ret_params = in->s + name_end;
                else
                        end = name_end;
        }
        if (braced && (end >= in->n || in->s[end] != '}'))
                return 0;
        if (!braced && end < in->n &&
            !strchr(" \t,)", in->s[end])) /* keepalived reads "$A.1" or "$A/24" as text */
                return 0;
        ssize_t k = macro_find(m, in->s + start, name_end - start);
        if (k >= 0)
                *ret = &m->items[k];
        return end - i + braced;
}

/* keepalived's ${_RANDOM [MIN [MAX]]}: a number from MIN (0) to MAX (32767). */
static const char *macro_random(const char *params, char *buf, size_t size) {
        unsigned long lo = 0, hi = 32767;
        char *end;

        if (params) {
                lo = strtoul(params, &end, 10);
                if (*end == ' ')
                        hi = strtoul(end, &end, 10);
        }
        if (hi < lo)
                hi = lo;
        snprintf(buf, size, "%lu", lo + (unsigned long) random() % (hi - lo + 1));
        return buf;
}

/* keepalived's ${_ENV NAME}: the daemon's environment variable NAME, empty when it is unset (systemd's
 * LoadCredential= sets CREDENTIALS_DIRECTORY). NULL when the braces do not hold exactly one name. */
static const char *macro_env(const char *params, char *buf, size_t size) {
        size_t n = params ? strspn(params, " ") : 0;
        size_t len = params ? strcspn(params + n, " }") : 0;

        if (len == 0 || len >= size || params[n + len] != '}')
                return NULL;
        memcpy(buf, params + n, len);
        buf[len] = '\0';
        return getenv(buf) ?: "";
}

/* The value of a predefined name computed at each use (value NULL), or NULL with the use's error in *ret_why. */
static const char *macro_computed(const ConfMacro *def, const char *params, char *buf, size_t size,
                                  const char **ret_why) {
        const char *v;

        if (strcmp(def->name, CONF_MACRO_ENV) != 0) {
                if (params && params[strspn(params, " 0123456789")] != '}') {
                        *ret_why = "expected numbers, as in ${_RANDOM MIN MAX}";
                        return NULL;
                }
                return macro_random(params, buf, size);
        }
        v = macro_env(params, buf, size);
        if (!v)
                *ret_why = "expected one variable name, as in ${_ENV CREDENTIALS_DIRECTORY}";
        return v;
}

/* keepalived stops substituting after a value that starts a "~SEQ" line, leaving the rest for the sequence.
 */
static bool value_starts_sequence(const char *v) {
        return v[strspn(v, " \t")] == '~';
}

static int macro_pass(const ConfMacros *m, const ConfLine *in, ConfLine *out, const ConfLoc *loc,
                      ConfDiags *d, bool *ret_stop) {
        bool quoted = false;
        int changed = 0, r = 0;

        out->n = 0;
        for (size_t i = 0; i < in->n && r >= 0;) {
                const ConfMacro *def;
                const char *params;
                size_t len = in->s[i] == '$' && !*ret_stop ? macro_use(m, in, i, &def, &params) : 0;
                char buf[256];

                if (len > 0 && def) {
                        const char *why = NULL, *value =
                                def->value ?: macro_computed(def, params, buf, sizeof(buf), &why);
                        if (!value) {
                                ConfLoc at = { loc->file, loc->line, in->col[i] };
                                conf_diag_error(d, &at, "'%.*s': %s", (int) len, in->s + i, why);
                                return -EINVAL;
                        }
                        r = conf_line_append(out, value, NULL, in->col[i], strlen(value));
                        *ret_stop = value_starts_sequence(value);
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
                size_t run = 1; /* up to the next '$' or '"', copied at once */
                while (i + run < in->n && in->s[i + run] != '$' && in->s[i + run] != '"')
                        run++;
                r = conf_line_append(out, in->s + i, in->col + i, 0, run);
                i += run;
        }
        return r < 0 ? r : changed;
}

/* Moves what follows the first '\n' of line to the front of rest: the lines of a multi-line value are read
 * one by one after the line that used it, each as if it were in the file (keepalived's multiline stack). */
static int macro_split(ConfLine *line, ConfLine *rest) {
        const char *nl = line->n > 0 ? memchr(line->s, '\n', line->n) : NULL;
        _cleanup_(conf_line_done) ConfLine tail = {};
        int r = 0;

        if (!nl)
                return 0;
        size_t k = (size_t) (nl - line->s);
        r = conf_line_append(&tail, line->s + k + 1, line->col + k + 1, 0, line->n - k - 1);
        if (rest->n > 0 && r >= 0)
                r = conf_line_push(&tail, '\n', rest->col[0]);
        if (r >= 0)
                r = conf_line_append(&tail, rest->s, rest->col, 0, rest->n);
        if (r < 0)
                return r;
        line->n = k;
        conf_line_done(rest);
        *rest = tail;
        tail = (ConfLine){};
        return 1;
}

static int line_copy(ConfLine *dst, const ConfLine *src) {
        dst->n = 0;
        return conf_line_append(dst, src->s, src->col, 0, src->n);
}

int conf_macro_expand(const ConfMacros *m, const ConfLine *in, ConfLine *out, ConfLine *rest,
                      const ConfLoc *loc, ConfDiags *d) {
        _cleanup_(conf_line_done) ConfLine cur = {};
        const char *dollar;
        bool stop = false;
        ConfLoc at;
        int r;

        assert(m);
        assert(in);
        assert(out);
        assert(rest);
        assert(loc);
        assert(d);

        dollar = in->n > 0 ? memchr(in->s, '$', in->n) : NULL;
        at = (ConfLoc){ loc->file, loc->line, dollar ? in->col[dollar - in->s] : loc->column };
        r = line_copy(&cur, in);
        for (unsigned pass = 0; r >= 0 && pass < CONF_MACRO_PASSES_MAX; pass++) {
                r = macro_pass(m, &cur, out, loc, d, &stop);
                if (r == -E2BIG)
                        conf_diag_error(d, &at, "line longer than %d bytes after expanding definitions", CONF_LINE_MAX);
                if (r < 0)
                        return r;
                if (r == 0)
                        return (int) pass;
                r = macro_split(out, rest);
                if (r >= 0 && stop)
                        return (int) pass + 1;
                if (r >= 0)
                        r = line_copy(&cur, out);
        }
        if (r < 0)
                return r;
        conf_diag_error(d, &at, "definitions expand more than %d levels deep (does a definition use itself?)",
                        CONF_MACRO_PASSES_MAX);
        return -ELOOP;
}

int conf_macro_set(ConfMacros *m, const char *name, const char *value) {
        char *v;

        assert(m);
        assert(name);

        v = value ? strdup(value) : NULL;
        if (value && !v)
                return -ENOMEM;
        return macro_store(m, name, strlen(name), v) < 0 ? -ENOMEM : 0;
}

const char *conf_macro_get(const ConfMacros *m, const char *name) {
        ssize_t k;

        assert(m);
        assert(name);

        k = macro_find(m, name, strlen(name));
        return k >= 0 ? m->items[k].value : NULL;
}

int conf_macro_builtins(ConfMacros *m, const char *config_id) {
        int r;

        assert(m);

        r = conf_macro_set(m, "_INSTANCE", config_id ?: "");
        if (r >= 0)
                r = conf_macro_set(m, "_HASH", "#");
        if (r >= 0)
                r = conf_macro_set(m, "_BANG", "!");
        if (r >= 0)
                r = conf_macro_set(m, CONF_MACRO_RANDOM, NULL);
        if (r >= 0)
                r = conf_macro_set(m, CONF_MACRO_ENV, NULL);
        return r;
}

/* "~SEQ(VAR, END)", "~SEQ(VAR, START, END)" or "~SEQ(VAR, START, STEP, END)", "~SEQx" for hex values; the
 * numbers may be definitions. */
int conf_macro_seq_parse(const ConfMacros *m, const ConfLine *l, ConfSeq *ret) {
        _cleanup_(conf_line_done) ConfLine args = {}, expanded = {}, rest = {};
        _cleanup_(conf_diag_done) ConfDiags quiet = {};
        _cleanup_free_ char *text = NULL;
        long v[3];
        size_t i = 4, n = 0;
        int r = 0;

        assert(m);
        assert(l);
        assert(ret);

        if (l->n < 5 || memcmp(l->s, "~SEQ", 4) != 0)
                return -EINVAL;
        *ret = (ConfSeq){ .hex = l->s[i] == 'x' };
        i += ret->hex;
        while (i < l->n && (l->s[i] == ' ' || l->s[i] == '\t'))
                i++;
        if (i >= l->n || l->s[i] != '(')
                return -EINVAL;
        size_t var = ++i;
        while (i < l->n && !strchr(" \t,)", l->s[i]))
                i++;
        if (i == var || i - var >= sizeof(ret->var))
                return -EINVAL;
        memcpy(ret->var, l->s + var, i - var);
        while (i < l->n && l->s[i] != ',' && l->s[i] != ')')
                i++;
        const char *close = i < l->n ? memchr(l->s + i, ')', l->n - i) : NULL;
        if (!close || l->s[i] != ',')
                return -EINVAL;
        for (size_t k = i + 1; k < (size_t) (close - l->s) + 1 && r >= 0; k++)
                r = conf_line_push(&args, l->s[k], l->col[k]);
        if (r >= 0)
                r = conf_macro_expand(m, &args, &expanded, &rest, &(ConfLoc){}, &quiet);
        if (r == -ENOMEM)
                return r;
        if (r < 0 || rest.n > 0) /* a multi-line value is no number */
                return -EINVAL;
        text = strndup(expanded.s ?: "", expanded.n);
        if (!text)
                return -ENOMEM;
        for (char *p = text, *end;; p = end + 1) {
                errno = 0;
                v[n++] = strtol(p, &end, 0);
                end += strspn(end, " \t");
                if (errno || end == p || (*end != ',' && *end != ')') || (*end == ',' && n == 3))
                        return -EINVAL;
                if (*end == ')')
                        break;
        }
        ret->start = n == 1 ? (v[0] < 0 ? -1 : 1) : v[0];
        ret->end = v[n - 1];
        ret->step = n == 3 ? v[1] : ret->start <= ret->end ? 1 : -1;
        if (ret->step == 0 || (ret->start < ret->end && ret->step < 0) ||
            (ret->start > ret->end && ret->step > 0) || (ret->hex && (ret->start < 0 || ret->end < 0)))
                return -EINVAL;
        ret->text = (size_t) (close - l->s) + 1;
        return 0;
}

static const char *skip_blanks(const char *p) {
        return p + strspn(p, " \t");
}

/* One name or value of a "~LST": up to a blank, ',', '}' or ')'. */
static int lst_word(const char **p, const char *stops, char ***items, size_t *n, size_t *n_alloc) {
        size_t len = strcspn(*p, stops);

        if (ARRAY_GROW(*items, *n_alloc, *n + 1) < 0)
                return -ENOMEM;
        (*items)[*n] = strndup(*p, len);
        if (!(*items)[*n])
                return -ENOMEM;
        (*n)++;
        *p = skip_blanks(*p + len);
        return 0;
}

/* "NAME" or "{NAME, NAME, ...}" */
static int lst_names(const char **p, ConfLst *ret, size_t *n_alloc) {
        bool braced = **p == '{';
        int r;

        if (braced)
                *p = skip_blanks(*p + 1);
        for (;;) {
                if (strchr(" \t,})", **p))
                        return -EINVAL;
                r = lst_word(p, " \t,})", &ret->names, &ret->n_names, n_alloc);
                if (r < 0)
                        return r;
                if (braced && **p == '}') {
                        *p = skip_blanks(*p + 1);
                        return 0;
                }
                if (!braced && **p == ',')
                        return 0;
                if (**p != ',' || !braced)
                        return -EINVAL;
                *p = skip_blanks(*p + 1);
        }
}

/* One set of values, "VALUE" or "{VALUE, ...}"; fewer values than names leave the rest empty. */
static int lst_set(const char **p, ConfLst *ret, size_t *n_alloc) {
        bool braced = **p == '{';
        size_t n = 0;
        int r;

        if (braced)
                *p = skip_blanks(*p + 1);
        for (;;) {
                if (++n > ret->n_names)
                        return -EINVAL;
                r = lst_word(p, " \t,})", &ret->values, &ret->n_values, n_alloc);
                if (r < 0)
                        return r;
                if (braced ? **p == '}' : (**p == ',' || **p == ')'))
                        break;
                if (**p != ',')
                        return -EINVAL;
                *p = skip_blanks(*p + 1);
        }
        if (braced)
                *p = skip_blanks(*p + 1);
        for (; n < ret->n_names; n++) {
                const char *empty = "";
                r = lst_word(&empty, "", &ret->values, &ret->n_values, n_alloc);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* "~LST(NAME, V1, V2, ...)" or "~LST({A, B}, {A1, B1}, {A2, B2}, ...)", as keepalived 2.2.7 reads them. */
int conf_macro_lst_parse(const ConfLine *l, ConfLst *ret) {
        _cleanup_free_ char *text = NULL;
        size_t n_names_alloc = 0, n_values_alloc = 0;
        const char *p;
        int r;

        assert(l);
        assert(ret);

        text = strndup(l->s, l->n);
        *ret = (ConfLst){};
        if (!text)
                return -ENOMEM;
        if (l->n < 5 || memcmp(text, "~LST", 4) != 0)
                return -EINVAL;
        p = skip_blanks(text + 4);
        if (*p != '(')
                return -EINVAL;
        p = skip_blanks(p + 1);
        r = lst_names(&p, ret, &n_names_alloc);
        while (r >= 0 && *p == ',') {
                p = skip_blanks(p + 1);
                r = lst_set(&p, ret, &n_values_alloc);
        }
        if (r >= 0 && (*p != ')' || ret->n_values == 0))
                r = -EINVAL;
        if (r < 0) {
                conf_macro_lst_done(ret);
                return r;
        }
        ret->text = (size_t) (skip_blanks(p + 1) - text);
        return 0;
}

void conf_macro_lst_done(ConfLst *l) {
        assert(l);

        for (size_t i = 0; i < l->n_names; i++)
                free(l->names[i]);
        for (size_t i = 0; i < l->n_values; i++)
                free(l->values[i]);
        free(l->names);
        free(l->values);
        *l = (ConfLst){};
}

void conf_macro_done(ConfMacros *m) {
        assert(m);

        for (size_t i = 0; i < m->n_items; i++) {
                free(m->items[i].name);
                free(m->items[i].value);
        }
        free(m->items);
        *m = (ConfMacros){ .continuing = -1 };
}
