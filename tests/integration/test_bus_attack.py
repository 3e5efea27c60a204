"""The bus as an attack surface (issue 16): every method of every object, every property got and set, with
wrong types, wrong argument counts, out-of-range values, huge strings and arrays, unknown names, interfaces and
paths, thousands of calls, from an unprivileged user and from root.

What must hold: only documented error names come back (org.freedesktop.DBus.Error.*, and of vrrpd's own only
those the header comment of dbus/org.vrrpd.Vrrp1.xml lists); no call hangs; the daemon lives and answers; the
unprivileged caller changes nothing (every property of every object compared before and after); vrrpd's RSS
(VmRSS) grows by at most RSS_SLACK_KB = 2 MiB over the barrage, measured after one warm-up round that sends
the huge messages too, so that the allocator's high-water mark is reached first (not compared under ASan).

The calls are made by this file run as a script (`python3 test_bus_attack.py ADDRESS SEED ROUNDS`), so that
runuser can run it as the unprivileged user: it introspects the live objects, builds the calls from what they
declare, sends each as a low-level python3-dbus message, and prints a JSON summary on stdout. A round is every
call once; the huge payloads go out in round 0 only."""

import json
import os
import random
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

NAME = "org.vrrpd.Vrrp1"
ROOT = "/org/vrrpd/Vrrp1"
MANAGER = "org.vrrpd.Vrrp1.Manager"
INSTANCE = "org.vrrpd.Vrrp1.Instance"
SYNC_GROUP = "org.vrrpd.Vrrp1.SyncGroup"
PROPS = "org.freedesktop.DBus.Properties"
INTROSPECTABLE = "org.freedesktop.DBus.Introspectable"
OBJECT_MANAGER = "org.freedesktop.DBus.ObjectManager"
RECORD = Path(__file__).resolve().parents[2] / "dbus" / "org.vrrpd.Vrrp1.xml"
OURS = (MANAGER, INSTANCE, SYNC_GROUP)
CALL_TIMEOUT = 5.0  # seconds a single reply may take; one call beyond it is a finding and ends the barrage
HUGE_STRING = 1 << 20  # 1 MiB
HUGE_ARRAY = 100_000
UNKNOWN_SHARE = 0.15  # of the calls built for an unknown path, the share sent
RSS_SLACK_KB = 2048  # allowed RSS growth over the barrage after the warm-up round
ROUNDS_USER, ROUNDS_ROOT = 20, 10  # about 1,650 calls a round
UNKNOWN_PATHS = [f"{ROOT}/instance/nope", f"{ROOT}/instance/VI_5f", f"{ROOT}/instance/_", f"{ROOT}/instance",
                 f"{ROOT}/sync_group/nope", f"{ROOT}/sync_group", f"{ROOT}/x/y/z", "/", "/org/vrrpd",
                 f"{ROOT}/instance/_zz", f"{ROOT}/instance/_0", f"{ROOT}/instance/VI_5f1/child",
                 f"{ROOT}/instance/_2f", f"{ROOT}/sync_group/SG_5f1/child", f"{ROOT}/sync_group/_",
                 f"{ROOT}/instance/" + "_41" * 2000]
ODD_STRINGS = ["", " ", "\x01\x7f", "%s%n%s%n", "../../etc/passwd", "sync_group/", "sync_group/SG_1",
               "sync_group/../SG_1", "VI_1\n", "\u202eVI_1", "\U0001f4a9" * 50, "a" * 64, "a" * 65, "t:@.-_",
               "/org/vrrpd/Vrrp1", "org.vrrpd.Vrrp1.Instance", "*", "VI_1", "VI_2", "OWNER", "SG_1", "x" * 4096]
ODD_PATHS = ["/", ROOT, f"{ROOT}/instance/VI_5f1", "/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p", "/" + "a" * 4000]


def documented_errors(record=RECORD):
    """The error names the header comment of the record lists."""
    comment = re.search(r"<!--(.*?)-->", record.read_text(), re.S).group(1)
    names = set(re.findall(r"\b(org\.[A-Za-z0-9_.]+\.Error\.[A-Za-z0-9_]+)", comment))
    assert any(n.startswith(f"{NAME}.Error.") for n in names), f"no {NAME}.Error.* names in {record}'s header"
    return names


