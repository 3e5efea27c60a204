#include <assert.h>
#include <errno.h>
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
        /* Frames in the interface's queue count against the socket: a tick's burst must fit. SNDBUFFORCE
         * passes net.core.wmem_max with CAP_NET_ADMIN; else take what we get. */
        if (sndbuf > 0 && setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &(int){ (int) sndbuf }, sizeof(int)) < 0)
                (void) setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &(int){ (int) sndbuf }, sizeof(int));
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
                        iov[i] = (struct iovec){ .iov_base = (void *) msgs[done + i].packet,
                                                 .iov_len = msgs[done + i].packet_len };
                        mm[i] = (struct mmsghdr){ .msg_hdr = { .msg_name = &sll, .msg_namelen = sizeof(sll),
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
