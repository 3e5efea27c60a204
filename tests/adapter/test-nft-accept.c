#include <arpa/inet.h>
#include <poll.h>

#include <nftables/libnftables.h>

#include "netns-test.h"
#include "os/nft-accept.h"
#include "os/nft-watch.h"

/* Accept_Mode's nftables table in a private network namespace: datagrams between local addresses cross the
 * output and input hooks (through lo), so one namespace shows both drops. */

/* Runs an nft command with its own context; returns nft's status, *ret_out its output (to free). */
static int nft(const char *cmd, char **ret_out) {
        struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);
        int r;

        ASSERT_TRUE(ctx);
        ASSERT_OK(nft_ctx_buffer_output(ctx));
        ASSERT_OK(nft_ctx_buffer_error(ctx));
        r = nft_run_cmd_from_buffer(ctx, cmd);
        if (ret_out)
                *ret_out = strdup(nft_ctx_get_output_buffer(ctx));
        nft_ctx_free(ctx);
        return r;
}

static bool table_exists(void) {
        return nft("list table inet " NFT_ACCEPT_TABLE, NULL) == 0;
}

static bool set_has(const char *set, const char *needle) {
        _cleanup_free_ char *out = NULL;
        char cmd[128];

        snprintf(cmd, sizeof(cmd), "list set inet " NFT_ACCEPT_TABLE " %s", set);
        ASSERT_EQ(nft(cmd, &out), 0);
        return out && strstr(out, needle);
}

typedef union SockAddr {
        struct sockaddr sa;
        struct sockaddr_in in;
        struct sockaddr_in6 in6;
} SockAddr;

/* A UDP socket bound to addr (port 0: any); its address in *ret. */
static int udp_bound(int family, const char *addr, SockAddr *ret) {
        socklen_t len = sizeof(*ret);
        int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

        ASSERT_TRUE(fd >= 0);
        *ret = (SockAddr){ .sa.sa_family = (sa_family_t) family };
        ASSERT_EQ(inet_pton(family, addr,
                            family == AF_INET ? (void *) &ret->in.sin_addr : &ret->in6.sin6_addr),
                  1);
        ASSERT_TRUE(bind(fd, &ret->sa, family == AF_INET ? sizeof(ret->in) : sizeof(ret->in6)) == 0);
        ASSERT_TRUE(getsockname(fd, &ret->sa, &len) == 0);
        return fd;
}

static bool has_datagram(int fd, usec_t timeout) {
        struct pollfd p = { .fd = fd, .events = POLLIN };

        return poll(&p, 1, (int) (timeout / USEC_PER_MSEC)) == 1;
}

/* Whether addr receives local traffic yet: a datagram from it to it arrives. An IPv6 address gets its local
 * route only once the kernel's DAD work has run, even with nodad; until then datagrams to it are lost. */
static bool addr_local(const char *addr) {
        int family = strchr(addr, ':') ? AF_INET6 : AF_INET;
        const socklen_t len = family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
        _cleanup_close_ int s = -EBADF, r = -EBADF;
        SockAddr a_s, a_r;

        s = udp_bound(family, addr, &a_s);
        r = udp_bound(family, addr, &a_r);
        return sendto(s, "p", 1, 0, &a_r.sa, len) == 1 && has_datagram(r, 100 * USEC_PER_MSEC);
}

static void setup_netns(void) {
        const char *addrs[] = { "192.0.2.1", "192.0.2.100", "2001:db8::1", "2001:db8::100" };
        cpu_set_t one;

        /* one CPU: loopback delivers in order, so a control datagram sent second proves the first had its
         * turn */
        CPU_ZERO(&one);
        CPU_SET(sched_getcpu(), &one);
        ASSERT_TRUE(sched_setaffinity(0, sizeof(one), &one) == 0);
        nt_new_netns();
        NT_RUN("ip", "link", "set", "lo", "up");
        NT_RUN("ip", "link", "add", "d0", "type", "veth", "peer", "name", "d1"); /* no dummy module here */
        NT_RUN("ip", "link", "set", "d0", "up");
        NT_RUN("ip", "link", "set", "d1", "up");
        NT_RUN("ip", "addr", "add", "192.0.2.1/24", "dev", "d0");
        NT_RUN("ip", "addr", "add", "192.0.2.100/32", "dev", "d0");
        NT_RUN("ip", "addr", "add", "2001:db8::1/64", "dev", "d0", "nodad");
        NT_RUN("ip", "addr", "add", "2001:db8::100/128", "dev", "d0", "nodad");
        NT_RUN("ip", "addr", "add", "fe80::100/64", "dev", "d0", "nodad");
        for (size_t i = 0; i < ELEMENTSOF(addrs); i++)
                ASSERT_TRUE(nt_wait(addr_local, addrs[i], 5 * USEC_PER_SEC));
}

