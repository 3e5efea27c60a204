"""A unicast instance without `interface`, as keepalived runs it (vrrp_complete_instance(), issue 11): it needs a
unicast_src_ip, and every VIP its dev; its adverts go where the routes say and it hears its peers on any
interface. Here r1's peer is reached through a second LAN, r2's through the first: the instances have no
interface to share."""

from test_bus import INSTANCE, Bus, path_of
from test_failover import CASES, wait_master
from vrrptopo import keepalived_config, wait_until
from vrrptopo.timing import master_down_interval

V3 = CASES["v3-ipv4"]


def block(name, priority, src, peer, vip):
    return (f"vrrp_instance {name} {{\n    version 3\n    state BACKUP\n    virtual_router_id 95\n"
            f"    priority {priority}\n    advert_int {V3['advert_int']}\n    unicast_src_ip {src}\n"
            f"    unicast_peer {{\n        {peer}\n    }}\n    virtual_ipaddress {{\n        {vip}/24 dev eth0\n"
            f"    }}\n}}\n")


def start_conf(router, text):
    conf = router.dir / "vrrpd.conf"
    return router.vrrpd(text, args=["-l", "-f", str(conf)]).wait_ready()


def test_a_unicast_instance_without_interface(make_topology, vrrpd_path):
    topo = make_topology(lans=2)
    r1, r2, vip = topo["r1"], topo["r2"], topo.vip4(0)
    # each sends from its second LAN's address, to the other's: no interface is named anywhere
    start_conf(r1, keepalived_config([]) + block("VI_U", 150, r1.ipv4(1), r2.ipv4(1), vip))
    start_conf(r2, keepalived_config([]) + block("VI_U", 100, r2.ipv4(1), r1.ipv4(1), vip))
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)
    assert Bus(r1).get(path_of("VI_U"), INSTANCE, "Interface") == ""
    wait_until("r2 to hear r1", lambda: int(Bus(r2).get(path_of("VI_U"), INSTANCE, "Statistics")
                                            ["adverts-received"]) >= 3, timeout=3)
    assert Bus(r2).get(path_of("VI_U"), INSTANCE, "State") == "backup"


def test_a_unicast_instance_in_a_vrf(make_topology, vrrpd_path):
    """`vrf NAME` (keepalived's, for a unicast instance without interface): its socket is bound to the VRF, its
    routes without a table go to the VRF's. This kernel may lack the vrf device type: then skip, saying so."""
    import pytest

    topo = make_topology(lans=2)
    r1, r2, vip = topo["r1"], topo["r2"], topo.vip4(0)
    for r in (r1, r2):
        probe = r.sh("ip", "link", "add", "vrf-blue", "type", "vrf", "table", "1001", check=False)
        if probe.returncode != 0:
            pytest.skip(f"no VRF device type in this kernel: {probe.stderr.strip()}")
        r.sh("ip", "link", "set", "vrf-blue", "up")
        r.sh("ip", "link", "set", "eth1", "master", "vrf-blue")
    vrf = "    vrf vrf-blue\n"
    start_conf(r1, keepalived_config([]) + block("VI_U", 150, r1.ipv4(1), r2.ipv4(1), vip).replace(
        "    version 3\n", "    version 3\n" + vrf))
    start_conf(r2, keepalived_config([]) + block("VI_U", 100, r2.ipv4(1), r1.ipv4(1), vip).replace(
        "    version 3\n", "    version 3\n" + vrf))
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)
    wait_until("r2 to hear r1 through the VRF", lambda: int(Bus(r2).get(path_of("VI_U"), INSTANCE, "Statistics")
                                                            ["adverts-received"]) >= 3, timeout=3)
