#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf-check.h"

#define PRIO_OWNER 255
#define PRIO_DEFAULT 100
#define V3_ADVERT_MAX (4095 * USEC_PER_CS)

int conf_complete_global(ConfGlobal *g, const char *hostname) {
        assert(g);

        if (g->garp_lower_prio_delay == USEC_INFINITY)
                g->garp_lower_prio_delay = g->garp_master_delay;
        if (g->garp_lower_prio_repeat == CONF_UNSET)
                g->garp_lower_prio_repeat = g->garp_master_repeat;
        if (!g->privileged_group && !(g->privileged_group = strdup("vrrpd")))
                return -ENOMEM;
        if (!g->router_id && hostname && !(g->router_id = strdup(hostname)))
                return -ENOMEM;
        return 0;
}

int conf_complete_smtp_alert(const ConfGlobal *g, int smtp_alert) {
        assert(g);

        return smtp_alert != CONF_UNSET       ? smtp_alert
               : g->smtp_alert_vrrp != CONF_UNSET ? g->smtp_alert_vrrp
               : g->smtp_alert != CONF_UNSET      ? g->smtp_alert
                                                  : false;
}

/* keepalived mails nothing, and says nothing, when alerts are on but no server or no address is set. */
void conf_complete_mail(const Config *c, ConfDiags *d) {
        const ConfMail *m = &c->global.mail;
        const char *kind = "vrrp_instance", *name = NULL;
        const ConfLoc *on = NULL;

        if (m->server && m->to)
                return;
        for (size_t k = 0; k < c->n_instances && !on; k++)
                if (c->instances[k].smtp_alert)
                        on = &c->instances[k].loc, name = c->instances[k].name;
        for (size_t k = 0; k < c->n_sync_groups && !on; k++)
                if (c->sync_groups[k].smtp_alert)
                        on = &c->sync_groups[k].loc, name = c->sync_groups[k].name, kind = "vrrp_sync_group";
        if (on)
                conf_diag_warning(d, on, "%s '%s' has smtp_alert on, but global_defs has no %s: no alert will be "
                                  "mailed", kind, name, !m->server ? "smtp_server" : "notification_email");
}

static const char *family_name(int family) {
        return family == AF_INET6 ? "IPv6" : "IPv4";
}

/* The family comes from the first address; virtual_ipaddress and unicast_peer may not mix families. */
static void complete_family(ConfInstance *i, ConfDiags *d) {
        char buf[INET6_ADDRSTRLEN];

        i->family = i->n_vips > 0                ? i->vips[0].family
                    : i->n_unicast_peers > 0     ? i->unicast_peers[0].family
                    : i->has_unicast_src         ? i->unicast_src_family
                                                 : AF_INET;
        for (size_t k = 0; k < i->n_vips; k++)
                if (i->vips[k].family != i->family)
                        conf_diag_error(d, &i->vips[k].loc,
                                        "%s address '%s' in %s instance '%s'; expected one family per instance "
                                        "(addresses of the other family go in virtual_ipaddress_excluded)",
                                        family_name(i->vips[k].family),
                                        inet_ntop(i->vips[k].family, &i->vips[k].addr, buf, sizeof(buf)),
                                        family_name(i->family), i->name);
        for (size_t k = 0; k < i->n_unicast_peers; k++)
                if (i->unicast_peers[k].family != i->family)
                        conf_diag_error(d, &i->unicast_peers[k].loc, "%s unicast_peer '%s' in %s instance '%s'",
                                        family_name(i->unicast_peers[k].family),
                                        inet_ntop(i->unicast_peers[k].family, &i->unicast_peers[k].addr, buf,
                                                  sizeof(buf)),
                                        family_name(i->family), i->name);
}

/* mcast_dst_ip as keepalived checks it (vrrp_mcast_dstip_handler(), vrrp_complete_instance()): of the
 * instance's family, multicast (link-local for IPv6), and ignored with a warning by a unicast instance. */