def is_documented(name, documented):
    return name.startswith("org.freedesktop.DBus.Error.") or name in documented


def record_members(record=RECORD):
    """(interface, method) of every method, (interface, 'Get P' and 'Set P') of every property the record
    declares: what the barrage must have called on a live object at least once."""
    out = []
    for iface in ET.fromstring(record.read_text()).findall("interface"):
        name = iface.get("name")
        out += [(name, m.get("name")) for m in iface.findall("method")]
        out += [(name, f"{verb} {p.get('name')}") for p in iface.findall("property") for verb in ("Get", "Set")]
    return out


# --- the calls -------------------------------------------------------------------------------------------------
# A call is (path, interface or None, member, signature, args, label); args are built with python3-dbus types
# only where the signature alone cannot say (variants).

def split_signature(sig):
    """'sa{sv}(ii)y' -> ['s', 'a{sv}', '(ii)', 'y']: the complete types of a signature."""
    out, k = [], 0
    while k < len(sig):
        j = k
        while sig[j] == "a":
            j += 1
        if sig[j] in "({":
            depth = 0
            for e in range(j, len(sig)):
                depth += sig[e] in "({"
                depth -= sig[e] in ")}"
                if depth == 0:
                    break
            j = e
        out.append(sig[k:j + 1])
        k = j + 1
    return out


class Values:
    """Values for a complete D-Bus type: plain ones, extreme ones, and (round 0 only) huge ones."""

    INTS = {"y": (0, 255), "n": (-(1 << 15), (1 << 15) - 1), "q": (0, (1 << 16) - 1), "i": (-(1 << 31), (1 << 31) - 1),
            "u": (0, (1 << 32) - 1), "x": (-(1 << 63), (1 << 63) - 1), "t": (0, (1 << 64) - 1)}

    def __init__(self, dbus, rng):
        self.dbus, self.rng = dbus, rng

    def one(self, t):
        rng = self.rng
        if t in self.INTS:
            lo, hi = self.INTS[t]
            return rng.choice([lo, hi, lo + 1, hi - 1, 1, 254, 255, rng.randint(lo, hi)]) if t != "y" else \
                rng.choice([0, 1, 2, 100, 150, 254, 255, rng.randint(0, 255)])
        if t == "b":
            return rng.choice([True, False])
        if t == "d":
            return rng.choice([0.0, -1.0, 1e308, float("inf"), float("nan")])
        if t == "s":  # some valid demotion tags too, enough to reach the limit of 64
            return rng.choice(ODD_STRINGS + [f"tag-{rng.randrange(100)}"] * 4)
        if t == "o":
            return rng.choice(ODD_PATHS)
        if t == "g":
            return rng.choice(["", "s", "a{sv}", "(ii)"])
        if t == "h":
            return None  # never sent: no fd passing here
        if t == "v":
            inner = rng.choice(["s", "y", "b", "u", "as", "t", "a{sv}"])
            return self.variant(inner)
        if t.startswith("a{"):
            k, v = split_signature(t[2:-1])
            return {self.one(k): self.one(v) for _ in range(rng.randint(0, 3))} if k not in "v" else {}
        if t.startswith("a"):
            return [self.one(t[1:]) for _ in range(rng.randint(0, 3))]
        if t.startswith("("):
            return tuple(self.one(x) for x in split_signature(t[1:-1]))
        raise ValueError(f"no values for type {t!r}")

    def variant(self, inner):
        d = self.dbus
        v = self.one(inner)
        wrap = {"s": d.String, "y": d.Byte, "b": d.Boolean, "u": d.UInt32, "t": d.UInt64}
        if inner in wrap:
            return wrap[inner](v, variant_level=1)
        if inner.startswith("a{"):
            return d.Dictionary(v, signature=inner[2:-1], variant_level=1)
        return d.Array(v, signature=inner[1:], variant_level=1)

    def huge_of(self, t):
        """A huge value of type t, or None when t has no huge form."""
        if t == "s":
            return "A" * HUGE_STRING
        if t == "o":
            return "/" + "/".join(["a" * 200] * 5000)
        if t == "as":
            return ["x"] * HUGE_ARRAY
        if t.startswith("a") and not t.startswith("a{") and split_signature(t[1:])[0] in self.INTS:
            return [0] * HUGE_ARRAY
        if t == "v":
            return self.dbus.Array(["x"] * HUGE_ARRAY, signature="s", variant_level=1)
        return None


