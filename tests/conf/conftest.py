"""Shared helpers for the keepalived.conf tests: where vrrpd is, how to run it, where the fixtures are."""

import json
import os
import pathlib
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "conf"
VALID = FIXTURES / "valid"
ERRORS = FIXTURES / "error"


def vrrpd_path():
    builddir = pathlib.Path(os.environ.get("VRRPD_BUILDDIR", REPO / "build"))
    return builddir / "service" / "vrrpd"


@pytest.fixture(scope="session")
def vrrpd():
    path = vrrpd_path()
    if not path.exists():
        pytest.fail(f"{path} is missing: build vrrpd first (or set VRRPD_BUILDDIR)")
    return path


def run(vrrpd, *args, cwd=None, timeout=30, input=None):
    """Runs vrrpd; every call is bounded so a hang fails the test instead of the suite."""
    return subprocess.run([str(vrrpd), *map(str, args)], cwd=cwd, capture_output=True, timeout=timeout,
                          input=input)


def text(proc):
    return proc.stdout.decode(errors="replace"), proc.stderr.decode(errors="replace")


def print_config(vrrpd, fixture, *args, cwd=VALID):
    proc = run(vrrpd, "--print-config", "--json", "-f", fixture, *args, cwd=cwd)
    out, err = text(proc)
    assert proc.returncode == 0, f"vrrpd --print-config {fixture} failed ({proc.returncode}):\n{err}"
    return json.loads(out), err


def instance(config, name):
    found = [i for i in config["vrrp_instances"] if i["name"] == name]
    assert found, f"no instance {name}; have {[i['name'] for i in config['vrrp_instances']]}"
    return found[0]
