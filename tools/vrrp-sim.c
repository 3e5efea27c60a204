/* vrrp-sim: two VRRP routers on a simulated wire, in virtual time. Each router is the real protocol core
 * (service/core): its state machine decides, its adverts are encoded by the real codec, and the other router
 * decodes and checks them before its state machine sees them. tools/demo runs it until the live demo in
 * network namespaces lands; it needs no privileges and takes milliseconds. */

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/vrrp-check.h"
#include "core/vrrp-fsm.h"
#include "core/vrrp-packet.h"

#define SIM_ROUTERS 2
#define SIM_WIRE_DELAY_USEC 200 /* one hop on a LAN */
#define SIM_QUEUE 16

typedef struct SimRouter {
        const char *name;
        VrrpParams params;
        VrrpRxConfig rx;
        VrrpFsm fsm;
        VrrpAddr vip;
        usec_t timer_at;
        usec_t last_advert_at;
        usec_t became_master_at;
        bool alive;
        bool holds_vip;
} SimRouter;

typedef struct SimPacket {
        uint8_t buf[VRRP_PACKET_MAX_LEN];
        size_t len;
        size_t from;
        usec_t deliver_at;
} SimPacket;

typedef struct Sim {
        SimRouter routers[SIM_ROUTERS];
        SimPacket queue[SIM_QUEUE];
        size_t n_queued;
        usec_t start;
        usec_t now;
        VrrpAddr group;
} Sim;