WRONG = ["s", "y", "u", "b", "as", "a{sv}", "(ss)", "t", "v", "o", "d", "ay"]


def method_calls(path, iface, member, in_sig, vals, rng, round_no):
    """Calls of one method: as declared with ordinary and extreme values, with each argument of another type,
    with too few and too many arguments, and (round 0) with each argument huge."""
    types = split_signature(in_sig)
    out = []

    def add(sig, args, label):
        if "h" not in sig:
            out.append((path, iface, member, sig, list(args), label))

    for _ in range(3):
        add(in_sig, [vals.one(t) for t in types], "declared")
    for k, t in enumerate(types):
        wrong = rng.choice([w for w in WRONG if w != t])
        args = [vals.one(x) for x in types]
        args[k] = vals.one(wrong)
        add("".join(types[:k] + [wrong] + types[k + 1:]), args, f"arg {k} as {wrong}")
    if types:
        add("".join(types[:-1]), [vals.one(t) for t in types[:-1]], "one argument short")
        add("", [], "no arguments")
    extra = rng.choice(WRONG)
    add(in_sig + extra, [vals.one(t) for t in types] + [vals.one(extra)], "one argument more")
    add(in_sig + "s" * 40, [vals.one(t) for t in types] + ["z"] * 40, "40 arguments more")
    if round_no == 0:
        for k, t in enumerate(types):
            big = vals.huge_of(t)
            if big is not None:
                args = [vals.one(x) for x in types]
                args[k] = big
                add(in_sig, args, f"arg {k} huge")
        add(in_sig + "as", [vals.one(t) for t in types] + [["y"] * HUGE_ARRAY], "a huge array more")
        add(in_sig + "s", [vals.one(t) for t in types] + ["B" * HUGE_STRING], "a huge string more")
    return out


def property_calls(path, declared, vals, rng, round_no):
    """Properties.Get, GetAll and Set of every declared property, under the right interface, another one, an
    unknown one and none; Set with the property's own type, another type, and (round 0) huge values."""
    d = vals.dbus
    ifaces = list(declared) + ["org.vrrpd.Vrrp1.Nope", "", "org.freedesktop.DBus.Properties"]
    out = [(path, PROPS, "GetAll", "s", [i], "GetAll") for i in ifaces]
    for iface, props in declared.items():
        names = list(props) + ["Nope", "", "state", "State\x01", "a" * 300]
        for prop in names:
            other = rng.choice([i for i in ifaces if i != iface])
            out.append((path, PROPS, "Get", "ss", [iface, prop], "Get"))
            out.append((path, PROPS, "Get", "ss", [other, prop], "Get, another interface"))
            typ = props.get(prop, "s")
            own = vals.variant(typ) if typ in ("s", "y", "b", "u", "t", "as") or typ.startswith("a{") else \
                d.String("x", variant_level=1)
            out.append((path, PROPS, "Set", "ssv", [iface, prop, own], "Set, its own type"))
            out.append((path, PROPS, "Set", "ssv", [iface, prop, vals.one("v")], "Set, some type"))
            if round_no == 0 and rng.random() < 0.3:
                out.append((path, PROPS, "Set", "ssv", [iface, prop, vals.huge_of("v")], "Set, huge"))
                out.append((path, PROPS, "Get", "ss", [iface, "P" * HUGE_STRING], "Get, huge name"))
    return out


