"""A flood of broken adverts into a running pair (issue 16, "Packets"): tests/integration/test_flood.py asserts
on it, bench/flood reports its figures. The sender is tests/tools/vrrp-flood (C, AF_PACKET, paced); this module
starts the pair, reads the daemons' counters, CPU and the kernel's socket drops around a flood, and the master's
advert gaps from a capture on the client."""

import json
import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from .keepalived import VrrpInstance, keepalived_config
from .run import wait_until
from .services import vrrpd_binary

PASSWORD = "s3cret"
VRID3, VRID6, VRID2 = 51, 52, 53  # VRRPv3 IPv4, VRRPv3 IPv6, VRRPv2 IPv4 (PASS)
V3_INTERVAL, V2_INTERVAL = 0.1, 1.0
MASTER_PRIO, BACKUP_PRIO = 150, 100
NAMES = ("VI_3", "VI_6", "VI_2")
CLK_TCK = os.sysconf("SC_CLK_TCK")


def flood_binary():
    """$VRRPD_BUILDDIR/tests/tools/vrrp-flood, next to the vrrpd under test."""
    return vrrpd_binary().parent.parent / "tests" / "tools" / "vrrp-flood"


def instances(topo, priority):
    """The pair's three instances: VRRPv3 over IPv4 and IPv6 at 100 ms, VRRPv2 over IPv4 at 1 s with a
    password (the target of the flood's bad-auth adverts)."""
    return [
        VrrpInstance(name="VI_3", vrid=VRID3, priority=priority, vips=[f"{topo.vip4(0)}/24"], version=3,
                     advert_int=V3_INTERVAL),
        VrrpInstance(name="VI_6", vrid=VRID6, priority=priority, vips=[f"{topo.vip6(0)}/64"], version=3,
                     advert_int=V3_INTERVAL),
        VrrpInstance(name="VI_2", vrid=VRID2, priority=priority, vips=[f"{topo.vip4(1)}/24"], version=2,
                     advert_int=V2_INTERVAL, auth_pass=PASSWORD),
    ]


def start_vrrpd_pair(topo):
    """r1 (150) and r2 (100) running vrrpd, r1 master of all three instances, r2 backup of all three."""
    daemons = []
    for name, prio in (("r1", MASTER_PRIO), ("r2", BACKUP_PRIO)):
        router = topo[name]
        conf = router.dir / "vrrpd.conf"
        daemons.append(router.vrrpd(keepalived_config(instances(topo, prio)), args=["-l", "-f", str(conf)])
                       .wait_ready())
    wait_vips(topo)
    return daemons


def wait_vips(topo, timeout=10):
    """Until r1 alone holds the three VIPs (the v2 instance takes 3 × 1 s + skew)."""
    vips = [topo.vip4(0), topo.vip6(0), topo.vip4(1)]

    def settled():
        on_r1, on_r2 = topo["r1"].addresses(), topo["r2"].addresses()
        return all(v in on_r1 and v not in on_r2 for v in vips)

    wait_until(f"{vips} on r1 alone", settled, timeout=timeout)


# Reading a router: counters over its bus, the kernel's counters, CPU.

def cpu_ticks(pid):
    """utime + stime of pid and its threads, in clock ticks (/proc/PID/stat fields 14 and 15)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2:].split()
    return int(fields[11]) + int(fields[12])


def raw_socket_drops(router):
    """The kernel's drop counts of the VRRP raw sockets in router's namespace (/proc/net/raw and raw6, last
    column; local_address ...:0070 is protocol 112): datagrams a full receive buffer refused."""
    out = router.sh("cat", "/proc/net/raw", "/proc/net/raw6").stdout
    total = 0
    for line in out.splitlines():
        cols = line.split()
        if len(cols) > 2 and cols[1].endswith(":0070"):
            total += int(cols[-1])
    return total


def rx_dropped(router):
    """eth0's rx dropped (the veth's backlog) in router's namespace."""
    link = json.loads(router.sh("ip", "-s", "-j", "link", "show", "dev", "eth0").stdout)[0]
    return int(link["stats64"]["rx"]["dropped"])


