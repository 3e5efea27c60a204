"""use_vmac (issue 10): the VIP on a private macvlan with the RFC's virtual MAC, adverts and GARPs from that MAC,
the client's neighbour entry for the VIP on the virtual MAC across a failover (also after the master and the
client talked), a backup that sends nothing from it, and nothing left behind."""

import json

import pytest

from vrrptopo import VrrpInstance, keepalived_config, wait_until
from vrrptopo.run import IP
from vrrptopo.timing import master_down_interval, vip_of

CASES = {
    "v3-ipv4": dict(version=3, family=4, advert_int=0.5, auth_pass=None),
    "v3-ipv6": dict(version=3, family=6, advert_int=0.5, auth_pass=None),
}
VRID = 51
VMAC = {4: "00:00:5e:00:01:33", 6: "00:00:5e:00:02:33"}  # 0x33 = 51
LINK = "vrrp.51"


@pytest.fixture(params=CASES.values(), ids=CASES.keys())
def case(request):
    return request.param


def instance(topo, case, priority, extra=("use_vmac",)):
    prefix = 24 if case["family"] == 4 else 64
    return VrrpInstance(name="VI_1", vrid=VRID, priority=priority, vips=[f"{vip_of(topo, case)}/{prefix}"],
                        version=case["version"], advert_int=case["advert_int"], extra=list(extra))


def start(router, instances):
    conf = router.dir / "vrrpd.conf"
    return router.vrrpd(keepalived_config(instances), args=["-l", "-f", str(conf)]).wait_ready()


def start_master_on_vmac(topo, router, case):
    """vrrpd alone on router with use_vmac, once it is master with the VIP on the macvlan."""
    daemon = start(router, [instance(topo, case, 150)])
    vip = vip_of(topo, case)
    wait_until(f"{vip} on {router.name}'s {LINK}", lambda: on_vmac(router, vip),
               timeout=master_down_interval(case, 150) + 3)
    return daemon


def links(router):
    return {link["ifname"]: link for link in json.loads(router.sh(IP, "-d", "-j", "link", "show").stdout)}


def on_vmac(router, vip):
    return LINK in links(router) and vip in router.addresses(dev=LINK)


def wait_master(topo, name, vip, timeout):
    other = [r for r in topo.routers if r.name != name]
    wait_until(f"{vip} on {name}'s {LINK} alone",
               lambda: on_vmac(topo[name], vip) and not any(on_vmac(r, vip) for r in other), timeout=timeout)


def client_neighbour(topo, vip):
    entries = json.loads(topo.client.sh(IP, "-j", "neigh", "show", vip).stdout or "[]")
    return entries[0].get("lladdr") if entries else None


def send_from(router, src, dst):
    """One UDP datagram from src to dst (port 9, discard): the router resolves dst with src as its address."""
    family = "AF_INET6" if ":" in src else "AF_INET"
    code = (f"import socket; s = socket.socket(socket.{family}, socket.SOCK_DGRAM); s.bind(('{src}', 0)); "
            f"s.sendto(b'x', ('{dst}', 9))")
    router.sh("/usr/bin/python3", "-c", code)
    wait_until(f"{router.name} to resolve {dst}", lambda: '"lladdr"' in router.sh(IP, "-j", "neigh", "show", dst).stdout,
               timeout=3)


def bus_property(router, name):
    """An org.vrrpd.Vrrp1.Instance property of VI_1 on the router's own bus, through busctl."""
    env = [f"{k}={v}" for k, v in router.bus_env().items()]
    out = router.sh("env", *env, "busctl", "--system", "get-property", "org.vrrpd.Vrrp1",
                    "/org/vrrpd/Vrrp1/instance/VI_5f1", "org.vrrpd.Vrrp1.Instance", name).stdout
    return out.strip().split(" ", 1)[1].strip('"')


def parent_arp(router):
    """eth0's arp_ignore, arp_filter and arp_announce: what use_vmac changes on the parent."""
    return [sysctl(router, "eth0", n) for n in ("arp_ignore", "arp_filter", "arp_announce")]


