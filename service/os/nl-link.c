#include <assert.h>
#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/addr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/inet.h>
#include <netlink/route/link/ipvlan.h>
#include <netlink/route/link/macvlan.h>
#include <netlink/route/link/vrf.h>

#include "os/nl-errno.h"
#include "os/nl-link.h"
#include "util/cleanup.h"

DEFINE_CLEANUP(struct rtnl_link *, rtnl_link_put)
DEFINE_CLEANUP(struct nl_addr *, nl_addr_put)
DEFINE_CLEANUP(struct nl_msg *, nlmsg_free)

static int nl_link_no_ipv6_address(struct nl_sock *sk, int ifindex);
static int nl_link_finish(struct nl_sock *sk, const char *name, bool no_ipv6, bool up, int *ret_ifindex);

static int nl_vmac_build(const NlVmacSpec *spec, struct rtnl_link **ret) {
        _cleanup_(rtnl_link_putp) struct rtnl_link *l = rtnl_link_macvlan_alloc();
        _cleanup_(nl_addr_putp) struct nl_addr *mac = nl_addr_build(AF_LLC, spec->mac, sizeof(spec->mac));
        int r;

        if (!l || !mac)
                return -ENOMEM;
        rtnl_link_set_name(l, spec->name);
        rtnl_link_set_link(l, spec->parent);
        rtnl_link_set_addr(l, mac);
        if (spec->has_group)
                rtnl_link_set_group(l, spec->group);
        r = rtnl_link_macvlan_set_mode(l, MACVLAN_MODE_PRIVATE);
        if (r < 0)
                return nl_errno(r);
        *ret = TAKE_PTR(l);
        return 0;
}

int nl_vmac_create(struct nl_sock *sk, const NlVmacSpec *spec, int *ret_ifindex) {
        _cleanup_(rtnl_link_putp) struct rtnl_link *l = NULL;
        int r;

        assert(sk);
        assert(spec && spec->name && spec->parent > 0);
        assert(ret_ifindex);

        r = nl_vmac_build(spec, &l);
        if (r < 0)
                return r;
        /* Created down, and up only once it can have no IPv6 address of its own. */
        r = rtnl_link_add(sk, l, NLM_F_CREATE | NLM_F_EXCL);
        if (r < 0)
                return nl_errno(r);
        return nl_link_finish(sk, spec->name, true, !spec->stay_down, ret_ifindex);
}

static void nl_link_info_fill(struct rtnl_link *l, NlLinkInfo *ret) {
        struct nl_addr *mac = rtnl_link_get_addr(l);

        *ret = (NlLinkInfo){
                .ifindex = rtnl_link_get_ifindex(l),
                .parent = rtnl_link_get_link(l),
                .up = rtnl_link_get_flags(l) & IFF_UP,
        };
        ret->macvlan = rtnl_link_is_macvlan(l);
        ret->ipvlan = rtnl_link_is_ipvlan(l);
        if (ret->macvlan)
                ret->macvlan_mode = rtnl_link_macvlan_get_mode(l);
        if (mac && nl_addr_get_len(mac) == sizeof(ret->mac)) {
                memcpy(ret->mac, nl_addr_get_binary_addr(mac), sizeof(ret->mac));
                ret->has_mac = true;
        }
}

int nl_link_get(struct nl_sock *sk, const char *name, NlLinkInfo *ret) {
        _cleanup_(rtnl_link_putp) struct rtnl_link *l = NULL;
        int r;

        assert(sk);
        assert(name);
        assert(ret);

        r = rtnl_link_get_kernel(sk, 0, name, &l);
        if (r < 0)
                return r == -NLE_OBJ_NOTFOUND ? -ENODEV : nl_errno(r);
        nl_link_info_fill(l, ret);
        return 0;
}

bool nl_vmac_matches(const NlLinkInfo *info, const NlVmacSpec *spec) {
        assert(info);
        assert(spec);

        return info->macvlan && info->macvlan_mode == MACVLAN_MODE_PRIVATE && info->parent == spec->parent &&
               info->has_mac && memcmp(info->mac, spec->mac, sizeof(spec->mac)) == 0;
}

