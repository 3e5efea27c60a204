"""vrrpctl against a fake vrrpd (fake_vrrpd.py) on a private system bus: every command's output and exit code."""

import json
import os
import pty
import re
import signal
import subprocess

import pytest

from vrrpctl_testlib import TIMEOUT, VRRPCTL, LineReader, start_fake, start_monitor, stop

ESC = "\x1b["


def one_line(text):
    lines = text.strip("\n").split("\n")
    assert len(lines) == 1 and lines[0], f"expected one line, got {text!r}"
    return lines[0]


# ---- no bus needed -------------------------------------------------------------------------------------

def test_version(vrrpctl):
    r = vrrpctl("--version")
    assert r.returncode == 0 and re.fullmatch(r"vrrpctl \d+\.\d+\.\d+\S*\n", r.stdout), r


def test_help_lists_every_command(vrrpctl):
    r = vrrpctl("--help")
    assert r.returncode == 0, r
    for cmd in ("list", "status", "set-priority", "reset-priority", "maintenance", "garp", "reload", "monitor",
                "is-master", "metrics", "--json", "--no-legend", "--no-pager", "--bus-name", "demote", "demotions",
                "--persistent", "--instance", "--sync-group", "--clear"):
        assert cmd in r.stdout, f"{cmd} missing from --help: {r.stdout}"


@pytest.mark.parametrize("args", [
    ["frobnicate"], ["list", "extra"], ["set-priority", "VI_1"], ["set-priority", "VI_1", "300"],
    ["set-priority", "VI_1", "0"], ["set-priority", "VI_1", "ten"], ["maintenance", "VI_1", "maybe"],
    ["maintenance", "VI_1"], ["garp"], ["is-master"], ["is-master", "a", "b"], ["--json=xml"], ["--bogus"],
    ["set-priority", "VI_1", "5", "--json"], ["list", "--notify"], ["status", "-q"],
    ["--bus-name=:1.5", "list"], ["--bus-name", "vrrpd", "list"], ["--bus-name=org.vrrpd.1x", "status"],
    ["demote", "t"], ["demote", "t", "0"], ["demote", "t", "256"], ["demote", "t", "5", "--clear"],
    ["demote", "t", "--clear", "--instance", "VI_1"], ["demote", "t", "5", "--instance=VI_1", "--sync-group=SG"],
    ["demote", "t", "5", "6"], ["demotions", "x"], ["list", "--persistent"], ["maintenance", "VI_1", "on", "--clear"],
    ["status", "--instance=VI_1"],
])
def test_usage_errors_exit_2_with_one_line(vrrpctl, ctl_env, tmp_path, args):
    # No bus at all: a usage error must be found before vrrpctl touches it.
    env = dict(ctl_env, DBUS_SYSTEM_BUS_ADDRESS=f"unix:path={tmp_path}/nothing")
    r = vrrpctl(*args, env=env)
    assert r.returncode == 2, f"{args}: exit {r.returncode}, stderr {r.stderr!r}"
    assert one_line(r.stderr).startswith("vrrpctl: "), r.stderr
    assert r.stdout == "", r.stdout


# ---- no daemon ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [[], ["status"], ["is-master", "VI_1"], ["metrics"], ["reload"], ["monitor"],
                                  ["set-priority", "VI_1", "7"]])
def test_no_daemon_says_so_in_one_line(vrrpctl, system_bus, args):
    r = vrrpctl(*args)
    assert r.returncode == 1, f"{args}: exit {r.returncode}, {r.stderr!r}"
    line = one_line(r.stderr)
    assert "vrrpd is not running" in line, line
    assert r.stdout == ""


def test_no_system_bus_says_so_in_one_line(vrrpctl, ctl_env, tmp_path):
    r = vrrpctl("list", env=dict(ctl_env, DBUS_SYSTEM_BUS_ADDRESS=f"unix:path={tmp_path}/nothing"))
    assert r.returncode == 1, r
    assert "system bus is not available" in one_line(r.stderr)


# ---- list --------------------------------------------------------------------------------------------

TABLE_ROW = re.compile(r"^(\S+)\s+(\S+)\s+(\S+)\s+(\d+)\s+(\d+)\s+(\S+)$")


