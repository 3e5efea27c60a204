#include <arpa/inet.h>
#include <errno.h>
#include <sys/socket.h>

#include "core/vrrp-check.h"
#include "vtest.h"

/* One instance per test: v2 over IPv4 with PASS authentication (as keepalived-capture.conf's v2_pass),
 * VRID 52, 2 s adverts, VIPs 192.0.2.102 and 192.0.2.103, taking a matching advert from 192.0.2.1 over
 * multicast. */
typedef struct Fixture {
        VrrpAddr vips[2];
        VrrpRxPeer peers[2];
        VrrpRxConfig cfg;
        VrrpAdvert adv;
        VrrpRxMeta meta;
        VrrpRxResult res;
} Fixture;

static VrrpAddr addr(int family, const char *s) {
        VrrpAddr a = {};

        if (inet_pton(family, s, a.bytes) != 1)
                VTEST_FAIL("bad address '%s'", s);
        return a;
}

static void fixture_init(Fixture *f) {
        *f = (Fixture) {};
        f->vips[0] = addr(AF_INET, "192.0.2.102");
        f->vips[1] = addr(AF_INET, "192.0.2.103");
        f->peers[0] = (VrrpRxPeer) { .addr = addr(AF_INET, "192.0.2.1"), .min_ttl = 0, .max_ttl = 255 };
        f->peers[1] = (VrrpRxPeer) { .addr = addr(AF_INET, "192.0.2.5"), .min_ttl = 250, .max_ttl = 255 };
        f->cfg = (VrrpRxConfig) {
                .version = 2,
                .family = AF_INET,
                .vrid = 52,
                .auth_type = VRRP_AUTH_PASS,
                .auth_pass = "vrrpd42",
                .adver_int_cs = 200,
                .vips = f->vips,
                .n_vips = 2,
        };
        f->adv = (VrrpAdvert) {
                .version = 2,
                .vrid = 52,
                .priority = 150,
                .n_addrs = 2,
                .adver_int_cs = 200,
                .auth_type = VRRP_AUTH_PASS,
                .auth_data = "vrrpd42",
                .checksum = VRRP_CHECKSUM_RFC,
        };
        f->adv.addrs[0] = f->vips[0];
        f->adv.addrs[1] = f->vips[1];
        f->meta = (VrrpRxMeta) { .ttl = 255, .src = addr(AF_INET, "192.0.2.1"), .dst_multicast = true };
}

/* The fixture as a unicast instance with the source check on and peers 192.0.2.1 (any TTL) and 192.0.2.5
 * (TTL 250 to 255), receiving unicast. */
static void fixture_unicast(Fixture *f) {
        f->cfg.unicast = true;
        f->cfg.check_unicast_src = true;
        f->cfg.peers = f->peers;
        f->cfg.n_peers = 2;
        f->meta.dst_multicast = false;
}

static void assert_drop(Fixture *f, VrrpDrop expected) {
        f->res = (VrrpRxResult) { .drop = _VRRP_DROP_MAX };
        ASSERT_ERROR(vrrp_check_advert(&f->cfg, &f->adv, &f->meta, &f->res), EBADMSG);
        ASSERT_STREQ(vrrp_drop_to_string(f->res.drop), vrrp_drop_to_string(expected));
}

static void assert_accept(Fixture *f, unsigned notes) {
        f->res = (VrrpRxResult) { .notes = ~0u };
        ASSERT_OK(vrrp_check_advert(&f->cfg, &f->adv, &f->meta, &f->res));
        ASSERT_EQ(f->res.notes, notes);
}

TEST(accepts_matching_advert) {
        Fixture f;

        fixture_init(&f);
        assert_accept(&f, 0);
        f.adv.priority = 0; /* priority 0 is news for the FSM, not a receive error */
        assert_accept(&f, 0);
}

TEST(own_packet_dropped) {
        Fixture f;

        fixture_init(&f);
        f.meta.own = true;
        assert_drop(&f, VRRP_DROP_OWN_PACKET);
}

TEST(multicast_ttl_must_be_255) {
        Fixture f;

        fixture_init(&f);
        f.meta.ttl = 254;
        assert_drop(&f, VRRP_DROP_TTL);
        f.meta.ttl = 0;
        assert_drop(&f, VRRP_DROP_TTL);
        f.meta.ttl = -1; /* the socket layer could not tell */
        assert_accept(&f, 0);
}

TEST(unicast_has_no_fixed_ttl) {
        Fixture f;

        fixture_init(&f);
        fixture_unicast(&f);
        f.cfg.check_unicast_src = false;
        f.meta.ttl = 64; /* keepalived's IPv6 unicast adverts leave with the kernel's default hop limit */
        assert_accept(&f, 0);
        f.cfg.check_unicast_src = true;
        assert_accept(&f, 0); /* 192.0.2.1 takes any TTL */
}

