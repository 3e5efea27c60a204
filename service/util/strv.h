#pragma once

#include <stddef.h>

/* NULL-terminated lists of strings, as systemd's strv: the list and every string in it are malloc'd, and an
 * empty list may be NULL. What sd-bus and exec*() take as char **. */

/* Appends a copy of s to *l, which holds *n strings (*l may be NULL when *n is 0), and keeps it
 * NULL-terminated. 0, or -ENOMEM with *l and *n as they were. Each push reallocates the list: for lists that
 * grow to thousands, build an array with ARRAY_GROW instead. */
int strv_push(char ***l, size_t *n, const char *s);

/* Frees every string and the list; takes NULL, returns NULL. */
char **strv_free(char **l);
void strv_freep(char ***l);

/* The number of strings before the NULL; 0 for a NULL list. */
size_t strv_length(char *const *l);

/* Appends copies of the strings of more (NULL: none) to *l. 0, or -ENOMEM with what was copied so far
 * appended. */
int strv_extend(char ***l, char *const *more);
/* A copy of l, or NULL for NULL or on allocation failure. */
char **strv_copy(char *const *l);