int nl_link_delete(struct nl_sock *sk, int ifindex) {
        _cleanup_(rtnl_link_putp) struct rtnl_link *l = rtnl_link_alloc();
        int r;

        assert(sk);
        assert(ifindex > 0);

        if (!l)
                return -ENOMEM;
        rtnl_link_set_ifindex(l, ifindex);
        r = rtnl_link_delete(sk, l);
        return r < 0 ? nl_errno(r) : 0;
}

/* An RTM_NEWLINK for ifindex with ifi_family AF_UNSPEC, built by hand: libnl's change request takes the
 * family of the link it read, and a bridge's (AF_BRIDGE) would send IFLA_AF_SPEC where the kernel does not
 * look for it (keepalived found this too). */
static int nl_link_request(int ifindex, unsigned change, unsigned flags, struct nl_msg **ret) {
        _cleanup_(nlmsg_freep) struct nl_msg *m = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK);
        struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex, .ifi_change = change,
                                 .ifi_flags = flags };

        if (!m || nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0)
                return -ENOMEM;
        *ret = TAKE_PTR(m);
        return 0;
}

static int nl_link_talk(struct nl_sock *sk, struct nl_msg *m) {
        int r = nl_send_auto(sk, m);

        if (r >= 0)
                r = nl_wait_for_ack(sk);
        return r < 0 ? nl_errno(r) : 0;
}

int nl_link_set_up(struct nl_sock *sk, int ifindex) {
        _cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
        int r;

        assert(sk);
        assert(ifindex > 0);

        r = nl_link_request(ifindex, IFF_UP, IFF_UP, &m);
        return r < 0 ? r : nl_link_talk(sk, m);
}

int nl_inet_conf_get(struct nl_sock *sk, int ifindex, int id, uint32_t *ret) {
        _cleanup_(rtnl_link_putp) struct rtnl_link *l = NULL;
        int r;

        assert(sk);
        assert(ifindex > 0);
        assert(ret);

        r = rtnl_link_get_kernel(sk, ifindex, NULL, &l);
        if (r < 0)
                return r == -NLE_OBJ_NOTFOUND ? -ENODEV : nl_errno(r);
        r = rtnl_link_inet_get_conf(l, (unsigned) id, ret);
        return r < 0 ? nl_errno(r) : 0;
}

int nl_inet_conf_set(struct nl_sock *sk, int ifindex, const NlInetConf *confs, size_t n) {
        _cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
        struct nlattr *spec, *inet, *conf;
        int r;

        assert(sk);
        assert(ifindex > 0);
        assert(confs || n == 0);

        r = nl_link_request(ifindex, 0, 0, &m);
        if (r < 0)
                return r;
        if (!(spec = nla_nest_start(m, IFLA_AF_SPEC)) || !(inet = nla_nest_start(m, AF_INET)) ||
            !(conf = nla_nest_start(m, IFLA_INET_CONF)))
                return -ENOMEM;
        for (size_t k = 0; k < n; k++)
                if (nla_put_u32(m, confs[k].id, confs[k].value) < 0)
                        return -ENOMEM;
        nla_nest_end(m, conf);
        nla_nest_end(m, inet);
        nla_nest_end(m, spec);
        return nl_link_talk(sk, m);
}

/* addrgenmode none: the kernel makes no link-local address, so the link sends no DAD, MLD or RS on its own. */
static int nl_link_no_ipv6_address(struct nl_sock *sk, int ifindex) {
        _cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
        struct nlattr *spec, *inet6;
        int r;

        r = nl_link_request(ifindex, 0, 0, &m);
        if (r < 0)
                return r;
        if (!(spec = nla_nest_start(m, IFLA_AF_SPEC)) || !(inet6 = nla_nest_start(m, AF_INET6)) ||
            nla_put_u8(m, IFLA_INET6_ADDR_GEN_MODE, IN6_ADDR_GEN_MODE_NONE) < 0)
                return -ENOMEM;
        nla_nest_end(m, inet6);
        nla_nest_end(m, spec);
        return nl_link_talk(sk, m);
}

