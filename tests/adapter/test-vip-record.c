#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "os/vip-record.h"
#include "tmpdir-test.h"
#include "vtest.h"

/* VIP records in a private temp dir: no root, no network. */

static VipRecord rec(int ifindex, const char *ifname, const char *addr, uint8_t prefixlen) {
        VipRecord r = { .family = strchr(addr, ':') ? AF_INET6 : AF_INET,
                        .ifindex = ifindex,
                        .prefixlen = prefixlen };

        snprintf(r.ifname, sizeof(r.ifname), "%s", ifname);
        ASSERT_EQ(inet_pton(r.family, addr, &r.addr), 1);
        return r;
}

static void put_file(int dirfd, const char *name, const char *text) {
        _cleanup_close_ int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

        ASSERT_TRUE(fd >= 0);
        ASSERT_EQ(write(fd, text, strlen(text)), (ssize_t) strlen(text));
}

static size_t count_entries(int dirfd) {
        VipRecordSet set = {};
        size_t n;

        ASSERT_OK(vip_record_load(dirfd, &set));
        n = set.n_records + set.n_skipped;
        vip_record_set_done(&set);
        return n;
}

static bool same(const VipRecord *a, const VipRecord *b) {
        return a->family == b->family && a->ifindex == b->ifindex && strcmp(a->ifname, b->ifname) == 0 &&
               vrrp_addr_cmp(a->family, &a->addr, &b->addr) == 0 && a->prefixlen == b->prefixlen;
}

TEST(vip_record_round_trip_sorted) {
        _cleanup_(tmpdir_freep) char *dir = tmpdir_new("vip-record");
        _cleanup_close_ int fd = -EBADF;
        const VipRecord r[] = {
                rec(3, "eth0", "192.0.2.100", 24),
                rec(3, "eth0", "2001:db8::100", 64),
                rec(3, "eth0", "fe80::1", 64),
                rec(7, "lan-uplink.1", "203.0.113.9", 32),
        };
        VipRecordSet set = {};
        struct stat st;

        ASSERT_OK(vip_record_open_dir(dir, &fd));
        for (size_t i = ELEMENTSOF(r); i > 0; i--) /* backwards: the loader sorts */
                ASSERT_OK(vip_record_add(fd, &r[i - 1]));
        ASSERT_TRUE(fstatat(fd, "vip-3-192.0.2.100-24", &st, 0) == 0 && S_ISREG(st.st_mode));
        ASSERT_TRUE(fstatat(fd, "vip-3-2001:db8::100-64", &st, 0) == 0);
        ASSERT_OK(vip_record_load(fd, &set));
        ASSERT_EQ(set.n_skipped, 0);
        ASSERT_EQ(set.n_records, ELEMENTSOF(r));
        ASSERT_TRUE(same(&set.records[0], &r[0]));
        ASSERT_TRUE(same(&set.records[1], &r[1]) || same(&set.records[1], &r[2]));
        ASSERT_TRUE(same(&set.records[3], &r[3]));
        vip_record_set_done(&set);
        ASSERT_EQ(set.n_records, 0);
}

TEST(vip_record_add_and_remove_are_idempotent) {
        _cleanup_(tmpdir_freep) char *dir = tmpdir_new("vip-record");
        _cleanup_close_ int fd = -EBADF;
        const VipRecord r = rec(2, "eth1", "198.51.100.10", 24);

        ASSERT_OK(vip_record_open_dir(dir, &fd));
        ASSERT_OK(vip_record_add(fd, &r));
        ASSERT_OK(vip_record_add(fd, &r));
        ASSERT_EQ(count_entries(fd), 1); /* and no temporary file left over */
        ASSERT_OK(vip_record_remove(fd, &r));
        ASSERT_OK(vip_record_remove(fd, &r));
        ASSERT_EQ(count_entries(fd), 0);
}

TEST(vip_record_open_dir_twice_keeps_records) {
        _cleanup_(tmpdir_freep) char *dir = tmpdir_new("vip-record");
        _cleanup_close_ int fd = -EBADF, fd2 = -EBADF;
        const VipRecord r = rec(2, "eth1", "198.51.100.10", 24);
        char sub[256];

        snprintf(sub, sizeof(sub), "%s/run", dir); /* a runtime dir that does not exist yet */
        ASSERT_OK(vip_record_open_dir(sub, &fd));
        ASSERT_OK(vip_record_add(fd, &r));
        ASSERT_OK(vip_record_open_dir(sub, &fd2)); /* the next run */
        ASSERT_EQ(count_entries(fd2), 1);
}

/* /run/vrrpd/NAMESPACE/INSTANCE (net_namespace and instance): the parents are made too. */
TEST(vip_record_open_dir_makes_the_parents) {
        _cleanup_(tmpdir_freep) char *dir = tmpdir_new("vip-record");
        _cleanup_close_ int fd = -EBADF;
        char sub[256];
        struct stat st;

        snprintf(sub, sizeof(sub), "%s/run/blue/inst1", dir);
        ASSERT_OK(vip_record_open_dir(sub, &fd));
        snprintf(sub, sizeof(sub), "%s/run/blue/inst1/vips", dir);
        ASSERT_OK(stat(sub, &st));
        ASSERT_TRUE(S_ISDIR(st.st_mode));
}

