#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "conf/conf-diag.h"

typedef struct ConfLine ConfLine;

/* keepalived's "$NAME=value" definitions and their "$NAME" / "${NAME}" uses. A value is stored as written and
 * expanded when used, so definitions may refer to each other; expansion is bounded. A value continued with a
 * trailing '\' spans lines, which a use turns back into separate lines ('\n' in the expansion). */

#define CONF_MACRO_PASSES_MAX 32
#define CONF_MACRO_COUNT_MAX 4096

typedef struct ConfMacro {
        char *name;
        char *value;
} ConfMacro;

typedef struct ConfMacros {
        ConfMacro *items;
        size_t n_items;
        size_t n_alloc;
        ssize_t continuing; /* index of a definition still taking '\'-continued lines, or -1 */
} ConfMacros;

/* If line (leading blanks already removed) is a definition, stores it and returns 1; 0 if it is not one. */
int conf_macro_define(ConfMacros *m, const ConfLine *line, const ConfLoc *loc, ConfDiags *d);
/* Appends a continuation line to the definition being continued; returns 1 while more lines follow. */
int conf_macro_continue(ConfMacros *m, const ConfLine *line);
/* Replaces every use of a defined name in in, writing out; > 0 if anything was replaced. On a runaway or
 * overlong expansion an error is reported at loc and -ELOOP / -E2BIG returned. */
int conf_macro_expand(const ConfMacros *m, const ConfLine *in, ConfLine *out, const ConfLoc *loc, ConfDiags *d);
void conf_macro_done(ConfMacros *m);
