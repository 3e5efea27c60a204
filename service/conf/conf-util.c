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

size_t conf_util_edit_distance(const char *a, const char *b) {
        size_t la, lb;
        size_t prev[EDIT_WORD_MAX + 1], cur[EDIT_WORD_MAX + 1];

        assert(a);
        assert(b);

        la = strlen(a);
        lb = strlen(b);
        if (la > EDIT_WORD_MAX || lb > EDIT_WORD_MAX)
                return SIZE_MAX;
        for (size_t j = 0; j <= lb; j++)
                prev[j] = j;
        for (size_t i = 1; i <= la; i++) {
                cur[0] = i;
                for (size_t j = 1; j <= lb; j++)
                        cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]));
                memcpy(prev, cur, sizeof(size_t) * (lb + 1));
        }
        return prev[lb];
}

const char *conf_util_suggest(const char *word, const char *const *names, size_t n) {
        size_t best = SIZE_MAX, limit;
        const char *found = NULL;

        assert(word);
        assert(names || n == 0);

        limit = strlen(word) / 3 + 1;
        if (limit > 4)
                limit = 4;
        for (size_t i = 0; i < n; i++) {
                size_t d = conf_util_edit_distance(word, names[i]);
                if (d < best) {
                        best = d;
                        found = names[i];
                }
        }
        return best <= limit ? found : NULL;
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
