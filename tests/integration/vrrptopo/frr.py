"""Debian's FRRouting 8.4 (its zebra and vrrpd) as a VRRP peer, run the way DESIGN.md §5 records (issue 10).

What FRR's vrrpd needs (doc/user/vrrp.rst and vrrpd/vrrp.c in FRR's repository, tag frr-8.4.4):

- Virtual MACs only: per VRID and family a macvlan on the interface, in `bridge` mode (in `private` mode the
  backup would not hear the master's adverts on the parent), with the RFC's MAC 00:00:5e:00:01:VRID (IPv4) or
  00:00:5e:00:02:VRID (IPv6) and the VIPs already on it. vrrpd never adds or removes a VIP: a backup sets its
  macvlan `protodown on` (through zebra), a master sets it off. So here a router "holds" a VIP while it is on
  an up macvlan that is not protodown.
- `addrgenmode random` on the macvlan: IPv6 adverts come from the macvlan's link-local address, which must not
  be the EUI-64 one of the shared MAC. IPv4 adverts come from the parent's first IPv4 address.
- arp_ignore=1 and arp_announce=2 in the namespace: the VIP stays a local address of a backup, whose parent
  interface would otherwise answer ARP for it.
- zebra before vrrpd (vrrpd learns interfaces and addresses from zebra, and asks it for protodown and for
  router advertisements on an IPv6 master's macvlan; zebra sends those RAs).
- Each daemon of each router its own config, pid file, vty socket directory and zserv socket (-f -i --vty_socket
  -z; -P 0: no TCP vty), in a directory the daemons' user `frr` can reach: they drop to it before reading the
  config. pytest's temporary directories are root's alone, so that directory is a temporary one of its own,
  removed when the topology closes.
- Foreground with `--log stdout --log-level debug`, and `debug vrrp protocol` / `debug vrrp packets` in the
  config: only at debug level does vrrpd say that it dropped an advert (REJECTS).
- Each daemon keeps per-thread log buffers in /var/tmp/frr/<daemon>.<pid>/ and removes them on a clean exit
  only: crash() removes them.
- FRR keeps every timer in whole centiseconds and rounds Skew_Time down (frr_skew_time())."""

import os
import pwd
import shutil
import tempfile
from functools import partial
from pathlib import Path

from .run import IP, wait_until

FRR_LIBEXEC = Path("/usr/lib/frr")
ZEBRA, VRRPD = FRR_LIBEXEC / "zebra", FRR_LIBEXEC / "vrrpd"
FRR_USER = FRR_GROUP = "frr"
LOG_BUFFERS = Path("/var/tmp/frr")

# What FRR 8.4's vrrpd logs, at debug level, when it drops an advert: vrrp_read() "Datagram invalid: <reason of
# vrrp_pkt_parse_datagram()>" (size, TTL, version, checksum, type, address count), vrrp_recv_advertisement()
# "Datagram invalid: ..." (VRID, address owner, VRRPv2 interval); and "Datagram has N addresses, but this VRRP
# instance has M", which it accepts but which means the two configurations disagree.
REJECTS = ("Datagram invalid", "Datagram has")


def missing():
    """Why FRR cannot run here, or None if it can."""
    for path in (ZEBRA, VRRPD):
        if not os.access(path, os.X_OK):
            return f"no {path}: Debian's frr package is not installed (tools/test installs it)"
    try:
        pwd.getpwnam(FRR_USER)
    except KeyError:
        return f"no user {FRR_USER} (Debian's frr package makes it)"
    return None


def family_of(vip):
    return 6 if ":" in vip else 4


def virtual_mac(vrid, family):
    """RFC 9568's virtual MAC: 00:00:5e:00:01:VRID for IPv4, 00:00:5e:00:02:VRID for IPv6."""
    return f"00:00:5e:00:0{1 if family == 4 else 2}:{vrid:02x}"


def macvlan_name(vrid, family):
    return f"vrrp{family}-{vrid}"


