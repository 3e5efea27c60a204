"""org.vrrpd.Vrrp1 on each router's private system bus (DESIGN.md §3, issue 5's service side).

Calls go through python3-dbus as root and through busctl as a user would; signals are read from
`busctl monitor --json=short` running beside the daemon, so their order is the bus's order."""

import json
import re
import stat
import subprocess
import time
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from test_failover import CASES, holds, master_down_interval, skew_time, start, wait_master
from vrrptopo import REPO, TrackScript, VrrpInstance, keepalived_config, wait_until

V3 = CASES["v3-ipv4"]
NAME = "org.vrrpd.Vrrp1"
ROOT = "/org/vrrpd/Vrrp1"
MANAGER = "org.vrrpd.Vrrp1.Manager"
INSTANCE = "org.vrrpd.Vrrp1.Instance"
SYNC_GROUP = "org.vrrpd.Vrrp1.SyncGroup"
PROPS = "org.freedesktop.DBus.Properties"
RECORD = REPO / "dbus" / "org.vrrpd.Vrrp1.xml"
DESCRIPTION = "org.freedesktop.DBus.Description"
EMITS = "org.freedesktop.DBus.Property.EmitsChangedSignal"
COUNTERS = ["adverts-sent", "adverts-received", "became-master", "released-master", "priority-zero-sent",
            "priority-zero-received", "adverts-dropped", "reinstated"]
DROPS = ["length", "version", "type", "family", "address-count", "checksum", "auth-ah", "auth-type", "own-packet",
         "ttl", "vrid", "auth", "interval", "destination", "unicast-source", "hmac-missing", "hmac-malformed",
         "hmac-stale", "hmac-unknown-key", "hmac-bad", "hmac-replayed"]
NOTES = ["address-list", "checksum-legacy", "interval-mismatch"]
CONTROL = [  # (method, dbus-send arguments)
    ("SetPriority", ["byte:120"]),
    ("ResetPriority", []),
    ("SetMaintenance", ["boolean:false"]),
    ("SetPersistentMaintenance", ["boolean:true"]),
    ("SendGratuitousArp", []),
    ("ResetStatistics", []),
]


def inst(topo, name, vrid, priority, vip_index=0, **kw):
    return VrrpInstance(name=name, vrid=vrid, priority=priority, vips=[f"{topo.vip4(vip_index)}/24"],
                        advert_int=V3["advert_int"], **kw)


def sync_group(name, members, extra=()):
    return (f"vrrp_sync_group {name} {{\n    group {{\n" + "".join(f"        {m}\n" for m in members) + "    }\n"
            + "".join(f"    {line}\n" for line in extra) + "}\n")


def path_of(name):
    """sd_bus_path_encode: every byte outside [A-Za-z0-9] as _XX (VI_1 -> VI_5f1)."""
    return f"{ROOT}/instance/" + "".join(c if c.isalnum() else f"_{ord(c):02x}" for c in name)


def start_conf(router, text):
    conf = router.dir / "vrrpd.conf"
    return router.vrrpd(text, args=["-l", "-f", str(conf)]).wait_ready()


class Bus:
    """python3-dbus calls on one router's bus, as root."""

    def __init__(self, router):
        import dbus

        self.dbus, self.conn = dbus, router.bus.connect()

    def obj(self, path):
        return self.conn.get_object(NAME, path, introspect=False)

    def call(self, path, interface, method, *args):
        return getattr(self.obj(path), method)(*args, dbus_interface=interface)

    def get(self, path, interface, prop):
        return self.call(path, PROPS, "Get", interface, prop)

    def all(self, path, interface=INSTANCE):
        return self.call(path, PROPS, "GetAll", interface)

    def error(self, path, interface, method, *args):
        """The D-Bus error name and message a call ends with; fails if it succeeds."""
        try:
            self.call(path, interface, method, *args)
        except self.dbus.exceptions.DBusException as e:
            return e.get_dbus_name(), e.get_dbus_message()
        raise AssertionError(f"{method}{args} on {path} succeeded; expected an error")


class Monitor:
    """busctl monitor on a router's bus: every message to or from org.vrrpd.Vrrp1, as JSON lines."""

    def __init__(self, router):
        self.proc = router.spawn(["busctl", f"--address={router.bus.address}", "monitor", "--json=short", NAME],
                                 name=f"busmon-{uuid.uuid4().hex[:6]}")
        wait_until("busctl monitor to start", self._ready, timeout=5)

    def _ready(self):
        if not self.proc.alive():
            raise AssertionError(f"busctl monitor exited {self.proc.returncode}: {self.proc.log_text()}")
        return "Monitoring bus message stream." in self.proc.log_text()  # printed once BecomeMonitor succeeded

    def signals(self):
        out = []
        for line in self.proc.log_text().splitlines():
            line = line.strip()
            if not line.startswith("{"):
                continue
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            if msg.get("type") == "signal":
                out.append(msg)
        return out

    def stop(self):
        self.proc.stop()


def payload(msg):
    return msg.get("payload", {}).get("data", [])


def busctl(router, *argv, user=None, check=False):
    cmd = ["busctl", f"--address={router.bus.address}", *argv]
    if user:
        cmd = ["runuser", "-u", user, "--", *cmd]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=10, check=check)


# --- introspection ---------------------------------------------------------------------------------------------

def members(iface):
    """{(kind, name): description} of an <interface> element, kind method/signal/property; the description holds
    every argument's name, type and direction, or the property's type, access and change signal."""
    out = {}
    for el in iface:
        if el.tag in ("method", "signal"):
            args = tuple((a.get("name"), a.get("type"), a.get("direction", "in" if el.tag == "method" else "out"))
                         for a in el.findall("arg"))
            out[(el.tag, el.get("name"))] = args
        elif el.tag == "property":
            emits = {a.get("name"): a.get("value") for a in el.findall("annotation")}.get(EMITS, "true")
            out[(el.tag, el.get("name"))] = (el.get("type"), el.get("access"), emits)
    return out


def interface_of(xml, name):
    for iface in ET.fromstring(xml).findall("interface"):
        if iface.get("name") == name:
            return iface
    return None