/* Sends src → vip, then src → control. The control datagram must arrive; by then the first has arrived too,
 * unless the input chain dropped it. */
static bool reaches(int family, const char *src, const char *vip, const char *control) {
        _cleanup_close_ int s = -EBADF, rv = -EBADF, rc = -EBADF;
        SockAddr a_src, a_vip, a_ctl;
        const socklen_t len = family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);

        s = udp_bound(family, src, &a_src);
        rv = udp_bound(family, vip, &a_vip);
        rc = udp_bound(family, control, &a_ctl);
        ASSERT_EQ(sendto(s, "v", 1, 0, &a_vip.sa, len), 1);
        ASSERT_EQ(sendto(s, "c", 1, 0, &a_ctl.sa, len), 1);
        ASSERT_TRUE(has_datagram(rc, 2 * USEC_PER_SEC));
        return has_datagram(rv, 0);
}

/* Sends from the VIP: the output chain refuses it at once (EPERM), else it arrives. */
static bool leaves_from(int family, const char *vip, const char *dst) {
        _cleanup_close_ int s = -EBADF, r = -EBADF;
        SockAddr a_src, a_dst;
        const socklen_t len = family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);

        s = udp_bound(family, vip, &a_src);
        r = udp_bound(family, dst, &a_dst);
        if (sendto(s, "x", 1, 0, &a_dst.sa, len) < 0) {
                ASSERT_EQ(errno, EPERM);
                return false;
        }
        ASSERT_TRUE(has_datagram(r, 2 * USEC_PER_SEC));
        return true;
}

static NftAcceptAddr addr(const char *text, const char *ifname) {
        NftAcceptAddr a = { .family = strchr(text, ':') ? AF_INET6 : AF_INET };

        ASSERT_EQ(inet_pton(a.family, text, &a.addr), 1);
        snprintf(a.ifname, sizeof(a.ifname), "%s", ifname ?: "");
        return a;
}

static void nft_accept_freep(NftAccept **a) {
        nft_accept_free(*a);
}

TEST(nft_accept_drops_while_in_the_set) {
        _cleanup_(nft_accept_freep) NftAccept *a = NULL;
        const NftAcceptAddr vips[] = { addr("192.0.2.100", NULL), addr("2001:db8::100", NULL),
                                       addr("fe80::100", "d0") };
        char *msg = NULL;

        setup_netns();
        ASSERT_OK(nft_accept_new(&a));
        ASSERT_FALSE(table_exists()); /* nothing until the first add */
        ASSERT_TRUE(reaches(AF_INET, "192.0.2.1", "192.0.2.100", "192.0.2.1"));
        ASSERT_TRUE(leaves_from(AF_INET, "192.0.2.100", "192.0.2.1"));

        ASSERT_OK(nft_accept_add(a, vips, ELEMENTSOF(vips), &msg));
        ASSERT_TRUE(table_exists());
        ASSERT_TRUE(set_has("vips4", "192.0.2.100"));
        ASSERT_TRUE(set_has("vips6", "2001:db8::100"));
        ASSERT_TRUE(set_has("vips6_ll", "fe80::100 . \"d0\""));
        ASSERT_FALSE(reaches(AF_INET, "192.0.2.1", "192.0.2.100", "192.0.2.1"));
        ASSERT_FALSE(leaves_from(AF_INET, "192.0.2.100", "192.0.2.1"));
        ASSERT_FALSE(reaches(AF_INET6, "2001:db8::1", "2001:db8::100", "2001:db8::1"));
        ASSERT_FALSE(leaves_from(AF_INET6, "2001:db8::100", "2001:db8::1"));

        ASSERT_OK(nft_accept_remove(a, vips, ELEMENTSOF(vips), &msg));
        ASSERT_FALSE(set_has("vips4", "192.0.2.100"));
        ASSERT_FALSE(set_has("vips6_ll", "fe80::100"));
        ASSERT_TRUE(reaches(AF_INET, "192.0.2.1", "192.0.2.100", "192.0.2.1"));
        ASSERT_TRUE(leaves_from(AF_INET, "192.0.2.100", "192.0.2.1"));
        ASSERT_TRUE(reaches(AF_INET6, "2001:db8::1", "2001:db8::100", "2001:db8::1"));
        ASSERT_TRUE(leaves_from(AF_INET6, "2001:db8::100", "2001:db8::1"));

        ASSERT_OK(nft_accept_close(a, &msg));
        ASSERT_FALSE(table_exists());
        ASSERT_TRUE(msg == NULL);
}

