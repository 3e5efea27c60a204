#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/conf-rttables.h"
#include "util/cleanup.h"
#include "vtest.h"

/* iproute2's name files as keepalived 2.4 reads them, from two directories standing in for /etc/iproute2 and
 * /usr/share/iproute2. */

typedef struct Dirs {
        char root[64];
        char etc[96];
        char usr[96];
} Dirs;

static void put(const char *dir, const char *name, const char *text) {
        char path[256];
        FILE *f;

        snprintf(path, sizeof(path), "%s/%s", dir, name);
        if (strchr(name, '/')) {
                char sub[256];
                snprintf(sub, sizeof(sub), "%s/%.*s", dir, (int) (strchr(name, '/') - name), name);
                mkdir(sub, 0755);
        }
        ASSERT_TRUE((f = fopen(path, "w")) != NULL);
        fputs(text, f);
        ASSERT_OK(fclose(f));
}

static void dirs_make(Dirs *d) {
        snprintf(d->root, sizeof(d->root), "/tmp/test-rttables.XXXXXX");
        ASSERT_TRUE(mkdtemp(d->root) != NULL);
        snprintf(d->etc, sizeof(d->etc), "%s/etc", d->root);
        snprintf(d->usr, sizeof(d->usr), "%s/usr", d->root);
        ASSERT_OK(mkdir(d->etc, 0755));
        ASSERT_OK(mkdir(d->usr, 0755));
}

static void dirs_remove(Dirs *d) {
        char cmd[128];

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d->root);
        ASSERT_TRUE(system(cmd) == 0);
}

static uint32_t lookup(ConfRtNames *n, ConfRtFile f, const char *word) {
        uint32_t v = 0;

        ASSERT_OK(conf_rttables_lookup(n, f, word, &v));
        return v;
}

TEST(numbers_as_strtoul_base_0) {
        ConfRtNames n = { .etc_dir = "/nonexistent", .usr_dir = "/nonexistent" };
        uint32_t v;

        ASSERT_EQ(lookup(&n, CONF_RT_TABLES, "100"), 100u);
        ASSERT_EQ(lookup(&n, CONF_RT_TABLES, "0x10"), 16u);
        ASSERT_EQ(lookup(&n, CONF_RT_TABLES, "4294967295"), UINT32_MAX);
        ASSERT_ERROR(conf_rttables_lookup(&n, CONF_RT_TABLES, "4294967296", &v), ERANGE);
        ASSERT_ERROR(conf_rttables_lookup(&n, CONF_RT_DSFIELD, "256", &v), ERANGE);
        ASSERT_ERROR(conf_rttables_lookup(&n, CONF_RT_TABLES, "-1", &v), ENOENT);
        ASSERT_EQ(lookup(&n, CONF_RT_GROUP, "2147483647"), 2147483647u);
        ASSERT_ERROR(conf_rttables_lookup(&n, CONF_RT_GROUP, "2147483648", &v), ERANGE);
        conf_rttables_done(&n);
}

TEST(built_in_names_without_files) {
        ConfRtNames n = { .etc_dir = "/nonexistent", .usr_dir = "/nonexistent" };
        uint32_t v;

        ASSERT_EQ(lookup(&n, CONF_RT_TABLES, "main"), (uint32_t) RT_TABLE_MAIN);
        ASSERT_EQ(lookup(&n, CONF_RT_TABLES, "local"), (uint32_t) RT_TABLE_LOCAL);
        ASSERT_EQ(lookup(&n, CONF_RT_TABLES, "default"), (uint32_t) RT_TABLE_DEFAULT);
        ASSERT_EQ(lookup(&n, CONF_RT_PROTOS, "bird"), (uint32_t) RTPROT_BIRD);
        ASSERT_EQ(lookup(&n, CONF_RT_PROTOS, "babel"), (uint32_t) RTPROT_BABEL);
        ASSERT_EQ(lookup(&n, CONF_RT_SCOPES, "link"), (uint32_t) RT_SCOPE_LINK);
        ASSERT_ERROR(conf_rttables_lookup(&n, CONF_RT_PROTOS, "keepalived", &v), ENOENT); /* only in rt_protos */
        ASSERT_ERROR(conf_rttables_lookup(&n, CONF_RT_DSFIELD, "lowdelay", &v), ENOENT);
        conf_rttables_done(&n);
}