def test_introspection_matches_the_record_member_by_member(topology, vrrpd_path):
    topo = topology
    text = keepalived_config([inst(topo, "VI_1", 51, 150),
                              inst(topo, "VI_2", 52, 150, 1, track_interfaces=["lo weight 10"])])
    # sync_group_tracking_weight: without it a member's weighted track gets weight 0, as in keepalived
    start_conf(topo["r1"], text + sync_group("SG_1", ["VI_1", "VI_2"], ["sync_group_tracking_weight"]))
    bus = Bus(topo["r1"])
    record = RECORD.read_text()
    objects = {MANAGER: ROOT, INSTANCE: path_of("VI_1"), SYNC_GROUP: f"{ROOT}/sync_group/SG_5f1"}
    for name, path in objects.items():
        want_iface = interface_of(record, name)
        assert want_iface is not None, f"{RECORD} has no interface {name}"
        for el in want_iface:
            if el.tag in ("method", "signal", "property"):
                has = [a for a in el.findall("annotation") if a.get("name") == DESCRIPTION and a.get("value")]
                assert has, f"{name}.{el.get('name')} has no {DESCRIPTION} annotation in {RECORD.name}"
        live = bus.call(path, "org.freedesktop.DBus.Introspectable", "Introspect")
        got_iface = interface_of(live, name)
        assert got_iface is not None, f"{path} does not serve {name}:\n{live}"
        want, got = members(want_iface), members(got_iface)
        missing = sorted(set(want) - set(got))
        extra = sorted(set(got) - set(want))
        assert not missing, f"{name} on the live daemon lacks {missing}"
        assert not extra, f"{name} on the live daemon has members the record lacks: {extra}"
        for key in want:
            assert want[key] == got[key], f"{name} {key[0]} {key[1]}: record {want[key]}, live {got[key]}"
    live = bus.call(ROOT, "org.freedesktop.DBus.Introspectable", "Introspect")
    assert interface_of(live, "org.freedesktop.DBus.ObjectManager") is not None, "no ObjectManager on the Manager"
    managed = bus.call(ROOT, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects")
    paths = {str(p) for p in managed}
    assert {path_of("VI_1"), path_of("VI_2"), objects[SYNC_GROUP]} <= paths, f"GetManagedObjects: {sorted(paths)}"
    group = bus.all(objects[SYNC_GROUP], SYNC_GROUP)
    assert group["Name"] == "SG_1" and sorted(map(str, group["Members"])) == [path_of("VI_1"), path_of("VI_2")]
    assert group["State"] in ("backup", "master"), group
    vi2 = bus.all(path_of("VI_2"))
    assert [tuple(t) for t in vi2["Tracks"]] == [("interface", "lo", True, 10)], vi2["Tracks"]
    assert (vi2["Priority"], vi2["EffectivePriority"], vi2["SyncGroup"]) == (150, 160, "SG_1"), vi2


def test_a_sync_group_follows_and_says_so(topology, vrrpd_path):
    topo, vip = topology, topology.vip4()
    group = f"{ROOT}/sync_group/SG_5f1"
    for router, prio in (("r1", 150), ("r2", 100)):
        text = keepalived_config([inst(topo, "VI_1", 51, prio), inst(topo, "VI_2", 52, prio, 1)])
        start_conf(topo[router], text + sync_group("SG_1", ["VI_1", "VI_2"]))
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)
    b1 = Bus(topo["r1"])
    wait_until("r1's SG_1 to be master", lambda: b1.get(group, SYNC_GROUP, "State") == "master", timeout=3)
    mon = Monitor(topo["r1"])
    b1.call(path_of("VI_1"), INSTANCE, "SetMaintenance", True)
    wait_master(topo, "r2", topo.vip4(1), timeout=3)

    def group_signal():
        return [payload(s)[1]["State"]["data"] for s in mon.signals() if s.get("member") == "PropertiesChanged"
                and s.get("path") == group and "State" in payload(s)[1]]

    assert wait_until("SG_1's State in PropertiesChanged", group_signal, timeout=3)[-1] == "backup"
    assert b1.get(group, SYNC_GROUP, "State") == "backup"
    changes = {p[1]: p[2:] for p in (payload(s) for s in mon.signals() if s.get("member") == "StateChanged")}
    assert changes == {"VI_1": ["master", "backup", "maintenance"], "VI_2": ["master", "backup", "sync-group"]}, \
        changes
    mon.stop()


def group_path(name):
    return f"{ROOT}/sync_group/" + "".join(c if c.isalnum() else f"_{ord(c):02x}" for c in name)


def objects_signals(mon, member, start=0):
    """The InterfacesAdded or InterfacesRemoved signals seen from index start on, as (path, payload)."""
    return [(payload(s)[0], payload(s)) for s in mon.signals()[start:] if s.get("member") == member]


