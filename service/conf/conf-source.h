#pragma once

#include <stddef.h>

/* Where configuration text comes from. The default reads files and expands include globs with glob(3); the fuzzer
 * and unit tests pass their own so that nothing reaches the real filesystem. */
typedef struct ConfSourceOps {
        /* Paths matching pattern, sorted, as a NULL-terminated array (an empty one when nothing matches) that
         * the caller frees with strv_free(). */
        int (*glob)(void *userdata, const char *pattern, char ***ret_paths);
        /* The whole content of path (malloc'd, NUL-terminated; *ret_size excludes the NUL). */
        int (*read)(void *userdata, const char *path, char **ret_data, size_t *ret_size);
        void *userdata;
} ConfSourceOps;

#define CONF_FILE_SIZE_MAX (16u * 1024u * 1024u)

const ConfSourceOps *conf_source_default(void);

/* pattern resolved against the directory of the file that includes it (itself when absolute). */
int conf_source_path(const char *including, const char *pattern, char **ret);
/* The absolute directory of path (keepalived's ${_PWD}); NULL when out of memory. */
char *conf_source_dir(const char *path);
