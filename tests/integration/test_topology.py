"""Proves the vrrptopo fixtures: the topology, the per-router services, keepalived as a peer, the captures, and
the teardown. Everything else in tests/integration and tests/interop builds on these."""

import itertools
import json
import os
import time

import pytest
from scapy.all import IP, Ether, Raw, wrpcap
from scapy.layers.vrrp import VRRP

from vrrptopo import Topology, TrackScript, VrrpInstance, bad_packets, read_vrrp, sh, wait_until


def netns_list():
    return sh("ip", "netns", "list").stdout


# The topology itself


def test_every_host_reaches_every_other_over_ipv4_ipv6_and_link_local(shared_topology):
    topo = shared_topology
    unreachable = []
    for src, dst in itertools.permutations(topo.hosts, 2):
        for addr, dev in ((dst.ipv4(), None), (dst.ipv6(), None), (dst.link_local(), src.ifname())):
            if not src.ping(addr, dev=dev):
                unreachable.append(f"{src.name} -> {dst.name} {addr}")
    assert not unreachable, f"pings that failed: {unreachable}"


def test_hosts_have_the_designed_addresses_and_sysctls(shared_topology):
    for node in shared_topology.hosts:
        entries = {a["local"]: a for a in node.address_entries()}
        want = {node.ipv4(): 24, node.ipv6(): 64, node.link_local(): 64}
        got = {addr: entries[addr]["prefixlen"] for addr in want if addr in entries}
        assert got == want, f"{node.name}:eth0 should have {want}; it has {sorted(entries)}"
        tentative = [a for a, e in entries.items() if e.get("tentative") or e.get("dadfailed")]
        assert not tentative, f"{node.name} has addresses still in DAD: {tentative}"
        values = node.sh("sysctl", "-n", "net.ipv4.conf.all.rp_filter", "net.ipv4.conf.eth0.rp_filter",
                         "net.ipv6.conf.eth0.accept_dad").stdout.split()
        assert values == ["0", "0", "0"], f"{node.name}: rp_filter all/eth0 and accept_dad: {values}"
        assert node.link("lo")["operstate"] == "UNKNOWN", f"{node.name}: lo is {node.link('lo')['operstate']}"


def test_bridge_floods_multicast_without_stp_delay(shared_topology):
    out = sh("ip", "-n", shared_topology.sw, "-d", "-j", "link", "show", "br0").stdout
    info = json.loads(out)[0]["linkinfo"]["info_data"]
    seen = {k: info[k] for k in ("stp_state", "forward_delay", "mcast_snooping")}
    assert seen == {"stp_state": 0, "forward_delay": 0, "mcast_snooping": 0}, f"br0: {seen}"


def test_link_down_and_cut_take_a_router_off_the_lan(shared_topology):
    topo, r1 = shared_topology, shared_topology["r1"]
    try:
        topo.link_down("r1")
        assert not topo.client.ping(r1.ipv4()), "r1 answered with its eth0 down"
        assert r1.addresses(family=6) == [], f"admin down should flush IPv6; r1 has {r1.addresses(family=6)}"
        topo.link_up("r1")
        assert topo.client.ping(r1.ipv4()), "r1 does not answer after link_up"
        assert topo.client.ping(r1.ipv6()), "r1 does not answer IPv6 after link_up (address not restored?)"
        topo.cut("r1")
        wait_until("r1 to lose carrier", lambda: "NO-CARRIER" in r1.link()["flags"] or None, timeout=5)
        assert not topo.client.ping(r1.ipv4()), "r1 answered with its switch port down"
    finally:
        topo.link_up("r1")
        topo.mend("r1")
    assert topo.client.ping(r1.ipv4()), "r1 does not answer after mend"


# The per-router services


def test_each_router_nginx_answers_with_its_own_name(shared_topology):
    topo = shared_topology
    for router in topo.routers:
        for addr in (router.ipv4(), router.ipv6()):
            body = topo.client.curl(addr)
            assert body == f"{router.name}\n", f"http://{addr}/ from the client answered {body!r}"


def test_health_check_sees_only_its_own_namespace_nginx(shared_topology):
    r1, r2 = shared_topology["r1"], shared_topology["r2"]
    try:
        r2.nginx.stop()
        assert not r2.nginx.healthy(), "r2's health check passed with r2's nginx stopped"
        assert r1.nginx.healthy(), "r1's health check failed though only r2's nginx stopped"
    finally:
        r2.nginx.restart()
    assert r2.nginx.healthy(), "r2's nginx does not answer after restart"


