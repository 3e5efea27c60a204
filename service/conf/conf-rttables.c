#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/array.h"
#include "../util/cleanup.h"
#include "conf-rttables.h"

#define ETC_DIR "/etc/iproute2"
#define USR_DIR "/usr/share/iproute2"

typedef struct RtBuiltin {
        uint32_t id;
        const char *name;
} RtBuiltin;

static const RtBuiltin tables[] = {
        { RT_TABLE_DEFAULT, "default" }, { RT_TABLE_MAIN, "main" }, { RT_TABLE_LOCAL, "local" }, {}
};

static const RtBuiltin protos[] = {
        { RTPROT_UNSPEC, "none" }, { RTPROT_REDIRECT, "redirect" }, { RTPROT_KERNEL, "kernel" },
        { RTPROT_BOOT, "boot" },   { RTPROT_STATIC, "static" },     { RTPROT_GATED, "gated" },
        { RTPROT_RA, "ra" },       { RTPROT_MRT, "mrt" },           { RTPROT_ZEBRA, "zebra" },
        { RTPROT_BIRD, "bird" },   { RTPROT_BABEL, "babel" },       { RTPROT_DNROUTED, "dnrouted" },
        { RTPROT_XORP, "xorp" },   { RTPROT_NTK, "ntk" },           { RTPROT_DHCP, "dhcp" },
        {},
};

static const RtBuiltin scopes[] = {
        { RT_SCOPE_UNIVERSE, "global" }, { RT_SCOPE_NOWHERE, "nowhere" }, { RT_SCOPE_HOST, "host" },
        { RT_SCOPE_LINK, "link" },       { RT_SCOPE_SITE, "site" },       {},
};

static const RtBuiltin route_types[] = {
        { RTN_LOCAL, "local" },         { RTN_NAT, "nat" },
        { RTN_BROADCAST, "broadcast" }, { RTN_BROADCAST, "brd" },
        { RTN_ANYCAST, "anycast" },     { RTN_MULTICAST, "multicast" },
        { RTN_PROHIBIT, "prohibit" },   { RTN_UNREACHABLE, "unreachable" },
        { RTN_BLACKHOLE, "blackhole" }, { RTN_XRESOLVE, "xresolve" },
        { RTN_UNICAST, "unicast" },     { RTN_THROW, "throw" },
        {},
};

typedef struct RtFileInfo {
        const char *name;
        uint32_t max;
        const RtBuiltin *builtin;
} RtFileInfo;

static const RtFileInfo files[_CONF_RT_FILE_MAX] = {
        [CONF_RT_TABLES] = { "rt_tables", UINT32_MAX, tables },
        [CONF_RT_DSFIELD] = { "rt_dsfield", 255, NULL },
        [CONF_RT_REALMS] = { "rt_realms", 255, NULL },
        [CONF_RT_PROTOS] = { "rt_protos", 255, protos },
        [CONF_RT_SCOPES] = { "rt_scopes", 255, scopes },
        [CONF_RT_GROUP] = { "group", INT32_MAX, NULL },
};

uint32_t conf_rttables_max(ConfRtFile f) {
        assert(f < _CONF_RT_FILE_MAX);
        return files[f].max;
}

const char *conf_rttables_file(ConfRtFile f) {
        assert(f < _CONF_RT_FILE_MAX);
        return files[f].name;
}

/* A whole word as strtoul() base 0 reads it (no sign): 0, -EINVAL when it is no number, -ERANGE above max. */
static int parse_number(const char *word, uint32_t max, uint32_t *ret) {
        unsigned long long v;
        char *end;

        if (!isdigit((unsigned char) word[0]))
                return -EINVAL;
        errno = 0;
        v = strtoull(word, &end, 0);
        if (*end)
                return -EINVAL;
        if (errno == ERANGE || v > max)
                return -ERANGE;
        *ret = (uint32_t) v;
        return 0;
}

static int list_add(ConfRtList *l, uint32_t id, const char *name) {
        char *s;

        if (ARRAY_GROW(l->items, l->n_alloc, l->n + 1) < 0 || !(s = strdup(name)))
                return -ENOMEM;
        l->items[l->n++] = (ConfRtEntry){ id, s };
        return 0;
}

/* "NUMBER NAME" lines; '#' starts a comment; a line of another shape, or a number out of range, is skipped. */
static int read_file(ConfRtList *l, const char *path, uint32_t max) {
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        _cleanup_free_ char *line = NULL;
        size_t size = 0;

        while (f && getline(&line, &size, f) >= 0) {
                char *save = NULL, *number, *name;
                uint32_t id;

                line[strcspn(line, "#\n")] = '\0';
                number = strtok_r(line, " \t", &save);
                name = number ? strtok_r(NULL, " \t", &save) : NULL;
                if (!name || strtok_r(NULL, " \t", &save) || parse_number(number, max, &id) < 0)
                        continue;
                if (list_add(l, id, name) < 0)
                        return -ENOMEM;
        }
        return 0;
}

