#include <assert.h>
#include <errno.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "conf/conf-model.h"
#include "os/process-sched.h"
#include "util/log.h"

/* The shipped unit forbids all of this (RestrictRealtime=yes, SystemCallFilter=~@resources, neither
 * CAP_SYS_NICE nor CAP_IPC_LOCK in its bounding set): EPERM there (EACCES for a lower nice value without
 * CAP_SYS_NICE) wants the drop-in that its comment describes. */
#define UNIT_HINT "; under systemd, vrrpd.service needs the drop-in described above its RestrictRealtime="

typedef struct ProcessSched {
        int rt_priority; /* 0: not realtime */
        int nice;
        bool no_swap;
        usec_t rlimit_rttime; /* 0: no limit */
} ProcessSched;

static ProcessSched process_sched_of(const ConfGlobal *g) {
        if (!g)
                return (ProcessSched){};
        return (ProcessSched){ .rt_priority = g->vrrp_rt_priority,
                               .nice = g->vrrp_priority,
                               .no_swap = g->vrrp_no_swap,
                               .rlimit_rttime = g->vrrp_rlimit_rttime };
}

static const char *process_sched_hint(int r) {
        return r == -EPERM || r == -EACCES ? UNIT_HINT : "";
}

/* With SCHED_RESET_ON_FORK a child starts SCHED_OTHER, and at nice 0 if ours is negative (sched(7)), so
 * health and notify scripts never compete with the daemon. Nothing to do when a unit's CPUSchedulingPolicy=,
 * CPUSchedulingPriority= and CPUSchedulingResetOnFork=yes already did it (and the unit may forbid the call).
 */
static int process_sched_set_policy(int policy, int priority) {
        struct sched_param sp = { .sched_priority = priority }, cur;

        if (sched_getscheduler(0) == (policy | SCHED_RESET_ON_FORK) && sched_getparam(0, &cur) >= 0 &&
            cur.sched_priority == priority)
                return 0;
        if (sched_setscheduler(0, policy | SCHED_RESET_ON_FORK, &sp) < 0)
                return -errno;
        return 0;
}

/* The policy we run with (SCHED_OTHER, or the unit's), plus SCHED_RESET_ON_FORK. */
static int process_sched_reset_on_fork(void) {
        struct sched_param sp;
        int policy = sched_getscheduler(0);

        if (policy < 0 || sched_getparam(0, &sp) < 0)
                return -errno;
        return process_sched_set_policy(policy & ~SCHED_RESET_ON_FORK, sp.sched_priority);
}

static int process_sched_set_nice(int nice) {
        int cur;

        errno = 0;
        cur = getpriority(PRIO_PROCESS, 0); /* -1 is also a nice value: errno tells */
        if (cur == -1 && errno != 0)
                return -errno;
        if (cur != nice && setpriority(PRIO_PROCESS, 0, nice) < 0)
                return -errno;
        return 0;
}

/* Locking only pays if it cannot backfire: with MCL_FUTURE, once the locked total reaches a finite
 * RLIMIT_MEMLOCK every later mmap() or malloc() fails, unless CAP_IPC_LOCK lifts the limit (mlockall(2)). */
static bool process_sched_can_lock(struct rlimit *ret_memlock) {
        struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
        struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3] = {};

        if (syscall(SYS_capget, &h, d) >= 0 &&
            (d[CAP_IPC_LOCK / 32].effective & (1u << (CAP_IPC_LOCK % 32))))
                return true;
        return getrlimit(RLIMIT_MEMLOCK, ret_memlock) >= 0 && ret_memlock->rlim_cur == RLIM_INFINITY;
}

static void process_sched_apply_memory(const ProcessSched *old, const ProcessSched *new) {
        struct rlimit memlock = {};
        int r;

        if (new->no_swap == old->no_swap)
                return;
        if (!new->no_swap) {
                if (munlockall() < 0)
                        log_warning_errno(errno, "vrrp_no_swap removed: cannot unlock memory, ignoring: %m");
                else
                        log_info("vrrp_no_swap removed: memory unlocked");
                return;
        }
        if (!process_sched_can_lock(&memlock)) {
                log_warning("vrrp_no_swap: not locking memory: without CAP_IPC_LOCK, RLIMIT_MEMLOCK "
                            "(%llu KiB) would make later allocations fail" UNIT_HINT,
                            (unsigned long long) memlock.rlim_cur / 1024);
                return;
        }
        if (mlockall(MCL_CURRENT | MCL_FUTURE) < 0) {
                r = -errno;
                log_warning_errno(r, "vrrp_no_swap: cannot lock memory, running without it: %m%s",
                                  process_sched_hint(r));
                return;
        }
        log_info("vrrp_no_swap: memory locked");
}

