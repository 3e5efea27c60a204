"""DESIGN.md §5's test topology: a switch namespace with one bridge per LAN, router namespaces and a client
namespace, each joined to every bridge by a veth pair."""

import ipaddress
import json
import os
import shutil
import signal
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from .capture import Capture
from .frr import Frr
from .keepalived import Keepalived
from .run import IP, Process, sh, wait_until
from .services import Nginx, PrivateBus, Vrrpd

PREFIX = "vrrpd-t-"
CLIENT_HOST = 10  # the client's host number: 192.0.2.10, 2001:db8:1::10
MAX_ROUTERS = CLIENT_HOST - 1
IPV4_LANS = ("192.0.2", "198.51.100", "203.0.113")  # the documentation /24s, one per LAN
VIP_BASE = 100
ICMP_ECHO = Path(__file__).with_name("icmp_echo.py")


@dataclass(frozen=True)
class Lan:
    """LAN k: bridge br<k> in the switch namespace, interface eth<k> on every host. IPv4 for the first three
    LANs only (there are three documentation /24s); IPv6 2001:db8:<k+1>::/64 on all."""

    index: int

    @property
    def bridge(self):
        return f"br{self.index}"

    @property
    def ifname(self):
        return f"eth{self.index}"

    @property
    def ipv4_net(self):
        return f"{IPV4_LANS[self.index]}.0/24" if self.index < len(IPV4_LANS) else None

    @property
    def ipv6_net(self):
        return f"2001:db8:{self.index + 1}::/64"

    def ipv4(self, host):
        if self.ipv4_net is None:
            raise ValueError(f"LAN {self.index} has no IPv4 (only {len(IPV4_LANS)} documentation /24s)")
        return f"{IPV4_LANS[self.index]}.{host}"

    def ipv6(self, host):
        """Host n is 2001:db8:<k+1>::<n> with n written in decimal digits (host 10 is ::10), as people read it."""
        return f"2001:db8:{self.index + 1}::{host}"

    def mac(self, host):
        return f"02:00:00:00:{self.index:02x}:{host:02x}"

    def link_local(self, host):
        """The EUI-64 link-local address the kernel derives from mac(host): fe80::ff:fe00:<k><host>."""
        octets = bytes.fromhex(self.mac(host).replace(":", ""))
        eui = bytes([octets[0] ^ 0x02]) + octets[1:3] + b"\xff\xfe" + octets[3:]
        return str(ipaddress.IPv6Address(b"\xfe\x80" + bytes(6) + eui))


class Node:
    """A host namespace (router or client): eth<k> on LAN k with host number `host`."""

    def __init__(self, topo, name, host):
        self.topo, self.name, self.host = topo, name, host
        self.ns = f"{topo.prefix}{name}"
        self.dir = topo.workdir / name

    def __repr__(self):
        return f"<{type(self).__name__} {self.name} ns={self.ns}>"

    def ifname(self, lan=0):
        return self.topo.lans[lan].ifname

    def ipv4(self, lan=0):
        return self.topo.lans[lan].ipv4(self.host)

    def ipv6(self, lan=0):
        return self.topo.lans[lan].ipv6(self.host)

    def link_local(self, lan=0):
        return self.topo.lans[lan].link_local(self.host)

    def mac(self, lan=0):
        return self.topo.lans[lan].mac(self.host)

    def sh(self, *argv, check=True, timeout=30):
        return sh(*argv, check=check, ns=self.ns, timeout=timeout)

    def spawn(self, argv, *, name, env=None, setsid=True, cwd=None):
        """Starts argv in this namespace with output in <dir>/<name>.log; the topology stops it on close."""
        return self.topo.spawn(argv, ns=self.ns, name=name, log=self.dir / f"{name}.log", env=env, setsid=setsid,
                               cwd=cwd or self.dir)

    def bus_env(self):
        return {}

    def addresses(self, dev=None, family=None):
        """The addresses on dev (default eth0) without prefix length, as `ip -j addr` lists them; family 4 or 6
        narrows them down."""
        return [a["local"] for a in self.address_entries(dev, family)]

    def address_entries(self, dev=None, family=None):
        """`ip -j addr show dev` as dicts (local, prefixlen, family, scope, flags...), optionally one family."""
        argv = [IP, "-j"] + (["-4"] if family == 4 else ["-6"] if family == 6 else []) + ["addr", "show", "dev",
                                                                                        dev or self.ifname()]
        entries = json.loads(self.sh(*argv).stdout or "[]")
        return [a for link in entries for a in link.get("addr_info", [])]

    def link(self, dev=None):
        """`ip -j link show dev` as a dict (operstate, flags, address...)."""
        return json.loads(self.sh(IP, "-j", "link", "show", "dev", dev or self.ifname()).stdout)[0]

    def link_down(self, lan=0):
        """Sets this host's interface on LAN lan administratively down. The kernel then flushes its IPv6
        addresses (keep_addr_on_down is 0), VIPs included; IPv4 addresses stay."""
        self.sh(IP, "link", "set", self.ifname(lan), "down")

    def link_up(self, lan=0, timeout=5):
        """Sets the interface up again and, as ifupdown's post-up would, puts the host's own IPv6 address back.
        Waits for carrier and the link-local address unless the switch port is cut."""
        lan_ = self.topo.lans[lan]
        self.sh(IP, "link", "set", lan_.ifname, "up")
        self.sh(IP, "addr", "replace", f"{self.ipv6(lan)}/64", "dev", lan_.ifname, "nodad")
        self.topo.wait_link(self, lan, timeout)

    def ping(self, addr, timeout=1, dev=None):
        """True if addr answers one ICMP echo from here within timeout seconds (dev: the interface, needed for a
        link-local address). There is no ping(8) on these machines: icmp_echo.py sends it."""
        argv = ["/usr/bin/python3", ICMP_ECHO, addr, dev or "", timeout]
        return self.sh(*argv, check=False, timeout=timeout + 10).returncode == 0

    def curl(self, addr, path="/", timeout=1):
        """The body of http://addr/path fetched from here, or None if it failed."""
        host = f"[{addr}]" if ":" in addr else addr
        r = self.sh("curl", "-sf", "-g", "--noproxy", "*", "--max-time", timeout, f"http://{host}{path}",
                    check=False, timeout=timeout + 5)
        return r.stdout if r.returncode == 0 else None


