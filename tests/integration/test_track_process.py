"""vrrp_track_process (issue 12): a tracked process that dies puts a weight-0 instance in FAULT, so the backup
takes the VIP, and back when it runs again; a weighted one moves the priority. The suite's routers run in
namespaces (`ip netns exec`), where the kernel refuses the process-events connector: there vrrpd falls back to
pidfds and /proc rescans and says so on the bus. Started in the initial namespace with net_namespace, it opens
the connector before it enters the router's namespace. Every namespace sees every process, so each test tracks
a copy of sleep under a name of its own, and ends only the processes it started."""

import os
import shutil
import signal
import time
import uuid
from pathlib import Path

import pytest

from test_bus import INSTANCE, MANAGER, Bus, path_of
from test_failover import CASES, start, wait_master
from test_netns import vrrpctl
from vrrptopo import VrrpInstance, keepalived_config, wait_until
from vrrptopo.services import Vrrpd, vrrpd_binary
from vrrptopo.timing import master_down_interval

V3 = CASES["v3-ipv4"]
ROOT = "/org/vrrpd/Vrrp1"


class TrackProcess:
    """A vrrp_track_process block for keepalived_config()'s scripts."""

    def __init__(self, name, process, extra=()):
        self.name, self.process, self.extra = name, process, list(extra)

    def render(self):
        lines = [f"vrrp_track_process {self.name} {{", f"    process {self.process}",
                 *(f"    {line}" for line in self.extra), "}", ""]
        return "\n".join(lines)


@pytest.fixture
def sleeper(tmp_path):
    """A copy of sleep under a unique name (its comm), and a way to start it in a router's namespace."""
    name = f"tp{uuid.uuid4().hex[:10]}"
    path = tmp_path / name
    shutil.copy("/bin/sleep", path)

    def spawn(router, tag="p"):
        return router.spawn([str(path), "1000"], name=f"{name}-{tag}")

    spawn.name, spawn.path = name, path
    return spawn


def inst(priority, vip, tracks):
    return VrrpInstance(name="VI_1", vrid=83, priority=priority, vips=[f"{vip}/24"], advert_int=V3["advert_int"],
                        extra=["track_process {", *(f"    {t}" for t in tracks), "}"])


def prop(router, name, interface=INSTANCE, path=None):
    return Bus(router).get(path or path_of("VI_1"), interface, name)


def tracked(router):
    return [(str(n), str(s), int(c)) for n, s, c, _, _ in prop(router, "TrackedProcesses", MANAGER, ROOT)]


def test_weight_zero_process_dies_backup_takes_over_and_back(topology, sleeper):
    topo, vip = topology, topology.vip4(0)
    r1, r2 = topo["r1"], topo["r2"]
    proc = sleeper(r1)
    start(r1, [inst(150, vip, ["svc"])], scripts=[TrackProcess("svc", sleeper.name)])
    start(r2, [inst(100, vip, [])])
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)
    assert str(prop(r1, "ProcessEvents", MANAGER, ROOT)) == "fallback"
    assert tracked(r1) == [("svc", "up", 1)]
    assert [(str(k), str(n), bool(u), int(w)) for k, n, u, w in prop(r1, "Tracks")] == [("process", "svc", True, 0)]

    proc.stop(sig=signal.SIGKILL)
    wait_until("r1 in FAULT", lambda: prop(r1, "State") == "fault", timeout=1)
    wait_master(topo, "r2", vip, timeout=1)
    assert tracked(r1) == [("svc", "down", 0)]

    sleeper(r1, "again")
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 2)  # the rescan finds it within 1 s
    out = vrrpctl(r1, "status", "VI_1").stdout
    assert "process 'svc' up (weight +0; 1 running, quorum 1..)" in out and "Process Events: fallback" in out, out