static void complete_mcast_dst(const ConfGlobal *g, ConfInstance *i, ConfDiags *d) {
        char buf[INET6_ADDRSTRLEN];
        bool v4 = i->mcast_dst_family == AF_INET;

        if (i->mcast_dst_family == 0) {
                if (i->n_unicast_peers == 0)
                        i->mcast_dst = i->family == AF_INET6 ? g->mcast_group6 : g->mcast_group4;
                return;
        }
        inet_ntop(i->mcast_dst_family, &i->mcast_dst, buf, sizeof(buf));
        if (i->n_unicast_peers > 0) {
                conf_diag_warning(d, &i->mcast_dst_loc, "mcast_dst_ip %s in unicast instance '%s' is ignored", buf,
                                  i->name);
                i->mcast_dst = (VrrpAddr){};
        } else if (i->mcast_dst_family != i->family)
                conf_diag_error(d, &i->mcast_dst_loc, "%s mcast_dst_ip %s in %s instance '%s'",
                                family_name(i->mcast_dst_family), buf, family_name(i->family), i->name);
        else if (v4 ? !IN_MULTICAST(ntohl(i->mcast_dst.in.s_addr)) : !IN6_IS_ADDR_MC_LINKLOCAL(&i->mcast_dst.in6))
                conf_diag_error(d, &i->mcast_dst_loc, "mcast_dst_ip %s is not a%s multicast address", buf,
                                v4 ? "n IPv4" : " link-local IPv6");
}

static void complete_version(const ConfGlobal *g, ConfInstance *i, ConfDiags *d) {
        if (i->family == AF_INET6 && i->version == 2) {
                conf_diag_warning(d, &i->version_loc, "VRRP version 2 is for IPv4 only; IPv6 instance '%s' uses "
                                  "version 3", i->name);
                i->version = 3;
        }
        if (i->version == CONF_UNSET)
                i->version = i->family == AF_INET6 ? 3 : g->vrrp_version;
}

/* VRRPv2 carries whole seconds, VRRPv3 centiseconds up to 40.95 s: keepalived rounds to what fits, with a warning */
static void complete_advert_int(ConfInstance *i, ConfDiags *d) {
        usec_t unit = i->version == 2 ? USEC_PER_SEC : USEC_PER_CS, v;

        if (i->advert_int == USEC_INFINITY) {
                i->advert_int = USEC_PER_SEC;
                return;
        }
        if (i->version == 3 && i->advert_int > V3_ADVERT_MAX) {
                /* keepalived 2.2.7 (vrrp_complete_instance) sets the largest interval VRRPv3 carries */
                conf_diag_warning(d, &i->advert_int_loc, "advert_int of '%s' is out of range for VRRP version 3 "
                                  "(0.01 to 40.95 seconds); set to 40.95 s, as keepalived does", i->name);
                i->advert_int = V3_ADVERT_MAX;
                return;
        }
        if (i->advert_int % unit == 0)
                return;
        v = (i->advert_int + unit / 2) / unit * unit;
        if (v == 0)
                v = unit;
        conf_diag_warning(d, &i->advert_int_loc, "advert_int of '%s' must be a multiple of %s for VRRP version %d; "
                          "rounded to %llu.%02llu s", i->name, i->version == 2 ? "1 s" : "0.01 s", i->version,
                          (unsigned long long) (v / USEC_PER_SEC), (unsigned long long) (v % USEC_PER_SEC / USEC_PER_CS));
        i->advert_int = v;
}

