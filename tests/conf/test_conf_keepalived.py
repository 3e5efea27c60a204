"""Cross-check: every valid fixture is real keepalived syntax, as keepalived 2.2.7 itself says (`keepalived -t`),
run in a throwaway network namespace that has the eth0 and eth1 the fixtures name."""

import os
import re
import pathlib
import shutil
import subprocess
import time
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


# Route, rule and static address lines: (block, line, what keepalived 2.2.7 does with it, what vrrpd does, why they
# differ). keepalived: "silent" (takes it without a word), "keeps" (takes it, with a message), "drops" (a message,
# and the line is gone); vrrpd: "ok", "warn", "error". They agree as silent/ok, keeps/warn, drops/error, but where
# a reason says why not. {d4} / {d6} / {a4} stand for an IPv4 / IPv6 prefix / IPv4 address unique to the line, by
# which keepalived's configuration dump (-d) shows whether it kept the line.
LINES = [
    ("static_routes", "{d4} dev eth0", "silent", "ok", None),
    ("static_routes", "{d4} via 192.0.2.1 dev eth0 src 192.0.2.10 table 100 tos 0x10 metric 7 onlink scope link "
     "realms 1/2 add", "silent", "ok", None),
    ("static_routes", "{d4} dev eth0 mtu lock 1400 hoplimit 64 advmss 1360 rtt 300ms rttvar lock 1s reordering 3 "
     "window 65535 cwnd lock 10 ssthresh 20 rto_min 300ms initcwnd 10 initrwnd 20 quickack 1 fastopen_no_cookie 1 "
     "features ecn congctl lock cubic append", "silent", "ok", None),
    ("static_routes", "{d6} from 2001:db8:ffff::/64 via inet6 fe80::1 dev eth0 expires 600 pref high "
     "ttl-propagate enabled protocol 18 prepend", "silent", "ok", None),
    ("static_routes", "blackhole {d4} no_track", "silent", "ok", None),
    ("static_routes", "unreachable {d4} dev eth0", "silent", "ok", None),
    ("static_routes", "{d4} dev eth0 nexthop via 192.0.2.1 dev eth0 weight 2 onlink nexthop via 192.0.2.2 dev eth1 "
     "realms 3", "silent", "ok", None),
    ("static_routes", "to {d4} dev eth1 oif eth0 dsfield 8 table main protocol static no_track priority 5",
     "silent", "ok", None),
    ("virtual_routes", "{d4} via 192.0.2.1 dev eth0", "silent", "ok", None),
    ("virtual_routes", "{d6} dev eth0", "silent", "ok", None),
    ("static_routes", "{d4} gw 192.0.2.1 dev eth0", "keeps", "warn", None),
    ("static_routes", "{d4} via 192.0.2.1 or 192.0.2.2 dev eth0", "keeps", "warn", None),
    ("static_routes", "{d4} dev eth0 as to 10.250.0.0", "keeps", "warn", None),
    ("static_routes", "{d4} dev eth0 protocol bird", "keeps", "warn", None),
    ("static_routes", "{d4} via 192.0.2.1", "keeps", "warn", None),
    ("static_routes", "{d4} dev eth0 track_group G", "keeps", "warn", None),
    ("static_routes", "{d4} dev eth0 rtt 1.5", "keeps", "warn", None),
    ("static_routes", "{d4} dev eth0 rtt 5", "silent", "warn", "keepalived 2.2.7 raises it to 200 ms with a "
     "syslog line only (2.4 reports it)"),
    ("static_routes", "default6 dev eth0 table 4242", "silent", "warn", "keepalived logs the deprecation to syslog "
     "only"),
    ("static_routes", "{d6} dev eth0 inet6 no_track", "silent", "warn", "keepalived skips 'no_track' unread"),
    ("static_routes", "10.250.0.0/33 dev eth0", "keeps", "error", "keepalived takes a bad prefix length as /32, "
     "a host route; vrrpd refuses it as on VIP lines"),
    ("static_routes", "{d6} via 192.0.2.1 dev eth0", "drops", "error", None),
    ("static_routes", "{d4} dev eth0 table nosuch", "drops", "error", None),
    ("static_routes", "{d4} dev eth0 tos 256", "drops", "error", None),
    ("static_routes", "{d4} dev eth0 scope nosuch", "drops", "error", None),
    ("static_routes", "{d4} dev eth0 metric -1", "drops", "error", None),
    ("static_routes", "{d4} dev eth0 expires 5", "drops", "error", None),
    ("static_routes", "{d6} dev eth0 realms 1", "drops", "error", None),
    ("static_routes", "{d6} dev eth0 pref huge", "drops", "error", None),
    ("static_routes", "{d6} dev eth0 from 10.0.0.0/8", "drops", "error", None),
    ("static_routes", "{d4} dev eth0 vrf blue", "drops", "error", None),
    ("static_routes", "{d4} dev eth0 metrc 5", "drops", "error", None),
    ("static_routes", "{d4} dev eth0 window lock 5", "drops", "error", None),
    ("static_routes", "{d4} dev eth0 rtt 1e3", "drops", "error", None),
    ("static_routes", "{d4} dev eth0 quickack 2", "drops", "error", None),
    ("static_routes", "via 192.0.2.1 dev eth0", "drops", "error", None),
    ("virtual_routes", "{d4} dev eth0 track_group G", "drops", "error", None),
    ("static_routes", "{d4} dev eth0 ttl-propagate maybe", "keeps", "error", "keepalived installs it with "
     "ttl-propagate disabled"),
    ("static_routes", "{d4} dev eth0 features sack", "keeps", "error", "keepalived installs it without features"),
    ("static_routes", "{d4} dev eth0 nexthop via 192.0.2.1 weight 0", "keeps", "error", "keepalived installs it "
     "without the next hop"),
    ("static_routes", "{d4} dev eth0 table 4294967296", "silent", "error", "keepalived wraps it to table 0"),
    ("static_routes", "{d4} dev eth0 encap ip id 1 dst 192.0.2.9", "silent", "error", "vrrpd has no route "
     "encapsulation yet"),
    ("static_routes", "{d4} dev nosuchdev", "drops", "ok", "the interface is the daemon's business (it may come "
     "later), as for a VIP's dev"),
    ("static_rules", "from {d4} table 100 priority 100", "silent", "ok", None),
    ("static_rules", "from {d4} to 10.2.0.0/16 lookup main not preference 0x65 tos 0x10 fwmark 0x10/0xff realms 1/2 "
     "suppress_prefixlength 0 sup_group 0 iif eth0 oif eth1 tunnel-id 7 uidrange 1000-1999 protocol 18 "
     "ipproto tcp sport 1000-2000 dport 80-80", "silent", "ok", None),
    ("static_rules", "from {d4} priority 5 goto 10", "silent", "ok", None),
    ("static_rules", "from {d4} nop priority 6", "silent", "ok", None),
    ("static_rules", "from {d4} type unreachable priority 8", "silent", "ok", None),
    ("static_rules", "from {d4} l3mdev priority 10", "silent", "ok", None),
    ("virtual_rules", "to {d6} table 1 priority 11", "silent", "ok", None),
    ("static_rules", "from {d4} table 1", "keeps", "warn", None),
    ("static_rules", "from {d4} table 1 priority 12 protocol 4", "keeps", "warn", None),
    ("static_rules", "from {d4} table 1 priority 13 track_group G", "keeps", "warn", None),
    ("static_rules", "from {d4}", "drops", "error", None),
    ("static_rules", "from {d4} to 2001:db8::/32 table 1 priority 14", "drops", "error", None),
    ("static_rules", "from {d4} table 0 priority 15", "drops", "error", None),
    ("static_rules", "from {d4} table 1 nop priority 16", "drops", "error", None),
    ("static_rules", "from {d4} goto 10", "drops", "error", None),
    ("static_rules", "from {d4} goto 10 priority 10", "drops", "error", None),
    ("static_rules", "from {d4} type local priority 17", "drops", "error", None),
    ("static_rules", "from {d4} lookupp 1", "drops", "error", None),
    ("static_rules", "from {d4} nop realms 1 priority 18", "drops", "error", None),
    ("static_rules", "from {d4} table 1 priority 22 uidrange 5", "drops", "error", None),
    ("static_rules", "from {d4} table 1 priority 23 fwmark 1/x", "drops", "error", None),
    ("virtual_rules", "from {d4} table 1 priority 24 track_group G", "drops", "error", None),
    ("static_rules", "from {d4} table 1 priority 19 sport 70000", "keeps", "error", "keepalived installs the rule "
     "for every source port"),
    ("static_rules", "from {d4} table 1 priority 26 dport 80", "keeps", "error", "keepalived drops a single port: "
     "its rule matches every port"),
    ("static_rules", "from {d4} table 1 priority 20 protocol bird", "keeps", "error", "keepalived installs it "
     "without the protocol"),
    ("static_rules", "from {d4} table 1 priority 21 ipproto 132", "keeps", "error", "keepalived installs the rule "
     "for every IP protocol"),
    ("static_rules", "from {d4} table 1 priority 25 dev nosuchdev", "drops", "ok", "the interface is the daemon's "
     "business, as for a VIP's dev"),
    ("static_ipaddress", "{a4}/24 dev eth0", "silent", "ok", None),
    ("static_ipaddress", "{a4}/24 dev eth1 use_vmac", "keeps", "error", "an unknown address option is an error on "
     "every VIP line"),
]
AGREE = {("silent", "ok"), ("keeps", "warn"), ("drops", "error")}


