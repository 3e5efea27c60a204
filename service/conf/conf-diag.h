#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Diagnostics: every problem found in a configuration, with its location, collected rather than logged so that
 * the caller (vrrpd -t, a reload) decides how to show them. */

#define CONF_DIAGS_MAX 1000 /* kept; further ones are only counted */

typedef enum ConfDiagLevel {
        CONF_DIAG_WARNING,
        CONF_DIAG_ERROR,
} ConfDiagLevel;

/* A position in a source file; file points into a name pool owned by the tokens or the Config. line 0 means
 * "the file as a whole". */
typedef struct ConfLoc {
        const char *file;
        unsigned line;
        unsigned column;
} ConfLoc;

typedef struct ConfDiag {
        ConfDiagLevel level;
        char *file;
        unsigned line;
        unsigned column;
        char *message;
        size_t seq;   /* position in the token stream, so diagnostics print in source order */
        size_t index; /* order of emission, the tie-breaker */
} ConfDiag;

typedef struct ConfDiags {
        ConfDiag *items;
        size_t n_items;
        size_t n_alloc;
        size_t n_errors;
        size_t n_warnings;
        size_t n_dropped;
        size_t seq; /* set by the lexer and parser as they advance */
        bool oom;
} ConfDiags;

int conf_diag_add(ConfDiags *d, ConfDiagLevel level, const ConfLoc *loc, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
#define conf_diag_error(d, loc, ...) conf_diag_add((d), CONF_DIAG_ERROR, (loc), __VA_ARGS__)
#define conf_diag_warning(d, loc, ...) conf_diag_add((d), CONF_DIAG_WARNING, (loc), __VA_ARGS__)

/* Orders the diagnostics by their place in the source. */
void conf_diag_sort(ConfDiags *d);

/* "file:line:column: error: message" */
int conf_diag_format(const ConfDiag *diag, char **ret);
int conf_diag_print_all(const ConfDiags *d, FILE *f);

void conf_diag_done(ConfDiags *d);
