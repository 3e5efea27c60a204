#include <assert.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <string.h>
#include <sys/socket.h>

#include "os/sock-vrrp.h"
#include "util/cleanup.h"

/* Raw VRRP sockets, one per (interface, family). Non-logging: callers decide what a failure means. TTL and
 * destination checks need the IP layer, so they live here and are handed to the core as plain values. */

static int setsockopt_int(int fd, int level, int name, int value) {
        return setsockopt(fd, level, name, &value, sizeof(value)) < 0 ? -errno : 0;
}

typedef struct SockVrrpOption {
        int level;
        int name;
        int value;
} SockVrrpOption;

/* Sets the options in order; the first that fails ends it, with its errno. */
static int sock_vrrp_set_options(int fd, const SockVrrpOption *opts, size_t n) {
        for (size_t i = 0; i < n; i++) {
                int r = setsockopt_int(fd, opts[i].level, opts[i].name, opts[i].value);

                if (r < 0)
                        return r;
        }
        return 0;
}

static int sock_vrrp_setup_v4(int fd, int ifindex) {
        /* RFC 9568 §5.1.1.3: adverts go out with TTL 255, and receivers drop anything else. DSCP CS6,
         * network control, as keepalived marks adverts: they win under congestion. */
        const SockVrrpOption opts[] = {
                { IPPROTO_IP, IP_MULTICAST_TTL, 255 },      { IPPROTO_IP, IP_TTL, 255 },
                { IPPROTO_IP, IP_MULTICAST_LOOP, 0 },       { IPPROTO_IP, IP_PKTINFO, 1 },
                { IPPROTO_IP, IP_TOS, SOCK_VRRP_DSCP_CS6 },
        };
        struct ip_mreqn mreq = { .imr_ifindex = ifindex };
        int r;

        r = sock_vrrp_set_options(fd, opts, ELEMENTSOF(opts));
        if (r < 0)
                return r;
        if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mreq, sizeof(mreq)) < 0)
                return -errno;
        return 0;
}

static int sock_vrrp_setup_v6(int fd, int ifindex) {
        /* The codec computes and verifies the checksum itself: a kernel check would drop bad packets
         * silently, and they must be counted. */
        const SockVrrpOption opts[] = {
                { IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 255 },
                { IPPROTO_IPV6, IPV6_UNICAST_HOPS, 255 },
                { IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0 },
                { IPPROTO_IPV6, IPV6_MULTICAST_IF, ifindex },
                { IPPROTO_IPV6, IPV6_RECVPKTINFO, 1 },
                { IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1 },
                { IPPROTO_IPV6, IPV6_TCLASS, SOCK_VRRP_DSCP_CS6 },
        };

        return sock_vrrp_set_options(fd, opts, ELEMENTSOF(opts));
}

void sock_vrrp_set_buffer(int fd, bool send, size_t size) {
        if (size == 0)
                return;
        /* The FORCE options pass net.core.[rw]mem_max when we have CAP_NET_ADMIN; else take what we get. */
        if (setsockopt_int(fd, SOL_SOCKET, send ? SO_SNDBUFFORCE : SO_RCVBUFFORCE, (int) size) < 0)
                (void) setsockopt_int(fd, SOL_SOCKET, send ? SO_SNDBUF : SO_RCVBUF, (int) size);
}

