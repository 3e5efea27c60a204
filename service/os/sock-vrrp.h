#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "core/vrrp-addr.h"
#include "core/vrrp-packet.h" /* VRRP_IPPROTO */

#define SOCK_VRRP_BATCH 64    /* datagrams per recvmmsg/sendmmsg call */
#define SOCK_VRRP_MTU 1500
#define SOCK_VRRP_DSCP_CS6 0xc0 /* TOS / traffic class byte */

/* One received VRRP datagram: the VRRP payload (the IPv4 header already stripped) and what the IP layer said. */
typedef struct SockVrrpPacket {
        VrrpAddr src;
        VrrpAddr dst;
        int ttl;              /* IPv4 TTL or IPv6 hop limit; -1 when the kernel did not say */
        int ifindex;
        const uint8_t *payload;
        size_t len;
} SockVrrpPacket;

/* Receive buffers for one batch; lives in the socket's owner, never on a hot path's stack. */
typedef struct SockVrrpBatch {
        uint8_t buf[SOCK_VRRP_BATCH][SOCK_VRRP_MTU];
        uint8_t control[SOCK_VRRP_BATCH][128];
        SockVrrpPacket packets[SOCK_VRRP_BATCH];
        size_t n_packets;
        size_t n_malformed; /* datagrams too short for their IP header: counted, not returned */
} SockVrrpBatch;

/* One advert to send: payload already encoded (checksum included) by the core's codec. A multicast advert
 * also comes as a whole IP packet (packet: its header, then the payload) for sock-frame.h's sender. */
typedef struct SockVrrpSend {
        VrrpAddr src;
        VrrpAddr dst;
        const uint8_t *payload;
        size_t len;
        const uint8_t *packet; /* NULL: through the IP layer only */
        size_t packet_len;
        uint64_t *dropped;     /* counts it if the interface refuses the packet (sock-frame.h), or NULL */
        int ifindex;           /* a whole packet leaves here (a use_vmac macvlan, for its MAC); 0: the socket's */
} SockVrrpSend;

/* The raw VRRP socket of an interface; ifindex 0: of none, receiving from every interface and sending where
 * the routes say (a unicast instance without interface). */
int sock_vrrp_open(int family, int ifindex, size_t rcvbuf, int *ret_fd);
/* A socket's send or receive buffer of size bytes (0: the default), past net.core.[rw]mem_max where vrrpd
 * may (CAP_NET_ADMIN), else as large as allowed. For every socket of sock-vrrp.c and sock-frame.c. */
void sock_vrrp_set_buffer(int fd, bool send, size_t size);
int sock_vrrp_join(int fd, int family, int ifindex, const VrrpAddr *group);
int sock_vrrp_leave(int fd, int family, int ifindex, const VrrpAddr *group);
int sock_vrrp_set_unicast_ttl(int fd, int family, int ttl);
int sock_vrrp_recv(int fd, int family, SockVrrpBatch *batch);
/* One recvmmsg into batch's buffers, the senders' addresses into names (SOCK_VRRP_BATCH of name_size bytes),
 * ancillary data into batch's control buffers when control is set; batch's counts start again. Returns how
 * many datagrams came (0: none pending), or -errno. For sock-frame.c's receive too. msgs keep their lengths
 * and control buffers for the caller; their iovecs are gone once it returns. */
int sock_vrrp_batch_read(int fd, SockVrrpBatch *batch, void *names, size_t name_size, bool control,
                         struct mmsghdr *msgs);
/* A whole IPv4 or IPv6 packet into p (payload pointing into buf): -EBADMSG when it is too short for its
 * header, or (IPv6) not VRRP right after it. */
int sock_vrrp_parse_v4(const uint8_t *buf, size_t len, SockVrrpPacket *p);
int sock_vrrp_parse_v6(const uint8_t *buf, size_t len, SockVrrpPacket *p);
int sock_vrrp_send(int fd, int family, int ifindex, const SockVrrpSend *msgs, size_t n, size_t *ret_sent);