def sysctl(router, dev, name, family=4):
    return router.sh("cat", f"/proc/sys/net/ipv{family}/conf/{dev}/{name}").stdout.strip()


def test_vip_and_adverts_on_the_virtual_mac_and_the_client_keeps_it(topology, vrrpd_path, case):
    topo, vip, fam = topology, vip_of(topology, case), case["family"]
    r1 = start(topo["r1"], [instance(topo, case, 150)])
    start(topo["r2"], [instance(topo, case, 100)])
    wait_master(topo, "r1", vip, timeout=master_down_interval(case, 150) + 3)
    for r in topo.routers:  # the backup keeps its macvlan up, as keepalived does
        link = links(r)[LINK]
        assert (link["address"], link["linkinfo"]["info_kind"]) == (VMAC[fam], "macvlan"), link
        assert link["linkinfo"]["info_data"]["mode"] == "private" and "UP" in link["flags"], link
        if r.name == "r2":
            assert r.addresses(dev=LINK) == [], "a backup's macvlan has an address"
        elif fam == 6:  # the master's macvlan carries its own link-local (the parent's), for its adverts and ND
            assert sorted(r.addresses(dev=LINK, family=6)) == sorted([vip, r.link_local()]), r.addresses(dev=LINK)
    assert (bus_property(topo["r2"], "VirtualMacInterface"), bus_property(topo["r2"], "VirtualMac")) == (LINK, VMAC[fam])
    if fam == 4:
        assert parent_arp(topo["r1"]) == ["1", "1", "2"]
        assert [sysctl(topo["r1"], LINK, n) for n in ("arp_ignore", "accept_local", "rp_filter")] == ["1", "1", "0"]
    capture = topo.capture()
    adverts = capture.wait_for("an advert from r1", lambda ps: [p for p in ps if p.prio == 150])
    assert {p.eth_src for p in adverts} == {VMAC[fam]}, "r1's adverts do not come from the virtual MAC"
    # The client talks to the VIP, then the master to the client from the VIP (its own ARP/NS for the client).
    topo.client.ping(vip, timeout=3)
    topo["r1"].sh(IP, "neigh", "flush", "dev", "eth0")
    send_from(topo["r1"], vip, topo.client.ipv4() if fam == 4 else topo.client.ipv6())
    assert client_neighbour(topo, vip) == VMAC[fam], "the client learnt another MAC for the VIP"
    r1.crash()  # SIGKILL: r1's macvlan and VIP stay, as after a real crash; the client must still reach r2
    wait_until(f"{vip} on r2's {LINK}", lambda: on_vmac(topo["r2"], vip), timeout=master_down_interval(case, 100) + 3)
    topo.client.ping(vip, timeout=3)
    assert client_neighbour(topo, vip) == VMAC[fam], "after the failover the client's entry left the virtual MAC"
    capture.stop()


def test_stop_removes_the_macvlan_and_restores_the_parent(topology, vrrpd_path):
    case = CASES["v3-ipv4"]
    topo, vip = topology, vip_of(topology, case)
    r1 = topo["r1"]
    before = parent_arp(r1)
    daemon = start_master_on_vmac(topo, r1, case)
    daemon.stop()
    assert daemon.process.returncode == 0, daemon.log
    assert LINK not in links(r1), "the macvlan outlived vrrpd"
    assert parent_arp(r1) == before


def test_a_restart_after_a_crash_takes_over_the_one_macvlan(topology, vrrpd_path):
    case = CASES["v3-ipv4"]
    topo, vip = topology, vip_of(topology, case)
    r1 = topo["r1"]
    daemon = start_master_on_vmac(topo, r1, case)
    index = links(r1)[LINK]["ifindex"]
    daemon.crash()
    daemon = start_master_on_vmac(topo, r1, case)
    macvlans = [n for n, link in links(r1).items() if link.get("linkinfo", {}).get("info_kind") == "macvlan"]
    assert macvlans == [LINK] and links(r1)[LINK]["ifindex"] == index, f"macvlans after the restart: {macvlans}"
    daemon.stop()
    assert LINK not in links(r1)


