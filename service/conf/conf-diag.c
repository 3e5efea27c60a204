#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/array.h"
#include "../util/cleanup.h"
#include "conf-diag.h"

int conf_diag_add(ConfDiags *d, ConfDiagLevel level, const ConfLoc *loc, const char *fmt, ...) {
        _cleanup_free_ char *msg = NULL, *file = NULL;
        va_list ap;
        int r;

        assert(d);
        assert(fmt);

        if (level == CONF_DIAG_ERROR)
                d->n_errors++;
        else
                d->n_warnings++;
        if (d->n_items >= CONF_DIAGS_MAX) {
                d->n_dropped++;
                return 0;
        }

        va_start(ap, fmt);
        r = vasprintf(&msg, fmt, ap);
        va_end(ap);
        if (r < 0) {
                msg = NULL;
                d->oom = true;
                return -ENOMEM;
        }
        file = strdup(loc && loc->file ? loc->file : "<config>");
        if (!file || ARRAY_GROW(d->items, d->n_alloc, d->n_items + 1) < 0) {
                d->oom = true;
                return -ENOMEM;
        }
        d->items[d->n_items] = (ConfDiag){
                .level = level,
                .file = TAKE_PTR(file),
                .line = loc ? loc->line : 0,
                .column = loc ? loc->column : 0,
                .message = TAKE_PTR(msg),
                .seq = d->seq,
                .index = d->n_items,
        };
        d->n_items++;
        return 0;
}

static int diag_compare(const void *a, const void *b) {
        const ConfDiag *x = a, *y = b;

        if (x->seq != y->seq)
                return x->seq < y->seq ? -1 : 1;
        return x->index < y->index ? -1 : x->index > y->index;
}

void conf_diag_sort(ConfDiags *d) {
        assert(d);

        if (d->n_items > 1)
                qsort(d->items, d->n_items, sizeof(ConfDiag), diag_compare);
}

int conf_diag_format(const ConfDiag *diag, char **ret) {
        const char *level;
        int r;

        assert(diag);
        assert(ret);

        level = diag->level == CONF_DIAG_ERROR ? "error" : "warning";
        if (diag->line == 0)
                r = asprintf(ret, "%s: %s: %s", diag->file, level, diag->message);
        else
                r = asprintf(ret, "%s:%u:%u: %s: %s", diag->file, diag->line, diag->column, level, diag->message);
        if (r < 0) {
                *ret = NULL;
                return -ENOMEM;
        }
        return 0;
}

int conf_diag_print_all(const ConfDiags *d, FILE *f) {
        assert(d);
        assert(f);

        for (size_t i = 0; i < d->n_items; i++) {
                _cleanup_free_ char *line = NULL;
                int r = conf_diag_format(&d->items[i], &line);
                if (r < 0)
                        return r;
                fprintf(f, "%s\n", line);
        }
        if (d->n_dropped > 0)
                fprintf(f, "%zu more diagnostics not shown\n", d->n_dropped);
        return 0;
}

void conf_diag_done(ConfDiags *d) {
        assert(d);

        for (size_t i = 0; i < d->n_items; i++) {
                free(d->items[i].file);
                free(d->items[i].message);
        }
        free(d->items);
        *d = (ConfDiags){};
}
