"""One VRID on one interface for several instances, where keepalived 2.2.7 allows it (check_vrid_conflicts()):
other multicast groups (mcast_dst_ip), unicast and multicast side by side, unicast instances without a peer in
common. And mcast_dst_ip's own checks (vrrp_mcast_dstip_handler())."""

import json

from conftest import run, text


def conf(tmp_path, *blocks):
    body = ""
    for n, lines in enumerate(blocks):
        body += f"vrrp_instance I{n} {{\n interface eth0\n virtual_router_id 7\n" + "".join(
            f" {line}\n" for line in lines) + f" virtual_ipaddress {{\n  192.0.2.{n + 1}/24\n }}\n}}\n"
    (tmp_path / "a.conf").write_text(body)
    return "a.conf"


def check(vrrpd, tmp_path, *blocks):
    proc = run(vrrpd, "-t", "-f", conf(tmp_path, *blocks), cwd=tmp_path)
    return proc.returncode, text(proc)[1]


def test_other_groups_share_a_vrid(vrrpd, tmp_path):
    rc, err = check(vrrpd, tmp_path, [], ["mcast_dst_ip 224.0.0.19"])
    assert rc == 0, err
    proc = run(vrrpd, "--print-config", "--json", "-f", "a.conf", cwd=tmp_path)
    got = [i["mcast_dst_ip"] for i in json.loads(proc.stdout)["vrrp_instances"]]
    assert got == ["224.0.0.18", "224.0.0.19"]


def test_one_group_twice_is_refused(vrrpd, tmp_path):
    rc, err = check(vrrpd, tmp_path, ["mcast_dst_ip 224.0.0.19"], ["mcast_dst_ip 224.0.0.19"])
    assert rc == 1
    assert "a.conf:11:20: error: virtual_router_id 7 on eth0 (IPv4) is already used by vrrp_instance 'I0'" in err


def test_unicast_and_multicast_share_a_vrid(vrrpd, tmp_path):
    rc, err = check(vrrpd, tmp_path, [], ["unicast_peer {", " 192.0.2.50", "}"])
    assert rc == 0, err


def test_unicast_with_other_peers_share_a_vrid(vrrpd, tmp_path):
    rc, err = check(vrrpd, tmp_path, ["unicast_peer {", " 192.0.2.50", " 192.0.2.51", "}"],
                    ["unicast_peer {", " 192.0.2.52", "}"])
    assert rc == 0, err


def test_unicast_with_a_common_peer_is_refused(vrrpd, tmp_path):
    rc, err = check(vrrpd, tmp_path, ["unicast_peer {", " 192.0.2.50", " 192.0.2.51", "}"],
                    ["unicast_peer {", " 192.0.2.49", " 192.0.2.51", "}"])
    assert rc == 1
    assert ("a.conf:17:3: error: unicast_peer 192.0.2.51 is also a peer of vrrp_instance 'I0' (a.conf:1), with "
            "the same virtual_router_id 7 on eth0") in err


def test_unicast_with_other_sources_share_peers(vrrpd, tmp_path):
    rc, err = check(vrrpd, tmp_path, ["unicast_src_ip 192.0.2.60", "unicast_peer {", " 192.0.2.50", "}"],
                    ["unicast_src_ip 192.0.2.61", "unicast_peer {", " 192.0.2.50", "}"])
    assert rc == 0, err


def test_mcast_dst_ip_checks(vrrpd, tmp_path):
    rc, err = check(vrrpd, tmp_path, ["mcast_dst_ip 192.0.2.9"])
    assert rc == 1 and "a.conf:4:15: error: mcast_dst_ip 192.0.2.9 is not an IPv4 multicast address" in err
    rc, err = check(vrrpd, tmp_path, ["mcast_dst_ip ff05::12"])
    assert rc == 1 and "a.conf:4:15: error: IPv6 mcast_dst_ip ff05::12 in IPv4 instance 'I0'" in err
    rc, err = check(vrrpd, tmp_path, ["mcast_dst_ip 224.0.0.19", "unicast_peer {", " 192.0.2.50", "}"])
    assert rc == 0 and "a.conf:4:15: warning: mcast_dst_ip 224.0.0.19 in unicast instance 'I0' is ignored" in err
