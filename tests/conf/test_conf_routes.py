"""static_ipaddress, static_routes, static_rules, virtual_routes and virtual_rules as keepalived 2.2.7 reads them
(vrrp_ipaddress.c alloc_ipaddress(), vrrp_iproute.c alloc_route(), vrrp_iprule.c alloc_rule()), asserted through
`vrrpd --print-config --json` and the located diagnostics of `vrrpd -t`."""

import json
import os
import shutil
import subprocess

import pytest

from conftest import instance, run, text

INSTANCE = "vrrp_instance VI_1 {{\n    interface eth0\n    virtual_router_id 1\n" \
           "    virtual_ipaddress {{\n        192.0.2.1/24\n    }}\n{body}}}\n"


def load(vrrpd, tmp_path, conf):
    """(config, stderr lines) of a file that loads; the file is r.conf in tmp_path."""
    (tmp_path / "r.conf").write_text(conf)
    proc = run(vrrpd, "--print-config", "--json", "-f", "r.conf", cwd=tmp_path)
    out, err = text(proc)
    assert proc.returncode == 0, f"r.conf does not load:\n{err}"
    return json.loads(out), err.splitlines()


def check(vrrpd, tmp_path, conf):
    """(exit code, stderr lines without the summary) of `vrrpd -t` on conf."""
    (tmp_path / "r.conf").write_text(conf)
    proc = run(vrrpd, "-t", "-f", "r.conf", cwd=tmp_path)
    _, err = text(proc)
    return proc.returncode, [line for line in err.splitlines() if not line.startswith("r.conf: ")]


def test_static_ipaddress(vrrpd, tmp_path):
    """The lines of virtual_ipaddress; without dev, on global_defs' default_interface (keepalived: else eth0)."""
    c, err = load(vrrpd, tmp_path, "static_ipaddress {\n    192.0.2.7/24 dev eth1 label eth1:st\n"
                                   "    2001:db8::7/64 -nodad noprefixroute\n    198.51.100.7 brd + scope link\n}\n")
    assert err == []
    a, b, d = c["static_ipaddress"]
    assert (a["address"], a["prefixlen"], a["dev"], a["label"]) == ("192.0.2.7", 24, "eth1", "eth1:st")
    assert (b["address"], b["prefixlen"], b["dev"], b["nodad"], b["noprefixroute"]) == ("2001:db8::7", 64, "eth0",
                                                                                          True, True)
    assert (d["prefixlen"], d["brd"], d["scope"], d["dev"]) == (32, "198.51.100.7", "link", "eth0")
    assert c["global_defs"]["default_interface"] is None
    c, err = load(vrrpd, tmp_path, "global_defs {\n    default_interface bond0\n}\n"
                                   "static_ipaddress {\n    192.0.2.7/24\n}\n")
    assert (c["static_ipaddress"][0]["dev"], c["global_defs"]["default_interface"], err) == ("bond0", "bond0", [])


def test_static_ipaddress_takes_no_use_vmac(vrrpd, tmp_path):
    """keepalived ignores use_vmac on a static address (with an error message): a located error here, as every
    unknown address option."""
    rc, err = check(vrrpd, tmp_path, "static_ipaddress {\n    192.0.2.7/24 use_vmac\n}\n")
    assert rc == 1
    assert err == ["r.conf:2:18: error: unknown address option 'use_vmac'; expected brd, dev, scope, label, "
                   "noprefixroute, -nodad or no_track"]


def test_static_ipaddress_inside_an_instance_is_placed(vrrpd, tmp_path):
    rc, err = check(vrrpd, tmp_path, INSTANCE.format(body="    static_ipaddress {\n        192.0.2.9\n    }\n"))
    assert rc == 1
    assert err == ["r.conf:7:5: error: 'static_ipaddress' is not valid in vrrp_instance; it belongs in the top level"]


def static(block, lines):
    return f"{block} {{\n" + "".join(f"    {line}\n" for line in lines) + "}\n"


ROUTE_ALL = ("198.51.100.0/24 via 192.0.2.1 dev eth0 src 192.0.2.10 table 100 tos 0x10 protocol static no_track "
             "scope link metric 7 onlink realms 1/2 mtu lock 1400 hoplimit 64 advmss 1360 rtt 0.3s rttvar lock 250ms "
             "reordering 3 window 65535 cwnd lock 10 ssthresh 20 rto_min 300ms initcwnd 10 initrwnd 20 quickack 1 "
             "fastopen_no_cookie 1 features ecn congctl lock cubic add")