def test_list_is_the_default_with_legend(vrrpctl, fake):
    r = vrrpctl()
    assert r.returncode == 0, r
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["NAME", "INTERFACE", "STATE", "VRID", "PRIORITY", "PROBLEMS"], lines
    rows = [TABLE_ROW.match(line).groups() for line in lines[1:4]]
    assert rows == [("VI_1", "eth0", "master", "51", "150", "tracks-down"),
                    ("VI_2", "eth1", "backup", "52", "100", "-"),
                    ("OWNER", "eth2", "fault", "53", "255", "split-brain,no-interface")], rows
    assert lines[4:] == ["", "3 instances listed."], lines
    assert vrrpctl("list").stdout == r.stdout
    assert ESC not in r.stdout, "colour codes without a tty"


def test_list_columns_line_up(vrrpctl, fake):
    lines = vrrpctl().stdout.splitlines()[:4]
    starts = {line.index(line.split()[2]) for line in lines}
    assert len(starts) == 1, f"STATE column misaligned: {lines}"


def test_list_no_legend(vrrpctl, fake):
    r = vrrpctl("list", "--no-legend", "--no-pager")
    assert r.returncode == 0, r
    assert [line.split()[0] for line in r.stdout.splitlines()] == ["VI_1", "VI_2", "OWNER"], r.stdout


@pytest.mark.parametrize("mode", ["short", "pretty"])
def test_list_json(vrrpctl, fake, mode):
    r = vrrpctl("list", f"--json={mode}")
    assert r.returncode == 0, r
    data = json.loads(r.stdout)
    assert data[0] == {"name": "VI_1", "path": "/org/vrrpd/Vrrp1/instance/VI_5f1", "interface": "eth0",
                       "state": "master", "vrid": 51, "priority": 150, "problems": ["tracks-down"]}, data
    assert data[1]["problems"] == [] and data[2]["problems"] == ["split-brain", "no-interface"]
    assert [d["name"] for d in data] == ["VI_1", "VI_2", "OWNER"]
    assert (r.stdout.count("\n") == 1) == (mode == "short"), r.stdout


def run_on_tty(env, *args):
    """Runs vrrpctl with its stdout on a pseudo-terminal; returns what it wrote there."""
    leader, follower = pty.openpty()
    out = b""
    try:
        proc = subprocess.Popen([str(VRRPCTL), *args], stdout=follower, stderr=subprocess.PIPE, env=env)
        os.close(follower)
        follower = -1
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # EIO: the child closed the pty
                break
            if not chunk:
                break
            out += chunk
        assert proc.wait(timeout=TIMEOUT) == 0, proc.stderr.read()
        proc.stderr.close()
    finally:
        os.close(leader)
        if follower >= 0:
            os.close(follower)
    return out.decode()


def test_colours_only_on_a_tty(ctl_env, fake):
    text = run_on_tty(ctl_env, "list")
    assert "\x1b[0;1;32mmaster\x1b[0m" in text, f"master not green on a tty: {text!r}"
    assert "\x1b[0;1;31mfault\x1b[0m" in text, text
    status = run_on_tty(ctl_env, "status", "VI_1")
    assert "\x1b[0;1;32mmaster\x1b[0m" in status and "\x1b[0;1;31mdown\x1b[0m" in status, repr(status)
    assert ESC not in run_on_tty(dict(ctl_env, NO_COLOR="1"), "list")
    assert ESC not in run_on_tty(dict(ctl_env, TERM="dumb"), "status")


# ---- status ------------------------------------------------------------------------------------------

def field(block, label):
    m = re.search(rf"^\s*{re.escape(label)}: (.*)$", block, re.M)
    assert m, f"no {label} in {block}"
    return m.group(1)


def test_status_one_block_per_instance(vrrpctl, fake):
    r = vrrpctl("status")
    assert r.returncode == 0, r
    blocks = r.stdout.split("\n\n")
    assert len(blocks) == 3, r.stdout
    assert [b.splitlines()[0].split()[1] for b in blocks] == ["VI_1", "VI_2", "OWNER"]
    assert ESC not in r.stdout