def provoke(topo, vip):
    """Frames from the client that make hosts answer: an IGMP and an MLD general query, a router advertisement
    with an autonomous prefix (SLAAC would make an address from the virtual MAC and DAD it), and a who-has for
    the VIP in ARP and in NDP. A compressed minute of backup life: what matters is each kind of source."""
    from scapy.all import (ARP, ICMPv6MLQuery, ICMPv6ND_NS, ICMPv6ND_RA, ICMPv6NDOptPrefixInfo, IP, IPv6, Ether,
                           raw)
    from scapy.contrib.igmp import IGMP
    from vrrptopo import inject

    mac = topo.client.mac()
    frames = [Ether(dst="01:00:5e:00:00:01", src=mac) / IP(src=topo.client.ipv4(), dst="224.0.0.1", ttl=1) /
              IGMP(type=0x11, mrcode=10),
              Ether(dst="33:33:00:00:00:01", src=mac) / IPv6(src=topo.client.link_local(), dst="ff02::1", hlim=1) /
              ICMPv6MLQuery(),
              Ether(dst="33:33:00:00:00:01", src=mac) / IPv6(src=topo.client.link_local(), dst="ff02::1") /
              ICMPv6ND_RA() / ICMPv6NDOptPrefixInfo(prefix="2001:db8:99::", prefixlen=64, L=1, A=1)]
    if ":" in vip:
        frames.append(Ether(dst="33:33:ff:00:01:00", src=mac) / IPv6(src=topo.client.link_local(),
                                                                        dst="ff02::1:ff00:100") / ICMPv6ND_NS(tgt=vip))
    else:
        frames.append(Ether(dst="ff:ff:ff:ff:ff:ff", src=mac) / ARP(op=1, hwsrc=mac, psrc=topo.client.ipv4(),
                                                                       pdst=vip))
    inject.send(topo.client, [raw(f) for f in frames])


def test_a_backup_sends_nothing_from_the_virtual_mac(topology, vrrpd_path, case):
    """From its start through ten of the master's adverts (when DAD, MLD reports and router solicitations would
    go out), no frame enters the switch from the backup's port with the virtual MAC as its source."""
    topo, vip, fam = topology, vip_of(topology, case), case["family"]
    start(topo["r1"], [instance(topo, case, 150)])
    wait_master(topo, "r1", vip, timeout=master_down_interval(case, 150) + 3)
    from_r2 = topo.capture(node="sw", dev="r2-0", name="from-r2", bpf=f"inbound and ether src {VMAC[fam]}")
    to_r2 = topo.capture(node="sw", dev="r2-0", name="to-r2", bpf="outbound and (ip proto 112 or ip6 proto 112)")
    start(topo["r2"], [instance(topo, case, 100)])
    wait_until(f"r2's {LINK} up", lambda: "UP" in links(topo["r2"]).get(LINK, {}).get("flags", []), timeout=5)
    provoke(topo, vip)  # what makes a host speak: queries, an RA with a SLAAC prefix, ARP / NS for the VIP
    to_r2.wait_for("ten of r1's adverts delivered to r2 while it is backup", lambda ps: len(ps) >= 10, timeout=15)
    assert not on_vmac(topo["r2"], vip)
    assert topo["r2"].addresses(dev=LINK) == [], "the backup's macvlan has an address"
    from_r2.stop()
    assert from_r2.packets() == [], f"r2 sent from the virtual MAC as backup: {from_r2.packets()}"


