"""Named demotions and persistent maintenance (issue 14, "Demotion and persistent maintenance") on each router's
private bus: a demotion moves the VIP and clearing it moves it back; the same tag again replaces; an owner by
name is NotPermitted; SetPriority still wins; persistent maintenance outlives a SIGKILL, a restart and a reload
that keeps the instance, and a reload that removes or renames it drops it. The refusal of unprivileged callers
is in test_bus.py's CONTROL list with every other control method."""

import os

import pytest

from test_bus import INSTANCE, MANAGER, ROOT, V3, Bus, Monitor, inst, path_of, payload, start_conf, \
    sync_group
from test_failover import holds, master_down_interval, start, wait_master
from test_netns import vrrpctl
from vrrptopo import keepalived_config, wait_until

ERR = "org.vrrpd.Vrrp1.Error."
INVALID = "org.freedesktop.DBus.Error.InvalidArgs"


def demotions(bus):
    return [(str(t), str(g), int(a)) for t, g, a in bus.get(ROOT, MANAGER, "Demotions")]


def prio(bus, name):
    return int(bus.get(path_of(name), INSTANCE, "EffectivePriority"))


def test_a_demotion_moves_the_vip_and_clearing_it_moves_it_back(topology, vrrpd_path):
    topo, vip = topology, topology.vip4()
    start_conf(topo["r1"], keepalived_config([inst(topo, "VI_1", 51, 150), inst(topo, "OWNER", 52, 255, 1)])
               + sync_group("SG_1", ["VI_1"]))
    start(topo["r2"], [inst(topo, "VI_1", 51, 100)])
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)
    b1, b2 = Bus(topo["r1"]), Bus(topo["r2"])
    for args, want in [(("x", "OWNER", 10), ERR + "NotPermitted"), (("x", "NOPE", 10), ERR + "NoSuchInstance"),
                       (("x", "sync_group/NOPE", 10), ERR + "NoSuchSyncGroup"), (("x", "", 0), INVALID),
                       (("bad tag", "", 10), INVALID)]:
        name, msg = b1.error(ROOT, MANAGER, "SetDemotion", args[0], args[1], b1.dbus.Byte(args[2]))
        assert name == want, f"SetDemotion{args}: {name} {msg}"
    assert demotions(b1) == [] and prio(b1, "OWNER") == 255

    mon = Monitor(topo["r1"])
    b1.call(ROOT, MANAGER, "SetDemotion", "deploy", "sync_group/SG_1", b1.dbus.Byte(30))
    assert (prio(b1, "VI_1"), demotions(b1)) == (120, [("deploy", "sync_group/SG_1", 30)])
    b1.call(ROOT, MANAGER, "SetDemotion", "deploy", "", b1.dbus.Byte(60))  # replaces: 150 - 60, not - 90
    assert (prio(b1, "VI_1"), prio(b1, "OWNER"), demotions(b1)) == (90, 255, [("deploy", "", 60)])
    wait_master(topo, "r2", vip, timeout=master_down_interval(V3, 100) + 3)
    shown = [payload(s)[1]["Demotions"]["data"] for s in mon.signals() if s.get("member") == "PropertiesChanged"
             and s.get("path") == ROOT and "Demotions" in payload(s)[1]]
    assert shown == [[["deploy", "sync_group/SG_1", 30]], [["deploy", "", 60]]], shown
    mon.stop()
    b1.call(ROOT, MANAGER, "Reload")  # the same config: a reload keeps the demotions
    assert (prio(b1, "VI_1"), demotions(b1)) == (90, [("deploy", "", 60)])

    b1.call(ROOT, MANAGER, "ClearDemotion", "deploy")
    b1.call(ROOT, MANAGER, "ClearDemotion", "deploy")  # not set any more: no error
    assert (prio(b1, "VI_1"), demotions(b1)) == (150, [])
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)

    # a SetPriority override still wins; the demotion counts again once it is reset
    b2.call(path_of("VI_1"), INSTANCE, "SetPriority", b2.dbus.Byte(90))
    b2.call(ROOT, MANAGER, "SetDemotion", "bgp", "VI_1", b2.dbus.Byte(20))
    assert prio(b2, "VI_1") == 90
    b2.call(path_of("VI_1"), INSTANCE, "ResetPriority")
    assert prio(b2, "VI_1") == 80
    b2.call(ROOT, MANAGER, "ClearDemotion", "bgp")
    assert prio(b2, "VI_1") == 100


def maintenance(bus, name):
    p = bus.all(path_of(name))
    return bool(p["Maintenance"]), bool(p["MaintenancePersistent"]), str(p["State"])


