"""Interop with Debian's keepalived 2.2.7 as the VRRP peer of vrrpd, on real packets (issue 4, "Interop").

Every scenario runs for VRRPv2 with PASS authentication over IPv4, VRRPv3 over IPv4 and VRRPv3 over IPv6, in
both roles: vrrpd the higher priority (master) with keepalived as its backup, and the other way round. The
higher-priority router is always r1, the lower r2. Each test captures VRRP on the client from before the first
daemon starts until its last check, and tshark's dissector must find no malformed advert and no bad checksum in
it. Takeover times come from that capture, as in tests/integration/test_failover.py: from the old master's last
advert (crash) or its priority-0 advert (clean stop) to the new master's first advert.

Both daemons log what they reject: vrrpd with -D ("dropped an advert from ADDR (reason)"), keepalived with -D
(the messages of vrrp_check_packet() in its vrrp.c). Every test also checks that neither rejected a single
advert of the other, so a silent disagreement (say, a checksum one side computes differently) cannot hide behind
a VIP that happens to be in the right place.

The client's curl to the VIP is only checked where it does not depend on gratuitous ARP / unsolicited NA (vrrpd's
are being added): after the election, when the client has never resolved the VIP, and after a handover
once the client's neighbour cache is flushed (the old master removed the VIP, so only the new one answers)."""

import time
from dataclasses import dataclass

import pytest

from vrrptopo import VrrpInstance, bad_packets, keepalived_config, wait_until
from vrrptopo.timing import master_down_interval, skew_time, vip_of

SLACK = 0.050  # the bound: the RFC's interval + 50 ms
EARLY = 0.005  # a takeover may not come before the RFC's interval either (capture timestamps are that precise)
HIGH, LOW = 200, 100

CASES = {
    "v2-ipv4-pass": dict(version=2, family=4, advert_int=1, auth_pass="s3cret"),
    "v3-ipv4": dict(version=3, family=4, advert_int=0.2, auth_pass=None),
    "v3-ipv6": dict(version=3, family=6, advert_int=0.2, auth_pass=None),
}
# Who runs the higher priority (on r1): the other daemon runs the lower one on r2.
ROLES = {"vrrpd-master": ("vrrpd", "keepalived"), "keepalived-master": ("keepalived", "vrrpd")}

# What keepalived 2.2.7 logs when it rejects an advert (vrrp_check_packet() in keepalived/vrrp/vrrp.c).
KEEPALIVED_REJECTS = (
    "Invalid VRRPv2 checksum", "Invalid VRRPv3 checksum", "received an invalid passwd", "auth, expecting",
    "Invalid auth type", "advertisement interval mismatch", "wrong version", "invalid TTL/HL", "vrrp packet too",
    "Invalid packet type", "unexpected ip number count", "not present in MASTER advert", "VIPs but received",
    "ip_tot_len mismatch", "icast packet but received",
)


def source_of(router, case):
    """Where a router's adverts come from: its primary IPv4 address, or its IPv6 link-local one."""
    return router.ipv4() if case["family"] == 4 else router.link_local()


def instance(topo, case, priority, **kw):
    prefix = 24 if case["family"] == 4 else 64
    return VrrpInstance(name="VI_1", vrid=51, priority=priority, vips=[f"{vip_of(topo, case)}/{prefix}"],
                        version=case["version"], advert_int=case["advert_int"], auth_pass=case["auth_pass"], **kw)


@dataclass
class Peer:
    """One VRRP daemon on one router, vrrpd or keepalived, behind the same few verbs. Every (re)start is a new
    process; the earlier ones' logs are kept for the reject checks."""

    kind: str
    router: object
    case: dict
    runs: int = 0
    daemon: object = None
    logs: tuple = ()

    def start(self, instances):
        self.runs += 1
        if self.kind == "vrrpd":
            conf = self.router.dir / "vrrpd.conf"
            self.daemon = self.router.vrrpd(keepalived_config(instances), args=["-l", "-D", "-f", str(conf)])
            self.daemon.wait_ready()
        else:
            self.daemon = self.router.keepalived(instances, name=f"keepalived-{self.runs}")
        self.logs += (self.daemon,)
        return self

    def stop(self):
        """A clean stop: the master resigns with a priority-0 advert. Returns the exit status."""
        return self.daemon.stop()

    def crash(self):
        """SIGKILL (of keepalived's whole process group): no priority-0 advert, the VIP stays behind."""
        return self.daemon.crash()

    @property
    def name(self):
        return f"{self.kind} on {self.router.name}"

    def log(self):
        """Every run's log; vrrpd's runs append to one file, keepalived's each have their own."""
        return "".join({str(d.process.log): d.log for d in self.logs}.values())

    def rejects(self, peer):
        """The lines in which this daemon rejected one of peer's adverts."""
        text = self.log()
        if self.kind == "vrrpd":
            needle = f"dropped an advert from {source_of(peer.router, self.case)} "
            return [line for line in text.splitlines() if needle in line]
        return [line for line in text.splitlines() if any(r in line for r in KEEPALIVED_REJECTS)]


