#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "conf/conf-model.h"
#include "endpoint.h"
#include "instance.h"
#include "manager.h"
#include "os/sock-frame.h"
#include "util/cleanup.h"
#include "util/log.h"

/* Enough receive buffer for a burst of every instance's advert at once (DESIGN §1): 255 VRIDs per socket of
 * up to ~1 KiB with kernel overhead each. */
#define ENDPOINT_RCVBUF (1024 * 1024)
#define ENDPOINT_BATCHES_PER_WAKEUP 16
/* Room for a burst of one advert per VRID queued on the interface at once, at ~1 KiB of kernel memory each. */
#define ENDPOINT_SNDBUF (512 * 1024)

static bool endpoint_dst_is_multicast(int family, const VrrpAddr *dst) {
        if (family == AF_INET)
                return (dst->bytes[0] & 0xf0) == 0xe0;
        return dst->bytes[0] == 0xff;
}

/* Whether p is for i, of the instances that share its VRID here (keepalived's check_vrid_conflicts() says
 * how they differ): multicast to i's group, or unicast from one of i's peers (to its source, if it names one). */
static bool endpoint_fits(const Instance *i, const SockVrrpPacket *p, bool multicast) {
        int family = i->params.fsm.family;

        if (i->multicast != multicast)
                return false;
        if (multicast)
                return vrrp_addr_cmp(family, &i->dsts[0], &p->dst) == 0;
        if (i->conf->has_unicast_src && vrrp_addr_cmp(family, &i->src, &p->dst) != 0)
                return false;
        for (size_t k = 0; k < i->n_dsts; k++)
                if (vrrp_addr_cmp(family, &i->dsts[k], &p->src) == 0)
                        return true;
        return false;
}

static Instance *endpoint_pick(const Endpoint *e, const SockVrrpPacket *p, bool multicast) {
        Instance *head = e->by_vrid[p->payload[1]];

        if (!head || !head->vrid_next)
                return head; /* alone with its VRID: its own checks judge the advert, and count a drop */
        for (Instance *i = head; i; i = i->vrid_next)
                if (endpoint_fits(i, p, multicast))
                        return i;
        return NULL;
}

/* Someone advertises a VRID nobody here runs: the Manager's ForeignRouters. */
static void endpoint_foreign(Endpoint *e, const SockVrrpPacket *p) {
        struct timespec ts;
        uint64_t now = 0;

        (void) sd_event_now(e->manager->event, CLOCK_MONOTONIC, &now);
        (void) clock_gettime(CLOCK_REALTIME, &ts);
        foreign_heard(&e->manager->foreign, e->ifindex, e->family, p->payload[1], &p->src, now,
                      (usec_t) ts.tv_sec * USEC_PER_SEC + (usec_t) ts.tv_nsec / 1000);
}

void endpoint_dispatch(Endpoint *e, const SockVrrpPacket *p) {
        bool multicast;
        Instance *i;

        assert(e);
        assert(p);

        /* The VRID sits at byte 1 of both versions; an advert too short to carry one counts at the socket. */
        multicast = endpoint_dst_is_multicast(e->family, &p->dst);
        i = p->len >= 2 ? endpoint_pick(e, p, multicast) : NULL;
        if (!i) {
                e->drops_no_instance++;
                if (p->len >= 2 && !e->by_vrid[p->payload[1]])
                        endpoint_foreign(e, p);
                if (log_get_max_level() >= LOG_DEBUG && p->len >= 2)
                        log_debug("ifindex %d: dropped an advert for VRID %u: no instance here", e->ifindex,
                                  p->payload[1]);
                return;
        }
        instance_receive(i, p, multicast);
}

static int endpoint_on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Endpoint *e = userdata;
        SockVrrpBatch *batch = e->manager->rx_batch; /* one for all sockets: the loop reads one at a time */

        for (unsigned b = 0; b < ENDPOINT_BATCHES_PER_WAKEUP; b++) {
                int n = sock_vrrp_recv(e->fd, e->family, batch);

                if (n < 0) {
                        log_warning_errno(n, "failed to receive on VRRP socket (ifindex %d), ignoring: %m",
                                          e->ifindex);
                        break;
                }
                e->drops_malformed += batch->n_malformed;
                for (size_t k = 0; k < batch->n_packets; k++)
                        endpoint_dispatch(e, &batch->packets[k]);
                if (n < SOCK_VRRP_BATCH)
                        return 0; /* drained: the loop's flush sends what the adverts made us queue */
        }
        /* Stopped at the batch limit with more waiting: a flood can keep the protocol sources pending, and
         * the flush (a post source below them) waiting with them; what is queued goes now. */
        manager_flush(e->manager);
        return 0;
}

int endpoint_new(Manager *m, int family, int ifindex, Endpoint **ret) {
        _cleanup_(endpoint_freep) Endpoint *e = NULL;
        int r;

        e = calloc(1, sizeof(*e));
        if (!e)
                return -ENOMEM;
        *e = (Endpoint){ .manager = m, .family = family, .ifindex = ifindex, .fd = -EBADF, .garp_fd = -EBADF,
                         .frame_fd = -EBADF };
        r = sock_vrrp_open(family, ifindex, ENDPOINT_RCVBUF, &e->fd);
        if (r < 0)
                return r;
        r = sd_event_add_io(m->event, &e->io, e->fd, EPOLLIN, endpoint_on_io, e);
        if (r < 0)
                return r;
        /* as the advert ticks (tick.c); not above them, or a flood of adverts would starve them */
        r = sd_event_source_set_priority(e->io, SD_EVENT_PRIORITY_IMPORTANT);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(e);
        return 0;
}