int nl_ipvlan_request(const NlIpvlanSpec *spec, struct nl_msg **ret) {
        _cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
        struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
        struct nlattr *info, *data;

        assert(spec && spec->name && spec->parent > 0);
        assert(ret);

        m = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
        if (!m || nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
            nla_put_string(m, IFLA_IFNAME, spec->name) < 0 || nla_put_u32(m, IFLA_LINK, (uint32_t) spec->parent) < 0 ||
            (spec->has_group && nla_put_u32(m, IFLA_GROUP, spec->group) < 0))
                return -ENOMEM;
        if (!(info = nla_nest_start(m, IFLA_LINKINFO)) || nla_put_string(m, IFLA_INFO_KIND, "ipvlan") < 0 ||
            !(data = nla_nest_start(m, IFLA_INFO_DATA)) || nla_put_u16(m, IFLA_IPVLAN_MODE, IPVLAN_MODE_L2) < 0 ||
            nla_put_u16(m, IFLA_IPVLAN_FLAGS, spec->flags) < 0)
                return -ENOMEM;
        nla_nest_end(m, data);
        nla_nest_end(m, info);
        *ret = TAKE_PTR(m);
        return 0;
}

int nl_ipvlan_create(struct nl_sock *sk, const NlIpvlanSpec *spec, int *ret_ifindex) {
        _cleanup_(nlmsg_freep) struct nl_msg *m = NULL;
        int r;

        assert(sk);
        assert(ret_ifindex);

        r = nl_ipvlan_request(spec, &m);
        if (r >= 0)
                r = nl_link_talk(sk, m);
        return r < 0 ? r : nl_link_finish(sk, spec->name, false, true, ret_ifindex);
}

/* A link just created (down): without an IPv6 address of its own if asked, then up; deleted again if either
 * step fails. */
static int nl_link_finish(struct nl_sock *sk, const char *name, bool no_ipv6, bool up, int *ret_ifindex) {
        NlLinkInfo info = {};
        int r;

        r = nl_link_get(sk, name, &info);
        if (r >= 0 && no_ipv6)
                r = nl_link_no_ipv6_address(sk, info.ifindex);
        if (r >= 0 && up)
                r = nl_link_set_up(sk, info.ifindex);
        if (r < 0) {
                if (info.ifindex > 0)
                        (void) nl_link_delete(sk, info.ifindex);
                return r;
        }
        *ret_ifindex = info.ifindex;
        return 0;
}

int nl_link_vrf_table(struct nl_sock *sk, int ifindex, uint32_t *ret) {
        _cleanup_(rtnl_link_putp) struct rtnl_link *l = NULL, *master = NULL;
        int r;

        assert(sk);
        assert(ret);

        if (ifindex <= 0)
                return 0;
        r = rtnl_link_get_kernel(sk, ifindex, NULL, &l);
        if (r < 0)
                return r == -NLE_OBJ_NOTFOUND ? -ENODEV : nl_errno(r);
        if (rtnl_link_is_vrf(l)) { /* the VRF device itself (an instance's `vrf`) */
                r = rtnl_link_vrf_get_tableid(l, ret);
                return r < 0 ? nl_errno(r) : 1;
        }
        if (rtnl_link_get_master(l) <= 0)
                return 0;
        r = rtnl_link_get_kernel(sk, rtnl_link_get_master(l), NULL, &master);
        if (r < 0)
                return r == -NLE_OBJ_NOTFOUND ? 0 : nl_errno(r);
        if (!rtnl_link_is_vrf(master))
                return 0; /* a bridge or a bond: no table of its own */
        r = rtnl_link_vrf_get_tableid(master, ret);
        return r < 0 ? nl_errno(r) : 1;
}
