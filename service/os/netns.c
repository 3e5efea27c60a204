#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <sys/stat.h>

#include "os/netns.h"
#include "util/cleanup.h"

static int netns_open(const char *name, int *ret_fd) {
        char path[sizeof(NETNS_RUN_DIR "/") + NAME_MAX];
        int fd;

        if (snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s", name) >= (int) sizeof(path))
                return -ENAMETOOLONG;
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        *ret_fd = fd;
        return 0;
}

/* Two handles on one namespace are the same nsfs inode: ip netns identify compares them the same way. */
static int netns_same(int fd) {
        struct stat here, there;

        if (stat("/proc/self/ns/net", &here) < 0 || fstat(fd, &there) < 0)
                return -errno;
        return here.st_dev == there.st_dev && here.st_ino == there.st_ino;
}

/* Opens /run/netns/NAME into *ret_fd; 1 if the process is in that namespace already, 0 if not. */
static int netns_open_same(const char *name, int *ret_fd) {
        int r;

        assert(name);

        r = netns_open(name, ret_fd);
        return r < 0 ? r : netns_same(*ret_fd);
}

int netns_is_current(const char *name) {
        _cleanup_close_ int fd = -EBADF;

        return netns_open_same(name, &fd);
}

int netns_enter(const char *name) {
        _cleanup_close_ int fd = -EBADF;
        int r;

        r = netns_open_same(name, &fd);
        if (r != 0)
                return r;
        if (setns(fd, CLONE_NEWNET) < 0)
                return -errno;
        return 0;
}
