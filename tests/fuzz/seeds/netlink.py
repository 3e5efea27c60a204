#!/usr/bin/python3
"""Writes the seed corpus of fuzz-netlink (tests/fuzz/corpus/fuzz-netlink/): real rtnetlink datagrams the
kernel sends, dumped in a network namespace of its own (veths, documentation addresses, a route with a
gateway, a multipath route, a rule), and process-events connector datagrams built to the kernel's layout
(linux/cn_proc.h). Each seed is fuzz-netlink's mode byte, then the datagram. Run as root:

    unshare -n tests/fuzz/seeds/netlink.py tests/fuzz/corpus/fuzz-netlink
"""

import hashlib
import os
import socket
import struct
import subprocess
import sys

NETLINK_ROUTE, NETLINK_CONNECTOR = 0, 11
RTM_GETLINK, RTM_GETADDR, RTM_GETROUTE, RTM_GETRULE = 18, 22, 26, 34
NLM_F_REQUEST, NLM_F_DUMP = 1, 0x300
NLMSG_DONE = 3

SETUP = """
link set lo up
link add v0 type veth peer name v1
link set v0 up
link set v1 up
addr add 192.0.2.1/24 dev v0
addr add 2001:db8:1::1/64 dev v0 nodad
route add 198.51.100.0/24 via 192.0.2.254 dev v0 table 100 metric 7
route add 203.0.113.0/24 nexthop via 192.0.2.253 dev v0 nexthop via 192.0.2.252 dev v0
route add 2001:db8:2::/64 via 2001:db8:1::fe dev v0
rule add from 192.0.2.0/24 iif v0 table 100 priority 100
-6 rule add to 2001:db8:2::/64 oif v1 table 100 priority 101 fwmark 7/0xff
"""


def done(data):
    """True when the datagram holds the dump's NLMSG_DONE (the last message, after the others)."""
    at = 0
    while at + 16 <= len(data):
        length, kind = struct.unpack_from("=IH", data, at)
        if kind == NLMSG_DONE:
            return True
        if length < 16:
            return False
        at += (length + 3) & ~3
    return False


def dump(kind, family=0):
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
    body = struct.pack("Bxxx", family) + bytes(12 if kind == RTM_GETLINK else 4 if kind == RTM_GETADDR else 8)
    s.send(struct.pack("=IHHII", 16 + len(body), kind, NLM_F_REQUEST | NLM_F_DUMP, 1, 0) + body)
    out = []
    for _ in range(64):
        data = s.recv(65536)
        out.append(data)
        if done(data):
            break
    s.close()
    return out


def proc_event(what, payload):
    event = struct.pack("=IIQ", what, 0, 123456789) + payload
    cn = struct.pack("=IIIIHH", 1, 1, 7, 0, len(event), 0) + event  # CN_IDX_PROC, CN_VAL_PROC
    return struct.pack("=IHHII", 16 + len(cn), NLMSG_DONE, 0, 7, 0) + cn


def proc_seeds():
    fork = proc_event(0x1, struct.pack("=iiii", 100, 100, 200, 200))
    execs = proc_event(0x2, struct.pack("=ii", 200, 200))
    comm = proc_event(0x200, struct.pack("=ii", 200, 200) + b"nginx".ljust(16, b"\0"))
    exit_ = proc_event(0x80000000, struct.pack("=iiIIii", 200, 200, 0, 17, 100, 100))
    thread = proc_event(0x1, struct.pack("=iiii", 100, 100, 201, 200))
    return [fork, execs, comm, exit_, thread, fork + exit_]


def main(out):
    for line in SETUP.strip().splitlines():
        subprocess.run(["ip", *line.split()], check=True)
    os.makedirs(out, exist_ok=True)
    seeds = [bytes([0]) + d for kind in (RTM_GETLINK, RTM_GETADDR, RTM_GETRULE) for d in dump(kind)]
    seeds += [bytes([2]) + d for d in dump(RTM_GETROUTE)]
    seeds += [bytes([1]) + d for d in proc_seeds()]
    for seed in seeds:
        with open(os.path.join(out, hashlib.sha1(seed).hexdigest()), "wb") as f:
            f.write(seed)
    print(f"{len(seeds)} seeds in {out}")


if __name__ == "__main__":
    main(sys.argv[1])
