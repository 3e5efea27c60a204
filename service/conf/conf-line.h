#pragma once

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
void conf_line_done(ConfLine *l);
