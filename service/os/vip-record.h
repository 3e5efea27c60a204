#pragma once

#include <limits.h>
#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#include "core/vrrp-addr.h"

/* "No VIP is held twice" (DESIGN §1): before the daemon adds a VIP it records it here; when it removes the
 * VIP cleanly the record goes; at startup every record left by a crashed run names an address to remove.
 *
 * Layout: RUNTIME_DIR/vips/ holds one small text file per VIP, named vip-IFINDEX-ADDRESS-PREFIXLEN (so
 * adding and removing are one rename or unlink, no scan), with lines `ifindex=N`, `ifname=NAME`,
 * `address=ADDR/LEN`. Files are written as .tmp-NAME and renamed into place, so a crash mid-write leaves a
 * .tmp- file (reported, never a half record). The ifindex survives an interface rename (the address goes
 * with the interface, not its name); the name is what a person reads, and a fallback for the caller. Records
 * guard against a crash of the process; after a reboot /run is empty and the VIPs are gone anyway, so
 * nothing is fsync'ed. Non-logging. */

#define VIP_RECORD_RUNTIME_DIR "/run/vrrpd"
#define VIP_RECORD_NAME_MAX 96
#define VIP_RECORD_TEXT_MAX 512

typedef struct VipRecord {
        int family;
        int ifindex;
        char ifname[IFNAMSIZ];
        VrrpAddr addr;
        uint8_t prefixlen;
} VipRecord;

/* A file in the directory that is not a record: left in place, for the caller to log and maybe discard. */
typedef struct VipRecordSkip {
        char name[NAME_MAX + 1];
        int error;          /* -EBADMSG: not a record (reason says why); else -errno from reading it */
        const char *reason; /* static text */
} VipRecordSkip;

typedef struct VipRecordSet {
        VipRecord *records; /* sorted by ifindex, family, address, prefix length */
        size_t n_records;
        VipRecordSkip *skipped;
        size_t n_skipped;
} VipRecordSet;

/* Creates runtime_dir (with its parents, 0755) and runtime_dir/vips if missing; returns an fd of the
 * latter. */
int vip_record_open_dir(const char *runtime_dir, int *ret_dirfd);
/* Idempotent: adding twice leaves one record, removing what is not there succeeds. */
int vip_record_add(int dirfd, const VipRecord *rec);
int vip_record_remove(int dirfd, const VipRecord *rec);
/* Reads every file of the directory: records, and the rest with their reasons. */
int vip_record_load(int dirfd, VipRecordSet *ret);
void vip_record_set_done(VipRecordSet *set);
/* Deletes one file by name (a skipped one, say); absent is fine. */
int vip_record_discard(int dirfd, const char *name);

/* The pure part, exposed for tests. */
int vip_record_name(const VipRecord *rec, char *buf, size_t size);
int vip_record_format(const VipRecord *rec, char *buf, size_t size);
int vip_record_parse(const char *name, const char *text, size_t len, VipRecord *ret,
                     const char **reterr_reason);
