#pragma once

typedef struct ConfGlobal ConfGlobal;

/* global_defs' settings for the daemon process itself, taken as keepalived's VRRP process takes them:
 * vrrp_no_swap locks its memory (mlockall), vrrp_rt_priority runs it SCHED_RR, else vrrp_priority sets its
 * nice value, and vrrp_rlimit_rttime sets RLIMIT_RTTIME. Health and notify scripts forked later run
 * SCHED_OTHER and never below nice 0 (SCHED_RESET_ON_FORK), and hold no memory lock (fork() drops it).
 *
 * At startup, before any socket opens, old is NULL: what g sets is applied, what it leaves unset is not
 * touched (a unit's CPUSchedulingPolicy= or Nice= stays). After a reload, old is the config that ran: what
 * changed is applied, and what was removed goes back to the default (SCHED_OTHER, nice 0, unlocked, no
 * limit). Nothing here fails the daemon: a setting that cannot be applied is a warning, and vrrpd runs
 * without it. */
void process_sched_apply(const ConfGlobal *old, const ConfGlobal *g);
