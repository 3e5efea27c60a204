#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "util/cleanup.h"
#include "vtest.h"

/* The virtual MAC keywords in every form keepalived accepts, and their located errors. */

static int load(const char *text, Config **ret, ConfDiags *d) {
        ConfLoadOptions o = { .hostname = "host.example" };

        *d = (ConfDiags){};
        *ret = NULL;
        return conf_load_buffer("t.conf", text, strlen(text), &o, ret, d);
}

/* One instance with interface eth0, VRID 7, and the given lines inside it. */
static int load_instance(const char *lines, Config **ret, ConfDiags *d) {
        _cleanup_free_ char *text = NULL;

        ASSERT_TRUE(asprintf(&text, "vrrp_instance v {\n interface eth0\n virtual_router_id 7\n%s}\n", lines) > 0);
        return load(text, ret, d);
}

/* The formatted errors of d, in order, one per line. */
static char *errors_of(const ConfDiags *d) {
        char *all = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&all, &size);

        ASSERT_TRUE(f != NULL);
        for (size_t k = 0; k < d->n_items; k++) {
                _cleanup_free_ char *line = NULL;

                if (d->items[k].level != CONF_DIAG_ERROR)
                        continue;
                ASSERT_OK(conf_diag_format(&d->items[k], &line));
                fprintf(f, "%s\n", line);
        }
        ASSERT_OK(fclose(f));
        return all;
}

static const ConfVmac *vmac_of(const char *lines, Config **c, ConfDiags *d) {
        ASSERT_OK(load_instance(lines, c, d));
        return &(*c)->instances[0].vmac;
}

TEST(vmac_bare) {
        Config *c;
        ConfDiags d;
        const ConfVmac *v = vmac_of(" use_vmac\n", &c, &d);

        ASSERT_TRUE(v->enabled);
        ASSERT_STREQ(v->name, "vrrp.7"); /* keepalived's name for it */
        ASSERT_FALSE(v->has_mac || v->has_group || v->netlink_notify || v->addr || v->xmit_base);
        ASSERT_EQ(v->loc.line, 4);
        conf_free(c);
        conf_diag_done(&d);
}

TEST(vmac_every_part_in_any_order) {
        static const uint8_t mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x20, 0x00 };
        Config *c;
        ConfDiags d;
        const ConfVmac *v = vmac_of(" use_vmac group 5 02:00:5E:10:20 netlink_notify_msg vr7\n use_vmac_addr\n"
                                    " vmac_xmit_base\n", &c, &d);

        ASSERT_STREQ(v->name, "vr7");
        ASSERT_TRUE(v->has_mac && v->mac_vrid);
        ASSERT_MEMEQ(v->mac, mac, 5);
        ASSERT_TRUE(v->netlink_notify);
        ASSERT_TRUE(v->has_group);
        ASSERT_EQ(v->group, 5);
        ASSERT_TRUE(v->addr && v->xmit_base);
        conf_free(c);
        conf_diag_done(&d);
}

TEST(vmac_name_keyword_takes_any_word) {
        Config *c;
        ConfDiags d;
        const ConfVmac *v = vmac_of(" use_vmac 02:11:22:33:44:55 name group group default\n", &c, &d);

        ASSERT_STREQ(v->name, "group");
        ASSERT_TRUE(v->has_mac && !v->mac_vrid);
        ASSERT_EQ(v->mac[5], 0x55);
        ASSERT_TRUE(v->has_group);
        ASSERT_EQ(v->group, 0);
        conf_free(c);
        conf_diag_done(&d);
}

