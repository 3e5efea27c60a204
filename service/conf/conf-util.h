#pragma once

#include <stddef.h>

/* Small helpers shared by the conf/ modules: array growth and keyword suggestions. */

int conf_util_grow(void **array, size_t *n_alloc, size_t need, size_t elem_size);
#define CONF_GROW(array, n_alloc, need) conf_util_grow((void **) &(array), &(n_alloc), (need), sizeof(*(array)))

/* Levenshtein distance, or SIZE_MAX when either word is too long to be a keyword. */
size_t conf_util_edit_distance(const char *a, const char *b);

/* The closest of names[0..n) to word, or NULL if none is close enough to be a likely typo. */
const char *conf_util_suggest(const char *word, const char *const *names, size_t n);
