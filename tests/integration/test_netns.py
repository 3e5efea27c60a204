"""Where a daemon lives (issue 11): net_namespace, dbus_service_name, instance and their runtime directories.

A daemon started in one namespace (its router's) with `net_namespace B` runs VRRP in B and stays on the bus of
the namespace it came from: that bus listens on an abstract socket, which only processes of its own namespace
can reach, so only a connection made before setns() gets there. Two daemons on one bus, each under its own
name and with its own runtime directory, answer vrrpctl --bus-name each."""

import json
import os
import shutil
import uuid
from pathlib import Path

import pytest

from vrrptopo import Capture, PrivateBus, VrrpInstance, keepalived_config, sh, wait_until
from vrrptopo.run import IP
from vrrptopo.services import vrrpd_binary

MANAGER = "org.vrrpd.Vrrp1.Manager"
RUN = Path("/run/vrrpd")


def vrrpctl_path():
    path = vrrpd_binary().parent.parent / "client" / "vrrpctl"
    if not os.access(path, os.X_OK):
        pytest.skip(f"no vrrpctl at {path}")
    return path


def vrrpctl(router, *args):
    """vrrpctl in router's namespace, on its private bus."""
    env = {**os.environ, **router.bus_env()}
    return sh(vrrpctl_path(), *args, ns=router.ns, check=False, env=env, timeout=15)


def bus_name():
    return f"org.vrrpd.Vrrp1.t{uuid.uuid4().hex[:8]}"


def config(instance, top=(), global_extra=()):
    return "\n".join([*top, keepalived_config([instance], global_extra=global_extra)])


def netns_of(pid):
    """What `ip netns identify` says of pid: the names under /run/netns that hold its network namespace."""
    return sh(IP, "netns", "identify", str(pid)).stdout.split()


def remove_runtime_dirs(dirs, run_existed):
    """Whatever the daemons left under /run/vrrpd (by our unique names), and /run/vrrpd itself if we made it."""
    def cleanup():
        for d in dirs:
            shutil.rmtree(d, ignore_errors=True)
        if not run_existed:
            try:
                RUN.rmdir()
            except OSError:
                pass
    return cleanup


