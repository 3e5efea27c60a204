"""Fixtures for vrrpctl's tests: private buses (dbus-daemon, one per test), the fake vrrpd and a fake
notification server on them, and a runner for the vrrpctl binary under test. Self-contained: nothing here
comes from the other test directories; the helpers live in vrrpctl_testlib.py."""

import os
import subprocess

import pytest

from vrrpctl_testlib import BUILDDIR, TIMEOUT, VRRPCTL, Fake, start_bus, start_fake, stop

@pytest.fixture
def system_bus(tmp_path):
    d = tmp_path / "system"
    d.mkdir()
    proc, address = start_bus(d)
    try:
        yield address
    finally:
        stop(proc)


@pytest.fixture
def session_bus(tmp_path):
    d = tmp_path / "session"
    d.mkdir()
    proc, address = start_bus(d)
    try:
        yield address
    finally:
        stop(proc)


@pytest.fixture
def fake(system_bus):
    proc, _ = start_fake("vrrpd", system_bus)
    f = Fake(system_bus)
    try:
        yield f
    finally:
        f.conn.close()
        stop(proc)


@pytest.fixture
def named_fake(system_bus):
    """A second fake on the same bus, as a daemon with `dbus_service_name org.vrrpd.Vrrp1.blue` and
    `net_namespace blue` would be."""
    proc, _ = start_fake("vrrpd", system_bus, "org.vrrpd.Vrrp1.blue", "blue")
    f = Fake(system_bus, "org.vrrpd.Vrrp1.blue")
    try:
        yield f
    finally:
        f.conn.close()
        stop(proc)


@pytest.fixture
def ctl_env(system_bus, tmp_path):
    """vrrpctl's environment: the private system bus, no colour hints from the caller, a dead session bus."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "DBUS_SESSION_BUS_ADDRESS")}
    env.update(DBUS_SYSTEM_BUS_ADDRESS=system_bus, TERM="xterm-256color", LC_ALL="C.UTF-8",
               DBUS_SESSION_BUS_ADDRESS=f"unix:path={tmp_path}/no-session-bus")
    return env


@pytest.fixture
def vrrpctl(ctl_env):
    assert VRRPCTL.exists(), f"{VRRPCTL} is missing: build first (VRRPD_BUILDDIR={BUILDDIR})"

    def run(*args, env=None):
        return subprocess.run([str(VRRPCTL), *args], capture_output=True, text=True, timeout=TIMEOUT,
                              env=env or ctl_env)

    return run


@pytest.fixture
def spawn(ctl_env):
    """Starts vrrpctl in the background (monitor); every process it starts is stopped afterwards."""
    procs = []

    def start(*args, env=None):
        proc = subprocess.Popen([str(VRRPCTL), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=env or ctl_env)
        procs.append(proc)
        return proc

    try:
        yield start
    finally:
        for p in procs:
            stop(p)
