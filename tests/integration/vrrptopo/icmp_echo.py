#!/usr/bin/python3
"""icmp_echo.py ADDRESS [INTERFACE] [TIMEOUT]: one ICMP or ICMPv6 echo request; exit 0 if the reply came in
time, 1 if not. The machines have no ping(8) (iputils-ping is not among tools/lib.sh's packages), so
Node.ping() runs this inside the namespace. INTERFACE scopes a link-local address."""

import os
import select
import socket
import struct
import sys
import time


def checksum(data):
    data += b"\0" * (len(data) % 2)
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def echo(address, interface=None, timeout=1.0):
    v6 = ":" in address
    family, proto, request, reply = ((socket.AF_INET6, socket.IPPROTO_ICMPV6, 128, 129) if v6
                                     else (socket.AF_INET, socket.IPPROTO_ICMP, 8, 0))
    ident, payload = os.getpid() & 0xFFFF, b"vrrptopo"
    header = struct.pack("!BBHHH", request, 0, 0, ident, 1)
    if not v6:  # the kernel fills in ICMPv6 checksums itself
        header = struct.pack("!BBHHH", request, 0, checksum(header + payload), ident, 1)
    with socket.socket(family, socket.SOCK_RAW, proto) as s:
        if interface:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, interface.encode())
        scope = socket.if_nametoindex(interface) if interface and v6 else 0
        s.sendto(header + payload, (address, 0, 0, scope) if v6 else (address, 0))
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            if not select.select([s], [], [], left)[0]:
                break
            data, _ = s.recvfrom(2048)
            icmp = data if v6 else data[(data[0] & 0x0F) * 4:]
            if len(icmp) >= 8 and icmp[0] == reply and struct.unpack("!H", icmp[4:6])[0] == ident:
                return True
    return False


if __name__ == "__main__":
    args = sys.argv[1:]
    sys.exit(0 if echo(args[0], args[1] if len(args) > 1 and args[1] else None,
                       float(args[2]) if len(args) > 2 else 1.0) else 1)
