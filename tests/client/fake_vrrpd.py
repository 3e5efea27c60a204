#!/usr/bin/python3
"""A fake vrrpd for vrrpctl's tests: serves dbus/org.vrrpd.Vrrp1.xml's objects with canned data on the bus in
DBUS_STARTER_ADDRESS (argv), plus org.vrrpd.Test to emit signals and read the calls it got.

    fake_vrrpd.py vrrpd ADDRESS [NAME [NETNS]]
                                         the daemon's side, owning NAME (a dbus_service_name; default
                                         org.vrrpd.Vrrp1) with NetworkNamespace NETNS (default "")
    fake_vrrpd.py notifications ADDRESS  org.freedesktop.Notifications, printing each Notify as a JSON line

Prints READY once its name is owned; exits on SIGTERM."""

import json
import signal
import sys

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

BUS_NAME = "org.vrrpd.Vrrp1"
MANAGER_PATH = "/org/vrrpd/Vrrp1"
MANAGER = "org.vrrpd.Vrrp1.Manager"
INSTANCE = "org.vrrpd.Vrrp1.Instance"
PROPS = "org.freedesktop.DBus.Properties"
OM = "org.freedesktop.DBus.ObjectManager"
ERR = "org.vrrpd.Vrrp1.Error."
T0 = 1764050000 * 1000000  # 2025-11-25 05:53:20 UTC, in µs


def path_encode(name):
    """sd_bus_path_encode: every byte but [A-Za-z0-9] becomes _xx."""
    return MANAGER_PATH + "/instance/" + "".join(
        c if c.isascii() and c.isalnum() else "".join(f"_{b:02x}" for b in c.encode()) for c in name)


def stats(sent, received):
    return dbus.Dictionary({"adverts-sent": dbus.UInt64(sent), "adverts-received": dbus.UInt64(received),
                            "became-master": dbus.UInt64(1), "released-master": dbus.UInt64(0),
                            "priority-zero-sent": dbus.UInt64(0), "priority-zero-received": dbus.UInt64(0),
                            "drop-ttl": dbus.UInt64(3), "drop-auth": dbus.UInt64(0)}, signature="st")


def instance_props(name, ifname, state, vrid, prio, eff, vips, tracks=(), master="", reason="startup", vmac=("", "")):
    return {
        "State": dbus.String(state), "EffectivePriority": dbus.Byte(eff), "MasterAddress": dbus.String(master),
        "Maintenance": dbus.Boolean(False), "MaintenancePersistent": dbus.Boolean(False),
        "LastTransitionUSec": dbus.UInt64(T0),
        "LastTransitionReason": dbus.String(reason),
        "Tracks": dbus.Array([dbus.Struct(t, signature="ssbi") for t in tracks], signature="(ssbi)"),
        "Name": dbus.String(name), "Interface": dbus.String(ifname), "VirtualRouterId": dbus.Byte(vrid),
        "VirtualMacInterface": dbus.String(vmac[0]), "VirtualMac": dbus.String(vmac[1]),
        "Family": dbus.String("ipv4"), "ProtocolVersion": dbus.Byte(3), "Priority": dbus.Byte(prio),
        "AdvertIntervalUSec": dbus.UInt64(1000000), "Preempt": dbus.Boolean(True),
        "PreemptDelayUSec": dbus.UInt64(0), "Accept": dbus.Boolean(False),
        "VirtualAddresses": dbus.Array(vips, signature="s"), "UnicastPeers": dbus.Array([], signature="s"),
        "SyncGroup": dbus.String(""), "Statistics": stats(12, 34),
    }


CANNED = [
    instance_props("VI_1", "eth0", "master", 51, 100, 150, ["192.0.2.10/24", "192.0.2.11/24"],
                   [("script", "chk_nginx", True, 50), ("interface", "eth9", False, -20)], "192.0.2.1",
                   "master-down-timer"),
    instance_props("VI_2", "eth1", "backup", 52, 100, 100, ["198.51.100.10/24"], master="198.51.100.2",
                   vmac=("vrrp.52", "00:00:5e:00:01:34")),
    dict(instance_props("OWNER", "eth2", "fault", 53, 255, 255, ["203.0.113.1/24"], reason="link-down"),
         SplitBrain=dbus.Boolean(True), Faults=dbus.Array(["no-interface"], signature="s")),
]