def test_route_options(vrrpd, tmp_path):
    """Every option of a route line, by the values netlink will carry."""
    c, err = load(vrrpd, tmp_path, static("static_routes", [
        ROUTE_ALL,
        "2001:db8:1::/64 from 2001:db8:2::/64 via inet6 2001:db8::1 dev eth0 expires 600 pref low "
        "ttl-propagate enabled priority 5 append inet6",
        "to 203.0.113.0/24 dev eth0 via inet 192.0.2.1 dsfield 8 table main preference 9 prepend oif eth1 inet",
        "unreachable default dev eth0 ttl-propagate disabled",
        "all dev eth0 table local pref 2",
        "any dev eth0 table default pref high",
    ]))
    assert err == []
    a, b, d, e, f, g = c["static_routes"]
    assert {k: a[k] for k in ("family", "type", "destination", "via", "dev", "src", "from", "table", "tos",
                             "protocol", "scope", "metric", "onlink", "realms", "mode", "no_track")} == {
        "family": "ipv4", "type": 1, "destination": "198.51.100.0/24", "via": "192.0.2.1", "dev": "eth0",
        "src": "192.0.2.10", "from": None, "table": 100, "tos": 16, "protocol": 4, "scope": 253, "metric": 7,
        "onlink": True, "realms": (1 << 16) | 2, "mode": "add", "no_track": True}
    # rtt in 1/8 ms, rttvar in 1/4 ms, rto_min in ms (keepalived's get_time_rtt())
    assert a["metrics"] == {"mtu": 1400, "hoplimit": 64, "advmss": 1360, "rtt": 2400, "rttvar": 1000,
                            "reordering": 3, "window": 65535, "cwnd": 10, "ssthresh": 20, "rto_min": 300,
                            "initcwnd": 10, "initrwnd": 20, "quickack": 1, "fastopen_no_cookie": 1, "features": 1}
    assert (a["congctl"], a["lock"]) == ("cubic", ["mtu", "rttvar", "cwnd", "congctl"])
    assert (a["expires"], a["pref"], a["ttl_propagate"], a["nexthops"]) == (None, None, None, [])
    assert (b["family"], b["destination"], b["from"], b["via"]) == ("ipv6", "2001:db8:1::/64", "2001:db8:2::/64",
                                                                   "2001:db8::1")
    assert (b["expires"], b["pref"], b["ttl_propagate"], b["metric"], b["mode"]) == (600, 3, True, 5, "append")
    assert (b["protocol"], b["no_track"], b["table"], b["scope"]) == (18, False, None, None)  # the defaults
    assert (d["destination"], d["dev"], d["tos"], d["table"], d["metric"], d["mode"]) == ("203.0.113.0/24", "eth1",
                                                                                       8, 254, 9, "prepend")
    assert (e["type"], e["destination"], e["family"], e["ttl_propagate"]) == (7, "0.0.0.0/0", "ipv4", False)
    assert (f["family"], f["destination"], f["table"], f["pref"]) == ("ipv6", "::/0", 255, 2)
    assert (g["family"], g["destination"], g["table"], g["pref"]) == ("ipv6", "::/0", 253, 1)  # pref: IPv6