TEST(unicast_peer_ttl_range) {
        Fixture f;

        fixture_init(&f);
        fixture_unicast(&f);
        f.meta.src = addr(AF_INET, "192.0.2.5");
        f.meta.ttl = 249;
        assert_drop(&f, VRRP_DROP_TTL);
        f.meta.ttl = 250;
        assert_accept(&f, 0);
}

TEST(unicast_source_must_be_a_peer) {
        Fixture f;

        fixture_init(&f);
        fixture_unicast(&f);
        f.meta.src = addr(AF_INET, "192.0.2.9");
        assert_drop(&f, VRRP_DROP_UNICAST_SOURCE);
        f.cfg.check_unicast_src = false; /* keepalived checks only when asked */
        assert_accept(&f, 0);
}

TEST(destination_must_match_mode) {
        Fixture f;

        fixture_init(&f);
        f.meta.dst_multicast = false;
        assert_drop(&f, VRRP_DROP_DESTINATION);
        fixture_unicast(&f);
        f.meta.dst_multicast = true;
        assert_drop(&f, VRRP_DROP_DESTINATION);
}

TEST(version_must_be_the_instances) {
        Fixture f;

        fixture_init(&f);
        f.adv.version = 3;
        assert_drop(&f, VRRP_DROP_VERSION);
}

TEST(unknown_vrid_dropped) {
        Fixture f;

        fixture_init(&f);
        f.adv.vrid = 53;
        assert_drop(&f, VRRP_DROP_VRID);
}

TEST(auth_type_must_be_configured_one) {
        Fixture f;

        fixture_init(&f);
        f.adv.auth_type = VRRP_AUTH_NONE;
        assert_drop(&f, VRRP_DROP_AUTH_TYPE);
        f.cfg.auth_type = VRRP_AUTH_NONE;
        f.adv.auth_type = VRRP_AUTH_PASS;
        assert_drop(&f, VRRP_DROP_AUTH_TYPE);
}

TEST(wrong_password_dropped) {
        Fixture f;

        fixture_init(&f);
        f.adv.auth_data[7] = 'x'; /* the padding counts too */
        assert_drop(&f, VRRP_DROP_AUTH);
        fixture_init(&f);
        f.adv.auth_data[0] = 'V';
        assert_drop(&f, VRRP_DROP_AUTH);
}

TEST(v2_interval_mismatch_dropped) {
        Fixture f;

        fixture_init(&f);
        f.adv.adver_int_cs = 100;
        assert_drop(&f, VRRP_DROP_INTERVAL);
}

TEST(v3_interval_mismatch_noted_not_dropped) {
        Fixture f;

        fixture_init(&f);
        f.cfg.version = f.adv.version = 3;
        f.cfg.auth_type = f.adv.auth_type = VRRP_AUTH_NONE;
        f.adv.adver_int_cs = 100;
        assert_accept(&f, 1u << VRRP_RX_NOTE_INTERVAL);
        /* v3 ignores the auth fields: parse never fills them, and a config's leftovers do not matter */
        f.cfg.auth_type = VRRP_AUTH_PASS;
        f.adv.adver_int_cs = 200;
        assert_accept(&f, 0);
}

TEST(address_list_mismatch_noted_not_dropped) {
        Fixture f;

        fixture_init(&f);
        f.adv.addrs[1] = addr(AF_INET, "192.0.2.104");
        assert_accept(&f, 1u << VRRP_RX_NOTE_ADDRESS_LIST);
        f.adv.n_addrs = 1; /* the count differs */
        assert_accept(&f, 1u << VRRP_RX_NOTE_ADDRESS_LIST);
        f.adv.addrs[1] = f.vips[1];
        f.adv.n_addrs = 3;
        f.adv.addrs[2] = addr(AF_INET, "192.0.2.104");
        assert_accept(&f, 1u << VRRP_RX_NOTE_ADDRESS_LIST);
        /* a duplicate cannot stand in for a missing address */
        f.adv.n_addrs = 2;
        f.adv.addrs[1] = f.vips[0];
        assert_accept(&f, 1u << VRRP_RX_NOTE_ADDRESS_LIST);
}

TEST(address_list_order_does_not_matter) {
        Fixture f;

        fixture_init(&f);
        f.adv.addrs[0] = f.vips[1];
        f.adv.addrs[1] = f.vips[0];
        assert_accept(&f, 0);
}

TEST(skip_check_adv_addr_spares_known_master) {
        Fixture f;

        fixture_init(&f);
        f.cfg.skip_check_adv_addr = true;
        f.adv.addrs[1] = addr(AF_INET, "192.0.2.104");
        assert_accept(&f, 1u << VRRP_RX_NOTE_ADDRESS_LIST); /* a new master is checked */
        f.meta.same_master = true;
        assert_accept(&f, 0);
        f.adv.n_addrs = 1; /* the count is always compared, as keepalived does */
        assert_accept(&f, 1u << VRRP_RX_NOTE_ADDRESS_LIST);
}

