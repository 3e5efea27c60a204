#!/usr/bin/python3
"""Writes org.vrrpd.Vrrp1(5) from dbus/org.vrrpd.Vrrp1.xml, the API of record: every interface, property,
method and signal with its signature and its org.freedesktop.DBus.Description. Run by meson at build time."""

import sys
import xml.etree.ElementTree as ET

DESC = "org.freedesktop.DBus.Description"


def esc(text):
    return text.replace("\\", "\\e").replace("-", "\\-")


def desc(node):
    for a in node.findall("annotation"):
        if a.get("name") == DESC:
            return esc(a.get("value", ""))
    return ""


def args(node, direction=None):
    parts = [f"{a.get('type')} {a.get('name')}" for a in node.findall("arg")
             if direction is None or a.get("direction", "in") == direction]
    return ", ".join(parts)


def interface(out, iface):
    out.append(f".SS {iface.get('name')}")
    out.append(desc(iface))
    for p in iface.findall("property"):
        out += [".TP", f".B {p.get('name')} \\fR({p.get('type')}, {p.get('access')})", desc(p)]
    for m in iface.findall("method"):
        ret = args(m, "out")
        sig = f"{m.get('name')}({args(m, 'in')})" + (f" \\(-> ({ret})" if ret else "")
        out += [".TP", f".B {sig}", desc(m)]
    for s in iface.findall("signal"):
        out += [".TP", f".B signal {s.get('name')}({args(s)})", desc(s)]


def main(src, dst):
    root = ET.parse(src).getroot()
    out = [".TH ORG.VRRPD.VRRP1 5 \"\" \"vrrpd\" \"File Formats\"", ".SH NAME",
           "org.vrrpd.Vrrp1 \\- the D\\-Bus API of vrrpd", ".SH DESCRIPTION",
           "vrrpd owns the name org.vrrpd.Vrrp1 on the system bus. Reading is open to every local user; methods",
           "marked privileged need root or membership of the group named by vrrpd_privileged_group (default",
           "vrrpd), else org.freedesktop.DBus.Error.AccessDenied. The manager object /org/vrrpd/Vrrp1 also serves",
           "org.freedesktop.DBus.ObjectManager.", ".PP",
           "A daemon given another name (dbus_service_name in",
           ".BR vrrpd.conf (5),",
           "or vrrpd \\-\\-bus\\-name), say one per network namespace, serves the same objects and interfaces",
           "under that name instead; the shipped bus policy lets it own org.vrrpd.Vrrp1 and the names under it",
           "(org.vrrpd.Vrrp1.NAME), and vrrpctl \\-\\-bus\\-name talks to one.", ".SH INTERFACES"]
    for iface in root.findall("interface"):
        interface(out, iface)
    out += [".SH ERRORS", "org.vrrpd.Vrrp1.Error.NoSuchInstance, org.vrrpd.Vrrp1.Error.InvalidConfig,",
            "org.vrrpd.Vrrp1.Error.NotPermitted, org.freedesktop.DBus.Error.InvalidArgs,",
            "org.freedesktop.DBus.Error.AccessDenied.", ".SH SEE ALSO", ".BR vrrpd (8),", ".BR vrrpctl (1),",
            ".BR busctl (1)"]
    with open(dst, "w") as f:
        f.write("\n".join(line for line in out if line is not None) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:])