class Router(Node):
    """A router namespace; bus and nginx are set once the topology has started them."""

    def __init__(self, topo, name, host):
        super().__init__(topo, name, host)
        self.bus = None
        self.nginx = None

    def bus_env(self):
        return self.bus.env if self.bus else {}

    def keepalived(self, instances, scripts=(), global_extra=(), name="keepalived", binary=None):
        """Starts keepalived here (see Keepalived); the topology stops it on close."""
        return Keepalived(self, instances, scripts, global_extra, name, binary).start()

    def frr(self, instances, name="frr"):
        """Starts FRR's zebra and vrrpd here for these VrrpInstance objects (see Frr); the topology stops them
        on close."""
        return Frr(self, instances, name).start()

    def vrrpd(self, config, args=None, binary=None, env=None, **kwargs):
        """Starts vrrpd here on this router's private bus (see Vrrpd, also for its keyword arguments); the
        topology stops it on close."""
        return Vrrpd(self, config, args, binary, env, **kwargs).start()


class Topology:
    """Builds DESIGN.md §5's topology, and tears every part down again in close() (also as a context manager,
    also when building failed half way). Names are unique per run: namespaces are vrrpd-t-<8 hex>-<node>, so
    parallel runs never collide; veths are created inside those namespaces (eth<k> on a host, <node>-<k> on the
    switch), never in the root namespace.

        with Topology(routers=2) as topo:
            topo.client.curl(topo.vip4())

    workdir holds every config, log, socket and pcap (default: a fresh temporary directory, removed on close
    unless keep_workdir or $VRRPD_KEEP_TOPOLOGY is set; a directory passed in is never removed).

    Topology.all_built lists every topology this process built, so a test can check that closed ones left
    nothing behind."""

    all_built = []

    def __init__(self, routers=2, lans=1, workdir=None, bus=True, nginx=True, keep_workdir=False):
        if not 1 <= routers <= MAX_ROUTERS:
            raise ValueError(f"routers must be 1..{MAX_ROUTERS} (host {CLIENT_HOST} is the client), not {routers}")
        if lans < 1:
            raise ValueError(f"lans must be at least 1, not {lans}")
        self.run_id = uuid.uuid4().hex[:8]
        self.prefix = f"{PREFIX}{self.run_id}-"
        self.own_workdir = workdir is None
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix=self.prefix)).resolve()
        self.keep_workdir = keep_workdir or bool(os.environ.get("VRRPD_KEEP_TOPOLOGY"))
        self.lans = [Lan(k) for k in range(lans)]
        self.routers = [Router(self, f"r{i}", i) for i in range(1, routers + 1)]
        self.client = Node(self, "client", CLIENT_HOST)
        self.hosts = [*self.routers, self.client]
        self.switch = Node(self, "sw", 0)  # not a host: for commands and captures on its ports
        self.sw = self.switch.ns
        self.with_bus, self.with_nginx = bus, nginx
        self.processes = []
        self.created = []  # namespaces, in creation order
        self.cleanups = []  # callables close() runs last (see on_close)
        self.closed = False
        Topology.all_built.append(self)

    def __getitem__(self, name):
        for node in self.hosts:
            if node.name == name:
                return node
        raise KeyError(f"no node {name!r}; there are {[n.name for n in self.hosts]}")

    def __enter__(self):
        try:
            return self.build()
        except BaseException:
            self.close()
            raise

    def __exit__(self, *exc):
        self.close()

    def namespaces(self):
        return [self.sw, *(node.ns for node in self.hosts)]

    def node(self, name_or_node):
        return self[name_or_node] if isinstance(name_or_node, str) else name_or_node

    # Building

    def build(self):
        if os.geteuid() != 0:
            raise PermissionError("the topology needs root: it creates network namespaces")
        for node in (self.switch, *self.hosts):
            node.dir.mkdir(parents=True, exist_ok=True)
        for ns in self.namespaces():
            sh(IP, "netns", "add", ns)
            self.created.append(ns)
        self._configure_switch()
        for node in self.hosts:
            self._configure_host(node)
        self._wait_links_up()
        for router in self.routers:
            if self.with_bus:
                router.bus = PrivateBus(router).start()
            if self.with_nginx:
                router.nginx = Nginx(router).start()
        return self

    def _configure_switch(self):
        sh(IP, "netns", "exec", self.sw, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
           "net.ipv6.conf.default.disable_ipv6=1")
        cmds = ["link set lo up"]
        for lan in self.lans:
            cmds += [f"link add {lan.bridge} type bridge stp_state 0 forward_delay 0 mcast_snooping 0",
                     f"link set {lan.bridge} up"]
        for node in self.hosts:
            for lan in self.lans:
                port = f"{node.name}-{lan.index}"
                cmds += [f"link add {port} type veth peer name {lan.ifname} address {lan.mac(node.host)} "
                         f"netns {node.ns}", f"link set {port} master {lan.bridge} up"]
        _batch(self.sw, cmds)

    def _configure_host(self, node):
        # rp_filter off; no DAD, so IPv6 addresses (VIPs too) work at once. "default" covers interfaces made
        # later (a vmac); eth<k> exist already, made from the switch's side.
        sysctls = ["net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0",
                   "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0"]
        cmds = ["link set lo up"]
        for lan in self.lans:
            sysctls += [f"net.ipv4.conf.{lan.ifname}.rp_filter=0", f"net.ipv6.conf.{lan.ifname}.accept_dad=0"]
            if lan.ipv4_net:
                cmds.append(f"addr add {lan.ipv4(node.host)}/24 dev {lan.ifname}")
            cmds += [f"addr add {lan.ipv6(node.host)}/64 dev {lan.ifname} nodad", f"link set {lan.ifname} up"]
        sh(IP, "netns", "exec", node.ns, "sysctl", "-qw", *sysctls)
        _batch(node.ns, cmds)

    def _wait_links_up(self, timeout=10):
        for node in self.hosts:
            for lan in self.lans:
                self.wait_link(node, lan.index, timeout)

    def wait_link(self, node, lan=0, timeout=5):
        """Waits until node's interface on LAN lan has carrier and its link-local address, if both its end and
        its switch port are administratively up (else there is nothing to wait for)."""
        lan_ = self.lans[lan]
        if "UP" not in node.link(lan_.ifname)["flags"] or "UP" not in self.switch_port(node, lan)["flags"]:
            return
        wait_until(f"{node.name}:{lan_.ifname} up with carrier and {lan_.link_local(node.host)}",
                   lambda: self._usable(node, lan_) or None, timeout=timeout)

    def _usable(self, node, lan):
        if node.link(lan.ifname)["operstate"] != "UP":
            return False
        return lan.link_local(node.host) in node.addresses(lan.ifname)

    def switch_port(self, node, lan=0):
        """`ip -j link show` of node's port on the switch."""
        port = f"{self.node(node).name}-{lan}"
        return json.loads(sh(IP, "-n", self.sw, "-j", "link", "show", "dev", port).stdout)[0]

    def add_namespace(self, name, host=0):
        """One more (empty) network namespace, <prefix><name> like the others, deleted on close like them (after
        whatever runs in it is killed); returns a Node for it, with no interface but lo, which is up."""
        node = Node(self, name, host)
        node.dir.mkdir(parents=True, exist_ok=True)
        sh(IP, "netns", "add", node.ns)
        self.created.append(node.ns)
        sh(IP, "-n", node.ns, "link", "set", "lo", "up")
        return node

    # Running things

    def spawn(self, argv, *, ns=None, name=None, log=None, env=None, setsid=True, cwd=None):
        """Starts a Process (see run.Process) that close() stops."""
        process = Process(argv, ns=ns, name=name, log=log, env=env, setsid=setsid, cwd=cwd)
        self.processes.append(process)
        return process.start()

    def capture(self, node="client", dev="eth0", name=None, bpf=None):
        """Starts tcpdump of VRRP traffic (or of what bpf selects) on node:dev (node may be "sw", dev then a port
        like "r1-0"); returns the running Capture, stopped by capture.stop() or on close."""
        host = self.switch if node == "sw" else self.node(node)
        path = host.dir / f"{name or 'vrrp-' + dev}.pcap"
        return Capture(host, dev, path, **({"bpf": bpf} if bpf else {})).start()

    # Addresses and links

    def vip4(self, n=0, lan=0):
        """The n-th IPv4 VIP of a LAN: 192.0.2.100, .101..."""
        return self.lans[lan].ipv4(VIP_BASE + n)

    def vip6(self, n=0, lan=0):
        """The n-th IPv6 VIP of a LAN: 2001:db8:1::100, ::101..."""
        return self.lans[lan].ipv6(VIP_BASE + n)

    def addresses(self, node, dev=None, family=None):
        return self.node(node).addresses(dev, family)

    def link_down(self, node, lan=0):
        """The router's own interface goes administratively down."""
        self.node(node).link_down(lan)

    def link_up(self, node, lan=0):
        self.node(node).link_up(lan)

    def cut(self, node, lan=0):
        """Sets node's switch port on a LAN down: node keeps its interface up (and its addresses) but loses
        carrier (operstate DOWN, flag NO-CARRIER)."""
        sh(IP, "-n", self.sw, "link", "set", f"{self.node(node).name}-{lan}", "down")

    def mend(self, node, lan=0, timeout=5):
        """Sets the switch port up again; waits for carrier unless node's own end is down."""
        n = self.node(node)
        sh(IP, "-n", self.sw, "link", "set", f"{n.name}-{lan}", "up")
        self.wait_link(n, lan, timeout)

    # Tearing down

    def on_close(self, cleanup):
        """Has close() call cleanup() once every process has stopped and every namespace is gone (newest first):
        for what a driver made outside the work directory, like FRR's state directory."""
        self.cleanups.append(cleanup)

    def close(self):
        """Stops every process (newest first), kills whatever still runs in our namespaces, deletes them, runs
        the on_close() cleanups and, if we made it, removes the work directory. Safe to call twice; raises at
        the end if something would not go."""
        if self.closed:
            return
        self.closed = True
        problems = []
        for process in reversed(self.processes):
            try:
                process.stop(timeout=5)
            except Exception as e:  # keep tearing down; report at the end
                problems.append(f"stopping {process.name}: {e}")
        for ns in reversed(self.created):
            problems += _kill_leftovers(ns)
            r = sh(IP, "netns", "del", ns, check=False)
            if r.returncode != 0:
                problems.append(f"ip netns del {ns}: {r.stderr.strip()}")
        for cleanup in reversed(self.cleanups):
            try:
                cleanup()
            except Exception as e:
                problems.append(f"cleanup {getattr(cleanup, '__name__', cleanup)}: {e}")
        if self.own_workdir and not self.keep_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
        if problems:
            raise RuntimeError("topology teardown: " + "; ".join(problems))


def _batch(ns, cmds):
    """Runs `ip` commands in namespace ns in one process (`ip -batch`); stops at the first that fails."""
    sh(IP, "-n", ns, "-batch", "-", input="\n".join(cmds) + "\n")


def _kill_leftovers(ns):
    """SIGKILLs processes still in namespace ns (all started by this topology: the name is ours alone), and
    names them so the fixture that leaked them can be fixed."""
    r = sh(IP, "netns", "pids", ns, check=False)
    pids = [int(p) for p in r.stdout.split()]
    found = []
    for pid in pids:
        try:
            comm = Path(f"/proc/{pid}/comm").read_text().strip()
            os.kill(pid, signal.SIGKILL)
            found.append(f"{comm}[{pid}]")
        except (OSError, ProcessLookupError):
            pass
    return [f"left running in {ns}, killed: {', '.join(found)}"] if found else []