def frr_config(instances, hostname):
    """vrrpd.conf for these VrrpInstance objects. FRR has no authentication, no unicast peers and no initial
    state (it always starts as a backup, as RFC 9568 says for a priority below 255); its advertisement-interval
    is in milliseconds, a multiple of 10."""
    lines = [f"hostname {hostname}", "debug vrrp protocol", "debug vrrp packets", "!"]
    for inst in instances:
        if inst.auth_pass is not None or inst.unicast_peers or inst.unicast_src:
            raise ValueError(f"{inst.name}: FRR's vrrpd has no authentication and no unicast peers")
        ms = round(inst.advert_int * 1000)
        if ms % 10:
            raise ValueError(f"{inst.name}: FRR's advertisement interval is in centiseconds, not {ms} ms")
        v = f" vrrp {inst.vrid}"
        lines += [f"interface {inst.interface}", f"{v} version {inst.version}", f"{v} priority {inst.priority}",
                  f"{v} advertisement-interval {ms}"]
        if inst.nopreempt:
            lines.append(f" no vrrp {inst.vrid} preempt")
        # The first address starts the virtual router: it comes last.
        for vip in inst.vips:
            addr = vip.split("/")[0]
            lines.append(f"{v} {'ipv6' if family_of(addr) == 6 else 'ip'} {addr}")
        lines.append("!")
    return "\n".join(lines) + "\n"


def _centiseconds(case):
    return round(case["advert_int"] * 100)


def frr_skew_time(case, priority):
    """Skew_Time as FRR 8.4 computes it (vrrp_recalculate_timers() in vrrpd/vrrp.c): (256 - priority) *
    Master_Adver_Interval / 256 in integer centiseconds, so rounded down to 10 ms: 120 ms where RFC 9568 says
    121.875 ms (priority 100, 0.2 s). VRRPv2: 100 cs instead of the interval."""
    skm = _centiseconds(case) if case["version"] == 3 else 100
    return (256 - priority) * skm // 256 / 100


def frr_master_down_interval(case, priority):
    """3 * Master_Adver_Interval + Skew_Time, FRR's way (whole centiseconds)."""
    return 3 * _centiseconds(case) / 100 + frr_skew_time(case, priority)