def test_a_reload_announces_the_sync_groups_it_adds_and_removes(topology, vrrpd_path):
    """Sync groups are objects of the ObjectManager like instances: a reload that renames one (Reload()) or drops
    one with its member (SIGHUP) says so with InterfacesAdded/Removed; a group it keeps stays quiet."""
    topo = topology
    insts = [inst(topo, "VI_1", 51, 150), inst(topo, "VI_2", 52, 150, 1), inst(topo, "VI_3", 53, 150, 2)]
    keep = sync_group("SG_keep", ["VI_3"])
    r1 = start_conf(topo["r1"], keepalived_config(insts) + sync_group("SG_1", ["VI_1", "VI_2"]) + keep)
    b1 = Bus(topo["r1"])
    managed = {str(p) for p in b1.call(ROOT, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects")}
    assert {group_path("SG_1"), group_path("SG_keep")} <= managed, sorted(managed)
    mon = Monitor(topo["r1"])

    r1.config.write_text(keepalived_config(insts) + sync_group("SG_2", ["VI_1", "VI_2"]) + keep)
    reply = b1.call(ROOT, MANAGER, "Reload")
    assert [list(map(str, x)) for x in reply] == [[], [], ["VI_1", "VI_2"]], reply  # their SyncGroup changed
    added = wait_until("InterfacesAdded for SG_2", lambda: [a for p, a in objects_signals(mon, "InterfacesAdded")
                                                            if p == group_path("SG_2")], timeout=3)
    props = added[0][1].get(SYNC_GROUP, {})
    assert props.get("Name", {}).get("data") == "SG_2", added
    assert sorted(props.get("Members", {}).get("data", [])) == [path_of("VI_1"), path_of("VI_2")], added
    removed = wait_until("InterfacesRemoved for SG_1", lambda: [
        a for p, a in objects_signals(mon, "InterfacesRemoved") if p == group_path("SG_1")], timeout=3)
    assert removed == [[group_path("SG_1"), [SYNC_GROUP]]], removed
    assert b1.error(group_path("SG_1"), PROPS, "GetAll", SYNC_GROUP)[0] == "org.freedesktop.DBus.Error.UnknownObject"
    assert b1.get(group_path("SG_2"), SYNC_GROUP, "Name") == "SG_2"

    # SIGHUP: SG_2 goes back to SG_1, and VI_3 goes with its group; the group leaves before its member
    mark = len(mon.signals())
    r1.reload(keepalived_config(insts[:2]) + sync_group("SG_1", ["VI_1", "VI_2"]))
    wait_until("InterfacesAdded for SG_1 after SIGHUP", lambda: [
        p for p, _ in objects_signals(mon, "InterfacesAdded", mark) if p == group_path("SG_1")], timeout=5)
    gone = wait_until("InterfacesRemoved for SG_2, SG_keep and VI_3", lambda: (
        g := [p for p, _ in objects_signals(mon, "InterfacesRemoved", mark)]) and len(g) >= 3 and g, timeout=3)
    assert sorted(gone) == sorted([group_path("SG_2"), group_path("SG_keep"), path_of("VI_3")]), gone
    assert gone.index(group_path("SG_keep")) < gone.index(path_of("VI_3")), gone
    everything = [p for m in ("InterfacesAdded", "InterfacesRemoved") for p, _ in objects_signals(mon, m)]
    assert everything.count(group_path("SG_keep")) == 1, f"SG_keep announced while kept: {everything}"
    mon.stop()


def props_changed(mon, path, start=0):
    """The PropertiesChanged of path from signal index start on, each as {property: value}, in the bus's order."""
    return [{k: v["data"] for k, v in payload(s)[1].items()} for s in mon.signals()[start:]
            if s.get("member") == "PropertiesChanged" and s.get("path") == path]


def reloaded(mon, start=0):
    """Whether the Reloaded signal came from signal index start on: what a reload announces comes before it."""
    return any(s.get("member") == "Reloaded" for s in mon.signals()[start:])


def test_a_reload_announces_the_new_state_of_a_sync_group_it_keeps(topology, vrrpd_path):
    """A reload that changes a kept group's members changes its State: VI_2, in FAULT on its own (it tracks a link
    that is down), joins SG_keep, whose one member is master (Reload()), and takes VI_1 to FAULT with it; it leaves
    again (SIGHUP), and VI_1, let go, becomes master again. Each time SG_keep's new State goes out in
    PropertiesChanged, as Get reads it."""
    topo, r1node = topology, topology["r1"]
    r1node.sh("ip", "link", "add", "trk0", "type", "veth", "peer", "name", "trk1")  # left down: VI_2 tracks it
    insts = [inst(topo, "VI_1", 51, 150), inst(topo, "VI_2", 52, 150, 1, track_interfaces=["trk0"])]
    alone = keepalived_config(insts) + sync_group("SG_keep", ["VI_1"])
    r1 = start_conf(r1node, alone)
    b1, group = Bus(r1node), group_path("SG_keep")

    def shown():
        return (b1.get(path_of("VI_1"), INSTANCE, "State"), b1.get(path_of("VI_2"), INSTANCE, "State"),
                b1.get(group, SYNC_GROUP, "State"))

    wait_until("VI_1 master, VI_2 in fault, SG_keep master", lambda: shown() == ("master", "fault", "master"),
               timeout=master_down_interval(V3, 150) + 3)
    mon = Monitor(r1node)

    r1.config.write_text(keepalived_config(insts) + sync_group("SG_keep", ["VI_1", "VI_2"]))
    reply = b1.call(ROOT, MANAGER, "Reload")
    assert [list(map(str, x)) for x in reply] == [[], [], ["VI_2"]], reply  # SG_keep itself is kept
    states = wait_until("SG_keep's State in PropertiesChanged after Reload()", lambda: [
        p["State"] for p in props_changed(mon, group) if "State" in p], timeout=3)
    assert states[-1] == "fault" == b1.get(group, SYNC_GROUP, "State"), states
    assert shown() == ("fault", "fault", "fault"), shown()

    mark = len(mon.signals())
    r1.reload(alone)
    states = wait_until("SG_keep's State master in PropertiesChanged after SIGHUP", lambda: (s := [
        p["State"] for p in props_changed(mon, group, mark) if "State" in p]) and s[-1] == "master" and s,
        timeout=master_down_interval(V3, 150) + 3)
    assert states[-1] == "master" == b1.get(group, SYNC_GROUP, "State"), states
    assert shown() == ("master", "fault", "master"), shown()
    mon.stop()


def test_a_reload_that_renames_an_instance_moves_its_object(topology, vrrpd_path):
    """Renamed, an instance is still matched by (interface, family, VRID) and keeps its state and VIP, but its object
    path is its name: the ObjectManager says InterfacesRemoved for the old path and InterfacesAdded, with every
    property, for the new one, and Reload() and Reloaded name it as removed under the old name and added under the
    new one (DESIGN §3 only says "the names that changed"). Its sync group, renamed with it, goes and comes the
    same way, the group leaving before its member and coming after it."""
    topo, vip = topology, topology.vip4()
    before = keepalived_config([inst(topo, "VI_1", 51, 150)]) + sync_group("SG_1", ["VI_1"])
    r1 = start_conf(topo["r1"], before)
    b1 = Bus(topo["r1"])
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)
    wait_until("VI_1 master", lambda: b1.get(path_of("VI_1"), INSTANCE, "State") == "master", timeout=3)
    mon = Monitor(topo["r1"])

    r1.config.write_text(keepalived_config([inst(topo, "VI_one", 51, 150)]) + sync_group("SG_one", ["VI_one"]))
    reply = b1.call(ROOT, MANAGER, "Reload")
    assert [list(map(str, x)) for x in reply] == [["VI_one"], ["VI_1"], []], reply
    wait_until("Reloaded", lambda: reloaded(mon), timeout=3)
    sigs = mon.signals()
    assert [payload(s) for s in sigs if s.get("member") == "Reloaded"] == [[["VI_one"], ["VI_1"], []]], sigs
    removed = [a for _, a in objects_signals(mon, "InterfacesRemoved")]
    assert removed == [[group_path("SG_1"), [SYNC_GROUP]], [path_of("VI_1"), [INSTANCE]]], removed
    added = objects_signals(mon, "InterfacesAdded")
    assert [p for p, _ in added] == [path_of("VI_one"), group_path("SG_one")], added
    props = {k: v["data"] for k, v in added[0][1][1][INSTANCE].items()}
    everything = b1.all(path_of("VI_one"))
    assert set(props) == set(everything), f"InterfacesAdded lacks {set(everything) - set(props)}"
    assert (props["Name"], props["State"], props["SyncGroup"], props["VirtualRouterId"]) == (
        "VI_one", "master", "SG_one", 51), props
    assert added[1][1][1][SYNC_GROUP]["Members"]["data"] == [path_of("VI_one")], added[1]
    assert [s for s in sigs if s.get("member") == "StateChanged"] == [], "the renamed instance changed state"
    assert b1.error(path_of("VI_1"), PROPS, "GetAll", INSTANCE)[0] == "org.freedesktop.DBus.Error.UnknownObject"
    assert str(b1.call(ROOT, MANAGER, "GetInstance", "VI_one")) == path_of("VI_one") and holds(topo["r1"], vip)
    mon.stop()


def test_a_reload_announces_what_it_changes_in_the_instances_it_keeps_and_only_that(topology, vrrpd_path):
    """A reload emits PropertiesChanged for each change-emitting property it changed in a kept instance, and for no
    other: VI_1 gains a track through its sync group (Tracks and EffectivePriority move, though VI_1 itself is not
    "changed"); VI_3's priority drops (EffectivePriority, not Tracks); VI_2 gets another VIP and advert interval,
    properties that emit nothing (the XML says false), so nothing at all for VI_2."""
    topo = topology

    def config(after):
        vi2 = VrrpInstance(name="VI_2", vrid=52, priority=150, vips=[f"{topo.vip4(3 if after else 1)}/24"],
                           advert_int=V3["advert_int"] * (2 if after else 1))
        group = sync_group("SG_1", ["VI_1"])
        if after:
            group = group[:-2] + "    track_interface {\n        lo weight 10\n    }\n}\n"
        return keepalived_config([inst(topo, "VI_1", 51, 150), vi2,
                                  inst(topo, "VI_3", 53, 120 if after else 150, 2)]) + group

    r1 = start_conf(topo["r1"], config(False))
    b1 = Bus(topo["r1"])
    names = ["VI_1", "VI_2", "VI_3"]
    wait_until("all three master", lambda: all(b1.get(path_of(n), INSTANCE, "State") == "master" for n in names),
               timeout=master_down_interval(V3, 150) + 3)
    mon = Monitor(topo["r1"])

    r1.config.write_text(config(True))
    reply = b1.call(ROOT, MANAGER, "Reload")
    assert [list(map(str, x)) for x in reply] == [[], [], ["VI_2", "VI_3"]], reply
    wait_until("Reloaded", lambda: reloaded(mon), timeout=3)
    seen = {n: props_changed(mon, path_of(n)) for n in names}

    def last(name, prop):
        values = [p[prop] for p in seen[name] if prop in p]
        return values[-1] if values else None

    assert last("VI_1", "Tracks") == [["interface", "lo", True, 10]], seen["VI_1"]
    assert last("VI_1", "EffectivePriority") == 160, seen["VI_1"]
    assert last("VI_3", "EffectivePriority") == 120 and last("VI_3", "Tracks") is None, seen["VI_3"]
    assert seen["VI_2"] == [], seen["VI_2"]
    vi1, vi2, vi3 = (b1.all(path_of(n)) for n in names)
    assert [tuple(t) for t in vi1["Tracks"]] == [("interface", "lo", True, 10)], vi1["Tracks"]
    assert (vi1["EffectivePriority"], vi3["EffectivePriority"], vi3["Tracks"]) == (160, 120, []), (vi1, vi3)
    assert (list(map(str, vi2["VirtualAddresses"])), vi2["AdvertIntervalUSec"]) == (
        [f"{topo.vip4(3)}/24"], int(V3["advert_int"] * 2 * 1_000_000)), vi2
    mon.stop()


# --- properties against the wire and ip addr -------------------------------------------------------------------

def test_properties_match_the_wire_and_ip_addr(topology, vrrpd_path):
    topo, vip = topology, topology.vip4()
    start(topo["r1"], [inst(topo, "VI_1", 51, 150)])
    start(topo["r2"], [inst(topo, "VI_1", 51, 100)])
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)
    b1, b2 = Bus(topo["r1"]), Bus(topo["r2"])
    p1 = wait_until("r1's State to say master", lambda: (p := b1.all(path_of("VI_1"))) and
                    p["State"] == "master" and p, timeout=3)
    p2 = wait_until("r2 to know r1 as master", lambda: (p := b2.all(path_of("VI_1"))) and
                    p["MasterAddress"] == topo["r1"].ipv4() and p, timeout=3)
    assert p2["State"] == "backup", f"r2's State {p2['State']} with r1 holding {vip}"
    assert p1["MasterAddress"] == topo["r1"].ipv4(), f"r1 master, but MasterAddress {p1['MasterAddress']}"
    for p, router, prio in ((p1, "r1", 150), (p2, "r2", 100)):
        assert list(p["VirtualAddresses"]) == [f"{vip}/24"], f"{router}: VirtualAddresses {p['VirtualAddresses']}"
        assert (p["EffectivePriority"], p["Priority"]) == (prio, prio), f"{router}: {p}"
        assert (p["Name"], p["Interface"], p["VirtualRouterId"], p["Family"], p["ProtocolVersion"]) == \
            ("VI_1", "eth0", 51, "ipv4", 3), f"{router}: {p}"
        assert p["AdvertIntervalUSec"] == 500000 and p["Preempt"] and p["PreemptDelayUSec"] == 0, f"{router}: {p}"
        assert list(p["UnicastPeers"]) == [] and p["SyncGroup"] == "" and list(p["Tracks"]) == [], f"{router}: {p}"
        assert p["LastTransitionReason"] in ("startup", "master-down-timer", "preempted", "priority-zero",
                                             "higher-priority"), f"{router}: {p['LastTransitionReason']}"
        assert p["LastTransitionUSec"] <= time.time() * 1e6 and p["Maintenance"] is not True
    stats = {str(k): int(v) for k, v in p1["Statistics"].items()}
    want = set(COUNTERS) | {f"drop-{d}" for d in DROPS} | set(NOTES)
    assert set(stats) == want, f"Statistics keys: missing {want - set(stats)}, extra {set(stats) - want}"
    assert stats["adverts-sent"] > 0 and stats["became-master"] == 1, f"r1's Statistics {stats}"
    listed = [tuple(x) for x in b2.call(ROOT, MANAGER, "ListInstances")]
    assert listed == [("VI_1", path_of("VI_1"), "eth0", "backup", 51, 100)], f"r2's ListInstances {listed}"
    assert str(b2.call(ROOT, MANAGER, "GetInstance", "VI_1")) == path_of("VI_1")
    err = b2.error(ROOT, MANAGER, "GetInstance", "nope")
    assert err[0] == "org.vrrpd.Vrrp1.Error.NoSuchInstance" and "nope" in err[1], err
    manager = b1.all(ROOT, MANAGER)
    assert manager["ConfigFile"] == str(topo["r1"].dir / "vrrpd.conf") and manager["RouterId"] == "vrrpd-test"
    assert manager["Version"] and 0 < manager["StartedUSec"] <= time.time() * 1e6 and manager["LastReloadUSec"] == 0
    assert manager["NetworkNamespace"] == "", "no net_namespace, yet NetworkNamespace is set"  # test_netns.py: set

    # SetPriority: the next advert carries it, and so does EffectivePriority; ResetPriority goes back.
    capture = topo.capture()
    b1.call(path_of("VI_1"), INSTANCE, "SetPriority", b1.dbus.Byte(120))
    assert b1.get(path_of("VI_1"), INSTANCE, "EffectivePriority") == 120
    capture.wait_for("an advert from r1 with priority 120",
                     lambda ps: [p for p in ps if p.src == topo["r1"].ipv4() and p.prio == 120], timeout=3)
    b1.call(path_of("VI_1"), INSTANCE, "ResetPriority")
    assert b1.get(path_of("VI_1"), INSTANCE, "EffectivePriority") == 150
    capture.wait_for("r1's adverts back at 150",
                     lambda ps: [p for p in ps if p.src == topo["r1"].ipv4()][-1:] == [] or
                     [p for p in ps if p.src == topo["r1"].ipv4()][-1].prio == 150, timeout=3)
    capture.stop()