TEST(vip_record_refuses_bad_records) {
        _cleanup_(tmpdir_freep) char *dir = tmpdir_new("vip-record");
        _cleanup_close_ int fd = -EBADF;
        VipRecord r = rec(2, "eth1", "198.51.100.10", 24);

        ASSERT_OK(vip_record_open_dir(dir, &fd));
        r.prefixlen = 33;
        ASSERT_ERROR(vip_record_add(fd, &r), EINVAL);
        r = rec(0, "eth1", "198.51.100.10", 24);
        ASSERT_ERROR(vip_record_add(fd, &r), EINVAL);
        r = rec(2, "", "198.51.100.10", 24);
        ASSERT_ERROR(vip_record_add(fd, &r), EINVAL);
        r = rec(2, "a/b", "198.51.100.10", 24);
        ASSERT_ERROR(vip_record_add(fd, &r), EINVAL);
        r.family = AF_UNIX;
        ASSERT_ERROR(vip_record_add(fd, &r), EINVAL);
        ASSERT_EQ(count_entries(fd), 0);
}

static const VipRecordSkip *find_skip(const VipRecordSet *set, const char *name) {
        for (size_t i = 0; i < set->n_skipped; i++)
                if (strcmp(set->skipped[i].name, name) == 0)
                        return &set->skipped[i];
        VTEST_FAIL("'%s' was not reported as skipped", name);
}

/* Whatever lies in the directory, the loader returns the good records and says why it left the rest. */
TEST(vip_record_load_tolerates_garbage) {
        _cleanup_(tmpdir_freep) char *dir = tmpdir_new("vip-record");
        _cleanup_close_ int fd = -EBADF;
        const VipRecord good = rec(4, "bond0", "192.0.2.50", 24);
        const char *valid = "ifindex=5\nifname=eth0\naddress=192.0.2.51/24\n";
        char big[VIP_RECORD_TEXT_MAX + 10];
        const char *bad[] = { "garbage",
                              "empty",
                              "vip-5-192.0.2.51-24",
                              "vip-5-192.0.2.52-24",
                              "vip-5-192.0.2.53-24",
                              "vip-5-192.0.2.54-24",
                              "vip-5-192.0.2.55-33",
                              "renamed",
                              ".tmp-vip-5-192.0.2.56-24",
                              "big",
                              "subdir",
                              "link" };
        VipRecordSet set = {};

        ASSERT_OK(vip_record_open_dir(dir, &fd));
        ASSERT_OK(vip_record_add(fd, &good));
        put_file(fd, "garbage",
                 "\x7f"
                 "ELF\x02\x01\x01 not a record at all\n");
        put_file(fd, "empty", "");
        put_file(fd, "vip-5-192.0.2.51-24", "ifindex=5\nifname=eth0\naddress=192.0.2.51/24"); /* cut short */
        put_file(fd, "vip-5-192.0.2.52-24", "ifindex=5\nifindex=5\nifname=eth0\naddress=192.0.2.52/24\n");
        put_file(fd, "vip-5-192.0.2.53-24", "ifindex=5\naddress=192.0.2.53/24\n");
        put_file(fd, "vip-5-192.0.2.54-24", "ifindex=-5\nifname=eth0\naddress=192.0.2.54/24\n");
        put_file(fd, "vip-5-192.0.2.55-33", "ifindex=5\nifname=eth0\naddress=192.0.2.55/33\n");
        put_file(fd, "renamed", valid); /* good contents under a name that does not match */
        put_file(fd, ".tmp-vip-5-192.0.2.56-24", "ifindex=5\nifn"); /* a crash mid-write */
        memset(big, 'x', sizeof(big) - 1);
        big[sizeof(big) - 1] = 0;
        put_file(fd, "big", big);
        ASSERT_TRUE(mkdirat(fd, "subdir", 0755) == 0);
        ASSERT_TRUE(symlinkat("/etc/passwd", fd, "link") == 0);

        ASSERT_OK(vip_record_load(fd, &set));
        ASSERT_EQ(set.n_records, 1);
        ASSERT_TRUE(same(&set.records[0], &good));
        ASSERT_EQ(set.n_skipped, ELEMENTSOF(bad));
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                const VipRecordSkip *s = find_skip(&set, bad[i]);

                ASSERT_EQ(s->error, -EBADMSG);
                ASSERT_TRUE(s->reason && s->reason[0]);
        }
        ASSERT_TRUE(strstr(find_skip(&set, "renamed")->reason, "name"));
        ASSERT_TRUE(strstr(find_skip(&set, ".tmp-vip-5-192.0.2.56-24")->reason, "unfinished"));
        ASSERT_TRUE(strstr(find_skip(&set, "vip-5-192.0.2.51-24")->reason, "truncated"));

        /* the caller discards what it was told about; the good record stays */
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                if (strcmp(bad[i], "subdir") != 0)
                        ASSERT_OK(vip_record_discard(fd, bad[i]));
        ASSERT_ERROR(vip_record_discard(fd, "../x"), EINVAL);
        ASSERT_ERROR(vip_record_discard(fd, ".."), EINVAL);
        vip_record_set_done(&set);
        ASSERT_EQ(count_entries(fd), 2); /* the record and the directory */
}

