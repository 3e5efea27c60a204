"""SIGHUP reloads (DESIGN §1): atomic, matched by (interface, family, VRID), no VIP blinking on a master."""

import signal

from test_failover import CASES, holds, master_down_interval, skew_time, start, wait_master
from vrrptopo import VrrpInstance, keepalived_config, wait_until

V3 = CASES["v3-ipv4"]


def inst(topo, name, vrid, priority, vips):
    return VrrpInstance(name=name, vrid=vrid, priority=priority, vips=[f"{v}/24" for v in vips],
                        advert_int=V3["advert_int"])


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
