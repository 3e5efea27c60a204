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

/* Sends msgs[k].packet (whole IP packets of family) to the Ethernet address mac, batched with sendmmsg, on
 * ifindex or, where msgs[k].ifindex is set, on that interface (a use_vmac macvlan of ifindex: the frame then
 * carries the macvlan's MAC as its source).
 * A frame the interface's queue refuses (ENOBUFS) is skipped and counted in its msgs[k].dropped, where the IP
 * layer would drop it silently; the others go on. *ret_sent counts the frames sent, also on failure;
 * -EAGAIN: the socket's buffer is full. */
int sock_frame_send(int fd, int family, int ifindex, const uint8_t mac[6], const SockVrrpSend *msgs, size_t n,
                    size_t *ret_sent);

/* Receiving whole VRRP packets of family on ifindex, below the IP layer: a use_vmac macvlan gets the other
 * routers' adverts (they come from the same virtual MAC, which the macvlan driver hands to the macvlan
 * alone, not to its parent), and a packet socket reads them there without the multicast membership whose
 * IGMP / MLD reports would leave a backup with the virtual MAC as their source. Our own outgoing frames are
 * skipped, and with from set, every frame whose source MAC is another (those reach the parent as well).
 * sock_frame_recv() fills batch as sock_vrrp_recv() does and returns how many frames it read. */
int sock_frame_open_rx(int family, int ifindex, size_t rcvbuf, int *ret_fd);
int sock_frame_recv(int fd, int family, const uint8_t from[6], SockVrrpBatch *batch);
