"""The installed vrrpd.service passes `systemd-analyze verify` (and the check fails on broken copies), keeps
its exposure within bounds, and keeps the sandbox that script tracking needs; vrrpd@.service, the template for
one network namespace, verifies too and keeps the same sandbox."""

import os
import re
import shutil

import pytest

from conftest import need, parse_unit, run, unit_value, unit_values

# Issue 5 aims at 2.5. What is left above it is needed (systemd/vrrpd.service says why, line by line):
# 2.5 would take hiding other users' processes from health scripts or dropping script_user support.
EXPOSURE_MAX = 2.8
EXPOSURE = re.compile(r"Overall exposure level for \S+: (\d+\.\d)")


def verify(unit_text, installed, tmp_path, tag, name="vrrpd.service"):
    """systemd-analyze verify on a copy of the unit whose ExecStart= points into the destdir, so the binary
    checked is the one installed; man pages (Documentation=) come from the destdir too. Returns (ok, output):
    verify exits 0 on many "…, ignoring" errors, so anything it prints counts as a failure."""
    analyze = need("systemd-analyze")
    d = tmp_path / f"verify-{tag}"
    d.mkdir()
    text = re.sub(r"(?m)^(ExecStart=)(/\S+)", lambda m: f"{m[1]}{installed.destdir}{m[2]}", unit_text)
    (d / name).write_text(text)
    man = shutil.which("man") is not None
    env = dict(os.environ, MANPATH=str(installed.staged(installed.dirs["mandir"])))
    proc = run(analyze, "verify", f"--man={'yes' if man else 'no'}", d / name, env=env)
    output = (proc.stdout + proc.stderr).strip()
    return proc.returncode == 0 and not output, output


def exposure(path, *args):
    proc = run(need("systemd-analyze"), "security", "--offline=true", *args, path)
    m = EXPOSURE.search(proc.stdout)
    assert m, f"no exposure in systemd-analyze security's output ({proc.returncode}):\n{proc.stdout}{proc.stderr}"
    return float(m[1]), proc.returncode


def test_unit_verifies(installed, unit, tmp_path):
    ok, output = verify(unit.read_text(), installed, tmp_path, "installed")
    assert ok, f"systemd-analyze verify:\n{output}"


def test_template_verifies_as_an_instance(installed, template, tmp_path):
    ok, output = verify(template.read_text(), installed, tmp_path, "template", name="vrrpd@blue.service")
    assert ok, f"systemd-analyze verify vrrpd@blue.service:\n{output}"


# What the template sets apart from vrrpd.service, and only that (its comments say why).
TEMPLATE_OWN = {("Unit", "Description"), ("Unit", "ConditionFileNotEmpty"), ("Service", "BusName"),
                ("Service", "ExecStart"), ("Service", "NetworkNamespacePath"), ("Service", "RuntimeDirectory"),
                ("Service", "StateDirectory"), ("Install", "Alias")}


def test_template_keeps_the_units_sandbox(unit, template):
    ours, theirs = parse_unit(unit), parse_unit(template)

    def rest(entries):
        return [e for e in entries if (e[0], e[1]) not in TEMPLATE_OWN]

    assert rest(theirs) == rest(ours), "vrrpd@.service and vrrpd.service differ beyond the template's own settings"
    s = dict(((sec, k), v) for sec, k, v in theirs)
    assert s[("Service", "NetworkNamespacePath")] == "/run/netns/%i"
    assert s[("Service", "RuntimeDirectory")] == "vrrpd/%i" and s[("Service", "RuntimeDirectoryPreserve")] == "yes"
    assert s[("Service", "BusName")] == "org.vrrpd.Vrrp1.%i"
    assert s[("Service", "StateDirectory")] == "vrrpd/%i"  # persistent maintenance, per namespace
    assert dict(((sec, k), v) for sec, k, v in ours)[("Service", "StateDirectory")] == "vrrpd"


def test_template_exposure(template, tmp_path):
    instance = tmp_path / "vrrpd@blue.service"
    instance.write_text(template.read_text())
    level, _ = exposure(instance)
    assert level <= EXPOSURE_MAX, f"exposure {level} > {EXPOSURE_MAX}: see systemd-analyze security vrrpd@blue"


