#include <assert.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf-model.h"
#include "instance-params.h"

/* iproute2's names for address scopes, which keepalived's `scope` takes, or a number. */
int instance_params_scope(const char *scope) {
        static const struct {
                const char *name;
                int value;
        } table[] = {
                { "global", RT_SCOPE_UNIVERSE }, { "universe", RT_SCOPE_UNIVERSE }, { "site", RT_SCOPE_SITE },
                { "link", RT_SCOPE_LINK },       { "host", RT_SCOPE_HOST },          { "nowhere", RT_SCOPE_NOWHERE },
        };
        char *end;
        long n;

        if (!scope)
                return RT_SCOPE_UNIVERSE;
        for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
                if (strcmp(scope, table[i].name) == 0)
                        return table[i].value;
        n = strtol(scope, &end, 0);
        if (*scope == '\0' || *end != '\0' || n < 0 || n > 255)
                return -EINVAL;
        return (int) n;
}

int instance_params_vip(const ConfVip *v, int ifindex, InstanceIfindexResolver resolve, void *userdata,
                               NlVip *ret) {
        int scope = instance_params_scope(v->scope);

        if (scope < 0)
                return scope;
        if (v->dev) {
                ifindex = resolve(v->dev, userdata);
                if (ifindex <= 0)
                        return -ENODEV;
        }
        *ret = (NlVip){ .family = v->family, .ifindex = ifindex, .addr = v->addr, .prefixlen = v->prefixlen,
                        .has_broadcast = v->has_brd, .broadcast = v->brd, .scope = scope,
                        .noprefixroute = v->noprefixroute, .nodad = v->nodad, .has_peer = v->has_peer,
                        .peer = v->peer, .peer_prefixlen = v->peer_prefixlen,
                        .has_preferred_lft = v->has_preferred_lft, .preferred_lft = v->preferred_lft,
                        .extra_flags = v->ifa_flags };
        if (v->label)
                snprintf(ret->label, sizeof(ret->label), "%s", v->label);
        return 0;
}

static int instance_params_vips(const ConfInstance *c, int ifindex, int vmac_ifindex,
                                InstanceIfindexResolver resolve, void *userdata, InstanceParams *p) {
        size_t n = c->n_vips + c->n_excluded_vips;
        int r;

        if (c->n_vips > VRRP_MAX_ADDRS)
                return -E2BIG;
        p->vips = calloc(n ? n : 1, sizeof(NlVip));
        p->vip_addrs = calloc(c->n_vips ? c->n_vips : 1, sizeof(VrrpAddr));
        if (!p->vips || !p->vip_addrs)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                const ConfVip *v = i < c->n_vips ? &c->vips[i] : &c->excluded_vips[i - c->n_vips];

                /* without dev: on the instance's macvlan if it is of its family (keepalived), else on ifindex */
                r = instance_params_vip(v, vmac_ifindex > 0 && v->family == c->family ? vmac_ifindex : ifindex,
                                        resolve, userdata, &p->vips[i]);
                if (r < 0)
                        return r;
                if (i < c->n_vips)
                        p->vip_addrs[i] = v->addr;
        }
        p->n_vips = n;
        p->n_advertised = c->n_vips;
        return 0;
}

static void instance_params_fsm(const ConfGlobal *g, const ConfInstance *c, VrrpParams *f) {
        *f = (VrrpParams){
                .vrid = (uint8_t) c->vrid,
                .version = (uint8_t) c->version,
                .family = c->family,
                .priority = (uint8_t) c->priority,
                .interval_usec = c->advert_int,
                .preempt = !c->nopreempt,
                .preempt_delay_usec = c->preempt_delay == USEC_INFINITY ? 0 : c->preempt_delay,
                .accept = c->accept > 0,
                .init_master = c->state == CONF_STATE_MASTER,
                .sync_group = c->sync_group != NULL,
                .lower_prio_no_advert = c->lower_prio_no_advert > 0,
                .higher_prio_send_advert = c->higher_prio_send_advert > 0,
                .garp_lower_prio = c->garp_lower_prio_repeat > 0,
                .down_timer_adverts = c->down_timer_adverts > 0 ? (unsigned) c->down_timer_adverts : 0,
                .owner_ignore_adverts = c->owner_ignore_adverts > 0,
                .timer_expired_backup = (uint8_t) c->timer_expired_backup,
                .fast_preempt = c->fast_preempt > 0,
        };
}

static int instance_params_rx(const ConfGlobal *g, const ConfInstance *c, InstanceParams *p) {
        VrrpRxConfig *rx = &p->rx;

        if (c->n_unicast_peers > 0) {
                p->peers = calloc(c->n_unicast_peers, sizeof(VrrpRxPeer));
                if (!p->peers)
                        return -ENOMEM;
        }
        *rx = (VrrpRxConfig){
                .version = (uint8_t) c->version,
                .family = c->family,
                .vrid = (uint8_t) c->vrid,
                .adver_int_cs = (uint16_t) (c->advert_int / USEC_PER_CS),
                .vips = p->vip_addrs,
                .n_vips = p->n_advertised,
                .skip_check_adv_addr = c->skip_check_adv_addr,
                .unicast = c->n_unicast_peers > 0,
                .check_unicast_src = c->check_unicast_src,
                .peers = p->peers,
                .n_peers = c->n_unicast_peers,
        };
        /* RFC 3768 §5.3.6: simple text authentication exists in v2 only; the conf layer warned about v3. */
        if (c->version == 2 && c->auth_type == CONF_AUTH_PASS && c->auth_pass) {
                rx->auth_type = VRRP_AUTH_PASS;
                size_t n = strnlen(c->auth_pass, VRRP_V2_AUTH_LEN); /* keepalived keeps the first 8 bytes */

                memcpy(rx->auth_pass, c->auth_pass, n); /* the rest stays zero: the RFC's padding */
        }
        for (size_t i = 0; i < rx->n_peers; i++)
                p->peers[i] = (VrrpRxPeer){ .addr = c->unicast_peers[i].addr,
                                            .min_ttl = c->unicast_peers[i].min_ttl,
                                            .max_ttl = c->unicast_peers[i].max_ttl };
        return 0;
}

int instance_params_build(const ConfGlobal *g, const ConfInstance *c, int ifindex, int vmac_ifindex,
                          InstanceIfindexResolver resolve, void *userdata, InstanceParams *ret) {
        int r;

        *ret = (InstanceParams){};
        r = instance_params_vips(c, ifindex, vmac_ifindex, resolve, userdata, ret);
        if (r < 0)
                return instance_params_done(ret), r;
        r = instance_params_rx(g, c, ret);
        if (r < 0)
                return instance_params_done(ret), r;
        instance_params_fsm(g, c, &ret->fsm);
        return 0;
}

void instance_params_done(InstanceParams *p) {
        assert(p);

        free(p->vips);
        free(p->vip_addrs);
        free(p->peers);
        *p = (InstanceParams){};
}
