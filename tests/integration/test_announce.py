"""A new master announces every VIP on that VIP's own interface, as keepalived does: VRRP runs on eth0, the
service VIP sits on eth1 (`dev eth1`), and an IPv4 instance carries IPv6 VIPs in virtual_ipaddress_excluded.
Gratuitous ARP for IPv4, unsolicited NA for IPv6, each from the MAC of the interface the VIP is on, on the
instance's schedule: garp_master_repeat at once, as many again after garp_master_delay."""

import subprocess
from dataclasses import dataclass

from test_failover import CASES, holds, start, wait_master
from vrrptopo import Capture, VrrpInstance, keepalived_config, wait_until
from vrrptopo.timing import master_down_interval

V3 = CASES["v3-ipv4"]
REPEAT = 3  # garp_master_repeat
DELAY = 1.0  # garp_master_delay, seconds
BURST = 0.5  # a burst's packets leave together; the bursts are DELAY apart


@dataclass(frozen=True)
class Announcement:
    """A gratuitous ARP (kind "arp") or unsolicited NA ("na") for addr, from eth_src; lladdr is the ARP's sender
    MAC or the NA's target link-layer address; override: the NA's O flag."""

    time: float
    kind: str
    addr: str
    eth_src: str
    lladdr: str
    override: bool


FIELDS = ("frame.time_relative", "eth.src", "arp.opcode", "arp.src.hw_mac", "arp.src.proto_ipv4",
          "arp.dst.proto_ipv4", "icmpv6.type", "icmpv6.nd.na.target_address", "icmpv6.nd.na.flag.o",
          "icmpv6.opt.linkaddr")


def announcements(pcap):
    """The gratuitous ARPs (sender IP = target IP) and Neighbor Advertisements of a pcap, in order."""
    argv = ["tshark", "-n", "-r", str(pcap), "-T", "fields", "-E", "separator=/t", "-E", "occurrence=f"]
    for f in FIELDS:
        argv += ["-e", f]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise AssertionError(f"tshark -r {pcap} exited {r.returncode}: {r.stderr.strip()}")
    found = []
    for line in r.stdout.splitlines():
        cols = (line.split("\t") + [""] * len(FIELDS))[: len(FIELDS)]
        t, src, op, arp_mac, arp_src, arp_dst, icmp_type, target, flag_o, opt_mac = cols
        if op and arp_src and arp_src == arp_dst:
            found.append(Announcement(float(t), "arp", arp_src, src, arp_mac, False))
        elif icmp_type == "136":
            found.append(Announcement(float(t), "na", target, src, opt_mac, flag_o in ("1", "True")))
    return found


def capture(topo, lan):
    path = topo.client.dir / f"announce-eth{lan}.pcap"
    return Capture(topo.client, topo.lans[lan].ifname, path, bpf="arp or icmp6").start()


def instance(topo, priority):
    """VRRP on eth0; VIPs on eth0 and eth1, IPv6 ones (the other family) excluded from the adverts."""
    extra = [f"garp_master_repeat {REPEAT}", f"garp_master_delay {DELAY:g}",
             "virtual_ipaddress_excluded {", f"    {topo.vip6(lan=1)}/64 dev eth1", f"    {topo.vip6()}/64", "}"]
    return VrrpInstance(name="VI_1", vrid=51, priority=priority, advert_int=V3["advert_int"],
                        vips=[f"{topo.vip4()}/24", f"{topo.vip4(lan=1)}/24 dev eth1"], extra=extra)


def check_bursts(seen, what):
    """Two bursts of REPEAT, DELAY apart: nothing more in the first, nothing missing from either."""
    t = [a.time for a in seen]
    first, second = t[:REPEAT], t[REPEAT:2 * REPEAT]
    assert first[-1] - first[0] < BURST, f"{what}: the first burst spread over {first}"
    assert second[0] - first[0] >= DELAY - 0.1, \
        f"{what}: more than {REPEAT} in the first burst, or the second came early: {t}"
    assert second[-1] - second[0] < BURST, f"{what}: the second burst spread over {second}"


def test_a_new_master_announces_vips_on_their_own_interfaces(make_topology, vrrpd_path):
    topo = make_topology(lans=2)
    r1, r2 = topo["r1"], topo["r2"]
    d1 = start(r1, [instance(topo, 150)])
    start(r2, [instance(topo, 100)])
    wait_master(topo, "r1", topo.vip4(), timeout=master_down_interval(V3, 150) + 3)
    assert topo.vip4(lan=1) in r1.addresses("eth1"), f"{topo.vip4(lan=1)} missing on r1:eth1"

    caps = {lan: capture(topo, lan) for lan in (0, 1)}
    d1.stop()  # priority 0: r2 takes over after Skew_Time
    wait_master(topo, "r2", topo.vip4(), timeout=master_down_interval(V3, 100) + 3)
    wanted = [(1, "arp", topo.vip4(lan=1)), (1, "na", topo.vip6(lan=1)), (0, "na", topo.vip6()),
              (0, "arp", topo.vip4())]
    for lan, kind, addr in wanted:
        mac, what = r2.mac(lan), f"{kind} for {addr} on LAN {lan}"

        def from_r2(lan=lan, kind=kind, addr=addr, mac=mac):
            got = [a for a in announcements(caps[lan].path) if (a.kind, a.addr, a.eth_src) == (kind, addr, mac)]
            return got if len(got) >= 2 * REPEAT else None

        seen = wait_until(f"{2 * REPEAT} of {what} from r2 ({mac})", from_r2, timeout=DELAY + 5, step=0.2)
        assert all(a.lladdr == mac for a in seen), f"{what}: not r2's {mac} in {seen}"
        assert kind == "arp" or all(a.override for a in seen), f"{what}: Override flag missing in {seen}"
        check_bursts(seen, what)

    for lan, other in ((0, 1), (1, 0)):  # each VIP only on its own LAN
        theirs = (topo.vip4(lan=other), topo.vip6(lan=other))
        strays = [a for a in announcements(caps[lan].path) if a.addr in theirs]
        assert not strays, f"LAN {other}'s VIPs announced on LAN {lan}: {strays}"


def test_a_vip_on_a_down_interface_is_skipped(make_topology, vrrpd_path):
    """eth1 is down when r1 becomes master: its VIP cannot be announced, the others still are."""
    topo = make_topology(lans=2, routers=1)
    r1 = topo["r1"]
    r1.link_down(lan=1)
    cap = capture(topo, 0)
    conf = r1.dir / "vrrpd.conf"
    daemon = r1.vrrpd(keepalived_config([instance(topo, 150)]), args=["-l", "-D", "-f", str(conf)]).wait_ready()
    wait_until(f"{topo.vip4()} on r1", lambda: holds(r1, topo.vip4()), timeout=master_down_interval(V3, 150) + 3)

    def own():
        got = [a for a in announcements(cap.path) if (a.kind, a.addr) == ("arp", topo.vip4())]
        return got if len(got) >= REPEAT else None

    wait_until(f"{REPEAT} gratuitous ARPs for {topo.vip4()} on LAN 0", own, timeout=5, step=0.2)
    wait_until("the skipped announcement in the log", lambda: "on 'eth1', skipping" in daemon.log, timeout=5)
    assert daemon.process.alive(), f"vrrpd exited:\n{daemon.log}"
