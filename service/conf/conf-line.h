#pragma once

#include <stdbool.h>
#include <stddef.h>

/* One logical line being preprocessed: its bytes and, for each byte, the source column it came from (text that
 * a $NAME expansion produced carries the column of its '$'). */
typedef struct ConfLine {
        char *s;
        unsigned *col;
        size_t n;
        size_t n_alloc;
} ConfLine;

#define CONF_LINE_MAX (64 * 1024) /* bytes, before and after expansion */

int conf_line_push(ConfLine *l, char c, unsigned col);
/* Appends s[0..n), byte k from column cols[k] (cols NULL: all from col); -E2BIG past CONF_LINE_MAX, with what
 * fitted appended, as byte by byte. */
int conf_line_append(ConfLine *l, const char *s, const unsigned *cols, unsigned col, size_t n);
void conf_line_done(ConfLine *l);

/* Blanks as keepalived's lexer sees them (a newline is not one: it ends a line). */
static inline bool conf_is_blank(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

void conf_line_drop_prefix(ConfLine *l, size_t k);
void conf_line_trim(ConfLine *l);
void conf_line_cut_comment(ConfLine *l);
/* True when l is an include line; *ret_arg is where its pattern starts (l->n when it has none). */
bool conf_line_is_include(const ConfLine *l, size_t *ret_arg);
