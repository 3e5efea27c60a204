#pragma once

/* net_namespace (keepalived): the named network namespaces of ip-netns(8), bind mounts of a namespace under
 * /run/netns/NAME. Non-logging: -errno on failure. */

#define NETNS_RUN_DIR "/run/netns"

/* 1 if this process's network namespace is the one /run/netns/name holds, 0 if not; -ENOENT when there is no
 * such namespace. */
int netns_is_current(const char *name);

/* Moves this process (it must have one thread) into /run/netns/name with setns(CLONE_NEWNET): 1 if it was
 * there already (nothing done, so no CAP_SYS_ADMIN needed, as under a unit's NetworkNamespacePath=), 0 if
 * it moved. Sockets opened before stay in the namespace they were made in: open the bus first. */
int netns_enter(const char *name);