def test_status_fields(vrrpctl, fake):
    r = vrrpctl("status", "VI_1")
    assert r.returncode == 0, r
    out = r.stdout
    assert field(out, "State") == "master"
    assert field(out, "Interface") == "eth0"
    assert field(out, "VRID") == "51 (VRRPv3, ipv4)"
    assert field(out, "Priority") == "150 (configured 100)"
    assert field(out, "Master Address") == "192.0.2.1"
    assert re.search(r"Virtual Addresses: 192\.0\.2\.10/24\n\s+192\.0\.2\.11/24\n", out), out
    assert re.search(r"Tracks: script 'chk_nginx' up \(weight \+50\)\n\s+interface 'eth9' down \(weight -20\)",
                     out), out
    assert re.match(r"\w{3} 2025-11-25 \d\d:\d\d:20 \S+; .* ago \(master-down-timer\)$",
                    field(out, "Last Transition")), out
    assert re.search(r"Counters: adverts-sent: 12\n\s+adverts-received: 34\n", out), out
    assert "drop-ttl: 3" in out
    assert "drop-auth" not in out  # a zero: only with --all
    assert "Virtual MAC" not in out  # no use_vmac, no line
    assert "drop-auth: 0" in vrrpctl("status", "--all", "VI_1").stdout


def test_status_virtual_mac(vrrpctl, fake):
    r = vrrpctl("status", "VI_2")
    assert r.returncode == 0, r
    assert field(r.stdout, "Virtual MAC") == "00:00:5e:00:01:34 on vrrp.52"


def test_status_unknown_name_reports_and_shows_the_rest(vrrpctl, fake):
    r = vrrpctl("status", "NOPE", "VI_2")
    assert r.returncode == 1, r
    assert one_line(r.stderr) == "vrrpctl: no instance 'NOPE' (org.vrrpd.Vrrp1.Error.NoSuchInstance)"
    assert "VI_2" in r.stdout.splitlines()[0]


@pytest.mark.parametrize("mode", ["short", "pretty"])
def test_status_json(vrrpctl, fake, mode):
    r = vrrpctl("status", "VI_1", "OWNER", f"--json={mode}")
    assert r.returncode == 0, r
    data = json.loads(r.stdout)
    assert [d["Name"] for d in data] == ["VI_1", "OWNER"]
    vi = data[0]
    assert vi["State"] == "master" and vi["EffectivePriority"] == 150 and vi["Priority"] == 100
    assert vi["Tracks"][1] == {"kind": "interface", "name": "eth9", "up": False, "weight": -20}
    assert vi["VirtualAddresses"] == ["192.0.2.10/24", "192.0.2.11/24"]
    assert vi["Statistics"]["adverts-sent"] == 12 and vi["Maintenance"] is False


# ---- control -----------------------------------------------------------------------------------------

def test_set_and_reset_priority(vrrpctl, fake):
    r = vrrpctl("set-priority", "VI_2", "120")
    assert (r.returncode, r.stdout, r.stderr) == (0, "", ""), r
    assert ("SetPriority", "VI_2 120") in fake.calls()
    assert "VI_2 eth1 backup 52 120" in " ".join(vrrpctl("--no-legend").stdout.split())
    r = vrrpctl("reset-priority", "VI_2")
    assert r.returncode == 0, r
    assert ("ResetPriority", "VI_2") in fake.calls()


def test_daemon_error_in_plain_words_with_its_name(vrrpctl, fake):
    r = vrrpctl("set-priority", "OWNER", "100")
    assert r.returncode == 1, r
    assert one_line(r.stderr) == \
        "vrrpctl: OWNER: an address owner keeps priority 255 (org.vrrpd.Vrrp1.Error.NotPermitted)"
    assert "GDBus.Error" not in r.stderr


def test_unknown_instance_for_a_method(vrrpctl, fake):
    r = vrrpctl("garp", "NOPE")
    assert r.returncode == 1
    assert "(org.vrrpd.Vrrp1.Error.NoSuchInstance)" in one_line(r.stderr)


@pytest.mark.parametrize("word,value", [("on", "True"), ("off", "False"), ("yes", "True"), ("0", "False")])
def test_maintenance(vrrpctl, fake, word, value):
    r = vrrpctl("maintenance", "VI_1", word)
    assert r.returncode == 0, r
    assert fake.calls("SetMaintenance") == [("SetMaintenance", f"VI_1 {value}")]