int sock_vrrp_open(int family, int ifindex, size_t rcvbuf, int *ret_fd) {
        _cleanup_close_ int fd = -EBADF;
        int r;

        assert(ret_fd);
        if ((family != AF_INET && family != AF_INET6) || ifindex < 0)
                return -EINVAL;
        fd = socket(family, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, VRRP_IPPROTO);
        if (fd < 0)
                return -errno;
        r = ifindex > 0 ? setsockopt_int(fd, SOL_SOCKET, SO_BINDTOIFINDEX, ifindex) : 0;
        if (r < 0)
                return r;
        sock_vrrp_set_buffer(fd, false, rcvbuf);
        r = family == AF_INET ? sock_vrrp_setup_v4(fd, ifindex) : sock_vrrp_setup_v6(fd, ifindex);
        if (r < 0)
                return r;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

static int sock_vrrp_membership(int fd, int family, int ifindex, const VrrpAddr *group, bool join) {
        assert(family == AF_INET || family == AF_INET6);
        assert(group);
        if (family == AF_INET) {
                struct ip_mreqn mreq = { .imr_multiaddr = group->in, .imr_ifindex = ifindex };

                return setsockopt(fd, IPPROTO_IP, join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP, &mreq,
                                  sizeof(mreq)) < 0 ? -errno : 0;
        }
        struct ipv6_mreq mreq6 = { .ipv6mr_multiaddr = group->in6, .ipv6mr_interface = ifindex };

        return setsockopt(fd, IPPROTO_IPV6, join ? IPV6_ADD_MEMBERSHIP : IPV6_DROP_MEMBERSHIP, &mreq6,
                          sizeof(mreq6)) < 0 ? -errno : 0;
}

int sock_vrrp_join(int fd, int family, int ifindex, const VrrpAddr *group) {
        return sock_vrrp_membership(fd, family, ifindex, group, true);
}

int sock_vrrp_leave(int fd, int family, int ifindex, const VrrpAddr *group) {
        return sock_vrrp_membership(fd, family, ifindex, group, false);
}

/* keepalived's unicast_ttl: unicast adverts may cross routers, so their TTL is configurable. */
int sock_vrrp_set_unicast_ttl(int fd, int family, int ttl) {
        assert(family == AF_INET || family == AF_INET6);
        if (ttl < 1 || ttl > 255)
                return -EINVAL;
        if (family == AF_INET)
                return setsockopt_int(fd, IPPROTO_IP, IP_TTL, ttl);
        return setsockopt_int(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, ttl);
}

/* IPv4 raw sockets hand us the IP header: TTL, source and destination come from it; the receive length (not
 * the header's total length, whose byte order raw sockets have varied on) bounds the payload. */
int sock_vrrp_parse_v4(const uint8_t *buf, size_t len, SockVrrpPacket *p) {
        size_t ihl;

        if (len < 20 || buf[0] >> 4 != 4)
                return -EBADMSG;
        ihl = (size_t) (buf[0] & 0x0f) * 4;
        if (ihl < 20 || ihl > len)
                return -EBADMSG;
        p->ttl = buf[8];
        memcpy(&p->src.in, buf + 12, sizeof(struct in_addr));
        memcpy(&p->dst.in, buf + 16, sizeof(struct in_addr));
        p->payload = buf + ihl;
        p->len = len - ihl;
        return 0;
}

/* A whole IPv6 packet as a packet socket hands it over: VRRP directly after the fixed header (RFC 9568 adverts
 * carry no extension header), its payload length bounding the advert. */
int sock_vrrp_parse_v6(const uint8_t *buf, size_t len, SockVrrpPacket *p) {
        size_t plen;

        assert(buf || len == 0);
        assert(p);

        if (len < 40 || buf[0] >> 4 != 6 || buf[6] != VRRP_IPPROTO)
                return -EBADMSG;
        plen = (size_t) buf[4] << 8 | buf[5];
        if (plen > len - 40)
                return -EBADMSG;
        p->ttl = buf[7];
        memcpy(&p->src.in6, buf + 8, sizeof(struct in6_addr));
        memcpy(&p->dst.in6, buf + 24, sizeof(struct in6_addr));
        p->payload = buf + 40;
        p->len = plen;
        return 0;
}

static void sock_vrrp_read_cmsgs(struct msghdr *mh, int family, SockVrrpPacket *p) {
        for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
                if (family == AF_INET && c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
                        struct in_pktinfo pi;

                        memcpy(&pi, CMSG_DATA(c), sizeof(pi));
                        p->ifindex = pi.ipi_ifindex;
                } else if (family == AF_INET6 && c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
                        struct in6_pktinfo pi;

                        memcpy(&pi, CMSG_DATA(c), sizeof(pi));
                        p->ifindex = (int) pi.ipi6_ifindex;
                        p->dst.in6 = pi.ipi6_addr;
                } else if (family == AF_INET6 && c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT)
                        memcpy(&p->ttl, CMSG_DATA(c), sizeof(int));
        }
}

int sock_vrrp_batch_read(int fd, SockVrrpBatch *batch, void *names, size_t name_size, bool control,
                         struct mmsghdr *msgs) {
        struct iovec iov[SOCK_VRRP_BATCH];
        int n;

        assert(batch);
        assert(names);
        assert(msgs);

        for (size_t i = 0; i < SOCK_VRRP_BATCH; i++) {
                iov[i] = (struct iovec){ .iov_base = batch->buf[i], .iov_len = SOCK_VRRP_MTU };
                msgs[i] = (struct mmsghdr){ .msg_hdr = {
                        .msg_name = (uint8_t *) names + i * name_size, .msg_namelen = (socklen_t) name_size,
                        .msg_iov = &iov[i], .msg_iovlen = 1,
                        .msg_control = control ? batch->control[i] : NULL,
                        .msg_controllen = control ? sizeof(batch->control[i]) : 0,
                } };
        }
        batch->n_packets = batch->n_malformed = 0;
        n = recvmmsg(fd, msgs, SOCK_VRRP_BATCH, MSG_DONTWAIT, NULL);
        if (n < 0)
                return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -errno;
        return n;
}