@pytest.fixture
def netns_pair(make_topology):
    """A router (namespace A) whose private bus listens on an abstract socket, and namespace B beside it with a
    veth pair of its own (vb0, 203.0.113.1/24, and vb1), as `ip netns add` leaves it under /run/netns."""
    topo = make_topology(routers=1, bus=False, nginx=False)
    r1 = topo["r1"]
    r1.bus = PrivateBus(r1, abstract=True).start()
    b = topo.add_namespace("b")
    sh(IP, "-n", b.ns, "-batch", "-", input="link add vb0 type veth peer name vb1\nlink set vb0 up\n"
       "link set vb1 up\naddr add 203.0.113.1/24 dev vb0\n")
    sh(IP, "netns", "exec", b.ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1")
    return topo, r1, b


def test_net_namespace_moves_vrrp_and_keeps_the_bus(netns_pair):
    topo, r1, b = netns_pair
    name = bus_name()
    inst = VrrpInstance(name="VI_B", vrid=42, priority=150, vips=["203.0.113.100/24"], interface="vb0",
                        advert_int=0.1)
    capture = Capture(b, "vb1", b.dir / "vb1.pcap").start()
    daemon = r1.vrrpd(config(inst, [f"net_namespace {b.ns}"], [f"dbus_service_name {name}"]),
                      args=["-l", "-f", str(r1.dir / "vrrpd.conf")], bus_name=name).wait_ready()

    # VRRP runs in B: the VIP is on vb0 there, adverts leave through it, and the process is in B.
    wait_until(f"203.0.113.100 on vb0 in {b.ns}", lambda: "203.0.113.100" in b.addresses("vb0"), timeout=5)
    capture.wait_for("an advert of VRID 42 from 203.0.113.1 on vb1",
                     lambda ps: [p for p in ps if p.src == "203.0.113.1" and p.vrid == 42], timeout=5)
    assert netns_of(daemon.process.pid) == [b.ns], f"vrrpd runs in {netns_of(daemon.process.pid)}"
    assert "203.0.113.100" not in r1.addresses(), "the VIP landed in the namespace vrrpd was started in"

    # ... and the bus of A, reached only through an abstract socket of A, answers under the configured name.
    proc = vrrpctl(r1, "--bus-name", name, "status", "--json=short")
    assert proc.returncode == 0, proc.stderr
    assert [(i["Name"], i["State"], i["NetworkNamespace"]) for i in json.loads(proc.stdout)] == \
        [("VI_B", "master", b.ns)], proc.stdout
    text = vrrpctl(r1, "--bus-name", name, "status").stdout
    assert f"Network Namespace: {b.ns}" in text, text

    # A reload cannot move it: refused with the reason, and it goes on where it is.
    daemon.reload(config(inst, [f"net_namespace {r1.ns}"], [f"dbus_service_name {name}"]))
    wait_until("the refused reload in the log", lambda: "net_namespace cannot change at a reload" in daemon.log,
               timeout=5)
    proc = vrrpctl(r1, "--bus-name", name, "reload")
    assert proc.returncode == 1 and "org.vrrpd.Vrrp1.Error.InvalidConfig" in proc.stderr and \
        "cannot move to another network namespace" in proc.stderr, proc.stderr
    assert daemon.process.alive() and "203.0.113.100" in b.addresses("vb0"), daemon.log[-2000:]
    capture.stop()


def test_a_missing_namespace_stops_the_daemon_with_the_reason(netns_pair):
    topo, r1, b = netns_pair
    missing = f"{topo.prefix}missing"
    inst = VrrpInstance(name="VI_B", vrid=42, priority=150, vips=["203.0.113.100/24"], interface="vb0")
    daemon = r1.vrrpd(config(inst, [f"net_namespace {missing}"]), args=["-l", "-f", str(r1.dir / "vrrpd.conf")])
    assert daemon.process.wait_exit(5), "vrrpd runs on without its namespace"
    assert daemon.process.returncode == 1, daemon.log
    assert f"net_namespace '{missing}': there is no /run/netns/{missing} (create it with 'ip netns add " \
        f"{missing}'), not starting" in daemon.log, daemon.log


def records(directory):
    vips = directory / "vips"
    return sorted(p.read_text() for p in vips.iterdir()) if vips.is_dir() else []


def test_two_daemons_each_with_a_name_and_a_runtime_directory(make_topology):
    topo = make_topology(routers=1, nginx=False)
    r1 = topo["r1"]
    names = {"x": bus_name(), "y": bus_name()}
    instance_name = f"{topo.prefix}y"
    dirs = {"x": RUN / r1.ns, "y": RUN / instance_name}  # net_namespace (where it runs already), and instance
    topo.on_close(remove_runtime_dirs(dirs.values(), RUN.exists()))
    top = {"x": [f"net_namespace {r1.ns}"], "y": [f"instance {instance_name}"]}
    daemons = {}
    for k, vrid, vip in (("x", 51, topo.vip4(0)), ("y", 52, topo.vip4(1))):
        inst = VrrpInstance(name=f"VI_{k.upper()}", vrid=vrid, priority=150, vips=[f"{vip}/24"], advert_int=0.1)
        daemons[k] = r1.vrrpd(config(inst, top[k], [f"dbus_service_name {names[k]}"]), name=f"vrrpd-{k}",
                              args=["-l", "-f", str(r1.dir / f"vrrpd-{k}.conf")], runtime_dir=False,
                              bus_name=names[k])
    for d in daemons.values():
        d.wait_ready()
    for k, vip in (("x", topo.vip4(0)), ("y", topo.vip4(1))):
        wait_until(f"{vip} on r1", lambda vip=vip: vip in r1.addresses(), timeout=5)
        proc = vrrpctl(r1, "--bus-name", names[k], "--no-legend", "list")
        assert proc.returncode == 0 and proc.stdout.split()[:1] == [f"VI_{k.upper()}"], (proc.stdout, proc.stderr)
        assert [r for r in records(dirs[k]) if vip in r], f"{dirs[k]} has no record of {vip}: {records(dirs[k])}"
        other = dirs["y" if k == "x" else "x"]
        assert not [r for r in records(other) if vip in r], f"{other} holds a record of {vip}"
    proc = vrrpctl(r1, "list")
    assert proc.returncode == 1 and "no owner of org.vrrpd.Vrrp1 " in proc.stderr, proc.stderr
    # The one in its own namespace already did not move, and says where it is.
    assert "running in network namespace" in daemons["x"].log and "entered" not in daemons["x"].log
    for d in daemons.values():
        assert d.stop() == 0, d.log[-2000:]
    for k in dirs:
        assert records(dirs[k]) == [], f"{dirs[k]} kept records after a clean stop: {records(dirs[k])}"


def test_a_name_the_policy_refuses_is_said_at_startup(make_topology):
    topo = make_topology(routers=1, nginx=False)
    r1 = topo["r1"]
    inst = VrrpInstance(name="VI_1", vrid=51, priority=150, vips=[f"{topo.vip4()}/24"])
    daemon = r1.vrrpd(config(inst, global_extra=["dbus_service_name org.keepalived.Vrrp1.blue"]),
                      args=["-l", "-f", str(r1.dir / "vrrpd.conf")])
    wait_until("the refusal in the log", lambda: "running without the bus" in daemon.log or
               not daemon.process.alive(), timeout=5)
    assert "the bus policy does not let vrrpd own 'org.keepalived.Vrrp1.blue': the shipped policy allows " \
        "org.vrrpd.Vrrp1 and names under it" in daemon.log, daemon.log