/* Unnamed macvlans get keepalived's names: PREFIX.VRID, IPv6 then PREFIX6.VRID, then PREFIX1.VRID, … */
TEST(vmac_default_names) {
        Config *c;
        ConfDiags d;

        ASSERT_OK(load("global_defs {\n vmac_prefix keepalived_vm\n}\n"
                       "vrrp_instance a {\n interface eth0\n virtual_router_id 7\n use_vmac keepalived_vm.7\n}\n"
                       "vrrp_instance b {\n interface eth0\n virtual_router_id 7\n use_vmac\n"
                       " virtual_ipaddress {\n  2001:db8::7\n }\n}\n"
                       "vrrp_instance c {\n interface eth1\n virtual_router_id 7\n use_vmac\n}\n"
                       "vrrp_instance d {\n interface eth1\n virtual_router_id 200\n use_vmac\n}\n",
                       &c, &d));
        /* the prefix is cut so that "6.7", "1.7" or ".200" fit in 15 characters */
        ASSERT_STREQ(c->instances[0].vmac.name, "keepalived_vm.7");
        ASSERT_STREQ(c->instances[1].vmac.name, "keepalived_v6.7");
        ASSERT_STREQ(c->instances[2].vmac.name, "keepalived_v1.7");
        ASSERT_STREQ(c->instances[3].vmac.name, "keepalived_.200");
        conf_free(c);
        conf_diag_done(&d);
}

static void expect_error(const char *lines, const char *want) {
        Config *c;
        ConfDiags d;
        _cleanup_free_ char *got = NULL;

        ASSERT_ERROR(load_instance(lines, &c, &d), EINVAL);
        got = errors_of(&d);
        ASSERT_STREQ(got, want);
        conf_diag_done(&d);
}

TEST(vmac_bad_parts_are_located_errors) {
        expect_error(" use_vmac 02:00:5e:00\n",
                     "t.conf:4:11: error: invalid MAC address '02:00:5e:00' for 'use_vmac'; expected six octets "
                     "(or five, the VRID being the sixth) like 02:00:5e:00:01:07\n");
        expect_error(" use_vmac 02:00:5e:00:01:02:\n",
                     "t.conf:4:11: error: invalid MAC address '02:00:5e:00:01:02:' for 'use_vmac'; expected six "
                     "octets (or five, the VRID being the sixth) like 02:00:5e:00:01:07\n");
        expect_error(" use_vmac 02:00:5e:00:1234:02\n",
                     "t.conf:4:11: error: invalid MAC address '02:00:5e:00:1234:02' for 'use_vmac'; expected six "
                     "octets (or five, the VRID being the sixth) like 02:00:5e:00:01:07\n");
        expect_error(" use_vmac 02:00:5e:00:01:02:03\n",
                     "t.conf:4:11: error: invalid MAC address '02:00:5e:00:01:02:03' for 'use_vmac'; expected six "
                     "octets (or five, the VRID being the sixth) like 02:00:5e:00:01:07\n");
        expect_error(" use_vmac 02:00:5g:00:01:02\n",
                     "t.conf:4:11: error: invalid MAC address '02:00:5g:00:01:02' for 'use_vmac'; expected six "
                     "octets (or five, the VRID being the sixth) like 02:00:5e:00:01:07\n");
        expect_error(" use_vmac 01:00:5e:00:00:01\n",
                     "t.conf:4:11: error: 'use_vmac' MAC address '01:00:5e:00:00:01' is a multicast address\n");
        expect_error(" use_vmac 00:00:5e:00:01:07\n",
                     "t.conf:4:11: error: 'use_vmac' MAC address '00:00:5e:00:01:07' is in the VRRP range "
                     "00:00:5e:00:01|02:XX, which vrrpd uses already; leave the MAC out for it\n");
        expect_error(" use_vmac a b\n",
                     "t.conf:4:13: error: 'use_vmac' has an interface name already; 'b' is a second one\n");
        expect_error(" use_vmac 02:00:00:00:00:01 02:00:00:00:00:02\n",
                     "t.conf:4:29: error: 'use_vmac' has a MAC address already; '02:00:00:00:00:02' is a second "
                     "one\n");
        expect_error(" use_vmac vrrp/7\n",
                     "t.conf:4:11: error: invalid interface name 'vrrp/7' for 'use_vmac'; expected 1 to 15 "
                     "characters without '/', ':' or blanks\n");
        expect_error(" use_vmac a234567890123456\n",
                     "t.conf:4:11: error: invalid interface name 'a234567890123456' for 'use_vmac'; expected 1 to "
                     "15 characters without '/', ':' or blanks\n");
        expect_error(" use_vmac group\n",
                     "t.conf:4:11: error: missing value after 'group'; expected a link group number or a name from "
                     "/etc/iproute2/group\n");
        expect_error(" use_vmac group no-such-group\n",
                     "t.conf:4:17: error: unknown link group 'no-such-group'; expected a number or a name from "
                     "/etc/iproute2/group\n");
        expect_error(" use_vmac eth0\n",
                     "t.conf:4:2: error: 'use_vmac' names eth0, the instance's own interface; the link needs a "
                     "name of its own\n");
        expect_error(" use_vmac\n vmac_xmit_base\n strict_mode\n virtual_ipaddress {\n  192.0.2.7\n }\n",
                     "t.conf:4:2: error: 'vmac_xmit_base' cannot go with strict mode, which sends adverts from the "
                     "virtual MAC\n");
}