def test_route_types_next_hops_and_what_keepalived_warns_about(vrrpd, tmp_path):
    """Route types by name or number; multipath by nexthop and by the old 'or'; and every line keepalived
    takes with a message: a warning each, at the word, the route loaded as keepalived loads it."""
    c, err = load(vrrpd, tmp_path, static("static_routes", [
        "blackhole 10.0.0.0/8 no_track",                                  # 2
        "prohibit 10.1.0.0/16 dev eth0",
        "throw 10.2.0.0/16 dev eth0",
        "local 10.3.0.1 dev eth0",
        "broadcast 10.4.0.255 dev eth0",
        "brd 10.4.1.255 dev eth0",
        "multicast 224.1.1.0/24 dev eth0",
        "anycast 10.5.0.0/16 dev eth0",
        "nat 10.6.0.0/16 dev eth0",                                       # 10
        "xresolve 10.7.0.0/16 dev eth0",
        "unicast 10.8.0.0/16 dev eth0",
        "0x6 10.9.0.0/16 dev eth0",
        "2001:db8:5::/64 dev eth0 pref medium",
        "10.10.0.0/16 dev eth0 nexthop via 192.0.2.1 dev eth0 weight 1 onlink nexthop via inet 192.0.2.2 dev eth1 "
        "weight 256 realms 3 nexthop",
        "10.11.0.0/16 dev eth0 via 192.0.2.1 or 192.0.2.2 or 192.0.2.3",  # 16
        "10.13.0.0/16 dev eth0 as to 10.14.0.0 as 10.14.0.1",
        "10.15.0.0/16 dev eth0 track_group G1",
        "10.16.0.0/16 dev eth0 protocol bird",
        "10.17.0.0/16 via 192.0.2.1",                                     # 20
        "default6 dev eth0",
        "10.18.0.0/16 dev eth0 rtt 5 rttvar 200s rto_min 0.3005s",
        "10.19.0.0/16 dev eth0 rtt 1.5",
        "10.20.0.0/16 dev eth0 gw 192.0.2.1",
        "2001:db8:6::/64 dev eth0 inet6 no_track",                        # 25
    ]))
    assert err == [
        "r.conf:16:41: warning: 'or' is deprecated; use 'nexthop via A nexthop via B'",
        "r.conf:16:54: warning: 'or' is deprecated; use 'nexthop via A nexthop via B'",
        "r.conf:16:54: warning: a route takes one 'or'; this one is ignored, as keepalived ignores it",
        "r.conf:17:27: warning: 'as [to]' is for MPLS routes only; ignored, as keepalived ignores it",
        "r.conf:17:43: warning: 'as [to]' is for MPLS routes only; ignored, as keepalived ignores it",
        "r.conf:18:27: warning: 'track_group' is not supported by vrrpd, ignored",
        "r.conf:19:36: warning: protocol 'bird' of a tracked route is set to 18 (keepalived), as keepalived does; "
        "add no_track to keep it",
        "r.conf:20:5: warning: the route to 10.17.0.0/16 has no dev, so it cannot be tracked; not tracked, as "
        "keepalived does",
        "r.conf:21:5: warning: 'default6' is deprecated; use 'inet6 default'",
        "r.conf:22:31: warning: rtt '5' is below the kernel's minimum of 200 ms; raised to it, as keepalived does",
        "r.conf:22:40: warning: rttvar '200s' is above the kernel's maximum of 120 s; lowered to it, as keepalived "
        "does",
        "r.conf:22:53: warning: rto_min '0.3005s' has too many decimal places; rounded, as keepalived does",
        "r.conf:23:31: warning: rtt '1.5' has too many decimal places; rounded, as keepalived does",
        "r.conf:23:31: warning: rtt '1.5' is below the kernel's minimum of 200 ms; raised to it, as keepalived does",
        "r.conf:24:27: warning: 'gw' is deprecated; use 'via'",
        "r.conf:25:36: warning: 'no_track' is ignored: keepalived skips the word after 'inet6' unread; write "
        "'inet6' last, or before a word to drop",
    ]
    routes = c["static_routes"]
    assert [r["type"] for r in routes[:12]] == [6, 8, 9, 2, 3, 3, 5, 4, 10, 11, 1, 6]
    assert [r["destination"] for r in routes[2:4]] == ["10.2.0.0/16", "10.3.0.1/32"]
    assert (routes[12]["family"], routes[12]["pref"]) == ("ipv6", 0)
    assert routes[13]["nexthops"] == [
        {"via": "192.0.2.1", "dev": "eth0", "weight": 1, "onlink": True, "realms": 0},
        {"via": "192.0.2.2", "dev": "eth1", "weight": 256, "onlink": False, "realms": 3},
        {"via": None, "dev": None, "weight": None, "onlink": False, "realms": 0}]  # keepalived takes an empty one
    assert ([h["via"] for h in routes[14]["nexthops"]], routes[14]["via"]) == (["192.0.2.1", "192.0.2.2"], None)
    assert (routes[17]["protocol"], routes[18]["no_track"], routes[18]["via"]) == (18, True, "192.0.2.1")
    assert (routes[19]["family"], routes[19]["destination"]) == ("ipv6", "::/0")
    assert routes[20]["metrics"] == {"rtt": 1600, "rttvar": 480000, "rto_min": 301}  # held to 200 ms .. 120 s
    assert routes[21]["metrics"] == {"rtt": 1600}
    assert (routes[23]["family"], routes[23]["no_track"]) == ("ipv6", False)


def test_virtual_routes_of_either_family(vrrpd, tmp_path):
    c, err = load(vrrpd, tmp_path, INSTANCE.format(body="    virtual_routes {\n        10.0.0.0/8 dev eth0\n"
                                                        "        2001:db8::/32 via fe80::1 dev eth0\n    }\n"))
    assert err == []
    routes = instance(c, "VI_1")["virtual_routes"]
    assert [(r["family"], r["destination"], r["via"]) for r in routes] == [("ipv4", "10.0.0.0/8", None),
                                                                          ("ipv6", "2001:db8::/32", "fe80::1")]
    assert c["static_routes"] == []


