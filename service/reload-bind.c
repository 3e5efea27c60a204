#include <assert.h>
#include <errno.h>
#include <net/if.h>

#include "conf/conf-model.h"
#include "endpoint.h"
#include "instance.h"
#include "manager.h"
#include "os/nl-ifaddr.h"
#include "os/nl-monitor.h"
#include "reload.h"
#include "track/tracking.h"
#include "util/cleanup.h"
#include "util/log.h"

/* dynamic_interfaces: an instance built without its interface (or whose interface went) is built again, as a
 * reload would build it, once the interface is here, and takes what needs it. */

/* Whether i's interface is here and has the address i would send from, when the config names none (an
 * interface often appears before its addresses: the address's notice brings the next attempt). */
static bool reload_bind_ready(Manager *m, const Instance *i) {
        const ConfInstance *c = i->conf;
        unsigned ifindex = if_nametoindex(c->interface);
        VrrpAddr src;

        if (ifindex == 0)
                return false;
        if ((c->has_unicast_src && c->n_unicast_peers > 0) || c->has_mcast_src)
                return true;
        return nl_ifaddr_primary(m->nl, (int) ifindex, c->family, i->params.vip_addrs, i->params.n_advertised,
                                 &src) >= 0;
}

int reload_bind_instance(Manager *m, Instance *i) {
        _cleanup_(instance_freep) Instance *next = NULL;
        Endpoint *e;
        bool up;
        int r;

        assert(m);
        assert(i);

        if (!reload_bind_ready(m, i))
                return -EADDRNOTAVAIL;
        r = instance_new(m, m->config, i->conf, &next);
        if (r < 0)
                return r;
        if (next->ifindex == 0)
                return -ENODEV; /* gone again */
        r = manager_endpoint_for(m, next, &e);
        if (r < 0)
                return log_error_errno(r, "%s: failed to open the VRRP socket on '%s': %m", i->name,
                                       i->conf->interface);
        r = instance_set_endpoint(next, e);
        if (r < 0)
                return log_error_errno(r, "%s: failed to join the VRRP group on '%s': %m", i->name,
                                       i->conf->interface);
        instance_reconfigure(i, next);
        log_info("%s: interface '%s' is here (index %d): leaving the wait", i->name, i->conf->interface,
                 i->ifindex);
        r = tracking_refresh_faults(i);
        if (r < 0)
                return r;
        /* the link's news may have come before the instance could bind (no address yet): read its state */
        if (!i->conf->dont_track_primary && nl_monitor_link_state(m->nl, i->ifindex, &up) >= 0 &&
            i->fsm.link_down == up)
                return instance_step(i, &(VrrpEvent){ .type = up ? VRRP_EVENT_LINK_UP : VRRP_EVENT_LINK_DOWN });
        return 0;
}
