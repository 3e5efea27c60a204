"""SIGHUP reloads (DESIGN §1): atomic, matched by (interface, family, VRID), no VIP blinking on a master."""

import signal

import pytest

from test_bus import INSTANCE, SYNC_GROUP, Bus, group_path, path_of, start_conf, sync_group
from test_failover import CASES, holds, master_down_interval, skew_time, start, wait_master
from vrrptopo import VrrpInstance, keepalived_config, wait_until

V3 = CASES["v3-ipv4"]


def inst(topo, name, vrid, priority, vips, **kw):
    return VrrpInstance(name=name, vrid=vrid, priority=priority, vips=[f"{v}/24" for v in vips],
                        advert_int=V3["advert_int"], **kw)


def reload(daemon, instances, marker_text):
    """Rewrites the config, sends SIGHUP, and waits for the daemon to log that it reloaded."""
    marker = len(daemon.log)
    daemon.config.write_text(keepalived_config(instances))
    daemon.process.send_signal(signal.SIGHUP)
    wait_until(f"the daemon to log '{marker_text}'", lambda: marker_text in daemon.log[marker:], timeout=5)
    return daemon.log[marker:]


def watch_deletions(router):
    """`ip monitor address` in the router's namespace: every address event, so no blink goes unseen."""
    proc = router.spawn(["ip", "-o", "monitor", "address"], name="ipmon")
    wait_until("ip monitor to start", lambda: proc.alive(), timeout=5)
    return proc


def test_a_reload_adding_a_vip_keeps_the_masters_vips_and_state(topology, vrrpd_path):
    topo = topology
    vip, extra = topo.vip4(0), topo.vip4(1)
    r1 = start(topo["r1"], [inst(topo, "VI_1", 51, 150, [vip])])
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)
    mon = watch_deletions(topo["r1"])
    log = reload(r1, [inst(topo, "VI_1", 51, 150, [vip, extra])], "reload: changed 'VI_1'")
    wait_until(f"{extra} on r1", lambda: holds(topo["r1"], extra), timeout=3)
    mon.stop()
    deleted = [line for line in mon.log_text().splitlines() if line.startswith("Deleted") and f" {vip}/" in line]
    assert not deleted, f"{vip} blinked during the reload: {deleted}"
    assert "-> " not in log, f"the reload changed the state:\n{log}"


def test_a_broken_config_changes_nothing_and_says_where(topology, vrrpd_path):
    topo, vip = topology, topology.vip4(0)
    r1 = start(topo["r1"], [inst(topo, "VI_1", 51, 150, [vip])])
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)
    marker = len(r1.log)
    good = r1.config.read_text()
    r1.config.write_text(good.replace("priority 150", "priority 999"))
    r1.process.send_signal(signal.SIGHUP)
    wait_until("the reload to fail", lambda: "reload failed" in r1.log[marker:], timeout=5)
    log = r1.log[marker:]
    assert "vrrpd.conf:" in log and "invalid priority '999'" in log, f"no located error:\n{log}"
    assert holds(topo["r1"], vip) and "-> " not in log, f"a failed reload changed something:\n{log}"


def test_a_removed_instance_resigns_and_an_added_one_starts(topology, vrrpd_path):
    topo = topology
    vip1, vip2, vip3 = topo.vip4(0), topo.vip4(1), topo.vip4(2)
    r1 = start(topo["r1"], [inst(topo, "VI_1", 51, 150, [vip1]), inst(topo, "VI_2", 52, 150, [vip2])])
    start(topo["r2"], [inst(topo, "VI_2", 52, 100, [vip2])])
    wait_master(topo, "r1", vip2, timeout=master_down_interval(V3, 150) + 3)
    wait_until(f"{vip1} on r1", lambda: holds(topo["r1"], vip1), timeout=3)
    reload(r1, [inst(topo, "VI_1", 51, 150, [vip1]), inst(topo, "VI_3", 53, 150, [vip3])], "reload: added 'VI_3'")
    # VI_2 resigned with priority 0: r2 takes over after Skew_Time, not a whole Master_Down_Interval
    wait_master(topo, "r2", vip2, timeout=skew_time(V3, 100) + 1)
    wait_until(f"{vip3} on r1", lambda: holds(topo["r1"], vip3), timeout=master_down_interval(V3, 150) + 3)
    assert holds(topo["r1"], vip1), f"{vip1} of the untouched VI_1 went away"
    assert "removed 'VI_2'" in r1.log