def test_weights_move_the_priority(topology, sleeper):
    r1, vip = topology["r1"], topology.vip4(0)
    up = sleeper(r1)
    start(r1, [inst(100, vip, ["plus weight 20", "minus weight -30"])],
          scripts=[TrackProcess("plus", sleeper.name),
                   TrackProcess("minus", f"{sleeper.name}", ["quorum 2"])])
    wait_until("priority 120 (plus up, minus down: 1 of 2)",
               lambda: prop(r1, "EffectivePriority") == 100 + 20 - 30, timeout=3)
    second = sleeper(r1, "second")
    wait_until("priority 120", lambda: prop(r1, "EffectivePriority") == 120, timeout=3)
    assert sorted(tracked(r1)) == [("minus", "up", 2), ("plus", "up", 2)]
    metrics = vrrpctl(r1, "metrics").stdout
    for line in ('vrrpd_track_process_state{process="minus",state="up"} 1',
                 'vrrpd_track_process_state{process="minus",state="down"} 0',
                 'vrrpd_track_process_running{process="plus"} 2'):
        assert line in metrics.splitlines(), metrics
    up.stop(sig=signal.SIGKILL)
    second.stop(sig=signal.SIGKILL)
    wait_until("priority 70", lambda: prop(r1, "EffectivePriority") == 70, timeout=1)


FORKER = """
import ctypes, os, signal
def rename(*_):
    ctypes.CDLL(None).prctl(15, b"renamed", 0, 0, 0)  # PR_SET_NAME: a new comm, a COMM event
if os.fork() == 0:
    signal.signal(signal.SIGUSR1, rename)
while True:
    signal.pause()
"""


def test_connector_opened_before_net_namespace(topology, sleeper, tmp_path):
    """vrrpd started in the initial namespace with net_namespace keeps the connector it opened there: exit, exec,
    fork (a child counts as its parent did) and comm changes all come from it."""
    topo, vip = topology, topology.vip4(0)
    r1 = topo["r1"]

    class FromRoot:
        """r1, except that what it spawns runs in the initial network namespace."""

        def __getattr__(self, name):
            return getattr(r1, name)

        def spawn(self, argv, *, name, env=None, setsid=True, cwd=None):
            return topo.spawn(argv, ns=None, name=name, log=r1.dir / f"{name}.log", env=env, setsid=setsid,
                              cwd=cwd or r1.dir)

    pair = f"tq{uuid.uuid4().hex[:10]}"  # a python under a name of its own: its comm
    (tmp_path / pair).symlink_to("/usr/bin/python3")
    proc = sleeper(r1)
    tracks = [TrackProcess("svc", sleeper.name), TrackProcess("pair", pair, ["quorum 2", "weight 10"])]
    text = "\n".join([f"net_namespace {r1.ns}", keepalived_config([inst(150, vip, ["svc", "pair"])], tracks)])
    daemon = Vrrpd(FromRoot(), text, args=["-l", "-f", str(r1.dir / "vrrpd.conf")]).start().wait_ready()
    wait_until(f"{vip} on r1", lambda: vip in r1.addresses(), timeout=master_down_interval(V3, 150) + 3)
    assert str(prop(r1, "ProcessEvents", MANAGER, ROOT)) == "connector", daemon.log[-2000:]
    proc.stop(sig=signal.SIGKILL)
    wait_until("r1 in FAULT", lambda: prop(r1, "State") == "fault", timeout=0.5)
    assert vip not in r1.addresses()
    sleeper(r1, "again")
    wait_until("r1 out of FAULT", lambda: prop(r1, "State") != "fault", timeout=0.5)

    forker = r1.spawn([str(tmp_path / pair), "-c", FORKER], name=pair)
    wait_until("the forked pair counted", lambda: ("pair", "up", 2) in tracked(r1), timeout=2)
    assert prop(r1, "EffectivePriority") == 160
    child = int(Path(f"/proc/{forker.pid}/task/{forker.pid}/children").read_text().split()[0])
    os.kill(child, signal.SIGUSR1)
    wait_until("the renamed child dropped", lambda: ("pair", "down", 1) in tracked(r1), timeout=1)
    assert prop(r1, "EffectivePriority") == 150

class SyncGroup:
    """A vrrp_sync_group of VI_1 tracking processes, for keepalived_config()'s scripts."""

    def __init__(self, tracks):
        self.tracks = tracks

    def render(self):
        return "\n".join(["vrrp_sync_group G1 {", "    group {", "        VI_1", "    }", "    track_process {",
                          *(f"        {t}" for t in self.tracks), "    }", "}", ""])