# --- signals ---------------------------------------------------------------------------------------------------

def state_changes(signals, name):
    return [payload(s) for s in signals if s.get("member") == "StateChanged" and payload(s)[1] == name]


def test_maintenance_hands_over_and_signals_arrive_in_order(topology, vrrpd_path):
    topo, vip = topology, topology.vip4()
    start(topo["r1"], [inst(topo, "VI_1", 51, 150)])
    start(topo["r2"], [inst(topo, "VI_1", 51, 100)])
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)
    b1, b2 = Bus(topo["r1"]), Bus(topo["r2"])
    m1, m2 = Monitor(topo["r1"]), Monitor(topo["r2"])
    t0 = time.monotonic()
    b1.call(path_of("VI_1"), INSTANCE, "SetMaintenance", True)
    wait_until("r2 to hold the VIP", lambda: holds(topo["r2"], vip), timeout=3)
    took = time.monotonic() - t0
    assert took < master_down_interval(V3, 100), f"r2 took {took:.3f} s: no priority-0 handover (Skew_Time " \
        f"{skew_time(V3, 100):.3f} s)"
    assert not holds(topo["r1"], vip)
    assert b1.get(path_of("VI_1"), INSTANCE, "Maintenance") == True  # noqa: E712 (a dbus.Boolean)
    p1, p2 = b1.all(path_of("VI_1")), b2.all(path_of("VI_1"))
    assert (p1["State"], p1["LastTransitionReason"]) == ("backup", "maintenance"), p1
    assert (p2["State"], p2["MasterAddress"]) == ("master", topo["r2"].ipv4()), p2

    def in_order(mon, old, new, reason):
        sigs = mon.signals()
        idx = [k for k, s in enumerate(sigs) if s.get("member") == "StateChanged" and payload(s)[2:] ==
               [old, new, reason]]
        if not idx:
            return None
        after = [s for s in sigs[idx[0] + 1:] if s.get("member") == "PropertiesChanged" and
                 s.get("path") == path_of("VI_1")]
        for s in after:
            iface, changed = payload(s)[0], payload(s)[1]
            if iface == INSTANCE and "State" in changed:
                return (sigs[idx[0]], s)
        return None

    sc, pc = wait_until("r2's StateChanged then PropertiesChanged", lambda: in_order(m2, "backup", "master",
                                                                                       "priority-zero"), timeout=3)
    assert payload(sc)[:2] == [path_of("VI_1"), "VI_1"] and sc["path"] == ROOT, sc
    changed = payload(pc)[1]
    assert changed["State"]["data"] == "master" and changed["LastTransitionReason"]["data"] == "priority-zero", pc
    assert "LastTransitionUSec" in changed, pc
    sc, pc = wait_until("r1's StateChanged then PropertiesChanged", lambda: in_order(m1, "master", "backup",
                                                                                       "maintenance"), timeout=3)
    maint = [s for s in m1.signals() if s.get("member") == "PropertiesChanged" and
             "Maintenance" in payload(s)[1]]
    assert maint and maint[0]["payload"]["data"][1]["Maintenance"]["data"] is True, m1.signals()
    # and back: r1 leaves maintenance and, with preempt, takes over again
    b1.call(path_of("VI_1"), INSTANCE, "SetMaintenance", False)
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)
    wait_until("r2's master -> backup", lambda: in_order(m2, "master", "backup", "higher-priority"), timeout=3)
    order = [(p[2], p[3]) for p in state_changes(m2.signals(), "VI_1")]
    assert order == [("backup", "master"), ("master", "backup")], f"r2's StateChanged: {order}"
    m1.stop()
    m2.stop()


