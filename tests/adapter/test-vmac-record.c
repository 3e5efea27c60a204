#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "os/runtime-file.h"
#include "os/vmac-record.h"
#include "util/cleanup.h"
#include "tmpdir-test.h"
#include "vtest.h"

/* use_vmac's records in a private temp dir: no root, no network. */

TEST(vmac_records_round_trip) {
        _cleanup_(tmpdir_freep) char *top = tmpdir_new("vmac-record");
        const VmacRecordParent parent = { .ifindex = 7, .ifname = "eth0", .saved = { 0, 1, 2 } };
        const VmacRecordLink link = { .name = "vrrp.51", .ifindex = 12 };
        _cleanup_close_ int dirfd = -EBADF;
        VmacRecordSet set;

        ASSERT_OK(vmac_record_open_dir(top, &dirfd));
        ASSERT_OK(vmac_record_parent_add(dirfd, &parent));
        ASSERT_OK(vmac_record_link_add(dirfd, &link));
        ASSERT_OK(runtime_file_write(dirfd, "junk", "x", 1));
        ASSERT_OK(runtime_file_write(dirfd, "parent-9", "ifname=eth1\n", 12)); /* values missing */
        ASSERT_OK(vmac_record_load(dirfd, &set));
        ASSERT_EQ(set.n_parents, 1);
        ASSERT_EQ(set.parents[0].ifindex, 7);
        ASSERT_STREQ(set.parents[0].ifname, "eth0");
        ASSERT_EQ(set.parents[0].saved[0], 0);
        ASSERT_EQ(set.parents[0].saved[1], 1);
        ASSERT_EQ(set.parents[0].saved[2], 2);
        ASSERT_EQ(set.n_links, 1);
        ASSERT_STREQ(set.links[0].name, "vrrp.51");
        ASSERT_EQ(set.links[0].ifindex, 12);
        ASSERT_EQ(set.n_skipped, 2);
        vmac_record_set_done(&set);
        ASSERT_TRUE(faccessat(dirfd, "junk", F_OK, 0) < 0); /* what is not a record goes */
        ASSERT_OK(vmac_record_parent_remove(dirfd, 7));
        ASSERT_OK(vmac_record_link_remove(dirfd, "vrrp.51"));
        ASSERT_OK(vmac_record_link_remove(dirfd, "vrrp.51")); /* absent is fine */
        ASSERT_OK(vmac_record_load(dirfd, &set));
        ASSERT_EQ(set.n_parents + set.n_links + set.n_skipped, 0);
        vmac_record_set_done(&set);
        ASSERT_ERROR(runtime_file_write(dirfd, "a/b", "x", 1), EINVAL);
}
