#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <nftables/libnftables.h>

#include "os/nft-accept.h"
#include "os/nft-lib.h"
#include "util/cleanup.h"

struct NftAccept {
        NftLib lib; /* loaded with ctx, at the first command */
        struct nft_ctx *ctx;
        bool ready; /* the table exists as we built it */
};

#define T "inet " NFT_ACCEPT_TABLE

/* "add; delete" makes the delete succeed whether or not the table was there. */
static const char table_delete[] = "add table " T "\ndelete table " T "\n";

/* keepalived 2.2.7's rules (vrrp_nftables.c: nft_setup_ipv4/_ipv6 and their _vips parts), in one inet table
 * instead of an ip and an ip6 one. */
/* clang-format off */
static const char table_define[] =
        "table " T " {\n"
        "  set vips4 { type ipv4_addr; }\n"
        "  set vips6 { type ipv6_addr; }\n"
        "  set vips6_ll { type ipv6_addr . ifname; }\n"
        "  chain in {\n"
        "    type filter hook input priority -1; policy accept;\n"
        "    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept\n"
        "    ip6 daddr fe80::/10 goto in_link_local\n"
        "    ip daddr @vips4 drop\n"
        "    ip6 daddr @vips6 drop\n"
        "  }\n"
        "  chain in_link_local {\n"
        "    ip6 daddr . iifname @vips6_ll drop\n"
        "  }\n"
        "  chain out {\n"
        "    type filter hook output priority -1; policy accept;\n"
        "    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept\n"
        "    ip6 saddr fe80::/10 goto out_link_local\n"
        "    ip saddr @vips4 drop\n"
        "    ip6 saddr @vips6 drop\n"
        "  }\n"
        "  chain out_link_local {\n"
        "    ip6 saddr . oifname @vips6_ll drop\n"
        "  }\n"
        "}\n";
/* clang-format on */

int nft_accept_new(NftAccept **ret) {
        NftAccept *a;

        assert(ret);
        a = calloc(1, sizeof(NftAccept));
        if (!a)
                return -ENOMEM;
        *ret = a;
        return 0;
}

static void nft_accept_unload(NftAccept *a) {
        if (a->ctx)
                a->lib.ctx_free(a->ctx);
        a->ctx = NULL;
        nft_lib_close(&a->lib);
}

NftAccept *nft_accept_free(NftAccept *a) {
        if (!a)
                return NULL;
        nft_accept_unload(a);
        free(a);
        return NULL;
}

/* libnftables and a context with buffered output, at the first command. */
static int nft_accept_load(NftAccept *a, char **reterr_message) {
        int r;

        if (a->ctx)
                return 0;
        r = nft_lib_open(&a->lib, reterr_message);
        if (r < 0)
                return r;
        a->ctx = a->lib.ctx_new(NFT_CTX_DEFAULT);
        if (!a->ctx || a->lib.ctx_buffer_output(a->ctx) < 0 || a->lib.ctx_buffer_error(a->ctx) < 0) {
                nft_accept_unload(a);
                return -ENOMEM;
        }
        return 0;
}

/* Whether the table exists, asked of the kernel without libnftables (NFT_MSG_GETTABLE): 1 yes, 0 no, < 0
 * could not tell. */
