#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl-output.h"

#define ANSI_GREEN "\033[0;1;32m"
#define ANSI_YELLOW "\033[0;1;33m"
#define ANSI_RED "\033[0;1;31m"
#define ANSI_GREY "\033[0;38;5;245m"
#define ANSI_OFF "\033[0m"

struct CtlTable {
        guint n_columns;
        GPtrArray *cells; /* char *, row-major; the first row is the header */
};

CtlTable *ctl_output_table_new(guint n_columns, const char *const *headers) {
        CtlTable *t = g_new0(CtlTable, 1);

        t->n_columns = n_columns;
        t->cells = g_ptr_array_new_with_free_func(g_free);
        ctl_output_table_add(t, headers);
        return t;
}

void ctl_output_table_add(CtlTable *t, const char *const *cells) {
        for (guint i = 0; i < t->n_columns; i++)
                g_ptr_array_add(t->cells, g_strdup(cells[i] ? cells[i] : ""));
}

void ctl_output_table_free(CtlTable *t) {
        if (!t)
                return;
        g_ptr_array_unref(t->cells);
        g_free(t);
}

/* Column widths count characters, not bytes, so names in UTF-8 still line up; colour codes add none. */
static void ctl_output_table_widths(const CtlTable *t, gboolean legend, gsize *widths) {
        for (guint i = legend ? 0 : t->n_columns; i < t->cells->len; i++) {
                gsize w = g_utf8_strlen(g_ptr_array_index(t->cells, i), -1);

                widths[i % t->n_columns] = MAX(widths[i % t->n_columns], w);
        }
}

void ctl_output_table_print(const CtlTable *t, gboolean legend, int state_column, gboolean color) {
        ctl_output_table_print_rows(t, legend, state_column, color, "instance");
}

void ctl_output_table_print_rows(const CtlTable *t, gboolean legend, int state_column, gboolean color,
                                 const char *noun) {
        g_autofree gsize *widths = g_new0(gsize, t->n_columns);
        const guint n_rows = t->cells->len / t->n_columns;
        g_autoptr(GString) line = g_string_new(NULL);

        ctl_output_table_widths(t, legend, widths);
        for (guint row = legend ? 0 : 1; row < n_rows; row++) {
                g_string_truncate(line, 0);
                for (guint col = 0; col < t->n_columns; col++) {
                        const char *cell = g_ptr_array_index(t->cells, row * t->n_columns + col);
                        const gboolean last = col + 1 == t->n_columns;
                        const char *on = row > 0 && (int) col == state_column && color
                                                 ? ctl_output_state_color(cell)
                                                 : NULL;

                        g_string_append_printf(line, "%s%s%s", on ? on : "", cell, on ? ANSI_OFF : "");
                        for (gsize pad = g_utf8_strlen(cell, -1); !last && pad < widths[col] + 1; pad++)
                                g_string_append_c(line, ' ');
                }
                g_print("%s\n", line->str);
        }
        if (legend)
                g_print("\n%u %s%s listed.\n", n_rows - 1, noun, n_rows == 2 ? "" : "s");
}

gboolean ctl_output_want_color(void) {
        const char *term = g_getenv("TERM");

        if (g_getenv("NO_COLOR"))
                return FALSE;
        if (term && strcmp(term, "dumb") == 0)
                return FALSE;
        return isatty(STDOUT_FILENO);
}

/* Green is the state a user hopes for on this router; fault is red, maintenance-like states grey. */
const char *ctl_output_state_color(const char *state) {
        if (g_ascii_strcasecmp(state, "master") == 0)
                return ANSI_GREEN;
        if (g_ascii_strcasecmp(state, "backup") == 0)
                return ANSI_YELLOW;
        if (g_ascii_strcasecmp(state, "fault") == 0)
                return ANSI_RED;
        return ANSI_GREY;
}

const char *ctl_output_color_off(void) {
        return ANSI_OFF;
}

char *ctl_output_state(const char *state, gboolean color) {
        if (!color)
                return g_strdup(state);
        return g_strconcat(ctl_output_state_color(state), state, ANSI_OFF, NULL);
}

char *ctl_output_up(gboolean up, gboolean color) {
        if (!color)
                return g_strdup(up ? "up" : "down");
        return g_strconcat(up ? ANSI_GREEN : ANSI_RED, up ? "up" : "down", ANSI_OFF, NULL);
}

/* "Wed 2026-11-25 05:53:07 UTC; 3min 2s ago", as systemctl shows times; "n/a" for 0. */
char *ctl_output_timestamp(guint64 realtime_usec) {
        g_autoptr(GDateTime) dt = NULL;
        g_autofree char *when = NULL;
        gint64 now = g_get_real_time(), ago;

        if (realtime_usec == 0)
                return g_strdup("n/a");
        dt = g_date_time_new_from_unix_local((gint64) (realtime_usec / G_USEC_PER_SEC));
        if (!dt)
                return g_strdup("n/a");
        when = g_date_time_format(dt, "%a %Y-%m-%d %H:%M:%S %Z");
        ago = (now - (gint64) realtime_usec) / G_USEC_PER_SEC;
        if (ago < 0)
                return g_steal_pointer(&when);
        if (ago < 60)
                return g_strdup_printf("%s; %" G_GINT64_FORMAT "s ago", when, ago);
        if (ago < 3600)
                return g_strdup_printf("%s; %" G_GINT64_FORMAT "min %" G_GINT64_FORMAT "s ago", when,
                                       ago / 60, ago % 60);
        if (ago < 86400)
                return g_strdup_printf("%s; %" G_GINT64_FORMAT "h %" G_GINT64_FORMAT "min ago", when,
                                       ago / 3600, ago % 3600 / 60);
        return g_strdup_printf("%s; %" G_GINT64_FORMAT " days ago", when, ago / 86400);
}
