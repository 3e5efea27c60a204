"""Interop with Debian's FRRouting 8.4 (its vrrpd, with zebra) as the VRRP peer of vrrpd (issue 10).

Both roles, VRRPv3 over IPv4 and over IPv6, advert interval 0.2 s: the higher priority (always r1) wins the
election whichever daemon runs it; SIGKILL of the master, and a clean stop (priority 0), hand the VIP over; the
higher one preempts when it comes back. The capture on the client runs from before the first daemon starts, and
tshark must find no malformed advert and no bad checksum in it (FRR's VRRPv3-over-IPv4 checksum covers RFC 9568's
pseudo-header, so tshark needs no vrrp.v3_checksum_as_in_v2). Neither daemon may reject an advert of the other:
vrrpd logs "dropped an advert from ADDR" with -D, FRR's vrrpd "Datagram invalid: ..." at debug level (frr.REJECTS).

How FRR is run, and what it needs from the namespace (virtual-MAC macvlans in bridge mode, protodown, arp_ignore
and arp_announce, zebra first), is in vrrptopo/frr.py. vrrpd runs on the plain interface, and in the last test
with use_vmac. A router holds the VIP when it is usable there: vrrpd's on its interface (or its macvlan), FRR's
on a macvlan that is up and not protodown (FRR's backup keeps the VIP on it).

Takeover times come from capture timestamps, from the old master's last advert (crash) or its priority-0 advert
(clean stop) to the new master's first advert, within max(5 ms, 5 %) of the figure the new master should meet:
RFC 9568's Master_Down_Interval or Skew_Time for vrrpd; FRR's own for FRR, which keeps its timers in whole
centiseconds and rounds Skew_Time down (frr.frr_skew_time: 120 ms where the RFC says 121.875 ms at priority 100
and 0.2 s). An FRR that becomes master over IPv6 sends its first advert one Advertisement_Interval late: its
macvlan comes out of protodown, zebra says the link is up before it repeats the link's addresses, so the pending
advert finds no link-local address to come from ("Failed to find address to bind", vrrpd/vrrp.c) and the
Adver_Timer's advert is the first on the wire. The VIP is usable from the takeover on; only the advert is late."""

import time
from dataclasses import dataclass

import pytest

from test_keepalived_interop import assert_clean, assert_no_rejects, fresh_neighbours
from vrrptopo import VrrpInstance, keepalived_config, wait_until
from vrrptopo import frr
from vrrptopo.timing import master_down_interval, skew_time, vip_of

pytestmark = pytest.mark.skipif(frr.missing() is not None, reason=f"FRR: {frr.missing()}")

HIGH, LOW = 200, 100
VRID = 51
VRRPD_VMAC = "vrrp.51"  # vrrpd's name for VRID 51's macvlan (use_vmac)
TOLERANCE, FLOOR = 0.05, 0.005  # a takeover within max(5 ms, 5 %) of its figure
# FRR's own takeovers are FRR's event loop, not vrrpd: on a loaded 2-core CI machine one took 341.5 ms for a
# figure of 320 (+6.7 %) once in some twenty runs. They get 10 %, which still tells Skew_Time from a whole
# Master_Down_Interval by far; vrrpd's keep 5 %.
FRR_TOLERANCE = 0.10

CASES = {
    "v3-ipv4": dict(version=3, family=4, advert_int=0.2),
    "v3-ipv6": dict(version=3, family=6, advert_int=0.2),
}
# Who runs the higher priority (on r1): the other daemon runs the lower one on r2.
ROLES = {"vrrpd-master": ("vrrpd", "frr"), "frr-master": ("frr", "vrrpd")}


def instance(topo, case, priority, **kw):
    prefix = 24 if case["family"] == 4 else 64
    return VrrpInstance(name="VI_1", vrid=VRID, priority=priority, vips=[f"{vip_of(topo, case)}/{prefix}"],
                        version=case["version"], advert_int=case["advert_int"], **kw)