def object_calls(path, live_xml, vals, rng, round_no):
    """Every call the object's live introspection suggests, plus unknown members and interfaces."""
    root = ET.fromstring(live_xml)
    declared, out = {}, []
    for iface in root.findall("interface"):
        name = iface.get("name")
        props = {p.get("name"): p.get("type") for p in iface.findall("property")}
        if props or name in OURS:
            declared[name] = props
        for m in iface.findall("method"):
            in_sig = "".join(a.get("type") for a in m.findall("arg") if a.get("direction", "in") == "in")
            out += method_calls(path, name, m.get("name"), in_sig, vals, rng, round_no)
            out.append((path, None, m.get("name"), in_sig, [vals.one(t) for t in split_signature(in_sig)],
                        "no interface"))
        out.append((path, name, "Nope", "", [], "unknown member"))
    for iface in ("org.vrrpd.Vrrp1.Nope", "org.freedesktop.DBus.Nope", "a.b"):
        out.append((path, iface, "SetPriority", "y", [100], "unknown interface"))
    out.append((path, None, "Nope", "s", ["x"], "unknown member, no interface"))
    if round_no == 0:
        out += deep_calls(path, vals.dbus, [(i, m) for i in declared if i in OURS for m in ("SetPriority", "Get")])
    return out + property_calls(path, declared, vals, rng, round_no)


def deep_calls(path, dbus, targets):
    """Messages at the limits of the format: containers nested as deep as it allows (32 arrays, 32 structs,
    64 in all) and variants in variants, and 250 arguments."""
    array, struct, variant = [7], (7,), dbus.Byte(7, variant_level=1)
    for _ in range(31):
        array, struct = [array], (struct,)
    for _ in range(30):
        variant = dbus.Struct((variant,), signature="v", variant_level=1)
    out = []
    for iface, member in targets:
        out += [(path, iface, member, "a" * 32 + "y", [array], "huge: 32 arrays deep"),
                (path, iface, member, "(" * 32 + "y" + ")" * 32, [struct], "huge: 32 structs deep"),
                (path, iface, member, "v", [variant], "huge: variants 60 deep"),
                (path, iface, member, "y" * 250, [7] * 250, "huge: 250 arguments")]
    return out


def build_round(conn, dbus, rng, round_no, paths):
    """Every call of every object; of the unknown paths' calls a sample (UNKNOWN_SHARE), and of the huge ones
    one per (interface, member, kind of call), as more of the same only cost time (about 10 ms each)."""
    vals = Values(dbus, rng)
    calls, huge = [], {}
    for path in paths:
        res = call(conn, dbus, (path, INTROSPECTABLE, "Introspect", "", [], ""))
        # an unknown path: every interface of the record there, as if an instance or group lived at it
        xml = res[1] if res[0] == "ok" else RECORD.read_text()
        for c in object_calls(path, xml, vals, rng, round_no):
            if "huge" in c[5]:
                huge.setdefault((c[1], c[2], c[5]), []).append(c)
            elif path not in UNKNOWN_PATHS or rng.random() < UNKNOWN_SHARE:
                calls.append(c)
    calls += [rng.choice(same) for same in huge.values()]
    rng.shuffle(calls)
    return calls


def call(conn, dbus, c):
    """('ok', reply body) or ('error', name, message) or ('refused', text) when python3-dbus would not send it."""
    path, iface, member, sig, args, _ = c
    msg = dbus.lowlevel.MethodCallMessage(NAME, path, iface, member)
    try:
        if sig:
            msg.append(*args, signature=sig)
    except (TypeError, ValueError, OverflowError) as e:
        return ("refused", str(e))
    try:
        reply = conn.send_message_with_reply_and_block(msg, CALL_TIMEOUT)
    except dbus.exceptions.DBusException as e:
        return ("error", e.get_dbus_name(), str(e.get_dbus_message() or "")[:300])
    body = reply.get_args_list()
    return ("ok", body[0] if body else None)


def describe(c):
    path, iface, member, sig, args, label = c
    shown = [a if len(repr(a)) < 80 else f"<{type(a).__name__} of {len(a)}>" for a in args]
    return f"{path[:80]} {iface}.{member}({sig[:40]}) {label}: {shown!r:.300}"


