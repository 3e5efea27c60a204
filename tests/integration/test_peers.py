"""The other routers as a router hears them (issue 14): Peers lists who advertises (and forgets who fell
silent), SplitBrain rises on a master that keeps hearing a lower master it does not yield to (an asymmetric
partition made in the switch with an nftables bridge filter) and clears after healing; forged adverts do not
raise it; a VRID nobody here runs shows on the Manager, with the socket counters."""

import os
import time

from test_auth_hmac import hmac_block
from test_bus import INSTANCE, MANAGER, Bus, path_of
from test_netns import vrrpctl, vrrpctl_path
from test_failover import CASES, instance, master_down_interval, start, vip_of, wait_master
from vrrptopo import wait_until
from vrrptopo.inject import advert, send
from vrrptopo.run import sh
from vrrptopo.signed import sign

V3 = CASES["v3-ipv4"]  # 0.5 s adverts
ROOT = "/org/vrrpd/Vrrp1"
KEY = bytes(range(32))


def peers(router):
    return [(str(a), int(p)) for a, p, _, _ in Bus(router).get(path_of("VI_1"), INSTANCE, "Peers")]


def split_brain(router):
    return bool(Bus(router).get(path_of("VI_1"), INSTANCE, "SplitBrain"))


def one_way(topo, src, dst, on):
    """Drops the frames from src's switch port to dst's (nftables bridge filter in the switch), or stops."""
    if on:
        sh("nft", "-f", "-", ns=topo.sw, input=(
            "table bridge vrrpd_test {\n chain fw { type filter hook forward priority 0; policy accept;\n"
            f'  iifname "{src.name}-0" oifname "{dst.name}-0" drop\n }}\n}}\n'))
    else:
        sh("nft", "delete", "table", "bridge", "vrrpd_test", ns=topo.sw)


def test_peers_lists_who_advertises_and_forgets_the_silent(topology):
    topo, vip = topology, vip_of(topology, V3)
    r1, r2 = topo["r1"], topo["r2"]
    d1 = start(r1, [instance(topo, V3, 150)])
    start(r2, [instance(topo, V3, 100)])
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)
    wait_until("r2 lists r1 at 150", lambda: peers(r2) == [(r1.ipv4(), 150)], timeout=3)
    assert peers(r1) == []  # a backup is silent
    first, last = [int(x) for x in Bus(r2).get(path_of("VI_1"), INSTANCE, "Peers")[0][2:]]
    assert first <= last and abs(last / 1e6 - time.time()) < 5
    d1.stop()  # its priority-0 advert: r2 takes over, and hears r1 no more
    wait_master(topo, "r2", vip, timeout=master_down_interval(V3, 100) + 2)
    wait_until("r1 forgotten", lambda: peers(r2) == [], timeout=master_down_interval(V3, 100) + 1)


def test_an_asymmetric_partition_is_a_split_brain_until_it_heals(topology):
    """Frames from r1 to r2 dropped, r2 to r1 kept: r2 hears nothing and becomes master; r1 keeps hearing r2's
    lower adverts and stays master. r1 says so within one Master_Down_Interval of r2's first advert as master;
    after healing r2 yields and it clears."""
    topo, vip = topology, vip_of(topology, V3)
    r1, r2 = topo["r1"], topo["r2"]
    start(r1, [instance(topo, V3, 150)])
    start(r2, [instance(topo, V3, 100)])
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)
    assert not split_brain(r1)
    monitor = r1.spawn([str(vrrpctl_path()), "monitor"], name="vrrpctl-monitor", env={**os.environ, **r1.bus_env()})
    wait_until("vrrpctl monitor listening", lambda: "Monitoring state changes" in monitor.log_text(), timeout=5)
    one_way(topo, r1, r2, True)
    wait_until("r2 master too", lambda: vip in r2.addresses(), timeout=master_down_interval(V3, 100) + 2)
    t0 = time.monotonic()
    wait_until("r1 reports split brain", lambda: split_brain(r1), timeout=master_down_interval(V3, 150) + 1)
    assert time.monotonic() - t0 <= master_down_interval(V3, 150) + 0.2
    assert (r2.ipv4(), 100) in peers(r1) and not split_brain(r2)  # r2 hears nobody
    status = vrrpctl(r1, "status", "VI_1").stdout
    assert "Split Brain: YES: another router is master too" in status and f"Peers: {r2.ipv4()} (priority 100" \
        in status, status
    assert 'vrrpd_instance_split_brain{instance="VI_1",interface="eth0",vrid="51"} 1' in \
        vrrpctl(r1, "metrics").stdout.splitlines()
    one_way(topo, r1, r2, False)
    wait_master(topo, "r1", vip, timeout=2)
    wait_until("split brain over", lambda: not split_brain(r1), timeout=master_down_interval(V3, 150) + 1)
    wait_until("vrrpctl monitor told both", lambda: "VI_1: split brain over" in monitor.log_text(), timeout=3)
    assert "VI_1: SPLIT BRAIN: another router is master too" in monitor.log_text()


def test_forged_adverts_do_not_raise_it(topology):
    topo, vip = topology, vip_of(topology, V3)
    r1 = topo["r1"]
    start(r1, [instance(topo, V3, 150, extra=hmac_block({1: KEY}, 1))])
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)
    forged = sign(advert(src="192.0.2.250", vrid=51, priority=100, addrs=[vip], adv_cs=50), KEY, mac=os.urandom(16))
    send(topo.client, [forged], count=8, gap=0.5)
    assert not split_brain(r1) and peers(r1) == []


def test_a_foreign_vrid_shows_on_the_manager(topology):
    topo, vip = topology, vip_of(topology, V3)
    r1 = topo["r1"]
    start(r1, [instance(topo, V3, 150)])
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)
    send(topo.client, [advert(src="192.0.2.250", vrid=77, priority=100, addrs=["192.0.2.177"], adv_cs=100)])
    wait_until("VRID 77 from the client on the Manager",
               lambda: [(str(i), str(f), int(v), str(a)) for i, f, v, a, _ in Bus(r1).get(ROOT, MANAGER,
                                                                                         "ForeignRouters")]
               == [("eth0", "ipv4", 77, "192.0.2.250")], timeout=3)
    counters = {(str(i), str(f)): (int(n), int(m)) for i, f, n, m in Bus(r1).get(ROOT, MANAGER, "SocketCounters")}
    assert counters[("eth0", "ipv4")][0] >= 1, counters
