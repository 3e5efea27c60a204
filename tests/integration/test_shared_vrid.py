"""Instances that share a VRID on one interface, as keepalived allows (its check_vrid_conflicts(), issue 11):
multicast ones with different mcast_dst_ip groups, and unicast ones with different peers. Each hears its own
adverts only: every router ends as the master or backup its priorities say, and stays so."""

from test_bus import INSTANCE, Bus, path_of
from test_failover import CASES, start
from vrrptopo import VrrpInstance, wait_until
from vrrptopo.timing import master_down_interval

V3 = CASES["v3-ipv4"]
SETTLE = master_down_interval(V3, 100) + 3


def inst(name, priority, vip, **kw):
    return VrrpInstance(name=name, vrid=71, priority=priority, vips=[f"{vip}/24"], advert_int=V3["advert_int"], **kw)


def holders(topo, vip):
    return sorted(r.name for r in topo.routers if vip in r.addresses())


def test_two_groups_one_vrid(topology, vrrpd_path):
    topo = topology
    a, b = topo.vip4(0), topo.vip4(1)
    group = ["mcast_dst_ip 224.0.0.19"]
    start(topo["r1"], [inst("A", 150, a), inst("B", 100, b, extra=group)])
    start(topo["r2"], [inst("A", 100, a), inst("B", 150, b, extra=group)])
    wait_until("A on r1 and B on r2", lambda: holders(topo, a) == ["r1"] and holders(topo, b) == ["r2"],
               timeout=SETTLE)
    # From here on: r1 started first, and on a loaded machine it may have been master of B alone for a while.
    with topo.capture() as cap:
        cap.wait_for("adverts to both groups",
                     lambda pkts: {p.dst for p in pkts if p.vrid == 71} >= {"224.0.0.18", "224.0.0.19"}, timeout=3)
    for p in cap.packets():
        if p.vrid == 71:
            want = "224.0.0.18" if p.src == topo["r1"].ipv4() else "224.0.0.19"
            assert p.dst == want, f"an advert from {p.src} to {p.dst}: each router is master of one group only"
    assert holders(topo, a) == ["r1"] and holders(topo, b) == ["r2"]


def test_unicast_instances_told_apart_by_their_peers(make_topology, vrrpd_path):
    topo = make_topology(routers=3)
    x, y = topo.vip4(0), topo.vip4(1)
    r1, r2, r3 = topo["r1"], topo["r2"], topo["r3"]

    def uni(name, priority, vip, peer):
        return inst(name, priority, vip, unicast_src=None, unicast_peers=[peer.ipv4()])

    start(r1, [uni("X", 150, x, r2), uni("Y", 100, y, r3)])
    start(r2, [uni("X", 100, x, r1)])
    start(r3, [uni("Y", 150, y, r1)])
    wait_until("X on r1 and Y on r3", lambda: holders(topo, x) == ["r1"] and holders(topo, y) == ["r3"],
               timeout=SETTLE)
    # Were r3's priority-150 adverts for Y handed to r1's X, X would give r1's VIP up: once r1's Y has heard
    # several of them, r1's X has never left master, and has dropped nothing.
    bus = Bus(r1)

    def stats(name):
        return {str(k): int(v) for k, v in bus.get(path_of(name), INSTANCE, "Statistics").items()}

    wait_until("r1's Y to hear r3 five times", lambda: stats("Y")["adverts-received"] >= 5, timeout=5)
    sx = stats("X")
    assert sx["became-master"] == 1 and sx["released-master"] == 0, f"r1's X: {sx}"
    assert holders(topo, x) == ["r1"] and holders(topo, y) == ["r3"]
