#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The kernel's process-events connector (netlink NETLINK_CONNECTOR, CN_IDX_PROC): fork, exec, comm and exit
 * of every process on the host. It answers only in the initial network namespace: the socket is opened there
 * (before net_namespace is entered, daemon.c) and keeps talking to it afterwards. Non-logging. */

typedef enum ProcEventKind {
        PROC_EV_FORK, /* pid: the new process, parent: the one it forked from */
        PROC_EV_EXEC,
        PROC_EV_COMM, /* comm: its new name (prctl PR_SET_NAME) */
        PROC_EV_EXIT,
        _PROC_EV_KIND_MAX,
} ProcEventKind;

typedef struct ProcEvent {
        ProcEventKind kind;
        pid_t pid;
        pid_t parent;
        char comm[16];
} ProcEvent;

/* A socket bound to nothing yet: cheap to hold, it hears nothing until proc_events_listen(). */
int proc_events_open(int *ret_fd);
/* Joins (or leaves) the multicast group and tells the kernel to send (or stop). -ECONNREFUSED outside the
 * initial network namespace. */
int proc_events_listen(int fd, bool on);
/* One datagram as received: the events of processes (threads are left out), in *ret (room for max); returns
 * how many, or -EBADMSG. */
int proc_events_parse(const uint8_t *buf, size_t len, ProcEvent *ret, size_t max);
