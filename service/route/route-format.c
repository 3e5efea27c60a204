#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>

#include "conf/conf-model.h"
#include "route/route-format.h"
#include "util/cleanup.h"

/* What put writes about obj, as a string of its own. */
static int format_with(void (*put)(FILE *f, const void *obj), const void *obj, char **ret) {
        _cleanup_free_ char *s = NULL;
        size_t n = 0;
        FILE *f;

        assert(ret);

        f = open_memstream(&s, &n);
        if (!f)
                return -ENOMEM;
        put(f, obj);
        if (fclose(f) != 0)
                return -ENOMEM;
        *ret = TAKE_PTR(s);
        return 0;
}

static const char *route_type_name(uint8_t type) {
        static const char *const names[] = {
                [RTN_UNICAST] = "", [RTN_LOCAL] = "local ", [RTN_BROADCAST] = "broadcast ",
                [RTN_ANYCAST] = "anycast ", [RTN_MULTICAST] = "multicast ", [RTN_BLACKHOLE] = "blackhole ",
                [RTN_UNREACHABLE] = "unreachable ", [RTN_PROHIBIT] = "prohibit ", [RTN_THROW] = "throw ",
                [RTN_NAT] = "nat ",
        };

        return type < sizeof(names) / sizeof(names[0]) && names[type] ? names[type] : "";
}

static void put_addr(FILE *f, const char *word, int family, const VrrpAddr *a, int len) {
        char buf[INET6_ADDRSTRLEN];

        fprintf(f, "%s%s", word, inet_ntop(family, a, buf, sizeof(buf)));
        if (len >= 0)
                fprintf(f, "/%d", len);
}

static void route_put_nexthops(FILE *f, const ConfRoute *r) {
        for (size_t k = 0; k < r->n_nexthops; k++) {
                const ConfNexthop *nh = &r->nexthops[k];

                fputs(" nexthop", f);
                if (nh->via_family)
                        put_addr(f, " via ", nh->via_family, &nh->via, -1);
                if (nh->dev)
                        fprintf(f, " dev %s", nh->dev);
                if (nh->weight > 0)
                        fprintf(f, " weight %d", nh->weight);
                if (nh->onlink)
                        fputs(" onlink", f);
        }
}

static void route_put(FILE *f, const void *obj) {
        const ConfRoute *r = obj;

        fputs(route_type_name(r->type), f);
        put_addr(f, "", r->family, &r->dst, r->dst_len);
        if (r->has_from)
                put_addr(f, " from ", r->family, &r->from, r->from_len);
        if (r->has_src)
                put_addr(f, " src ", r->family, &r->src, -1);
        if (r->via_family)
                put_addr(f, " via ", r->via_family, &r->via, -1);
        if (r->dev)
                fprintf(f, " dev %s", r->dev);
        if (r->has_table)
                fprintf(f, " table %u", r->table);
        if (r->has_metric)
                fprintf(f, " metric %u", r->metric);
        if (r->scope != CONF_UNSET)
                fprintf(f, " scope %d", r->scope);
        if (r->onlink)
                fputs(" onlink", f);
        route_put_nexthops(f, r);
        if (r->no_track)
                fputs(" no_track", f);
}

int route_format(const ConfRoute *r, char **ret) {
        assert(r);
        return format_with(route_put, r, ret);
}

static const char *rule_action_name(uint8_t action) {
        switch (action) {
        case FR_ACT_BLACKHOLE:
                return " blackhole";
        case FR_ACT_UNREACHABLE:
                return " unreachable";
        case FR_ACT_PROHIBIT:
                return " prohibit";
        case FR_ACT_NOP:
                return " nop";
        default:
                return "";
        }
}

static void rule_put(FILE *f, const void *obj) {
        const ConfRule *r = obj;

        fputs(r->family == AF_INET6 ? "inet6" : "inet", f);
        if (r->has_priority)
                fprintf(f, " priority %u", r->priority);
        if (r->invert)
                fputs(" not", f);
        if (r->has_from)
                put_addr(f, " from ", r->family, &r->from, r->from_len);
        else
                fputs(" from all", f);
        if (r->has_to)
                put_addr(f, " to ", r->family, &r->to, r->to_len);
        if (r->has_fwmark)
                fprintf(f, " fwmark 0x%x/0x%x", r->fwmark, r->fwmask);
        if (r->iif)
                fprintf(f, " iif %s", r->iif);
        if (r->oif)
                fprintf(f, " oif %s", r->oif);
        if (r->l3mdev)
                fputs(" l3mdev", f);
        if (r->action == FR_ACT_GOTO)
                fprintf(f, " goto %u", r->goto_target);
        else if (r->has_table)
                fprintf(f, " table %u", r->table);
        fputs(rule_action_name(r->action), f);
        if (r->no_track)
                fputs(" no_track", f);
}

int rule_format(const ConfRule *r, char **ret) {
        assert(r);
        return format_with(rule_put, r, ret);
}