def holds(router, vip):
    return vip in router.addresses()


def wait_alone(topo, router, vip, timeout):
    """Waits until router alone holds the VIP."""
    others = [r for r in topo.routers if r is not router]

    def alone():
        elsewhere = [r.name for r in others if holds(r, vip)]
        return holds(router, vip) and not elsewhere or None

    wait_until(f"{vip} on {router.name} alone", alone, timeout=timeout)


def stays_alone(topo, router, vip, duration, why):
    """Checks, for duration seconds, that router alone holds the VIP: a property that must hold over time (no
    second master appears), polled, failing at the first moment it breaks."""
    deadline = time.monotonic() + duration
    while True:
        owners = [r.name for r in topo.routers if holds(r, vip)]
        assert owners == [router.name], f"{why}: {vip} is on {owners or 'no router'}, should be on {router.name} alone"
        if time.monotonic() >= deadline:
            return
        time.sleep(0.05)


def answers(topo, vip, router, timeout=5):
    """The client's curl to the VIP answers from router (nginx serves the router's name)."""
    wait_until(f"the client's curl to {vip} answered by {router.name}",
               lambda: (topo.client.curl(vip) or "").strip() == router.name, timeout=timeout)


def fresh_neighbours(topo):
    """Forgets the client's ARP / ND entries, so its next packet to the VIP resolves it anew: a curl check that
    does not depend on the new master's gratuitous ARP or unsolicited NA."""
    topo.client.sh("ip", "neigh", "flush", "dev", topo.client.ifname())


def adverts(packets, router, case, since=0.0):
    return [p for p in packets if p.src == source_of(router, case) and p.time >= since]


def assert_clean(packets):
    bad = bad_packets(packets)
    assert not bad, f"tshark: malformed or bad-checksum adverts in the capture: {bad}"


def assert_no_rejects(*peers):
    for me, other in ((peers[0], peers[1]), (peers[1], peers[0])):
        lines = me.rejects(other)
        assert not lines, f"{me.name} rejected adverts of {other.name}:\n" + "\n".join(lines[:10])


def assert_took(what, took, bound):
    assert bound - EARLY <= took <= bound + SLACK, (
        f"{what} took {took * 1000:.1f} ms; the bound is {bound * 1000:.1f} ms (+{SLACK * 1000:.0f} ms)")


@pytest.fixture(params=CASES.keys())
def case(request):
    return CASES[request.param]


@pytest.fixture(params=ROLES.keys())
def pair(request, topology, vrrpd_path, case):
    """(high, low): the r1 Peer that runs the higher priority, the r2 Peer that runs the lower one."""
    high_kind, low_kind = ROLES[request.param]
    return Peer(high_kind, topology["r1"], case), Peer(low_kind, topology["r2"], case)


def elect(topo, case, high, low, capture):
    """Starts both daemons, the higher priority first, as the classic keepalived pair is configured (`state
    MASTER` on it, `state BACKUP` on the other). The higher one must end up master alone and stay so until the
    lower one's Master_Down_Interval has long passed, so the lower one did hear and accept its adverts. The lower
    one may advertise only before the higher one's first advert (were it slow to start); never after it, which
    would be two masters. The client reaches the VIP on the master (no gratuitous ARP needed: the client never
    resolved the VIP before)."""
    vip = vip_of(topo, case)
    high.start([instance(topo, case, HIGH, state="MASTER")])
    low.start([instance(topo, case, LOW)])
    low_started = time.monotonic()
    wait_alone(topo, high.router, vip, timeout=master_down_interval(case, HIGH) + 5)
    remaining = low_started + master_down_interval(case, LOW) + 2 * case["advert_int"] - time.monotonic()
    stays_alone(topo, high.router, vip, max(remaining, 0), f"the election ({high.name} {HIGH}, {low.name} {LOW})")
    answers(topo, vip, high.router)
    packets = capture.packets()
    first = adverts(packets, high.router, case)
    assert first, f"no advert from {high.name} in the capture: {packets}"
    late = adverts(packets, low.router, case, since=first[0].time + 0.010)
    assert not late, f"{low.name} (priority {LOW}) advertised while {high.name} was master: {late}"


