#include <errno.h>
#include <fcntl.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/conf-model.h"
#include "os/proc-events.h"
#include "os/proc-scan.h"
#include "tmpdir-test.h"
#include "util/cleanup.h"
#include "vtest.h"

/* The matcher and the /proc reader of vrrp_track_process, against keepalived's rules (track_process.c), on a
 * fake /proc in a temp directory; and the connector's datagrams, built as the kernel sends them. */

/* args: the words after the process, each NUL-ended, as conf-parse-process.c stores them */
static ConfTrackProcess pattern(const char *process, const char *args, size_t args_len, ConfParamMatch m,
                                bool full) {
        return (ConfTrackProcess){ .name = (char *) "t",
                                   .process = (char *) process,
                                   .params = (char *) args,
                                   .params_len = args_len,
                                   .param_match = m,
                                   .full_command = full,
                                   .quorum = 1,
                                   .quorum_max = UINT32_MAX };
}

#define CMD(s) (s), sizeof(s) /* a string literal with its final NUL, as /proc/PID/cmdline has it */

TEST(bare_name_matches_comm_not_cmdline) {
        ConfTrackProcess t = pattern("nginx", NULL, 0, CONF_PARAM_MATCH_NONE, false);

        ASSERT_TRUE(proc_scan_match(&t, "nginx", CMD("/usr/sbin/nginx\0-g")));
        ASSERT_FALSE(proc_scan_match(&t, "nginx-debug", CMD("nginx")));
        ASSERT_FALSE(proc_scan_match(&t, "ngin", NULL, 0));
}

TEST(full_command_matches_argv0_whatever_the_arguments) {
        ConfTrackProcess t = pattern("/usr/sbin/nginx", NULL, 0, CONF_PARAM_MATCH_NONE, true);

        ASSERT_TRUE(proc_scan_match(&t, "x", CMD("/usr/sbin/nginx\0-g\0daemon off;")));
        ASSERT_TRUE(proc_scan_match(&t, "x", CMD("/usr/sbin/nginx")));
        ASSERT_FALSE(proc_scan_match(&t, "nginx", CMD("nginx")));
        ASSERT_FALSE(proc_scan_match(&t, "nginx", NULL, 0)); /* kernel threads have no command line */
}

TEST(param_match_exact_partial_initial) {
        ConfTrackProcess t = pattern("/bin/sleep", CMD("10\0x"), CONF_PARAM_MATCH_EXACT, true);

        ASSERT_TRUE(proc_scan_match(&t, "sleep", CMD("/bin/sleep\00010\0x")));
        ASSERT_FALSE(proc_scan_match(&t, "sleep", CMD("/bin/sleep\00010\0x\0y")));
        ASSERT_FALSE(proc_scan_match(&t, "sleep", CMD("/bin/sleep\00010")));
        t.param_match = CONF_PARAM_MATCH_PARTIAL;
        ASSERT_TRUE(proc_scan_match(&t, "sleep", CMD("/bin/sleep\00010\0x\0y")));
        ASSERT_FALSE(proc_scan_match(&t, "sleep", CMD("/bin/sleep\00010\0xy")));
        t.param_match = CONF_PARAM_MATCH_INITIAL;
        ASSERT_TRUE(proc_scan_match(&t, "sleep", CMD("/bin/sleep\00010\0xy")));
        ASSERT_FALSE(proc_scan_match(&t, "sleep", CMD("/bin/sleep\00011\0x")));
}

TEST(param_match_exact_without_arguments_wants_none) {
        ConfTrackProcess t = pattern("/bin/sleep", NULL, 0, CONF_PARAM_MATCH_EXACT, true);

        ASSERT_TRUE(proc_scan_match(&t, "sleep", CMD("/bin/sleep")));
        ASSERT_FALSE(proc_scan_match(&t, "sleep", CMD("/bin/sleep\0001")));
}

static void write_file(const char *dir, const char *name, const void *data, size_t len) {
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int fd = -EBADF;

        ASSERT_TRUE(asprintf(&path, "%s/%s", dir, name) > 0);
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        ASSERT_TRUE(fd >= 0);
        ASSERT_EQ((ssize_t) write(fd, data, len), (ssize_t) len);
}

static void fake_proc(const char *root, int pid, const char *stat, const char *cmdline, size_t len) {
        _cleanup_free_ char *dir = NULL;

        ASSERT_TRUE(asprintf(&dir, "%s/%d", root, pid) > 0);
        ASSERT_OK(mkdir(dir, 0755));
        write_file(dir, "stat", stat, strlen(stat));
        write_file(dir, "cmdline", cmdline, len);
}

typedef struct Seen {
        const ConfTrackProcess *t;
        int pids[8];
        size_t n;
} Seen;

static int collect(const ProcInfo *p, void *userdata) {
        Seen *s = userdata;

        if (proc_scan_match_info(s->t, p) && s->n < 8)
                s->pids[s->n++] = p->pid;
        return 0;
}

TEST(scan_reads_comm_with_parentheses_and_skips_zombies) {
        _cleanup_(tmpdir_freep) char *root = tmpdir_new("proc-scan");
        ConfTrackProcess t = pattern("my (odd) d", NULL, 0, CONF_PARAM_MATCH_NONE, false);
        Seen s = { .t = &t };
        size_t hidden = 99;

        fake_proc(root, 10, "10 (my (odd) d) S 1 10 10", CMD("x"));
        fake_proc(root, 11, "11 (my (odd) d) Z 1 11 11", "", 0);
        fake_proc(root, 12, "12 (other) S 1 12 12", CMD("my (odd) d"));
        ASSERT_OK(proc_scan_all(root, true, collect, &s, &hidden));
        ASSERT_EQ(s.n, 1u);
        ASSERT_EQ(s.pids[0], 10);
        ASSERT_EQ(hidden, 0u);
}

