#include <assert.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/array.h"
#include "../util/cleanup.h"
#include "../util/strv.h"
#include "conf-source.h"

static int source_glob(void *userdata, const char *pattern, char ***ret_paths) {
        _cleanup_(strv_freep) char **paths = NULL;
        size_t n = 0;
        glob_t g = {};
        int r;

        r = glob(pattern, GLOB_BRACE | GLOB_MARK, NULL, &g);
        if (r != 0 && r != GLOB_NOMATCH) {
                globfree(&g);
                return r == GLOB_NOSPACE ? -ENOMEM : -EIO;
        }
        paths = calloc(1, sizeof(char *)); /* an empty list when nothing matches */
        r = paths ? 0 : -ENOMEM;
        for (size_t i = 0; r >= 0 && i < g.gl_pathc; i++) {
                const char *p = g.gl_pathv[i];
                if (p[0] && p[strlen(p) - 1] == '/') /* GLOB_MARK: a directory */
                        continue;
                r = strv_push(&paths, &n, p);
        }
        globfree(&g);
        if (r < 0)
                return r;
        *ret_paths = TAKE_PTR(paths);
        return 0;
}

static void file_closep(FILE **f) {
        if (*f)
                fclose(*f);
}

static int source_read(void *userdata, const char *path, char **ret_data, size_t *ret_size) {
        _cleanup_(file_closep) FILE *f = NULL;
        _cleanup_free_ char *data = NULL;
        size_t n = 0, n_alloc = 0;
        struct stat st;

        f = fopen(path, "re");
        if (!f)
                return -errno;
        if (fstat(fileno(f), &st) < 0)
                return -errno;
        if (S_ISDIR(st.st_mode))
                return -EISDIR;
        for (;;) {
                if (n >= CONF_FILE_SIZE_MAX)
                        return -EFBIG;
                if (ARRAY_GROW(data, n_alloc, n + 4096 + 1) < 0)
                        return -ENOMEM;
                size_t k = fread(data + n, 1, 4096, f);
                n += k;
                if (k < 4096) {
                        if (ferror(f))
                                return -EIO;
                        break;
                }
        }
        data[n] = '\0';
        *ret_data = TAKE_PTR(data);
        *ret_size = n;
        return 0;
}

static const ConfSourceOps default_ops = {
        .glob = source_glob,
        .read = source_read,
};

const ConfSourceOps *conf_source_default(void) {
        return &default_ops;
}

int conf_source_path(const char *including, const char *pattern, char **ret) {
        const char *slash;

        assert(including);
        assert(pattern);
        assert(ret);

        slash = strrchr(including, '/');
        if (pattern[0] == '/' || !slash)
                *ret = strdup(pattern);
        else if (asprintf(ret, "%.*s/%s", (int) (slash - including), including, pattern) < 0)
                *ret = NULL;
        return *ret ? 0 : -ENOMEM;
}

/* ${_PWD}: the absolute directory of path, as keepalived, which changes into it while reading the file. */
char *conf_source_dir(const char *path) {
        _cleanup_free_ char *cwd = NULL;
        const char *slash;
        char *dir = NULL;

        assert(path);

        slash = strrchr(path, '/');
        if (path[0] == '/')
                return strndup(path, slash == path ? 1 : (size_t) (slash - path));
        cwd = getcwd(NULL, 0);
        if (!cwd)
                return strdup(".");
        if (!slash)
                return TAKE_PTR(cwd);
        if (asprintf(&dir, "%s/%.*s", cwd, (int) (slash - path), path) < 0)
                return NULL;
        return dir;
}