TEST(etc_over_usr_and_the_d_directories) {
        Dirs d;
        ConfRtNames n = {};
        uint32_t v;

        dirs_make(&d);
        n = (ConfRtNames){ .etc_dir = d.etc, .usr_dir = d.usr };
        put(d.usr, "rt_tables", "100 usr_only\n");
        put(d.etc, "rt_tables", "# comment\n200 etc_table # trailing\n  201\tspaced\n202 three words\n"
                                "-5 negative\n4294967296 too_big\n254 mymain\n");
        put(d.usr, "rt_tables.d/a.conf", "300 usr_d\n");
        put(d.usr, "rt_tables.d/b.conf", "301 shadowed\n");
        put(d.etc, "rt_tables.d/b.conf", "302 etc_d\n");
        put(d.etc, "rt_tables.d/c.txt", "303 not_conf\n");
        put(d.etc, "rt_tables.d/.h.conf", "304 hidden\n");
        ASSERT_EQ(lookup(&n, CONF_RT_TABLES, "etc_table"), 200u);
        ASSERT_EQ(lookup(&n, CONF_RT_TABLES, "spaced"), 201u);
        ASSERT_EQ(lookup(&n, CONF_RT_TABLES, "usr_d"), 300u);
        ASSERT_EQ(lookup(&n, CONF_RT_TABLES, "etc_d"), 302u);
        ASSERT_EQ(lookup(&n, CONF_RT_TABLES, "mymain"), 254u);
        ASSERT_EQ(lookup(&n, CONF_RT_TABLES, "local"), 255u); /* built in: no file names 255 */
        ASSERT_ERROR(conf_rttables_lookup(&n, CONF_RT_TABLES, "main", &v), ENOENT); /* 254 is named: no built-in */
        ASSERT_ERROR(conf_rttables_lookup(&n, CONF_RT_TABLES, "usr_only", &v), ENOENT);
        ASSERT_ERROR(conf_rttables_lookup(&n, CONF_RT_TABLES, "shadowed", &v), ENOENT);
        ASSERT_ERROR(conf_rttables_lookup(&n, CONF_RT_TABLES, "not_conf", &v), ENOENT);
        ASSERT_ERROR(conf_rttables_lookup(&n, CONF_RT_TABLES, "hidden", &v), ENOENT);
        ASSERT_ERROR(conf_rttables_lookup(&n, CONF_RT_TABLES, "three", &v), ENOENT);
        ASSERT_ERROR(conf_rttables_lookup(&n, CONF_RT_TABLES, "negative", &v), ENOENT);
        ASSERT_ERROR(conf_rttables_lookup(&n, CONF_RT_TABLES, "too_big", &v), ENOENT);
        conf_rttables_done(&n);
        dirs_remove(&d);
}

TEST(usr_file_when_etc_has_none) {
        Dirs d;
        ConfRtNames n = {};

        dirs_make(&d);
        n = (ConfRtNames){ .etc_dir = d.etc, .usr_dir = d.usr };
        put(d.usr, "rt_protos", "18 keepalived\n");
        put(d.usr, "rt_realms", "10 cosmos\n11 world\n");
        ASSERT_EQ(lookup(&n, CONF_RT_PROTOS, "keepalived"), 18u);
        ASSERT_EQ(lookup(&n, CONF_RT_PROTOS, "static"), (uint32_t) RTPROT_STATIC);
        ASSERT_OK(conf_rttables_realms(&n, "cosmos/world", &(uint32_t){ 0 }));
        uint32_t v;
        ASSERT_OK(conf_rttables_realms(&n, "cosmos/0x14", &v));
        ASSERT_EQ(v, (10u << 16) | 20u);
        ASSERT_OK(conf_rttables_realms(&n, "world", &v));
        ASSERT_EQ(v, 11u);
        ASSERT_ERROR(conf_rttables_realms(&n, "world/nowhere", &v), EINVAL);
        ASSERT_ERROR(conf_rttables_realms(&n, "256", &v), EINVAL);
        conf_rttables_done(&n);
        dirs_remove(&d);
}

TEST(route_types) {
        uint8_t t;

        ASSERT_OK(conf_rttables_route_type("blackhole", &t));
        ASSERT_EQ(t, RTN_BLACKHOLE);
        ASSERT_OK(conf_rttables_route_type("brd", &t));
        ASSERT_EQ(t, RTN_BROADCAST);
        ASSERT_OK(conf_rttables_route_type("0x6", &t));
        ASSERT_EQ(t, RTN_BLACKHOLE);
        ASSERT_ERROR(conf_rttables_route_type("256", &t), ENOENT);
        ASSERT_ERROR(conf_rttables_route_type("192.0.2.0/24", &t), ENOENT);
}
