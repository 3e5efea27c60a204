#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf-json.h"
#include "conf/conf-util.h"
#include "conf/conf.h"
#include "util/cleanup.h"
#include "vtest.h"

static int load(const char *text, Config **ret, ConfDiags *d) {
        ConfLoadOptions o = { .hostname = "host.example" };

        *d = (ConfDiags){};
        *ret = NULL;
        return conf_load_buffer("t.conf", text, strlen(text), &o, ret, d);
}

TEST(parse_instance_model) {
        Config *c;
        ConfDiags d;

        ASSERT_OK(load("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 7\n advert_int 0.5\n version 3\n"
                       " virtual_ipaddress {\n  192.0.2.1/24 brd + dev eth0\n }\n unicast_peer {\n  192.0.2.9\n }\n}\n",
                       &c, &d));
        ASSERT_EQ(d.n_items, 0);
        ASSERT_EQ(c->n_instances, 1);
        const ConfInstance *i = conf_find_instance(c, "VI_1");
        ASSERT_TRUE(i != NULL);
        ASSERT_EQ(i->vrid, 7);
        ASSERT_EQ(i->priority, 100);
        ASSERT_EQ(i->state, CONF_STATE_BACKUP);
        ASSERT_EQ(i->version, 3);
        ASSERT_EQ(i->advert_int, 500 * USEC_PER_MSEC);
        ASSERT_EQ(i->family, AF_INET);
        ASSERT_EQ(i->n_vips, 1);
        ASSERT_EQ(i->vips[0].prefixlen, 24);
        ASSERT_TRUE(i->vips[0].has_brd);
        ASSERT_EQ(ntohl(i->vips[0].brd.in.s_addr), 0xc00002ffu);
        ASSERT_EQ(i->n_unicast_peers, 1);
        ASSERT_EQ(i->loc.line, 1);
        ASSERT_EQ(i->loc.column, 15);
        ASSERT_STREQ(c->global.router_id, "host.example");
        ASSERT_STREQ(c->global.privileged_group, "vrrpd");
        ASSERT_TRUE(conf_find_instance(c, "nope") == NULL);
        conf_free(c);
        conf_diag_done(&d);
}

TEST(parse_errors_are_collected_not_fatal) {
        Config *c;
        ConfDiags d;

        ASSERT_ERROR(load("vrrp_instance A {\n priority 256\n virtual_router_id x\n bogus\n}\n}\n", &c, &d), EINVAL);
        ASSERT_TRUE(c == NULL);
        ASSERT_EQ(d.n_errors, 5); /* priority, vrid, bogus, stray '}', no interface */
        char *line = NULL;
        ASSERT_OK(conf_diag_format(&d.items[0], &line));
        ASSERT_STREQ(line, "t.conf:2:11: error: invalid priority '256'; expected an integer from 1 to 255");
        free(line);
        conf_diag_done(&d);
}

/* A second object of a kind with a taken name is refused where it is named, pointing at the first. */
TEST(parse_duplicate_names) {
        static const char *const text =
                "vrrp_script s { script /bin/true }\n"
                "track_file f { file /tmp/f }\n"
                "vrrp_instance a { interface eth0\n virtual_router_id 1\n}\n"
                "vrrp_instance b { interface eth0\n virtual_router_id 2\n}\n"
                "vrrp_sync_group g { group { a } }\n"
                "vrrp_script s { script /bin/false }\n"
                "track_file f { file /tmp/g }\n"
                "vrrp_instance a { interface eth1\n virtual_router_id 3\n}\n"
                "vrrp_sync_group g { group { b } }\n";
        static const char *const want[] = {
                "t.conf:10:13: error: vrrp_script 's' is already defined at t.conf:1",
                "t.conf:11:12: error: track_file 'f' is already defined at t.conf:2",
                "t.conf:12:15: error: vrrp_instance 'a' is already defined at t.conf:3",
                "t.conf:15:17: error: vrrp_sync_group 'g' is already defined at t.conf:9",
        };
        Config *c;
        ConfDiags d;

        ASSERT_ERROR(load(text, &c, &d), EINVAL);
        ASSERT_EQ(d.n_errors, ELEMENTSOF(want));
        for (size_t k = 0; k < ELEMENTSOF(want); k++) {
                char *line = NULL;
                ASSERT_OK(conf_diag_format(&d.items[k], &line));
                ASSERT_STREQ(line, want[k]);
                free(line);
        }
        conf_diag_done(&d);
}

/* Every object is found by name among hundreds defined out of name order, and each later instance with a
 * taken (interface, family, VRID) is reported against the first one. */
