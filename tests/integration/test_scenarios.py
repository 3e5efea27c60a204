"""More of issue 4's scenarios on the wire: unicast peers, sync groups, notify scripts in order, preempt_delay,
and health checks with nopreempt."""

import time

import pytest

from test_failover import CASES, holds, instance, master_down_interval, start, vip_of, wait_master
from vrrptopo import TrackScript, VrrpInstance, wait_until

V3 = CASES["v3-ipv4"]


@pytest.mark.parametrize("case", [CASES["v2-ipv4"], V3, CASES["v3-ipv6"]], ids=["v2-ipv4", "v3-ipv4", "v3-ipv6"])
def test_unicast_peers_elect_and_fail_over(topology, vrrpd_path, case):
    topo, vip = topology, vip_of(topology, case)
    r1, r2 = topo["r1"], topo["r2"]
    own = (lambda r: r.ipv4()) if case["family"] == 4 else (lambda r: r.ipv6())
    d1 = start(r1, [instance(topo, case, 150, unicast_src=own(r1), unicast_peers=[own(r2)])])
    start(r2, [instance(topo, case, 100, unicast_src=own(r2), unicast_peers=[own(r1)])])
    wait_master(topo, "r1", vip, timeout=master_down_interval(case, 150) + 3)
    d1.crash()
    wait_until("r2 to take over", lambda: holds(r2, vip), timeout=master_down_interval(case, 100) + 3)


def test_a_sync_group_moves_together(topology, vrrpd_path, tmp_path):
    """VI_2's health check fails on r1: the whole group goes to FAULT there, so both VIPs move to r2."""
    topo = topology
    vip1, vip2 = topo.vip4(0), topo.vip4(1)
    flag = topo["r1"].dir / "vi2-healthy"
    flag.write_text("ok\n")
    check = TrackScript("chk_vi2", f"/usr/bin/test -e {flag}", interval=0.2, timeout=1, weight=0)

    def group(priority, tracked):
        insts = [VrrpInstance(name="VI_1", vrid=51, priority=priority, vips=[f"{vip1}/24"], advert_int=0.5),
                 VrrpInstance(name="VI_2", vrid=52, priority=priority, vips=[f"{vip2}/24"], advert_int=0.5,
                              track_scripts=["chk_vi2"] if tracked else [])]
        return insts

    sync = "vrrp_sync_group G1 {\n    group {\n        VI_1\n        VI_2\n    }\n}\n"
    for name, prio in (("r1", 150), ("r2", 100)):
        conf = topo[name].dir / "vrrpd.conf"
        from vrrptopo import keepalived_config
        text = keepalived_config(group(prio, name == "r1"), [check] if name == "r1" else []) + sync
        topo[name].vrrpd(text, args=["-l", "-f", str(conf)]).wait_ready()
    mdi = master_down_interval(V3, 150)
    wait_until("both VIPs on r1", lambda: holds(topo["r1"], vip1) and holds(topo["r1"], vip2), timeout=mdi + 3)
    flag.unlink()  # VI_2's check fails: weight 0 means FAULT, and the group follows
    wait_until("both VIPs on r2, none on r1",
               lambda: holds(topo["r2"], vip1) and holds(topo["r2"], vip2)
               and not holds(topo["r1"], vip1) and not holds(topo["r1"], vip2),
               timeout=master_down_interval(V3, 100) + 3)


def test_notify_scripts_run_in_transition_order_with_keepalived_arguments(topology, vrrpd_path):
    """The backup notify is slow; the master notify that follows must still start after it ended (keepalived
    runs them concurrently: its issue #996)."""
    topo, vip = topology, vip_of(topology, V3)
    r1 = topo["r1"]
    log = r1.dir / "notify.log"
    slow = r1.dir / "slow-backup.sh"
    slow.write_text(f"#!/bin/sh\necho backup-start >> {log}\nsleep 0.3\necho backup-end >> {log}\n")
    quick = r1.dir / "master.sh"
    quick.write_text(f"#!/bin/sh\necho master >> {log}\n")
    generic = r1.dir / "notify.sh"
    generic.write_text(f"#!/bin/sh\necho \"notify $*\" >> {log}\n")
    for script in (slow, quick, generic):
        script.chmod(0o755)
    extra = [f'notify_backup "{slow}"', f'notify_master "{quick}"', f'notify "{generic}"']
    daemon = start(r1, [instance(topo, V3, 150, extra=extra)])
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)
    daemon.stop()
    expected = ["backup-start", "backup-end", "notify INSTANCE VI_1 BACKUP 150", "master",
                "notify INSTANCE VI_1 MASTER 150", "notify INSTANCE VI_1 STOP 150"]
    wait_until("every notify line", lambda: log.exists() and len(log.read_text().split("\n")) > len(expected),
               timeout=5)
    assert log.read_text().splitlines() == expected


