#pragma once

#include <stddef.h>

/* Small state files under the runtime directory (RuntimeDirectory=, /run/vrrpd): what a crashed run must let
 * the next one undo (VIP records, macvlans and the settings they changed). One daemon writes there. Files are
 * written as .tmp-NAME and renamed into place, so a crash mid-write leaves a .tmp- file, never half a record.
 * Non-logging. */

#define RUNTIME_FILE_TMP_PREFIX ".tmp-"

/* Creates runtime_dir (with its parents, 0755) and runtime_dir/sub if missing; returns an fd of the latter. */
int runtime_dir_open(const char *runtime_dir, const char *sub, int *ret_dirfd);
/* Writes text as the file name in dirfd, replacing what was there. */
int runtime_file_write(int dirfd, const char *name, const char *text, size_t len);
/* Deletes one file by name; absent is fine. -EINVAL for a name that is not one plain file name. */
int runtime_file_discard(int dirfd, const char *name);
