#!/usr/bin/python3
"""Keeps the include rules of DESIGN.md §2 true (issue 9): the core reaches nothing outside service/core/, and
conf/ reaches only itself, the core's value types and util/. Prints one "ok NAME" / "FAIL NAME" line per check
(tools/count-results.py counts them) with the reasons on stderr, then "N passed, N failed"; exits 1 on any
failure.

    check-includes.py SOURCE_ROOT CC [CC_ARGS...]

  core-include:FILE  every '#include "..."' of a core file names a sibling: no '/', no '..'
  core-compile:FILE  every core .c compiles with nothing but -Iservice/core
  conf-include:FILE  every '#include "..."' of a conf file is conf's own, an allowed core value type, or util/
  conf-compile:FILE  every conf .c compiles in a copy of the tree that holds only what conf may see

Both also refuse '#include <dir/...>' of a library (systemd/, netlink/, glib...): only libc's folders. The
compiler alone cannot refuse "../core/vrrp-fsm.h" in conf/ (a quoted include is looked up next to the file
first), hence the textual checks and the copy."""

import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.MULTILINE)
LIBC_DIRS = ("sys/", "arpa/", "netinet/", "net/", "linux/", "bits/")
CORE_VALUE_TYPES = ("vrrp-addr.h", "vrrp-time.h")
UTIL_NOT_FOR_CONF = ("log.h",)  # the daemon's logging: library code does not log (STYLE.md §3)
FLAGS = ["-fsyntax-only", "-std=gnu17", "-D_GNU_SOURCE", "-Werror", "-Wall"]


def includes(path):
    return INCLUDE.findall(path.read_text())


def system_problems(path):
    return [f"{path}: <{name}> is not a libc header" for kind, name in includes(path)
            if kind == "<" and "/" in name and not name.startswith(LIBC_DIRS)]


def core_problems(path):
    bad = [f'{path}: "{name}" is not a sibling; the core includes its own files by bare name'
           for kind, name in includes(path) if kind == '"' and ("/" in name or ".." in name)]
    return bad + system_problems(path)


def conf_allowed(service):
    own = {p.name for p in (service / "conf").glob("*.h")}
    core = {f"../core/{h}" for h in CORE_VALUE_TYPES}
    util = {f"../util/{p.name}" for p in (service / "util").glob("*.h") if p.name not in UTIL_NOT_FOR_CONF}
    return own | core | util


def conf_problems(path, allowed):
    bad = [f'{path}: "{name}" is outside what conf/ may include (its own files, '
           f'{", ".join(f"../core/{h}" for h in CORE_VALUE_TYPES)}, ../util/)'
           for kind, name in includes(path) if kind == '"' and name not in allowed]
    return bad + system_problems(path)


def compile_problems(cc, source, include_dir):
    proc = subprocess.run([*cc, *FLAGS, f"-I{include_dir}", str(source)], capture_output=True, text=True)
    return [] if proc.returncode == 0 else [f"{source}:\n{proc.stderr.strip()}"]


def conf_sandbox(service, allowed, into):
    """service/conf and the headers conf may reach, nothing else, laid out as in the tree."""
    (into / "conf").mkdir()
    for p in (service / "conf").iterdir():
        if p.suffix in (".c", ".h"):
            shutil.copy2(p, into / "conf" / p.name)
    for name in allowed:
        if name.startswith("../"):
            dest = into / name[3:]
            dest.parent.mkdir(exist_ok=True)
            shutil.copy2(service / name[3:], dest)
    return into / "conf"


def report(results, name, problems):
    print(f"{'FAIL' if problems else 'ok'} {name}")
    for p in problems:
        print(f"  {p}", file=sys.stderr)
    results.append(not problems)


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    service, cc = pathlib.Path(argv[1]).resolve() / "service", argv[2:]
    core, conf = service / "core", service / "conf"
    allowed = conf_allowed(service)
    results = []
    for path in sorted([*core.glob("*.c"), *core.glob("*.h")]):
        report(results, f"core-include:{path.name}", core_problems(path))
    for path in sorted(core.glob("*.c")):
        report(results, f"core-compile:{path.name}", compile_problems(cc, path, core))
    for path in sorted([*conf.glob("*.c"), *conf.glob("*.h")]):
        report(results, f"conf-include:{path.name}", conf_problems(path, allowed))
    with tempfile.TemporaryDirectory(prefix="check-includes.") as tmp:
        sandbox = conf_sandbox(service, allowed, pathlib.Path(tmp))
        for path in sorted(sandbox.glob("*.c")):
            report(results, f"conf-compile:{path.name}", compile_problems(cc, path, sandbox))
    failed = results.count(False)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
