#pragma once

#include <stddef.h>

/* Small state files under the runtime directory (RuntimeDirectory=, /run/vrrpd): what a crashed run must let
 * the next one undo (VIP records, macvlans and the settings they changed); and under the state directory
 * (StateDirectory=, /var/lib/vrrpd), what must outlive a reboot. One daemon writes there. Files are
 * written as .tmp-NAME and renamed into place, so a crash mid-write leaves a .tmp- file, never half a record.
 * Non-logging. */

#define RUNTIME_FILE_TMP_PREFIX ".tmp-"

/* Where a daemon keeps such files: $env_name when set (systemd's RuntimeDirectory= or StateDirectory=; the
 * first of a colon-separated list), else base, or below it for a daemon that net_namespace or instance sets
 * apart: base/NAMESPACE, base/INSTANCE, base/NAMESPACE/INSTANCE (keepalived keeps its pid files apart the
 * same way). NULL: out of memory. */
char *runtime_dir_path(const char *env_name, const char *base, const char *net_namespace, const char *instance);
/* Creates runtime_dir (with its parents, 0755) and runtime_dir/sub if missing; returns an fd of the latter
 * (sub NULL: of runtime_dir itself). */
int runtime_dir_open(const char *runtime_dir, const char *sub, int *ret_dirfd);
/* Writes text as the file name in dirfd, replacing what was there. */
int runtime_file_write(int dirfd, const char *name, const char *text, size_t len);
/* The same, on disk before it returns (the file, then the directory's entry): for state that must outlive a
 * power cut, under StateDirectory=. */
int runtime_file_write_synced(int dirfd, const char *name, const char *text, size_t len);
/* Deletes one file by name; absent is fine. -EINVAL for a name that is not one plain file name. */
int runtime_file_discard(int dirfd, const char *name);