/* A crash between writing the temporary file and the rename: the next add of that VIP just works. */
TEST(vip_record_add_after_crash_mid_write) {
        _cleanup_(tmpdir_freep) char *dir = tmpdir_new("vip-record");
        _cleanup_close_ int fd = -EBADF;
        const VipRecord r = rec(3, "eth0", "2001:db8::7", 64);
        VipRecordSet set = {};

        ASSERT_OK(vip_record_open_dir(dir, &fd));
        put_file(fd, ".tmp-vip-3-2001:db8::7-64", "ifindex=3\nif");
        ASSERT_OK(vip_record_add(fd, &r));
        ASSERT_OK(vip_record_load(fd, &set));
        ASSERT_EQ(set.n_records, 1);
        ASSERT_EQ(set.n_skipped, 0);
        ASSERT_TRUE(same(&set.records[0], &r));
        vip_record_set_done(&set);
}

TEST(vip_record_parse_accepts_comments_and_unknown_keys) {
        const char *text = "# written by a later vrrpd\n\nifname=eth0\nlabel=eth0:vip\naddress=fe80::1/64\n"
                           "ifindex=12\n";
        VipRecord r;
        const char *reason = NULL;

        ASSERT_OK(vip_record_parse("vip-12-fe80::1-64", text, strlen(text), &r, &reason));
        ASSERT_EQ(r.family, AF_INET6);
        ASSERT_EQ(r.ifindex, 12);
        ASSERT_STREQ(r.ifname, "eth0");
        ASSERT_EQ(r.prefixlen, 64);
}

TEST(vip_record_parse_rejects) {
        const char *cases[][2] = {
                { "vip-1-192.0.2.1-24", "ifindex=1\nifname=eth0\naddress=192.0.2.1\n" },
                { "vip-1-192.0.2.1-24", "ifindex=1\nifname=eth0\naddress=192.0.2.1/\n" },
                { "vip-1-192.0.2.1-24", "ifindex=1\nifname=eth0\naddress=192.0.2.1/-24\n" },
                { "vip-1-192.0.2.1-24", "ifindex=1\nifname=eth0\naddress=192.0.2.1/24x\n" },
                { "vip-1-192.0.2.1-24", "ifindex=1\nifname=eth0\naddress=192.0.2.256/24\n" },
                { "vip-1-2001:db8::1-129", "ifindex=1\nifname=eth0\naddress=2001:db8::1/129\n" },
                { "vip-0-192.0.2.1-24", "ifindex=0\nifname=eth0\naddress=192.0.2.1/24\n" },
                { "vip-1-192.0.2.1-24", "ifindex=1x\nifname=eth0\naddress=192.0.2.1/24\n" },
                { "vip-1-192.0.2.1-24", "ifindex=99999999999\nifname=eth0\naddress=192.0.2.1/24\n" },
                { "vip-1-192.0.2.1-24", "ifindex=1\nifname=a-name-far-too-long\naddress=192.0.2.1/24\n" },
                { "vip-1-192.0.2.1-24", "ifindex=1\nifname=\naddress=192.0.2.1/24\n" },
                { "vip-1-192.0.2.1-24", "ifindex=1\nifname eth0\naddress=192.0.2.1/24\n" },
                { "vip-2-192.0.2.1-24", "ifindex=1\nifname=eth0\naddress=192.0.2.1/24\n" },
        };
        VipRecord r;

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                const char *reason = NULL;

                if (vip_record_parse(cases[i][0], cases[i][1], strlen(cases[i][1]), &r, &reason) != -EBADMSG)
                        VTEST_FAIL("case %zu was accepted: %s", i, cases[i][1]);
                ASSERT_TRUE(reason);
        }
}

TEST(vip_record_format_parses_back) {
        const VipRecord r = rec(9, "br-lan", "203.0.113.200", 28);
        char name[VIP_RECORD_NAME_MAX], text[VIP_RECORD_TEXT_MAX];
        VipRecord back;
        int len;

        ASSERT_OK(vip_record_name(&r, name, sizeof(name)));
        ASSERT_STREQ(name, "vip-9-203.0.113.200-28");
        len = vip_record_format(&r, text, sizeof(text));
        ASSERT_OK(len);
        ASSERT_TRUE(strstr(text, "ifname=br-lan\n"));
        ASSERT_OK(vip_record_parse(name, text, (size_t) len, &back, NULL));
        ASSERT_TRUE(same(&r, &back));
        ASSERT_ERROR(vip_record_name(&r, name, 8), ENOBUFS);
}