# A line each, and what vrrpd says about it (keepalived drops each of these lines but for the 'encap' one, which
# vrrpd cannot install yet, and 'table 4294967296', which keepalived wraps to table 0)
ROUTE_ERRORS = [
    ("10.0.0.0/33 dev eth0", "14: error: invalid prefix length '33'; expected an integer from 0 to 32"),
    ("10.0.0.300/24 dev eth0", "5: error: invalid IP address '10.0.0.300'; expected an IPv4 or IPv6 address"),
    ("2001:db8::/64 via 192.0.2.1 dev eth0",
     "23: error: IPv4 gateway '192.0.2.1' in an IPv6 route; expected one family per route"),
    ("10.0.0.0/8 dev eth0 src 2001:db8::1",
     "29: error: IPv6 address '2001:db8::1' in an IPv4 route; expected one family per route"),
    ("2001:db8::/64 dev eth0 10.0.0.0/8",
     "28: error: IPv4 destination '10.0.0.0/8' in an IPv6 route; expected one family per route"),
    ("10.0.0.0/8 dev eth0 inet6", "25: error: 'inet6' in an IPv4 route; expected one family per route"),
    ("10.0.0.0/8 dev eth0 table nosuch",
     "31: error: unknown table 'nosuch'; expected a number or a name from iproute2's rt_tables"),
    ("10.0.0.0/8 dev eth0 table 4294967296", "31: error: invalid table '4294967296'; expected a number from 0 to "
     "4294967295 or a name from iproute2's rt_tables"),
    ("10.0.0.0/8 dev eth0 tos 256",
     "29: error: invalid TOS '256'; expected a number from 0 to 255 or a name from iproute2's rt_dsfield"),
    ("10.0.0.0/8 dev eth0 protocol nosuch",
     "34: error: unknown protocol 'nosuch'; expected a number or a name from iproute2's rt_protos"),
    ("10.0.0.0/8 dev eth0 scope 256",
     "31: error: invalid scope '256'; expected a number from 0 to 255 or a name from iproute2's rt_scopes"),
    ("10.0.0.0/8 dev eth0 metric -1", "32: error: invalid metric '-1'; expected an integer from 0 to 4294967295"),
    ("10.0.0.0/8 dev eth0/1",
     "20: error: invalid interface name 'eth0/1'; expected 1 to 15 characters, no '/', ':' or blanks"),
    ("10.0.0.0/8 dev averyveryverylongname", "20: error: invalid interface name 'averyveryverylongname'; expected "
     "1 to 15 characters, no '/', ':' or blanks"),
    ("10.0.0.0/8 dev eth0 expires 5", "25: error: 'expires' is for IPv6 routes only; this route is IPv4"),
    ("2001:db8::/64 dev eth0 realms 1", "28: error: 'realms' is for IPv4 routes only; this route is IPv6"),
    ("10.0.0.0/8 dev eth0 realms nosuch", "32: error: invalid realms 'nosuch'; expected REALM or FROM/TO, each a "
     "number from 0 to 255 or a name from iproute2's rt_realms"),
    ("2001:db8::/64 dev eth0 pref huge",
     "33: error: invalid pref 'huge'; expected low, medium, high or a number from 0 to 255"),
    ("10.0.0.0/8 dev eth0 ttl-propagate maybe",
     "39: error: invalid ttl-propagate 'maybe'; expected enabled or disabled"),
    ("2001:db8::/64 dev eth0 from 10.0.0.0/8", "33: error: invalid 'from' '10.0.0.0/8'; expected an IPv6 prefix "
     "(a source prefix is for IPv6 routes only)"),
    ("10.0.0.0/8 dev eth0 encap ip id 1 dst 192.0.2.9", "25: error: vrrpd does not support route encapsulation "
     "('encap', lightweight tunnels) yet; the route cannot be installed as written"),
    ("10.0.0.0/8 dev eth0 vrf blue", "25: error: vrrpd does not support VRFs ('vrf') yet; give the VRF's routing "
     "table with 'table' instead"),
    ("10.0.0.0/8 dev eth0 metrc 5", "25: error: unknown route option 'metrc'; did you mean 'metric'?"),
    ("via 192.0.2.1 dev eth0", "5: error: the route has no destination; expected ADDR[/LEN] or default"),
    ("10.0.0.0/8 dev eth0 table", "25: error: missing value after 'table'"),
    ("blackhole", "5: error: missing value after 'blackhole'"),
    ("10.0.0.0/8 dev eth0 nexthop via 192.0.2.1 weight 0",
     "54: error: invalid weight '0'; expected an integer from 1 to 256"),
    ("10.0.0.0/8 dev eth0 nexthop via 192.0.2.1 metric 5", "47: error: unexpected 'metric' after the next hops; "
     "expected 'nexthop' or via, dev, weight, onlink, realms"),
    ("10.0.0.0/8 dev eth0 nexthop as to 10.1.0.0",
     "33: error: 'as [to]' is not supported in a next hop (keepalived refuses it too)"),
    ("10.0.0.0/8 dev eth0 nexthop encap mpls 100", "33: error: vrrpd does not support route encapsulation "
     "('encap', lightweight tunnels) yet; the route cannot be installed as written"),
    ("10.0.0.0/8 dev eth0 nexthop via 2001:db8::1",
     "37: error: IPv6 gateway '2001:db8::1' in an IPv4 route; expected one family per route"),
    ("2001:db8::/64 dev eth0 nexthop realms 1", "36: error: 'realms' is for IPv4 routes only; this route is IPv6"),
    ("10.0.0.0/8 dev eth0 mtu lock", "29: error: missing value after 'lock'"),
    ("10.0.0.0/8 dev eth0 window lock 5", "32: error: 'window' takes no 'lock'; expected a value (lock goes with "
     "mtu, advmss, rtt, rttvar, reordering, cwnd, ssthresh, rto_min and congctl)"),
    ("10.0.0.0/8 dev eth0 rtt 1e3", "29: error: invalid rtt '1e3'; expected a number in the kernel's units (1/8 ms) "
     "or a time with s or ms, up to 120 s"),
    ("10.0.0.0/8 dev eth0 rto_min 120001", "33: error: invalid rto_min '120001'; expected a number in the kernel's "
     "units (1/1 ms) or a time with s or ms, up to 120 s"),
    ("10.0.0.0/8 dev eth0 features sack", "34: error: unknown route feature 'sack'; expected ecn"),
    ("10.0.0.0/8 dev eth0 quickack 2", "34: error: invalid quickack '2'; expected an integer from 0 to 1"),
    ("10.0.0.0/8 dev eth0 hoplimit 256", "34: error: invalid hoplimit '256'; expected an integer from 0 to 255"),
    ("10.0.0.0/8 dev eth0 via inet6 2001:db8::1", "29: error: 'inet6' in an IPv4 route; expected one family per "
     "route"),
]