static void sim_say(const Sim *s, const char *who, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void sim_say(const Sim *s, const char *who, const char *fmt, ...) {
        va_list ap;

        printf("  [%7.3f s] %-3s ", (double) (s->now - s->start) / USEC_PER_SEC, who);
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        putchar('\n');
}

static void sim_send(Sim *s, size_t from, uint8_t priority) {
        SimRouter *r = &s->routers[from];
        VrrpAdvert adv = {
                .version = r->params.version,
                .vrid = r->params.vrid,
                .priority = priority,
                .n_addrs = 1,
                .adver_int_cs = (uint16_t) (r->params.interval_usec / USEC_PER_CS),
        };
        SimPacket *p;

        if (s->n_queued == SIM_QUEUE)
                return; /* a full wire loses packets, as a real one would */
        p = &s->queue[s->n_queued];
        adv.addrs[0] = r->vip;
        if (vrrp_packet_build(&adv, AF_INET, &r->params.primary, &s->group, VRRP_CHECKSUM_RFC, p->buf,
                              sizeof(p->buf), &p->len) < 0)
                return;
        p->from = from;
        p->deliver_at = s->now + SIM_WIRE_DELAY_USEC;
        s->n_queued++;
        r->last_advert_at = s->now;
        if (priority == 0)
                sim_say(s, r->name, "sends a priority-0 advert: it resigns");
}

static void sim_apply(Sim *s, size_t i, const VrrpActions *a) {
        SimRouter *r = &s->routers[i];
        char vip[INET_ADDRSTRLEN];

        inet_ntop(AF_INET, &r->vip, vip, sizeof(vip));
        if (a->send_advert)
                sim_send(s, i, a->advert_priority);
        if (a->state_changed && a->new_state == VRRP_STATE_MASTER)
                r->became_master_at = s->now;
        if (a->state_changed)
                sim_say(s, r->name, "%s -> %s (%s)", vrrp_state_to_string(a->old_state),
                        vrrp_state_to_string(a->new_state), vrrp_reason_to_string(a->reason));
        if (a->remove_vips && r->holds_vip) {
                r->holds_vip = false;
                sim_say(s, r->name, "removes VIP %s", vip);
        }
        if (a->add_vips && !r->holds_vip) {
                r->holds_vip = true;
                sim_say(s, r->name, "adds VIP %s and announces it (gratuitous ARP)", vip);
        }
        r->timer_at = a->timer_at;
}

static void sim_step(Sim *s, size_t i, const VrrpEvent *ev) {
        VrrpActions a;
        int r;

        r = vrrp_fsm_step(&s->routers[i].fsm, &s->routers[i].params, s->now, ev, &a);
        if (r < 0) {
                fprintf(stderr, "vrrp-sim: %s: state machine refused an event: %s\n", s->routers[i].name,
                        strerror(-r));
                exit(EXIT_FAILURE);
        }
        sim_apply(s, i, &a);
}

/* The receiving side of the wire: decode, run the instance's checks, then hand the advert to the FSM. */
static void sim_deliver(Sim *s, const SimPacket *p) {
        for (size_t i = 0; i < SIM_ROUTERS; i++) {
                SimRouter *r = &s->routers[i];
                const SimRouter *from = &s->routers[p->from];
                VrrpRxMeta meta = { .ttl = VRRP_TTL, .src = from->params.primary, .dst_multicast = true };
                VrrpRxResult res;
                VrrpAdvert adv;
                VrrpDrop drop;

                if (i == p->from || !r->alive)
                        continue;
                if (vrrp_packet_parse(p->buf, p->len, AF_INET, &from->params.primary, &s->group, &adv, &drop) < 0) {
                        sim_say(s, r->name, "drops a malformed advert (%s)", vrrp_drop_to_string(drop));
                        continue;
                }
                if (vrrp_check_advert(&r->rx, &adv, &meta, &res) < 0) {
                        sim_say(s, r->name, "drops an advert (%s)", vrrp_drop_to_string(res.drop));
                        continue;
                }
                sim_step(s, i, &(VrrpEvent){ .type = VRRP_EVENT_ADVERT,
                                             .advert = { .version = adv.version, .priority = adv.priority,
                                                         .max_adver_int_cs = adv.adver_int_cs,
                                                         .src = from->params.primary } });
        }
}

/* Runs the wire and the timers until virtual time `until`, always taking the earliest event next. */
static void sim_run_until(Sim *s, usec_t until) {
        for (unsigned guard = 0; guard < 100000; guard++) {
                usec_t next = until;
                ssize_t pkt = -1, timer = -1;

                for (size_t i = 0; i < s->n_queued; i++)
                        if (s->queue[i].deliver_at < next) {
                                next = s->queue[i].deliver_at;
                                pkt = (ssize_t) i;
                        }
                for (size_t i = 0; i < SIM_ROUTERS; i++)
                        if (s->routers[i].alive && s->routers[i].timer_at < next) {
                                next = s->routers[i].timer_at;
                                timer = (ssize_t) i;
                                pkt = -1;
                        }
                s->now = next;
                if (pkt >= 0) {
                        SimPacket p = s->queue[pkt];

                        s->queue[pkt] = s->queue[--s->n_queued];
                        sim_deliver(s, &p);
                } else if (timer >= 0)
                        sim_step(s, (size_t) timer, &(VrrpEvent){ .type = VRRP_EVENT_TIMER });
                else
                        return;
        }
        fprintf(stderr, "vrrp-sim: too many events before %.3f s, giving up\n", (double) until / USEC_PER_SEC);
        exit(EXIT_FAILURE);
}

static void sim_router_init(Sim *s, size_t i, const char *name, const char *addr, uint8_t priority) {
        SimRouter *r = &s->routers[i];

        *r = (SimRouter){ .name = name, .fsm = VRRP_FSM_INIT, .timer_at = USEC_INFINITY };
        r->params = (VrrpParams){ .vrid = 51, .version = 3, .family = AF_INET, .priority = priority,
                                  .interval_usec = USEC_PER_SEC, .preempt = true, .accept = true };
        inet_pton(AF_INET, addr, &r->params.primary.in);
        inet_pton(AF_INET, "192.0.2.100", &r->vip.in);
        r->rx = (VrrpRxConfig){ .version = 3, .family = AF_INET, .vrid = 51, .adver_int_cs = 100,
                                .vips = &r->vip, .n_vips = 1 };
}

static void sim_start(Sim *s, size_t i) {
        s->routers[i].alive = true;
        s->routers[i].fsm = VRRP_FSM_INIT;
        sim_say(s, s->routers[i].name, "starts (priority %u)", s->routers[i].params.priority);
        sim_step(s, i, &(VrrpEvent){ .type = VRRP_EVENT_STARTUP });
}

static size_t sim_vip_holders(const Sim *s, const char **ret_name) {
        size_t n = 0;

        for (size_t i = 0; i < SIM_ROUTERS; i++)
                if (s->routers[i].alive && s->routers[i].holds_vip) {
                        *ret_name = s->routers[i].name;
                        n++;
                }
        return n;
}

static int sim_expect_holder(const Sim *s, const char *want) {
        const char *holder = "nobody";
        size_t n = sim_vip_holders(s, &holder);

        if (n != 1 || strcmp(holder, want) != 0) {
                fprintf(stderr, "vrrp-sim: expected the VIP on %s alone, found it on %zu router(s) (%s)\n", want,
                        n, holder);
                return -EPROTO;
        }
        printf("  -> the VIP is on %s, and only there\n\n", want);
        return 0;
}

static double sim_ms(usec_t u) {
        return (double) u / USEC_PER_MSEC;
}

int main(void) {
        Sim s = { .start = 1000 * USEC_PER_SEC }; /* any start: nothing may assume t == 0 */
        SimRouter *r1 = &s.routers[0], *r2 = &s.routers[1];
        usec_t t;
        int r = 0;

        s.now = s.start;
        inet_pton(AF_INET, "224.0.0.18", &s.group.in);
        sim_router_init(&s, 0, "r1", "192.0.2.1", 150);
        sim_router_init(&s, 1, "r2", "192.0.2.2", 100);

        printf("1. Election: VRRPv3, VRID 51, 1 s adverts, VIP 192.0.2.100; r1 has priority 150, r2 100.\n");
        sim_start(&s, 0);
        sim_start(&s, 1);
        sim_run_until(&s, s.start + 10 * USEC_PER_SEC);
        r = r < 0 ? r : sim_expect_holder(&s, "r1");

        printf("2. r1 crashes: it stops sending without a word.\n");
        r1->alive = false;
        r1->holds_vip = false; /* a dead host answers for nothing */
        sim_say(&s, "r1", "crashes");
        sim_run_until(&s, s.start + 20 * USEC_PER_SEC);
        printf("  -> r2 took over %.1f ms after r1's last advert; Master_Down_Interval is %.1f ms\n",
               sim_ms(r2->became_master_at - r1->last_advert_at),
               sim_ms(vrrp_fsm_master_down_interval(&r2->fsm, &r2->params)));
        r = r < 0 ? r : sim_expect_holder(&s, "r2");

        printf("3. r1 comes back: with preemption on, the higher priority takes the VIP back.\n");
        sim_start(&s, 0);
        sim_run_until(&s, s.start + 30 * USEC_PER_SEC);
        r = r < 0 ? r : sim_expect_holder(&s, "r1");

        printf("4. r1 is stopped cleanly: it resigns with a priority-0 advert.\n");
        t = s.now;
        sim_step(&s, 0, &(VrrpEvent){ .type = VRRP_EVENT_SHUTDOWN });
        sim_run_until(&s, s.start + 36 * USEC_PER_SEC);
        printf("  -> r2 took over %.1f ms after r1 resigned; Skew_Time is %.1f ms\n",
               sim_ms(r2->became_master_at - t), sim_ms(vrrp_fsm_skew_time(&r2->fsm, &r2->params)));
        r = r < 0 ? r : sim_expect_holder(&s, "r2");

        printf(r < 0 ? "vrrp-sim: FAILED\n" : "vrrp-sim: every step went as the RFC says.\n");
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