def tracked(topo, kind):
    """(config text, flip(up)) for VI_1 tracking one object of this kind with weight -20 on r1."""
    r1 = topo["r1"]
    if kind == "script":
        flag = r1.dir / "healthy"
        flag.write_text("ok\n")
        check = TrackScript("chk", f"/usr/bin/test -e {flag}", interval=0.2, timeout=1, weight=-20)
        return (keepalived_config([inst(topo, "VI_1", 51, 150, track_scripts=["chk"])], [check]),
                lambda up: flag.write_text("ok\n") if up else flag.unlink())
    if kind == "interface":
        r1.sh("ip", "link", "add", "trk0", "type", "veth", "peer", "name", "trk1")
        r1.sh("ip", "link", "set", "trk1", "up")
        r1.sh("ip", "link", "set", "trk0", "up")
        return (keepalived_config([inst(topo, "VI_1", 51, 150, track_interfaces=["trk0 weight -20"])]),
                lambda up: r1.sh("ip", "link", "set", "trk0", "up" if up else "down"))
    drain = r1.dir / "drain"
    block = f"track_file drain {{\n    file {drain}\n    weight -20\n    init_file 0 overwrite\n}}\n"
    text = keepalived_config([inst(topo, "VI_1", 51, 150, extra=["track_file {", "    drain", "}"])])

    def write(up):  # replaced by rename, so the watch never reads a half-written file
        (r1.dir / "drain.new").write_text("0\n" if up else "1\n")
        (r1.dir / "drain.new").rename(drain)

    return block + text, write


