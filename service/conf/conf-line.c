#include <errno.h>
#include <stdlib.h>

#include "conf-line.h"

int conf_line_push(ConfLine *l, char c, unsigned col) {
        if (l->n >= CONF_LINE_MAX)
                return -E2BIG;
        if (l->n + 1 > l->n_alloc) {
                size_t n = l->n_alloc ? l->n_alloc * 2 : 128;
                char *s = realloc(l->s, n);
                if (!s)
                        return -ENOMEM;
                l->s = s;
                unsigned *cols = realloc(l->col, n * sizeof(unsigned));
                if (!cols)
                        return -ENOMEM;
                l->col = cols;
                l->n_alloc = n;
        }
        l->s[l->n] = c;
        l->col[l->n] = col;
        l->n++;
        return 0;
}

void conf_line_done(ConfLine *l) {
        free(l->s);
        free(l->col);
        *l = (ConfLine){};
}
