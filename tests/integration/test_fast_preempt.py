"""fast_preempt (issue 14, vrrpd's extension): when the master's priority falls below a backup's, the master
advertises it at once and the backup takes over Skew_Time later, instead of a whole Master_Down_Interval;
timings measured between capture timestamps, within max(5 ms, 5 %) of the RFC figure."""

import time

import pytest

from test_failover import CASES, start, wait_master
from vrrptopo import VrrpInstance, wait_until
from vrrptopo.timing import master_down_interval, skew_time

V3 = CASES["v3-ipv4"]  # 0.5 s adverts
TOLERANCE, FLOOR = 0.05, 0.005


def inst(vip, priority, fast, extra=()):
    return VrrpInstance(name="VI_1", vrid=61, priority=priority, vips=[f"{vip}/24"], advert_int=V3["advert_int"],
                        extra=[*(["fast_preempt"] if fast else []), *extra])


def assert_near(what, took, want):
    slack = max(FLOOR, TOLERANCE * want)
    assert abs(took - want) <= slack, f"{what} took {took * 1000:.1f} ms; want {want * 1000:.1f} ± {slack * 1000:.1f}"


@pytest.mark.parametrize("fast", [True, False], ids=["fast_preempt", "rfc"])
def test_a_master_that_gets_worse_is_preempted(topology, fast):
    topo, vip = topology, topology.vip4(0)
    r1, r2 = topo["r1"], topo["r2"]
    weight = r1.dir / "weight"
    weight.write_text("0\n")
    tf = f'track_file tf {{\n    file "{weight}"\n}}\n'
    capture = topo.capture()
    start(r1, [inst(vip, 150, fast, ["track_file {", "    tf weight -1", "}"])], scripts=[_Raw(tf)])
    start(r2, [inst(vip, 120, fast)])
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)
    wait_until("r1's adverts on the wire", lambda: len([p for p in capture.packets() if p.src == r1.ipv4()]) >= 3,
               timeout=5)
    weight.write_text("50\n")  # 150 - 50 = 100, below r2's 120
    wait_master(topo, "r2", vip, timeout=master_down_interval(V3, 120) + 2)
    packets = capture.wait_for("r2's first advert", lambda p: [x for x in p if x.src == r2.ipv4()] and p)
    ours = [p for p in packets if p.src == r1.ipv4()]
    lowered = [p for p in ours if p.prio == 100]
    first = [p for p in packets if p.src == r2.ipv4()][0]
    if fast:
        assert lowered, "r1 never advertised its lower priority"
        # at once, not on its interval: less than one interval after its last advert at 150
        before = [p for p in ours if p.prio == 150 and p.time < lowered[0].time][-1]
        assert lowered[0].time - before.time < V3["advert_int"] - 0.05, (before, lowered[0])
        assert_near("r2's takeover after r1's lower advert", first.time - lowered[0].time, skew_time(V3, 120))
    else:
        last_high = [p for p in ours if p.prio == 150][-1]
        assert_near("r2's takeover after r1's last advert at 150", first.time - last_high.time,
                    master_down_interval(V3, 120))
    assert not [p for p in packets if p.src == r1.ipv4() and p.time > first.time + 0.010], "r1 kept advertising"
    bad = [p for p in packets if not p.good]  # the unscheduled advert is an RFC advert: tshark finds nothing
    assert not bad, bad


class _Raw:
    """A block of config text for keepalived_config()'s scripts."""

    def __init__(self, text):
        self.text = text

    def render(self):
        return self.text


@pytest.mark.parametrize("variant,expected", [("rfc", 0), ("fast_preempt", 6), ("fast_preempt+preempt_delay", 0)])
def test_a_flapping_check(topology, variant, expected):
    """r1's check fails for 200 ms once a second, six times, at 100 ms adverts. The RFC backup never notices
    (Master_Down_Interval is 353 ms); with fast_preempt each failure hands the VIP over and back; preempt_delay
    is the damper that keeps it still."""
    topo, vip = topology, topology.vip4(0)
    r1, r2 = topo["r1"], topo["r2"]
    fast = variant != "rfc"
    delay = ["preempt_delay 1"] if "delay" in variant else []
    weight = r1.dir / "weight"
    weight.write_text("0\n")
    tf = f'track_file tf {{\n    file "{weight}"\n}}\n'

    def quick(priority, extra):
        return VrrpInstance(name="VI_1", vrid=62, priority=priority, vips=[f"{vip}/24"], advert_int=0.1,
                            extra=[*(["fast_preempt"] if fast else []), *extra])

    start(r1, [quick(150, ["track_file {", "    tf weight -1", "}"])], scripts=[_Raw(tf)])
    start(r2, [quick(120, delay)])
    wait_master(topo, "r1", vip, timeout=3)
    t0 = time.monotonic()
    for n in range(6):  # the stimulus' own schedule: 200 ms down, 800 ms up
        _at(t0 + n)
        weight.write_text("50\n")
        _at(t0 + n + 0.2)
        weight.write_text("0\n")
    _at(t0 + 6.5)
    wait_master(topo, "r1", vip, timeout=2)
    assert _became_master(r2) == expected


def _at(t):
    """Waits for the stimulus' next moment (not for a condition): its schedule is the test's input."""
    time.sleep(max(0.0, t - time.monotonic()))


def _became_master(router):
    from test_bus import INSTANCE, Bus, path_of

    return int(Bus(router).get(path_of("VI_1"), INSTANCE, "Statistics")["became-master"])