TEST(parse_lookups_and_identities) {
        char *text = NULL, *line = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&text, &size);
        Config *c;
        ConfDiags d;

        ASSERT_TRUE(f != NULL);
        for (int k = 300; k > 0; k--)
                fprintf(f, "vrrp_script s%d { script /bin/true }\nvrrp_instance i%d { interface eth%d\n"
                        " virtual_router_id %d\n}\n", k, k, k > 150, (k - 1) % 150 + 1);
        fprintf(f, "vrrp_instance x { interface eth0\n virtual_router_id 2\n}\n");
        ASSERT_OK(fclose(f));
        ASSERT_ERROR(load(text, &c, &d), EINVAL);
        ASSERT_EQ(d.n_errors, 1); /* i152 and i2 differ by interface; x takes i2's */
        ASSERT_EQ(d.items[d.n_items - 1].level, CONF_DIAG_ERROR); /* after a warning for each instance */
        ASSERT_OK(conf_diag_format(&d.items[d.n_items - 1], &line));
        ASSERT_STREQ(line, "t.conf:1202:20: error: virtual_router_id 2 on eth0 (IPv4) is already used by "
                     "vrrp_instance 'i2' at t.conf:1194");
        free(line);
        conf_diag_done(&d);
        free(text);
}

TEST(parse_finds_every_object) {
        char *text = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&text, &size);
        Config *c;
        ConfDiags d;

        ASSERT_TRUE(f != NULL);
        for (int k = 250; k > 0; k--)
                fprintf(f, "vrrp_script s%d { script /bin/true }\ntrack_file f%d { file /tmp/f }\n"
                        "vrrp_instance i%d { interface eth0\n virtual_router_id %d\n}\n"
                        "vrrp_sync_group g%d { group { i%d } }\n", k, k, k, k, k, k);
        ASSERT_OK(fclose(f));
        ASSERT_OK(load(text, &c, &d));
        for (int k = 1; k <= 250; k++) {
                char name[16];
                snprintf(name, sizeof(name), "i%d", k);
                ASSERT_EQ(conf_find_instance(c, name)->vrid, k);
                name[0] = 's';
                ASSERT_STREQ(conf_find_script(c, name)->name, name);
                name[0] = 'f';
                ASSERT_STREQ(conf_find_track_file(c, name)->name, name);
                name[0] = 'g';
                ASSERT_STREQ(conf_find_sync_group(c, name)->members[0].name + 1, name + 1);
                name[0] = 'x';
                ASSERT_TRUE(!conf_find_instance(c, name) && !conf_find_script(c, name));
        }
        conf_free(c);
        conf_diag_done(&d);
        free(text);
}

TEST(parse_timers) {
        Config *c;
        ConfDiags d;

        ASSERT_ERROR(load("global_defs {\n vrrp_startup_delay 1.2.3\n vrrp_garp_master_delay 0.0000001\n}\n", &c, &d),
                     EINVAL);
        ASSERT_EQ(d.n_errors, 2);
        ASSERT_EQ(d.items[1].column, 25);
        conf_diag_done(&d);

        ASSERT_OK(load("global_defs {\n vrrp_startup_delay 2.000001\n vrrp_strict off\n}\n", &c, &d));
        ASSERT_EQ(c->global.startup_delay, 2 * USEC_PER_SEC + 1);
        ASSERT_FALSE(c->global.strict);
        conf_free(c);
        conf_diag_done(&d);
}

TEST(util_suggest) {
        static const char *const names[] = { "priority", "preempt_delay", "virtual_router_id" };

        ASSERT_EQ(conf_util_edit_distance("kitten", "sitting"), 3);
        ASSERT_STREQ(conf_util_suggest("priorty", names, 3), "priority");
        ASSERT_STREQ(conf_util_suggest("virtual_routerid", names, 3), "virtual_router_id");
        ASSERT_TRUE(conf_util_suggest("xyz", names, 3) == NULL);
}

TEST(json_escapes_strings) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        ConfJson j = { .f = f };

        ASSERT_TRUE(f != NULL);
        conf_json_begin_array(&j);
        conf_json_string(&j, "a\"b\\c\nd\te\x01 \xc3\xa9 \xff");
        conf_json_null(&j);
        conf_json_int(&j, -5);
        conf_json_begin_object(&j);
        conf_json_end_object(&j);
        conf_json_end_array(&j);
        fclose(f);
        ASSERT_STREQ(buf, "[\n  \"a\\\"b\\\\c\\nd\\te\\u0001 \xc3\xa9 \\ufffd\",\n  null,\n  -5,\n  {}\n]\n");
        free(buf);
}

/* --print-config shows only auth_pass's length (a secret); the value itself is checked here. */
TEST(auth_pass_value_with_env_and_truncation) {
        Config *c;
        ConfDiags d;

        ASSERT_OK(unsetenv("VRRPD_UNIT_UNSET"));
        ASSERT_OK(load("vrrp_instance A {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress { 192.0.2.1 }\n"
                       " authentication {\n  auth_type PASS\n  auth_pass x${_ENV VRRPD_UNIT_UNSET}y\n }\n}\n"
                       "vrrp_instance B {\n interface eth0\n virtual_router_id 2\n virtual_ipaddress { 192.0.2.2 }\n"
                       " authentication {\n  auth_type PASS\n  auth_pass 1234567890\n }\n}\n",
                       &c, &d));
        ASSERT_STREQ(conf_find_instance(c, "A")->auth_pass, "xy");
        ASSERT_STREQ(conf_find_instance(c, "B")->auth_pass, "12345678");
        ASSERT_EQ(d.n_items, 1); /* the truncation, which does not quote it */
        conf_free(c);
        conf_diag_done(&d);
}
