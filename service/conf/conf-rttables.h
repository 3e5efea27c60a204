#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* iproute2's name files, read as keepalived 2.4 reads them (lib/rttables.c) for the words of routes and rules:
 * FILE from /etc/iproute2, else from /usr/share/iproute2; then FILE.d/ *.conf of /usr/share/iproute2 that
 * /etc/iproute2/FILE.d does not shadow, then those of /etc/iproute2/FILE.d; then the built-in names whose
 * number no file named. Each file is read once, on its first lookup. */

typedef enum ConfRtFile {
        CONF_RT_TABLES,  /* rt_tables: up to 4294967295; built in: default, main, local */
        CONF_RT_DSFIELD, /* rt_dsfield: tos / dsfield, up to 255 */
        CONF_RT_REALMS,  /* rt_realms: up to 255 */
        CONF_RT_PROTOS,  /* rt_protos: up to 255; built in: none, redirect, kernel, boot, static, gated, … */
        CONF_RT_SCOPES,  /* rt_scopes: up to 255; built in: global, nowhere, host, link, site */
        CONF_RT_GROUP,   /* group: interface groups, up to 2147483647 */
        _CONF_RT_FILE_MAX,
} ConfRtFile;

typedef struct ConfRtEntry {
        uint32_t id;
        char *name;
} ConfRtEntry;

typedef struct ConfRtList {
        ConfRtEntry *items;
        size_t n;
        size_t n_alloc;
        bool loaded;
} ConfRtList;

typedef struct ConfRtNames {
        const char *etc_dir; /* NULL: /etc/iproute2 */
        const char *usr_dir; /* NULL: /usr/share/iproute2 */
        ConfRtList lists[_CONF_RT_FILE_MAX];
} ConfRtNames;

/* word as a number (strtoul() base 0, as keepalived reads it) or as a name of file f. 0 and *ret; -ERANGE for a
 * number above the file's maximum; -ENOENT for a name no file knows; -ENOMEM. */
int conf_rttables_lookup(ConfRtNames *n, ConfRtFile f, const char *word, uint32_t *ret);
/* realms: TO or FROM/TO, each a number or an rt_realms name; *ret is FROM << 16 | TO. 0, -EINVAL or -ENOMEM. */
int conf_rttables_realms(ConfRtNames *n, const char *word, uint32_t *ret);
/* A route type (RTN_*): unicast, local, broadcast/brd, anycast, multicast, blackhole, unreachable, prohibit,
 * throw, nat, xresolve, or a number up to 255. 0 or -ENOENT. */
int conf_rttables_route_type(const char *word, uint8_t *ret);
/* The largest number file f takes, and the file's name ("rt_tables"). */
uint32_t conf_rttables_max(ConfRtFile f);
const char *conf_rttables_file(ConfRtFile f);

void conf_rttables_done(ConfRtNames *n);
