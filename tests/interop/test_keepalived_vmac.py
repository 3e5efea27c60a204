"""Interop with Debian's keepalived 2.2.7 with use_vmac on both sides (issue 10): the same virtual MAC on two
routers, so each hears the other only on its own macvlan. Both roles, VRRPv3 over IPv4 and IPv6: the election
holds (the lower one stays backup past its Master_Down_Interval), a SIGKILLed master is taken over within
Master_Down_Interval + 50 ms of its last advert, a stopped one within Skew_Time + 50 ms of its priority 0, the VIP lives on the macvlan, no advert of either is rejected
and tshark finds nothing malformed."""

import time

import pytest

from test_keepalived_interop import (HIGH, LOW, adverts, assert_clean, assert_no_rejects, assert_took,
                                     instance, pair)  # noqa: F401 (pair: the fixture, with this module's case)
from vrrptopo import wait_until
from vrrptopo.timing import master_down_interval, skew_time, vip_of

CASES = {
    "v3-ipv4": dict(version=3, family=4, advert_int=0.2, auth_pass=None),
    "v3-ipv6": dict(version=3, family=6, advert_int=0.2, auth_pass=None),
}
LINK = "vrrp.51"  # keepalived's name for VRID 51's macvlan, and vrrpd's


def holds(router, vip):
    return vip in router.addresses(dev=LINK) if LINK in router.sh("ip", "-o", "link", "show").stdout else False


@pytest.fixture(params=CASES.keys())
def case(request):
    return CASES[request.param]


def elect(topo, case, high, low):
    """Both with use_vmac, the higher first: it holds the VIP on its macvlan, and the lower one stays backup past
    its own Master_Down_Interval (so it heard the higher one on its macvlan)."""
    vip = vip_of(topo, case)
    high.start([instance(topo, case, HIGH, state="MASTER", extra=["use_vmac"])])
    low.start([instance(topo, case, LOW, extra=["use_vmac"])])
    low_started = time.monotonic()
    wait_until(f"{vip} on {high.name}'s {LINK}", lambda: holds(high.router, vip),
               timeout=master_down_interval(case, HIGH) + 5)
    deadline = low_started + master_down_interval(case, LOW) + 2 * case["advert_int"]
    while time.monotonic() < deadline:  # a property over time, polled: fails at the first moment it breaks
        assert not holds(low.router, vip), f"{low.name} took {vip} while {high.name} was master"
        time.sleep(0.05)


def test_vmac_clean_stop_hands_over_within_skew_time(topology, case, pair):
    topo, (high, low), vip = topology, pair, vip_of(topology, case)
    capture = topo.capture()
    elect(topo, case, high, low)
    high.stop()
    wait_until(f"{low.name} to take {vip} over", lambda: holds(low.router, vip),
               timeout=master_down_interval(case, LOW) + 3)
    assert not holds(high.router, vip), f"the stopped {high.name} left {vip} behind"
    capture.wait_for(f"the first advert of {low.name}", lambda p: adverts(p, low.router, case) and p)
    capture.stop()
    packets = capture.packets()
    resign = [p for p in adverts(packets, high.router, case) if p.prio == 0]
    assert resign, f"{high.name} stopped without a priority-0 advert"
    took = adverts(packets, low.router, case)[0].time - resign[0].time
    assert_took(f"{low.name}'s takeover after {high.name}'s priority 0", took, skew_time(case, LOW))
    assert_clean(packets)
    assert_no_rejects(high, low)


def test_vmac_election_and_crash_failover(topology, case, pair):
    topo, (high, low), vip = topology, pair, vip_of(topology, case)
    capture = topo.capture()
    elect(topo, case, high, low)
    high.crash()
    wait_until(f"{low.name} to take {vip} over", lambda: holds(low.router, vip),
               timeout=master_down_interval(case, LOW) + 3)
    capture.wait_for(f"the first advert of {low.name}", lambda p: adverts(p, low.router, case) and p)
    capture.stop()
    packets = capture.packets()
    took = adverts(packets, low.router, case)[0].time - adverts(packets, high.router, case)[-1].time
    assert_took(f"{low.name}'s takeover after {high.name}'s crash", took, master_down_interval(case, LOW))
    assert {p.eth_src for p in adverts(packets, high.router, case)} == {
        "00:00:5e:00:01:33" if case["family"] == 4 else "00:00:5e:00:02:33"}
    assert_clean(packets)
    assert_no_rejects(high, low)
