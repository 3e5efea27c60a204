#include <assert.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "os/sock-frame.h"
#include "util/cleanup.h"

static int sock_frame_is_ethernet(int fd, int ifindex) {
        struct ifreq ifr = { .ifr_ifindex = ifindex };

        if (ioctl(fd, SIOCGIFNAME, &ifr) < 0)
                return -errno;
        if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
                return -errno;
        return ifr.ifr_hwaddr.sa_family == ARPHRD_ETHER ? 0 : -EOPNOTSUPP;
}

int sock_frame_open(int ifindex, size_t sndbuf, int *ret_fd) {
        struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = 0, .sll_ifindex = ifindex };
        _cleanup_close_ int fd = -EBADF;
        int r;

        assert(ret_fd);
        if (ifindex <= 0)
                return -EINVAL;
        /* Protocol 0: the socket hooks into no receive path, so nothing queues up on a socket never read. */
        fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return -errno;
        r = sock_frame_is_ethernet(fd, ifindex);
        if (r < 0)
                return r;
        if (bind(fd, (const struct sockaddr *) &sll, sizeof(sll)) < 0)
                return -errno;
        /* Frames in the interface's queue count against the socket: a tick's burst must fit. */
        sock_vrrp_set_buffer(fd, true, sndbuf);
        *ret_fd = TAKE_FD(fd);
        return 0;
}

int sock_frame_send(int fd, int family, int ifindex, const uint8_t mac[6], const SockVrrpSend *msgs, size_t n,
                    size_t *ret_sent) {
        struct sockaddr_ll sll = {
                .sll_family = AF_PACKET,
                .sll_protocol = htons(family == AF_INET ? ETHERTYPE_IP : ETHERTYPE_IPV6),
                .sll_ifindex = ifindex,
                .sll_halen = ETH_ALEN,
        };
        struct sockaddr_ll to[SOCK_VRRP_BATCH];
        struct mmsghdr mm[SOCK_VRRP_BATCH];
        struct iovec iov[SOCK_VRRP_BATCH];
        size_t done = 0;

        assert(family == AF_INET || family == AF_INET6);
        assert(mac);
        assert(msgs || n == 0);
        assert(ret_sent);
        *ret_sent = 0;
        memcpy(sll.sll_addr, mac, ETH_ALEN);
        while (done < n) {
                size_t k = n - done < SOCK_VRRP_BATCH ? n - done : SOCK_VRRP_BATCH;
                int m;

                for (size_t i = 0; i < k; i++) {
                        /* the kernel takes the source MAC from the interface named here: a macvlan's for
                         * use_vmac, though the socket is bound to its parent */
                        to[i] = sll;
                        if (msgs[done + i].ifindex > 0)
                                to[i].sll_ifindex = msgs[done + i].ifindex;
                        iov[i] = (struct iovec){ .iov_base = (void *) msgs[done + i].packet,
                                                 .iov_len = msgs[done + i].packet_len };
                        mm[i] = (struct mmsghdr){ .msg_hdr = { .msg_name = &to[i], .msg_namelen = sizeof(sll),
                                                               .msg_iov = &iov[i], .msg_iovlen = 1 } };
                }
                m = sendmmsg(fd, mm, (unsigned) k, MSG_DONTWAIT);
                if (m < 0 && errno == ENOBUFS) {
                        /* the queue refused this one: the next may fit, as through the IP layer */
                        if (msgs[done].dropped)
                                (*msgs[done].dropped)++;
                        done++;
                        continue;
                }
                if (m < 0)
                        return -errno;
                if (m == 0)
                        return -EAGAIN;
                done += (size_t) m;
                *ret_sent += (size_t) m;
        }
        return 0;
}

/* VRRP only, in the kernel: the protocol byte of the IPv4 header (offset 9) or the next header of the IPv6
 * one (offset 6); a datagram packet socket's filter sees the packet from its network header. */
static int sock_frame_filter(int fd, int family) {
        struct sock_filter code[] = {
                BPF_STMT(BPF_LD | BPF_B | BPF_ABS, family == AF_INET ? 9 : 6),
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, VRRP_IPPROTO, 0, 1),
                BPF_STMT(BPF_RET | BPF_K, 0xffff),
                BPF_STMT(BPF_RET | BPF_K, 0),
        };
        struct sock_fprog prog = { .len = ELEMENTSOF(code), .filter = code };

        return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0 ? -errno : 0;
}

int sock_frame_open_rx(int family, int ifindex, size_t rcvbuf, int *ret_fd) {
        struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_ifindex = ifindex,
                                   .sll_protocol = htons(family == AF_INET ? ETHERTYPE_IP : ETHERTYPE_IPV6) };
        _cleanup_close_ int fd = -EBADF;
        int r;

        assert(family == AF_INET || family == AF_INET6);
        assert(ret_fd);

        if (ifindex <= 0)
                return -EINVAL;
        /* protocol 0 until the filter is on, so that nothing unfiltered queues up before it */
        fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return -errno;
        r = sock_frame_filter(fd, family);
        if (r < 0)
                return r;
        /* our own adverts leave through this interface: not ours to read */
        (void) setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &(int){ 1 }, sizeof(int));
        sock_vrrp_set_buffer(fd, false, rcvbuf);
        if (bind(fd, (const struct sockaddr *) &sll, sizeof(sll)) < 0)
                return -errno;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

int sock_frame_recv(int fd, int family, const uint8_t from[6], SockVrrpBatch *batch) {
        struct sockaddr_ll names[SOCK_VRRP_BATCH];
        struct mmsghdr msgs[SOCK_VRRP_BATCH];
        int n;

        assert(family == AF_INET || family == AF_INET6);
        assert(batch);

        n = sock_vrrp_batch_read(fd, batch, names, sizeof(names[0]), false, msgs);
        if (n <= 0)
                return n;
        for (int i = 0; i < n; i++) {
                SockVrrpPacket *p = &batch->packets[batch->n_packets];
                size_t len = msgs[i].msg_len;
                int r;

                if (names[i].sll_pkttype == PACKET_OUTGOING)
                        continue; /* where PACKET_IGNORE_OUTGOING is not known */
                if (from && (names[i].sll_halen != ETH_ALEN || memcmp(names[i].sll_addr, from, ETH_ALEN) != 0))
                        continue;
                *p = (SockVrrpPacket){ .ttl = -1, .ifindex = names[i].sll_ifindex };
                r = family == AF_INET ? sock_vrrp_parse_v4(batch->buf[i], len, p)
                                      : sock_vrrp_parse_v6(batch->buf[i], len, p);
                if (r < 0) {
                        batch->n_malformed++;
                        continue;
                }
                batch->n_packets++;
        }
        return n;
}