class DBusError(dbus.DBusException):
    def __init__(self, name, message):
        super().__init__(message)
        self._dbus_error_name = name


class Instance(dbus.service.Object):
    def __init__(self, conn, fake, props):
        self.fake, self.props = fake, props
        self.path = path_encode(str(props["Name"]))
        super().__init__(conn, self.path)

    @dbus.service.method(PROPS, in_signature="ss", out_signature="v")
    def Get(self, iface, prop):
        self.fake.log("Get", prop)
        if iface != INSTANCE or prop not in self.props:
            raise DBusError("org.freedesktop.DBus.Error.UnknownProperty", f"no property {iface}.{prop}")
        return self.props[prop]

    @dbus.service.method(PROPS, in_signature="s", out_signature="a{sv}")
    def GetAll(self, iface):
        self.fake.log("GetAll", str(self.props["Name"]))
        return dbus.Dictionary(self.props if iface == INSTANCE else {}, signature="sv")

    @dbus.service.method(INSTANCE, in_signature="y", out_signature="")
    def SetPriority(self, prio):
        self.fake.log("SetPriority", f"{self.props['Name']} {int(prio)}")
        if self.props["Priority"] == 255:
            raise DBusError(ERR + "NotPermitted", f"{self.props['Name']}: an address owner keeps priority 255")
        self.props["EffectivePriority"] = dbus.Byte(prio)

    @dbus.service.method(INSTANCE, in_signature="", out_signature="")
    def ResetPriority(self):
        self.fake.log("ResetPriority", str(self.props["Name"]))
        self.props["EffectivePriority"] = self.props["Priority"]

    @dbus.service.method(INSTANCE, in_signature="b", out_signature="")
    def SetMaintenance(self, on):
        self.fake.log("SetMaintenance", f"{self.props['Name']} {bool(on)}")
        self.props["Maintenance"] = dbus.Boolean(on)

    @dbus.service.method(INSTANCE, in_signature="b", out_signature="")
    def SetPersistentMaintenance(self, on):
        self.fake.log("SetPersistentMaintenance", f"{self.props['Name']} {bool(on)}")
        self.props["Maintenance"] = self.props["MaintenancePersistent"] = dbus.Boolean(on)

    @dbus.service.method(INSTANCE, in_signature="", out_signature="")
    def SendGratuitousArp(self):
        self.fake.log("SendGratuitousArp", str(self.props["Name"]))
        if self.props["State"] != "master":
            raise DBusError(ERR + "NotPermitted", f"{self.props['Name']}: not master, nothing to announce")

    @dbus.service.method(INSTANCE, in_signature="", out_signature="")
    def ResetStatistics(self):
        self.fake.log("ResetStatistics", str(self.props["Name"]))
        self.props["Statistics"] = stats(0, 0)