/* Set only when configured, and with no default: keepalived's is 10 ms, but RLIMIT_RTTIME SIGKILLs a
 * realtime process that runs that long without blocking, and taking over 1000 VIPs runs about a second of
 * netlink requests and sends in one go. Soft = hard: at a lower soft limit the kernel would send SIGXCPU,
 * whose default action kills too; this way the kill comes at the configured value, as keepalived's does. */
static void process_sched_apply_rlimit(const ProcessSched *old, const ProcessSched *new) {
        struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
        unsigned long long was = old->rlimit_rttime, want = new->rlimit_rttime;
        int r;

        if (want == was)
                return;
        if (want > 0)
                rl = (struct rlimit){ want, want };
        if (setrlimit(RLIMIT_RTTIME, &rl) >= 0) {
                if (want > 0)
                        log_info("vrrp_rlimit_rttime %llu: the kernel kills vrrpd once it runs %llu µs "
                                 "at realtime priority without blocking", want, want);
                else
                        log_info("vrrp_rlimit_rttime removed: no limit");
                return;
        }
        r = -errno;
        if (was > 0)
                log_warning_errno(r, "vrrp_rlimit_rttime %s: cannot change RLIMIT_RTTIME, it stays %llu µs "
                                  "until vrrpd restarts (raising it needs CAP_SYS_RESOURCE): %m",
                                  want > 0 ? "changed" : "removed", was);
        else
                log_warning_errno(r, "vrrp_rlimit_rttime %llu: cannot set RLIMIT_RTTIME, running without "
                                  "it: %m", want);
}

static void process_sched_apply_nice(int nice) {
        int r;

        r = process_sched_set_nice(nice);
        if (r < 0) {
                log_warning_errno(r, "vrrp_priority %d: cannot set the nice value, running without it: %m%s",
                                  nice, process_sched_hint(r));
                return;
        }
        if (nice < 0) {
                r = process_sched_reset_on_fork();
                if (r < 0) {
                        log_warning_errno(r, "vrrp_priority %d: cannot set SCHED_RESET_ON_FORK, scripts "
                                          "run at nice %d too: %m%s", nice, nice, process_sched_hint(r));
                        return;
                }
        }
        log_info("vrrp_priority %d: running at nice %d%s", nice, nice,
                 nice < 0 ? "; scripts run at nice 0" : "");
}

/* vrrp_rt_priority, else vrrp_priority, as keepalived: a nice value means nothing to a realtime process. */
static void process_sched_apply_policy(const ProcessSched *old, const ProcessSched *new) {
        int r;

        if (new->rt_priority > 0) {
                if (new->rt_priority == old->rt_priority)
                        return;
                r = process_sched_set_policy(SCHED_RR, new->rt_priority);
                if (r < 0)
                        log_warning_errno(r, "vrrp_rt_priority %d: cannot switch to SCHED_RR, running "
                                          "without it: %m%s", new->rt_priority, process_sched_hint(r));
                else
                        log_info("vrrp_rt_priority %d: running SCHED_RR at priority %d; scripts run "
                                 "SCHED_OTHER", new->rt_priority, new->rt_priority);
                return;
        }
        if (old->rt_priority > 0) {
                r = process_sched_set_policy(SCHED_OTHER, 0);
                if (r < 0)
                        log_warning_errno(r, "vrrp_rt_priority removed: cannot switch back to SCHED_OTHER, "
                                          "still SCHED_RR until vrrpd restarts: %m%s",
                                          process_sched_hint(r));
                else
                        log_info("vrrp_rt_priority removed: running SCHED_OTHER");
        } else if (new->nice == old->nice)
                return;
        process_sched_apply_nice(new->nice);
}

void process_sched_apply(const ConfGlobal *old, const ConfGlobal *g) {
        ProcessSched was, want;

        assert(g); /* old may be NULL: at startup */
        was = process_sched_of(old);
        want = process_sched_of(g);
        /* Memory first, at normal priority: locking faults every page in. The limit before SCHED_RR, so no
         * realtime stretch runs without it. */
        process_sched_apply_memory(&was, &want);
        process_sched_apply_rlimit(&was, &want);
        process_sched_apply_policy(&was, &want);
}
