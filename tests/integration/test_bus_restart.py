"""The system bus restarts (issue 15): dbus-daemon killed and started again on the same socket. vrrpd keeps
sending its adverts on time meanwhile, connects again, takes its name back and announces its objects within
10 s; a new vrrpctl call works, and a vrrpctl monitor that was running reconnects by itself, says what changed
while the bus was away and goes on printing what happens."""

import os
import signal
import time

from test_bus import path_of
from test_failover import instance, start, wait_master
from test_netns import vrrpctl, vrrpctl_path
from vrrptopo import VrrpInstance, keepalived_config, wait_until
from vrrptopo.services import PrivateBus

V3 = dict(version=3, family=4, advert_int=0.1, auth_pass=None)
NAME = "org.vrrpd.Vrrp1"
BACK_WITHIN = 10.0  # the bound, from the new bus answering to the name owned again


def restart_bus(router, sig):
    """Ends router's dbus-daemon with sig and starts another on the same socket path (the old one's socket file
    is left behind by SIGKILL: the new daemon must be able to bind it)."""
    if router.bus.process.alive():
        router.bus.process.send_signal(sig)
        router.bus.process.wait_exit(5)
    if router.bus.socket.exists():
        router.bus.socket.unlink()  # what systemd's dbus.socket does on a restart: a fresh socket
    bus = PrivateBus(router)
    bus.start()
    router.bus = bus
    return time.monotonic()


def monitor(router):
    env = {**os.environ, **router.bus_env()}
    return router.spawn([str(vrrpctl_path()), "monitor"], name="vrrpctl-monitor", env=env)


def worst_gap(capture, src):
    stamps = [p.time for p in capture.packets() if p.src == src]
    assert len(stamps) > 2, f"too few adverts from {src} in the capture"
    return max(b - a for a, b in zip(stamps, stamps[1:]))


def test_vrrpd_and_a_running_monitor_come_back_after_the_bus_restarts(topology):
    topo, vip = topology, topology.vip4()
    r1, r2 = topo["r1"], topo["r2"]
    d1 = start(r1, [instance(topo, V3, 150)])
    start(r2, [instance(topo, V3, 100)])
    wait_master(topo, "r1", vip, timeout=3)
    mon = monitor(r1)
    wait_until("the monitor running", lambda: "Monitoring" in mon.log_text() or not mon.alive(), timeout=5)
    capture = topo.capture(node="client", bpf="ip proto 112")
    back = restart_bus(r1, signal.SIGKILL)
    r1.bus.wait_for_name(NAME, timeout=BACK_WITHIN, process=d1.process)
    assert time.monotonic() - back <= BACK_WITHIN
    wait_until("the log says it", lambda: "serving the bus as 'org.vrrpd.Vrrp1' again" in d1.log, timeout=2)
    assert "lost the system bus" in d1.log, d1.log[-2000:]

    status = vrrpctl(r1, "status", "VI_1")
    assert status.returncode == 0 and "State: master" in status.stdout, status.stdout + status.stderr
    assert mon.alive(), mon.log_text()
    wait_until("the monitor back", lambda: "reconnected" in mon.log_text(), timeout=BACK_WITHIN)
    before = mon.log_text()
    assert vrrpctl(r1, "maintenance", "VI_1", "on").returncode == 0
    wait_master(topo, "r2", vip, timeout=3)
    wait_until("the monitor shows the new state", lambda: "VI_1: master -> backup (maintenance)" in
               mon.log_text()[len(before):], timeout=3)
    # r2 came and went in VI_1's peers: no split brain ever rose, so none is said to be over
    assert "split brain" not in mon.log_text(), mon.log_text()

    capture.stop()
    worst = worst_gap(capture, r1.ipv4())
    assert worst < 0.1 + 0.05, f"r1's adverts paused {worst * 1000:.0f} ms while the bus restarted"

    # A transition while the bus is away: the monitor says it once it is back, from what it saw last.
    r1.bus.process.send_signal(signal.SIGKILL)
    r1.bus.process.wait_exit(5)
    topo.link_down(r1)
    wait_until("r1 in fault", lambda: "backup -> fault" in d1.log, timeout=3)
    before = mon.log_text()
    restart_bus(r1, signal.SIGKILL)
    r1.bus.wait_for_name(NAME, timeout=BACK_WITHIN, process=d1.process)
    wait_until("the monitor tells what it missed", lambda: "VI_1: backup -> fault (while the bus was away)" in
               mon.log_text()[len(before):], timeout=BACK_WITHIN)


def test_a_bus_that_comes_after_vrrpd_is_joined(make_topology):
    """The bus is not there when vrrpd starts (not yet up, or restarting): VRRP runs, and vrrpd joins the bus
    once it is."""
    topo = make_topology(routers=1, nginx=False)
    r1 = topo["r1"]
    r1.bus.stop()
    if r1.bus.socket.exists():
        r1.bus.socket.unlink()
    conf = r1.dir / "vrrpd.conf"
    d1 = r1.vrrpd(keepalived_config([instance(topo, V3, 150)]), args=["-l", "-f", str(conf)])
    wait_until("r1 master without a bus", lambda: topo.vip4() in r1.addresses(), timeout=3)
    assert "vrrpd connects to the system bus once it is there" in d1.log, d1.log[-2000:]
    bus = PrivateBus(r1)
    bus.start()
    r1.bus = bus
    bus.wait_for_name(NAME, timeout=BACK_WITHIN, process=d1.process)
    status = vrrpctl(r1, "status", "VI_1")
    assert status.returncode == 0 and "State: master" in status.stdout, status.stdout + status.stderr


def test_the_objects_are_announced_again(make_topology):
    """A watcher on the new bus hears InterfacesAdded for every instance once vrrpd is back (vrrpd is held with
    SIGSTOP while the bus restarts, so that the watcher listens before vrrpd reconnects)."""
    topo = make_topology(routers=1, nginx=False)
    r1 = topo["r1"]
    conf = r1.dir / "vrrpd.conf"
    second = VrrpInstance(name="VI_2", vrid=52, priority=100, vips=[f"{topo.vip4(1)}/24"], version=3,
                          advert_int=0.1)
    d1 = r1.vrrpd(keepalived_config([instance(topo, V3, 150), second]), args=["-l", "-f", str(conf)]).wait_ready()
    d1.process.send_signal(signal.SIGSTOP)
    try:
        restart_bus(r1, signal.SIGTERM)
        watcher = r1.spawn(["stdbuf", "-oL", "dbus-monitor", "--address", r1.bus.address,
                            "type='signal',interface='org.freedesktop.DBus.ObjectManager'",
                            "type='signal',sender='org.freedesktop.DBus'"], name="dbus-monitor")
        wait_until("the watcher listening", lambda: "NameAcquired" in watcher.log_text(), timeout=5)
    finally:
        d1.process.send_signal(signal.SIGCONT)
    r1.bus.wait_for_name(NAME, timeout=BACK_WITHIN, process=d1.process)
    for name in ("VI_1", "VI_2"):
        wait_until(f"InterfacesAdded for {name}", lambda: f'object path "{path_of(name)}"'
                   in watcher.log_text(), timeout=3)
