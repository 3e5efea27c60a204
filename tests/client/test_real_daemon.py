"""vrrpctl against the real vrrpd ($VRRPD_BUILDDIR/service/vrrpd) on a private system bus: vrrpd runs in a network
namespace of its own with a veth pair, alone, so its instances become master after Master_Down_Interval.
Skipped (with the reason) when the daemon is not built or namespaces cannot be made."""

import json
import os
import re
import shutil
import subprocess
import uuid

import pytest

from vrrpctl_testlib import BUILDDIR, TIMEOUT, LineReader, stop, wait_until

VRRPD = BUILDDIR / "service" / "vrrpd"

CONFIG = """
vrrp_instance VI_1 {
    state BACKUP
    interface v0
    virtual_router_id 51
    priority 150
    advert_int 1
    virtual_ipaddress {
        192.0.2.100/24
    }
    virtual_routes {
        198.51.100.0/24 via 192.0.2.2 dev v0
    }
    virtual_rules {
        from 198.51.100.0/24 table 100 priority 100
    }
}
vrrp_instance VI_2 {
    state BACKUP
    interface v0
    virtual_router_id 52
    priority 100
    advert_int 1
    virtual_ipaddress {
        192.0.2.101/24
    }
}
"""


def sh(*argv, check=True):
    return subprocess.run(argv, check=check, capture_output=True, text=True, timeout=TIMEOUT)


@pytest.fixture
def netns():
    if os.geteuid() != 0 or not shutil.which("ip"):
        pytest.skip("needs root and iproute2 for a network namespace")
    if not os.access(VRRPD, os.X_OK):
        pytest.skip(f"no vrrpd at {VRRPD}")
    name = f"vrrpctl-t-{uuid.uuid4().hex[:8]}"
    sh("ip", "netns", "add", name)
    try:
        for cmd in (["link", "set", "lo", "up"], ["link", "add", "v0", "type", "veth", "peer", "name", "v1"],
                    ["link", "set", "v0", "up"], ["link", "set", "v1", "up"],
                    ["addr", "add", "192.0.2.1/24", "dev", "v0"]):
            sh("ip", "-n", name, *cmd)
        yield name
    finally:
        sh("ip", "netns", "del", name, check=False)


@pytest.fixture
def daemon(netns, system_bus, tmp_path, vrrpctl):
    conf = tmp_path / "vrrpd.conf"
    conf.write_text(CONFIG)
    run = tmp_path / "run"
    run.mkdir()
    log = open(tmp_path / "vrrpd.log", "w+")
    env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=system_bus, RUNTIME_DIRECTORY=str(run))
    env.pop("NOTIFY_SOCKET", None)
    proc = subprocess.Popen(["ip", "netns", "exec", netns, str(VRRPD), "-f", str(conf), "-l"], stdout=log,
                            stderr=subprocess.STDOUT, env=env)
    try:
        def up():
            if proc.poll() is not None:
                log.seek(0)
                raise AssertionError(f"vrrpd exited {proc.returncode}: {log.read()}")
            return vrrpctl("list").returncode == 0

        wait_until("vrrpd on the bus", up)
        yield proc
    finally:
        stop(proc)
        log.close()


def test_real_daemon_list_status_metrics(vrrpctl, daemon):
    r = vrrpctl("--json=short")
    assert r.returncode == 0, r
    assert {(d["name"], d["interface"], d["vrid"]) for d in json.loads(r.stdout)} == {("VI_1", "v0", 51),
                                                                                   ("VI_2", "v0", 52)}
    wait_until("VI_1 to become master", lambda: vrrpctl("is-master", "-q", "VI_1").returncode == 0, timeout=15)
    r = vrrpctl("status", "VI_1")
    assert r.returncode == 0, r
    assert re.search(r"^\s+State: master", r.stdout, re.M), r.stdout
    assert re.search(r"^\s+Interface: v0$", r.stdout, re.M), r.stdout
    assert "192.0.2.100/24" in r.stdout and "Counters:" in r.stdout, r.stdout
    assert re.search(r"^\s+Virtual Routes: 198\.51\.100\.0/24 via 192\.0\.2\.2 dev v0$", r.stdout, re.M), r.stdout
    assert re.search(r"^\s+Virtual Rules: inet priority 100 from 198\.51\.100\.0/24 table 100$", r.stdout,
                     re.M), r.stdout
    r = vrrpctl("status", "VI_2")
    assert "Virtual Routes" not in r.stdout and "Faults" not in r.stdout, r.stdout
    r = vrrpctl("--json=short", "status", "VI_1")
    st = json.loads(r.stdout)
    st = st[0] if isinstance(st, list) else st
    assert st["VirtualRoutes"] == [{"route": "198.51.100.0/24 via 192.0.2.2 dev v0", "installed": True}], st
    assert st["Faults"] == [], st
    r = vrrpctl("metrics")
    assert r.returncode == 0, r
    assert 'vrrpd_instance_state{instance="VI_1",interface="v0",vrid="51",state="master"} 1' in r.stdout
    assert re.search(r'^vrrpd_adverts_sent_total\{instance="VI_1",interface="v0",vrid="51"\} [1-9]\d*$', r.stdout,
                     re.M), r.stdout


def test_real_daemon_control_and_monitor(vrrpctl, spawn, daemon):
    wait_until("VI_1 to become master", lambda: vrrpctl("is-master", "-q", "VI_1").returncode == 0, timeout=15)
    mon = spawn("monitor")
    out = LineReader(mon.stdout)
    # monitor prints its legend on stderr once subscribed (after its ListInstances round trip)
    assert "Monitoring" in LineReader(mon.stderr).readline(what="monitor's legend")
    r = vrrpctl("maintenance", "VI_1", "on")
    assert r.returncode == 0, r
    line = out.readline(timeout=15, what="VI_1's transition after maintenance on")
    assert re.search(r" VI_1: master -> backup \(\S+\)$", line), line
    r = vrrpctl("set-priority", "VI_2", "200")
    assert r.returncode == 0, r
    assert re.search(r"Priority: 200 \(configured 100\)", vrrpctl("status", "VI_2").stdout)
    assert vrrpctl("reset-priority", "VI_2").returncode == 0
    r = vrrpctl("set-priority", "NOPE", "7")
    assert r.returncode == 1 and "(org.vrrpd.Vrrp1.Error.NoSuchInstance)" in r.stderr, r
    r = vrrpctl("reload")
    assert r.returncode == 0, r
    assert vrrpctl("maintenance", "VI_1", "off").returncode == 0
    mon.terminate()
    assert mon.wait(timeout=TIMEOUT) == 0