def barrage(address, seed, rounds):
    import dbus
    import dbus.lowlevel  # noqa: F401

    conn = dbus.bus.BusConnection(address)
    documented = documented_errors()
    rng = random.Random(seed)
    paths = [ROOT] + [str(p) for p in call(conn, dbus, (ROOT, OBJECT_MANAGER, "GetManagedObjects", "", [], ""))[1]]
    paths += UNKNOWN_PATHS
    summary = dict(calls=0, ok=0, refused=0, errors={}, undocumented=[], hung=[], per_round=[], paths=paths)
    t0, called = time.monotonic(), set()
    for round_no in range(rounds):
        calls, t = build_round(conn, dbus, rng, round_no, paths), time.monotonic()
        for c in calls:
            res = call(conn, dbus, c)
            if c[0] not in UNKNOWN_PATHS and c[5] in ("Get", "Set, its own type"):
                called.add((c[4][0], f"{c[2]} {c[4][1]}"))
            elif c[0] not in UNKNOWN_PATHS and c[5] == "declared":
                called.add((c[1], c[2]))
            summary["calls"] += 1
            if res[0] == "ok":
                summary["ok"] += 1
            elif res[0] == "refused":
                summary["refused"] += 1
            elif res[1] in ("org.freedesktop.DBus.Error.NoReply", "org.freedesktop.DBus.Error.Timeout"):
                summary["hung"].append(describe(c))
                break
            else:
                summary["errors"][res[1]] = summary["errors"].get(res[1], 0) + 1
                if not is_documented(res[1], documented):
                    summary["undocumented"].append([res[1], res[2], describe(c)])
        summary["per_round"].append([len(calls), round(time.monotonic() - t, 3)])
        if summary["hung"]:
            break
        sys.stderr.write(f"round {round_no}: {len(calls)} calls in {time.monotonic() - t:.2f}s\n")
    summary["elapsed"] = round(time.monotonic() - t0, 3)
    summary["never_called"] = sorted(set(record_members()) - called)
    return summary


if __name__ == "__main__":
    print(json.dumps(barrage(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))))
    sys.exit(0)


# --- the tests -------------------------------------------------------------------------------------------------

from test_bus import Bus, inst, make_user, path_of, searchable, start_conf, sync_group, test_user  # noqa: E402,F401
from vrrptopo import keepalived_config, wait_until  # noqa: E402

VOLATILE = {"Statistics", "SocketCounters", "ForeignRouters", "Peers", "TrackedProcesses", "SmtpAlerts"}
AFTER_ROOT = {"LastTransitionUSec", "LastTransitionReason", "LastReloadUSec"}  # root's calls move these


def plain(v):
    """python3-dbus values as plain Python ones, for comparing and printing."""
    if isinstance(v, dict):
        return {plain(k): plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, bool) or type(v).__name__ == "Boolean":
        return bool(v)
    if isinstance(v, int):
        return int(v)
    return str(v) if isinstance(v, str) else v


def snapshot(bus, skip=frozenset()):
    """{path: {interface: {property: value}}} of every object, and the object list itself."""
    managed = plain(bus.call(ROOT, OBJECT_MANAGER, "GetManagedObjects"))
    out = {}
    for path, ifaces in [(ROOT, {MANAGER: None}), *managed.items()]:
        for iface in ifaces:
            if iface in OURS:
                props = plain(bus.all(path, iface))
                out.setdefault(path, {})[iface] = {k: v for k, v in props.items() if k not in VOLATILE | skip}
    return out


def diff(before, after):
    lines = []
    for path in sorted(set(before) | set(after)):
        b, a = before.get(path, {}), after.get(path, {})
        for iface in sorted(set(b) | set(a)):
            bi, ai = b.get(iface, {}), a.get(iface, {})
            lines += [f"{path} {k}: {bi.get(k)!r} -> {ai.get(k)!r}" for k in sorted(set(bi) | set(ai))
                      if bi.get(k) != ai.get(k)]
    return lines


def rss_kb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS in /proc/{pid}/status")


def check_rss(pid, rss0, rss1, calls):
    """RSS may grow by RSS_SLACK_KB at most; not checked under AddressSanitizer, whose quarantine holds freed
    memory back by design (it finds leaks itself, at exit)."""
    print(f"vrrpd RSS {rss0} kB -> {rss1} kB over {calls} calls")
    if "libasan" in Path(f"/proc/{pid}/maps").read_text():
        print("vrrpd runs under AddressSanitizer: RSS not compared")
        return
    assert rss1 - rss0 <= RSS_SLACK_KB, f"vrrpd's RSS grew {rss1 - rss0} kB (> {RSS_SLACK_KB}) over {calls} calls"