@pytest.mark.parametrize("word,value", [("on", "True"), ("off", "False")])
def test_maintenance_persistent(vrrpctl, fake, word, value):
    r = vrrpctl("maintenance", "VI_1", word, "--persistent")
    assert r.returncode == 0, r
    assert fake.calls("SetPersistentMaintenance") == [("SetPersistentMaintenance", f"VI_1 {value}")]
    assert fake.calls("SetMaintenance") == []


def test_demote_and_demotions(vrrpctl, fake):
    r = vrrpctl("demotions")
    assert (r.returncode, r.stdout) == (0, "TAG TARGET AMOUNT\n\n0 demotions listed.\n"), r
    for args in (["deploy", "20"], ["bgp", "5", "--instance", "VI_1"], ["db", "7", "--sync-group=SG_1"]):
        assert vrrpctl("demote", *args).returncode == 0, args
    assert fake.calls("SetDemotion") == [("SetDemotion", "deploy  20"), ("SetDemotion", "bgp VI_1 5"),
                                         ("SetDemotion", "db sync_group/SG_1 7")]
    r = vrrpctl("demotions")
    assert r.returncode == 0, r
    assert r.stdout.splitlines() == ["TAG    TARGET          AMOUNT", "deploy all             20",
                                     "bgp    VI_1            5", "db     sync-group SG_1 7", "",
                                     "3 demotions listed."], r.stdout
    assert json.loads(vrrpctl("demotions", "--json").stdout)[1] == {"tag": "bgp", "target": "VI_1", "amount": 5}
    assert vrrpctl("demote", "deploy", "--clear").returncode == 0
    assert fake.calls("ClearDemotion") == [("ClearDemotion", "deploy")]
    assert [d["tag"] for d in json.loads(vrrpctl("demotions", "--json").stdout)] == ["bgp", "db"]
    r = vrrpctl("demote", "x", "5", "--instance", "NOPE")
    assert r.returncode == 1 and "(org.vrrpd.Vrrp1.Error.NoSuchInstance)" in one_line(r.stderr), r


def test_garp(vrrpctl, fake):
    assert vrrpctl("garp", "VI_1").returncode == 0
    assert ("SendGratuitousArp", "VI_1") in fake.calls()
    r = vrrpctl("garp", "VI_2")
    assert r.returncode == 1 and "(org.vrrpd.Vrrp1.Error.NotPermitted)" in r.stderr, r


def test_reload_summary(vrrpctl, fake):
    r = vrrpctl("reload")
    assert r.returncode == 0, r
    assert r.stdout == "added: VI_3\nremoved: VI_OLD\nchanged: VI_1, VI_2\n", r.stdout
    r = vrrpctl("reload", "--json")
    assert json.loads(r.stdout) == {"added": ["VI_3"], "removed": ["VI_OLD"], "changed": ["VI_1", "VI_2"]}


def test_reload_located_error(vrrpctl, fake):
    fake.test.SetReloadError("/etc/vrrpd/vrrpd.conf:12:5: unknown keyword 'priorty'")
    r = vrrpctl("reload")
    assert r.returncode == 1, r
    assert one_line(r.stderr) == ("vrrpctl: /etc/vrrpd/vrrpd.conf:12:5: unknown keyword 'priorty' "
                                  "(org.vrrpd.Vrrp1.Error.InvalidConfig)")


# ---- is-master ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,code,state", [("VI_1", 0, "master"), ("VI_2", 1, "backup"), ("OWNER", 1, "fault")])
def test_is_master(vrrpctl, fake, name, code, state):
    r = vrrpctl("is-master", name)
    assert (r.returncode, r.stdout) == (code, f"{state}\n"), r
    r = vrrpctl("is-master", "-q", name)
    assert (r.returncode, r.stdout) == (code, ""), r
    r = vrrpctl("is-master", name, "--json=short")
    assert r.returncode == code and json.loads(r.stdout) == {"name": name, "state": state, "master": code == 0}


def test_is_master_unknown(vrrpctl, fake):
    r = vrrpctl("is-master", "NOPE")
    assert r.returncode == 1 and "NoSuchInstance" in r.stderr, r


