"""Test fixtures for vrrpd's integration and interop tests and the live demo: DESIGN.md §5's topology of network
namespaces (a switch, routers, a client), each router with a private system bus and an nginx, keepalived as a
VRRP peer (and FRRouting's vrrpd), vrrpd itself, and VRRP packet captures checked by tshark.

Import it with tests/integration on sys.path (pytest does that for tests/integration; tests/interop's conftest
adds it); run with Debian's /usr/bin/python3, as root."""

from .capture import VRRP_FILTER, Capture, VrrpPacket, bad_packets, read_vrrp
from .frr import Frr
from .keepalived import Keepalived, TrackScript, VrrpInstance, keepalived_config
from .run import CommandError, Process, sh, sigterm_raises_interrupt, wait_until
from .services import REPO, Nginx, PrivateBus, Vrrpd, vrrpd_binary
from .topology import PREFIX, Lan, Node, Router, Topology

__all__ = [
    "VRRP_FILTER", "Capture", "VrrpPacket", "bad_packets", "read_vrrp",
    "Frr",
    "Keepalived", "TrackScript", "VrrpInstance", "keepalived_config",
    "CommandError", "Process", "sh", "sigterm_raises_interrupt", "wait_until",
    "REPO", "Nginx", "PrivateBus", "Vrrpd", "vrrpd_binary",
    "PREFIX", "Lan", "Node", "Router", "Topology",
]
