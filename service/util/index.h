#pragma once

#include <stdbool.h>
#include <stddef.h>

/* A sorted index: (key, value) entries in key order, found by binary search. Build it once by appending in
 * any order and sorting (a config's objects by name), or keep it sorted entry by entry with insert and remove
 * (the daemon's instances as they come and go). Keys and values are borrowed: the index stores the pointers,
 * and they must outlive it. compare() orders two keys as strcmp() does. */

typedef int (*IndexCompareFunc)(const void *a, const void *b);

typedef struct IndexEntry {
        const void *key;
        void *value;
} IndexEntry;

typedef struct Index {
        IndexEntry *entries; /* n_entries of them, in key order once sorted */
        size_t n_entries;
        size_t n_alloc;
        IndexCompareFunc compare;
        bool unsorted; /* appended to since the last index_sort() */
} Index;

#define INDEX_INIT(cmp) ((Index){ .compare = (cmp) })

/* Adds an entry at the end: call index_sort() before the next find, insert or remove. 0 or -ENOMEM. */
int index_append(Index *x, const void *key, void *value);
/* Sorts the appended entries. 0, or -EEXIST when two keys compare equal: the index is sorted all the same,
 * and a find returns one of them. */
int index_sort(Index *x);

/* The value of key, or NULL. */
void *index_find(const Index *x, const void *key);
/* Adds an entry in its place: 0, -EEXIST if the key is there already (nothing changes), or -ENOMEM. */
int index_insert(Index *x, const void *key, void *value);
/* Takes key's entry out and returns its value; NULL if there was none. */
void *index_remove(Index *x, const void *key);

/* Frees the entries (not the keys and values); the index is empty and usable again. */
void index_done(Index *x);

/* compare() for keys that are C strings */
int index_compare_string(const void *a, const void *b);
/* compare() for keys that are the objects themselves: their addresses */
int index_compare_pointer(const void *a, const void *b);
