"""static_ipaddress, static_routes, static_rules, virtual_routes and virtual_rules as keepalived 2.2.7 reads them
(vrrp_ipaddress.c alloc_ipaddress(), vrrp_iproute.c alloc_route(), vrrp_iprule.c alloc_rule()), asserted through
`vrrpd --print-config --json` and the located diagnostics of `vrrpd -t`."""

import json

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
