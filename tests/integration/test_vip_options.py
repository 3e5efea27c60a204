"""Address options keepalived takes on a virtual_ipaddress line and vrrpd skipped (issue 11): preferred_lft (0
marks an address deprecated, so it is never the source of new connections: OpenNebula writes it on every IPv6
VIP), peer (a point-to-point address) and the kernel's address flags."""

import json

from test_failover import CASES, start, wait_master
from vrrptopo import VrrpInstance
from vrrptopo.timing import master_down_interval

V3 = CASES["v3-ipv4"]


def test_preferred_lft_peer_and_flags_reach_the_kernel(topology, vrrpd_path):
    topo, vip = topology, topology.vip4(0)
    r1 = topo["r1"]
    inst = VrrpInstance(name="VI_1", vrid=97, priority=150, advert_int=V3["advert_int"],
                        vips=[f"{vip}/24 preferred_lft 0", "198.51.100.1/32 peer 198.51.100.2/32 dev eth0"],
                        extra=["virtual_ipaddress_excluded {", "    2001:db8:1::77/64 dev eth0 mngtmpaddr", "}"])
    start(r1, [inst])
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)
    addrs = {a["local"]: a for i in json.loads(r1.sh("ip", "-j", "addr", "show", "dev", "eth0").stdout)
             for a in i["addr_info"]}
    assert addrs[vip].get("deprecated"), addrs[vip]
    assert addrs["198.51.100.1"]["address"] == "198.51.100.2", addrs["198.51.100.1"]
    assert addrs["2001:db8:1::77"].get("mngtmpaddr"), addrs["2001:db8:1::77"]
