"""Signed adverts (auth_hmac) for the tests, written from the format vrrpd's core/vrrp-hmac.h documents: a
28-byte trailer (scheme 1, key id, 0, a 64-bit sequence of UTC seconds, 1/2^16 fractions and a counter, the
first 16 bytes of HMAC-SHA256) after the VRRP message of a frame that inject.advert() built. The MAC covers a
pseudo-header (4 or 6, version, VRID, 0, the source padded to 16 bytes), the message with its checksum read as
zero, the trailer's first 12 bytes and 16 zeros. Over IPv4 the VRRP checksum covers the message alone; over
IPv6 the whole payload."""

import hashlib
import hmac
import struct
import time

from .inject import _ip_checksum, vrrp_offset

TRAILER = 28


def seq_at(t=None, counter=0):
    t = time.time() if t is None else t
    sec = int(t)
    frac = (int((t - sec) * 1e9) << 16) // 1_000_000_000
    return (sec & 0xffffffff) << 32 | frac << 16 | counter


def _sum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def sign(frame, key, *, key_id=1, seq=None, mac=None, scheme=1):
    """frame with a trailer: the right MAC under key, or `mac` (16 bytes) for a forged one."""
    off = vrrp_offset(frame)
    ip4 = frame[14] >> 4 == 4
    msg = frame[off:]
    src = frame[26:30] if ip4 else frame[22:38]
    head = bytes([scheme, key_id, 0, 0]) + struct.pack(">Q", seq_at() if seq is None else seq)
    pseudo = bytes([4 if ip4 else 6, msg[0] >> 4, msg[1], 0]) + src.ljust(16, b"\0")
    digest = hmac.new(key, pseudo + msg[:6] + b"\0\0" + msg[8:] + head + bytes(16), hashlib.sha256).digest()
    payload = bytearray(msg + head + (mac if mac is not None else digest[:16]))
    b = bytearray(frame[:off])
    if ip4:
        b[16:18] = (20 + len(payload)).to_bytes(2, "big")
        b[24:26] = b"\0\0"
        b[24:26] = _ip_checksum(bytes(b[14:34])).to_bytes(2, "big")
    else:
        b[18:20] = len(payload).to_bytes(2, "big")
        payload[6:8] = b"\0\0"
        pseudo6 = bytes(b[22:54]) + len(payload).to_bytes(4, "big") + bytes(3) + bytes([112])
        payload[6:8] = (~_sum(pseudo6 + bytes(payload)) & 0xffff).to_bytes(2, "big")
    return bytes(b + payload)


def trailer_of(payload):
    """(key id, sequence) of a VRRP payload that ends in a trailer."""
    t = payload[-TRAILER:]
    return t[1], struct.unpack(">Q", t[4:12])[0]