TEST(nft_accept_only_listed_addresses) {
        _cleanup_(nft_accept_freep) NftAccept *a = NULL;
        const NftAcceptAddr vip = addr("192.0.2.100", NULL);

        setup_netns();
        ASSERT_OK(nft_accept_new(&a));
        ASSERT_OK(nft_accept_add(a, &vip, 1, NULL));
        /* the interface's own address stays reachable, in both directions */
        ASSERT_TRUE(reaches(AF_INET, "192.0.2.1", "192.0.2.1", "192.0.2.1"));
        ASSERT_TRUE(reaches(AF_INET6, "2001:db8::1", "2001:db8::100", "2001:db8::1"));
        ASSERT_OK(nft_accept_close(a, NULL));
}

TEST(nft_accept_idempotent) {
        _cleanup_(nft_accept_freep) NftAccept *a = NULL;
        const NftAcceptAddr v4[] = { addr("192.0.2.100", NULL), addr("198.51.100.1", NULL) };
        _cleanup_free_ char *out = NULL;

        setup_netns();
        ASSERT_OK(nft_accept_new(&a));
        ASSERT_OK(nft_accept_remove(a, v4, ELEMENTSOF(v4), NULL)); /* nothing there yet */
        ASSERT_FALSE(table_exists());
        ASSERT_OK(nft_accept_close(a, NULL)); /* no table: fine */
        ASSERT_OK(nft_accept_add(a, v4, ELEMENTSOF(v4), NULL));
        ASSERT_OK(nft_accept_add(a, v4, ELEMENTSOF(v4), NULL));
        ASSERT_OK(nft_accept_add(a, v4, 1, NULL));
        ASSERT_OK(nft_accept_remove(a, &v4[0], 1, NULL));
        ASSERT_OK(nft_accept_remove(a, &v4[0], 1, NULL));
        ASSERT_FALSE(set_has("vips4", "192.0.2.100"));
        ASSERT_TRUE(set_has("vips4", "198.51.100.1"));
        ASSERT_OK(nft_accept_add(a, NULL, 0, NULL));
        ASSERT_OK(nft_accept_close(a, NULL));
        ASSERT_OK(nft_accept_close(a, NULL));
        ASSERT_FALSE(table_exists());
        ASSERT_EQ(nft("list ruleset", &out), 0);
        ASSERT_STREQ(out, ""); /* nothing left behind */
}

/* A crashed run left its table with a VIP in it: the first add of the next run starts from a clean table. */
TEST(nft_accept_replaces_a_stale_table) {
        _cleanup_(nft_accept_freep) NftAccept *a = NULL;
        const NftAcceptAddr vip = addr("198.51.100.7", NULL);

        setup_netns();
        ASSERT_EQ(nft("table inet " NFT_ACCEPT_TABLE " {\n"
                      "  set vips4 { type ipv4_addr; elements = { 192.0.2.100 }; }\n"
                      "  chain in { type filter hook input priority -1; ip daddr @vips4 drop; }\n"
                      "}\n",
                      NULL),
                  0);
        ASSERT_FALSE(reaches(AF_INET, "192.0.2.1", "192.0.2.100", "192.0.2.1"));
        ASSERT_OK(nft_accept_new(&a));
        ASSERT_OK(nft_accept_add(a, &vip, 1, NULL));
        ASSERT_FALSE(set_has("vips4", "192.0.2.100"));
        ASSERT_TRUE(reaches(AF_INET, "192.0.2.1", "192.0.2.100", "192.0.2.1"));
        ASSERT_OK(nft_accept_close(a, NULL));
        ASSERT_FALSE(table_exists());
}