def test_each_router_has_its_own_private_system_bus(shared_topology):
    routers = shared_topology.routers
    for router in routers:
        names = router.bus.list_names()
        assert "org.freedesktop.DBus" in names, f"{router.name}'s bus answered ListNames with {names}"
        assert router.bus.env == {"DBUS_SYSTEM_BUS_ADDRESS": f"unix:path={router.bus.socket}"}
    ids = {r.name: str(r.bus.connect().get_object("org.freedesktop.DBus", "/org/freedesktop/DBus")
                      .GetId(dbus_interface="org.freedesktop.DBus")) for r in routers}
    assert len(set(ids.values())) == len(routers), f"routers share a bus: {ids}"


def test_private_bus_has_the_system_policy_and_includes_ours(shared_topology):
    import dbus

    bus = shared_topology["r1"].bus.connect()
    with pytest.raises(dbus.exceptions.DBusException, match="AccessDenied"):
        bus.request_name("org.example.NotAllowed")  # system.conf's <deny own="*"/>, root included
    if not bus_policy_exists(shared_topology):
        pytest.skip("dbus/org.vrrpd.Vrrp1.conf does not exist yet")
    assert bus.request_name("org.vrrpd.Vrrp1") == dbus.bus.REQUEST_NAME_REPLY_PRIMARY_OWNER
    bus.release_name("org.vrrpd.Vrrp1")


def bus_policy_exists(topo):
    return topo["r1"].bus.policy.exists()


# keepalived as a peer, and captures

KEEPALIVED_CASES = {
    "v2-ipv4-pass": dict(version=2, advert_int=1, auth_pass="vrrpd42", family=4, vrid=51),
    "v3-ipv6": dict(version=3, advert_int=0.5, auth_pass=None, family=6, vrid=52),
}


@pytest.mark.parametrize("case", KEEPALIVED_CASES, ids=KEEPALIVED_CASES.keys())
def test_keepalived_pair_elects_a_master_and_fails_over_on_crash(make_topology, case):
    c = KEEPALIVED_CASES[case]
    topo = make_topology(routers=2)
    r1, r2 = topo["r1"], topo["r2"]
    vip = topo.vip4() if c["family"] == 4 else topo.vip6()
    prefix = 24 if c["family"] == 4 else 64

    def instance(priority, state):
        return VrrpInstance("vi_test", c["vrid"], priority, [f"{vip}/{prefix}"], version=c["version"],
                            state=state, advert_int=c["advert_int"], auth_pass=c["auth_pass"])

    capture = topo.capture("client")
    ka1 = r1.keepalived([instance(150, "MASTER")])
    r2.keepalived([instance(100, "BACKUP")])
    # state MASTER below 255 still starts as backup: wait for the VIP, never assume it.
    master_down = 3 * c["advert_int"] + 1
    wait_until(f"{vip} on r1", lambda: vip in r1.addresses(), timeout=master_down + 3)
    assert vip not in r2.addresses(), f"{vip} on both routers; r2 has {r2.addresses()}"
    wait_until(f"the client's curl to {vip} to answer r1", lambda: topo.client.curl(vip) == "r1\n", timeout=5)

    ka1.crash()
    crashed_at = time.monotonic()
    wait_until(f"the client's curl to {vip} to answer r2", lambda: topo.client.curl(vip) == "r2\n",
               timeout=master_down + 3)
    took = time.monotonic() - crashed_at
    assert vip in r2.addresses(), f"{vip} missing on r2; r2 has {r2.addresses()}"
    assert vip in r1.addresses(), "a SIGKILLed keepalived removed its VIP: crash() was not a crash"
    assert took < master_down + 2, f"failover took {took:.2f}s"

    capture.stop()
    packets = capture.packets()
    sources = {p.src for p in packets}
    want_sources = {r1.ipv4(), r2.ipv4()} if c["family"] == 4 else {r1.link_local(), r2.link_local()}
    assert want_sources <= sources, f"adverts from {sources}, expected both routers {want_sources}"
    assert {(p.version, p.vrid) for p in packets} == {(c["version"], c["vrid"])}, f"{packets[:3]}…"
    assert not bad_packets(packets), f"tshark rejected: {bad_packets(packets)}"
    resigned = [p for p in packets if p.prio == 0]
    assert not resigned, f"a crashed keepalived sent priority 0: {resigned}"