@dataclass
class Peer:
    """One VRRP daemon on one router, vrrpd or FRR, behind the same few verbs. Every (re)start is a new run;
    the earlier runs' logs are kept for the reject checks."""

    kind: str
    router: object
    case: dict
    vmac: bool = False  # vrrpd only: use_vmac
    runs: int = 0
    daemon: object = None
    logs: tuple = ()

    def start(self, priority, **kw):
        self.runs += 1
        topo = self.router.topo
        if self.kind == "vrrpd":
            inst = instance(topo, self.case, priority, extra=["use_vmac"] if self.vmac else [], **kw)
            conf = self.router.dir / "vrrpd.conf"
            self.daemon = self.router.vrrpd(keepalived_config([inst]), args=["-l", "-D", "-f", str(conf)])
            self.daemon.wait_ready()
        else:
            kw.pop("state", None)  # FRR has no initial state: it always starts as a backup
            self.daemon = self.router.frr([instance(topo, self.case, priority, **kw)], name=f"frr-{self.runs}")
        self.logs += (self.daemon,)
        return self

    def stop(self):
        """A clean stop: the master resigns with a priority-0 advert. Returns the exit status."""
        return self.daemon.stop()

    def crash(self):
        """SIGKILL: no priority-0 advert, the VIP stays usable."""
        return self.daemon.crash()

    @property
    def name(self):
        return f"{self.kind} on {self.router.name}"

    def holds(self, vip):
        if self.kind == "frr":
            return self.daemon is not None and self.daemon.holds(vip)
        dev = VRRPD_VMAC if self.vmac else self.router.ifname()
        if self.vmac and f" {dev}@" not in self.router.sh("ip", "-o", "link", "show").stdout:
            return False
        return vip in self.router.addresses(dev)

    def source(self):
        """Where this peer's adverts come from. FRR's IPv6 ones: its macvlan's (random) link-local address."""
        if self.kind == "frr":
            return self.daemon.source(self.case["family"])
        return self.router.ipv4() if self.case["family"] == 4 else self.router.link_local()

    def master_down_interval(self, priority):
        if self.kind == "frr":
            return frr.frr_master_down_interval(self.case, priority)
        return master_down_interval(self.case, priority)

    def skew_time(self, priority):
        return frr.frr_skew_time(self.case, priority) if self.kind == "frr" else skew_time(self.case, priority)

    def first_advert_delay(self):
        """How much later than its takeover a new master's first advert goes out (see the module's notes)."""
        return self.case["advert_int"] if self.kind == "frr" and self.case["family"] == 6 else 0.0

    def log(self):
        return "".join({id(d): d.log for d in self.logs}.values())

    def rejects(self, peer):
        """The lines in which this daemon rejected one of peer's adverts. FRR's do not name the sender: any
        counts (the peer is the only other VRRP router on the LAN)."""
        lines = self.log().splitlines()
        if self.kind == "vrrpd":
            needle = f"dropped an advert from {peer.source()} "
            return [line for line in lines if needle in line]
        return [line for line in lines if any(r in line for r in frr.REJECTS)]


def wait_alone(peers, holder, vip, timeout):
    """Waits until holder alone (of peers) holds the VIP."""
    def alone():
        elsewhere = [p.name for p in peers if p is not holder and p.holds(vip)]
        return holder.holds(vip) and not elsewhere or None

    wait_until(f"{vip} held by {holder.name} alone", alone, timeout=timeout)


def stays_alone(peers, holder, vip, duration, why):
    """Checks, for duration seconds, that holder alone holds the VIP (polled, failing at the first moment it
    breaks)."""
    deadline = time.monotonic() + duration
    while True:
        owners = [p.name for p in peers if p.holds(vip)]
        assert owners == [holder.name], f"{why}: {vip} is held by {owners or 'nobody'}, should be {holder.name} alone"
        if time.monotonic() >= deadline:
            return
        time.sleep(0.05)