def faulty_pair(topo):
    """VI_1, and VI_2 in FAULT of its own: it tracks trk0, a link of r1 left down."""
    topo["r1"].sh("ip", "link", "add", "trk0", "type", "veth", "peer", "name", "trk1")
    return [inst(topo, "VI_1", 51, 150, [topo.vip4(0)]),
            inst(topo, "VI_2", 52, 150, [topo.vip4(1)], track_interfaces=["trk0"])]


def states(bus, *names):
    return tuple(bus.get(path_of(n), INSTANCE, "State") for n in names)


@pytest.mark.parametrize("after", ["group-keeps-VI_1", "group-goes"])
def test_a_member_held_in_fault_is_let_go_when_the_faulty_member_leaves_its_group(topology, vrrpd_path, after):
    """VI_2, in FAULT of its own, holds VI_1 in FAULT through SG_1. A reload takes VI_2 out of SG_1 (SG_1 keeps
    VI_1 alone, or goes altogether): nothing holds VI_1 any more, so it leaves FAULT and, alone on the LAN, becomes
    master; VI_2 stays in FAULT."""
    topo, vip = topology, topology.vip4(0)
    insts = faulty_pair(topo)
    r1 = start_conf(topo["r1"], keepalived_config(insts) + sync_group("SG_1", ["VI_1", "VI_2"]))
    b1 = Bus(topo["r1"])
    wait_until("VI_1 and VI_2 in fault", lambda: states(b1, "VI_1", "VI_2") == ("fault", "fault"), timeout=5)
    assert b1.get(group_path("SG_1"), SYNC_GROUP, "State") == "fault"

    r1.reload(keepalived_config(insts) + (sync_group("SG_1", ["VI_1"]) if after == "group-keeps-VI_1" else ""))
    wait_until(f"VI_1 master with {vip}", lambda: states(b1, "VI_1") == ("master",) and holds(topo["r1"], vip),
               timeout=master_down_interval(V3, 150) + 3)
    assert states(b1, "VI_2") == ("fault",), "VI_2's own fault went away with the reload"
    assert "fault -> backup (sync-group)" in r1.log, f"VI_1 did not leave fault as a released member:\n{r1.log}"
    if after == "group-keeps-VI_1":
        wait_until("SG_1 master", lambda: b1.get(group_path("SG_1"), SYNC_GROUP, "State") == "master", timeout=3)


def test_a_faulty_member_joining_a_sync_group_takes_the_group_to_fault(topology, vrrpd_path):
    """VI_1 is master on r1 (r2 backs it up), VI_2 in FAULT of its own, outside any group. A reload puts both in
    SG_1: a member in FAULT forces the others to FAULT, so VI_1 resigns (priority 0) and r2 takes the VIP after its
    Skew_Time, not a Master_Down_Interval. A second reload takes VI_2 out again: VI_1 is let go and, with preempt,
    takes the VIP back."""
    topo, vip = topology, topology.vip4(0)
    insts = faulty_pair(topo)
    r1 = start_conf(topo["r1"], keepalived_config(insts))
    start(topo["r2"], [inst(topo, "VI_1", 51, 100, [vip])])
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)
    b1 = Bus(topo["r1"])
    assert states(b1, "VI_1", "VI_2") == ("master", "fault")

    r1.reload(keepalived_config(insts) + sync_group("SG_1", ["VI_1", "VI_2"]))
    wait_master(topo, "r2", vip, timeout=skew_time(V3, 100) + 1)
    assert states(b1, "VI_1", "VI_2") == ("fault", "fault")
    assert b1.get(group_path("SG_1"), SYNC_GROUP, "State") == "fault"

    r1.reload(keepalived_config(insts) + sync_group("SG_1", ["VI_1"]))
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)
    assert states(b1, "VI_1", "VI_2") == ("master", "fault")