class Manager(dbus.service.Object):
    def __init__(self, conn, netns=""):
        super().__init__(conn, MANAGER_PATH)
        self.calls, self.reload_error, self.netns, self.demotions = [], "", netns, {}
        self.instances = {str(p["Name"]): Instance(conn, self, dict(p)) for p in CANNED}

    def log(self, method, arg=""):
        self.calls.append((method, arg))

    @dbus.service.method(MANAGER, in_signature="", out_signature="a(sossyy)")
    def ListInstances(self):
        self.log("ListInstances")
        return [(n, i.path, i.props["Interface"], i.props["State"], i.props["VirtualRouterId"],
                 i.props["EffectivePriority"]) for n, i in self.instances.items()]

    @dbus.service.method(MANAGER, in_signature="s", out_signature="o")
    def GetInstance(self, name):
        self.log("GetInstance", str(name))
        if name not in self.instances:
            raise DBusError(ERR + "NoSuchInstance", f"no instance '{name}'")
        return self.instances[name].path

    @dbus.service.method(MANAGER, in_signature="", out_signature="asasas")
    def Reload(self):
        self.log("Reload")
        if self.reload_error:
            raise DBusError(ERR + "InvalidConfig", self.reload_error)
        return (["VI_3"], ["VI_OLD"], ["VI_1", "VI_2"])

    @dbus.service.method(MANAGER, in_signature="ssy", out_signature="")
    def SetDemotion(self, tag, target, amount):
        self.log("SetDemotion", f"{tag} {target} {int(amount)}")
        if target and not target.startswith("sync_group/") and target not in self.instances:
            raise DBusError(ERR + "NoSuchInstance", f"no instance named '{target}'")
        self.demotions[str(tag)] = (str(target), int(amount))

    @dbus.service.method(MANAGER, in_signature="s", out_signature="")
    def ClearDemotion(self, tag):
        self.log("ClearDemotion", str(tag))
        self.demotions.pop(str(tag), None)

    @dbus.service.signal(MANAGER, signature="ossss")
    def StateChanged(self, path, name, old, new, reason):
        pass

    @dbus.service.method(OM, in_signature="", out_signature="a{oa{sa{sv}}}")
    def GetManagedObjects(self):
        return {i.path: {INSTANCE: i.props} for i in self.instances.values()}

    @dbus.service.method(PROPS, in_signature="s", out_signature="a{sv}")
    def GetAll(self, iface):
        return dbus.Dictionary({"Version": "0.1.0-fake", "ConfigFile": "/etc/vrrpd/vrrpd.conf",
                                "RouterId": "fake", "StartedUSec": dbus.UInt64(T0),
                                "LastReloadUSec": dbus.UInt64(0), "NetworkNamespace": self.netns,
                                "Demotions": dbus.Array([dbus.Struct((t, g, dbus.Byte(a)), signature="ssy")
                                                         for t, (g, a) in self.demotions.items()],
                                                        signature="(ssy)")}
                               if iface == MANAGER else {}, signature="sv")

    # org.vrrpd.Test: the test's handle on the fake.
    @dbus.service.method("org.vrrpd.Test", in_signature="ssss", out_signature="")
    def Emit(self, name, old, new, reason):
        inst = self.instances[name]
        inst.props["State"], inst.props["LastTransitionReason"] = dbus.String(new), dbus.String(reason)
        self.StateChanged(dbus.ObjectPath(inst.path), name, old, new, reason)

    @dbus.service.method("org.vrrpd.Test", in_signature="ss", out_signature="")
    def AddInstance(self, name, ifname):
        self.instances[str(name)] = Instance(self.connection, self, instance_props(str(name), ifname, "backup", 60,
                                                                                    100, 100, []))

    @dbus.service.method("org.vrrpd.Test", in_signature="", out_signature="a(ss)")
    def Calls(self):
        return self.calls

    @dbus.service.method("org.vrrpd.Test", in_signature="s", out_signature="")
    def SetReloadError(self, message):
        self.reload_error = message


class Notifications(dbus.service.Object):
    def __init__(self, conn):
        super().__init__(conn, "/org/freedesktop/Notifications")
        self.next_id = 1

    @dbus.service.method("org.freedesktop.Notifications", in_signature="susssasa{sv}i", out_signature="u")
    def Notify(self, app, replaces, icon, summary, body, actions, hints, timeout):
        urgency = int(hints["urgency"]) if "urgency" in hints else None
        print(json.dumps({"app": str(app), "summary": str(summary), "body": str(body), "urgency": urgency,
                          "timeout": int(timeout)}), flush=True)
        self.next_id += 1
        return self.next_id - 1

    @dbus.service.method("org.freedesktop.Notifications", in_signature="", out_signature="as")
    def GetCapabilities(self):
        return ["body"]

    @dbus.service.method("org.freedesktop.Notifications", in_signature="", out_signature="ssss")
    def GetServerInformation(self):
        return ("fake", "vrrpd-tests", "0", "1.2")


def main():
    role, address = sys.argv[1], sys.argv[2]
    DBusGMainLoop(set_as_default=True)
    conn = dbus.bus.BusConnection(address)
    if role == "vrrpd":
        objects = Manager(conn, sys.argv[4] if len(sys.argv) > 4 else "")
        name = dbus.service.BusName(sys.argv[3] if len(sys.argv) > 3 else BUS_NAME, conn, do_not_queue=True)
    else:
        objects = Notifications(conn)
        name = dbus.service.BusName("org.freedesktop.Notifications", conn, do_not_queue=True)
    loop = GLib.MainLoop()
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, loop.quit)
    print("READY", flush=True)
    loop.run()
    del objects, name


if __name__ == "__main__":
    main()
