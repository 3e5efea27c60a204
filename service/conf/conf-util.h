#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* Small helpers shared by the conf/ modules (and the command line's checks): keyword suggestions, and the
 * syntax of the names the top level and global_defs give the daemon. */

/* Keyword tables are searched linearly: most names differ in their first byte, which is cheaper to compare
 * than calling strcmp() (and the fuzzing build traces every strcmp()). */
static inline bool conf_util_name_eq(const char *a, const char *b) {
        return a[0] == b[0] && strcmp(a, b) == 0;
}

/* Levenshtein distance, or SIZE_MAX when either word is too long to be a keyword. */
size_t conf_util_edit_distance(const char *a, const char *b);

/* The closest of names[0..n) to word, or NULL if none is close enough to be a likely typo. */
const char *conf_util_suggest(const char *word, const char *const *names, size_t n);

/* A D-Bus well-known bus name (the specification's "Bus names"): two or more '.'-separated elements of
 * [A-Za-z0-9_-], none empty or starting with a digit, 255 characters at most; not a unique name (":1.5"). */
bool conf_util_bus_name_valid(const char *s);

/* One path component, as net_namespace (/run/netns/NAME, ip-netns(8)'s rule) and instance (/run/vrrpd/NAME)
 * are used: not empty, no '/', not "." or "..", NAME_MAX bytes at most. */
bool conf_util_file_name_valid(const char *s);