# ---- metrics -----------------------------------------------------------------------------------------

METRIC_NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(rf"^({METRIC_NAME})(\{{{LABEL}(?:,{LABEL})*\}})? (-?\d+(?:\.\d+)?)$")
HELP = re.compile(rf"^# HELP ({METRIC_NAME}) \S.*$")
TYPE = re.compile(rf"^# TYPE ({METRIC_NAME}) (counter|gauge|histogram|summary|untyped)$")


def parse_metrics(text):
    """A strict reader of the text exposition format: HELP and TYPE once per family, before its samples."""
    families, samples, current = {}, [], None
    for line in text.splitlines():
        if m := HELP.match(line):
            assert m.group(1) not in families, f"family {m.group(1)} repeated"
            current = m.group(1)
            families[current] = None
        elif m := TYPE.match(line):
            assert m.group(1) == current, f"TYPE {m.group(1)} not after its HELP"
            families[current] = m.group(2)
        else:
            m = SAMPLE.match(line)
            assert m, f"not a Prometheus sample line: {line!r}"
            assert m.group(1) == current, f"sample {m.group(1)} outside its family {current}"
            labels = dict(re.findall(r'([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
            samples.append((m.group(1), labels, float(m.group(3))))
    return families, samples


def test_metrics_prometheus_text(vrrpctl, fake):
    r = vrrpctl("metrics")
    assert r.returncode == 0, r
    families, samples = parse_metrics(r.stdout)
    assert families["vrrpd_instance_state"] == "gauge"
    assert families["vrrpd_instance_priority"] == "gauge"
    for key in ("adverts-sent", "adverts-received", "became-master", "released-master", "priority-zero-sent",
                "priority-zero-received", "drop-ttl", "drop-auth"):
        name = "vrrpd_" + key.replace("-", "_") + "_total"
        assert families.get(name) == "counter", f"{name} missing or not a counter: {families}"
    states = {(s[1]["instance"], s[1]["state"]): s[2] for s in samples if s[0] == "vrrpd_instance_state"}
    assert states[("VI_1", "master")] == 1 and states[("VI_1", "backup")] == 0
    assert states[("OWNER", "fault")] == 1
    assert sum(v for (inst, _), v in states.items() if inst == "VI_2") == 1
    prio = [s for s in samples if s[0] == "vrrpd_instance_priority" and s[1]["instance"] == "VI_1"]
    assert prio == [("vrrpd_instance_priority", {"instance": "VI_1", "interface": "eth0", "vrid": "51"}, 150.0)]
    assert ("vrrpd_drop_ttl_total", {"instance": "VI_2", "interface": "eth1", "vrid": "52"}, 3.0) in samples


@pytest.mark.parametrize("mode", ["short", "pretty"])
def test_metrics_json_matches_the_text(vrrpctl, fake, mode):
    families, samples = parse_metrics(vrrpctl("metrics").stdout)
    r = vrrpctl("metrics", f"--json={mode}")
    assert r.returncode == 0, r
    data = json.loads(r.stdout)
    assert {f["name"]: f["type"] for f in data} == families
    assert [(f["name"], s["labels"], float(s["value"])) for f in data for s in f["samples"]] == samples
    assert all(f["help"] for f in data)


def test_awkward_names_are_escaped(vrrpctl, fake):
    name = 'we"b\\edge\tü\nx'
    fake.test.AddInstance(name, "eth7")
    for mode in ("short", "pretty"):
        data = json.loads(vrrpctl("status", f"--json={mode}").stdout)
        assert [d["Name"] for d in data][-1] == name, data
    _, samples = parse_metrics(vrrpctl("metrics").stdout)
    unescape = {"n": "\n", "\\": "\\", '"': '"'}
    names = {re.sub(r"\\(.)", lambda m: unescape[m.group(1)], s[1]["instance"]) for s in samples}
    assert name in names, names


# ---- --bus-name: a daemon with dbus_service_name ------------------------------------------------------

BLUE = "org.vrrpd.Vrrp1.blue"


def test_bus_name_picks_the_daemon_for_every_command(vrrpctl, fake, named_fake):
    assert vrrpctl("--bus-name", BLUE, "set-priority", "VI_2", "120").returncode == 0
    assert vrrpctl(f"--bus-name={BLUE}", "maintenance", "VI_1", "on").returncode == 0
    for args in (["reset-priority", "VI_1"], ["garp", "VI_1"], ["reload"]):
        r = vrrpctl("--bus-name", BLUE, *args)
        assert r.returncode == 0, (args, r)
    assert ("SetPriority", "VI_2 120") in named_fake.calls() and ("SetMaintenance", "VI_1 True") in \
        named_fake.calls() and ("Reload", "") in named_fake.calls(), named_fake.calls()
    assert not [c for c in fake.calls() if c[0] in ("SetPriority", "SetMaintenance", "Reload", "ResetPriority",
                                                   "SendGratuitousArp")], fake.calls()
    assert "VI_2 eth1 backup 52 120" in " ".join(vrrpctl("--bus-name", BLUE, "--no-legend").stdout.split())
    assert "VI_2 eth1 backup 52 100" in " ".join(vrrpctl("--no-legend").stdout.split())
    r = vrrpctl("--bus-name", BLUE, "is-master", "VI_1")
    assert (r.returncode, r.stdout) == (0, "master\n"), r
    before = len(fake.calls("GetAll"))
    r = vrrpctl("--bus-name", BLUE, "metrics")
    assert r.returncode == 0 and 'vrrpd_instance_state{instance="VI_1"' in r.stdout, r
    assert len(named_fake.calls("GetAll")) >= 3 and len(fake.calls("GetAll")) == before


def test_status_shows_the_network_namespace(vrrpctl, fake, named_fake):
    r = vrrpctl("--bus-name", BLUE, "status", "VI_1")
    assert r.returncode == 0 and field(r.stdout, "Network Namespace") == "blue", r
    assert field(r.stdout, "Interface") == "eth0"
    r = vrrpctl("--bus-name", BLUE, "status", "--json=short")
    assert {d["NetworkNamespace"] for d in json.loads(r.stdout)} == {"blue"}, r.stdout
    r = vrrpctl("status", "VI_1")  # no net_namespace: no line, and "" in JSON
    assert "Network Namespace" not in r.stdout, r.stdout
    assert {d["NetworkNamespace"] for d in json.loads(vrrpctl("status", "--json").stdout)} == {""}


def test_bus_name_without_its_daemon_names_it(vrrpctl, fake):
    for args in (["list"], ["monitor"], ["set-priority", "VI_1", "7"]):
        r = vrrpctl("--bus-name", "org.vrrpd.Vrrp1.red", *args)
        assert r.returncode == 1, (args, r)
        assert one_line(r.stderr) == "vrrpctl: vrrpd is not running (no owner of org.vrrpd.Vrrp1.red on the system " \
            "bus)", r.stderr


def test_monitor_hears_the_daemon_it_names_only(spawn, fake, named_fake):
    proc = start_monitor(spawn, named_fake, "--bus-name", BLUE)
    out = LineReader(proc.stdout)
    fake.emit("VI_1", "master", "backup", "higher-priority")  # the other daemon: not for this monitor
    named_fake.emit("VI_2", "backup", "master", "master-down-timer")
    m = MONITOR_LINE.match(out.readline(what="monitor line"))
    assert m and m.groups() == ("VI_2", "backup", "master", "master-down-timer"), m
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=TIMEOUT) == 0
    assert out.buf == b"", out.buf


# ---- monitor -----------------------------------------------------------------------------------------

MONITOR_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} (\S+): (\S+) -> (\S+) \((\S+)\)$")