def test_route_errors_are_located(vrrpd, tmp_path):
    rc, err = check(vrrpd, tmp_path, static("static_routes", [line for line, _ in ROUTE_ERRORS]) +
                    INSTANCE.format(body="    virtual_routes {\n        10.0.0.0/8 dev eth0 track_group G\n    }\n"))
    n = len(ROUTE_ERRORS)
    expected = [f"r.conf:{k + 2}:{what}" for k, (_, what) in enumerate(ROUTE_ERRORS)]
    assert rc == 1
    assert err == expected + [f"r.conf:{n + 10}:29: error: 'track_group' is for static_routes only"]


def test_inet_skips_the_next_word_as_keepalived_does(vrrpd, tmp_path):
    """keepalived steps over the word after inet / inet6: 'inet6 default' has no destination there either."""
    rc, err = check(vrrpd, tmp_path, static("static_routes", ["inet6 default via fe80::1 dev eth0"]))
    assert (rc, err) == (1, [
        "r.conf:2:11: warning: 'default' is ignored: keepalived skips the word after 'inet6' unread; write 'inet6' "
        "last, or before a word to drop",
        "r.conf:2:5: error: the route has no destination; expected ADDR[/LEN] or default"])


def in_iproute2_dirs(vrrpd, tmp_path, etc, usr, conf):
    """(exit code, stdout, stderr) of `vrrpd --print-config --json` in a mount namespace of its own whose
    /etc/iproute2 and /usr/share/iproute2 hold the files etc and usr give ({relative path: text})."""
    if os.geteuid() != 0 or not shutil.which("unshare") or not os.path.isdir("/etc/iproute2"):
        pytest.skip("needs root, unshare(1) and /etc/iproute2 to stand in iproute2's files")
    for name, files in (("etc", etc), ("usr", usr)):
        for path, content in files.items():
            (tmp_path / name / path).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name / path).write_text(content)
    (tmp_path / "usr").mkdir(exist_ok=True)
    (tmp_path / "r.conf").write_text(conf)
    script = ('mount --bind "$1/etc" /etc/iproute2 && mount -t tmpfs none /usr/share && '
              'mkdir /usr/share/iproute2 && mount --bind "$1/usr" /usr/share/iproute2 && '
              'exec "$2" --print-config --json -f "$1/r.conf"')
    proc = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh", str(tmp_path),
                           str(vrrpd)], capture_output=True, timeout=30)
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


def test_names_from_iproute2_files(vrrpd, tmp_path):
    """Names as keepalived 2.4 (and iproute2 6.7) read them: /etc/iproute2/FILE, else /usr/share/iproute2/FILE,
    then FILE.d/*.conf of both, /etc's shadowing /usr's; the built-in names for numbers no file names."""
    etc = {"rt_tables": "100 web\n", "rt_tables.d/b.conf": "101 dmz\n", "rt_dsfield": "0x10 lowdelay\n",
           "rt_protos.d/p.conf": "99 myproto\n", "group": "7 mygroup\n"}
    usr = {"rt_tables": "103 usr_only\n", "rt_tables.d/a.conf": "102 usr_d\n", "rt_tables.d/b.conf": "104 gone\n",
           "rt_realms": "5 east\n6 west\n", "rt_scopes": "7 scope7\n"}
    rc, out, err = in_iproute2_dirs(vrrpd, tmp_path, etc, usr, static("static_routes", [
        "10.1.0.0/16 dev eth0 table web tos lowdelay protocol myproto no_track realms east/west scope scope7",
        "10.2.0.0/16 dev eth0 table dmz protocol kernel no_track scope host",
        "10.3.0.0/16 dev eth0 table usr_d",
        "10.4.0.0/16 dev eth0 table main",
    ]) + static("static_rules", ["from 10.0.0.0/8 lookup dmz sup_group mygroup tos lowdelay realms west priority 1"]))
    assert rc == 0, err
    c = json.loads(out)
    a, b, d, e = c["static_routes"]
    rule = c["static_rules"][0]
    assert (rule["table"], rule["suppress_ifgroup"], rule["tos"], rule["realms"]) == (101, 7, 16, 6)
    assert (a["table"], a["tos"], a["protocol"], a["realms"], a["scope"]) == (100, 16, 99, (5 << 16) | 6, 7)
    assert (b["table"], b["protocol"], b["scope"], d["table"], e["table"]) == (101, 2, 254, 102, 254)
    rc, out, err = in_iproute2_dirs(vrrpd, tmp_path, etc, usr, static("static_routes", [
        "10.5.0.0/16 dev eth0 table usr_only", "10.6.0.0/16 dev eth0 table gone"]))
    assert rc == 1
    assert err.splitlines() == [
        f"{tmp_path}/r.conf:2:32: error: unknown table 'usr_only'; expected a number or a name from iproute2's "
        "rt_tables",
        f"{tmp_path}/r.conf:3:32: error: unknown table 'gone'; expected a number or a name from iproute2's rt_tables"]