/* Drains up to SOCK_VRRP_BATCH datagrams with one recvmmsg. Returns the number read (0: nothing pending). */
int sock_vrrp_recv(int fd, int family, SockVrrpBatch *batch) {
        struct sockaddr_in6 names[SOCK_VRRP_BATCH];
        struct mmsghdr msgs[SOCK_VRRP_BATCH];
        int n;

        assert(family == AF_INET || family == AF_INET6);
        assert(batch);

        n = sock_vrrp_batch_read(fd, batch, names, sizeof(names[0]), true, msgs);
        if (n <= 0)
                return n;
        for (int i = 0; i < n; i++) {
                SockVrrpPacket *p = &batch->packets[batch->n_packets];
                size_t len = msgs[i].msg_len;

                *p = (SockVrrpPacket){ .ttl = -1 };
                if (family == AF_INET) {
                        if (sock_vrrp_parse_v4(batch->buf[i], len, p) < 0) {
                                batch->n_malformed++;
                                continue;
                        }
                } else {
                        p->src.in6 = names[i].sin6_addr;
                        p->payload = batch->buf[i];
                        p->len = len;
                }
                sock_vrrp_read_cmsgs(&msgs[i].msg_hdr, family, p);
                batch->n_packets++;
        }
        return n;
}

typedef union SockVrrpControl {
        struct cmsghdr align;
        uint8_t buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
} SockVrrpControl;

static void sock_vrrp_prepare(int family, int ifindex, const SockVrrpSend *s, struct sockaddr_in6 *name,
                              SockVrrpControl *control, struct iovec *iov, struct msghdr *mh) {
        struct cmsghdr *c;

        *iov = (struct iovec){ .iov_base = (void *) s->payload, .iov_len = s->len };
        *mh = (struct msghdr){ .msg_name = name, .msg_iov = iov, .msg_iovlen = 1,
                               .msg_control = control->buf, .msg_controllen = sizeof(control->buf) };
        memset(control, 0, sizeof(*control));
        c = CMSG_FIRSTHDR(mh);
        if (family == AF_INET) {
                struct sockaddr_in *sin = (struct sockaddr_in *) name;
                struct in_pktinfo pi = { .ipi_ifindex = ifindex, .ipi_spec_dst = s->src.in };

                *sin = (struct sockaddr_in){ .sin_family = AF_INET, .sin_addr = s->dst.in };
                mh->msg_namelen = sizeof(*sin);
                *c = (struct cmsghdr){ .cmsg_level = IPPROTO_IP, .cmsg_type = IP_PKTINFO,
                                       .cmsg_len = CMSG_LEN(sizeof(pi)) };
                memcpy(CMSG_DATA(c), &pi, sizeof(pi));
                mh->msg_controllen = CMSG_SPACE(sizeof(pi));
        } else {
                struct in6_pktinfo pi = { .ipi6_addr = s->src.in6, .ipi6_ifindex = (unsigned) ifindex };

                *name = (struct sockaddr_in6){ .sin6_family = AF_INET6, .sin6_addr = s->dst.in6,
                                               .sin6_scope_id = (uint32_t) ifindex };
                mh->msg_namelen = sizeof(*name);
                *c = (struct cmsghdr){ .cmsg_level = IPPROTO_IPV6, .cmsg_type = IPV6_PKTINFO,
                                       .cmsg_len = CMSG_LEN(sizeof(pi)) };
                memcpy(CMSG_DATA(c), &pi, sizeof(pi));
                mh->msg_controllen = CMSG_SPACE(sizeof(pi));
        }
}

/* Sends a tick's adverts on one socket with one sendmmsg per SOCK_VRRP_BATCH (DESIGN §1: wakeups are the
 * cost). *ret_sent says how many went out; on an error the rest did not. */
int sock_vrrp_send(int fd, int family, int ifindex, const SockVrrpSend *msgs, size_t n, size_t *ret_sent) {
        struct sockaddr_in6 names[SOCK_VRRP_BATCH];
        SockVrrpControl control[SOCK_VRRP_BATCH];
        struct mmsghdr mm[SOCK_VRRP_BATCH];
        struct iovec iov[SOCK_VRRP_BATCH];
        size_t sent = 0;

        assert(family == AF_INET || family == AF_INET6);
        assert(msgs || n == 0);
        assert(ret_sent);
        while (sent < n) {
                size_t k = n - sent < SOCK_VRRP_BATCH ? n - sent : SOCK_VRRP_BATCH;
                int r;

                for (size_t i = 0; i < k; i++) {
                        sock_vrrp_prepare(family, ifindex, &msgs[sent + i], &names[i], &control[i], &iov[i],
                                          &mm[i].msg_hdr);
                        mm[i].msg_len = 0;
                }
                r = sendmmsg(fd, mm, (unsigned) k, MSG_DONTWAIT);
                if (r <= 0) {
                        *ret_sent = sent;
                        return r < 0 ? -errno : -EAGAIN;
                }
                sent += (size_t) r;
        }
        *ret_sent = sent;
        return 0;
}