def test_keepalived_stop_resigns_with_priority_zero_and_track_script_sees_local_nginx(make_topology):
    topo = make_topology(routers=2)
    r1, r2 = topo["r1"], topo["r2"]
    vip = topo.vip4()
    check = TrackScript("chk_nginx", "/usr/bin/curl -sf --noproxy * -o /dev/null --max-time 1 http://127.0.0.1/",
                        interval=1, fall=1, rise=1)

    def instance(priority):
        return VrrpInstance("vi_web", 61, priority, [f"{vip}/24"], version=3, advert_int=0.2,
                            track_scripts=["chk_nginx"])

    capture = topo.capture("client")
    ka1 = r1.keepalived([instance(200)], scripts=[check])
    r2.keepalived([instance(100)], scripts=[check])
    wait_until(f"{vip} on r1", lambda: vip in r1.addresses(), timeout=5)

    r1.nginx.stop()  # r1's health check fails (weight 0: FAULT), r2's still passes: r2 takes over
    wait_until(f"{vip} to move to r2", lambda: vip in r2.addresses() and vip not in r1.addresses(), timeout=5)
    wait_until(f"the client's curl to {vip} to answer r2", lambda: topo.client.curl(vip) == "r2\n", timeout=5)
    r1.nginx.start()
    wait_until(f"{vip} back on r1 (preempt)", lambda: vip in r1.addresses(), timeout=5)

    assert ka1.stop() == 0, f"keepalived exited badly:\n{ka1.log[-2000:]}"
    wait_until(f"{vip} on r2 after r1 stopped", lambda: vip in r2.addresses(), timeout=5)
    assert vip not in r1.addresses(), f"a stopped keepalived left {vip} behind on r1"
    capture.stop()
    packets = capture.packets()
    zero = [p for p in packets if p.prio == 0 and p.src == r1.ipv4()]
    assert len(zero) >= 2, f"r1 resigned (FAULT, then stop) {len(zero)} times with priority 0: {zero}"
    assert not bad_packets(packets), f"tshark rejected: {bad_packets(packets)}"


def test_capture_analysis_flags_bad_checksums_and_malformed_packets(tmp_path):
    ip = IP(src="192.0.2.1", dst="224.0.0.18", ttl=255)
    frames = [Ether() / ip / VRRP(vrid=5, priority=100, addrlist=["192.0.2.100"]),
              Ether() / ip / VRRP(vrid=6, priority=100, addrlist=["192.0.2.100"], chksum=0x1234),
              Ether() / IP(src="192.0.2.1", dst="224.0.0.18", ttl=255, proto=112) / Raw(b"\x21\x07")]
    wrpcap(str(tmp_path / "t.pcap"), frames)
    packets = read_vrrp(tmp_path / "t.pcap")
    assert [(p.vrid, p.checksum_status) for p in packets] == [(5, 1), (6, 0), (None, None)], packets
    assert [p.number for p in bad_packets(packets)] == [2, 3], packets
    assert any("checksum" in msg.lower() for msg in packets[1].problems), packets[1]
    assert "malformed" in packets[2].problems, packets[2]


# Teardown


def test_teardown_removes_namespaces_processes_and_workdir_even_on_failure():
    if os.geteuid() != 0:
        pytest.skip("needs root")
    topo = Topology(routers=1, lans=2)
    with pytest.raises(RuntimeError, match="deliberate"):
        with topo:
            router = topo["r1"]
            # An extra LAN is a second bridge: eth1 on 198.51.100.0/24 and 2001:db8:2::/64.
            assert topo.client.ping(router.ipv4(1)), "r1 unreachable on LAN 1 (IPv4)"
            assert topo.client.ping(router.ipv6(1)), "r1 unreachable on LAN 1 (IPv6)"
            assert router.ipv4(1) == "198.51.100.1" and router.ipv6(1) == "2001:db8:2::1"
            orphan = topo.spawn(["sleep", "60"], ns=router.ns, name="sleeper", setsid=False)
            pids = [orphan.pid, router.nginx.process.pid, router.bus.process.pid]
            names = topo.namespaces()
            assert all(n in netns_list() for n in names), f"missing namespaces: {names} vs {netns_list()}"
            raise RuntimeError("deliberate failure inside the topology")
    left = [n for n in names if n in netns_list()]
    assert not left, f"namespaces left behind: {left}"
    alive = [p for p in pids if os.path.exists(f"/proc/{p}")]
    assert not alive, f"processes left behind: {alive}"
    assert not topo.workdir.exists(), f"workdir left behind: {topo.workdir}"


def test_closed_topologies_left_no_namespace():
    """Runs after the tests above: every topology they closed (their fixtures' teardown) is gone from
    `ip netns list`, and so is one closed here (so the test means something when run alone). Only this
    process's topologies count, so parallel runs do not disturb it."""
    with Topology(routers=1, bus=False, nginx=False) as topo:
        assert topo.sw in netns_list().split(), f"{topo.sw} missing while open: {netns_list()}"
    closed = [t for t in Topology.all_built if t.closed]
    listed = netns_list()
    leaked = [ns for t in closed for ns in t.namespaces() if ns in listed.split()]
    assert not leaked, f"namespaces left behind by closed topologies: {leaked}"
