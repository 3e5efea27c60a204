#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf-line.h"

/* Room for n more bytes (and their columns), up to CONF_LINE_MAX in all. */
static int conf_line_reserve(ConfLine *l, size_t n) {
        size_t want = l->n + n, size = l->n_alloc ? l->n_alloc : 128;

        if (want > CONF_LINE_MAX)
                return -E2BIG;
        if (want <= l->n_alloc)
                return 0;
        while (size < want)
                size *= 2;
        char *s = realloc(l->s, size);
        if (!s)
                return -ENOMEM;
        l->s = s;
        unsigned *cols = realloc(l->col, size * sizeof(unsigned));
        if (!cols)
                return -ENOMEM;
        l->col = cols;
        l->n_alloc = size;
        return 0;
}

int conf_line_push(ConfLine *l, char c, unsigned col) {
        int r;

        assert(l);

        r = conf_line_reserve(l, 1);
        if (r < 0)
                return r;
        l->s[l->n] = c;
        l->col[l->n] = col;
        l->n++;
        return 0;
}

int conf_line_append(ConfLine *l, const char *s, const unsigned *cols, unsigned col, size_t n) {
        int r;

        assert(l);
        assert(s || n == 0);

        if (n == 0)
                return 0;
        r = conf_line_reserve(l, n);
        if (r < 0) {
                /* what fits, as pushing byte by byte would have left it */
                size_t room = l->n < CONF_LINE_MAX ? CONF_LINE_MAX - l->n : 0;
                if (r == -E2BIG && room > 0 && conf_line_append(l, s, cols, col, room) < 0)
                        return -ENOMEM;
                return r;
        }
        memcpy(l->s + l->n, s, n);
        if (cols)
                memcpy(l->col + l->n, cols, n * sizeof(unsigned));
        else
                for (size_t k = 0; k < n; k++)
                        l->col[l->n + k] = col;
        l->n += n;
        return 0;
}

void conf_line_done(ConfLine *l) {
        assert(l);

        free(l->s);
        free(l->col);
        *l = (ConfLine){};
}

void conf_line_drop_prefix(ConfLine *l, size_t k) {
        assert(l);

        if (k == 0) /* also keeps an empty line's NULL buffer away from memmove() */
                return;
        memmove(l->s, l->s + k, l->n - k);
        memmove(l->col, l->col + k, (l->n - k) * sizeof(unsigned));
        l->n -= k;
}

void conf_line_trim(ConfLine *l) {
        size_t k = 0;

        assert(l);

        while (k < l->n && conf_is_blank(l->s[k]))
                k++;
        conf_line_drop_prefix(l, k);
        while (l->n > 0 && conf_is_blank(l->s[l->n - 1]))
                l->n--;
}

/* keepalived strips comments again after substituting: a '#' or '!' that a value brought in ($_HASH, say)
 * starts a comment unless it is inside double quotes. */
void conf_line_cut_comment(ConfLine *l) {
        bool quote = false;

        assert(l);

        for (size_t i = 0; i < l->n; i++) {
                if (l->s[i] == '"')
                        quote = !quote;
                else if (!quote && (l->s[i] == '#' || l->s[i] == '!')) {
                        l->n = i;
                        break;
                }
        }
        while (l->n > 0 && conf_is_blank(l->s[l->n - 1]))
                l->n--;
}

/* "include PATTERN", and keepalived's includer/includem/... variants, which vrrpd treats alike. */
bool conf_line_is_include(const ConfLine *l, size_t *ret_arg) {
        size_t k = 7;

        assert(l);
        assert(ret_arg);

        if (l->n < 7 || memcmp(l->s, "include", 7) != 0)
                return false;
        if (l->n == 7) { /* a bare "include" */
                *ret_arg = 7;
                return true;
        }
        if (!conf_is_blank(l->s[k])) {
                if (!strchr("rmwba", l->s[k]) || l->n < 9 || !conf_is_blank(l->s[k + 1]))
                        return false;
                k++;
        }
        while (k < l->n && conf_is_blank(l->s[k]))
                k++;
        *ret_arg = k;
        return true;
}