def line_config(k, block, line):
    """The line, its unique prefix filled in, in its block (in an instance for virtual_*), at line 3."""
    text = line.format(d4=f"10.{k}.0.0/16", d6=f"2001:db8:{k:x}::/64", a4=f"198.51.100.{k}")
    head = "vrrp_instance VI_1 {\n    interface eth0\n" if block.startswith("virtual") else "\n"
    tail = ("    virtual_router_id 1\n    virtual_ipaddress {\n        192.0.2.1/24\n    }\n}\n"
            if block.startswith("virtual") else "")
    return text, f"{head}{block} {{\n    {text}\n}}\n{tail}"


def marker(k, line):
    return next((m for p, m in (("{d4}", f"10.{k}.0.0/16"), ("{d6}", f"2001:db8:{k:x}::/64"),
                                ("{a4}", f"198.51.100.{k}/24")) if p in line), None)


@pytest.mark.parametrize("k", range(1, len(LINES) + 1))
def test_route_and_rule_lines_against_keepalived(netns, vrrpd, tmp_path, k):
    block, line, ka, ours, why = LINES[k - 1]
    assert ((ka, ours) in AGREE) == (why is None), "a reason goes with a difference, and only there"
    text, conf = line_config(k, block, line)
    (tmp_path / "l.conf").write_text(conf)
    proc = subprocess.run(["ip", "netns", "exec", netns, KEEPALIVED, "-t", "-l", "-n", "-f", "l.conf"],
                          capture_output=True, timeout=60, cwd=tmp_path)
    out = (proc.stdout + proc.stderr).decode(errors="replace")
    assert (proc.returncode == 0 and "Line 3)" not in out) == (ka == "silent"), f"keepalived on '{text}':\n{out}"
    proc = subprocess.run([str(vrrpd), "-t", "-f", "l.conf"], capture_output=True, timeout=60, cwd=tmp_path)
    err = proc.stderr.decode()
    said = {"error" if ": error: " in m else "warn" for m in err.splitlines() if m.startswith("l.conf:3:")}
    got = "error" if proc.returncode != 0 else "warn" if said else "ok"
    assert (got, said <= {got}) == (ours, True), f"vrrpd on '{text}':\n{err}"