def test_preempt_delay_holds_the_higher_priority_back(topology, vrrpd_path):
    topo, vip = topology, vip_of(topology, V3)
    start(topo["r2"], [instance(topo, V3, 100)])
    wait_master(topo, "r2", vip, timeout=master_down_interval(V3, 100) + 3)
    delay = 3.0
    t0 = time.monotonic()
    start(topo["r1"], [instance(topo, V3, 150, extra=[f"preempt_delay {delay:g}"])])
    wait_master(topo, "r1", vip, timeout=delay + 2 * master_down_interval(V3, 150) + 3)
    took = time.monotonic() - t0
    assert took >= delay, f"r1 preempted after {took:.2f} s, before its preempt_delay of {delay} s"


@pytest.mark.parametrize("nopreempt", [False, True], ids=["preempt", "nopreempt"])
def test_a_failed_health_check_moves_the_vip_and_preemption_decides_the_return(topology, vrrpd_path, nopreempt):
    topo, vip = topology, vip_of(topology, V3)
    check = TrackScript("chk_nginx", "/usr/bin/curl -sf -o /dev/null --max-time 1 http://127.0.0.1/",
                        interval=0.2, timeout=1, weight=-60)
    extra = ["nopreempt"] if nopreempt else []
    for name, prio in (("r1", 150), ("r2", 100)):
        start(topo[name], [instance(topo, V3, prio, track_scripts=["chk_nginx"], extra=extra)], scripts=[check])
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)
    topo["r1"].nginx.stop()
    if nopreempt:
        # 90 < 100, but with nopreempt r2 never preempts a live master: weight-0 is what moves a VIP then
        deadline = time.monotonic() + 2 * master_down_interval(V3, 100)
        while time.monotonic() < deadline:
            assert holds(topo["r1"], vip), "r2 preempted r1 despite nopreempt"
            time.sleep(0.05)
        return
    wait_master(topo, "r2", vip, timeout=master_down_interval(V3, 90) + 5)
    topo["r1"].nginx.restart()
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 5)


def test_track_file_moves_the_vip_when_its_value_changes(topology, vrrpd_path):
    """keepalived's track_file: the value written (by a deploy script, say) times the weight adjusts the
    priority: 1 × -60 takes r1 from 150 to 90, below r2's 100; 0 gives it back."""
    from vrrptopo import keepalived_config

    topo, vip = topology, vip_of(topology, V3)
    drain = topo["r1"].dir / "drain"
    block = f"track_file drain {{\n    file {drain}\n    weight -60\n    init_file 0 overwrite\n}}\n"
    for name, prio in (("r1", 150), ("r2", 100)):
        conf = topo[name].dir / "vrrpd.conf"
        tracked = instance(topo, V3, prio, extra=["track_file {", "    drain", "}"] if name == "r1" else [])
        text = keepalived_config([tracked]).replace("vrrp_instance", (block if name == "r1" else "") + "vrrp_instance", 1)
        topo[name].vrrpd(text, args=["-l", "-f", str(conf)]).wait_ready()
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)
    assert drain.read_text().strip() == "0", "init_file did not create the file with its value"
    drain.write_text("1\n")
    wait_master(topo, "r2", vip, timeout=master_down_interval(V3, 90) + 3)
    tmp = drain.with_suffix(".new")
    tmp.write_text("0\n")
    tmp.rename(drain)  # replaced by rename, as careful writers do: the watch on the directory still sees it
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)
