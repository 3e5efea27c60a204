#pragma once

#include <stddef.h>

/* Small helpers shared by the conf/ modules: keyword suggestions. */

/* Levenshtein distance, or SIZE_MAX when either word is too long to be a keyword. */
size_t conf_util_edit_distance(const char *a, const char *b);

/* The closest of names[0..n) to word, or NULL if none is close enough to be a likely typo. */
const char *conf_util_suggest(const char *word, const char *const *names, size_t n);