def test_monitor_prints_a_line_per_transition(spawn, fake):
    proc = start_monitor(spawn, fake)
    out = LineReader(proc.stdout)
    fake.emit("VI_2", "backup", "master", "master-down-timer")
    fake.emit("VI_1", "master", "backup", "higher-priority")
    lines = [out.readline(what="monitor line") for _ in range(2)]
    got = [MONITOR_LINE.match(line) for line in lines]
    assert all(got), lines
    assert [m.groups() for m in got] == [("VI_2", "backup", "master", "master-down-timer"),
                                         ("VI_1", "master", "backup", "higher-priority")], lines
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=TIMEOUT) == 0


def test_monitor_json_lines(spawn, fake):
    proc = start_monitor(spawn, fake, "--json")
    out = LineReader(proc.stdout)
    fake.emit("OWNER", "master", "fault", "link-down")
    event = json.loads(out.readline(what="monitor JSON line"))
    assert {k: event[k] for k in ("instance", "path", "old_state", "new_state", "reason")} == {
        "instance": "OWNER", "path": "/org/vrrpd/Vrrp1/instance/OWNER", "old_state": "master",
        "new_state": "fault", "reason": "link-down"}, event
    assert re.match(r"\d{4}-\d\d-\d\dT", event["time"]) and event["realtime_usec"] > 0, event
    proc.terminate()
    assert proc.wait(timeout=TIMEOUT) == 0