def run_barrage(router, seed, rounds, user=None):
    argv = ["/usr/bin/python3", __file__, router.bus.address, str(seed), str(rounds)]
    if user:
        argv = ["runuser", "-u", user, "--", *argv]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=120, env={**os.environ,
                       "PYTHONDONTWRITEBYTECODE": "1"})
    assert r.returncode == 0, f"the barrage ({'as ' + user if user else 'as root'}) failed:\n{r.stderr[-3000:]}"
    return json.loads(r.stdout)


def check_barrage(summary, daemon, who):
    """No hang, no undocumented error, the daemon alive; a line for the log of what was sent."""
    print(f"{who}: {summary['calls']} calls ({summary['ok']} answered, {summary['refused']} not sendable) in "
          f"{summary['elapsed']} s; rounds {summary['per_round']}; errors {summary['errors']}")
    assert not summary["hung"], f"a call as {who} got no reply within {CALL_TIMEOUT} s: {summary['hung']}"
    assert not summary["undocumented"], (f"{len(summary['undocumented'])} undocumented errors as {who}, e.g. "
                                         f"{summary['undocumented'][:5]}")
    assert daemon.process.alive(), f"vrrpd died under the barrage as {who}:\n{daemon.log[-3000:]}"
    sanitizer = re.search(r"runtime error:|==\d+==ERROR: \w+Sanitizer", daemon.log)  # a sanitizer build's words
    assert not sanitizer, f"vrrpd under the barrage as {who}:\n{daemon.log[sanitizer.start():][:3000]}"
    assert not summary["never_called"], f"the record's members never called on a live object: {summary['never_called']}"
    assert summary["refused"] < summary["calls"] / 10, f"python3-dbus refused to send too many: {summary}"


def answers(bus):
    bus.call(ROOT, "org.freedesktop.DBus.Peer", "Ping")
    return plain(bus.call(ROOT, MANAGER, "ListInstances"))


def start_router(make_topology):
    topo = make_topology(routers=1, nginx=False)
    r1 = topo["r1"]
    text = keepalived_config([inst(topo, "VI_1", 51, 150), inst(topo, "VI_2", 52, 150, 1),
                              inst(topo, "OWNER", 53, 255, 2)])
    daemon = start_conf(r1, text + sync_group("SG_1", ["VI_1", "VI_2"]))
    bus = Bus(r1)
    assert Path(f"/proc/{daemon.process.pid}/comm").read_text().strip() == "vrrpd"

    def all_master():
        states = {n: bus.get(path_of(n), INSTANCE, "State") for n in ("VI_1", "VI_2", "OWNER")}
        return all(s == "master" for s in states.values()) and states

    wait_until("every instance to be master", all_master, timeout=10)
    return topo, r1, daemon, bus


def permissive(router, user):
    """A policy that lets user send anything to vrrpd, so that every call reaches the daemon's own checks."""
    router.bus.add_policy("permissive", f"""<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><policy user="{user}"><allow send_destination="{NAME}"/></policy></busconfig>
""")

    def daemon_refuses():
        r = subprocess.run(["runuser", "-u", user, "--", "dbus-send", f"--bus={router.bus.address}",
                            "--print-reply", f"--dest={NAME}", path_of("VI_1"), f"{INSTANCE}.ResetPriority"],
                           capture_output=True, text=True, timeout=10)
        return "needs root or membership" in r.stderr

    wait_until(f"the bus to let {user} through to the daemon", daemon_refuses, timeout=5)


