#include <stdio.h>

#include "ctl-json.h"

/* GVariant → JSON, so every read command builds one a{sv}/aa{sv} and prints it with no JSON library:
 * a{s*} becomes an object (in insertion order), other arrays and tuples arrays, variants their content. */

static void ctl_json_string(GString *out, const char *s) {
        g_string_append_c(out, '"');
        for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
                switch (*p) {
                case '"':
                        g_string_append(out, "\\\"");
                        break;
                case '\\':
                        g_string_append(out, "\\\\");
                        break;
                case '\n':
                        g_string_append(out, "\\n");
                        break;
                case '\t':
                        g_string_append(out, "\\t");
                        break;
                default:
                        if (*p < 0x20)
                                g_string_append_printf(out, "\\u%04x", *p);
                        else
                                g_string_append_c(out, (char) *p);
                }
        }
        g_string_append_c(out, '"');
}

static void ctl_json_newline(GString *out, gboolean pretty, guint depth) {
        if (!pretty)
                return;
        g_string_append_c(out, '\n');
        for (guint i = 0; i < depth; i++)
                g_string_append(out, "  ");
}

static void ctl_json_value(GString *out, GVariant *v, gboolean pretty, guint depth);

static void ctl_json_container(GString *out, GVariant *v, gboolean pretty, guint depth) {
        const gboolean object = g_variant_is_of_type(v, G_VARIANT_TYPE("a{s*}"));
        const gsize n = g_variant_n_children(v);

        g_string_append_c(out, object ? '{' : '[');
        for (gsize i = 0; i < n; i++) {
                g_autoptr(GVariant) child = g_variant_get_child_value(v, i);

                if (i > 0)
                        g_string_append_c(out, ',');
                ctl_json_newline(out, pretty, depth + 1);
                if (object) {
                        g_autoptr(GVariant) key = g_variant_get_child_value(child, 0);
                        g_autoptr(GVariant) value = g_variant_get_child_value(child, 1);

                        ctl_json_string(out, g_variant_get_string(key, NULL));
                        g_string_append(out, pretty ? ": " : ":");
                        ctl_json_value(out, value, pretty, depth + 1);
                } else
                        ctl_json_value(out, child, pretty, depth + 1);
        }
        if (n > 0)
                ctl_json_newline(out, pretty, depth);
        g_string_append_c(out, object ? '}' : ']');
}

static void ctl_json_value(GString *out, GVariant *v, gboolean pretty, guint depth) {
        switch (g_variant_classify(v)) {
        case G_VARIANT_CLASS_BOOLEAN:
                g_string_append(out, g_variant_get_boolean(v) ? "true" : "false");
                return;
        case G_VARIANT_CLASS_BYTE:
                g_string_append_printf(out, "%u", g_variant_get_byte(v));
                return;
        case G_VARIANT_CLASS_INT16:
                g_string_append_printf(out, "%d", g_variant_get_int16(v));
                return;
        case G_VARIANT_CLASS_UINT16:
                g_string_append_printf(out, "%u", g_variant_get_uint16(v));
                return;
        case G_VARIANT_CLASS_INT32:
                g_string_append_printf(out, "%" G_GINT32_FORMAT, g_variant_get_int32(v));
                return;
        case G_VARIANT_CLASS_HANDLE:
                g_string_append_printf(out, "%" G_GINT32_FORMAT, g_variant_get_handle(v));
                return;
        case G_VARIANT_CLASS_UINT32:
                g_string_append_printf(out, "%" G_GUINT32_FORMAT, g_variant_get_uint32(v));
                return;
        case G_VARIANT_CLASS_INT64:
                g_string_append_printf(out, "%" G_GINT64_FORMAT, g_variant_get_int64(v));
                return;
        case G_VARIANT_CLASS_UINT64:
                g_string_append_printf(out, "%" G_GUINT64_FORMAT, g_variant_get_uint64(v));
                return;
        case G_VARIANT_CLASS_DOUBLE:
                g_string_append_printf(out, "%.17g", g_variant_get_double(v));
                return;
        case G_VARIANT_CLASS_STRING:
        case G_VARIANT_CLASS_OBJECT_PATH:
        case G_VARIANT_CLASS_SIGNATURE:
                ctl_json_string(out, g_variant_get_string(v, NULL));
                return;
        case G_VARIANT_CLASS_VARIANT: {
                g_autoptr(GVariant) inner = g_variant_get_variant(v);

                ctl_json_value(out, inner, pretty, depth);
                return;
        }
        case G_VARIANT_CLASS_MAYBE: {
                g_autoptr(GVariant) inner = g_variant_get_maybe(v);

                if (inner)
                        ctl_json_value(out, inner, pretty, depth);
                else
                        g_string_append(out, "null");
                return;
        }
        default: /* arrays, tuples, dict entries */
                ctl_json_container(out, v, pretty, depth);
        }
}

char *ctl_json_from_variant(GVariant *v, gboolean pretty) {
        GString *out = g_string_new(NULL);

        ctl_json_value(out, v, pretty, 0);
        return g_string_free(out, FALSE);
}

void ctl_json_print(GVariant *v, CtlJson mode) {
        g_autoptr(GVariant) sunk = g_variant_ref_sink(v);
        g_autofree char *text = ctl_json_from_variant(sunk, mode == CTL_JSON_PRETTY);

        g_print("%s\n", text);
        fflush(stdout);
}
