"""Fixtures for the install tests: one `meson install --destdir` of the suite's build dir per session, a
`--prefix=/usr` configuration of the tree (a distribution's layout), and the helpers that read what landed."""

import json
import os
import pathlib
import shutil
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
BUILDDIR = pathlib.Path(os.environ.get("VRRPD_BUILDDIR", REPO / "build"))
TIMEOUT = 120


def need(tool):
    """The tool's path; the test skips, saying which tool, when it is not installed."""
    path = shutil.which(tool)
    if not path:
        pytest.skip(f"{tool} is not installed")
    return path


def run(*argv, timeout=TIMEOUT, env=None):
    return subprocess.run([str(a) for a in argv], capture_output=True, text=True, timeout=timeout, env=env)


def parse_unit(path):
    """The unit's settings as [(section, key, value)] in file order: systemd keeps repeated keys, so do we."""
    entries, section = [], None
    for line in pathlib.Path(path).read_text().splitlines():
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        entries.append((section, key.strip(), value.strip()))
    return entries


def unit_values(entries, section, key):
    return [v for s, k, v in entries if s == section and k == key]


def unit_value(entries, section, key):
    """The last assignment wins, as in systemd; None when the key is not set."""
    values = unit_values(entries, section, key)
    return values[-1] if values else None


class Install:
    """One `meson install --destdir`: where it went and the directories of the build it came from."""

    def __init__(self, builddir, destdir, dirs, installed):
        self.builddir = builddir
        self.destdir = destdir
        self.dirs = dirs  # meson's directory options, as absolute paths
        self.installed = installed  # built or source file -> absolute install path (meson introspect)

    def dir(self, option, *parts):
        return pathlib.PurePosixPath(self.dirs[option], *parts)

    def staged(self, path):
        """Where an absolute install path landed under the destdir."""
        return self.destdir / str(path).lstrip("/")

    def files(self):
        """Every file under the destdir, as the absolute path it stands for."""
        return {"/" + str(p.relative_to(self.destdir)) for p in self.destdir.rglob("*") if not p.is_dir()}


def meson_dirs(meson, builddir):
    proc = run(meson, "introspect", "--buildoptions", builddir)
    assert proc.returncode == 0, f"meson introspect --buildoptions {builddir} failed:\n{proc.stderr}"
    options = {o["name"]: o["value"] for o in json.loads(proc.stdout) if o["section"] == "directory"}
    prefix = options["prefix"]
    return {name: str(pathlib.PurePosixPath(prefix, value)) for name, value in options.items()}


def meson_installed(meson, builddir):
    proc = run(meson, "introspect", "--installed", builddir)
    assert proc.returncode == 0, f"meson introspect --installed {builddir} failed:\n{proc.stderr}"
    return json.loads(proc.stdout)


@pytest.fixture(scope="session")
def installed(tmp_path_factory):
    meson = need("meson")
    if not (BUILDDIR / "build.ninja").exists():
        pytest.fail(f"{BUILDDIR} is not a meson build dir: build first (or set VRRPD_BUILDDIR)")
    destdir = tmp_path_factory.mktemp("destdir")
    proc = run(meson, "install", "-C", BUILDDIR, "--destdir", destdir, timeout=600)
    assert proc.returncode == 0, f"meson install failed ({proc.returncode}):\n{proc.stdout[-3000:]}{proc.stderr}"
    return Install(BUILDDIR, destdir, meson_dirs(meson, BUILDDIR), meson_installed(meson, BUILDDIR))


@pytest.fixture(scope="session")
def distro(tmp_path_factory):
    """The tree configured as a distribution builds it (--prefix=/usr): nothing is compiled, only the install
    plan and the generated unit are read."""
    meson = need("meson")
    builddir = tmp_path_factory.mktemp("build-usr")
    proc = run(meson, "setup", "--prefix=/usr", builddir, REPO, timeout=300)
    assert proc.returncode == 0, f"meson setup --prefix=/usr failed:\n{proc.stdout[-3000:]}{proc.stderr}"
    return Install(builddir, None, meson_dirs(meson, builddir), meson_installed(meson, builddir))


def installed_unit(installed, name):
    found = [p for p in installed.files() if p.endswith(f"/{name}") and "/systemd/" in p]
    assert len(found) == 1, f"expected one installed {name}, found {sorted(found)}"
    return installed.staged(found[0])


@pytest.fixture(scope="session")
def unit(installed):
    """The installed vrrpd.service."""
    return installed_unit(installed, "vrrpd.service")


@pytest.fixture(scope="session")
def template(installed):
    """The installed vrrpd@.service, the template for one network namespace."""
    return installed_unit(installed, "vrrpd@.service")