def tracks_signals(mon):
    """Whether VI_1's one track is up, per PropertiesChanged that carries Tracks, in the bus's order."""
    return [[t[2] for t in payload(s)[1]["Tracks"]["data"]] for s in mon.signals()
            if s.get("member") == "PropertiesChanged" and s.get("path") == path_of("VI_1") and
            "Tracks" in payload(s)[1]]


def priority_signals(mon):
    return [payload(s)[1]["EffectivePriority"]["data"] for s in mon.signals() if s.get("member") ==
            "PropertiesChanged" and s.get("path") == path_of("VI_1") and "EffectivePriority" in payload(s)[1]]


@pytest.mark.parametrize("kind", ["script", "interface", "file"])
def test_a_track_change_under_set_priority_still_announces_tracks(topology, vrrpd_path, kind):
    """SetPriority holds EffectivePriority, so a track going down and up moves no priority: Tracks must still
    come in PropertiesChanged, once per change, and EffectivePriority must not. Without the override, one
    change brings Tracks once and EffectivePriority with the tracked value."""
    topo, vip = topology, topology.vip4()
    text, flip = tracked(topo, kind)
    start_conf(topo["r1"], text)
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)  # no transition during the watch
    b1, vi = Bus(topo["r1"]), path_of("VI_1")
    wait_until("VI_1's track to be up at 150", lambda: [t[2] for t in b1.get(vi, INSTANCE, "Tracks")] == [True]
               and b1.get(vi, INSTANCE, "EffectivePriority") == 150, timeout=5)
    b1.call(vi, INSTANCE, "SetPriority", b1.dbus.Byte(120))
    mon = Monitor(topo["r1"])
    flip(False)
    wait_until("Tracks with the track down", lambda: [False] in tracks_signals(mon), timeout=5)
    flip(True)
    seen = wait_until("Tracks with the track up again", lambda: (t := tracks_signals(mon))[-1:] == [[True]] and t,
                      timeout=5)
    assert seen == [[False], [True]], f"Tracks signals under the override: {seen}"
    assert priority_signals(mon) == [], f"EffectivePriority announced, held at 120: {priority_signals(mon)}"
    assert b1.get(vi, INSTANCE, "EffectivePriority") == 120
    b1.call(vi, INSTANCE, "ResetPriority")
    wait_until("EffectivePriority back to 150", lambda: priority_signals(mon) == [150], timeout=3)
    flip(False)
    wait_until("EffectivePriority 130 with the track down", lambda: priority_signals(mon) == [150, 130], timeout=5)
    assert tracks_signals(mon) == [[False], [True], [False]], f"Tracks signals: {tracks_signals(mon)}"
    assert b1.get(vi, INSTANCE, "EffectivePriority") == 130
    mon.stop()


# --- methods ---------------------------------------------------------------------------------------------------