def test_sync_group_tracks_and_a_reload_keeps_watching(topology, sleeper):
    r1, vip = topology["r1"], topology.vip4(0)
    proc = sleeper(r1)
    scripts = [TrackProcess("svc", sleeper.name, ["weight 10"])]
    daemon = start(r1, [inst(100, vip, [])], scripts=[*scripts, SyncGroup(["svc"])])
    wait_until("priority 110 from the group's track", lambda: prop(r1, "EffectivePriority") == 110, timeout=3)
    text = keepalived_config([inst(100, vip, [])], [*scripts, SyncGroup(["svc weight 20"])])
    daemon.reload(text)
    wait_until("priority 120 after the reload", lambda: prop(r1, "EffectivePriority") == 120, timeout=3)
    assert tracked(r1) == [("svc", "up", 1)]
    proc.stop(sig=signal.SIGKILL)
    wait_until("priority 100 once it died", lambda: prop(r1, "EffectivePriority") == 100, timeout=1)


def test_fast_failover_at_100ms_adverts(topology, sleeper):
    """The issue's figure, inside a namespace (the fallback's pidfd): kill, FAULT, a priority-0 advert, the
    backup takes over after Skew_Time; 150 ms, plus what polling two namespaces costs here."""
    topo, vip = topology, topology.vip4(0)
    r1, r2 = topo["r1"], topo["r2"]

    def fast(priority, tracks):
        return VrrpInstance(name="VI_1", vrid=84, priority=priority, vips=[f"{vip}/24"], advert_int=0.1,
                            extra=["track_process {", *(f"    {t}" for t in tracks), "}"] if tracks else [])

    proc = sleeper(r1)
    start(r1, [fast(150, ["svc"])], scripts=[TrackProcess("svc", sleeper.name)])
    start(r2, [fast(100, [])])
    wait_master(topo, "r1", vip, timeout=3)
    t0 = time.monotonic()
    proc.stop(sig=signal.SIGKILL)
    wait_until(f"{vip} on r2", lambda: vip in r2.addresses(), timeout=1, step=0.005)
    took = time.monotonic() - t0
    print(f"kill -> VIP on the backup: {took * 1000:.0f} ms")
    assert took < 0.25, f"the backup took {took * 1000:.0f} ms to hold {vip}"


def test_hidepid_makes_the_track_unknown_not_down(topology, sleeper, tmp_path):
    """/proc mounted hidepid=invisible for a vrrpd without CAP_SYS_PTRACE, tracking a process of another user:
    it cannot tell, so the track is unknown (one warning), and weight 0 does not fault. (gid=: the group that
    sees everything is root's unless told otherwise.)"""
    r1, vip = topology["r1"], topology.vip4(0)
    wrapper = tmp_path / "vrrpd-hidepid"
    wrapper.write_text("#!/bin/sh\nexec unshare --mount --propagation private -- sh -c "
                       "'mount -t proc -o hidepid=invisible,gid=65533 proc /proc && "
                       f"exec setpriv --bounding-set -sys_ptrace --inh-caps -sys_ptrace {vrrpd_binary()} \"$@\"'"
                       " vrrpd \"$@\"\n")
    wrapper.chmod(0o755)
    hidden = r1.spawn(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", str(sleeper.path), "1000"],
                      name=f"{sleeper.name}-nobody")
    text = keepalived_config([inst(150, vip, ["svc"])], [TrackProcess("svc", sleeper.name)])
    daemon = r1.vrrpd(text, args=["-l", "-f", str(r1.dir / "vrrpd.conf")], binary=wrapper).wait_ready()
    wait_until(f"{vip} on r1", lambda: vip in r1.addresses(), timeout=master_down_interval(V3, 150) + 3)
    assert tracked(r1) == [("svc", "unknown", 0)]
    assert daemon.log.count("hides other users' processes") == 1, daemon.log[-2000:]
    assert hidden.alive()
