"""global_defs' settings for the daemon process: vrrp_rt_priority, vrrp_rlimit_rttime, vrrp_priority and
vrrp_no_swap, with keepalived 2.2.7's ranges (global_parser.c): SCHED_RR's 1..99, 1..2^32-1 microseconds, and
nice -20..19."""

import json

import pytest

from conftest import run, text

# lo: -t also warns about interfaces this host lacks
INSTANCE = "vrrp_instance X {\n interface lo\n virtual_router_id 1\n virtual_ipaddress {\n  192.0.2.1\n }\n}\n"


def write(tmp_path, global_lines):
    (tmp_path / "a.conf").write_text("global_defs {\n" + "".join(f"    {line}\n" for line in global_lines) + "}\n"
                                     + INSTANCE)


def load(vrrpd, tmp_path, *global_lines):
    write(tmp_path, global_lines)
    return run(vrrpd, "--print-config", "--json", "-f", "a.conf", cwd=tmp_path)


def check(vrrpd, tmp_path, *global_lines):
    write(tmp_path, global_lines)
    return run(vrrpd, "-t", "-f", "a.conf", cwd=tmp_path)


def process_settings(config):
    g = config["global_defs"]
    return {k: g[k] for k in ("vrrp_rt_priority", "vrrp_rlimit_rttime_usec", "vrrp_priority", "vrrp_no_swap")}


def test_parsed_and_printed(vrrpd, tmp_path):
    proc = load(vrrpd, tmp_path, "vrrp_rt_priority 10", "vrrp_rlimit_rttime 500000", "vrrp_priority -5",
                "vrrp_no_swap")
    out, err = text(proc)
    assert proc.returncode == 0 and err == "", err
    assert process_settings(json.loads(out)) == {"vrrp_rt_priority": 10, "vrrp_rlimit_rttime_usec": 500000,
                                                 "vrrp_priority": -5, "vrrp_no_swap": True}


def test_unset_by_default(vrrpd, tmp_path):
    proc = load(vrrpd, tmp_path)
    assert process_settings(json.loads(proc.stdout)) == {"vrrp_rt_priority": 0, "vrrp_rlimit_rttime_usec": 0,
                                                         "vrrp_priority": 0, "vrrp_no_swap": False}


@pytest.mark.parametrize("line, value", [("vrrp_rt_priority 1", 1), ("vrrp_rt_priority 99", 99),
                                         ("vrrp_rlimit_rttime 1", 1), ("vrrp_rlimit_rttime 4294967295", 4294967295),
                                         ("vrrp_priority -20", -20), ("vrrp_priority 19", 19)])
def test_range_ends_load(vrrpd, tmp_path, line, value):
    proc = load(vrrpd, tmp_path, line)
    out, err = text(proc)
    assert proc.returncode == 0 and err == "", err
    key = line.split()[0] + ("_usec" if "rlimit" in line else "")
    assert json.loads(out)["global_defs"][key] == value


# Every value sits at column 5 + len(keyword) + 1 of line 2.
@pytest.mark.parametrize("line, expected", [
    ("vrrp_rt_priority 0", "a.conf:2:22: error: invalid vrrp_rt_priority '0'; expected an integer from 1 to 99"),
    ("vrrp_rt_priority 100", "a.conf:2:22: error: invalid vrrp_rt_priority '100'; expected an integer from 1 to 99"),
    ("vrrp_rt_priority -1", "a.conf:2:22: error: invalid vrrp_rt_priority '-1'; expected an integer from 1 to 99"),
    ("vrrp_rt_priority high", "a.conf:2:22: error: invalid vrrp_rt_priority 'high'; expected an integer from 1 to "
                              "99"),
    ("vrrp_rt_priority", "a.conf:2:5: error: missing value after 'vrrp_rt_priority'; expected an integer from 1 to "
                         "99"),
    ("vrrp_rlimit_rttime 0", "a.conf:2:24: error: invalid vrrp_rlimit_rttime '0'; expected an integer from 1 to "
                             "4294967295"),
    ("vrrp_rlimit_rttime 4294967296", "a.conf:2:24: error: invalid vrrp_rlimit_rttime '4294967296'; expected an "
                                      "integer from 1 to 4294967295"),
    ("vrrp_rlimit_rttime 1.5", "a.conf:2:24: error: invalid vrrp_rlimit_rttime '1.5'; expected an integer from 1 "
                               "to 4294967295"),
    ("vrrp_rlimit_rttime", "a.conf:2:5: error: missing value after 'vrrp_rlimit_rttime'; expected microseconds "
                           "from 1 to 4294967295"),
    ("vrrp_priority -21", "a.conf:2:19: error: invalid vrrp_priority '-21'; expected an integer from -20 to 19"),
    ("vrrp_priority 20", "a.conf:2:19: error: invalid vrrp_priority '20'; expected an integer from -20 to 19"),
])
def test_out_of_range_is_a_located_error(vrrpd, tmp_path, line, expected):
    proc = check(vrrpd, tmp_path, line)
    out, err = text(proc)
    assert proc.returncode == 1 and out == ""
    assert err.splitlines() == [expected, "a.conf: 1 error, 0 warnings"]


def test_old_spelling_of_rlimit_rttime_is_taken_with_a_warning(vrrpd, tmp_path):
    # keepalived: "Keyword 'vrrp_rlimit_rtime' is deprecated - please use 'vrrp_rlimit_rttime'", and it applies
    proc = load(vrrpd, tmp_path, "vrrp_rlimit_rtime 20000")
    out, err = text(proc)
    assert proc.returncode == 0
    assert err.splitlines() == ["a.conf:2:5: warning: 'vrrp_rlimit_rtime' is deprecated; use 'vrrp_rlimit_rttime'"]
    assert json.loads(out)["global_defs"]["vrrp_rlimit_rttime_usec"] == 20000


def test_no_longer_reported_as_unsupported(vrrpd, tmp_path):
    proc = check(vrrpd, tmp_path, "vrrp_rt_priority 50", "vrrp_rlimit_rttime 10000", "vrrp_priority 5",
                 "vrrp_no_swap", "vrrp_cpu_affinity 0")
    out, err = text(proc)
    assert proc.returncode == 0, err
    assert err.splitlines() == ["a.conf:6:5: warning: 'vrrp_cpu_affinity' is not supported by vrrpd, ignored"]
