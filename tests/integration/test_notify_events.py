"""The notifications keepalived sends beyond transitions (issue 12), and notify scripts that cannot run:
notify_priority_changes FIFO lines, notify_master_rx_lower_pri, notify_deleted on a reload, and a missing
notify, FIFO or health script logged, disabled, with VRRP going on (and `vrrpd -t` saying so)."""

import json
import subprocess
import time

from test_failover import CASES, instance, master_down_interval, vip_of, wait_master
from vrrptopo import keepalived_config, wait_until
from vrrptopo.inject import advert, send

V3 = CASES["v3-ipv4"]
SPOOF = "192.0.2.250"


def executable(path, body):
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return path


def fifo_reader(router):
    """vrrp_notify_fifo with a reader script that copies each line to fifo.log, as a user's script would."""
    log = router.dir / "fifo.log"
    reader = executable(router.dir / "fifo-reader.sh", f'while read -r line; do echo "$line" >> {log}; done < "$1"\n')
    return log, [f"vrrp_notify_fifo {router.dir / 'notify.fifo'}", f"vrrp_notify_fifo_script {reader}"]


def lines(path):
    return path.read_text().splitlines() if path.exists() else []


def start(router, text):
    conf = router.dir / "vrrpd.conf"
    return router.vrrpd(text, args=["-l", "-f", str(conf)]).wait_ready()


def test_priority_changes_and_lower_priority_adverts_reach_the_fifo_and_script(topology, vrrpd_path):
    topo, vip = topology, vip_of(topology, V3)
    r1 = topo["r1"]
    fifo_log, global_extra = fifo_reader(r1)
    rx_log = r1.dir / "rx.log"
    rx = executable(r1.dir / "rx-lower.sh", f"echo \"rx $*\" >> {rx_log}\n")
    value, fault = r1.dir / "track.value", r1.dir / "fault.value"
    value.write_text("0\n")
    fault.write_text("0\n")
    extra = ["notify_priority_changes", f'notify_master_rx_lower_pri "{rx}"', "track_file {", "    tf weight 1",
             "    tf0 weight 0", "}"]
    text = keepalived_config([instance(topo, V3, 150, extra=extra)], global_extra=global_extra)
    text += f'track_file tf {{\n    file "{value}"\n}}\ntrack_file tf0 {{\n    file "{fault}"\n}}\n'
    daemon = start(r1, text)
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)
    wait_until("the MASTER line", lambda: 'INSTANCE "VI_1" MASTER 150' in lines(fifo_log), timeout=3)
    value.write_text("5\n")
    wait_until("a MASTER_PRIORITY line", lambda: 'INSTANCE "VI_1" MASTER_PRIORITY 155' in lines(fifo_log),
               timeout=3)
    send(topo.client, [advert(version=3, src=SPOOF, priority=50, addrs=[vip], adv_cs=50)], count=2, gap=0.1)
    wait_until("notify_master_rx_lower_pri to run, with no added arguments", lambda: "rx " in lines(rx_log),
               timeout=3)
    wait_until("a MASTER_RX_LOWER_PRI line", lambda: 'INSTANCE "VI_1" MASTER_RX_LOWER_PRI 155' in lines(fifo_log),
               timeout=3)
    assert vip in r1.addresses(), f"r1 gave up the VIP for a lower priority advert:\n{daemon.log}"
    fault.write_text("1\n")  # weight 0: FAULT; keepalived calls a change there BACKUP_PRIORITY
    wait_until("the FAULT line", lambda: 'INSTANCE "VI_1" FAULT 155' in lines(fifo_log), timeout=3)
    value.write_text("7\n")
    wait_until("a BACKUP_PRIORITY line in FAULT", lambda: 'INSTANCE "VI_1" BACKUP_PRIORITY 157' in lines(fifo_log),
               timeout=3)


def test_a_reload_removing_instances_notifies_fault_or_deleted(topology, vrrpd_path):
    """keepalived: FAULT for a removed instance, DELETED (and its notify_deleted script) with notify_deleted."""
    topo = topology
    r1 = topo["r1"]
    log = r1.dir / "notify.log"
    generic = executable(r1.dir / "notify.sh", f'echo "notify $*" >> {log}\n')
    deleted = executable(r1.dir / "deleted.sh", f"echo deleted-script >> {log}\n")
    keep = instance(topo, V3, 150)
    gone_fault = instance(topo, V3, 150, extra=[f'notify "{generic}"'])
    gone_fault.name, gone_fault.vrid, gone_fault.vips = "VI_2", 52, [f"{topo.vip4(1)}/24"]
    gone_deleted = instance(topo, V3, 150, extra=[f'notify "{generic}"', f'notify_deleted "{deleted}"'])
    gone_deleted.name, gone_deleted.vrid, gone_deleted.vips = "VI_3", 53, [f"{topo.vip4(2)}/24"]
    daemon = start(r1, keepalived_config([keep, gone_fault, gone_deleted]))
    wait_until("VI_2 and VI_3 in BACKUP", lambda: {"notify INSTANCE VI_2 BACKUP 150",
                                                   "notify INSTANCE VI_3 BACKUP 150"} <= set(lines(log)), timeout=3)
    daemon.reload(keepalived_config([keep]))
    wait_until("the removals notified", lambda: len(lines(log)) >= 5, timeout=5)
    got = lines(log)[2:]
    assert "notify INSTANCE VI_2 FAULT 150" in got, got
    assert "deleted-script" in got and "notify INSTANCE VI_3 DELETED 150" in got, got
    assert not any("STOP" in line for line in got), got