def test_an_unprivileged_barrage_changes_nothing_and_gets_documented_errors(make_topology, vrrpd_path, test_user,
                                                                           searchable):
    topo, r1, daemon, bus = start_router(make_topology)
    searchable(r1.bus.socket)
    before = snapshot(bus)
    # the system policy as shipped: the bus refuses what the daemon would
    check_barrage(run_barrage(r1, 1, 1, user=test_user), daemon, f"{test_user}, shipped policy")
    # a policy that lets the user through: the daemon's own checks are all that stands
    permissive(r1, test_user)
    check_barrage(run_barrage(r1, 2, 1, user=test_user), daemon, f"{test_user}, warm-up")
    rss0 = rss_kb(daemon.process.pid)
    summary = run_barrage(r1, 3, ROUNDS_USER, user=test_user)
    rss1 = rss_kb(daemon.process.pid)
    check_barrage(summary, daemon, f"{test_user}, permissive policy")
    check_rss(daemon.process.pid, rss0, rss1, summary["calls"])
    assert answers(bus)
    changed = diff(before, snapshot(bus))
    assert not changed, f"{test_user} changed vrrpd's state:\n" + "\n".join(changed)


def restore(bus):
    """Undoes what root's valid calls did: demotions, priority overrides, maintenance (persistent too)."""
    for tag, _, _ in plain(bus.get(ROOT, MANAGER, "Demotions")):
        bus.call(ROOT, MANAGER, "ClearDemotion", tag)
    for name, path, *_ in plain(bus.call(ROOT, MANAGER, "ListInstances")):
        bus.call(path, INSTANCE, "ResetPriority")
        bus.call(path, INSTANCE, "SetPersistentMaintenance", False)


def extremes(bus):
    """Valid calls at their bounds, as root: every priority, demotions up to the limit and past it."""
    vi, owner = path_of("VI_1"), path_of("OWNER")
    for prio in range(256):
        if 1 <= prio <= 254:
            bus.call(vi, INSTANCE, "SetPriority", bus.dbus.Byte(prio))
            assert bus.get(vi, INSTANCE, "EffectivePriority") == prio
            assert bus.error(owner, INSTANCE, "SetPriority", bus.dbus.Byte(prio))[0] == f"{NAME}.Error.NotPermitted"
        else:
            assert bus.error(vi, INSTANCE, "SetPriority", bus.dbus.Byte(prio))[0] == \
                "org.freedesktop.DBus.Error.InvalidArgs", prio
    bus.call(vi, INSTANCE, "ResetPriority")
    for k in range(64):
        bus.call(ROOT, MANAGER, "SetDemotion", f"x{k}", "", bus.dbus.Byte(255))
    name, msg = bus.error(ROOT, MANAGER, "SetDemotion", "x64", "", bus.dbus.Byte(1))
    assert name == "org.freedesktop.DBus.Error.LimitsExceeded", (name, msg)
    bus.call(ROOT, MANAGER, "SetDemotion", "x0", "sync_group/SG_1", bus.dbus.Byte(1))  # replaces: no limit
    assert len(bus.get(ROOT, MANAGER, "Demotions")) == 64
    prios = {n: bus.get(path_of(n), INSTANCE, "EffectivePriority") for n in ("VI_1", "VI_2", "OWNER")}
    assert prios == {"VI_1": 1, "VI_2": 1, "OWNER": 255}, f"64 demotions by 255 (clamped to 1): {prios}"


def test_a_root_barrage_gets_documented_errors_and_leaves_a_sane_daemon(make_topology, vrrpd_path):
    topo, r1, daemon, bus = start_router(make_topology)
    before = snapshot(bus, skip=AFTER_ROOT)
    check_barrage(run_barrage(r1, 4, 1), daemon, "root, warm-up")
    restore(bus)
    rss0 = rss_kb(daemon.process.pid)
    summary = run_barrage(r1, 5, ROUNDS_ROOT)
    check_barrage(summary, daemon, "root")
    changed = diff(before, snapshot(bus, skip=AFTER_ROOT))
    print("root's barrage changed:\n" + "\n".join(changed))
    assert changed, "root's barrage changed nothing: its valid calls never reached the daemon's actions"
    restore(bus)
    rss1 = rss_kb(daemon.process.pid)
    check_rss(daemon.process.pid, rss0, rss1, summary["calls"])
    assert answers(bus)
    extremes(bus)
    restore(bus)
    wait_until("the state of before root's barrage, once restored",
               lambda: not diff(before, snapshot(bus, skip=AFTER_ROOT)), timeout=10)
