#include <assert.h>
#include <errno.h>
#include <linux/netlink.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/handlers.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "os/nl-errno.h"
#include "os/nl-talk.h"
#include "os/nl-vip.h"
#include "util/cleanup.h"

DEFINE_CLEANUP(struct nl_sock *, nl_socket_free)
DEFINE_CLEANUP(struct nl_cb *, nl_cb_put)

static int nl_talk_on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *userdata) {
        *(int *) userdata = e->error; /* negative errno, as the kernel wrote it */
        return NL_STOP;
}

static int nl_talk_on_ack(struct nl_msg *m, void *userdata) {
        return NL_STOP;
}

int nl_talk(struct nl_sock *sk, struct nl_msg *m) {
        _cleanup_(nl_cb_putp) struct nl_cb *own = NULL, *cb = NULL;
        int error = 0, r;

        assert(sk);
        assert(m);

        nlmsg_hdr(m)->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
        own = nl_socket_get_cb(sk); /* a reference of our own */
        cb = own ? nl_cb_clone(own) : NULL;
        if (!cb)
                return -ENOMEM;
        nl_cb_err(cb, NL_CB_CUSTOM, nl_talk_on_error, &error);
        nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, nl_talk_on_ack, NULL);
        r = nl_send_auto(sk, m);
        if (r < 0)
                return nl_errno(r);
        r = nl_recvmsgs(sk, cb);
        if (error < 0)
                return error;
        return r < 0 ? nl_errno(r) : 0;
}

int nl_talk_dump(struct nl_msg *m, int (*fn)(struct nl_msg *answer, void *userdata), void *userdata) {
        _cleanup_(nl_socket_freep) struct nl_sock *sk = NULL;
        const int one = 1;
        int r;

        assert(m);
        assert(fn);

        r = nl_vip_open(&sk); /* the daemon's kind of request socket: a fresh one, strict */
        if (r < 0)
                return r;
        if (setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one, sizeof(one)) < 0)
                return -errno;
        nl_socket_disable_auto_ack(sk); /* a dump ends with NLMSG_DONE */
        nlmsg_hdr(m)->nlmsg_flags |= NLM_F_REQUEST | NLM_F_DUMP;
        r = nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, fn, userdata);
        if (r < 0)
                return nl_errno(r);
        r = nl_send_auto(sk, m);
        if (r >= 0)
                r = nl_recvmsgs_default(sk);
        return r < 0 ? nl_errno(r) : 0;
}

int nl_talk_put_addr(struct nl_msg *m, int attr, int family, const VrrpAddr *a) {
        assert(m);
        assert(a);
        return nla_put(m, attr, (int) vrrp_addr_len(family), a->bytes);
}

int nl_talk_get_addr(const struct nlattr *a, int family, VrrpAddr *ret) {
        assert(ret);

        if (!a)
                return 0;
        if ((size_t) nla_len(a) != vrrp_addr_len(family))
                return -EBADMSG;
        memcpy(ret->bytes, nla_data(a), vrrp_addr_len(family));
        return 0;
}

bool nl_talk_same(struct nl_msg *x, struct nl_msg *y) {
        assert(x);
        assert(y);
        return nlmsg_hdr(x)->nlmsg_len == nlmsg_hdr(y)->nlmsg_len &&
               memcmp(nlmsg_hdr(x), nlmsg_hdr(y), nlmsg_hdr(x)->nlmsg_len) == 0;
}