@dataclass
class Reading:
    """One look at a vrrpd: per instance Statistics and State, the Manager's SocketCounters per family, the
    kernel's drops, CPU ticks, when."""

    stats: dict
    states: dict
    sockets: dict
    raw_drops: int
    rx_dropped: int
    ticks: int
    at: float = field(default_factory=time.monotonic)

    def drops(self):
        """Every advert this vrrpd refused, by word: its instances' drop-* counters summed, and the sockets'
        adverts for no instance here and packets too short for an IP header as socket-ipv4 / socket-ipv6."""
        out = {}
        for stats in self.stats.values():
            for key, n in stats.items():
                if key.startswith("drop-"):
                    out[key[5:]] = out.get(key[5:], 0) + n
        for family, (no_instance, malformed) in self.sockets.items():
            out[f"socket-{family}"] = no_instance + malformed
        return out


def read(router, pid):
    from test_bus import INSTANCE, MANAGER, ROOT, Bus, path_of  # tests/integration is on sys.path

    bus = Bus(router)
    stats, states = {}, {}
    for name in NAMES:
        props = bus.all(path_of(name), INSTANCE)
        stats[name] = {str(k): int(v) for k, v in props["Statistics"].items()}
        states[name] = str(props["State"])
    sockets = {}
    for ifname, family, no_instance, malformed in bus.get(ROOT, MANAGER, "SocketCounters"):
        n, m = sockets.get(str(family), (0, 0))
        sockets[str(family)] = (n + int(no_instance), m + int(malformed))
    return Reading(stats, states, sockets, raw_socket_drops(router), rx_dropped(router), cpu_ticks(pid))


def delta(before, after):
    """after's drops minus before's, by word; words that did not move are left out."""
    b, a = before.drops(), after.drops()
    return {k: a[k] - b.get(k, 0) for k in a if a[k] != b.get(k, 0)}


def cpu_share(before, after):
    """CPU over the window, as % of one core."""
    return 100.0 * (after.ticks - before.ticks) / CLK_TCK / (after.at - before.at)


# The flood

def flood(topo, rate, duration, seed=None):
    """Runs vrrp-flood in the client's namespace for duration seconds at rate/s and returns its report (a dict:
    seed, sent, failed, lag_max_us, kinds, expect). Its "unicast" adverts go to r1 alone."""
    argv = [flood_binary(), "-i", topo.client.ifname(), "-r", rate, "-d", duration, "--vrid3", VRID3,
            "--vrid6", VRID6, "--vrid2", VRID2, "--vip4", topo.vip4(0), "--vip6", topo.vip6(0),
            "--password", PASSWORD, "--adv-cs", int(V3_INTERVAL * 100), "--v2-adv", int(V2_INTERVAL),
            "--unicast-mac", topo["r1"].mac(), "--unicast4", topo["r1"].ipv4(), "--unicast6", topo["r1"].ipv6()]
    if seed is not None:
        argv += ["-s", seed]
    r = topo.client.sh(*argv, timeout=duration + 30)
    return json.loads(r.stdout)


def reaching(report, router):
    """What of the flood reaches router's vrrpd sockets, by drop word: all but what the kernel drops itself, and
    the unicast adverts ("destination") on r1 only."""
    return {k: n for k, n in report["expect"].items()
            if n and k != "kernel" and (k != "destination" or router.name == "r1")}


# The master's adverts on time

def capture_master(topo):
    """tcpdump on the client of r1's own adverts only (its addresses as source): the flood's spoofed sources
    stay out of the pcap, so tshark reads a few hundred frames, not 10⁵."""
    r1 = topo["r1"]
    bpf = f"(ip src {r1.ipv4()} and ip proto 112) or (ip6 src {r1.link_local()} and ip6 proto 112)"
    return topo.capture(bpf=bpf, name="r1-adverts")


def advert_times(capture):
    """(epoch time, vrid) of every advert in the capture."""
    argv = ["tshark", "-n", "-r", str(capture.path), "-Y", "vrrp", "-T", "fields", "-E", "separator=/t",
            "-e", "frame.time_epoch", "-e", "vrrp.virt_rtr_id"]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, f"tshark -r {capture.path}: {r.stderr.strip()}"
    out = []
    for line in r.stdout.splitlines():
        t, vrid = (line.split("\t") + [""])[:2]
        if t and vrid:
            out.append((float(t), int(vrid)))
    return out


def max_gaps(adverts, t0, t1):
    """Per VRID, the longest gap between consecutive adverts that touches [t0, t1] (epoch seconds), and how
    many adverts fell inside it."""
    out = {}
    for vrid in sorted({v for _, v in adverts}):
        times = [t for t, v in adverts if v == vrid]
        gaps = [b - a for a, b in zip(times, times[1:]) if b >= t0 and a <= t1]
        inside = sum(1 for t in times if t0 <= t <= t1)
        out[vrid] = (max(gaps) if gaps else None, inside)
    return out