def test_a_crash_is_undone_at_the_next_start(topology, vrrpd_path):
    """SIGKILL leaves the macvlan and the parent's ARP settings; the next start, with a config that no longer
    uses a virtual MAC, deletes the one and puts the others back as they were before the first run."""
    case = CASES["v3-ipv4"]
    topo, vip = topology, vip_of(topology, case)
    r1 = topo["r1"]
    before = parent_arp(r1)
    daemon = start_master_on_vmac(topo, r1, case)
    daemon.crash()
    assert LINK in links(r1) and parent_arp(r1) \
        == ["1", "1", "2"]
    daemon = start(r1, [instance(topo, case, 150, extra=())])
    assert LINK not in links(r1), "the macvlan a crashed run left is still there"
    assert parent_arp(r1) == before
    wait_until(f"{vip} on r1's eth0", lambda: vip in r1.addresses(), timeout=master_down_interval(case, 150) + 3)
    daemon.stop()


def test_a_deleted_macvlan_is_made_again_and_a_downed_one_set_up(topology, vrrpd_path):
    case = CASES["v3-ipv4"]
    topo, vip = topology, vip_of(topology, case)
    r1 = topo["r1"]
    daemon = start_master_on_vmac(topo, r1, case)
    old = links(r1)[LINK]["ifindex"]
    r1.sh(IP, "link", "del", LINK)
    wait_until(f"{LINK} made again with {vip} on it",
               lambda: on_vmac(r1, vip) and links(r1)[LINK]["ifindex"] != old, timeout=5)
    assert links(r1)[LINK]["address"] == VMAC[4]
    topo.client.ping(vip, timeout=3)
    r1.sh(IP, "link", "set", LINK, "down")
    wait_until(f"{LINK} up again", lambda: "UP" in links(r1)[LINK]["flags"], timeout=5)
    daemon.stop()
    assert daemon.process.returncode == 0, daemon.log
    assert LINK not in links(r1)


def test_two_instances_on_one_parent_and_vmac_xmit_base(topology, vrrpd_path):
    """Two macvlans on eth0 (one with vmac_xmit_base: its adverts from eth0's own MAC); the parent's settings
    stay until the last goes."""
    case = CASES["v3-ipv4"]
    topo = topology
    r1 = topo["r1"]
    vips = [topo.vip4(0), topo.vip4(1)]
    first = VrrpInstance(name="VI_1", vrid=51, priority=150, vips=[f"{vips[0]}/24"], advert_int=0.5,
                         extra=["use_vmac"])
    second = VrrpInstance(name="VI_2", vrid=52, priority=150, vips=[f"{vips[1]}/24"], advert_int=0.5,
                          extra=["use_vmac", "vmac_xmit_base"])
    capture = topo.capture()
    daemon = start(r1, [first, second])
    wait_until("both VIPs on their macvlans",
               lambda: vips[0] in r1.addresses(dev="vrrp.51") and vips[1] in r1.addresses(dev="vrrp.52"),
               timeout=master_down_interval(case, 150) + 3)
    assert links(r1)["vrrp.52"]["address"] == "00:00:5e:00:01:34"
    adverts = capture.wait_for("adverts of both VRIDs",
                               lambda ps: ps if {p.vrid for p in ps if p.prio == 150} == {51, 52} else None)
    assert {p.eth_src for p in adverts if p.vrid == 51} == {VMAC[4]}
    assert {p.eth_src for p in adverts if p.vrid == 52} == {r1.mac()}, "vmac_xmit_base: adverts from eth0's MAC"
    assert parent_arp(r1) == ["1", "1", "2"]
    daemon.stop()
    assert "vrrp.51" not in links(r1) and "vrrp.52" not in links(r1)
    assert parent_arp(r1) == ["0", "0", "0"]


def test_a_reload_moves_a_masters_vips_onto_and_off_the_macvlan(topology, vrrpd_path):
    case = CASES["v3-ipv4"]
    topo, vip = topology, vip_of(topology, case)
    r1 = topo["r1"]
    daemon = start(r1, [instance(topo, case, 150, extra=())])
    wait_until(f"{vip} on r1's eth0", lambda: vip in r1.addresses(), timeout=master_down_interval(case, 150) + 3)
    daemon.reload(keepalived_config([instance(topo, case, 150)]))
    wait_until(f"{vip} moved onto {LINK}", lambda: on_vmac(r1, vip) and vip not in r1.addresses(), timeout=5)
    topo.client.ping(vip, timeout=3)
    assert client_neighbour(topo, vip) == VMAC[4], "the GARPs after the move did not reach the client"
    daemon.reload(keepalived_config([instance(topo, case, 150, extra=())]))
    wait_until(f"{vip} back on eth0, {LINK} gone", lambda: vip in r1.addresses() and LINK not in links(r1),
               timeout=5)
    topo.client.ping(vip, timeout=3)
    assert client_neighbour(topo, vip) == r1.mac()
    daemon.stop()


