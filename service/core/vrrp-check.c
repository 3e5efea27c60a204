#include <errno.h>
#include <string.h>

#include "vrrp-check.h"

static const char *const note_table[_VRRP_RX_NOTE_MAX] = {
        [VRRP_RX_NOTE_ADDRESS_LIST] = "address-list",
        [VRRP_RX_NOTE_CHECKSUM_LEGACY] = "checksum-legacy",
        [VRRP_RX_NOTE_INTERVAL] = "interval-mismatch",
};

const char *vrrp_check_note_to_string(VrrpRxNote n) {
        if ((unsigned) n >= _VRRP_RX_NOTE_MAX)
                return NULL;
        return note_table[n];
}

static int check_drop(VrrpRxResult *ret, VrrpDrop d) {
        *ret = (VrrpRxResult){ .drop = d };
        return -EBADMSG;
}

/* Compares every byte whatever the first difference, so the time taken says nothing about the password. */
static bool check_password_equal(const uint8_t *a, const uint8_t *b) {
        uint8_t diff = 0;

        for (size_t i = 0; i < VRRP_V2_AUTH_LEN; i++)
                diff |= a[i] ^ b[i];
        return diff == 0;
}

static bool check_addr_in(int family, const VrrpAddr *a, const VrrpAddr *list, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (vrrp_addr_cmp(family, a, &list[i]) == 0)
                        return true;
        return false;
}

/* RFC 9568 §7.1 "MAY verify that the IP address(es) associated with the VRID are valid": a mismatch is
 * counted and the advert still taken, as keepalived does. Counts first; then, unless skip_check_adv_addr
 * spares a master we already follow, every one of our addresses must be in the advert: with equal counts and
 * our addresses distinct, that makes the two sets equal, whatever the order. */
static bool check_address_list_matches(const VrrpRxConfig *cfg, const VrrpAdvert *adv,
                                       const VrrpRxMeta *meta) {
        if (adv->n_addrs != cfg->n_vips)
                return false;
        if (cfg->skip_check_adv_addr && meta->same_master)
                return true;
        for (size_t i = 0; i < cfg->n_vips; i++)
                if (!check_addr_in(cfg->family, &cfg->vips[i], adv->addrs, adv->n_addrs))
                        return false;
        return true;
}

/* RFC 3768 §7.1: the auth type must be the configured one, and a PASS password must match. */
static int check_v2(const VrrpRxConfig *cfg, const VrrpAdvert *adv, VrrpRxResult *ret) {
        if (adv->auth_type != cfg->auth_type)
                return check_drop(ret, VRRP_DROP_AUTH_TYPE);
        if (cfg->auth_type == VRRP_AUTH_PASS && !check_password_equal(adv->auth_data, cfg->auth_pass))
                return check_drop(ret, VRRP_DROP_AUTH);
        /* "MUST verify that the Adver Interval in the packet is the same as the locally configured" */
        if (adv->adver_int_cs != cfg->adver_int_cs)
                return check_drop(ret, VRRP_DROP_INTERVAL);
        return 0;
}

/* keepalived's unicast source check: the source must be a configured peer, and the TTL/hop limit within that
 * peer's range. It has no fixed TTL for unicast: a routed peer's adverts arrive with less than 255. */
static int check_unicast_source(const VrrpRxConfig *cfg, const VrrpRxMeta *meta, VrrpRxResult *ret) {
        for (size_t i = 0; i < cfg->n_peers; i++) {
                const VrrpRxPeer *p = &cfg->peers[i];

                if (vrrp_addr_cmp(cfg->family, &meta->src, &p->addr) != 0)
                        continue;
                if (meta->ttl >= 0 && (meta->ttl < p->min_ttl || meta->ttl > p->max_ttl))
                        return check_drop(ret, VRRP_DROP_TTL);
                return 0;
        }
        return check_drop(ret, VRRP_DROP_UNICAST_SOURCE);
}

int vrrp_check_advert(const VrrpRxConfig *cfg, const VrrpAdvert *adv, const VrrpRxMeta *meta,
                      VrrpRxResult *ret) {
        unsigned notes = 0;
        int r;

        if (!cfg || !adv || !meta || !ret || (cfg->n_vips > 0 && !cfg->vips) ||
            (cfg->n_peers > 0 && !cfg->peers))
                return -EINVAL;

        /* Not in the RFC's list: our own advert looped back (multicast loop, or a unicast peer list naming
         * ourselves) is no news about another router. */
        if (meta->own)
                return check_drop(ret, VRRP_DROP_OWN_PACKET);
        /* "MUST verify that the IPv4 TTL/IPv6 Hop Limit is 255": multicast only, as keepalived does. */
        if (!cfg->unicast && meta->ttl >= 0 && meta->ttl != VRRP_TTL)
                return check_drop(ret, VRRP_DROP_TTL);
        if (adv->version != cfg->version)
                return check_drop(ret, VRRP_DROP_VERSION);
        /* Length and checksum were vrrp_packet_parse()'s. "MUST verify that the VRID is configured": the
         * daemon demultiplexes by VRID; this catches an advert handed to the wrong instance. */
        if (adv->vrid != cfg->vrid)
                return check_drop(ret, VRRP_DROP_VRID);
        if (adv->version == 2) {
                r = check_v2(cfg, adv, ret);
                if (r < 0)
                        return r;
        }
        /* keepalived: with unicast peers only unicast adverts count, without them only multicast ones. */
        if (meta->dst_multicast == cfg->unicast)
                return check_drop(ret, VRRP_DROP_DESTINATION);
        if (cfg->unicast && cfg->check_unicast_src) {
                r = check_unicast_source(cfg, meta, ret);
                if (r < 0)
                        return r;
        }

        if (!check_address_list_matches(cfg, adv, meta))
                notes |= 1u << VRRP_RX_NOTE_ADDRESS_LIST;
        if (adv->checksum != VRRP_CHECKSUM_RFC)
                notes |= 1u << VRRP_RX_NOTE_CHECKSUM_LEGACY;
        /* RFC 9568 §7.1 has no interval check for v3: the backup adopts the master's (§6.4.2). */
        if (adv->version == 3 && adv->adver_int_cs != cfg->adver_int_cs)
                notes |= 1u << VRRP_RX_NOTE_INTERVAL;
        *ret = (VrrpRxResult){ .notes = notes };
        return 0;
}