static void complete_priority_state(ConfInstance *i, ConfDiags *d) {
        if (i->priority == CONF_UNSET)
                i->priority = i->state == CONF_STATE_MASTER ? PRIO_OWNER : PRIO_DEFAULT;
        if (i->state == CONF_UNSET)
                i->state = i->priority == PRIO_OWNER ? CONF_STATE_MASTER : CONF_STATE_BACKUP;
        else if (i->state == CONF_STATE_MASTER && i->priority != PRIO_OWNER && i->strict_mode) {
                /* keepalived: "State MASTER must match being address owner", and it wants BACKUP */
                conf_diag_warning(d, &i->state_loc,
                                  "strict mode: 'state MASTER' needs priority 255 (an address owner), "
                                  "'%s' has %d; set to BACKUP",
                                  i->name, i->priority);
                i->state = CONF_STATE_BACKUP;
        } else if (i->state == CONF_STATE_MASTER && i->priority != PRIO_OWNER)
                conf_diag_warning(d, &i->state_loc, "'state MASTER' with priority %d: only an address owner "
                                  "(priority 255) starts as master; '%s' starts as backup and takes over after the "
                                  "master-down interval", i->priority, i->name);
        if (i->nopreempt && i->priority == PRIO_OWNER) {
                conf_diag_warning(d, &i->nopreempt_loc, "nopreempt does not apply at priority 255; cleared");
                i->nopreempt = false;
        } else if (i->nopreempt && i->state == CONF_STATE_MASTER) {
                conf_diag_warning(d, &i->nopreempt_loc, "nopreempt does not work with 'state MASTER'; cleared");
                i->nopreempt = false;
        }
        if (i->preempt_delay > 0 && (i->state == CONF_STATE_MASTER || i->nopreempt || i->strict_mode)) {
                conf_diag_warning(d, &i->loc, "preempt_delay of '%s' does not work with %s; cleared", i->name,
                                  i->nopreempt ? "nopreempt" : i->strict_mode ? "strict mode" : "'state MASTER'");
                i->preempt_delay = 0;
        }
}

static void complete_auth(ConfInstance *i, ConfDiags *d) {
        const char *why = NULL;

        if (i->auth_type == CONF_AUTH_NONE)
                return;
        if (i->strict_mode)
                why = "strict mode does not allow authentication";
        else if (i->version == 3)
                why = "VRRP version 3 has no authentication";
        else if (!i->auth_pass)
                why = "authentication without auth_pass";
        else if (i->family == AF_INET6 && i->auth_type == CONF_AUTH_AH)
                why = "AH authentication is for IPv4 only";
        if (why) {
                conf_diag_warning(d, &i->auth_loc, "%s; authentication of '%s' ignored", why, i->name);
                i->auth_type = CONF_AUTH_NONE;
        }
}

static void complete_strict(const ConfGlobal *g, ConfInstance *i, ConfDiags *d) {
        bool owner = i->priority == PRIO_OWNER;

        if (i->down_timer_adverts == CONF_UNSET)
                i->down_timer_adverts = g->down_timer_adverts;
        else if (i->strict_mode && i->down_timer_adverts != 3) {
                conf_diag_warning(d, &i->loc, "strict mode needs down_timer_adverts 3; '%s' uses 3", i->name);
                i->down_timer_adverts = 3;
        }
        if (i->accept == CONF_UNSET)
                i->accept = owner ? true : !i->strict_mode;
        else if (i->accept && !owner && i->strict_mode && i->version == 2) {
                conf_diag_warning(d, &i->loc, "accept mode does not comply with VRRP version 2 in strict mode; "
                                  "cleared for '%s'", i->name);
                i->accept = false;
        }
        if (i->lower_prio_no_advert == CONF_UNSET)
                i->lower_prio_no_advert = i->strict_mode ? true : g->lower_prio_no_advert;
        if (i->higher_prio_send_advert == CONF_UNSET)
                i->higher_prio_send_advert = i->strict_mode ? false : g->higher_prio_send_advert;
        if (i->fast_preempt == CONF_UNSET)
                i->fast_preempt = g->fast_preempt && !i->strict_mode;
        else if (i->fast_preempt && i->strict_mode) { /* RFC 9568 discards a lower-priority advert */
                conf_diag_warning(d, &i->fast_preempt_loc, "fast_preempt goes beyond the RFC, which strict mode "
                                  "keeps to; cleared for '%s'", i->name);
                i->fast_preempt = false;
        }
}