# systemd 252 drops an unknown capability name without a word, so a typo there is for
# test_sandbox_leaves_scripts_and_vrrp_working to catch, not verify.
BROKEN = {
    "unknown key": ("WatchdogSec=", "WatchdogSecs="),
    "bad value": ("Restart=on-failure", "Restart=sometimes"),
    "bad address family": ("AF_PACKET", "AF_PAKET"),
    "missing binary": ("ExecStart=/", "ExecStart=/no-such-dir/"),
    "missing man page": ("man:vrrpd(8)", "man:vrrpd(8) man:vrrpd-missing(8)"),
    "section typo": ("[Service]", "[Servic]"),
}


@pytest.mark.parametrize("name", BROKEN)
def test_verify_rejects_a_broken_unit(installed, unit, tmp_path, name):
    if name == "missing man page" and not shutil.which("man"):
        pytest.skip("man is not installed: systemd-analyze verify cannot check Documentation=")
    old, new = BROKEN[name]
    lines = unit.read_text().splitlines(keepends=True)
    hit = next((i for i, line in enumerate(lines) if not line.startswith("#") and old in line), None)
    assert hit is not None, f"no setting has {old!r} any more: update this test"
    lines[hit] = lines[hit].replace(old, new, 1)
    ok, output = verify("".join(lines), installed, tmp_path, name.replace(" ", "-"))
    assert not ok, f"systemd-analyze verify accepted a unit with a {name}"


def test_exposure(unit):
    level, _ = exposure(unit)
    assert level <= EXPOSURE_MAX, f"exposure {level} > {EXPOSURE_MAX}: see systemd-analyze security vrrpd.service"
    _, rc = exposure(unit, f"--threshold={round(EXPOSURE_MAX * 10)}")
    assert rc == 0, f"systemd-analyze security --threshold={round(EXPOSURE_MAX * 10)} refused the unit"


def test_exposure_check_catches_a_weaker_unit(unit, tmp_path):
    weaker = tmp_path / "vrrpd.service"
    keep = [line for line in unit.read_text().splitlines(keepends=True)
            if not line.startswith(("ProtectSystem=", "ProtectHome=", "PrivateTmp=", "SystemCallFilter="))]
    weaker.write_text("".join(keep))
    level, _ = exposure(weaker)
    assert level > EXPOSURE_MAX, f"a unit without ProtectSystem= and friends still scores {level}"
    _, rc = exposure(weaker, f"--threshold={round(EXPOSURE_MAX * 10)}")
    assert rc != 0, "systemd-analyze security --threshold let a weaker unit through"


def test_sandbox_leaves_scripts_and_vrrp_working(unit):
    """The directives that would raise the score but break the daemon or its health scripts stay out."""
    s = parse_unit(unit)

    def get(key):
        return unit_value(s, "Service", key)

    # hidepid: `pidof nginx` run as script_user would find nothing.
    assert get("ProtectProc") in (None, "default"), f"ProtectProc={get('ProtectProc')} hides processes"
    # subset=pid hides /proc/sys (garp.c reads net.ipv6.conf.*.forwarding) and /proc/loadavg from scripts.
    assert get("ProcSubset") in (None, "all"), f"ProcSubset={get('ProcSubset')} hides /proc/sys"
    assert get("PrivateNetwork") in (None, "no", "false"), "VRRP needs the host's network"
    assert get("PrivateUsers") in (None, "no", "false"), "capabilities must hold in the host's user namespace"
    assert get("User") in (None, "root", "0"), "scripts run as root or switch to script_user"
    for key in ("IPAddressDeny", "IPAddressAllow"):
        assert not unit_values(s, "Service", key), f"{key}= would block unicast peers or health checks"
    families = set(" ".join(unit_values(s, "Service", "RestrictAddressFamilies")).split())
    need_families = {"AF_UNIX", "AF_INET", "AF_INET6", "AF_NETLINK", "AF_PACKET"}
    assert families >= need_families, f"RestrictAddressFamilies= lacks {need_families - families}"
    caps = set(get("CapabilityBoundingSet").split())
    assert caps == {"CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_SETUID", "CAP_SETGID", "CAP_KILL"}, caps
    assert get("UMask") in (None, "0022", "022"), f"UMask={get('UMask')}: the notify FIFO must stay 0644"
