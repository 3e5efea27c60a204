#pragma once

/* A private temp directory for an adapter test, removed with everything in it when the test ends:
 * _cleanup_(tmpdir_freep) char *d = tmpdir_new("vip-record"); */

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vtest.h"

static inline char *tmpdir_new(const char *what) {
        char *d = NULL;

        ASSERT_TRUE(asprintf(&d, "/tmp/vrrpd-test-%s-XXXXXX", what) > 0);
        ASSERT_TRUE(mkdtemp(d) != NULL);
        return d;
}

static inline int tmpdir_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        return remove(path);
}

static inline void tmpdir_freep(char **d) {
        if (*d)
                (void) nftw(*d, tmpdir_rm_one, 16, FTW_DEPTH | FTW_PHYS);
        free(*d);
}