def test_control_methods_and_their_errors(topology, vrrpd_path):
    topo, vip = topology, topology.vip4()
    r1 = start(topo["r1"], [inst(topo, "VI_1", 51, 150), inst(topo, "OWNER", 52, 255, 1)])
    start(topo["r2"], [inst(topo, "VI_1", 51, 100)])
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)
    b1, b2 = Bus(topo["r1"]), Bus(topo["r2"])
    vi, owner = path_of("VI_1"), path_of("OWNER")
    for bad in (0, 255):
        name, msg = b1.error(vi, INSTANCE, "SetPriority", b1.dbus.Byte(bad))
        assert name == "org.freedesktop.DBus.Error.InvalidArgs" and "1 to 254" in msg, (bad, name, msg)
    name, msg = b1.error(owner, INSTANCE, "SetPriority", b1.dbus.Byte(100))
    assert name == "org.vrrpd.Vrrp1.Error.NotPermitted" and "255" in msg, (name, msg)
    assert b1.get(owner, INSTANCE, "EffectivePriority") == 255
    name, msg = b2.error(vi, INSTANCE, "SendGratuitousArp")
    assert name == "org.vrrpd.Vrrp1.Error.NotPermitted" and "backup" in msg, (name, msg)

    # SendGratuitousArp on the master: ARP for the VIP reaches the client
    arp = topo["client"].spawn(["tcpdump", "-i", "eth0", "-n", "-l", "--immediate-mode", "arp"], name="arp")
    wait_until("tcpdump for ARP to listen", lambda: "listening on" in arp.log_text(), timeout=5)
    garp = re.compile(rf"who-has {re.escape(vip)} .*tell {re.escape(vip)}|Reply {re.escape(vip)} is-at")
    before = len(garp.findall(arp.log_text()))
    b1.call(vi, INSTANCE, "SendGratuitousArp")
    wait_until(f"gratuitous ARP for {vip} after the call", lambda: len(garp.findall(arp.log_text())) > before,
               timeout=3)
    arp.stop()

    # ResetStatistics zeroes every counter
    before = {str(k): int(v) for k, v in b1.get(vi, INSTANCE, "Statistics").items()}
    assert before["became-master"] == 1 and before["adverts-sent"] > 0, before
    b1.call(vi, INSTANCE, "ResetStatistics")
    after = {str(k): int(v) for k, v in b1.get(vi, INSTANCE, "Statistics").items()}
    assert set(after) == set(before) and after["became-master"] == 0, after
    assert after["adverts-sent"] < before["adverts-sent"], (before, after)

    # Reload with a bad config: InvalidConfig located as file:line:column, and nothing changes
    good = r1.config.read_text()
    listed = [tuple(x) for x in b1.call(ROOT, MANAGER, "ListInstances")]
    r1.config.write_text(good.replace("priority 150", "priority 999"))
    name, msg = b1.error(ROOT, MANAGER, "Reload")
    assert name == "org.vrrpd.Vrrp1.Error.InvalidConfig", (name, msg)
    assert re.match(r"^\S*vrrpd\.conf:\d+:\d+: .*999", msg), f"not located: {msg!r}"
    assert [tuple(x) for x in b1.call(ROOT, MANAGER, "ListInstances")] == listed and holds(topo["r1"], vip)
    assert b1.get(ROOT, MANAGER, "LastReloadUSec") == 0

    # and a good one: added, removed, changed in the reply and the Reloaded signal, objects come and go
    mon = Monitor(topo["r1"])
    r1.config.write_text(keepalived_config([inst(topo, "VI_1", 51, 140), inst(topo, "VI_3", 53, 100, 2)]))
    t0 = time.time() * 1e6
    reply = b1.call(ROOT, MANAGER, "Reload")
    assert [list(map(str, x)) for x in reply] == [["VI_3"], ["OWNER"], ["VI_1"]], reply
    assert b1.get(ROOT, MANAGER, "LastReloadUSec") >= t0
    assert b1.get(path_of("VI_3"), INSTANCE, "Name") == "VI_3"
    assert b1.error(owner, PROPS, "GetAll", INSTANCE)[0] == "org.freedesktop.DBus.Error.UnknownObject"

    def seen():
        members = [s.get("member") for s in mon.signals()]
        return {"Reloaded", "InterfacesAdded", "InterfacesRemoved"} <= set(members) and mon.signals()

    sigs = wait_until("Reloaded, InterfacesAdded and InterfacesRemoved", seen, timeout=3)
    reloaded = [s for s in sigs if s.get("member") == "Reloaded"][0]
    assert payload(reloaded) == [["VI_3"], ["OWNER"], ["VI_1"]], reloaded
    added = [s for s in sigs if s.get("member") == "InterfacesAdded"][0]
    removed = [s for s in sigs if s.get("member") == "InterfacesRemoved"][0]
    assert payload(added)[0] == path_of("VI_3") and INSTANCE in payload(added)[1], added
    assert payload(removed) == [owner, [INSTANCE]], removed
    prio = [payload(s)[1]["EffectivePriority"]["data"] for s in sigs if s.get("member") == "PropertiesChanged"
            and s.get("path") == path_of("VI_1") and "EffectivePriority" in payload(s)[1]]
    assert prio and prio[-1] == 140 and b1.get(vi, INSTANCE, "EffectivePriority") == 140, prio
    mon.stop()


# --- who may do what -------------------------------------------------------------------------------------------

@pytest.fixture
def make_user():
    """make_user(group=None): a fresh system user (in a fresh group of that name when asked), removed after."""
    users, groups = [], []

    def make(group=None):
        name = f"vrrpdt{uuid.uuid4().hex[:6]}"
        argv = ["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin"]
        if group:
            subprocess.run(["groupadd", group], check=True)
            groups.append(group)
            argv += ["-G", group]
        subprocess.run([*argv, name], check=True)
        users.append(name)
        return name

    try:
        yield make
    finally:
        for u in users:
            subprocess.run(["userdel", u], check=False)
        for g in groups:
            subprocess.run(["groupdel", g], check=False)


@pytest.fixture
def test_user(make_user):
    return make_user()


@pytest.fixture
def searchable():
    """searchable(path): lets every user reach path (o+x on each directory above it that lacks it; pytest's tmp
    directories are 0700), restored at the end."""
    changed = []

    def allow(path):
        for d in Path(path).parents:
            mode = d.stat().st_mode
            if not mode & stat.S_IXOTH:
                d.chmod(stat.S_IMODE(mode) | stat.S_IXOTH)
                changed.append((d, stat.S_IMODE(mode)))

    try:
        yield allow
    finally:
        for d, mode in reversed(changed):
            d.chmod(mode)


def dbus_send(router, path, method, *args, user):
    """dbus-send as user: it prints the error's name, which busctl does not."""
    cmd = ["runuser", "-u", user, "--", "dbus-send", f"--bus={router.bus.address}", "--print-reply",
           f"--dest={NAME}", path, method, *args]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
    return r.returncode, r.stderr.strip()