def test_monitor_notify(spawn, fake, ctl_env, session_bus):
    notifier, notes = start_fake("notifications", session_bus)
    try:
        env = dict(ctl_env, DBUS_SESSION_BUS_ADDRESS=session_bus)
        proc = start_monitor(spawn, fake, "--notify", env=env)
        fake.emit("VI_1", "backup", "master", "master-down-timer")
        fake.emit("OWNER", "master", "fault", "link-down")
        first = json.loads(notes.readline(what="first notification"))
        second = json.loads(notes.readline(what="second notification"))
        assert first["summary"] == "VI_1 is now MASTER on eth0", first
        assert "master-down-timer" in first["body"] and "BACKUP" in first["body"], first
        assert first["urgency"] == 1 and first["app"] == "vrrpctl", first
        assert second["summary"] == "OWNER is now FAULT on eth2", second
        assert "link-down" in second["body"] and "MASTER" in second["body"], second
        assert second["urgency"] == 2, f"FAULT must be critical: {second}"
        proc.terminate()
        assert proc.wait(timeout=TIMEOUT) == 0
    finally:
        stop(notifier)


def test_monitor_notify_without_session_bus_fails_cleanly(vrrpctl, fake):
    r = vrrpctl("monitor", "--notify")  # ctl_env points the session bus at nothing
    assert r.returncode == 1, r
    assert "--notify needs the session bus" in one_line(r.stderr)


# ---- bash completion ---------------------------------------------------------------------------------

COMPLETION = os.path.join(os.path.dirname(__file__), "..", "..", "client", "completion", "vrrpctl.bash")


def complete(ctl_env, *words):
    script = (f"source {COMPLETION}; COMP_WORDS=({' '.join(repr(w) for w in ('vrrpctl',) + words)}); "
              f"COMP_CWORD={len(words)}; _vrrpctl; printf '%s\\n' \"${{COMPREPLY[@]}}\"")
    env = dict(ctl_env, PATH=f"{VRRPCTL.parent}:{ctl_env['PATH']}")
    r = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=TIMEOUT, env=env)
    assert r.returncode == 0, r
    return r.stdout.split()


def test_completion_with_bus_name(ctl_env, fake, named_fake):
    named_fake.test.AddInstance("VI_BLUE", "eth7")
    assert complete(ctl_env, "--bus-name", BLUE, "status", "VI") == ["VI_1", "VI_2", "VI_BLUE"]
    assert complete(ctl_env, "--bus-name", "=", BLUE, "is-master", "VI_B") == ["VI_BLUE"]
    assert complete(ctl_env, "status", "VI_B") == []
    assert complete(ctl_env, "--bus-name", "org.vrrpd.Vrrp1.") == [BLUE]


def test_completion_commands_and_instances(ctl_env, fake):
    assert complete(ctl_env, "s") == ["status", "set-priority"]
    assert complete(ctl_env, "status", "VI") == ["VI_1", "VI_2"]
    assert complete(ctl_env, "maintenance", "VI_1", "o") == ["on", "off"]
    assert complete(ctl_env, "dem") == ["demote", "demotions"]
    assert complete(ctl_env, "demote", "--instance", "VI") == ["VI_1", "VI_2"]
    assert complete(ctl_env, "demote", "--instance", "=", "VI_2", "t", "") == ["--clear"]
    assert complete(ctl_env, "set-priority", "VI_1", "") == []
    assert "--no-legend" in complete(ctl_env, "--no")