def answers(topo, vip, peer, timeout=5):
    """The client's curl to the VIP answers from peer's router (nginx serves the router's name)."""
    wait_until(f"the client's curl to {vip} answered by {peer.name}",
               lambda: (topo.client.curl(vip) or "").strip() == peer.router.name, timeout=timeout)


def adverts(packets, peer, since=0.0):
    src = peer.source()
    return [p for p in packets if p.src == src and p.time >= since]


def assert_took(what, took, bound, by):
    slack = max(FLOOR, (TOLERANCE if by.kind == "vrrpd" else FRR_TOLERANCE) * bound)
    assert abs(took - bound) <= slack, (
        f"{what} took {took * 1000:.1f} ms; it should take {bound * 1000:.1f} ms (± {slack * 1000:.1f} ms)")


@pytest.fixture(params=CASES.keys())
def case(request):
    return CASES[request.param]


@pytest.fixture(params=ROLES.keys())
def pair(request, topology, vrrpd_path, case):
    """(high, low): the r1 Peer that runs the higher priority, the r2 Peer that runs the lower one."""
    high_kind, low_kind = ROLES[request.param]
    return Peer(high_kind, topology["r1"], case), Peer(low_kind, topology["r2"], case)


def elect(topo, case, high, low, capture):
    """Starts the higher priority, waits until it is master alone and advertises, then starts the lower one,
    which must stay backup, silent, until its Master_Down_Interval has long passed: it heard and accepted the
    higher one's adverts. The client reaches the VIP on the master.

    Not both at once: FRR starts every virtual router as a backup and, over IPv6, sends its first advert as
    master one Advertisement_Interval late (see the module's notes), so a lower-priority vrrpd started with it
    wins the first round for that long (seen: vrrpd master for 70 ms, then preempted)."""
    vip, peers = vip_of(topo, case), (high, low)
    high.start(HIGH, state="MASTER")
    wait_alone(peers, high, vip, timeout=high.master_down_interval(HIGH) + 5)
    capture.wait_for(f"the first advert of {high.name}", lambda p: adverts(p, high))
    low.start(LOW)
    low_started = time.monotonic()
    remaining = low_started + low.master_down_interval(LOW) + 2 * case["advert_int"] - time.monotonic()
    stays_alone(peers, high, vip, max(remaining, 0), f"the election ({high.name} {HIGH}, {low.name} {LOW})")
    answers(topo, vip, high)
    packets = capture.packets()
    silent = adverts(packets, low)
    assert not silent, f"{low.name} (priority {LOW}) advertised while {high.name} was master: {silent}"


def test_election_crash_and_failover(topology, case, pair):
    """SIGKILL of the master (FRR: zebra and vrrpd) → the other takes over within its Master_Down_Interval of
    the last advert."""
    topo, (high, low), vip = topology, pair, vip_of(topology, case)
    capture = topo.capture()
    elect(topo, case, high, low, capture)

    high.crash()
    wait_until(f"{low.name} to take {vip} over", lambda: low.holds(vip),
               timeout=low.master_down_interval(LOW) + 3)
    assert high.holds(vip), f"the crashed {high.name} gave up its VIP: crash() was not a crash"
    capture.wait_for(f"the first advert of {low.name}", lambda p: adverts(p, low) and p)
    capture.stop()
    packets = capture.packets()
    from_high = adverts(packets, high)
    resigned = [p for p in from_high if p.prio == 0]
    assert not resigned, f"the crashed {high.name} sent priority 0: {resigned}"
    took = adverts(packets, low)[0].time - from_high[-1].time
    assert_took(f"{low.name}'s takeover after {high.name}'s crash", took,
                low.master_down_interval(LOW) + low.first_advert_delay(), low)
    assert_clean(packets)
    assert_no_rejects(high, low)


