#pragma once

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)

#define TAKE_PTR(p)                    \
        ({                             \
                typeof(p) _p_ = (p);   \
                (p) = NULL;            \
                _p_;                   \
        })
#define TAKE_FD(fd)                    \
        ({                             \
                int _fd_ = (fd);       \
                (fd) = -EBADF;         \
                _fd_;                  \
        })

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

static inline void freep(void *p) {
        free(*(void **) p);
}

static inline void fclosep(FILE **f) {
        if (*f)
                fclose(*f);
}

static inline void closep(int *fd) {
        if (*fd >= 0)
                close(*fd);
}

/* DEFINE_CLEANUP(struct nl_sock *, nl_socket_free) makes nl_socket_freep() */
#define DEFINE_CLEANUP(type, func)                 \
        static inline void func##p(type *p) {      \
                if (*p)                            \
                        func(*p);                  \
        }
