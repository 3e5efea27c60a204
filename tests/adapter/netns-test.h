#pragma once

/* Helpers for adapter tests that need a network: the process leaves the root network namespace before main()
 * (unshare(CLONE_NEWNET); the namespace dies with the process), so nothing a test does can touch the host's
 * interfaces. Without root, or where unshare is refused, the whole binary is skipped: it prints
 * "skip NAME: reason" and exits 77, meson's SKIP code, so no test counts as passed. Waits poll a condition
 * up to a deadline; none is a sleep standing in for the condition. */

#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/vrrp-time.h"
#include "util/cleanup.h"
#include "vtest.h"

extern char **environ;

static inline usec_t nt_now(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (usec_t) ts.tv_sec * USEC_PER_SEC + (usec_t) ts.tv_nsec / 1000;
}

static inline void nt_skip(const char *why) {
        printf("skip %s: %s\n", program_invocation_short_name, why);
        fflush(stdout);
        exit(77);
}

/* A fresh, empty network namespace for this process (and the commands it runs). */
static inline void nt_new_netns(void) {
        if (unshare(CLONE_NEWNET) < 0) {
                char why[128];

                snprintf(why, sizeof(why), "cannot create a network namespace: %s", strerror(errno));
                nt_skip(why);
        }
}

__attribute__((constructor)) static void nt_enter_netns(void) {
        if (geteuid() != 0)
                nt_skip("needs root to create a network namespace");
        nt_new_netns();
}

/* Runs argv (PATH lookup) and returns its exit status, or -1 if it did not exit normally. */
static inline int nt_run(const char *const *argv) {
        pid_t pid;
        int status;

        if (posix_spawnp(&pid, argv[0], NULL, NULL, (char *const *) argv, environ) != 0)
                return -1;
        if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
                return -1;
        return WEXITSTATUS(status);
}

#define NT_RUN(...) ASSERT_EQ(nt_run((const char *const[]){ __VA_ARGS__, NULL }), 0)

static inline bool nt_link_running(const char *ifname) {
        _cleanup_close_ int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        struct ifreq ifr = {};

        snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
        return fd >= 0 && ioctl(fd, SIOCGIFFLAGS, &ifr) == 0 && (ifr.ifr_flags & IFF_RUNNING);
}

/* Polls pred(arg) every 10 ms until it holds or timeout passes; returns whether it held. */
static inline bool nt_wait(bool (*pred)(const char *), const char *arg, usec_t timeout) {
        const struct timespec step = { .tv_nsec = 10 * 1000 * 1000 };
        usec_t deadline = nt_now() + timeout;

        for (;;) {
                if (pred(arg))
                        return true;
                if (nt_now() >= deadline)
                        return false;
                nanosleep(&step, NULL);
        }
}

/* Writes value to a /proc/sys file of this namespace. */
static inline void nt_sysctl(const char *path, const char *value) {
        FILE *f = fopen(path, "we");

        ASSERT_TRUE(f);
        ASSERT_TRUE(fputs(value, f) >= 0);
        ASSERT_TRUE(fclose(f) == 0);
}
