#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct ConfTrackProcess ConfTrackProcess;

/* Reading processes from /proc and matching them by keepalived's rules (track_process.c): a bare name is
 * compared with the process's comm (/proc/PID/stat's second field, 15 characters at most), a full_command
 * track with argv[0] of /proc/PID/cmdline, then its arguments by param_match. Zombies never match.
 * Non-logging. */

#define PROC_SCAN_CMDLINE_MAX 4096 /* what is read of a command line; longer ones are compared as cut */

typedef struct ProcInfo {
        pid_t pid;
        char comm[16];
        bool zombie;
        char cmdline[PROC_SCAN_CMDLINE_MAX + 1]; /* NUL-separated words, as the kernel shows them */
        size_t cmdline_len;
        bool has_cmdline;
} ProcInfo;

/* Whether a process with this comm and command line is one t tracks (cmdline may be NULL for a comm track).
 */
bool proc_scan_match(const ConfTrackProcess *t, const char *comm, const char *cmdline, size_t cmdline_len);
bool proc_scan_match_info(const ConfTrackProcess *t, const ProcInfo *p);

/* Reads PID's comm and state (and its command line if want_cmdline) under proc_root ("/proc" in the daemon).
 * -ENOENT or -ESRCH: it is gone; -EACCES / -EPERM: not ours to see (hidepid). */
int proc_scan_read(const char *proc_root, pid_t pid, bool want_cmdline, ProcInfo *ret);

/* Calls cb for every process under proc_root that could be read; *ret_hidden counts those that could not
 * (hidepid=noaccess). A negative return of cb stops the walk and is returned. */
typedef int (*proc_scan_cb_t)(const ProcInfo *p, void *userdata);
int proc_scan_all(const char *proc_root, bool want_cmdline, proc_scan_cb_t cb, void *userdata,
                  size_t *ret_hidden);

/* Whether /proc hides other users' processes: mounted hidepid=1/2 (noaccess/invisible) according to
 * mountinfo (a file in /proc/self/mountinfo's format); *ret_gid: the group that sees them all (its gid=
 * option; 0, root's, unless given). */
bool proc_scan_hidepid(const char *mountinfo, gid_t *ret_gid);