def test_iproute_dirs(vrrpd, tmp_path):
    """keepalived 2.3.2's iproute_etc_dir / iproute_usr_dir: the names come from there; a name read before the
    keyword came from the default place, which a warning says."""
    for name, path, text in (("etc", "rt_tables", "100 web\n"), ("usr", "rt_scopes", "7 scope7\n")):
        (tmp_path / name).mkdir()
        (tmp_path / name / path).write_text(text)
    dirs = f"global_defs {{\n iproute_etc_dir {tmp_path}/etc\n iproute_usr_dir {tmp_path}/usr\n}}\n"
    c, err = load(vrrpd, tmp_path, dirs + static("static_routes", ["10.1.0.0/16 dev eth0 table web scope scope7"]))
    r = c["static_routes"][0]
    assert (r["table"], r["scope"]) == (100, 7) and not any("warning" in line for line in err)
    assert c["global_defs"]["iproute_etc_dir"] == f"{tmp_path}/etc"
    c, err = load(vrrpd, tmp_path, static("static_routes", ["10.1.0.0/16 dev eth0 table main"]) + dirs)
    assert err[0] == ("r.conf:5:2: warning: iproute_etc_dir comes after a name from iproute2's rt_tables; those names "
                      "were read from the default place")


def test_rule_options(vrrpd, tmp_path):
    """Every option of a rule line, by the values netlink will carry (action: FR_ACT_*)."""
    c, err = load(vrrpd, tmp_path, static("static_rules", [
        "not from 10.1.0.0/16 to 10.2.0.0/16 lookup main preference 0x64 tos 0x10 fwmark 0x10/0xff realms 1/2 "
        "suppress_prefixlength 0 sup_group 0 iif eth0 oif eth1 tunnel-id 7 uidrange 1000-1999 protocol 5 "
        "ipproto tcp sport 1000-2000 dport 80-80 no_track",
        "from all priority 5 goto 10 inet",
        "to 2001:db8::/32 nop order 6",
        "from 10.3.0.0/16 type blackhole priority 7 dsfield 8 fwmark 3",
        "from 10.4.0.0/16 order 8 dev eth1 sup_pl 24 suppress_ifgroup 1 table 7",
        "prohibit priority 9 ipproto 17 tunnel-id 0",
        "l3mdev priority 1000",
        "unreachable priority 11",
        "type 8 priority 12",
    ]))
    assert err == []
    a, b, d, e, f, g, h, k, m = c["static_rules"]
    assert a == {"family": "ipv4", "not": True, "from": "10.1.0.0/16", "to": "10.2.0.0/16", "action": 1, "table": 254,
                 "goto": None, "priority": 100, "tos": 16, "fwmark": 16, "fwmask": 255, "realms": (1 << 16) | 2,
                 "suppress_prefixlength": 0, "suppress_ifgroup": 0, "iif": "eth0", "oif": "eth1", "tunnel_id": 7,
                 "uidrange": [1000, 1999], "l3mdev": False, "protocol": 5, "ipproto": 6, "sport": [1000, 2000],
                 "dport": [80, 80], "no_track": True}
    assert (b["from"], b["action"], b["goto"], b["priority"], b["protocol"]) == ("0.0.0.0/0", 2, 10, 5, 18)
    assert (d["family"], d["to"], d["action"], d["priority"]) == ("ipv6", "2001:db8::/32", 3, 6)
    assert (e["action"], e["tos"], e["fwmark"], e["fwmask"]) == (6, 8, 3, 0xffffffff)
    assert (f["action"], f["iif"], f["suppress_prefixlength"], f["suppress_ifgroup"], f["table"]) == (1, "eth1", 24,
                                                                                                     1, 7)
    assert (g["action"], g["ipproto"], g["tunnel_id"]) == (8, 17, None)  # keepalived passes tunnel-id 0 as none
    assert (h["action"], h["l3mdev"], h["table"], k["action"], m["action"]) == (1, True, None, 7, 8)


