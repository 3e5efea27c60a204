#include <assert.h>
#include <errno.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "os/proc-events.h"
#include "util/cleanup.h"

int proc_events_open(int *ret_fd) {
        _cleanup_close_ int fd = -EBADF;
        struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

        assert(ret_fd);

        fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_CONNECTOR);
        if (fd < 0)
                return -errno;
        if (bind(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0)
                return -errno;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

int proc_events_listen(int fd, bool on) {
        uint8_t buf[NLMSG_SPACE(sizeof(struct cn_msg) + sizeof(uint32_t))] = {};
        struct nlmsghdr nh = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct cn_msg) + sizeof(uint32_t)),
                               .nlmsg_type = NLMSG_DONE,
                               .nlmsg_pid = 0 };
        struct cn_msg cn = { .id = { .idx = CN_IDX_PROC, .val = CN_VAL_PROC }, .len = sizeof(uint32_t) };
        uint32_t op = on ? PROC_CN_MCAST_LISTEN : PROC_CN_MCAST_IGNORE;
        int group = CN_IDX_PROC;

        assert(fd >= 0);

        if (on && setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)) < 0)
                return -errno;
        memcpy(buf, &nh, sizeof(nh));
        memcpy(buf + NLMSG_HDRLEN, &cn, sizeof(cn));
        memcpy(buf + NLMSG_HDRLEN + sizeof(cn), &op, sizeof(op));
        if (send(fd, buf, nh.nlmsg_len, 0) < 0) {
                int r = -errno;
                (void) setsockopt(fd, SOL_NETLINK, NETLINK_DROP_MEMBERSHIP, &group, sizeof(group));
                return r;
        }
        if (!on)
                (void) setsockopt(fd, SOL_NETLINK, NETLINK_DROP_MEMBERSHIP, &group, sizeof(group));
        return 0;
}

/* One proc_event (its fields read by offset, never through a cast of the buffer); 1 if it is an event of a
 * process we report, 0 if not (threads, other kinds), -EBADMSG if too short. */
static int proc_events_one(const uint8_t *data, size_t len, ProcEvent *ret) {
        const size_t at = offsetof(struct proc_event, event_data);
        uint32_t what;
        int32_t a, b, c, d; /* the first four pid fields of the event, whichever it is */

        if (len < at + 4 * sizeof(int32_t))
                return -EBADMSG;
        memcpy(&what, data + offsetof(struct proc_event, what), sizeof(what));
        memcpy(&a, data + at, sizeof(a));
        memcpy(&b, data + at + 4, sizeof(b));
        memcpy(&c, data + at + 8, sizeof(c));
        memcpy(&d, data + at + 12, sizeof(d));
        *ret = (ProcEvent){};
        switch (what) {
        case PROC_EVENT_FORK: /* parent_pid, parent_tgid, child_pid, child_tgid */
                if (c != d)
                        return 0; /* a new thread */
                *ret = (ProcEvent){ .kind = PROC_EV_FORK, .pid = d, .parent = b };
                return 1;
        case PROC_EVENT_EXEC: /* process_pid, process_tgid */
                *ret = (ProcEvent){ .kind = PROC_EV_EXEC, .pid = b };
                return 1;
        case PROC_EVENT_EXIT: /* process_pid, process_tgid, exit_code, exit_signal */
                if (a != b)
                        return 0;
                *ret = (ProcEvent){ .kind = PROC_EV_EXIT, .pid = b };
                return 1;
        case PROC_EVENT_COMM: /* process_pid, process_tgid, comm[16] */
                if (a != b)
                        return 0;
                if (len < at + 8 + 16)
                        return -EBADMSG;
                *ret = (ProcEvent){ .kind = PROC_EV_COMM, .pid = b };
                memcpy(ret->comm, data + at + 8, 15);
                return 1;
        default:
                return 0;
        }
}

int proc_events_parse(const uint8_t *buf, size_t len, ProcEvent *ret, size_t max) {
        size_t n = 0;

        assert(buf || len == 0);
        assert(ret);

        while (len >= NLMSG_HDRLEN && n < max) {
                struct nlmsghdr nh;
                struct cn_msg cn;
                int r;

                memcpy(&nh, buf, sizeof(nh));
                if (nh.nlmsg_len < NLMSG_HDRLEN || nh.nlmsg_len > len)
                        return -EBADMSG;
                if (nh.nlmsg_type == NLMSG_DONE && nh.nlmsg_len >= NLMSG_HDRLEN + sizeof(cn)) {
                        memcpy(&cn, buf + NLMSG_HDRLEN, sizeof(cn));
                        if (cn.id.idx == CN_IDX_PROC && cn.id.val == CN_VAL_PROC &&
                            cn.len <= nh.nlmsg_len - NLMSG_HDRLEN - sizeof(cn)) {
                                r = proc_events_one(buf + NLMSG_HDRLEN + sizeof(cn), cn.len, &ret[n]);
                                if (r < 0)
                                        return r;
                                n += (size_t) r;
                        }
                }
                if (NLMSG_ALIGN(nh.nlmsg_len) >= len)
                        break;
                buf += NLMSG_ALIGN(nh.nlmsg_len);
                len -= NLMSG_ALIGN(nh.nlmsg_len);
        }
        return (int) n;
}
