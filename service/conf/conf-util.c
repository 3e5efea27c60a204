#include <assert.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "conf-util.h"

#define EDIT_WORD_MAX 64

static size_t min3(size_t a, size_t b, size_t c) {
        size_t m = a < b ? a : b;
        return m < c ? m : c;
}

/* Levenshtein distance of a[0..la) and b[0..lb), or SIZE_MAX once it must exceed max (Ukkonen's cut-off):
 * only the cells within max of the diagonal can stay under it, and a row with none under it ends the search.
 * Lengths over EDIT_WORD_MAX: SIZE_MAX. */
static size_t edit_distance_within(const char *a, size_t la, const char *b, size_t lb, size_t max) {
        size_t prev[EDIT_WORD_MAX + 1], cur[EDIT_WORD_MAX + 1];

        if (la > EDIT_WORD_MAX || lb > EDIT_WORD_MAX || (la > lb ? la - lb : lb - la) > max)
                return SIZE_MAX;
        for (size_t j = 0; j <= lb; j++)
                prev[j] = j;
        for (size_t i = 1; i <= la; i++) {
                size_t lo = i > max ? i - max : 1, hi = max < lb && i + max < lb ? i + max : lb;
                size_t row_min;

                cur[lo - 1] = row_min = lo == 1 ? i : SIZE_MAX - 1; /* outside the band: as good as infinite */
                for (size_t j = lo; j <= hi; j++) {
                        size_t up = j < i || j - (i - 1) <= max ? prev[j] : SIZE_MAX - 1;

                        cur[j] = min3(up + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]));
                        if (cur[j] < row_min)
                                row_min = cur[j];
                }
                if (row_min > max)
                        return SIZE_MAX;
                memcpy(prev + lo - 1, cur + lo - 1, sizeof(size_t) * (hi - lo + 2));
        }
        return prev[lb] <= max ? prev[lb] : SIZE_MAX;
}

size_t conf_util_edit_distance(const char *a, const char *b) {
        assert(a);
        assert(b);

        return edit_distance_within(a, strlen(a), b, strlen(b), SIZE_MAX - 1);
}

/* Every unknown word is compared with every keyword of its block: only the words within the limit are worth
 * the whole table (a config of junk, or a fuzzer, has thousands of unknown words). */
const char *conf_util_suggest(const char *word, const char *const *names, size_t n) {
        size_t best = SIZE_MAX, limit, len;
        const char *found = NULL;

        assert(word);
        assert(names || n == 0);

        len = strlen(word);
        limit = len / 3 + 1;
        if (limit > 4)
                limit = 4;
        for (size_t i = 0; i < n; i++) {
                size_t d = edit_distance_within(word, len, names[i], strlen(names[i]),
                                                best == SIZE_MAX ? limit : best - 1);
                if (d < best) {
                        best = d;
                        found = names[i];
                }
        }
        return found;
}

#define BUS_NAME_MAX 255

static bool bus_name_char(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
               c == '-';
}

bool conf_util_bus_name_valid(const char *s) {
        size_t elements = 0, len;

        assert(s);

        len = strlen(s);
        if (len == 0 || len > BUS_NAME_MAX)
                return false;
        for (const char *e = s;; e++) {
                size_t n = strcspn(e, ".");

                if (n == 0 || (e[0] >= '0' && e[0] <= '9'))
                        return false;
                for (size_t i = 0; i < n; i++)
                        if (!bus_name_char(e[i]))
                                return false;
                elements++;
                e += n;
                if (*e == '\0')
                        return elements >= 2;
        }
}

bool conf_util_file_name_valid(const char *s) {
        assert(s);

        return s[0] != '\0' && !strchr(s, '/') && strcmp(s, ".") != 0 && strcmp(s, "..") != 0 &&
               strlen(s) <= NAME_MAX;
}