static bool is_type(const char *path, mode_t type) {
        struct stat st;

        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == type;
}

/* DIR/FILE.d/ *.conf, each unless skip_dir has a file of that name */
static int read_dir(ConfRtList *l, const char *dir, const char *file, const char *skip_dir, uint32_t max) {
        _cleanup_free_ char *pattern = NULL;
        glob_t g = {};
        int r = 0;

        if (asprintf(&pattern, "%s/%s.d/*.conf", dir, file) < 0)
                return -ENOMEM;
        if (glob(pattern, 0, NULL, &g) != 0)
                return 0;
        for (size_t k = 0; k < g.gl_pathc && r >= 0; k++) {
                _cleanup_free_ char *shadow = NULL;
                const char *base = strrchr(g.gl_pathv[k], '/') + 1;

                if (!is_type(g.gl_pathv[k], S_IFREG))
                        continue;
                if (skip_dir && asprintf(&shadow, "%s/%s.d/%s", skip_dir, file, base) < 0)
                        r = -ENOMEM;
                else if (!shadow || access(shadow, F_OK) < 0)
                        r = read_file(l, g.gl_pathv[k], max);
        }
        globfree(&g);
        return r;
}

static int read_files(ConfRtNames *n, ConfRtList *l, const RtFileInfo *info) {
        const char *etc = n->etc_dir ?: ETC_DIR, *usr = n->usr_dir ?: USR_DIR;
        _cleanup_free_ char *etc_file = NULL, *usr_file = NULL;
        int r;

        if (!is_type(usr, S_IFDIR) && !is_type(etc, S_IFDIR))
                return 0;
        if (asprintf(&etc_file, "%s/%s", etc, info->name) < 0 || asprintf(&usr_file, "%s/%s", usr, info->name) < 0)
                return -ENOMEM;
        r = read_file(l, is_type(etc_file, S_IFREG) ? etc_file : usr_file, info->max);
        if (r >= 0)
                r = read_dir(l, usr, info->name, etc, info->max);
        return r < 0 ? r : read_dir(l, etc, info->name, NULL, info->max);
}

static int load(ConfRtNames *n, ConfRtFile f) {
        ConfRtList *l = &n->lists[f];
        int r;

        if (l->loaded)
                return 0;
        l->loaded = true;
        r = read_files(n, l, &files[f]);
        for (const RtBuiltin *b = files[f].builtin; r >= 0 && b && b->name; b++) {
                bool named = false;

                for (size_t k = 0; k < l->n && !named; k++)
                        named = l->items[k].id == b->id;
                if (!named)
                        r = list_add(l, b->id, b->name);
        }
        return r;
}

int conf_rttables_lookup(ConfRtNames *n, ConfRtFile f, const char *word, uint32_t *ret) {
        int r;

        assert(n);
        assert(f < _CONF_RT_FILE_MAX);
        assert(word);
        assert(ret);

        r = parse_number(word, files[f].max, ret);
        if (r != -EINVAL)
                return r;
        r = load(n, f);
        if (r < 0)
                return r;
        for (size_t k = 0; k < n->lists[f].n; k++)
                if (strcmp(n->lists[f].items[k].name, word) == 0) {
                        *ret = n->lists[f].items[k].id;
                        return 0;
                }
        return -ENOENT;
}

int conf_rttables_realms(ConfRtNames *n, const char *word, uint32_t *ret) {
        const char *slash;
        char from[64];
        uint32_t a, b;
        int r;

        assert(n);
        assert(word);
        assert(ret);

        slash = strchr(word, '/');
        if (!slash) {
                r = conf_rttables_lookup(n, CONF_RT_REALMS, word, ret);
                return r == -ENOMEM ? r : r < 0 ? -EINVAL : 0;
        }
        if ((size_t) (slash - word) >= sizeof(from))
                return -EINVAL;
        snprintf(from, sizeof(from), "%.*s", (int) (slash - word), word);
        r = conf_rttables_lookup(n, CONF_RT_REALMS, from, &a);
        if (r >= 0)
                r = conf_rttables_lookup(n, CONF_RT_REALMS, slash + 1, &b);
        if (r < 0)
                return r == -ENOMEM ? r : -EINVAL;
        *ret = a << 16 | b;
        return 0;
}

int conf_rttables_route_type(const char *word, uint8_t *ret) {
        uint32_t v;

        assert(word);
        assert(ret);

        for (const RtBuiltin *b = route_types; b->name; b++)
                if (strcmp(word, b->name) == 0) {
                        *ret = (uint8_t) b->id;
                        return 0;
                }
        if (parse_number(word, 255, &v) < 0)
                return -ENOENT;
        *ret = (uint8_t) v;
        return 0;
}

void conf_rttables_done(ConfRtNames *n) {
        assert(n);

        for (size_t f = 0; f < _CONF_RT_FILE_MAX; f++) {
                for (size_t k = 0; k < n->lists[f].n; k++)
                        free(n->lists[f].items[k].name);
                free(n->lists[f].items);
                n->lists[f] = (ConfRtList){};
        }
}
