#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "conf-diag.h"

typedef struct ConfLine ConfLine;

/* keepalived's "$NAME=value" definitions and their "$NAME" / "${NAME}" uses. A value is stored as written and
 * expanded when used, so definitions may refer to each other; expansion is bounded. A value continued with a
 * trailing '\' spans lines, which a use turns back into separate lines ('\n' in the expansion). */

#define CONF_MACRO_PASSES_MAX 32
#define CONF_MACRO_COUNT_MAX 4096

#define CONF_MACRO_RANDOM "_RANDOM"
#define CONF_MACRO_ENV "_ENV"

typedef struct ConfMacro {
        char *name;
        char *value; /* NULL: computed at each use (${_RANDOM}, ${_ENV NAME}) */
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
/* Replaces every use of a defined name in in, writing out; > 0 if anything was replaced. The lines of a
 * multi-line value after its first go to the front of rest ('\n'-separated), for the caller to read as the
 * next lines of the file: they may define names that later lines use, as in keepalived. Substitution stops
 * after a value that starts with '~' (a "~SEQ" line). On a runaway or overlong expansion an error is
 * reported at loc and -ELOOP / -E2BIG returned. */
int conf_macro_expand(const ConfMacros *m, const ConfLine *in, ConfLine *out, ConfLine *rest,
                      const ConfLoc *loc, ConfDiags *d);
/* Defines (or redefines) name as value, as a "~SEQ" does for each of its numbers. */
int conf_macro_set(ConfMacros *m, const char *name, const char *value);
const char *conf_macro_get(const ConfMacros *m, const char *name);
/* keepalived's predefined names: ${_INSTANCE} (the config id), ${_HASH} '#', ${_BANG} '!', ${_RANDOM [MIN
 * [MAX]]}, ${_ENV NAME} (keepalived 2.4: the environment variable, empty if unset); the lexer keeps ${_PWD},
 * the directory of the file being read. */
int conf_macro_builtins(ConfMacros *m, const char *config_id);
/* A "~SEQ(VAR, START, STEP, END) TEXT" line: TEXT is read once for each number, with $VAR defined as it. */
typedef struct ConfSeq {
        char var[64];
        long start, step, end;
        bool hex;
        size_t text; /* offset of TEXT in the line */
} ConfSeq;

/* Parses the "~SEQ(...)" head of l; -EINVAL if it is not a valid one. */
int conf_macro_seq_parse(const ConfMacros *m, const ConfLine *l, ConfSeq *ret);
/* A "~LST(NAMES, VALUES, ...) TEXT" line: TEXT is read once for each set of values, the names defined as
 * them. */
typedef struct ConfLst {
        char **names;
        size_t n_names;
        char **values; /* n_names per set */
        size_t n_values;
        size_t text; /* offset of TEXT in the line */
} ConfLst;

/* Parses the "~LST(...)" head of l; -EINVAL if it is not a valid one. */
int conf_macro_lst_parse(const ConfLine *l, ConfLst *ret);
void conf_macro_lst_done(ConfLst *l);
void conf_macro_done(ConfMacros *m);