def test_election_crash_and_failover(topology, case, pair):
    """The higher priority wins the election whichever daemon runs it; SIGKILL of that master (keepalived: its
    whole process group) → the other daemon takes over within Master_Down_Interval + 50 ms of the last advert."""
    topo, (high, low), vip = topology, pair, vip_of(topology, case)
    capture = topo.capture()
    elect(topo, case, high, low, capture)

    high.crash()
    wait_until(f"{low.name} to take {vip} over", lambda: holds(low.router, vip),
               timeout=master_down_interval(case, LOW) + 3)
    assert holds(high.router, vip), f"the crashed {high.name} removed its VIP: crash() was not a crash"
    capture.wait_for(f"the first advert of {low.name}", lambda p: adverts(p, low.router, case) and p)
    capture.stop()
    packets = capture.packets()
    from_high = adverts(packets, high.router, case)
    resigned = [p for p in from_high if p.prio == 0]
    assert not resigned, f"the crashed {high.name} sent priority 0: {resigned}"
    took = adverts(packets, low.router, case)[0].time - from_high[-1].time
    assert_took(f"{low.name}'s takeover after {high.name}'s crash", took, master_down_interval(case, LOW))
    assert_clean(packets)
    assert_no_rejects(high, low)


def test_election_priority_zero_handover_and_preemption(topology, case, pair):
    """The master stops cleanly → the other takes over within Skew_Time + 50 ms of the priority-0 advert; the
    higher priority comes back → it takes the VIP back (preemption) and the lower one falls silent."""
    topo, (high, low), vip = topology, pair, vip_of(topology, case)
    capture = topo.capture()
    elect(topo, case, high, low, capture)

    status = high.stop()
    assert status == 0, f"{high.name} exited {status} on SIGTERM:\n{high.log()[-3000:]}"
    assert not holds(high.router, vip), f"the stopped {high.name} left {vip} behind"
    wait_alone(topo, low.router, vip, timeout=master_down_interval(case, LOW) + 3)
    packets = capture.wait_for(f"the first advert of {low.name}", lambda p: adverts(p, low.router, case) and p)
    resign = [p for p in adverts(packets, high.router, case) if p.prio == 0]
    assert resign, f"{high.name} stopped without a priority-0 advert"
    took = adverts(packets, low.router, case)[0].time - resign[0].time
    assert_took(f"{low.name}'s takeover after {high.name}'s priority 0", took, skew_time(case, LOW))
    fresh_neighbours(topo)
    answers(topo, vip, low.router)

    high.start([instance(topo, case, HIGH, state="MASTER")])
    wait_alone(topo, high.router, vip, timeout=master_down_interval(case, HIGH) + 5)
    stays_alone(topo, high.router, vip, 2 * case["advert_int"], f"after {high.name} took the VIP back")
    fresh_neighbours(topo)
    answers(topo, vip, high.router)
    capture.stop()
    packets = capture.packets()
    returned = [p for p in adverts(packets, high.router, case) if p.prio == HIGH and p.time > resign[0].time]
    assert returned, f"no advert of the returning {high.name} in the capture"
    # The lower master steps down on the first higher-priority advert it hears: at most one of its adverts may
    # cross that one on the wire.
    late = adverts(packets, low.router, case, since=returned[0].time + 0.010)
    assert not late, f"{low.name} kept advertising after {high.name} came back: {late}"
    assert_clean(packets)
    assert_no_rejects(high, low)


