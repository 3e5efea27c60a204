"""Packet captures of VRRP traffic, and tshark's verdict on every advert in them."""

import signal
import subprocess
from dataclasses import dataclass

from .run import wait_until

# libpcap's `vrrp` keyword matches IPv4 only.
VRRP_FILTER = "ip proto 112 or ip6 proto 112"
PI_WARN = 0x600000  # tshark's expert severities: chat 0x200000, note 0x400000, warn 0x600000, error 0x800000


class Capture:
    """tcpdump on one interface of one namespace, writing a pcap (packet-buffered, -U) until stop().

    Where to capture: the client's eth0 sees every multicast advert on the LAN (the bridge floods them); unicast
    adverts between routers pass only their own ports, so capture those on a router's interface or on its switch
    port (node "sw", dev "r1-0")."""

    def __init__(self, node, dev, path, bpf=VRRP_FILTER):
        self.node, self.dev, self.path, self.bpf = node, dev, path, bpf
        self.process = None

    def start(self, timeout=10):
        # -Z root: tcpdump drops to its own user before opening the output file, which then cannot be written
        # in a root-only test directory. --immediate-mode: without it packets wait in the kernel's ring buffer
        # for up to a second, and those still there when SIGINT comes are lost ("received by filter" counts
        # them, "captured" does not).
        argv = ["tcpdump", "-i", self.dev, "--immediate-mode", "-U", "-n", "-s", "0", "-Z", "root",
                "-w", self.path, self.bpf]
        self.process = self.node.spawn(argv, name=f"tcpdump-{self.dev}")
        wait_until(f"tcpdump on {self.node.name}:{self.dev} to listen", self._listening, timeout=timeout)
        return self

    def _listening(self):
        if not self.process.alive():
            raise AssertionError(f"tcpdump on {self.node.name}:{self.dev} exited {self.process.returncode}:\n"
                                 f"{self.process.log_text()}")
        return "listening on" in self.process.log_text()

    def stop(self, timeout=5):
        """SIGINT, so tcpdump flushes and closes the file; returns its summary lines."""
        if self.process:
            self.process.stop(timeout, sig=signal.SIGINT)
        return self.process.log_text() if self.process else ""

    def wait_for(self, what, predicate, timeout=10):
        """Polls the growing pcap until predicate(packets) is truthy and returns that (see run.wait_until)."""
        return wait_until(what, lambda: predicate(self.packets()), timeout=timeout, step=0.2)

    def packets(self):
        """Every packet of the pcap so far, dissected by tshark (see read_vrrp)."""
        return read_vrrp(self.path)

    def __enter__(self):
        return self.start() if not self.process else self

    def __exit__(self, *exc):
        self.stop()


@dataclass(frozen=True)
class VrrpPacket:
    """One captured frame as tshark saw it. checksum_status: 1 good, 0 bad, 2 not checked, None: no VRRP layer.
    problems: tshark's malformed marker and expert messages of severity warning or worse."""

    number: int
    time: float
    src: str
    dst: str
    version: int | None
    vrid: int | None
    prio: int | None
    checksum_status: int | None
    problems: tuple
    eth_src: str = ""  # the frame's source MAC (a virtual MAC with use_vmac)

    @property
    def good(self):
        return self.checksum_status == 1 and not self.problems


FIELDS = ("frame.number", "frame.time_relative", "ip.src", "ipv6.src", "ip.dst", "ipv6.dst", "vrrp.version",
          "vrrp.virt_rtr_id", "vrrp.prio", "vrrp.checksum.status", "_ws.malformed", "_ws.expert.message",
          "_ws.expert.severity", "eth.src")


def read_vrrp(pcap, tshark_options=()):
    """Runs tshark over pcap and returns one VrrpPacket per frame. tshark_options go on tshark's command line,
    e.g. ("-o", "vrrp.v3_checksum_as_in_v2:TRUE") for peers that use the legacy VRRPv3 checksum."""
    argv = ["tshark", "-n", "-r", str(pcap), *tshark_options, "-T", "fields", "-E", "separator=/t",
            "-E", "aggregator=|", "-E", "occurrence=a"]
    for f in FIELDS:
        argv += ["-e", f]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise AssertionError(f"tshark -r {pcap} exited {r.returncode}: {r.stderr.strip()}")
    return [_parse(line) for line in r.stdout.splitlines() if line.strip()]


def _parse(line):
    cols = (line.split("\t") + [""] * len(FIELDS))[: len(FIELDS)]
    number, t, src4, src6, dst4, dst6, version, vrid, prio, csum, malformed, messages, severities, eth_src = cols
    problems = []
    if malformed:
        problems.append("malformed")
    for message, severity in zip(messages.split("|"), severities.split("|")):
        if message and severity and int(severity) >= PI_WARN:
            problems.append(message)
    return VrrpPacket(number=int(number), time=float(t), src=src4 or src6, dst=dst4 or dst6,
                      version=_int(version), vrid=_int(vrid), prio=_int(prio), checksum_status=_int(csum),
                      problems=tuple(problems), eth_src=eth_src)


def _int(text):
    return int(text.split("|")[0]) if text else None


def bad_packets(packets):
    """The packets tshark did not like: no VRRP layer, a checksum that is not good, malformed, or an expert
    warning or error."""
    return [p for p in packets if not p.good]