TEST(legacy_checksum_noted) {
        Fixture f;

        fixture_init(&f);
        f.cfg.version = f.adv.version = 3;
        f.cfg.auth_type = f.adv.auth_type = VRRP_AUTH_NONE;
        f.adv.checksum = VRRP_CHECKSUM_V3_AS_V2;
        assert_accept(&f, 1u << VRRP_RX_NOTE_CHECKSUM_LEGACY);
        f.adv.checksum = VRRP_CHECKSUM_MCAST_DST;
        assert_accept(&f, 1u << VRRP_RX_NOTE_CHECKSUM_LEGACY);
}

TEST(ipv6_instance) {
        Fixture f;

        fixture_init(&f);
        f.cfg.version = f.adv.version = 3;
        f.cfg.family = AF_INET6;
        f.cfg.auth_type = f.adv.auth_type = VRRP_AUTH_NONE;
        f.vips[0] = f.adv.addrs[1] = addr(AF_INET6, "2001:db8:1::100");
        f.vips[1] = f.adv.addrs[0] = addr(AF_INET6, "2001:db8:1::101");
        f.meta.src = addr(AF_INET6, "fe80::ff:fe00:1");
        assert_accept(&f, 0);
        /* IPv6 addresses compare on all 16 bytes */
        f.adv.addrs[0].bytes[15] = 0x02;
        assert_accept(&f, 1u << VRRP_RX_NOTE_ADDRESS_LIST);
        f.meta.ttl = 1;
        assert_drop(&f, VRRP_DROP_TTL);
}

TEST(checks_run_in_rfc_order) {
        Fixture f;

        /* everything wrong at once: each fix reveals the next check of RFC 9568 §7.1 / RFC 3768 §7.1 */
        fixture_init(&f);
        f.meta.own = true;
        f.meta.ttl = 254;
        f.adv.version = 3;
        f.adv.vrid = 9;
        fixture_unicast(&f);
        f.meta.dst_multicast = true;
        f.cfg.unicast = false;
        assert_drop(&f, VRRP_DROP_OWN_PACKET);
        f.meta.own = false;
        assert_drop(&f, VRRP_DROP_TTL);
        f.meta.ttl = 255;
        assert_drop(&f, VRRP_DROP_VERSION);
        f.adv.version = 2;
        assert_drop(&f, VRRP_DROP_VRID);
        f.adv.vrid = 52;
        f.adv.auth_data[0] = 0;
        f.adv.adver_int_cs = 300;
        assert_drop(&f, VRRP_DROP_AUTH);
        f.adv.auth_data[0] = 'v';
        assert_drop(&f, VRRP_DROP_INTERVAL);
        f.adv.adver_int_cs = 200;
        f.cfg.unicast = true;
        f.meta.src = addr(AF_INET, "192.0.2.9");
        assert_drop(&f, VRRP_DROP_DESTINATION);
        f.meta.dst_multicast = false;
        assert_drop(&f, VRRP_DROP_UNICAST_SOURCE);
        f.meta.src = addr(AF_INET, "192.0.2.1");
        assert_accept(&f, 0);
}

TEST(check_refuses_bad_arguments) {
        Fixture f;

        fixture_init(&f);
        ASSERT_ERROR(vrrp_check_advert(NULL, &f.adv, &f.meta, &f.res), EINVAL);
        ASSERT_ERROR(vrrp_check_advert(&f.cfg, &f.adv, &f.meta, NULL), EINVAL);
        f.cfg.vips = NULL;
        ASSERT_ERROR(vrrp_check_advert(&f.cfg, &f.adv, &f.meta, &f.res), EINVAL);
}

TEST(note_words) {
        ASSERT_STREQ(vrrp_check_note_to_string(VRRP_RX_NOTE_ADDRESS_LIST), "address-list");
        ASSERT_STREQ(vrrp_check_note_to_string(VRRP_RX_NOTE_CHECKSUM_LEGACY), "checksum-legacy");
        ASSERT_STREQ(vrrp_check_note_to_string(VRRP_RX_NOTE_INTERVAL), "interval-mismatch");
        ASSERT_TRUE(vrrp_check_note_to_string(_VRRP_RX_NOTE_MAX) == NULL);
        /* a note and a drop never share a counter name */
        for (int n = 0; n < _VRRP_RX_NOTE_MAX; n++)
                for (int d = 0; d < _VRRP_DROP_MAX; d++)
                        ASSERT_TRUE(strcmp(vrrp_check_note_to_string(n), vrrp_drop_to_string(d)) != 0);
}