def saved(daemon):
    f = daemon.state_dir / "maintenance"
    return [line for line in f.read_text().splitlines() if line and not line.startswith("#")] if f.exists() else []


def test_persistent_maintenance_survives_a_crash_and_a_restart_and_a_reload_drops_it(topology, vrrpd_path):
    topo, vip = topology, topology.vip4()
    both = [inst(topo, "VI_1", 51, 150), inst(topo, "VI_2", 53, 150, 2)]
    r1 = start(topo["r1"], both)
    start(topo["r2"], [inst(topo, "VI_1", 51, 100)])
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)
    r = vrrpctl(topo["r1"], "maintenance", "VI_1", "on", "--persistent")
    assert r.returncode == 0, r.stderr
    wait_master(topo, "r2", vip, timeout=3)  # the priority-0 handover
    b1 = Bus(topo["r1"])
    assert maintenance(b1, "VI_1") == (True, True, "backup") and saved(r1) == ["VI_1"]

    r1.crash()  # SIGKILL: nothing said, nothing saved at exit
    r1 = start(topo["r1"], both)
    b1 = Bus(topo["r1"])
    assert maintenance(b1, "VI_1")[:2] == (True, True), maintenance(b1, "VI_1")
    assert "VI_1: in persistent maintenance, as before the restart" in r1.log
    # with preempt and 150 over r2's 100, only maintenance keeps it from taking over
    deadline = master_down_interval(V3, 150) + 0.3
    with pytest.raises(AssertionError):
        wait_until("r1 to take the VIP (it must not)", lambda: holds(topo["r1"], vip), timeout=deadline)
    assert holds(topo["r2"], vip) and maintenance(b1, "VI_1")[2] == "backup"

    r1.stop()
    r1 = start(topo["r1"], both)  # a plain restart
    b1 = Bus(topo["r1"])
    assert maintenance(b1, "VI_1") == (True, True, "backup")
    assert maintenance(b1, "VI_2")[:2] == (False, False)

    # a reload that renames VI_2 (same VRID) and removes VI_1 drops both, with a log line each
    b1.call(path_of("VI_2"), INSTANCE, "SetPersistentMaintenance", True)
    assert sorted(saved(r1)) == ["VI_1", "VI_2"]
    r1.config.write_text(keepalived_config([inst(topo, "VI_3", 53, 150, 2)]))
    b1.call(ROOT, MANAGER, "Reload")
    assert maintenance(b1, "VI_3")[:2] == (True, False), maintenance(b1, "VI_3")  # still on, no longer kept
    assert saved(r1) == []
    for name in ("VI_1", "VI_2"):
        assert f"{name}: persistent maintenance dropped" in r1.log, r1.log
    r1.stop()
    r1 = start(topo["r1"], both)
    b1 = Bus(topo["r1"])
    assert maintenance(b1, "VI_1")[:2] == (False, False) and maintenance(b1, "VI_2")[:2] == (False, False)
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)


def test_maintenance_off_forgets_a_persistent_one(topology, vrrpd_path):
    topo = topology
    r1 = start(topo["r1"], [inst(topo, "VI_1", 51, 150)])
    b1 = Bus(topo["r1"])
    mon = Monitor(topo["r1"])
    b1.call(path_of("VI_1"), INSTANCE, "SetPersistentMaintenance", True)
    b1.call(path_of("VI_1"), INSTANCE, "SetMaintenance", True)  # already on: nothing changes, still kept
    assert maintenance(b1, "VI_1")[:2] == (True, True) and saved(r1) == ["VI_1"]
    b1.call(path_of("VI_1"), INSTANCE, "SetMaintenance", False)
    assert maintenance(b1, "VI_1")[:2] == (False, False) and saved(r1) == []
    changed = [sorted(payload(s)[1]) for s in mon.signals() if s.get("member") == "PropertiesChanged" and
               s.get("path") == path_of("VI_1") and "Maintenance" in payload(s)[1]]
    assert changed == [["Maintenance", "MaintenancePersistent"]] * 2, changed
    mon.stop()
    # a state directory it cannot write: the call fails and nothing changes
    r1.stop()
    blocked = topo["r1"].dir / "blocked"
    blocked.write_text("a file, not a directory\n")
    r1 = topo["r1"].vrrpd(r1.config_text, args=["-l", "-f", str(r1.config)],
                          env={"STATE_DIRECTORY": str(blocked)}).wait_ready()
    b1 = Bus(topo["r1"])
    name, msg = b1.error(path_of("VI_1"), INSTANCE, "SetPersistentMaintenance", True)
    assert "failed to save its persistent maintenance" in msg, (name, msg)
    assert maintenance(b1, "VI_1")[:2] == (False, False)
    assert os.path.isfile(blocked)