/* keepalived 2.3's vrrp_complete_instance(): owner_ignore_adverts means something at priority 255 only, where
 * strict mode turns it on unless global_defs did; timer_expired_backup needs nopreempt. keepalived 2.4.3 also
 * forces an explicit "owner_ignore_adverts off" on an owner outside strict mode, with a message that names
 * strict mode: vrrpd honours it there. */
static void complete_owner_timers(const ConfGlobal *g, ConfInstance *i, ConfDiags *d) {
        bool owner = i->priority == PRIO_OWNER;

        if (i->owner_ignore_adverts == CONF_UNSET)
                i->owner_ignore_adverts = owner && (i->strict_mode || g->owner_ignore_adverts);
        else if (i->owner_ignore_adverts && !owner) {
                conf_diag_warning(d, &i->owner_ignore_adverts_loc, "owner_ignore_adverts needs priority 255; "
                                  "ignored for '%s'", i->name);
                i->owner_ignore_adverts = false;
        } else if (!i->owner_ignore_adverts && owner && i->strict_mode) {
                conf_diag_warning(d, &i->owner_ignore_adverts_loc, "strict mode: an address owner ignores "
                                  "adverts; owner_ignore_adverts set for '%s'", i->name);
                i->owner_ignore_adverts = true;
        }
        if (i->v3_checksum_as_v2 == CONF_UNSET) /* keepalived 2.2.8: global_defs' sets the default */
                i->v3_checksum_as_v2 = g->v3_checksum_as_v2;
        if (i->timer_expired_backup > 0 && !i->nopreempt) {
                conf_diag_warning(d, &i->timer_expired_backup_loc, "timer_expired_backup needs nopreempt; "
                                  "cleared for '%s'", i->name);
                i->timer_expired_backup = 0;
        }
}

/* keepalived 2.2.7 checks either the global setting or the instance's (vrrp.c): either one turns it on */
static void complete_checks(const ConfGlobal *g, ConfInstance *i) {
        i->skip_check_adv_addr |= g->skip_check_adv_addr;
        i->check_unicast_src |= g->check_unicast_src;
}

/* keepalived's vrrp_complete_instance(): a unicast keyword without a peer falls back to multicast (with a
 * deprecation warning) unless unicast_fault_no_peer says FAULT; track_src_ip needs a configured source. */
static void complete_unicast(ConfInstance *i, ConfDiags *d) {
        if (i->unicast_fault_no_peer)
                i->unicast_configured = true;
        if (i->unicast_configured && i->n_unicast_peers == 0 && !i->unicast_fault_no_peer)
                conf_diag_warning(d, &i->loc, "vrrp_instance '%s' has unicast settings but no unicast_peer: it "
                                  "runs multicast (keepalived deprecates this; unicast_fault_no_peer makes it a "
                                  "fault)", i->name);
        if (!(i->has_unicast_src && i->n_unicast_peers > 0) && !i->has_mcast_src)
                i->track_src_ip = false;
}

static void complete_garp(const ConfGlobal *g, ConfInstance *i) {
        if (i->garp_master_delay == USEC_INFINITY)
                i->garp_master_delay = g->garp_master_delay;
        if (i->garp_master_repeat == CONF_UNSET)
                i->garp_master_repeat = g->garp_master_repeat;
        if (i->garp_master_refresh == USEC_INFINITY)
                i->garp_master_refresh = g->garp_master_refresh;
        if (i->garp_master_refresh_repeat == CONF_UNSET)
                i->garp_master_refresh_repeat = g->garp_master_refresh_repeat;
        if (i->garp_lower_prio_delay == USEC_INFINITY)
                i->garp_lower_prio_delay = i->strict_mode ? 0 : g->garp_lower_prio_delay;
        if (i->garp_lower_prio_repeat == CONF_UNSET)
                i->garp_lower_prio_repeat = i->strict_mode ? 0 : g->garp_lower_prio_repeat;
        if (i->garp_extra_if == USEC_INFINITY) {
                i->garp_extra_if = g->garp_extra_if;
                i->garp_extra_all = g->garp_extra_all;
        }
        if (i->garp_extra_all == CONF_UNSET)
                i->garp_extra_all = false;
        i->smtp_alert = conf_complete_smtp_alert(g, i->smtp_alert);
}