def test_election_priority_zero_handover_and_preemption(topology, case, pair):
    """The master stops cleanly → the other takes over within its Skew_Time of the priority-0 advert; the higher
    priority comes back → it takes the VIP back (preemption) and the lower one falls silent."""
    topo, (high, low), vip = topology, pair, vip_of(topology, case)
    peers = (high, low)
    capture = topo.capture()
    elect(topo, case, high, low, capture)

    status = high.stop()
    assert status == 0, f"{high.name} exited {status} on SIGTERM:\n{high.log()[-3000:]}"
    assert not high.holds(vip), f"the stopped {high.name} still holds {vip}"
    wait_alone(peers, low, vip, timeout=low.master_down_interval(LOW) + 3)
    packets = capture.wait_for(f"the first advert of {low.name}", lambda p: adverts(p, low) and p)
    resign = [p for p in adverts(packets, high) if p.prio == 0]
    assert resign, f"{high.name} stopped without a priority-0 advert"
    took = adverts(packets, low)[0].time - resign[0].time
    assert_took(f"{low.name}'s takeover after {high.name}'s priority 0", took,
                low.skew_time(LOW) + low.first_advert_delay(), low)
    fresh_neighbours(topo)
    answers(topo, vip, low)

    high.start(HIGH, state="MASTER")
    wait_alone(peers, high, vip, timeout=high.master_down_interval(HIGH) + 5)
    stays_alone(peers, high, vip, 2 * case["advert_int"], f"after {high.name} took the VIP back")
    fresh_neighbours(topo)
    answers(topo, vip, high)
    capture.stop()
    packets = capture.packets()
    returned = [p for p in adverts(packets, high) if p.prio == HIGH and p.time > resign[0].time]
    assert returned, f"no advert of the returning {high.name} in the capture"
    # The lower master steps down on the first higher-priority advert it hears: at most one of its adverts may
    # cross that one on the wire.
    late = adverts(packets, low, since=returned[0].time + 0.010)
    assert not late, f"{low.name} kept advertising after {high.name} came back: {late}"
    assert_clean(packets)
    assert_no_rejects(high, low)


@pytest.fixture(params=ROLES.keys())
def vmac_pair(request, topology, vrrpd_path, case):
    """As pair, with use_vmac on vrrpd: the same virtual MAC on both routers' macvlans."""
    high_kind, low_kind = ROLES[request.param]
    return (Peer(high_kind, topology["r1"], case, vmac=high_kind == "vrrpd"),
            Peer(low_kind, topology["r2"], case, vmac=low_kind == "vrrpd"))


def test_vrrpd_with_use_vmac_election_crash_and_failover(topology, case, vmac_pair):
    """vrrpd with use_vmac against FRR: both send their adverts from the RFC's virtual MAC and each must still
    hear the other's; the election holds, and a SIGKILLed master is taken over as above."""
    topo, (high, low), vip = topology, vmac_pair, vip_of(topology, case)
    capture = topo.capture()
    elect(topo, case, high, low, capture)

    high.crash()
    wait_until(f"{low.name} to take {vip} over", lambda: low.holds(vip),
               timeout=low.master_down_interval(LOW) + 3)
    capture.wait_for(f"the first advert of {low.name}", lambda p: adverts(p, low) and p)
    capture.stop()
    packets = capture.packets()
    took = adverts(packets, low)[0].time - adverts(packets, high)[-1].time
    assert_took(f"{low.name}'s takeover after {high.name}'s crash", took,
                low.master_down_interval(LOW) + low.first_advert_delay(), low)
    vmac = frr.virtual_mac(VRID, case["family"])
    for peer in (high, low):
        macs = {p.eth_src for p in adverts(packets, peer)}
        assert macs == {vmac}, f"{peer.name}'s adverts came from {macs}, not from the virtual MAC {vmac}"
    assert_clean(packets)
    assert_no_rejects(high, low)