static int nft_accept_table_present(void) {
        struct {
                struct nlmsghdr nh;
                struct nfgenmsg nfg;
                struct nlattr name_attr;
                char name[NLA_ALIGN(sizeof(NFT_ACCEPT_TABLE))];
        } req = {
                .nh = { .nlmsg_len = sizeof(req),
                        .nlmsg_type = NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_GETTABLE,
                        .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
                        .nlmsg_seq = 1 },
                .nfg = { .nfgen_family = NFPROTO_INET, .version = NFNETLINK_V0 },
                .name_attr = { .nla_len = NLA_HDRLEN + sizeof(NFT_ACCEPT_TABLE),
                               .nla_type = NFTA_TABLE_NAME },
                .name = NFT_ACCEPT_TABLE,
        };
        union {
                struct nlmsghdr nh;
                uint8_t bytes[4096];
        } buf;
        _cleanup_close_ int fd = -EBADF;
        bool present = false;

        fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
        if (fd < 0)
                return -errno;
        if (send(fd, &req, sizeof(req), 0) < 0)
                return -errno;
        for (;;) {
                /* the kernel answers within send(): the table, if any, then the ack */
                ssize_t n = recv(fd, &buf, sizeof(buf), MSG_DONTWAIT);

                if (n < 0)
                        return -errno;
                for (const struct nlmsghdr *h = &buf.nh; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
                        struct nlmsgerr e;

                        if (h->nlmsg_type == (NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_NEWTABLE))
                                present = true;
                        if (h->nlmsg_type != NLMSG_ERROR)
                                continue;
                        if (h->nlmsg_len < NLMSG_LENGTH(sizeof(e)))
                                return -EBADMSG;
                        memcpy(&e, NLMSG_DATA(h), sizeof(e));
                        return e.error == -ENOENT ? 0 : e.error < 0 ? e.error : present;
                }
        }
}

/* nft reports strerror() text, not numbers: find the errno back in it. */
static int nft_accept_errno(const char *msg) {
        static const int known[] = {
                EPERM,        ENOENT, EEXIST, ENOMEM,   EINVAL,  EOPNOTSUPP, EPROTONOSUPPORT,
                EAFNOSUPPORT, EBUSY,  ENOSPC, EMSGSIZE, ENOBUFS, ENODEV,
        };

        for (size_t i = 0; i < ELEMENTSOF(known); i++)
                if (strstr(msg, strerror(known[i])))
                        return -known[i];
        return -EIO;
}

/* nft's error text is "Error: what\nthe command\n   ^^^^": keep the first two lines, on one. */
static char *nft_accept_message(const char *err) {
        const char *nl = strchr(err, '\n');
        const char *cmd = nl ? nl + 1 : "";
        size_t cmd_len = strcspn(cmd, "\n");
        char *m = NULL;

        if (!nl)
                return strdup(err[0] ? err : "nft failed without a message");
        if (asprintf(&m, "%.*s (in '%.*s')", (int) (nl - err), err, (int) cmd_len, cmd) < 0)
                return NULL;
        return m;
}

static int nft_accept_run(NftAccept *a, const char *cmd, char **reterr_message) {
        const char *err;
        int r;

        r = nft_accept_load(a, reterr_message);
        if (r < 0)
                return r;
        r = a->lib.run_cmd_from_buffer(a->ctx, cmd);
        (void) a->lib.ctx_get_output_buffer(a->ctx); /* rewinds the buffer; we print nothing */
        err = a->lib.ctx_get_error_buffer(a->ctx);   /* rewinds it too */
        if (r == 0)
                return 0;
        err = err ?: "";
        if (reterr_message)
                *reterr_message = nft_accept_message(err);
        return nft_accept_errno(err);
}

static void fclose_memp(FILE **f) {
        if (*f)
                fclose(*f);
}

static bool ifname_ok(const char *s) {
        size_t n = strnlen(s, IFNAMSIZ);

        if (n == 0 || n >= IFNAMSIZ)
                return false;
        for (size_t i = 0; i < n; i++)
                if (s[i] == '"' || s[i] == '\\' || (unsigned char) s[i] <= ' ' || s[i] == 0x7f)
                        return false;
        return true;
}

static int nft_accept_set_of(const NftAcceptAddr *x) {
        if (x->family == AF_INET)
                return 0;
        if (x->family != AF_INET6)
                return -EAFNOSUPPORT;
        return IN6_IS_ADDR_LINKLOCAL(&x->addr.in6) ? 2 : 1;
}

