#pragma once

#include <stddef.h>
#include <stdint.h>

#include "os/sock-vrrp.h"

/* Multicast adverts written whole, IP header included, on a send-only AF_PACKET datagram socket per
 * interface: the kernel adds the Ethernet header (the interface's own MAC as the source, so a MAC change
 * needs nothing from us) and queues the frame on the interface. No route lookup, no IP output path: on a
 * busy master these were most of the cost of an advert (DESIGN §1). Like keepalived's GARPs, such frames
 * pass no netfilter OUTPUT hook. Unicast adverts, which need a neighbour lookup, stay on the raw IP socket,
 * and so does everything on an interface that is not Ethernet. Non-logging. */

/* -EOPNOTSUPP: ifindex is not an Ethernet interface. sndbuf: room for a tick's burst (0: the default). */
int sock_frame_open(int ifindex, size_t sndbuf, int *ret_fd);

/* Sends msgs[k].packet (whole IP packets of family) to the Ethernet address mac, batched with sendmmsg.
 * A frame the interface's queue refuses (ENOBUFS) is skipped and counted in its msgs[k].dropped, where the IP
 * layer would drop it silently; the others go on. *ret_sent counts the frames sent, also on failure;
 * -EAGAIN: the socket's buffer is full. */
int sock_frame_send(int fd, int family, int ifindex, const uint8_t mac[6], const SockVrrpSend *msgs, size_t n,
                    size_t *ret_sent);
