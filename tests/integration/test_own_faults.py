"""An instance's own faults, beside its tracks' (issue 11), each shown in the Faults property: unicast_fault_no_peer
without a peer, and track_src_ip while the configured source address is on no interface (keepalived's
VRRP_FLAG_UNICAST_FAULT_NO_PEERS and VRRP_FLAG_TRACK_SADDR)."""

from test_bus import INSTANCE, Bus, path_of
from test_netns import vrrpctl
from test_failover import CASES, start, wait_master
from vrrptopo import VrrpInstance, wait_until
from vrrptopo.timing import master_down_interval

V3 = CASES["v3-ipv4"]
SRC = "192.0.2.200"  # r1's extra address, the source track_src_ip watches


def inst(priority, vip, **kw):
    return VrrpInstance(name="VI_1", vrid=81, priority=priority, vips=[f"{vip}/24"], advert_int=V3["advert_int"], **kw)


def prop(router, name):
    return Bus(router).get(path_of("VI_1"), INSTANCE, name)


def test_unicast_fault_no_peer_holds_it_in_fault(topology, vrrpd_path):
    r1 = topology["r1"]
    d = start(r1, [inst(150, topology.vip4(0), unicast_src=r1.ipv4(), extra=["unicast_fault_no_peer"])])
    wait_until("VI_1 in FAULT", lambda: prop(r1, "State") == "fault", timeout=3)
    assert [str(f) for f in prop(r1, "Faults")] == ["no-unicast-peer"]
    assert topology.vip4(0) not in r1.addresses()
    out = vrrpctl(r1, "status", "VI_1").stdout
    assert "Faults: no-unicast-peer" in out, out
    assert "no unicast_peer, held in FAULT" in d.log


def test_unicast_settings_without_a_peer_run_multicast(topology, vrrpd_path):
    r1, vip = topology["r1"], topology.vip4(0)
    start(r1, [inst(150, vip, unicast_src=r1.ipv4())])
    wait_master(topology, "r1", vip, timeout=master_down_interval(V3, 150) + 3)
    assert list(prop(r1, "Faults")) == []


def test_track_src_ip_follows_the_source_address(topology, vrrpd_path):
    topo, vip = topology, topology.vip4(0)
    r1 = topo["r1"]
    r1.sh("ip", "addr", "add", f"{SRC}/24", "dev", "eth0")
    start(r1, [inst(150, vip, extra=[f"mcast_src_ip {SRC}", "track_src_ip"])])
    start(topo["r2"], [inst(100, vip)])
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)
    r1.sh("ip", "addr", "del", f"{SRC}/24", "dev", "eth0")
    wait_until("r1 in FAULT", lambda: prop(r1, "State") == "fault", timeout=2)
    assert [str(f) for f in prop(r1, "Faults")] == ["no-source-address"]
    wait_master(topo, "r2", vip, timeout=master_down_interval(V3, 100) + 1)
    r1.sh("ip", "addr", "add", f"{SRC}/24", "dev", "eth0")
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 2)
    assert list(prop(r1, "Faults")) == []


def test_track_src_ip_waits_for_a_missing_source(topology, vrrpd_path):
    r1, vip = topology["r1"], topology.vip4(0)
    start(r1, [inst(150, vip, extra=[f"mcast_src_ip {SRC}", "track_src_ip"])])
    wait_until("VI_1 in FAULT", lambda: prop(r1, "State") == "fault", timeout=3)
    assert [str(f) for f in prop(r1, "Faults")] == ["no-source-address"]
    r1.sh("ip", "addr", "add", f"{SRC}/24", "dev", "eth0")
    wait_master(topology, "r1", vip, timeout=master_down_interval(V3, 150) + 2)
