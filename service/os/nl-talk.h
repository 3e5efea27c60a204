#pragma once

#include <stdbool.h>

#include "core/vrrp-addr.h"

struct nl_msg;
struct nl_sock;
struct nlattr;

/* One rtnetlink request and its acknowledgement, answering the kernel's own errno: libnl's NLE_* codes fold
 * ESRCH, ENOENT and EADDRNOTAVAIL into one NLE_OBJ_NOTFOUND, and callers that ignore "already gone" need to
 * know which it was. Non-logging; 0 or negative errno. */
int nl_talk(struct nl_sock *sk, struct nl_msg *m);

/* A dump request m (NLM_F_DUMP) on a socket of its own with NETLINK_GET_STRICT_CHK, so the kernel filters
 * by the header's table, protocol and type and by RTA_TABLE / RTA_OIF instead of sending every route of
 * every table. fn sees each answer (libnl's nl_recvmsg_msg_cb_t: NL_OK to go on, NL_STOP to end). */
int nl_talk_dump(struct nl_msg *m, int (*fn)(struct nl_msg *answer, void *userdata), void *userdata);

/* An address attribute of family's length: put into m, or read into *ret (a missing one leaves *ret as it
 * is; one of another length is -EBADMSG). */
int nl_talk_put_addr(struct nl_msg *m, int attr, int family, const VrrpAddr *a);
int nl_talk_get_addr(const struct nlattr *a, int family, VrrpAddr *ret);
/* Whether two requests are the same bytes: the same object for the kernel. */
bool nl_talk_same(struct nl_msg *x, struct nl_msg *y);