@pytest.mark.parametrize("xmit_base", [True, False], ids=["xmit-base", "adverts-from-vmac"])
def test_garp_extra_if_refreshes_a_macvlan_that_sends_no_adverts(topology, vrrpd_path, xmit_base):
    """garp_extra_if 1: with vmac_xmit_base the macvlan's MAC is in no advert, so the master sends a GARP from
    it every second; when the adverts come from the macvlan they refresh it, and no extra GARP is sent."""
    case = CASES["v3-ipv4"]
    topo, vip = topology, vip_of(topology, case)
    extra = ["use_vmac", "garp_master_delay 0", "garp_master_repeat 1", "garp_extra_if 1"]
    extra += ["vmac_xmit_base"] if xmit_base else []
    arps = topo.capture(name="arp-vmac", bpf=f"arp and ether src {VMAC[4]}")
    start(topo["r1"], [instance(topo, case, 150, extra=extra)])
    wait_until(f"{vip} on r1's {LINK}", lambda: on_vmac(topo["r1"], vip), timeout=master_down_interval(case, 150) + 3)
    adverts = topo.capture(name="adverts")
    adverts.wait_for("4 s of adverts", lambda ps: len(ps) >= 8, timeout=10)  # 0.5 s interval
    frames = arps.packets()
    if not xmit_base:
        assert len(frames) == 1, f"ARPs from the virtual MAC beyond the master's one: {frames}"
        return
    assert len(frames) >= 4, f"expected the first GARP and one a second since: {frames}"
    gaps = [b.time - a.time for a, b in zip(frames[1:], frames[2:])]
    assert all(0.95 <= g <= 1.05 for g in gaps), f"garp_extra_if gaps {gaps}"


def test_all_rp_filter_is_named_once_and_left_alone(topology, vrrpd_path):
    case = CASES["v3-ipv4"]
    topo = topology
    r1 = topo["r1"]
    r1.sh("sysctl", "-qw", "net.ipv4.conf.all.rp_filter=1")  # r1's own namespace
    first = VrrpInstance(name="VI_1", vrid=51, priority=150, vips=[f"{topo.vip4(0)}/24"], extra=["use_vmac"])
    second = VrrpInstance(name="VI_2", vrid=52, priority=150, vips=[f"{topo.vip4(1)}/24"], extra=["use_vmac"])
    daemon = start(r1, [first, second])
    wait_until("both macvlans", lambda: {"vrrp.51", "vrrp.52"} <= set(links(r1)), timeout=5)
    assert sysctl(r1, "all", "rp_filter") == "1", "vrrpd wrote net.ipv4.conf.all.rp_filter"
    assert daemon.log.count("net.ipv4.conf.all.rp_filter is 1") == 1, daemon.log
    daemon.stop()


def kernel_has_ipvlan(router):
    probe = router.sh(IP, "link", "add", "link", "eth0", "name", "ipvlan-probe", "type", "ipvlan", "mode", "l2",
                      check=False)
    if probe.returncode == 0:
        router.sh(IP, "link", "del", "ipvlan-probe")
    return probe.returncode == 0


