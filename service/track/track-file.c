#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "track/track-file.h"
#include "util/cleanup.h"

struct TrackFile {
        char *name;
        char *path;
        char *base; /* the file's name within its directory, as inotify reports it */
        long value;
        sd_event_source *watch;
        track_file_handler_t handler;
        void *userdata;
};

DEFINE_CLEANUP(TrackFile *, track_file_free)

static long track_file_read(const char *path) {
        char buf[64] = "";
        _cleanup_close_ int fd = -EBADF;
        ssize_t n;
        char *end;
        long v;

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0)
                return 0;
        n = read(fd, buf, sizeof(buf) - 1);
        if (n <= 0)
                return 0;
        buf[n] = '\0';
        errno = 0;
        v = strtol(buf, &end, 10);
        return errno != 0 || end == buf ? 0 : v;
}

static int track_file_on_inotify(sd_event_source *s, const struct inotify_event *ev, void *userdata) {
        TrackFile *f = userdata;
        long v;

        if (ev->len > 0 && strcmp(ev->name, f->base) != 0)
                return 0;
        v = track_file_read(f->path);
        if (v == f->value)
                return 0;
        f->value = v;
        f->handler(f, v, f->userdata);
        return 0;
}

static int track_file_init(const char *path, long value, bool overwrite) {
        _cleanup_close_ int fd = -EBADF;
        char buf[32];
        int n;

        fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (overwrite ? O_TRUNC : O_EXCL), 0644);
        if (fd < 0)
                return errno == EEXIST ? 0 : -errno;
        n = snprintf(buf, sizeof(buf), "%ld\n", value);
        return write(fd, buf, (size_t) n) == n ? 0 : -errno;
}

int track_file_new(sd_event *e, const char *name, const char *path, bool init, long init_value, bool overwrite,
                   track_file_handler_t handler, void *userdata, TrackFile **ret) {
        _cleanup_(track_file_freep) TrackFile *f = NULL;
        _cleanup_free_ char *dir = NULL;
        const char *slash;
        int r;

        assert(e);
        assert(name);
        assert(path);
        assert(handler);
        assert(ret);
        if (init) {
                r = track_file_init(path, init_value, overwrite);
                if (r < 0)
                        return r;
        }
        f = calloc(1, sizeof(*f));
        if (!f)
                return -ENOMEM;
        slash = strrchr(path, '/');
        f->name = strdup(name);
        f->path = strdup(path);
        f->base = strdup(slash ? slash + 1 : path);
        dir = slash ? strndup(path, slash == path ? 1 : (size_t) (slash - path)) : strdup(".");
        if (!f->name || !f->path || !dir || !f->base)
                return -ENOMEM;
        f->handler = handler;
        f->userdata = userdata;
        f->value = track_file_read(path);
        r = sd_event_add_inotify(e, &f->watch, dir,
                                 IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVED_FROM,
                                 track_file_on_inotify, f);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(f);
        return 0;
}

TrackFile *track_file_free(TrackFile *f) {
        if (!f)
                return NULL;
        sd_event_source_disable_unref(f->watch);
        free(f->name);
        free(f->path);
        free(f->base);
        free(f);
        return NULL;
}

const char *track_file_get_name(const TrackFile *f) {
        assert(f);
        return f->name;
}

long track_file_get_value(const TrackFile *f) {
        assert(f);
        return f->value;
}
