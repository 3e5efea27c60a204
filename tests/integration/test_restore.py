"""What vrrpd does when another program deletes what a master holds (issue 11): it puts it back, with backoff,
and after five reinstatements within a minute goes to FAULT (a priority-0 advert first) so that the peer takes
over; a no_track entry is left out until the next transition to master. keepalived drops to BACKUP instead
(its issues #1385, #2479, #2564); DESIGN §1 and vrrpd.conf(5) document the departure."""

from test_bus import INSTANCE, Bus, path_of
from test_failover import CASES, start, wait_master
from vrrptopo import VrrpInstance, wait_until
from vrrptopo.timing import master_down_interval

V3 = CASES["v3-ipv4"]


def pair(topo, vips, **kw):
    def inst(priority):
        return VrrpInstance(name="VI_1", vrid=61, priority=priority, vips=vips, advert_int=V3["advert_int"], **kw)

    d1 = start(topo["r1"], [inst(150)])
    d2 = start(topo["r2"], [inst(100)])
    wait_master(topo, "r1", topo.vip4(0), timeout=master_down_interval(V3, 150) + 3)
    return d1, d2


def delete_vip(router, vip):
    router.sh("ip", "addr", "del", f"{vip}/24", "dev", "eth0")


def reinstated(router):
    stats = Bus(router).get(path_of("VI_1"), INSTANCE, "Statistics")
    return int(stats["reinstated"])


def test_a_deleted_vip_is_put_back_and_counted(topology, vrrpd_path):
    topo, vip = topology, topology.vip4(0)
    d1, _ = pair(topo, [f"{vip}/24"])
    delete_vip(topo["r1"], vip)
    wait_until(f"{vip} back on r1", lambda: vip in topo["r1"].addresses(), timeout=2)
    wait_until("r1 to count the reinstatement", lambda: reinstated(topo["r1"]) == 1, timeout=2)
    assert "was deleted by another program: putting it back" in d1.log
    assert Bus(topo["r1"]).get(path_of("VI_1"), INSTANCE, "State") == "master"
    assert vip not in topo["r2"].addresses()


def test_a_vip_deleted_again_and_again_yields_to_the_peer(topology, vrrpd_path):
    topo, vip = topology, topology.vip4(0)
    d1, _ = pair(topo, [f"{vip}/24"])
    with topo.capture() as cap:
        for n in range(1, 6):  # five reinstatements, 0 + 100 + 200 + 400 + 800 ms of backoff
            delete_vip(topo["r1"], vip)
            wait_until(f"reinstatement {n}", lambda: reinstated(topo["r1"]) == n, timeout=3)
            wait_until(f"{vip} back on r1", lambda: vip in topo["r1"].addresses(), timeout=2)
        delete_vip(topo["r1"], vip)
        wait_until("r1 in FAULT", lambda: Bus(topo["r1"]).get(path_of("VI_1"), INSTANCE, "State") == "fault",
                   timeout=2)
        wait_master(topo, "r2", vip, timeout=2)
        cap.wait_for("r1's priority-0 advert",
                     lambda pkts: any(p.src == topo["r1"].ipv4() and p.prio == 0 for p in pkts), timeout=2)
    assert "going to FAULT so that another router takes over" in d1.log
    assert [str(f) for f in Bus(topo["r1"]).get(path_of("VI_1"), INSTANCE, "Faults")] == ["reinstate-limit"]
    assert vip not in topo["r1"].addresses()


def test_a_no_track_vip_is_left_out_until_the_next_transition(topology, vrrpd_path):
    topo, vip, other = topology, topology.vip4(0), topology.vip4(1)
    d1, _ = pair(topo, [f"{vip}/24", f"{other}/24 no_track"])
    delete_vip(topo["r1"], other)
    wait_until("r1 to log the no_track deletion", lambda: "(no_track) was deleted" in d1.log, timeout=2)
    assert other not in topo["r1"].addresses()
    assert vip in topo["r1"].addresses()
    assert reinstated(topo["r1"]) == 0
    assert Bus(topo["r1"]).get(path_of("VI_1"), INSTANCE, "State") == "master"