def test_use_ipvlan_puts_the_vip_on_an_ipvlan(topology, vrrpd_path):
    case = CASES["v3-ipv4"]
    topo, vip = topology, vip_of(topology, case)
    r1 = topo["r1"]
    if not kernel_has_ipvlan(r1):
        pytest.skip("this kernel has no ipvlan link type (test_use_ipvlan_without_kernel_support covers that)")
    daemon = start(r1, [instance(topo, case, 150, extra=["use_ipvlan 192.0.2.50/24 private"])])
    wait_until(f"{vip} on r1's {LINK}", lambda: vip in r1.addresses(dev=LINK),
               timeout=master_down_interval(case, 150) + 3)
    link = links(r1)[LINK]
    assert link["linkinfo"]["info_kind"] == "ipvlan" and "192.0.2.50" in r1.addresses(dev=LINK), link
    daemon.stop()
    assert LINK not in links(r1)


def test_use_ipvlan_without_kernel_support_says_so(topology, vrrpd_path):
    """Where the kernel has no ipvlan, the instance that asks for one does not start and the log says why; the
    others run."""
    case = CASES["v3-ipv4"]
    topo = topology
    r1 = topo["r1"]
    if kernel_has_ipvlan(r1):
        pytest.skip("this kernel has ipvlan (test_use_ipvlan_puts_the_vip_on_an_ipvlan covers it)")
    other = VrrpInstance(name="VI_2", vrid=52, priority=150, vips=[f"{topo.vip4(1)}/24"], advert_int=0.5)
    daemon = start(r1, [instance(topo, case, 150, extra=["use_ipvlan 192.0.2.50/24"]), other])
    wait_until(f"{topo.vip4(1)} on r1", lambda: topo.vip4(1) in r1.addresses(),
               timeout=master_down_interval(case, 150) + 3)
    assert "this kernel has no ipvlan link type" in daemon.log, daemon.log
    assert LINK not in links(r1)
    daemon.stop()


def test_use_vmac_addr_gives_the_other_familys_vip_a_macvlan_of_its_own(topology, vrrpd_path):
    """An IPv4 instance with use_vmac and use_vmac_addr, and an IPv6 address in virtual_ipaddress_excluded: the
    IPv6 address goes on a second macvlan, vrrp6.51, with the IPv6 virtual MAC, and the client reaches it there."""
    case = CASES["v3-ipv4"]
    topo, vip, vip6 = topology, vip_of(topology, case), topology.vip6()
    r1 = topo["r1"]
    inst = instance(topo, case, 150, extra=["use_vmac", "use_vmac_addr", "virtual_ipaddress_excluded {",
                                             f"    {vip6}/64", "}"])
    daemon = start(r1, [inst])
    wait_until("both VIPs on their macvlans", lambda: on_vmac(r1, vip) and vip6 in r1.addresses(dev="vrrp6.51"),
               timeout=master_down_interval(case, 150) + 3)
    assert links(r1)["vrrp6.51"]["address"] == VMAC[6]
    assert topo.client.ping(vip6, timeout=3)
    assert client_neighbour(topo, vip6) == VMAC[6]
    daemon.stop()
    assert not {LINK, "vrrp6.51"} & set(links(r1))


def test_link_loss_moves_the_vip_off_the_macvlan_and_back(topology, vrrpd_path):
    """The parent loses carrier: the master goes to FAULT and the backup's macvlan takes the VIP; carrier back:
    the macvlan is still there, up, and preemption brings the VIP back onto it; the client follows both ways."""
    case = CASES["v3-ipv4"]
    topo, vip = topology, vip_of(topology, case)
    start(topo["r1"], [instance(topo, case, 150)])
    start(topo["r2"], [instance(topo, case, 100)])
    wait_master(topo, "r1", vip, timeout=master_down_interval(case, 150) + 3)
    topo.cut("r1")
    wait_master(topo, "r2", vip, timeout=master_down_interval(case, 100) + 3)
    topo.mend("r1")
    wait_master(topo, "r1", vip, timeout=2 * master_down_interval(case, 150) + 3)
    assert "UP" in links(topo["r1"])[LINK]["flags"]
    wait_until("the client's curl to the VIP answered by r1",
               lambda: (topo.client.curl(vip) or "").strip() == "r1", timeout=5)
    assert client_neighbour(topo, vip) == VMAC[4]

