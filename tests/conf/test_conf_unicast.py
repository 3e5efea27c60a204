"""unicast_fault_no_peer and track_src_ip as keepalived 2.2.7 reads them (vrrp_complete_instance())."""

import json

from conftest import run, text


def load(vrrpd, tmp_path, *lines):
    (tmp_path / "a.conf").write_text("vrrp_instance I {\n interface eth0\n virtual_router_id 7\n" +
                                     "".join(f" {line}\n" for line in lines) +
                                     " virtual_ipaddress {\n  192.0.2.1/24\n }\n}\n")
    proc = run(vrrpd, "--print-config", "--json", "-f", "a.conf", cwd=tmp_path)
    return json.loads(proc.stdout)["vrrp_instances"][0], text(proc)[1]


def test_unicast_without_a_peer_warns_and_runs_multicast(vrrpd, tmp_path):
    i, err = load(vrrpd, tmp_path, "unicast_src_ip 192.0.2.5")
    assert "a.conf:1:15: warning: vrrp_instance 'I' has unicast settings but no unicast_peer" in err
    assert i["mcast_dst_ip"] == "224.0.0.18" and i["unicast_fault_no_peer"] is False


def test_unicast_fault_no_peer_is_read_and_silences_the_warning(vrrpd, tmp_path):
    i, err = load(vrrpd, tmp_path, "unicast_fault_no_peer")
    assert i["unicast_fault_no_peer"] is True
    assert "warning" not in err and "not supported" not in err


def test_track_src_ip_needs_a_configured_source(vrrpd, tmp_path):
    i, err = load(vrrpd, tmp_path, "track_src_ip")
    assert i["track_src_ip"] is False and "not supported" not in err
    i, _ = load(vrrpd, tmp_path, "track_src_ip", "mcast_src_ip 192.0.2.5")
    assert i["track_src_ip"] is True


def test_dynamic_interfaces_and_default_interface_are_read(vrrpd, tmp_path):
    (tmp_path / "a.conf").write_text("global_defs {\n dynamic_interfaces allow_if_changes\n default_interface ens3\n"
                                     "}\nvrrp_instance I {\n interface eth0\n virtual_router_id 7\n"
                                     " virtual_ipaddress {\n  192.0.2.1/24\n }\n}\n")
    proc = run(vrrpd, "--print-config", "--json", "-f", "a.conf", cwd=tmp_path)
    g = json.loads(proc.stdout)["global_defs"]
    assert (g["dynamic_interfaces"], g["allow_if_changes"], g["default_interface"]) == (True, True, "ens3")
    assert "not supported" not in text(proc)[1]
    (tmp_path / "a.conf").write_text("global_defs {\n dynamic_interfaces sometimes\n}\n")
    proc = run(vrrpd, "-t", "-f", "a.conf", cwd=tmp_path)
    assert proc.returncode == 1
    assert ("a.conf:2:21: error: invalid value 'sometimes' for 'dynamic_interfaces'; expected nothing or "
            "'allow_if_changes'") in text(proc)[1]


def no_interface(vrrpd, tmp_path, *lines):
    (tmp_path / "a.conf").write_text("vrrp_instance I {\n virtual_router_id 7\n" + "".join(f" {l}\n" for l in lines)
                                     + "}\n")
    proc = run(vrrpd, "-t", "-f", "a.conf", cwd=tmp_path)
    return proc.returncode, text(proc)[1]


def test_a_unicast_instance_may_go_without_interface(vrrpd, tmp_path):
    rc, err = no_interface(vrrpd, tmp_path, "unicast_src_ip 192.0.2.5", "unicast_peer {", " 192.0.2.6", "}",
                           "virtual_ipaddress {", " 192.0.2.1/24 dev eth0", "}")
    assert rc == 0, err


def test_without_interface_what_keepalived_refuses(vrrpd, tmp_path):
    rc, err = no_interface(vrrpd, tmp_path, "virtual_ipaddress {", " 192.0.2.1/24 dev eth0", "}")
    assert rc == 1 and "a.conf:1:15: error: vrrp_instance 'I' has no interface; expected 'interface NAME' (only " \
                       "a unicast instance with unicast_src_ip may go without)" in err
    rc, err = no_interface(vrrpd, tmp_path, "unicast_src_ip 192.0.2.5", "unicast_peer {", " 192.0.2.6", "}",
                           "virtual_ipaddress {", " 192.0.2.1/24", "}")
    assert rc == 1 and "a.conf:8:3: error: vrrp_instance 'I' has no interface: its virtual addresses need " \
                       "'dev IF'" in err
    rc, err = no_interface(vrrpd, tmp_path, "unicast_src_ip fe80::5", "unicast_peer {", " fe80::6", "}",
                           "virtual_ipaddress {", " 2001:db8::1/64 dev eth0", "}")
    assert rc == 1 and "has no interface and a link-local unicast_src_ip" in err


def test_address_options_keepalived_takes(vrrpd, tmp_path):
    (tmp_path / "a.conf").write_text("vrrp_instance I {\n interface eth0\n virtual_router_id 7\n virtual_ipaddress {\n"
                                     "  192.0.2.1/24 preferred_lft 0 home\n  192.0.2.2/32 peer 192.0.2.9/32\n"
                                     "  192.0.2.3/24 preferred_lft forever autojoin\n }\n"
                                     " virtual_ipaddress_excluded {\n  2001:db8::1/64 peer 2001:db8::9 mngtmpaddr\n"
                                     " }\n}\n")
    proc = run(vrrpd, "--print-config", "--json", "-f", "a.conf", cwd=tmp_path)
    inst = json.loads(proc.stdout)["vrrp_instances"][0]
    got = [(v["preferred_lft"], v["peer"], v["ifa_flags"]) for v in inst["virtual_ipaddress"]]
    assert got == [(0, None, 0x10), (None, "192.0.2.9", 0), (4294967295, None, 0x400)]
    v6 = inst["virtual_ipaddress_excluded"][0]
    assert (v6["peer"], v6["ifa_flags"]) == (None, 0x100)
    err = text(proc)[1]
    assert "a.conf:10:23: warning: peer 2001:db8::9: vrrpd does not support peers of IPv6 addresses yet" in err
    assert "not supported by vrrpd" not in err


def test_vrf_names_the_vrf_of_a_unicast_instance_without_interface(vrrpd, tmp_path):
    unicast = ["unicast_src_ip 192.0.2.5", "unicast_peer {", " 192.0.2.6", "}",
               "virtual_ipaddress {", " 192.0.2.1/24 dev eth0", "}"]
    rc, err = no_interface(vrrpd, tmp_path, "vrf blue", *unicast)
    assert rc == 0 and "not supported" not in err, err
    proc = run(vrrpd, "--print-config", "--json", "-f", "a.conf", cwd=tmp_path)
    assert json.loads(proc.stdout)["vrrp_instances"][0]["vrf"] == "blue"
    rc, err = no_interface(vrrpd, tmp_path, "interface eth0", "vrf blue", *unicast)
    assert rc == 1 and "a.conf:4:6: error: vrf blue in vrrp_instance 'I': a VRF goes with an instance without " \
                       "interface" in err, err
    rc, err = no_interface(vrrpd, tmp_path, "interface eth0", "vrf blue", "virtual_ipaddress {", " 192.0.2.1/24",
                           "}")
    assert rc == 1 and "a VRF goes with an instance without interface" in err, err
