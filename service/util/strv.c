#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "strv.h"

int strv_push(char ***l, size_t *n, const char *s) {
        char **grown, *copy;

        assert(l);
        assert(n);
        assert(s);
        assert(*l || *n == 0);

        copy = strdup(s);
        if (!copy)
                return -ENOMEM;
        grown = reallocarray(*l, *n + 2, sizeof(char *));
        if (!grown) {
                free(copy);
                return -ENOMEM;
        }
        grown[(*n)++] = copy;
        grown[*n] = NULL;
        *l = grown;
        return 0;
}

char **strv_free(char **l) {
        if (!l)
                return NULL;
        for (char **p = l; *p; p++)
                free(*p);
        free(l);
        return NULL;
}

void strv_freep(char ***l) {
        *l = strv_free(*l);
}

size_t strv_length(char *const *l) {
        size_t n = 0;

        if (!l)
                return 0;
        while (l[n])
                n++;
        return n;
}

int strv_extend(char ***l, char *const *more) {
        size_t n, m = strv_length(more);

        assert(l);
        n = strv_length(*l);
        for (size_t k = 0; k < m; k++) {
                int r = strv_push(l, &n, more[k]);

                if (r < 0)
                        return r;
        }
        return 0;
}

char **strv_copy(char *const *l) {
        char **c = NULL;

        if (!l || strv_extend(&c, l) < 0)
                return strv_free(c);
        return c;
}
