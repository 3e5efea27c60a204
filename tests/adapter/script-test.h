#pragma once

/* Helpers shared by the script adapter tests: a real sd-event loop run until a condition or a deadline
 * (never a sleep standing in for the condition), scripts written to a private temp dir, stderr (where the
 * console log goes) captured to a file. */

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-event.h>

#include "core/vrrp-time.h"
#include "util/log.h"
#include "vtest.h"

static inline usec_t st_now(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (usec_t) ts.tv_sec * USEC_PER_SEC + (usec_t) ts.tv_nsec / 1000;
}

/* sd_event_add_child() needs SIGCHLD blocked before the loop exists. */
static inline sd_event *st_event_new(void) {
        sigset_t ss;
        sd_event *e = NULL;

        sigemptyset(&ss);
        sigaddset(&ss, SIGCHLD);
        ASSERT_TRUE(sigprocmask(SIG_BLOCK, &ss, NULL) == 0);
        ASSERT_OK(sd_event_new(&e));
        return e;
}

/* Runs the loop until *flag is true or timeout passes; returns *flag. */
static inline bool st_run_until(sd_event *e, const bool *flag, usec_t timeout) {
        usec_t deadline = st_now() + timeout;

        while (!*flag) {
                usec_t now = st_now();
                if (now >= deadline)
                        break;
                ASSERT_OK(sd_event_run(e, deadline - now));
        }
        return *flag;
}

/* Runs the loop for a while, whatever happens: for "this must not happen" checks. */
static inline void st_run_for(sd_event *e, usec_t duration) {
        const bool never = false;

        (void) st_run_until(e, &never, duration);
}

static inline char *st_tmpdir(void) {
        char *d = strdup("/tmp/vrrpd-test-XXXXXX");

        ASSERT_TRUE(d && mkdtemp(d));
        return d;
}

static inline int st_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        return remove(path);
}

static inline void st_rmrf(char *dir) {
        if (dir)
                (void) nftw(dir, st_rm_one, 16, FTW_DEPTH | FTW_PHYS);
        free(dir);
}

/* Writes dir/name with body and mode; returns the path (to free). */
static inline char *st_write(const char *dir, const char *name, const char *body, mode_t mode) {
        char *path = NULL;
        FILE *f;

        ASSERT_TRUE(asprintf(&path, "%s/%s", dir, name) > 0);
        f = fopen(path, "we");
        ASSERT_TRUE(f);
        ASSERT_TRUE(fputs(body, f) >= 0);
        ASSERT_TRUE(fclose(f) == 0);
        ASSERT_TRUE(chmod(path, mode) == 0);
        return path;
}

/* The whole file, or NULL if it does not exist. */
static inline char *st_read(const char *path) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = fopen(path, "re"), *m;

        if (!f)
                return NULL;
        m = open_memstream(&buf, &size);
        ASSERT_TRUE(m);
        for (int c; (c = fgetc(f)) != EOF;)
                fputc(c, m);
        fclose(f);
        fclose(m);
        return buf;
}

/* True once a process is gone or a zombie (nobody may reap what init inherits in a container). */
static inline bool st_process_dead(pid_t pid) {
        char path[64], *stat;
        bool dead;

        snprintf(path, sizeof(path), "/proc/%d/stat", (int) pid);
        stat = st_read(path);
        if (!stat)
                return true;
        dead = strstr(stat, ") Z ") != NULL;
        free(stat);
        return dead;
}

/* stderr into a file while a test looks at what was logged. */
typedef struct StCapture {
        int saved;
        char path[64];
} StCapture;

static inline void st_capture_start(StCapture *c) {
        int fd;

        snprintf(c->path, sizeof(c->path), "/tmp/vrrpd-test-log-XXXXXX");
        fd = mkstemp(c->path);
        ASSERT_TRUE(fd >= 0);
        fflush(stderr);
        c->saved = dup(STDERR_FILENO);
        ASSERT_TRUE(c->saved >= 0 && dup2(fd, STDERR_FILENO) == STDERR_FILENO);
        close(fd);
}

/* Returns what was logged (to free). */
static inline char *st_capture_stop(StCapture *c) {
        char *s;

        fflush(stderr);
        dup2(c->saved, STDERR_FILENO);
        close(c->saved);
        s = st_read(c->path);
        unlink(c->path);
        return s;
}