Endpoint *endpoint_free(Endpoint *e) {
        if (!e)
                return NULL;
        sd_event_source_disable_unref(e->io);
        if (e->fd >= 0)
                close(e->fd);
        if (e->garp_fd >= 0)
                close(e->garp_fd);
        if (e->frame_fd >= 0)
                close(e->frame_fd);
        free(e->pending);
        free(e->groups);
        free(e);
        return NULL;
}

static EndpointGroup *endpoint_group(Endpoint *e, const VrrpAddr *group) {
        for (size_t k = 0; k < e->n_groups; k++)
                if (vrrp_addr_cmp(e->family, &e->groups[k].addr, group) == 0)
                        return &e->groups[k];
        return NULL;
}

int endpoint_join(Endpoint *e, const VrrpAddr *group) {
        EndpointGroup *g, *a;
        int r;

        assert(e);
        assert(group);

        g = endpoint_group(e, group);
        if (g) {
                g->n++;
                return 0;
        }
        a = reallocarray(e->groups, e->n_groups + 1, sizeof(*a));
        if (!a)
                return -ENOMEM;
        e->groups = a;
        r = sock_vrrp_join(e->fd, e->family, e->ifindex, group);
        if (r < 0)
                return r;
        e->groups[e->n_groups++] = (EndpointGroup){ .addr = *group, .n = 1 };
        return 0;
}

void endpoint_leave(Endpoint *e, const VrrpAddr *group) {
        EndpointGroup *g;

        assert(e);
        assert(group);

        g = endpoint_group(e, group);
        assert(g && g->n > 0);
        if (--g->n > 0)
                return;
        (void) sock_vrrp_leave(e->fd, e->family, e->ifindex, group);
        *g = e->groups[--e->n_groups];
}

int endpoint_attach(Endpoint *e, Instance *i) {
        Instance **head;

        assert(i);

        if (!e)
                return 0; /* waiting for its interface: no socket yet */
        head = &e->by_vrid[i->params.fsm.vrid];
        for (Instance *o = *head; o; o = o->vrid_next)
                if (o == i)
                        return 0;
        i->vrid_next = *head;
        *head = i;
        e->n_instances++;
        return 0;
}

void endpoint_detach(Endpoint *e, Instance *i) {
        assert(i);

        if (!e)
                return;
        for (Instance **p = &e->by_vrid[i->params.fsm.vrid]; *p; p = &(*p)->vrid_next)
                if (*p == i) {
                        *p = i->vrid_next;
                        i->vrid_next = NULL;
                        e->n_instances--;
                        return;
                }
}

/* Instances keep their last advert in their own buffer, which stays valid until the flush. */
int endpoint_queue(Endpoint *e, const SockVrrpSend *s) {
        if (e->n_pending == e->n_pending_alloc) {
                size_t n = e->n_pending_alloc ? e->n_pending_alloc * 2 : 16;
                SockVrrpSend *p = reallocarray(e->pending, n, sizeof(*p));

                if (!p)
                        return -ENOMEM;
                e->pending = p;
                e->n_pending_alloc = n;
        }
        e->pending[e->n_pending++] = *s;
        return 0;
}

static bool endpoint_frames_work(Endpoint *e) {
        int r;

        if (e->frame_fd >= 0)
                return true;
        if (e->frame_fd == -EOPNOTSUPP)
                return false;
        r = sock_frame_open(e->ifindex, ENDPOINT_SNDBUF, &e->frame_fd);
        if (r < 0) {
                /* Not Ethernet, or no AF_PACKET: the IP layer can send everything, only at a higher cost. */
                log_debug_errno(r, "ifindex %d: adverts go through the IP layer: %m", e->ifindex);
                e->frame_fd = -EOPNOTSUPP;
                return false;
        }
        return true;
}

/* n adverts that all go the same way (whole packets: to one group) */
static int endpoint_send_run(Endpoint *e, const SockVrrpSend *s, size_t n, bool frames) {
        uint8_t mac[6];
        size_t sent = 0;

        if (!frames)
                return sock_vrrp_send(e->fd, e->family, e->ifindex, s, n, &sent);
        vrrp_multicast_mac(e->family, &s->dst, mac);
        return sock_frame_send(e->frame_fd, e->family, e->ifindex, mac, s, n, &sent);
}

/* Whether the queued adverts a and b can go in one run */
static bool endpoint_same_run(const Endpoint *e, const SockVrrpSend *a, const SockVrrpSend *b) {
        if (!a->packet != !b->packet)
                return false;
        return !a->packet || vrrp_addr_cmp(e->family, &a->dst, &b->dst) == 0;
}

int endpoint_flush(Endpoint *e) {
        size_t start = 0;
        int ret = 0;

        if (e->n_pending == 0)
                return 0;
        e->batch++;
        /* in runs of the same kind, in queue order */
        for (size_t k = 1; k <= e->n_pending; k++) {
                bool whole = e->pending[start].packet;
                int r;

                if (k < e->n_pending && endpoint_same_run(e, &e->pending[start], &e->pending[k]))
                        continue;
                r = endpoint_send_run(e, e->pending + start, k - start, whole && endpoint_frames_work(e));
                if (r < 0 && ret == 0)
                        ret = r;
                start = k;
        }
        e->n_pending = 0;
        return ret;
}
