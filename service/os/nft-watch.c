#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "os/nft-accept.h"
#include "os/nft-watch.h"
#include "util/cleanup.h"

int nft_watch_open(int *ret_fd) {
        _cleanup_close_ int fd = -EBADF;
        const struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
        const int group = NFNLGRP_NFTABLES;

        assert(ret_fd);
        fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_NETFILTER);
        if (fd < 0)
                return -errno;
        if (bind(fd, (const struct sockaddr *) &sa, sizeof(sa)) < 0) /* unbound, it would hear nothing */
                return -errno;
        if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)) < 0)
                return -errno;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

/* NFT_MSG_DELTABLE for inet NFT_ACCEPT_TABLE? */
static bool nft_watch_is_ours(const struct nlmsghdr *h) {
        const size_t hdr = NLMSG_LENGTH(sizeof(struct nfgenmsg));
        struct nfgenmsg nfg;

        if (h->nlmsg_type != (NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_DELTABLE) || h->nlmsg_len < hdr)
                return false;
        memcpy(&nfg, NLMSG_DATA(h), sizeof(nfg));
        if (nfg.nfgen_family != NFPROTO_INET)
                return false;
        for (size_t off = NLMSG_ALIGN(hdr); off + NLA_HDRLEN <= h->nlmsg_len;) {
                struct nlattr a;

                memcpy(&a, (const uint8_t *) h + off, sizeof(a));
                if (a.nla_len < NLA_HDRLEN || off + a.nla_len > h->nlmsg_len)
                        return false;
                if ((a.nla_type & NLA_TYPE_MASK) == NFTA_TABLE_NAME)
                        return (size_t) a.nla_len - NLA_HDRLEN >= sizeof(NFT_ACCEPT_TABLE) &&
                               memcmp((const uint8_t *) h + off + NLA_HDRLEN, NFT_ACCEPT_TABLE,
                                      sizeof(NFT_ACCEPT_TABLE)) == 0;
                off += NLA_ALIGN(a.nla_len);
        }
        return false;
}

int nft_watch_read(int fd) {
        union {
                struct nlmsghdr nh;
                uint8_t bytes[16384];
        } buf;
        bool ours = false;

        /* bounded: a program changing its rules all the time gets the loop back every 64 datagrams (the fd
         * stays readable, and the rest is read at the next iteration) */
        for (unsigned k = 0; k < 64; k++) {
                ssize_t n = recv(fd, &buf, sizeof(buf), 0);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && errno == EAGAIN)
                        return ours;
                if (n < 0 && errno == ENOBUFS)
                        ours = true; /* the kernel dropped messages: one of them may have been it */
                else if (n < 0)
                        return -errno;
                for (const struct nlmsghdr *h = &buf.nh; n > 0 && NLMSG_OK(h, n); h = NLMSG_NEXT(h, n))
                        ours = ours || nft_watch_is_ours(h);
        }
        return ours;
}