/* The same at startup, where close comes first: it finds the stale table without libnftables, then deletes
 * it. */
TEST(nft_accept_close_removes_a_stale_table) {
        _cleanup_(nft_accept_freep) NftAccept *a = NULL;

        setup_netns();
        ASSERT_EQ(nft("table inet " NFT_ACCEPT_TABLE " {\n"
                      "  set vips4 { type ipv4_addr; elements = { 192.0.2.100 }; }\n"
                      "}\n",
                      NULL),
                  0);
        ASSERT_EQ(nft("add table ip " NFT_ACCEPT_TABLE, NULL), 0); /* not ours: another family */
        ASSERT_OK(nft_accept_new(&a));
        ASSERT_OK(nft_accept_close(a, NULL));
        ASSERT_FALSE(table_exists());
        ASSERT_EQ(nft("list table ip " NFT_ACCEPT_TABLE, NULL), 0);
        ASSERT_OK(nft_accept_close(a, NULL));
}

TEST(nft_accept_errors_carry_nft_message) {
        _cleanup_(nft_accept_freep) NftAccept *a = NULL;
        const NftAcceptAddr vip = addr("192.0.2.100", NULL);
        NftAcceptAddr bad = addr("fe80::1", "bad\"name");
        _cleanup_free_ char *msg = NULL;

        setup_netns();
        ASSERT_OK(nft_accept_new(&a));
        ASSERT_ERROR(nft_accept_add(a, &bad, 1, NULL), EINVAL); /* no quote may reach nft's parser */
        bad = addr("fe80::1", NULL);
        ASSERT_ERROR(nft_accept_add(a, &bad, 1, NULL), EINVAL); /* link-local needs its interface */
        bad.family = AF_UNIX;
        ASSERT_ERROR(nft_accept_add(a, &bad, 1, NULL), EAFNOSUPPORT);

        ASSERT_OK(nft_accept_add(a, &vip, 1, NULL));
        ASSERT_EQ(nft("delete table inet " NFT_ACCEPT_TABLE, NULL), 0); /* someone else removed it */
        ASSERT_ERROR(nft_accept_add(a, &vip, 1, &msg), ENOENT);
        ASSERT_TRUE(msg && strstr(msg, "Error") && strstr(msg, "vips4"));
        ASSERT_OK(nft_accept_close(a, NULL));
}

/* Another program deletes the table: the watch hears it (and not an unrelated table's deletion), lost() says
 * so once, and the next add builds the table again. */
TEST(nft_watch_hears_the_table_deleted_and_lost_rebuilds_it) {
        _cleanup_(nft_accept_freep) NftAccept *a = NULL;
        const NftAcceptAddr vip = addr("192.0.2.100", NULL);
        _cleanup_close_ int fd = -EBADF;

        setup_netns();
        ASSERT_OK(nft_watch_open(&fd));
        ASSERT_OK(nft_accept_new(&a));
        ASSERT_EQ(nft_accept_lost(a), 0); /* never built: nothing to lose */
        ASSERT_OK(nft_accept_add(a, &vip, 1, NULL));
        (void) nft_watch_read(fd); /* our own "add; delete" of a stale table */
        ASSERT_EQ(nft_accept_lost(a), 0);
        ASSERT_EQ(nft("add table ip " NFT_ACCEPT_TABLE "\ndelete table ip " NFT_ACCEPT_TABLE, NULL), 0);
        ASSERT_EQ(nft_watch_read(fd), 0); /* another family's table of that name */
        ASSERT_EQ(nft("delete table inet " NFT_ACCEPT_TABLE, NULL), 0);
        ASSERT_EQ(nft_watch_read(fd), 1);
        ASSERT_EQ(nft_watch_read(fd), 0);
        ASSERT_EQ(nft_accept_lost(a), 1);
        ASSERT_EQ(nft_accept_lost(a), 0);
        ASSERT_OK(nft_accept_add(a, &vip, 1, NULL));
        ASSERT_TRUE(set_has("vips4", "192.0.2.100"));
        ASSERT_FALSE(reaches(AF_INET, "192.0.2.1", "192.0.2.100", "192.0.2.1"));
        ASSERT_OK(nft_accept_close(a, NULL));
}
