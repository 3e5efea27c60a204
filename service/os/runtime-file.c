#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "os/runtime-file.h"
#include "util/cleanup.h"

/* mkdir -p with mode 0755: /run/vrrpd/NAMESPACE/INSTANCE needs its parents. */
static int runtime_dir_make(const char *path) {
        _cleanup_free_ char *p = strdup(path);

        if (!p)
                return -ENOMEM;
        for (char *slash = strchr(p + 1, '/');; slash = strchr(slash + 1, '/')) {
                if (slash)
                        *slash = '\0';
                if (mkdir(p, 0755) < 0 && errno != EEXIST)
                        return -errno;
                if (!slash)
                        return 0;
                *slash = '/';
        }
}

char *runtime_dir_path(const char *env_name, const char *base, const char *net_namespace, const char *instance) {
        const char *env = getenv(env_name);
        char *dir;

        assert(env_name);
        assert(base);

        if (env && env[0])
                return strndup(env, strcspn(env, ":"));
        if (asprintf(&dir, "%s%s%s%s%s", base, net_namespace ? "/" : "", net_namespace ?: "", instance ? "/" : "",
                     instance ?: "") < 0)
                return NULL;
        return dir;
}

int runtime_dir_open(const char *runtime_dir, const char *sub, int *ret_dirfd) {
        _cleanup_close_ int top = -EBADF, fd = -EBADF;
        int r;

        assert(runtime_dir && runtime_dir[0]);
        assert(ret_dirfd);

        r = runtime_dir_make(runtime_dir);
        if (r < 0)
                return r;
        top = open(runtime_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (top < 0)
                return -errno;
        if (!sub) {
                *ret_dirfd = TAKE_FD(top);
                return 0;
        }
        if (mkdirat(top, sub, 0755) < 0 && errno != EEXIST)
                return -errno;
        fd = openat(top, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return -errno;
        *ret_dirfd = TAKE_FD(fd);
        return 0;
}

static int write_all(int fd, const char *p, size_t len) {
        while (len > 0) {
                ssize_t n = write(fd, p, len);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                p += n;
                len -= (size_t) n;
        }
        return 0;
}

static int runtime_file_write_tmp(int dirfd, const char *tmp, const char *text, size_t len, bool synced) {
        _cleanup_close_ int fd = -EBADF;
        int r;

        fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0644);
        if (fd < 0)
                return -errno;
        r = write_all(fd, text, len);
        if (r < 0)
                return r;
        if (synced && fsync(fd) < 0)
                return -errno;
        return close(TAKE_FD(fd)) < 0 ? -errno : 0;
}

/* Removes what a failed write left, and passes its error on. */
static int runtime_file_drop_tmp(int dirfd, const char *tmp, int error) {
        (void) unlinkat(dirfd, tmp, 0);
        return error;
}

static bool runtime_file_name_ok(const char *name) {
        return name[0] && !strchr(name, '/') && strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

static int runtime_file_write_full(int dirfd, const char *name, const char *text, size_t len, bool synced) {
        char tmp[NAME_MAX + 1];
        int r;

        assert(name);
        assert(text || len == 0);

        if (!runtime_file_name_ok(name) || strlen(name) + sizeof(RUNTIME_FILE_TMP_PREFIX) > sizeof(tmp))
                return -EINVAL;
        snprintf(tmp, sizeof(tmp), RUNTIME_FILE_TMP_PREFIX "%s", name);
        /* One daemon writes here (it holds the bus name), so a fixed temporary name is enough; one left by a
         * crash is simply overwritten. */
        r = runtime_file_write_tmp(dirfd, tmp, text, len, synced);
        if (r < 0)
                return runtime_file_drop_tmp(dirfd, tmp, r);
        if (renameat(dirfd, tmp, dirfd, name) < 0)
                return runtime_file_drop_tmp(dirfd, tmp, -errno);
        return synced && fsync(dirfd) < 0 ? -errno : 0;
}

int runtime_file_write(int dirfd, const char *name, const char *text, size_t len) {
        return runtime_file_write_full(dirfd, name, text, len, false);
}

int runtime_file_write_synced(int dirfd, const char *name, const char *text, size_t len) {
        return runtime_file_write_full(dirfd, name, text, len, true);
}

int runtime_file_discard(int dirfd, const char *name) {
        assert(name);

        if (!runtime_file_name_ok(name))
                return -EINVAL;
        if (unlinkat(dirfd, name, 0) < 0 && errno != ENOENT)
                return -errno;
        return 0;
}
