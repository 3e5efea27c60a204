"""pytest fixtures over vrrptopo; tests/integration/conftest.py and tests/interop/conftest.py import them."""

import os
import shutil

import pytest

from .run import sigterm_raises_interrupt
from .services import vrrpd_binary
from .topology import Topology

sigterm_raises_interrupt()  # pytest tears fixtures down on KeyboardInterrupt, not on a bare SIGTERM

TOOLS = ("ip", "dbus-daemon", "dbus-send", "nginx", "curl", "tcpdump", "tshark", "keepalived")


def _require_root_and_tools():
    if os.geteuid() != 0:
        pytest.skip("needs root: creates network namespaces")
    missing = [t for t in TOOLS if not shutil.which(t, path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")]
    if missing:
        pytest.fail(f"missing tools: {', '.join(missing)} (tools/test installs them)")


@pytest.fixture
def make_topology(tmp_path_factory):
    """A factory: make_topology(routers=2, lans=1, bus=True, nginx=True) builds a Topology in a fresh directory
    under pytest's tmp (kept for the last runs, so logs and pcaps of a failure stay readable); every topology
    it built is closed when the test ends, failed or not."""
    _require_root_and_tools()
    built = []

    def make(**kwargs):
        kwargs.setdefault("workdir", tmp_path_factory.mktemp("topo"))
        topo = Topology(**kwargs)
        built.append(topo)
        return topo.__enter__()

    try:
        yield make
    finally:
        errors = []
        for topo in reversed(built):
            try:
                topo.close()
            except Exception as e:
                errors.append(str(e))
        if errors:
            pytest.fail("; ".join(errors))


@pytest.fixture
def topology(make_topology):
    """Two routers (each with a private bus and an nginx) and a client on one LAN, for one test."""
    return make_topology()


@pytest.fixture(scope="module")
def shared_topology(tmp_path_factory):
    """One two-router topology for a whole module: for tests that only look, never crash a daemon or leave a
    VIP behind."""
    _require_root_and_tools()
    with Topology(workdir=tmp_path_factory.mktemp("topo")) as topo:
        yield topo


@pytest.fixture
def vrrpd_path():
    """$VRRPD_BUILDDIR/service/vrrpd; skips the test while it has not been built."""
    path = vrrpd_binary()
    if not os.access(path, os.X_OK):
        pytest.skip(f"no vrrpd binary at {path}")
    return path
