#!/usr/bin/python3
"""Turns the suite's logs into one line per test case ("ok NAME", "FAIL NAME", "SKIP NAME: why") and, with
`total`, into the closing "N passed, N failed[, N skipped]" line that tools/test prints last."""

import json
import re
import sys
import xml.etree.ElementTree as ET

CASE = re.compile(r"^(ok|FAIL|skip)\s+(\S+?):?(?:\s+(.*))?$")
SUMMARY = re.compile(r"^(\d+) passed, (\d+) failed")


def meson(path, prefix):
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            t = json.loads(line)
            out = t.get("stdout") or ""
            cases = [m.groups() for m in map(CASE.match, out.splitlines()) if m]
            summary = any(SUMMARY.match(s) for s in out.splitlines())
            for verdict, name, why in cases:
                if verdict == "skip":
                    print(f"SKIP {prefix}:{t['name']}:{name}: {why or 'no reason given'}")
                else:
                    print(f"{verdict} {prefix}:{t['name']}:{name}")
            if t["result"] == "SKIP":  # exit 77: the whole binary cannot run here; it printed why
                if not cases:
                    print(f"SKIP {prefix}:{t['name']}: skipped (see its log)")
                continue
            if not cases and t["result"] == "OK":
                print(f"ok {prefix}:{t['name']}")
            if t["result"] != "OK" and (not summary or not any(v == "FAIL" for v, _, _ in cases)):
                print(f"FAIL {prefix}:{t['name']} ({t['result']}, exit {t.get('returncode')})")


def junit(path, prefix):
    for case in ET.parse(path).getroot().iter("testcase"):
        name = f"{prefix}:{case.get('classname')}::{case.get('name')}"
        if case.find("failure") is not None or case.find("error") is not None:
            print(f"FAIL {name}")
        elif (skip := case.find("skipped")) is not None:
            print(f"SKIP {name}: {skip.get('message', 'no reason given')}")
        else:
            print(f"ok {name}")


def total(*paths):
    n = {"ok": 0, "FAIL": 0, "SKIP": 0}
    failed = []
    for path in paths:
        with open(path) as f:
            for line in f:
                verdict, _, name = line.strip().partition(" ")
                if verdict in n:
                    n[verdict] += 1
                    if verdict == "FAIL":
                        failed.append(name)
    for name in failed:
        print(f"failed: {name}")
    line = f"{n['ok']} passed, {n['FAIL']} failed"
    if n["SKIP"]:
        line += f", {n['SKIP']} skipped"
    print(line)
    return 1 if n["FAIL"] or not n["ok"] else 0


if __name__ == "__main__":
    verb, *args = sys.argv[1:]
    sys.exit({"meson": meson, "junit": junit, "total": total}[verb](*args) or 0)