/* keepalived runs a unicast instance without interface when it has a unicast_src_ip (not IPv6 link-local):
 * its adverts go where the routes say, and every VIP needs its dev. */
static void complete_no_interface(ConfInstance *i, ConfDiags *d) {
        if (i->n_unicast_peers == 0 || !i->has_unicast_src) {
                conf_diag_error(d, &i->loc, "vrrp_instance '%s' has no interface; expected 'interface NAME' (only a "
                                "unicast instance with unicast_src_ip may go without)", i->name);
                return;
        }
        if (i->unicast_src_family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&i->unicast_src.in6))
                conf_diag_error(d, &i->loc, "vrrp_instance '%s' has no interface and a link-local unicast_src_ip; "
                                "expected 'interface NAME' or a global source address", i->name);
        if (i->vmac.enabled || i->ipvlan.enabled)
                conf_diag_error(d, i->vmac.enabled ? &i->vmac.loc : &i->ipvlan.loc, "%s needs the instance's "
                                "interface; vrrp_instance '%s' has none", i->vmac.enabled ? "use_vmac" : "use_ipvlan",
                                i->name);
        for (size_t k = 0; k < i->n_vips + i->n_excluded_vips; k++) {
                const ConfVip *v = k < i->n_vips ? &i->vips[k] : &i->excluded_vips[k - i->n_vips];

                if (!v->dev)
                        conf_diag_error(d, &v->loc, "vrrp_instance '%s' has no interface: its virtual addresses "
                                        "need 'dev IF'", i->name);
        }
}

/* keepalived: "vrf can only be specified without interface" / "with unicast" */
static void complete_vrf(ConfInstance *i, ConfDiags *d) {
        if (!i->vrf)
                return;
        if (i->interface)
                conf_diag_error(d, &i->vrf_loc, "vrf %s in vrrp_instance '%s': a VRF goes with an instance without "
                                "interface (an instance on a port of a VRF uses it anyway)", i->vrf, i->name);
        else if (i->n_unicast_peers == 0)
                conf_diag_error(d, &i->vrf_loc, "vrf %s in vrrp_instance '%s': only a unicast instance may name its "
                                "VRF", i->vrf, i->name);
}

static void complete_required(ConfInstance *i, ConfDiags *d) {
        if (i->vrid == CONF_UNSET)
                conf_diag_error(d, &i->loc, "vrrp_instance '%s' has no virtual_router_id; expected one from 1 to 255",
                                i->name);
        if (!i->interface)
                complete_no_interface(i, d);
        if (i->n_vips > 0 || i->no_virtual_ipaddress)
                return;
        if (i->version == 3 || i->strict_mode)
                conf_diag_error(d, &i->loc, "vrrp_instance '%s' has no virtual_ipaddress; VRRP version 3 and strict "
                                "mode need at least one", i->name);
        else
                conf_diag_warning(d, &i->loc, "vrrp_instance '%s' has no virtual_ipaddress", i->name);
}

void conf_complete_instance(const ConfGlobal *g, ConfInstance *i, ConfDiags *d) {
        assert(g);
        assert(i);
        assert(d);

        if (i->strict_mode == CONF_UNSET)
                i->strict_mode = g->strict;
        complete_family(i, d);
        complete_version(g, i, d);
        complete_required(i, d);
        complete_vrf(i, d);
        complete_priority_state(i, d);
        complete_auth(i, d);
        complete_strict(g, i, d);
        complete_owner_timers(g, i, d);
        complete_garp(g, i);
        complete_checks(g, i);
        complete_unicast(i, d);
        complete_advert_int(i, d);
        if (i->unicast_ttl == CONF_UNSET && i->family == AF_INET)
                i->unicast_ttl = 255;
        complete_mcast_dst(g, i, d);
        conf_parse_hmac_complete(i, d); /* after advert_int: its time_window follows it */
}