def test_keepalived_keeps_and_drops_the_lines_as_listed(netns, tmp_path):
    """keepalived's own dump (-d) of all the lines at once: the kept ones are there, the dropped ones are not.
    (Without the lines naming a missing interface: keepalived does not start at all with one.)"""
    lines = [(k, block, line, ka) for k, (block, line, ka, *_) in enumerate(LINES, 1) if "nosuchdev" not in line]
    conf = "".join(line_config(k, block, line)[1].replace("VI_1", f"VI_{k}").replace("router_id 1", f"router_id {k}")
                   for k, block, line, _ in lines)
    (tmp_path / "all.conf").write_text(conf)
    pids = [str(tmp_path / n) for n in ("k.pid", "v.pid", "c.pid")]
    proc = subprocess.Popen(["ip", "netns", "exec", netns, KEEPALIVED, "-n", "-l", "-D", "-d", "-P", "-G",
                             "-p", pids[0], "-r", pids[1], "-c", pids[2], "-f", "all.conf"],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    dump = []
    try:
        deadline = time.monotonic() + 20
        for row in proc.stdout:
            dump.append(row)
            if "------< Interfaces >------" in row or time.monotonic() > deadline:
                break
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    text = "".join(dump)
    assert "------< Interfaces >------" in text, text
    for k, block, line, ka in lines:
        m = marker(k, line)
        if m:
            assert (re.search(re.escape(m) + r"(\s|$)", text) is not None) == (ka != "drops"), f"{line}: {ka}?"
