"""monitor --notify against a real notification server: Debian's dunst on an Xvfb display with its own session
bus. dunst runs a script for every notification it shows (appname, summary, body, icon, urgency), which is how
the test reads what dunst understood; a screenshot of the screen is kept as an artifact. Skipped, with the
reason, without dunst, Xvfb or xwd."""

import os
import shutil
import subprocess

import dbus
import pytest

from vrrpctl_testlib import BUILDDIR, TIMEOUT, LineReader, start_monitor, stop, wait_until
from xwd_png import png, read_xwd

ARTIFACTS = os.environ.get("VRRPD_ARTIFACTS", str(BUILDDIR / "test-artifacts"))

DUNSTRC = """
[global]
    font = DejaVu Sans 11
    origin = top-right
    offset = 10x10
    width = 420
    frame_width = 2
    format = "<b>%s</b>\\n%b"
[urgency_low]
    timeout = 0
[urgency_normal]
    background = "#1f4e79"
    foreground = "#ffffff"
    frame_color = "#8fb8de"
    timeout = 0
[urgency_critical]
    background = "#8b0000"
    foreground = "#ffffff"
    frame_color = "#ff4040"
    timeout = 0
[record]
    appname = vrrpctl
    script = {script}
"""


@pytest.fixture
def display(tmp_path):
    for tool in ("dunst", "Xvfb", "xwd"):
        if not shutil.which(tool):
            pytest.skip(f"{tool} is not installed (apt-get install dunst xvfb x11-apps)")
    with open(tmp_path / "xvfb.log", "w") as log:
        proc = subprocess.Popen(["Xvfb", "-displayfd", "1", "-screen", "0", "800x300x24", "-nolisten", "tcp"],
                                stdout=subprocess.PIPE, stderr=log)
    try:
        yield ":" + LineReader(proc.stdout).readline(what="Xvfb's display number")
    finally:
        stop(proc)


@pytest.fixture
def dunst(display, session_bus, tmp_path):
    record = tmp_path / "shown.tsv"
    script = tmp_path / "record.sh"
    script.write_text(f"#!/bin/sh\nprintf '%s\\t%s\\t%s\\t%s\\n' \"$1\" \"$2\" \"$3\" \"$5\" >> {record}\n")
    script.chmod(0o755)
    rc = tmp_path / "dunstrc"
    rc.write_text(DUNSTRC.replace("{script}", str(script)))
    env = dict(os.environ, DISPLAY=display, DBUS_SESSION_BUS_ADDRESS=session_bus, LC_ALL="C.UTF-8")
    log = tmp_path / "dunst.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(["dunst", "-config", str(rc)], stdout=out, stderr=subprocess.STDOUT, env=env)
    conn = dbus.bus.BusConnection(session_bus)
    try:
        wait_until("dunst to own org.freedesktop.Notifications",
                   lambda: conn.name_has_owner("org.freedesktop.Notifications") or proc.poll() is not None)
        assert proc.poll() is None, f"dunst exited {proc.returncode}: {log.read_text()!r}"
        yield record
    finally:
        conn.close()
        stop(proc)


def screenshot(display, path):
    subprocess.run(["xwd", "-root", "-silent", "-display", display, "-out", str(path)], check=True,
                   timeout=TIMEOUT)
    return read_xwd(path.read_bytes())


def test_monitor_notify_reaches_dunst(spawn, fake, ctl_env, session_bus, display, dunst, tmp_path):
    env = dict(ctl_env, DBUS_SESSION_BUS_ADDRESS=session_bus)
    proc = start_monitor(spawn, fake, "--notify", env=env)
    fake.emit("VI_1", "backup", "master", "master-down-timer")
    fake.emit("OWNER", "master", "fault", "link-down")

    def shown():
        return dunst.exists() and len(lines := dunst.read_text().splitlines()) >= 2 and lines

    lines = [line.split("\t") for line in wait_until("dunst to show both notifications", shown)]
    assert lines[0][:2] == ["vrrpctl", "VI_1 is now MASTER on eth0"], lines
    assert "master-down-timer" in lines[0][2] and lines[0][3] == "NORMAL", lines
    assert lines[1][:2] == ["vrrpctl", "OWNER is now FAULT on eth2"], lines
    assert "link-down" in lines[1][2] and lines[1][3] == "CRITICAL", lines

    # The picture: wait until both backgrounds (critical red, normal blue) are on the screen, then keep it.
    xwd = tmp_path / "screen.xwd"

    def drawn_on_screen():
        width, height, rows = screenshot(display, xwd)
        drawn = all(any(colour in row for row in rows) for colour in (b"\x8b\x00\x00", b"\x1f\x4e\x79"))
        return drawn and (width, height, rows)

    width, height, rows = wait_until("the notifications to be drawn", drawn_on_screen)
    os.makedirs(ARTIFACTS, exist_ok=True)
    with open(os.path.join(ARTIFACTS, "vrrpctl-monitor-notify.png"), "wb") as f:
        f.write(png(width, height, rows))
    proc.terminate()
    assert proc.wait(timeout=TIMEOUT) == 0
