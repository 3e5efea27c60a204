#include <assert.h>
#include <inttypes.h>
#include <string.h>

#include "conf-json.h"

static void json_indent(ConfJson *j) {
        fputc('\n', j->f);
        for (unsigned i = 0; i < j->depth; i++)
                fputs("  ", j->f);
}

/* Before any value: a comma after the previous item of an array or object, then a new line. */
static void json_value_start(ConfJson *j) {
        if (j->after_key) {
                j->after_key = false;
                return;
        }
        if (j->depth == 0)
                return;
        if (j->has_items[j->depth - 1])
                fputc(',', j->f);
        j->has_items[j->depth - 1] = true;
        json_indent(j);
}

static void json_open(ConfJson *j, char c) {
        json_value_start(j);
        fputc(c, j->f);
        if (j->depth < CONF_JSON_DEPTH_MAX)
                j->has_items[j->depth] = false;
        j->depth++;
}

static void json_close(ConfJson *j, char c) {
        bool items = j->depth <= CONF_JSON_DEPTH_MAX && j->has_items[j->depth - 1];

        j->depth--;
        if (items)
                json_indent(j);
        fputc(c, j->f);
        if (j->depth == 0)
                fputc('\n', j->f);
}

void conf_json_begin_object(ConfJson *j) {
        assert(j);

        json_open(j, '{');
}

void conf_json_end_object(ConfJson *j) {
        assert(j);

        json_close(j, '}');
}

void conf_json_begin_array(ConfJson *j) {
        assert(j);

        json_open(j, '[');
}

void conf_json_end_array(ConfJson *j) {
        assert(j);

        json_close(j, ']');
}

/* Length of the valid UTF-8 sequence at s, or 0 if it is not one. */
static size_t utf8_len(const unsigned char *s) {
        size_t n = s[0] >= 0xf5 ? 0 : s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
        uint32_t cp;

        if (n == 0)
                return 0;
        cp = s[0] & (0x7f >> n);
        for (size_t i = 1; i < n; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
                cp = (cp << 6) | (s[i] & 0x3f);
        }
        if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
                return 0;
        return n;
}

static void json_escaped(FILE *f, const char *str) {
        const unsigned char *s = (const unsigned char *) str;

        fputc('"', f);
        while (*s) {
                size_t n;
                if (*s == '"' || *s == '\\')
                        fprintf(f, "\\%c", *s++);
                else if (*s == '\n' || *s == '\t' || *s == '\r') {
                        fprintf(f, "\\%c", *s == '\n' ? 'n' : *s == '\t' ? 't' : 'r');
                        s++;
                } else if (*s < 0x20 || *s == 0x7f)
                        fprintf(f, "\\u%04x", *s++);
                else if (*s < 0x80)
                        fputc(*s++, f);
                else if ((n = utf8_len(s)) > 0) {
                        fwrite(s, 1, n, f);
                        s += n;
                } else {
                        fputs("\\ufffd", f);
                        s++;
                }
        }
        fputc('"', f);
}

void conf_json_key(ConfJson *j, const char *key) {
        assert(j);
        assert(key);

        json_value_start(j);
        json_escaped(j->f, key);
        fputs(": ", j->f);
        j->after_key = true;
}

void conf_json_string(ConfJson *j, const char *s) {
        assert(j);

        if (!s)
                return conf_json_null(j);
        json_value_start(j);
        json_escaped(j->f, s);
}

void conf_json_int(ConfJson *j, int64_t v) {
        assert(j);

        json_value_start(j);
        fprintf(j->f, "%" PRId64, v);
}

void conf_json_uint(ConfJson *j, uint64_t v) {
        assert(j);

        json_value_start(j);
        fprintf(j->f, "%" PRIu64, v);
}

void conf_json_bool(ConfJson *j, bool v) {
        assert(j);

        json_value_start(j);
        fputs(v ? "true" : "false", j->f);
}

void conf_json_null(ConfJson *j) {
        assert(j);

        json_value_start(j);
        fputs("null", j->f);
}

void conf_json_field_string(ConfJson *j, const char *key, const char *s) {
        conf_json_key(j, key);
        conf_json_string(j, s);
}

void conf_json_field_uint(ConfJson *j, const char *key, bool has, uint64_t v) {
        conf_json_key(j, key);
        if (has)
                conf_json_uint(j, v);
        else
                conf_json_null(j);
}

void conf_json_field_bool(ConfJson *j, const char *key, bool v) {
        conf_json_key(j, key);
        conf_json_bool(j, v);
}
