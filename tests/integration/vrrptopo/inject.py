"""Crafted VRRP adverts from a test host: built with scapy in the test process, sent on the wire from inside a
namespace through an AF_PACKET socket (run as a script: `python3 inject.py IFNAME COUNT GAP HEX…`)."""

import socket
import sys
import time
from pathlib import Path

MCAST4_MAC, MCAST6_MAC = "01:00:5e:00:00:12", "33:33:00:00:00:12"
SPOOF_MAC = "02:00:00:00:00:99"  # a locally administered source, so scapy never looks up a route


def advert(*, family=4, version=3, src, vrid=51, priority=100, addrs=(), adv_cs=100, ttl=255, auth=None,
           dst=None, vrrp_type=1):
    """A VRRP advert as an Ethernet frame (bytes) with a correct checksum; see corrupt() for broken ones.
    adv_cs is the interval in centiseconds (v2: whole seconds × 100). auth: a v2 PASS password."""
    from scapy.all import IP, Ether, IPv6, raw
    from scapy.layers.vrrp import VRRP, VRRPv3

    if version == 3:
        body = VRRPv3(type=vrrp_type, vrid=vrid, priority=priority, ipcount=len(addrs), addrlist=list(addrs),
                      adv=adv_cs)
    else:
        password = (auth or "").encode().ljust(8, b"\0")[:8]
        body = VRRP(type=vrrp_type, vrid=vrid, priority=priority, ipcount=len(addrs), addrlist=list(addrs),
                    adv=adv_cs // 100, authtype=1 if auth else 0, auth1=int.from_bytes(password[:4], "big"),
                    auth2=int.from_bytes(password[4:], "big"))
    if family == 4:
        frame = Ether(dst=MCAST4_MAC, src=SPOOF_MAC) / IP(src=src, dst=dst or "224.0.0.18", ttl=ttl, proto=112) / body
    else:
        frame = Ether(dst=MCAST6_MAC, src=SPOOF_MAC) / IPv6(src=src, dst=dst or "ff02::12", hlim=ttl, nh=112) / body
    return raw(frame)


def vrrp_offset(frame):
    """Where the VRRP message starts in a frame built by advert()."""
    return 14 + (20 if frame[14] >> 4 == 4 else 40)


def corrupt(frame, *, checksum=False, version=None, truncate=None):
    """A copy of frame with the VRRP checksum broken, the version nibble replaced, or the VRRP message cut to
    `truncate` bytes (IP lengths adjusted so that only VRRP sees the damage)."""
    b, off = bytearray(frame), vrrp_offset(frame)
    if checksum:
        b[off + 6] ^= 0xff
    if version is not None:
        b[off] = (version << 4) | (b[off] & 0x0f)
    if truncate is not None:
        del b[off + truncate:]
        if b[14] >> 4 == 4:
            b[16:18] = (20 + truncate).to_bytes(2, "big")
            b[24:26] = b"\0\0"
            b[24:26] = _ip_checksum(bytes(b[14:34])).to_bytes(2, "big")
        else:
            b[18:20] = truncate.to_bytes(2, "big")
    return bytes(b)


def _ip_checksum(header):
    s = sum(int.from_bytes(header[i:i + 2], "big") for i in range(0, len(header), 2))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def send(node, frames, count=1, gap=0.0, dev=None):
    """Sends every frame count times from node's interface (gap seconds between rounds)."""
    from .run import sh

    argv = ["/usr/bin/python3", Path(__file__).resolve(), dev or node.ifname(), count, gap]
    sh(*argv, *(f.hex() for f in frames), ns=node.ns, timeout=30 + count * gap)


def _main(ifname, count, gap, *frames):
    with socket.socket(socket.AF_PACKET, socket.SOCK_RAW) as s:
        s.bind((ifname, 0))
        for n in range(int(count)):
            for f in frames:
                s.send(bytes.fromhex(f))
            if n + 1 < int(count):
                time.sleep(float(gap))  # pacing the rounds of a burst, not waiting for anything


if __name__ == "__main__":
    _main(*sys.argv[1:])
