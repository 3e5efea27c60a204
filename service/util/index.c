#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "index.h"

static int entry_compare(const void *a, const void *b, void *userdata) {
        const Index *x = userdata;

        return x->compare(((const IndexEntry *) a)->key, ((const IndexEntry *) b)->key);
}

/* The position of the first entry whose key is not below key (n_entries if none). */
static size_t lower_bound(const Index *x, const void *key) {
        size_t lo = 0, hi = x->n_entries;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (x->compare(x->entries[mid].key, key) < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo;
}

static bool found_at(const Index *x, size_t pos, const void *key) {
        return pos < x->n_entries && x->compare(x->entries[pos].key, key) == 0;
}

int index_append(Index *x, const void *key, void *value) {
        assert(x);
        assert(x->compare);

        if (ARRAY_GROW(x->entries, x->n_alloc, x->n_entries + 1) < 0)
                return -ENOMEM;
        x->entries[x->n_entries++] = (IndexEntry){ .key = key, .value = value };
        x->unsorted = true;
        return 0;
}

int index_sort(Index *x) {
        assert(x);
        assert(x->compare);

        x->unsorted = false;
        if (x->n_entries < 2)
                return 0;
        qsort_r(x->entries, x->n_entries, sizeof(IndexEntry), entry_compare, x);
        for (size_t i = 1; i < x->n_entries; i++)
                if (x->compare(x->entries[i - 1].key, x->entries[i].key) == 0)
                        return -EEXIST;
        return 0;
}

void *index_find(const Index *x, const void *key) {
        size_t pos;

        assert(x);
        assert(x->compare);
        assert(!x->unsorted);

        pos = lower_bound(x, key);
        return found_at(x, pos, key) ? x->entries[pos].value : NULL;
}

int index_insert(Index *x, const void *key, void *value) {
        size_t pos;

        assert(x);
        assert(x->compare);
        assert(!x->unsorted);

        pos = lower_bound(x, key);
        if (found_at(x, pos, key))
                return -EEXIST;
        if (ARRAY_GROW(x->entries, x->n_alloc, x->n_entries + 1) < 0)
                return -ENOMEM;
        memmove(x->entries + pos + 1, x->entries + pos, (x->n_entries - pos) * sizeof(IndexEntry));
        x->entries[pos] = (IndexEntry){ .key = key, .value = value };
        x->n_entries++;
        return 0;
}

void *index_remove(Index *x, const void *key) {
        size_t pos;
        void *value;

        assert(x);
        assert(x->compare);
        assert(!x->unsorted);

        pos = lower_bound(x, key);
        if (!found_at(x, pos, key))
                return NULL;
        value = x->entries[pos].value;
        memmove(x->entries + pos, x->entries + pos + 1, (x->n_entries - pos - 1) * sizeof(IndexEntry));
        x->n_entries--;
        return value;
}

void index_done(Index *x) {
        assert(x);

        free(x->entries);
        *x = INDEX_INIT(x->compare);
}

int index_compare_string(const void *a, const void *b) {
        return strcmp(a, b);
}

int index_compare_pointer(const void *a, const void *b) {
        return a < b ? -1 : a > b;
}