TEST(vmac_name_belongs_to_one_instance) {
        Config *c;
        ConfDiags d;
        _cleanup_free_ char *got = NULL;

        ASSERT_ERROR(load("vrrp_instance a {\n interface eth0\n virtual_router_id 1\n use_vmac vr\n}\n"
                          "vrrp_instance b {\n interface eth0\n virtual_router_id 2\n use_vmac vr\n}\n",
                          &c, &d),
                     EINVAL);
        got = errors_of(&d);
        ASSERT_STREQ(got, "t.conf:9:2: error: interface vr is already made by vrrp_instance 'a' at t.conf:4\n");
        conf_diag_done(&d);
}

TEST(vmac_prefixes) {
        Config *c;
        ConfDiags d;
        bool cut = false;

        ASSERT_OK(load("global_defs {\n vmac_prefix keepalived_v\n vmac_addr_prefix va\n}\n", &c, &d));
        ASSERT_STREQ(c->global.vmac_prefix, "keepalived_v");
        ASSERT_STREQ(c->global.vmac_addr_prefix, "va");
        for (size_t k = 0; k < d.n_items; k++)
                cut |= d.items[k].line == 2 && strstr(d.items[k].message, "cut to fit") != NULL;
        ASSERT_TRUE(cut);
        conf_free(c);
        conf_diag_done(&d);
        ASSERT_ERROR(load("global_defs {\n vmac_prefix a:b\n}\n", &c, &d), EINVAL);
        conf_diag_done(&d);
}

/* garp_extra_if [all] N in either order, its global default, and the deprecated spellings. */
TEST(garp_extra_if_forms) {
        Config *c;
        ConfDiags d;
        bool deprecated = false;

        ASSERT_OK(load("global_defs {\n vrrp_vmac_garp_intvl all 30\n}\n"
                       "vrrp_instance a {\n interface eth0\n virtual_router_id 1\n garp_extra_if 100 all\n}\n"
                       "vrrp_instance b {\n interface eth0\n virtual_router_id 2\n vmac_garp_intvl 0\n}\n"
                       "vrrp_instance c {\n interface eth0\n virtual_router_id 3\n}\n", &c, &d));
        ASSERT_EQ(c->instances[0].garp_extra_if, 100 * USEC_PER_SEC);
        ASSERT_TRUE(c->instances[0].garp_extra_all);
        ASSERT_EQ(c->instances[1].garp_extra_if, 0);
        ASSERT_FALSE(c->instances[1].garp_extra_all);
        ASSERT_EQ(c->instances[2].garp_extra_if, 30 * USEC_PER_SEC); /* from global_defs, "all" with it */
        ASSERT_TRUE(c->instances[2].garp_extra_all);
        for (size_t k = 0; k < d.n_items; k++)
                deprecated |= d.items[k].line == 2 && strstr(d.items[k].message, "use 'vrrp_garp_extra_if'");
        ASSERT_TRUE(deprecated);
        conf_free(c);
        conf_diag_done(&d);
        expect_error(" garp_extra_if all\n", "t.conf:4:2: error: 'garp_extra_if' needs an interval in seconds\n");
        expect_error(" garp_extra_if 86401\n",
                     "t.conf:4:16: error: invalid garp_extra_if '86401'; expected an integer from 0 to 86400\n");
}

