"""Cross-check: every valid fixture is real keepalived syntax, as keepalived 2.2.7 itself says (`keepalived -t`),
run in a throwaway network namespace that has the eth0 and eth1 the fixtures name."""

import os
import pathlib
import shutil
import subprocess
import uuid

import pytest

from conftest import VALID

KEEPALIVED = shutil.which("keepalived") or ("/usr/sbin/keepalived" if os.path.exists("/usr/sbin/keepalived") else None)
FIXTURES = sorted(p.name for p in VALID.glob("*.conf"))


def sh(*argv, check=True):
    return subprocess.run(argv, check=check, capture_output=True, timeout=30)


@pytest.fixture(scope="module")
def netns():
    if not KEEPALIVED:
        pytest.skip("keepalived is not installed")
    if os.geteuid() != 0 or not shutil.which("ip"):
        pytest.skip("needs root and ip(8) for a network namespace")
    name = f"vrrpd-conf-{uuid.uuid4().hex[:8]}"
    sh("ip", "netns", "add", name)
    try:
        sh("ip", "-n", name, "link", "add", "eth0", "type", "veth", "peer", "name", "eth1")
        yield name
    finally:
        sh("ip", "netns", "del", name, check=False)


@pytest.mark.parametrize("fixture", FIXTURES)
def test_keepalived_accepts_fixture(netns, tmp_path, fixture):
    ids = ["node1", "node2"] if fixture == "host-cond.conf" else ["node1"]
    for config_id in ids:
        proc = subprocess.run(["ip", "netns", "exec", netns, KEEPALIVED, "-t", "-l", "-n", "-i", config_id,
                               "-f", str(VALID / fixture)], capture_output=True, timeout=60, cwd=tmp_path)
        out = (proc.stdout + proc.stderr).decode(errors="replace")
        assert proc.returncode == 0, f"keepalived -t rejects {fixture} (exit {proc.returncode}):\n{out}"


SAMPLES = pathlib.Path("/usr/share/doc/keepalived/samples")


@pytest.mark.parametrize("sample", sorted(p.name for p in SAMPLES.glob("keepalived.conf*")) or ["none"])
def test_what_keepalived_loads_vrrpd_loads(netns, vrrpd, tmp_path, sample):
    """keepalived's own sample configurations: whatever `keepalived -t` accepts, `vrrpd -t` accepts too."""
    if sample == "none":
        pytest.skip(f"no samples in {SAMPLES}")
    path = SAMPLES / sample
    ka = subprocess.run(["ip", "netns", "exec", netns, KEEPALIVED, "-t", "-l", "-n", "-f", str(path)],
                        capture_output=True, timeout=60, cwd=tmp_path)
    ours = subprocess.run([str(vrrpd), "-t", "-f", str(path)], capture_output=True, timeout=60)
    if ka.returncode == 0:
        assert ours.returncode == 0, f"keepalived loads {sample}, vrrpd does not:\n{ours.stderr.decode()}"
    else:
        assert ours.returncode in (0, 1), ours.stderr.decode()