def grouped(topo, *extra):
    """SG_1 of VI_1 and VI_2 (priority 150), plus the instances in extra."""
    insts = [inst(topo, "VI_1", 51, 150, [topo.vip4(0)]), inst(topo, "VI_2", 52, 150, [topo.vip4(1)]), *extra]
    return keepalived_config(insts) + sync_group("SG_1", [i.name for i in insts])


def master_group(topo):
    """r1 runs SG_1 alone on the LAN: both members and the group master."""
    r1 = start_conf(topo["r1"], grouped(topo))
    b1 = Bus(topo["r1"])
    wait_until("VI_1 and VI_2 master", lambda: states(b1, "VI_1", "VI_2") == ("master", "master"),
               timeout=master_down_interval(V3, 150) + 3)
    wait_until("SG_1 master", lambda: b1.get(group_path("SG_1"), SYNC_GROUP, "State") == "master", timeout=3)
    return r1, b1


def add_vi_3(r1, topo, priority):
    """Reloads r1 with VI_3 (VRID 53) added to SG_1, and waits for the daemon to say so; the log since then."""
    marker = len(r1.log)
    r1.reload(grouped(topo, inst(topo, "VI_3", 53, priority, [topo.vip4(2)])))
    wait_until("the reload to add VI_3", lambda: "added 'VI_3'" in r1.log[marker:], timeout=5)
    return marker


def test_a_member_added_to_a_master_sync_group_goes_master_with_it(topology, vrrpd_path):
    """SG_1 is master on r1. A reload adds VI_3 to it: VI_3 starts as a backup like any instance, then goes master
    with its group at once (sync-group), not a Master_Down_Interval later by its own timer. The kept members never
    move: no transition, no blink of their VIPs, and the group stays master."""
    topo = topology
    r1, b1 = master_group(topo)
    mon = watch_deletions(topo["r1"])
    marker = add_vi_3(r1, topo, 150)
    wait_until("VI_3 master with its VIP",
               lambda: states(b1, "VI_3") == ("master",) and holds(topo["r1"], topo.vip4(2)),
               timeout=master_down_interval(V3, 150) + 3)
    mon.stop()
    assert b1.get(path_of("VI_3"), INSTANCE, "LastTransitionReason") == "sync-group", r1.log[marker:]
    assert b1.get(group_path("SG_1"), SYNC_GROUP, "State") == "master"
    assert states(b1, "VI_1", "VI_2") == ("master", "master")
    moved = [line for line in r1.log[marker:].splitlines() if "-> " in line and ("VI_1" in line or "VI_2" in line)]
    assert not moved, f"the kept members moved: {moved}"
    kept = (topo.vip4(0), topo.vip4(1))
    deleted = [line for line in mon.log_text().splitlines()
               if line.startswith("Deleted") and any(f" {v}/" in line for v in kept)]
    assert not deleted, f"a kept member's VIP blinked during the reload: {deleted}"


def test_a_member_added_to_a_master_sync_group_whose_vrid_r2_masters_takes_the_group_to_backup(topology,
                                                                                               vrrpd_path):
    """r2 is master of VRID 53 at priority 200; SG_1 is master on r1. A reload adds VI_3 (VRID 53, priority 100)
    to SG_1: going master with its group, VI_3 hears r2's better adverts and steps down, and its group follows it
    to backup (a master stepping down takes the others down): no member stays master beside a backup one."""
    topo, vip3 = topology, topology.vip4(2)
    start(topo["r2"], [inst(topo, "VI_3", 53, 200, [vip3])])
    wait_master(topo, "r2", vip3, timeout=master_down_interval(V3, 200) + 3)
    r1, b1 = master_group(topo)
    add_vi_3(r1, topo, 100)
    wait_until("SG_1 backup, every member with it",
               lambda: states(b1, "VI_1", "VI_2", "VI_3") == ("backup",) * 3 and
               b1.get(group_path("SG_1"), SYNC_GROUP, "State") == "backup", timeout=master_down_interval(V3, 100) + 3)
    assert not any(holds(topo["r1"], topo.vip4(n)) for n in range(3)), topo["r1"].addresses()
    assert holds(topo["r2"], vip3)