def test_rules_without_preference_are_numbered_as_keepalived_numbers_them(vrrpd, tmp_path):
    """16384 down, per family, in the order of the file, static and virtual rules alike, with keepalived's
    warning each."""
    c, err = load(vrrpd, tmp_path, static("static_rules", ["from 10.1.0.0/16 table 1", "to 2001:db8::/32 table 1"])
                  + INSTANCE.format(body="    virtual_rules {\n        from 10.2.0.0/16 table 2\n"
                                         "        from 10.3.0.0/16 table 3 priority 50\n    }\n")
                  + static("static_rules", ["from 10.4.0.0/16 table 4"]))
    assert [r["priority"] for r in c["static_rules"]] == [16384, 16384, 16382]
    assert [r["priority"] for r in instance(c, "VI_1")["virtual_rules"]] == [16383, 50]
    assert err == [f"r.conf:{line}:{col}: warning: the rule has no preference; set to {prio}, as keepalived does "
                   "(give each rule its preference to choose their order)"
                   for line, col, prio in ((2, 5, 16384), (3, 5, 16384), (12, 9, 16383), (17, 5, 16382))]


RULE_ERRORS = [
    ("from 10.0.0.0/8", "5: error: the rule has no action; expected table, goto, nop, blackhole, unreachable, "
     "prohibit or l3mdev"),
    ("from 10.0.0.0/8 to 2001:db8::/32 table 1",
     "24: error: IPv6 prefix '2001:db8::/32' in an IPv4 rule; expected one family per rule"),
    ("to 2001:db8::/32 from 10.0.0.0/8 table 1", "27: error: IPv4 prefix '10.0.0.0/8' in an IPv6 rule; expected "
     "one family per rule"),
    ("from 10.0.0.0/8 table 1 inet6", "29: error: 'inet6' in an IPv4 rule; expected one family per rule"),
    ("from 10.0.0.0/33 table 1", "19: error: invalid prefix length '33'; expected an integer from 0 to 32"),
    ("from 10.0.0.0/8 table 0", "27: error: table 0 is not valid for a rule"),
    ("from 10.0.0.0/8 table nosuch",
     "27: error: unknown table 'nosuch'; expected a number or a name from iproute2's rt_tables"),
    ("from 10.0.0.0/8 table 1 nop", "29: error: a rule has one action; 'nop' comes after 'table'"),
    ("l3mdev table 1", "12: error: a rule has one action; 'table' comes after 'l3mdev'"),
    ("from 10.0.0.0/8 goto 10", "21: error: 'goto' needs a preference below its target 10"),
    ("from 10.0.0.0/8 goto 10 priority 10", "21: error: preference 10 is not below the goto target 10"),
    ("from 10.0.0.0/8 goto x", "26: error: invalid goto target 'x'; expected a preference from 0 to 4294967295"),
    ("from 10.0.0.0/8 type local", "26: error: invalid rule action 'local'; expected table, goto, nop, blackhole, "
     "unreachable, prohibit or l3mdev"),
    ("from 10.0.0.0/8 lookupp 1", "21: error: unknown rule option 'lookupp'; did you mean 'lookup'?"),
    ("from 10.0.0.0/8 table 1 preference -1",
     "40: error: invalid preference '-1'; expected a number from 0 to 4294967295"),
    ("from 10.0.0.0/8 table 1 tos nosuch",
     "33: error: unknown TOS 'nosuch'; expected a number or a name from iproute2's rt_dsfield"),
    ("from 10.0.0.0/8 table 1 fwmark 1/x", "36: error: invalid fwmark '1/x'; expected MARK or MARK/MASK, each a "
     "number from 0 to 4294967295"),
    ("from 10.0.0.0/8 table 1 realms 256", "36: error: invalid realms '256'; expected REALM or FROM/TO, each a "
     "number from 0 to 255 or a name from iproute2's rt_realms"),
    ("to 2001:db8::/32 table 1 realms 1", "30: error: 'realms' is for IPv4 rules only; this rule is IPv6"),
    ("from 10.0.0.0/8 nop realms 1", "25: error: 'realms' is for a rule with a table; this one's action is 'nop'"),
    ("from 10.0.0.0/8 blackhole sup_pl 8", "31: error: 'sup_pl' is for a rule with a table; this one's action is "
     "'blackhole'"),
    ("from 10.0.0.0/8 table 1 suppress_prefixlength 2147483648", "51: error: invalid suppress_prefixlength "
     "'2147483648'; expected a number from 0 to 2147483647"),
    ("from 10.0.0.0/8 table 1 sup_group nosuch", "39: error: unknown interface group 'nosuch'; expected a number "
     "or a name from iproute2's group"),
    ("from 10.0.0.0/8 table 1 dev eth0:1",
     "33: error: invalid interface name 'eth0:1'; expected 1 to 15 characters, no '/', ':' or blanks"),
    ("from 10.0.0.0/8 table 1 tunnel-id -1",
     "39: error: invalid tunnel-id '-1'; expected a number from 0 to 18446744073709551615"),
    ("from 10.0.0.0/8 table 1 uidrange 5",
     "38: error: invalid uidrange '5'; expected FIRST-LAST, each a uid from 0 to 4294967295"),
    ("from 10.0.0.0/8 table 1 sport 70000",
     "35: error: invalid sport '70000'; expected FIRST-LAST, each a port from 0 to 65535"),
    ("from 10.0.0.0/8 table 1 dport 1-x",
     "35: error: invalid dport '1-x'; expected FIRST-LAST, each a port from 0 to 65535"),
    ("from 10.0.0.0/8 table 1 dport 80", "35: error: a single port is not taken by keepalived, whose rule then "
     "matches every port; write 'dport 80-80'"),
    ("from 10.0.0.0/8 table 1 protocol bird", "38: error: invalid protocol 'bird'; expected a number from 0 to 255 "
     "(keepalived takes no name here)"),
    ("from 10.0.0.0/8 table 1 ipproto 132", "37: error: invalid ipproto '132'; expected a protocol name from "
     "/etc/protocols (tcp, udp, ...) or a number from 0 to 127"),
    ("from 10.0.0.0/8 table", "21: error: missing value after 'table'"),
]