TEST(scan_sees_a_real_process_by_its_command_line) {
        ConfTrackProcess t = pattern("/proc/self/exe", NULL, 0, CONF_PARAM_MATCH_NONE, true);
        _cleanup_free_ ProcInfo *p = calloc(1, sizeof(*p));

        ASSERT_TRUE(p != NULL);
        ASSERT_OK(proc_scan_read("/proc", getpid(), true, p));
        ASSERT_TRUE(p->cmdline_len > 0);
        ASSERT_FALSE(p->zombie);
        t.process = p->cmdline; /* our own argv[0] */
        ASSERT_TRUE(proc_scan_match_info(&t, p));
        ASSERT_ERROR(proc_scan_read("/proc", 0x3fffffff, false, p), ENOENT);
}

TEST(hidepid_read_from_mountinfo) {
        _cleanup_(tmpdir_freep) char *d = tmpdir_new("proc-scan");
        _cleanup_free_ char *path = NULL;
        const char *plain = "22 1 0:21 / /proc rw,nosuid - proc proc rw\n";
        const char *hidden = "22 1 0:21 / /proc rw,nosuid shared:12 - proc proc rw,hidepid=invisible\n";
        const char *with_gid = "22 1 0:21 / /proc rw - proc proc rw,gid=65533,hidepid=invisible\n";
        gid_t gid = 7;

        ASSERT_TRUE(asprintf(&path, "%s/mountinfo", d) > 0);
        write_file(d, "mountinfo", plain, strlen(plain));
        ASSERT_FALSE(proc_scan_hidepid(path, &gid));
        write_file(d, "mountinfo", hidden, strlen(hidden));
        ASSERT_TRUE(proc_scan_hidepid(path, &gid));
        ASSERT_EQ(gid, 0u);
        write_file(d, "mountinfo", with_gid, strlen(with_gid));
        ASSERT_TRUE(proc_scan_hidepid(path, &gid));
        ASSERT_EQ(gid, 65533u);
}

/* One connector datagram carrying one proc_event, as the kernel builds it */
static size_t datagram(uint8_t *buf, uint32_t what, const int32_t ids[4], const char *comm) {
        struct nlmsghdr nh = { .nlmsg_type = NLMSG_DONE };
        struct cn_msg cn = { .id = { .idx = CN_IDX_PROC, .val = CN_VAL_PROC },
                             .len = sizeof(struct proc_event) };
        const size_t at = NLMSG_HDRLEN + sizeof(cn), ed = offsetof(struct proc_event, event_data);

        nh.nlmsg_len = NLMSG_LENGTH(sizeof(cn) + sizeof(struct proc_event));
        memset(buf, 0, NLMSG_SPACE(sizeof(cn) + sizeof(struct proc_event)));
        memcpy(buf, &nh, sizeof(nh));
        memcpy(buf + NLMSG_HDRLEN, &cn, sizeof(cn));
        memcpy(buf + at + offsetof(struct proc_event, what), &what, sizeof(what));
        memcpy(buf + at + ed, ids, comm ? 8 : 16);
        if (comm)
                memcpy(buf + at + ed + 8, comm, strlen(comm));
        return nh.nlmsg_len;
}

TEST(connector_events_parsed_threads_left_out) {
        uint8_t buf[256];
        ProcEvent ev[2];
        size_t len;

        len = datagram(buf, PROC_EVENT_FORK, (const int32_t[]){ 5, 5, 7, 7 }, NULL);
        ASSERT_EQ(proc_events_parse(buf, len, ev, 2), 1);
        ASSERT_TRUE(ev[0].kind == PROC_EV_FORK && ev[0].pid == 7 && ev[0].parent == 5);
        len = datagram(buf, PROC_EVENT_FORK, (const int32_t[]){ 5, 5, 8, 5 }, NULL); /* a thread */
        ASSERT_EQ(proc_events_parse(buf, len, ev, 2), 0);
        len = datagram(buf, PROC_EVENT_EXIT, (const int32_t[]){ 7, 7, 0, 9 }, NULL);
        ASSERT_EQ(proc_events_parse(buf, len, ev, 2), 1);
        ASSERT_TRUE(ev[0].kind == PROC_EV_EXIT && ev[0].pid == 7);
        len = datagram(buf, PROC_EVENT_COMM, (const int32_t[]){ 7, 7, 0, 0 }, "renamed");
        ASSERT_EQ(proc_events_parse(buf, len, ev, 2), 1);
        ASSERT_STREQ(ev[0].comm, "renamed");
        ASSERT_ERROR(proc_events_parse(buf, 3 + NLMSG_HDRLEN, ev, 2), EBADMSG);
}

TEST(connector_opens_and_is_refused_or_listens) {
        _cleanup_close_ int fd = -EBADF;
        int r;

        if (geteuid() != 0)
                return (void) printf("skip: needs root\n");
        ASSERT_OK(proc_events_open(&fd));
        r = proc_events_listen(fd, true); /* refused outside the initial network namespace */
        ASSERT_TRUE(r == 0 || r == -ECONNREFUSED);
        if (r == 0)
                ASSERT_OK(proc_events_listen(fd, false));
}