class Frr:
    """FRR's zebra and vrrpd in a router's namespace, for these VrrpInstance objects (see the module's notes).

    start() prepares the namespace (sysctls; the macvlans with their VIPs, made once and kept for later runs),
    starts zebra, then vrrpd, and waits until every virtual router is a backup with its macvlan protodown (FRR
    starts each one so, below priority 255, and takes over after Master_Down_Interval). stop() is a clean
    shutdown: SIGTERM to vrrpd, whose master resigns with a priority-0 advert and has zebra set its macvlans
    protodown, then zebra. crash() SIGKILLs both: no priority-0 advert, and the VIP stays usable here."""

    def __init__(self, node, instances, name="frr"):
        self.node, self.instances, self.name = node, list(instances), name
        self.config_text = frr_config(self.instances, f"{node.name}-{name}")
        self.dir = None
        self.zebra = self.vrrpd = None

    def routers(self):
        """(instance, family, macvlan name, [VIPs with prefix]) for every virtual router of the config."""
        out = []
        for inst in self.instances:
            for family in (4, 6):
                vips = [v for v in inst.vips if family_of(v) == family]
                if vips:
                    out.append((inst, family, macvlan_name(inst.vrid, family), vips))
        return out

    def macvlan_of(self, vip):
        for inst, family, link, vips in self.routers():
            if vip in (v.split("/")[0] for v in vips):
                return link
        raise KeyError(f"{vip} is no VIP of {self.name} on {self.node.name}")

    def prepare(self):
        """The namespace as FRR's vrrpd needs it. A macvlan that exists already (an earlier run's) is kept as it
        is: protodown if that run ended cleanly, and zebra picks up its state."""
        self.node.sh("sysctl", "-qw", "net.ipv4.conf.all.arp_ignore=1", "net.ipv4.conf.all.arp_announce=2")
        links = self.node.sh(IP, "-o", "link", "show").stdout
        for inst, family, link, vips in self.routers():
            if f" {link}@" in links:
                continue
            self.node.sh(IP, "link", "add", link, "link", inst.interface, "address", virtual_mac(inst.vrid, family),
                         "type", "macvlan", "mode", "bridge")
            # `ip link add … addrgenmode random type macvlan` fails here ("Address family not supported by
            # protocol"): set it on the made link, before it is up and makes its link-local address.
            self.node.sh(IP, "link", "set", link, "addrgenmode", "random")
            for vip in vips:
                self.node.sh(IP, "addr", "add", vip, "dev", link, *(["nodad"] if family == 6 else []))
            self.node.sh(IP, "link", "set", link, "up")
            if family == 6:
                wait_until(f"a link-local address on {self.node.name}:{link}", lambda: self.link_local(link),
                           timeout=5)

    def start(self, timeout=10):
        self.prepare()
        topo = self.node.topo
        self.dir = Path(tempfile.mkdtemp(prefix=f"{topo.prefix}{self.node.name}-{self.name}-"))
        topo.on_close(partial(shutil.rmtree, self.dir, ignore_errors=True))
        os.chmod(self.dir, 0o750)
        shutil.chown(self.dir, FRR_USER, FRR_GROUP)
        for daemon, text in (("zebra", f"hostname {self.node.name}-{self.name}\n"), ("vrrpd", self.config_text)):
            path = self.dir / f"{daemon}.conf"
            path.write_text(text)
            shutil.chown(path, FRR_USER, FRR_GROUP)
            (self.node.dir / f"{self.name}-{daemon}.conf").write_text(text)  # kept with the logs
        self.zebra = self.node.spawn([ZEBRA, *self._args("zebra"), "-s", "90000000"], name=f"{self.name}-zebra")
        socket = self.dir / "zserv.api"
        wait_until(f"zebra of {self.name} in {self.node.name} to listen on {socket}",
                   lambda: self._alive(self.zebra) and socket.exists(), timeout=timeout)
        self.vrrpd = self.node.spawn([VRRPD, *self._args("vrrpd")], name=f"{self.name}-vrrpd")
        # vrrpd starts every virtual router as a backup (none has priority 255 here), and then has zebra set
        # its macvlan protodown: until then the VIP is usable here.
        for inst, family, link, vips in self.routers():
            started = f"[VRID {inst.vrid}] [IPv{family}] Initialize -> Backup"
            wait_until(f"vrrpd of {self.name} in {self.node.name}: {started}",
                       lambda: self._alive(self.vrrpd) and started in self.log, timeout=timeout)
        wait_until(f"zebra of {self.name} in {self.node.name} to set every macvlan protodown",
                   lambda: self._alive(self.zebra) and len(self.protodown()) == len(self.routers()), timeout=timeout)
        return self

    def _args(self, daemon):
        return ["-f", self.dir / f"{daemon}.conf", "-i", self.dir / f"{daemon}.pid", "-z", self.dir / "zserv.api",
                "--vty_socket", self.dir, "-P", "0", "-u", FRR_USER, "-g", FRR_GROUP,
                "--log", "stdout", "--log-level", "debug"]

    def _alive(self, process):
        if not process.alive():
            raise AssertionError(f"{process.name} in {self.node.name} exited {process.returncode}:\n"
                                 f"{process.log_text()[-4000:]}")
        return True

    @property
    def log(self):
        return self.vrrpd.log_text() if self.vrrpd else ""

    @property
    def zebra_log(self):
        return self.zebra.log_text() if self.zebra else ""

    def link(self, link):
        return self.node.link(link)

    def link_local(self, link):
        """The macvlan's IPv6 link-local address (random: addrgenmode random), or None."""
        found = [a["local"] for a in self.node.address_entries(link, family=6) if a.get("scope") == "link"]
        return found[0] if found else None

    def source(self, family, vrid=None):
        """Where this FRR's adverts come from: the parent's first IPv4 address, or the IPv6 macvlan's
        link-local address."""
        inst = next(i for i in self.instances if vrid in (None, i.vrid))
        if family == 4:
            return self.node.ipv4()
        return self.link_local(macvlan_name(inst.vrid, 6))

    def holds(self, vip):
        """True while vip is usable here: on its macvlan, which is up and not protodown."""
        link = self.macvlan_of(vip)
        state = self.link(link)
        if state.get("proto_down") or state.get("operstate") != "UP":
            return False
        return vip in self.node.addresses(link)

    def protodown(self):
        """The macvlans that are protodown now."""
        return [link for _, _, link, _ in self.routers() if self.link(link).get("proto_down")]

    def stop(self, timeout=10):
        """Clean stop; returns vrrpd's exit status (zebra's if vrrpd's was 0). Before zebra goes, waits until it
        has set every macvlan protodown (vrrpd asked for that on its way out)."""
        status = self.vrrpd.stop(timeout)
        if status == 0:
            wait_until(f"zebra of {self.name} in {self.node.name} to set every macvlan protodown",
                       lambda: len(self.protodown()) == len(self.routers()), timeout=timeout)
        zebra_status = self.zebra.stop(timeout)
        return status or zebra_status

    def crash(self):
        """SIGKILL to zebra and vrrpd at once, zebra first (it cannot act on vrrpd's end), then reap; returns
        vrrpd's status. Removes the log buffers that only a clean exit removes."""
        daemons = [("zebra", self.zebra), ("vrrpd", self.vrrpd)]
        pids = [(daemon, process.pid) for daemon, process in daemons]
        for _, process in daemons:
            process.kill_group()
        self.zebra.crash()
        status = self.vrrpd.crash()
        for daemon, pid in pids:
            shutil.rmtree(LOG_BUFFERS / f"{daemon}.{pid}", ignore_errors=True)
        return status