def test_rule_errors_are_located(vrrpd, tmp_path):
    rc, err = check(vrrpd, tmp_path, static("static_rules", [line for line, _ in RULE_ERRORS]) +
                    INSTANCE.format(body="    virtual_rules {\n        from 10.0.0.0/8 table 1 track_group G\n    }\n"))
    n = len(RULE_ERRORS)
    expected = [f"r.conf:{k + 2}:{what}" for k, (_, what) in enumerate(RULE_ERRORS)]
    assert rc == 1
    assert err == expected + [f"r.conf:{n + 10}:33: error: 'track_group' is for static_rules only"]


def test_rule_warnings(vrrpd, tmp_path):
    c, err = load(vrrpd, tmp_path, static("static_rules", ["from 10.0.0.0/8 table 1 priority 1 protocol 4",
                                                           "from 10.1.0.0/8 table 1 priority 2 track_group G1"]))
    assert err == [
        "r.conf:2:49: warning: protocol 4 of a tracked rule is set to 18 (keepalived), as keepalived does; add "
        "no_track to keep it",
        "r.conf:3:40: warning: 'track_group' is not supported by vrrpd, ignored"]
    assert [r["protocol"] for r in c["static_rules"]] == [18, 18]


def test_a_repeated_route_or_rule_is_added_once(vrrpd, tmp_path):
    """keepalived adds a repeated line as it is, and the kernel refuses the copy (EEXIST) at every transition:
    vrrpd keeps the first, with a warning at the copy. Lines that differ in anything are kept."""
    c, err = load(vrrpd, tmp_path, static("static_routes", [
        "10.0.0.0/8 dev eth0 nexthop via 192.0.2.1 nexthop via 192.0.2.2",
        "10.0.0.0/8 dev eth0 nexthop via 192.0.2.1 nexthop via 192.0.2.3",
        "10.0.0.0/8 dev eth0 nexthop via 192.0.2.1 nexthop via 192.0.2.2",
        "10.0.0.0/8 dev eth0 metric 1",
    ]) + INSTANCE.format(body="    virtual_routes {\n        10.0.0.0/8 dev eth0 metric 1\n"
                              "        10.0.0.0/8 dev eth0 metric 1\n    }\n    virtual_rules {\n"
                              "        from 10.0.0.0/8 table 1 priority 5\n        from 10.0.0.0/8 table 1 priority 6\n"
                              "        from 10.0.0.0/8 table 1 priority 5\n    }\n"))
    assert err == [
        "r.conf:4:5: warning: this route repeats the one at r.conf:2; keepalived adds both and the kernel refuses "
        "the second: ignored",
        "r.conf:15:9: warning: this route repeats the one at r.conf:14; keepalived adds both and the kernel refuses "
        "the second: ignored",
        "r.conf:20:9: warning: this rule repeats the one at r.conf:18; keepalived adds both and the kernel refuses "
        "the second: ignored"]
    assert [len(r["nexthops"]) for r in c["static_routes"]] == [2, 2, 0]
    assert c["static_routes"][1]["nexthops"][1]["via"] == "192.0.2.3"
    vi = instance(c, "VI_1")
    assert (len(vi["virtual_routes"]), [r["priority"] for r in vi["virtual_rules"]]) == (1, [5, 6])
