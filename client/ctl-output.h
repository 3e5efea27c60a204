#pragma once

#include <glib.h>

typedef struct CtlTable CtlTable;

CtlTable *ctl_output_table_new(guint n_columns, const char *const *headers);
void ctl_output_table_add(CtlTable *t, const char *const *cells);
void ctl_output_table_print(const CtlTable *t, gboolean legend, int state_column, gboolean color);
/* The same, the footer counting rows as noun ("N nouns listed."): state_column -1 colours nothing. */
void ctl_output_table_print_rows(const CtlTable *t, gboolean legend, int state_column, gboolean color,
                                 const char *noun);
void ctl_output_table_free(CtlTable *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtlTable, ctl_output_table_free)

gboolean ctl_output_want_color(void);
const char *ctl_output_state_color(const char *state);
const char *ctl_output_color_off(void);
char *ctl_output_state(const char *state, gboolean color);
char *ctl_output_up(gboolean up, gboolean color);
char *ctl_output_timestamp(guint64 realtime_usec);
