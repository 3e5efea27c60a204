"""XWD (xwd -root) to PNG with the standard library only, for the notification screenshot artifact."""

import struct
import zlib

HEADER = struct.Struct(">25I")


def read_xwd(data):
    """Returns (width, height, rows of RGB bytes) for a ZPixmap XWD of 24/32 bits per pixel."""
    (header_size, _version, pixmap_format, _depth, width, height, _xoff, byte_order, _unit, _bit_order, _pad,
     bpp, bytes_per_line, _visual, red_mask, green_mask, blue_mask, _bits_rgb, _entries, ncolors,
     *_window) = HEADER.unpack_from(data)
    if pixmap_format != 2 or bpp not in (24, 32):
        raise ValueError(f"unsupported XWD: format {pixmap_format}, {bpp} bits per pixel")
    offset = header_size + ncolors * 12
    step = bpp // 8
    fmt = "<" if byte_order == 0 else ">"
    shifts = [(mask, (mask & -mask).bit_length() - 1) for mask in (red_mask, green_mask, blue_mask)]
    rows = []
    for y in range(height):
        line = data[offset + y * bytes_per_line: offset + y * bytes_per_line + width * step]
        row = bytearray()
        for x in range(width):
            chunk = line[x * step: x * step + step]
            pixel = struct.unpack(fmt + "I", chunk)[0] if step == 4 else int.from_bytes(
                chunk, "little" if fmt == "<" else "big")
            row += bytes(((pixel & mask) >> shift) & 0xFF for mask, shift in shifts)
        rows.append(bytes(row))
    return width, height, rows


def png(width, height, rows):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    raw = b"".join(b"\0" + row for row in rows)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))