/* use_ipvlan in every form keepalived 2.4 reads, and its located errors. */
TEST(ipvlan_forms) {
        Config *c;
        ConfDiags d;
        const ConfIpvlan *v;

        ASSERT_OK(load_instance(" use_ipvlan private 192.0.2.9/24 group 3 name bridge\n", &c, &d));
        v = &c->instances[0].ipvlan;
        ASSERT_TRUE(v->enabled && v->has_addr && v->has_group);
        ASSERT_STREQ(v->name, "bridge");
        ASSERT_EQ(v->mode, CONF_IPVLAN_PRIVATE);
        ASSERT_EQ(v->prefixlen, 24);
        ASSERT_EQ(v->group, 3);
        conf_free(c);
        conf_diag_done(&d);
        ASSERT_OK(load_instance(" use_ipvlan 192.0.2.9\n", &c, &d));
        v = &c->instances[0].ipvlan;
        ASSERT_STREQ(v->name, "vrrp.7"); /* named as use_vmac's macvlan would be */
        ASSERT_EQ(v->mode, CONF_IPVLAN_BRIDGE);
        ASSERT_EQ(v->prefixlen, 32);
        conf_free(c);
        conf_diag_done(&d);
        expect_error(" use_ipvlan ipv1\n", "t.conf:4:2: error: 'use_ipvlan' of an IPv4 instance needs an address for "
                     "the ipvlan (ADDR/PREFIX), as keepalived says\n");
        expect_error(" use_ipvlan 192.0.2.9/33\n",
                     "t.conf:4:13: error: invalid prefix length in '192.0.2.9/33'; expected 0 to 32\n");
        expect_error(" use_ipvlan 192.0.2.9 vepa bridge\n",
                     "t.conf:4:28: error: 'use_ipvlan' has a mode already; 'bridge' is a second one\n");
        expect_error(" use_ipvlan 2001:db8::9\n",
                     "t.conf:4:2: error: the 'use_ipvlan' address is not of the instance's family\n");
        expect_error(" use_vmac\n use_ipvlan 192.0.2.9\n",
                     "t.conf:5:2: error: 'use_ipvlan' cannot go with 'use_vmac': an instance has one of them\n");
}

/* Which VIPs get a macvlan of their own (keepalived's rule), and its name. */
TEST(vip_vmac_names) {
        Config *c;
        ConfDiags d;
        const ConfInstance *i;

        ASSERT_OK(load("global_defs {\n vmac_addr_prefix va\n}\n"
                       "vrrp_instance a {\n interface eth0\n virtual_router_id 7\n use_vmac\n use_vmac_addr\n"
                       " virtual_ipaddress {\n  192.0.2.7/24\n  198.51.100.7/24 dev eth1\n  198.51.100.8/24 dev eth1\n }\n"
                       " virtual_ipaddress_excluded {\n  2001:db8::7/64\n }\n}\n"
                       "vrrp_instance b {\n interface eth0\n virtual_router_id 8\n"
                       " virtual_ipaddress {\n  192.0.2.8/24\n  192.0.2.9/24 use_vmac\n }\n}\n", &c, &d));
        i = &c->instances[0];
        ASSERT_TRUE(i->vips[0].vmac_name == NULL);          /* on the instance's macvlan */
        ASSERT_STREQ(i->vips[1].vmac_name, "va.7");          /* another interface: one of its own */
        ASSERT_STREQ(i->vips[2].vmac_name, "va.7");          /* the same interface and family: the same one */
        ASSERT_STREQ(i->excluded_vips[0].vmac_name, "va6.7"); /* the other family, on the instance's interface */
        i = &c->instances[1];
        ASSERT_TRUE(i->vips[0].vmac_name == NULL);
        ASSERT_STREQ(i->vips[1].vmac_name, "va.8");          /* its own use_vmac, with no instance macvlan */
        conf_free(c);
        conf_diag_done(&d);
}