def control_errors(router, user):
    out = {m: dbus_send(router, path_of("VI_1"), f"{INSTANCE}.{m}", *args, user=user) for m, args in CONTROL}
    out["Reload"] = dbus_send(router, ROOT, f"{MANAGER}.Reload", user=user)
    out["SetDemotion"] = dbus_send(router, ROOT, f"{MANAGER}.SetDemotion", "string:t", "string:", "byte:200",
                                   user=user)
    out["ClearDemotion"] = dbus_send(router, ROOT, f"{MANAGER}.ClearDemotion", "string:t", user=user)
    return out


def test_unprivileged_callers_read_but_control_nothing(topology, vrrpd_path, test_user, searchable):
    topo, vip = topology, topology.vip4()
    start(topo["r1"], [inst(topo, "VI_1", 51, 150)])
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)
    r1 = topo["r1"]
    searchable(r1.bus.socket)
    r = busctl(r1, "get-property", NAME, path_of("VI_1"), INSTANCE, "State", user=test_user)
    assert r.returncode == 0 and r.stdout.strip() == 's "master"', f"{test_user} cannot read: {r.stderr}"
    r = busctl(r1, "call", NAME, ROOT, MANAGER, "ListInstances", user=test_user)
    assert r.returncode == 0 and "VI_1" in r.stdout, f"{test_user} cannot list: {r.stderr}"
    # the policy refuses first
    for method, (rc, err) in control_errors(r1, test_user).items():
        assert rc != 0 and "org.freedesktop.DBus.Error.AccessDenied" in err, f"{method} as {test_user}: {rc} {err}"
    # with a policy that lets the user through, the daemon's own check still refuses
    r1.bus.add_policy("permissive", f"""<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><policy user="{test_user}"><allow send_destination="{NAME}"/></policy></busconfig>
""")

    def daemon_refuses():
        errs = control_errors(r1, test_user)
        return all(rc != 0 and err.startswith("Error org.freedesktop.DBus.Error.AccessDenied:") and
                   "needs root or membership of the group 'vrrpd'" in err for rc, err in errs.values()) and errs

    wait_until("the daemon itself to answer AccessDenied to every control method", daemon_refuses, timeout=5)
    p = Bus(r1).all(path_of("VI_1"))
    assert p["State"] == "master" and p["EffectivePriority"] == 150 and not p["Maintenance"], p
    assert not p["MaintenancePersistent"] and not Bus(r1).get(ROOT, MANAGER, "Demotions"), p


def test_members_of_the_configured_group_may_control(topology, vrrpd_path, make_user, searchable):
    topo, vip = topology, topology.vip4()
    group = f"vrrpdg{uuid.uuid4().hex[:6]}"
    member, outsider = make_user(group), make_user()
    r1 = topo["r1"]
    start_conf(r1, keepalived_config([inst(topo, "VI_1", 51, 150)], global_extra=[f"vrrpd_privileged_group {group}"]))
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)
    searchable(r1.bus.socket)
    # what dbus/org.vrrpd.Vrrp1.conf says to add for another group, and a hole for the outsider
    r1.bus.add_policy("operators", f"""<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><policy group="{group}"><allow send_destination="{NAME}"/></policy>
<policy user="{outsider}"><allow send_destination="{NAME}"/></policy></busconfig>
""")

    def member_sets():
        return dbus_send(r1, path_of("VI_1"), f"{INSTANCE}.SetPriority", "byte:120", user=member)[0] == 0

    wait_until(f"{member} (in {group}) to set the priority", member_sets, timeout=5)
    assert Bus(r1).get(path_of("VI_1"), INSTANCE, "EffectivePriority") == 120
    rc, err = dbus_send(r1, path_of("VI_1"), f"{INSTANCE}.ResetPriority", user=outsider)
    assert rc != 0 and f"membership of the group '{group}'" in err, f"{outsider} not in {group}: {rc} {err}"
    assert dbus_send(r1, path_of("VI_1"), f"{INSTANCE}.ResetPriority", user=member)[0] == 0
    assert Bus(r1).get(path_of("VI_1"), INSTANCE, "EffectivePriority") == 150


def test_reload_over_the_bus_keeps_the_vip_answering(topology, vrrpd_path):
    """Reload() on a master, three times over, while the client fetches from the VIP every 20 ms: every fetch
    answers, and r1 never lets go of the VIP."""
    topo, vip = topology, topology.vip4()
    r1 = start(topo["r1"], [inst(topo, "VI_1", 51, 150)])
    start(topo["r2"], [inst(topo, "VI_1", 51, 100)])
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)
    answers = topo["client"].spawn(["sh", "-c", f"while :; do curl -s -o /dev/null -w '%{{http_code}}\\n' "
                                    f"--noproxy '*' --max-time 0.5 http://{vip}/; sleep 0.02; done"], name="fetch")
    wait_until("the client's fetches to start", lambda: answers.log_text().count("200") >= 3, timeout=5)
    b1 = Bus(topo["r1"])
    configs = [[inst(topo, "VI_1", 51, 140, vip_index=0)],
               [inst(topo, "VI_1", 51, 140), inst(topo, "VI_9", 59, 100, 3)],
               [inst(topo, "VI_1", 51, 150)]]
    for config in configs:
        r1.config.write_text(keepalived_config(config))
        b1.call(ROOT, MANAGER, "Reload")
        time.sleep(0.3)  # fetches between reloads; no predicate to poll: the point is to let time pass
    seen = answers.log_text().count("\n")
    wait_until("more fetches after the last reload", lambda: answers.log_text().count("\n") >= seen + 5, timeout=5)
    answers.stop()
    codes = [c for c in answers.log_text().split() if c.isdigit()]
    failed = [c for c in codes if c != "200"]
    assert len(codes) >= 8 and not failed, f"{len(failed)} of {len(codes)} fetches of {vip} failed: {failed}"
    assert b1.get(path_of("VI_1"), INSTANCE, "State") == "master" and not holds(topo["r2"], vip)
