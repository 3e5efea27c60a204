"""A flood of broken adverts into a running pair (issue 16, "Packets").

r1 (priority 150) is master and r2 (100) backup of three instances: VRRPv3 over IPv4 and over IPv6 at 100 ms,
VRRPv2 over IPv4 at 1 s with a PASS password. From the client, tests/tools/vrrp-flood sends 5,000 broken adverts
a second: each a mutation of a valid priority-254 advert for one of the three VRIDs, broken in exactly one way
(TTL / hop limit, VRRP checksum, version, type, address count, truncated, oversized, a foreign VRID, the other
version's advert, random bytes, wrong / missing / AH / unknown auth, v2 interval, up to 4 KB in IP fragments,
sent unicast to r1 for a multicast instance),
plus frames the kernel drops itself (a bad IPv4 header checksum, an IPv6 payload length past the frame). The
issue asks for 30 s; the test floods for FLOOD_SECONDS (20 s: the whole test stays under ~45 s on 2 shared
cores), bench/flood for 30 s.

Then, on each router:
- no transition: every instance in the same state, became-master / released-master unchanged, no StateChanged
  on its bus;
- every packet that reached the sockets counted as a drop with a reason: per drop word, the routers' counters
  (the instances' drop-* Statistics summed; adverts for a VRID no instance runs, or too short for one, in the
  Manager's SocketCounters) equal what the sender sent that should end there — the sender computes that word
  for each packet from the one fault it put in. Frames the kernel drops before any socket ("kernel") are left
  out of the comparison; the kernel's own drops on the way (eth0 rx dropped, the raw sockets' drop counts) must
  be zero, else the comparison would not be exact;
- vrrpd's CPU (utime + stime, /proc/PID/stat) over the flood under CPU_BOUND % of one core;
- r1's real adverts on time: from a capture on the client, the longest gap between two consecutive adverts of
  each VRID around the flood is at most the interval + SLACK.

VRRPD_FLOOD_SEED reproduces a run (the seed is in every failure message); VRRPD_FLOOD_SECONDS changes its length."""

import os
import time

import pytest

from test_bus import Monitor
from vrrptopo import wait_until
from vrrptopo.flood import (V2_INTERVAL, V3_INTERVAL, VRID2, VRID3, VRID6, advert_times, capture_master, cpu_share,
                            delta, flood, flood_binary, max_gaps, reaching, read, start_vrrpd_pair)

RATE = 5000
FLOOD_SECONDS = float(os.environ.get("VRRPD_FLOOD_SECONDS", 20))
# Measured on the project's 2-vCPU VM (shared with other sessions): 2.1-5.1 % of one core at 5,000/s (r1 and
# r2, 20 s, several runs); the bound leaves three times that for a busier machine or a slower build.
CPU_BOUND = 15.0
# The bound on late adverts elsewhere (test_failover.SLACK): interval + 50 ms.
SLACK = 0.050


@pytest.fixture
def pair(make_topology, vrrpd_path):
    if not os.access(flood_binary(), os.X_OK):
        pytest.skip(f"no vrrp-flood at {flood_binary()}")
    topo = make_topology()
    return topo, start_vrrpd_pair(topo)


def test_a_flood_of_broken_adverts_changes_nothing_and_each_is_counted(pair):
    topo, daemons = pair
    routers = [topo["r1"], topo["r2"]]
    seed = os.environ.get("VRRPD_FLOOD_SEED")
    monitors = [Monitor(r) for r in routers]
    capture = capture_master(topo)
    wait_until("an advert of each VRID from r1 in the capture",
               lambda: {v for _, v in advert_times(capture)} >= {VRID3, VRID6, VRID2}, timeout=5)
    before = [read(r, d.process.pid) for r, d in zip(routers, daemons)]
    t0 = time.time()
    report = flood(topo, RATE, FLOOD_SECONDS, seed)
    t1 = time.time()
    run = f"seed {report['seed']}"
    assert report["failed"] == 0, f"{run}: the sender failed {report['failed']} sends"
    assert report["sent"] == int(RATE * FLOOD_SECONDS), f"{run}: sent {report['sent']}"

    afters = []
    for router, daemon, b in zip(routers, daemons, before):
        # the daemon may still be reading the last batches: wait until the counts stop short of nothing
        want = sum(reaching(report, router).values())
        wait_until(f"{router.name} to count {want} drops",
                   lambda: sum(delta(b, read(router, daemon.process.pid)).values()) >= want, timeout=5)
        afters.append(read(router, daemon.process.pid))
    for m in monitors:
        m.stop()
    capture.stop()

    for router, daemon, b, a, mon in zip(routers, daemons, before, afters, monitors):
        name = router.name
        assert daemon.process.alive(), f"{run}: vrrpd on {name} died: {daemon.log[-3000:]}"
        assert a.states == b.states, f"{run}: {name} changed state: {b.states} -> {a.states}"
        for inst in b.stats:
            for key in ("became-master", "released-master"):
                assert a.stats[inst][key] == b.stats[inst][key], \
                    f"{run}: {name} {inst} {key} {b.stats[inst][key]} -> {a.stats[inst][key]}"
        changed = [s for s in mon.signals() if s.get("member") == "StateChanged"]
        assert not changed, f"{run}: StateChanged on {name}'s bus: {changed}"
        assert a.raw_drops == b.raw_drops and a.rx_dropped == b.rx_dropped, \
            f"{run}: the kernel dropped on {name}: raw sockets {a.raw_drops - b.raw_drops}, " \
            f"eth0 rx {a.rx_dropped - b.rx_dropped}; the counts cannot be exact"
        counted, expected = delta(b, a), reaching(report, router)
        assert counted == expected, f"{run}: {name} counted {counted}, the sender sent {expected} " \
                                    f"(kernel-dropped, left out: {report['expect']['kernel']})"
        share = cpu_share(b, a)
        assert share < CPU_BOUND, f"{run}: vrrpd on {name} used {share:.1f} % of a core (bound {CPU_BOUND} %)"
        print(f"{name}: cpu {share:.1f} % of a core, {sum(counted.values())} drops counted")

    gaps = max_gaps(advert_times(capture), t0, t1)
    for vrid, interval in ((VRID3, V3_INTERVAL), (VRID6, V3_INTERVAL), (VRID2, V2_INTERVAL)):
        gap, inside = gaps.get(vrid, (None, 0))
        assert gap is not None, f"{run}: no adverts of VRID {vrid} from r1 in the capture"
        assert gap <= interval + SLACK, f"{run}: r1's adverts of VRID {vrid}: a gap of {gap * 1000:.1f} ms " \
                                        f"(interval {interval * 1000:.0f} ms + {SLACK * 1000:.0f} ms)"
        floor = int((t1 - t0) / interval) - 1
        assert inside >= floor, f"{run}: {inside} adverts of VRID {vrid} in the flood's {t1 - t0:.1f} s"
    print(f"{run}: sent {report['sent']} ({report['lag_max_us']:.0f} us max lag), gaps "
          + ", ".join(f"VRID {v}: {g * 1000:.1f} ms" for v, (g, _) in gaps.items()))
