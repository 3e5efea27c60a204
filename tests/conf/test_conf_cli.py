"""The command line around the parser."""

import json
import os
import socket

import pytest

from conftest import VALID, run, text


def test_version(vrrpd):
    proc = run(vrrpd, "--version")
    assert proc.returncode == 0 and text(proc)[0].startswith("vrrpd ")


def test_help(vrrpd):
    proc = run(vrrpd, "--help")
    assert proc.returncode == 0 and "--check-config" in text(proc)[0] and "--print-config" in text(proc)[0]


def test_daemon_mode_refuses_a_bad_config_before_starting(vrrpd, tmp_path):
    (tmp_path / "a.conf").write_text("vrrp_instance X {\n priority 999\n}\n")
    proc = run(vrrpd, "-f", "a.conf", cwd=tmp_path)
    assert proc.returncode == 1
    assert "a.conf:2:11: error: invalid priority '999'; expected an integer from 1 to 255" in text(proc)[1]


@pytest.mark.parametrize("args", [("--print-config",), ("--bogus",), ("-t", "extra")])
def test_usage_errors(vrrpd, args):
    assert run(vrrpd, *args).returncode == 2


def test_long_options(vrrpd):
    proc = run(vrrpd, "--check-config", "--use-file", "host-cond.conf", "--config-id", "node1", cwd=VALID)
    assert proc.returncode == 0 and "priority 150, MASTER" in text(proc)[0]


@pytest.mark.skipif(os.path.exists("/etc/vrrpd/vrrpd.conf") or os.path.exists("/etc/keepalived/keepalived.conf"),
                    reason="a system configuration exists; the fallback test needs neither file")
def test_default_file_falls_back_to_keepalived(vrrpd):
    proc = run(vrrpd, "-t")
    assert proc.returncode == 1
    assert "cannot read '/etc/keepalived/keepalived.conf'" in text(proc)[1]


def test_config_id_defaults_to_the_short_host_name(vrrpd, tmp_path):
    short = socket.gethostname().split(".")[0]
    (tmp_path / "a.conf").write_text(f"global_defs {{\n@{short} router_id here\n@^{short} router_id elsewhere\n}}\n")
    proc = run(vrrpd, "--print-config", "--json", "-f", "a.conf", cwd=tmp_path)
    assert json.loads(proc.stdout)["global_defs"]["router_id"] == "here"
    proc = run(vrrpd, "--print-config", "--json", "-f", "a.conf", "-i", short + "-not", cwd=tmp_path)
    assert json.loads(proc.stdout)["global_defs"]["router_id"] == "elsewhere"


def test_json_output_is_valid_for_any_bytes(vrrpd, tmp_path):
    (tmp_path / "a.conf").write_bytes(b'global_defs {\n router_id "a\\b\xff\xc3\xa9\x01"\n}\n')
    proc = run(vrrpd, "--print-config", "--json", "-f", "a.conf", cwd=tmp_path)
    assert proc.returncode == 0
    assert json.loads(proc.stdout.decode("utf-8"))["global_defs"]["router_id"] == "a\\b\ufffd\u00e9\u0001"


def test_bad_seq_and_lst_lines_are_located(vrrpd, tmp_path):
    (tmp_path / "a.conf").write_text("~LST({A, B}, {1, 2, 3}) x\n  ~SEQ(I, 1, 0, 3) y\n")
    proc = run(vrrpd, "-t", "-f", "a.conf", cwd=tmp_path)
    err = text(proc)[1]
    assert proc.returncode == 1
    assert ("a.conf:1:1: error: invalid '~LST' line; expected '~LST(NAME, VALUE, ...) TEXT' or "
            "'~LST({NAME, ...}, {VALUE, ...}, ...) TEXT'") in err
    assert "a.conf:2:3: error: invalid '~SEQ' line; expected '~SEQ(NAME, START, STEP, END) TEXT'" in err


def test_runaway_seq_is_bounded(vrrpd, tmp_path):
    (tmp_path / "a.conf").write_text("$B=\\\n~SEQ(J, 1, 1000) x\n~SEQ(I, 1, 1000000) $B\n")
    proc = run(vrrpd, "-t", "-f", "a.conf", cwd=tmp_path, timeout=20)
    assert proc.returncode == 1
    assert "definitions and '~SEQ' lines produce more than 16384 lines in all, stopped" in text(proc)[1]
