"""Helpers of vrrpctl's tests (a module of its own name, so no other directory's conftest can shadow it)."""

import os
import select
import subprocess
import sys
import time
from pathlib import Path

import dbus

HERE = Path(__file__).resolve().parent
TOP = HERE.parent.parent
BUILDDIR = Path(os.environ.get("VRRPD_BUILDDIR", TOP / "build"))
VRRPCTL = BUILDDIR / "client" / "vrrpctl"
FAKE = HERE / "fake_vrrpd.py"
TIMEOUT = 10.0

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={path}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


class LineReader:
    """Reads a child's pipe line by line, each read bounded by a deadline (no sleeps)."""

    def __init__(self, stream):
        self.fd, self.buf = stream.fileno(), b""

    def readline(self, timeout=TIMEOUT, what="a line"):
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                raise AssertionError(f"timed out after {timeout}s waiting for {what}; have {self.buf!r}")
            chunk = os.read(self.fd, 4096)
            if not chunk:
                raise AssertionError(f"EOF while waiting for {what}; have {self.buf!r}")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode()


def stop(proc):
    """Terminate a process this suite started, wait with a timeout, then kill."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=TIMEOUT)
    for stream in (proc.stdout, proc.stderr):
        if stream:
            stream.close()


def wait_until(what, predicate, timeout=TIMEOUT, step=0.02):
    deadline, last = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        if (last := predicate()):
            return last
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}; last seen {last!r}")


def start_bus(directory):
    path = directory / "bus"
    config = directory / "bus.conf"
    config.write_text(BUS_CONFIG.format(path=path))
    proc = subprocess.Popen(["dbus-daemon", f"--config-file={config}", "--nofork", "--print-address=1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        address = LineReader(proc.stdout).readline(what="dbus-daemon's address")
    except BaseException:
        stop(proc)
        raise
    return proc, address


def start_fake(role, address, *args):
    proc = subprocess.Popen([sys.executable, str(FAKE), role, address, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    reader = LineReader(proc.stdout)
    try:
        line = reader.readline(what=f"fake {role} to be ready")
        assert line == "READY", f"fake {role} said {line!r}"
    except BaseException:
        stop(proc)
        raise
    return proc, reader


class Fake:
    def __init__(self, address, name="org.vrrpd.Vrrp1"):
        self.address, self.name = address, name
        self.conn = dbus.bus.BusConnection(address)
        self.obj = self.conn.get_object(name, "/org/vrrpd/Vrrp1")
        self.test = dbus.Interface(self.obj, "org.vrrpd.Test")

    def calls(self, method=None):
        return [(str(m), str(a)) for m, a in self.test.Calls() if method is None or m == method]

    def emit(self, name, old, new, reason):
        self.test.Emit(name, old, new, reason)



def start_monitor(spawn, fake, *args, env=None):
    """Starts vrrpctl monitor and waits until it is subscribed: it asks ListInstances after its AddMatch."""
    before = len(fake.calls("ListInstances"))
    proc = spawn("monitor", *args, env=env)
    wait_until("monitor to subscribe", lambda: len(fake.calls("ListInstances")) > before or proc.poll() is not None)
    assert proc.poll() is None, f"monitor exited {proc.returncode}: {proc.stderr.read()!r}"
    return proc