# The mixed pair: VRRPv3 over IPv4, where the checksum covers a pseudo-header and implementations differ.
#
# Over multicast both daemons use RFC 9568's form, and the tests above already check that neither rejects the
# other's. keepalived 2.2.7 has one other form (it has no v3_checksum_as_v2 yet): with unicast peers and
# `old_unicast_checksum`, its pseudo-header carries 224.0.0.18 as the destination instead of the peer's address
# (keepalived before 2.0 did that). Such a keepalived sends only that form and accepts only that form; a default
# keepalived accepts both and switches to the old one when it hears it. A pair with one daemon replaced by vrrpd
# and the same keepalived.conf on both must still elect one master, in both directions.
UNICAST_V3 = dict(version=3, family=4, advert_int=0.2, auth_pass=None)
CHECKSUMS = {"rfc": [], "old-unicast-checksum": ["old_unicast_checksum"]}


@pytest.mark.parametrize("checksum", CHECKSUMS.keys())
def test_mixed_v3_ipv4_unicast_pair_accepts_each_others_checksum(topology, vrrpd_path, checksum):
    """keepalived (r1) and vrrpd (r2) as unicast peers with the same instance settings. First keepalived has the
    higher priority: vrrpd must accept its adverts (stay backup) and its priority 0 (take over within Skew_Time).
    Then keepalived returns with a lower priority: it must accept vrrpd's adverts and stay backup."""
    topo, case, vip = topology, UNICAST_V3, topology.vip4()
    r1, r2 = topo["r1"], topo["r2"]
    ka, vd = Peer("keepalived", r1, case), Peer("vrrpd", r2, case)

    def unicast(me, peer, priority):
        return instance(topo, case, priority, unicast_src=me.ipv4(), unicast_peers=[peer.ipv4()],
                        extra=CHECKSUMS[checksum])

    capture = topo.capture("sw", "r1-0", name="unicast")  # unicast adverts pass only the two routers' ports
    ka.start([unicast(r1, r2, HIGH)])
    vd.start([unicast(r2, r1, LOW)])
    started = time.monotonic()
    wait_alone(topo, r1, vip, timeout=master_down_interval(case, HIGH) + 5)
    remaining = started + master_down_interval(case, LOW) + 2 * case["advert_int"] - time.monotonic()
    stays_alone(topo, r1, vip, max(remaining, 0), f"vrrpd hearing keepalived's adverts ({checksum} checksum)")

    assert ka.stop() == 0, f"keepalived exited badly:\n{ka.log()[-3000:]}"
    wait_alone(topo, r2, vip, timeout=master_down_interval(case, LOW) + 3)
    packets = capture.wait_for("vrrpd's first advert", lambda p: adverts(p, r2, case) and p)
    resign = [p for p in adverts(packets, r1, case) if p.prio == 0]
    assert resign, "keepalived stopped without a priority-0 advert"
    took = adverts(packets, r2, case)[0].time - resign[0].time
    assert_took(f"vrrpd's takeover after keepalived's priority 0 ({checksum} checksum)", took,
                skew_time(case, LOW))

    ka.start([unicast(r1, r2, 50)])
    ka_started = time.monotonic()
    wait_until("keepalived to start as a backup", lambda: "(VI_1) Entering BACKUP STATE" in ka.daemon.log, timeout=5)
    remaining = ka_started + master_down_interval(case, 50) + 3 * case["advert_int"] - time.monotonic()
    try:
        stays_alone(topo, r2, vip, max(remaining, 0),
                    f"keepalived (priority 50) hearing vrrpd's adverts ({checksum} checksum)")
    except AssertionError as e:
        raise AssertionError(f"{e}\nkeepalived logged: {ka.rejects(vd)[:3]}") from None
    capture.stop()
    packets = capture.packets()
    assert adverts(packets, r2, case), f"no advert of vrrpd in the capture: {packets}"
    both = adverts(packets, r1, case) + adverts(packets, r2, case)
    if checksum == "rfc":
        assert_clean(both)
    else:
        # Both daemons send the legacy form as configured; tshark knows only the RFC form, so it calls them bad:
        # that, and nothing else, is expected.
        wrong = [p for p in both if p.checksum_status != 0 or any("checksum" not in m.lower() for m in p.problems)]
        assert not wrong, f"old_unicast_checksum adverts should be bad in the checksum only: {wrong}"
        assert all(p.checksum_status == 0 for p in adverts(packets, r2, case)), "vrrpd ignored old_unicast_checksum"
    assert_no_rejects(ka, vd)