def test_scripts_that_cannot_run_are_disabled_and_vrrp_goes_on(topology, vrrpd_path):
    """keepalived 2.2.7 logs "cannot be accessed" and runs; vrrpd refused to start with a missing
    vrrp_notify_fifo_script while `vrrpd -t` called the file fine. Now both say the same."""
    topo, vip = topology, vip_of(topology, V3)
    r1 = topo["r1"]
    missing, plain = r1.dir / "missing", r1.dir / "plain"
    plain.write_text("")
    global_extra = [f"vrrp_notify_fifo {r1.dir / 'notify.fifo'}", f"vrrp_notify_fifo_script {missing}/reader.sh",
                    f"notify_fifo {plain}"]
    scripts = [f'vrrp_script chk {{\n    script "{missing}/check.sh"\n}}\n']
    extra = [f'notify_master "{missing}/master.sh"', "track_script {", "    chk", "}"]
    text = keepalived_config([instance(topo, V3, 150, extra=extra)], global_extra=global_extra) + scripts[0]
    conf = r1.dir / "check.conf"
    conf.write_text(text)
    check = subprocess.run([str(vrrpd_path), "-t", "-f", str(conf)], capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stderr
    for what in ("vrrp_notify_fifo_script cannot run", "vrrp_script 'chk' cannot run",
                 "VI_1: notify_master script cannot run", f"notify_fifo '{plain}' is not a FIFO"):
        assert f"warning: {what}: vrrpd starts with it disabled" in check.stderr, check.stderr
    daemon = start(r1, text)
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)
    log = daemon.log
    assert "vrrp_notify_fifo_script: disabled" in log, log
    assert "VI_1: notify_master script: disabled" in log, log
    assert "not tracking vrrp_script 'chk'" in log, log
    assert f"failed to open notify FIFO '{plain}', running without it" in log, log
    expected = {("vrrp_notify_fifo_script", "cannot run"), ("vrrp_script 'chk'", "cannot run"),
                ("VI_1: notify_master script", "cannot run"), (f"notify_fifo '{plain}'", "is not a FIFO")}
    assert disabled_scripts(r1) == expected
    # Fixed, then reloaded: the notify script runs from now on and the bus says so.
    missing.mkdir()
    ran = r1.dir / "master-ran"
    executable(missing / "master.sh", f"touch {ran}\n")
    daemon.reload()
    wait_until("DisabledScripts without notify_master", lambda: ("VI_1: notify_master script", "cannot run")
               not in disabled_scripts(r1), timeout=5)
    for on in ("true", "false"):  # back to backup and master again: notify_master runs now
        subprocess.run(["busctl", f"--address={r1.bus.address}", "call", "org.vrrpd.Vrrp1",
                        "/org/vrrpd/Vrrp1/instance/VI_5f1", "org.vrrpd.Vrrp1.Instance", "SetMaintenance", "b", on],
                       capture_output=True, text=True, timeout=10, check=True)
    wait_until("the fixed notify_master to run", ran.exists, timeout=master_down_interval(V3, 150) + 3)


def disabled_scripts(router):
    """Manager.DisabledScripts through busctl, as (what, problem) pairs."""
    out = subprocess.run(["busctl", f"--address={router.bus.address}", "--json=short", "get-property",
                          "org.vrrpd.Vrrp1", "/org/vrrpd/Vrrp1", "org.vrrpd.Vrrp1.Manager", "DisabledScripts"],
                         capture_output=True, text=True, timeout=10, check=True).stdout
    return {tuple(pair) for pair in json.loads(out)["data"]}


def test_startup_script_runs_before_the_instances_and_shutdown_script_after(topology, vrrpd_path):
    """keepalived (core/main.c): VRRP starts once the startup script has ended; the shutdown script runs once
    VRRP has stopped, so the VIP is gone by then."""
    topo, vip = topology, vip_of(topology, V3)
    r1 = topo["r1"]
    log = r1.dir / "startstop.log"
    up = executable(r1.dir / "up.sh", f"sleep 0.3\necho \"startup $*\" >> {log}\n")
    down = executable(r1.dir / "down.sh", f"ip -o addr show | grep -q ' {vip}/' && echo vip-held >> {log}\n"
                                          f"echo \"shutdown $*\" >> {log}\n")
    global_extra = [f'startup_script "{up} a"', "startup_script_timeout 5", f'shutdown_script "{down} b"']
    daemon = start(r1, keepalived_config([instance(topo, V3, 150)], global_extra=global_extra))
    assert lines(log) == ["startup a"], f"the bus came up before the startup script ended: {lines(log)}"
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)
    daemon.stop()
    assert lines(log) == ["startup a", "shutdown b"], f"{lines(log)}\n{daemon.log}"


def test_a_slow_shutdown_script_is_bounded_by_its_timeout(topology, vrrpd_path):
    topo = topology
    r1 = topo["r1"]
    slow = executable(r1.dir / "slow.sh", "exec sleep 60\n")
    global_extra = [f'shutdown_script "{slow}"', "shutdown_script_timeout 1"]
    daemon = start(r1, keepalived_config([instance(topo, V3, 150)], global_extra=global_extra))
    t0 = time.monotonic()
    daemon.stop(timeout=15)
    took = time.monotonic() - t0
    assert 1.0 <= took < 4.0, f"stop took {took:.2f} s with shutdown_script_timeout 1\n{daemon.log}"
    assert "shutdown_script: killed at its timeout of 1 s" in daemon.log, daemon.log