/* Writes "VERB element T SET { a, b, … }" for each set that has addresses. */
static int nft_accept_write_elements(FILE *f, const char *verb, const NftAcceptAddr *addrs, size_t n) {
        static const char *const sets[] = { "vips4", "vips6", "vips6_ll" };

        for (int s = 0; s < 3; s++) {
                bool first = true;

                for (size_t i = 0; i < n; i++) {
                        char text[INET6_ADDRSTRLEN];

                        if (nft_accept_set_of(&addrs[i]) != s)
                                continue;
                        if (!inet_ntop(addrs[i].family, &addrs[i].addr, text, sizeof(text)))
                                return -EINVAL;
                        if (first)
                                fprintf(f, "%s element " T " %s { ", verb, sets[s]);
                        else
                                fputs(", ", f);
                        fputs(text, f);
                        if (s == 2)
                                fprintf(f, " . \"%s\"", addrs[i].ifname);
                        first = false;
                }
                if (!first)
                        fputs(" }\n", f);
        }
        return 0;
}

static int nft_accept_check(const NftAcceptAddr *addrs, size_t n) {
        for (size_t i = 0; i < n; i++) {
                int s = nft_accept_set_of(&addrs[i]);

                if (s < 0)
                        return s;
                if (s == 2 && !ifname_ok(addrs[i].ifname))
                        return -EINVAL;
        }
        return 0;
}

/* The transaction's text: the table first unless ready, then add (or add and delete, which makes a delete of
 * an absent element succeed: nft 1.0.6 has no "destroy"). */
static int nft_accept_write_command(FILE *f, bool ready, bool add, const NftAcceptAddr *addrs, size_t n) {
        int r;

        if (!ready)
                fprintf(f, "%s%s", table_delete, table_define);
        r = nft_accept_write_elements(f, "add", addrs, n);
        if (r < 0)
                return r;
        if (!add) {
                r = nft_accept_write_elements(f, "delete", addrs, n);
                if (r < 0)
                        return r;
        }
        if (fflush(f) != 0 || ferror(f))
                return -ENOMEM;
        return 0;
}

/* One transaction: build the table first if need be, then add or remove. */
static int nft_accept_elements(NftAccept *a, bool add, const NftAcceptAddr *addrs, size_t n,
                               char **reterr_message) {
        _cleanup_free_ char *cmd = NULL;
        size_t size = 0;
        int r;

        assert(a);
        assert(addrs || n == 0);
        r = nft_accept_check(addrs, n);
        if (r < 0)
                return r;
        if (n == 0 || (!add && !a->ready))
                return 0; /* nothing asked, or nothing to remove from a table not built yet */
        {
                /* closed before cmd is used: fclose() may move the buffer */
                _cleanup_(fclose_memp) FILE *f = open_memstream(&cmd, &size);

                if (!f)
                        return -ENOMEM;
                r = nft_accept_write_command(f, a->ready, add, addrs, n);
                if (r < 0)
                        return r;
        }
        r = nft_accept_run(a, cmd, reterr_message);
        if (r < 0)
                return r;
        a->ready = true;
        return 0;
}

int nft_accept_add(NftAccept *a, const NftAcceptAddr *addrs, size_t n, char **reterr_message) {
        return nft_accept_elements(a, true, addrs, n, reterr_message);
}

int nft_accept_remove(NftAccept *a, const NftAcceptAddr *addrs, size_t n, char **reterr_message) {
        return nft_accept_elements(a, false, addrs, n, reterr_message);
}

int nft_accept_close(NftAccept *a, char **reterr_message) {
        int r;

        assert(a);
        if (!a->ctx && nft_accept_table_present() == 0)
                return 0; /* nothing to delete, and libnftables stays unloaded: the usual case at startup */
        r = nft_accept_run(a, table_delete, reterr_message);
        if (r < 0)
                return r;
        a->ready = false;
        return 0;
}

int nft_accept_lost(NftAccept *a) {
        int r;

        assert(a);
        if (!a->ready)
                return 0;
        r = nft_accept_table_present();
        if (r != 0)
                return r < 0 ? r : 0;
        a->ready = false; /* the next add builds it again */
        return 1;
}
