"""vrrp_track_process and track_process, read as keepalived 2.2.7 reads them (vrrp_parser.c's vrrp_tprocess_*
handlers, vrrp_track.c's alloc_track_process()): process with arguments means an exact command-line match,
param_match alone means exact, quorum within quorum_max, delays in seconds up to an hour."""

import json

import pytest

from conftest import run, text

INSTANCE = ("vrrp_instance X {\n interface lo\n virtual_router_id 1\n virtual_ipaddress {\n  192.0.2.1\n }\n"
            " track_process {\n  p\n  q weight -5 reverse\n }\n}\n"
            "vrrp_sync_group G {\n group {\n  X\n }\n track_process {\n  p weight 3\n }\n}\n")


def load(vrrpd, tmp_path, body, extra="vrrp_track_process q {\n process q\n}\n", instance=INSTANCE):
    (tmp_path / "a.conf").write_text("vrrp_track_process p {\n" + "".join(f"    {line}\n" for line in body)
                                     + "}\n" + extra + instance)
    return run(vrrpd, "--print-config", "--json", "-f", "a.conf", cwd=tmp_path)


def tprocess(proc, name="p"):
    out, err = text(proc)
    assert proc.returncode == 0, err
    return {t["name"]: t for t in json.loads(out)["vrrp_track_processes"]}[name], err


def test_defaults_bare_name(vrrpd, tmp_path):
    t, err = tprocess(load(vrrpd, tmp_path, ["process nginx"]))
    assert err == "", err
    assert (t["process"], t["params"], t["param_match"], t["full_command"]) == ("nginx", [], None, False)
    assert (t["quorum"], t["quorum_max"], t["weight"], t["weight_reverse"]) == (1, 4294967295, 0, False)
    assert (t["terminate_delay_usec"], t["fork_delay_usec"]) == (0, 0)


def test_arguments_mean_exact_command_line(vrrpd, tmp_path):
    t, _ = tprocess(load(vrrpd, tmp_path, ['process /usr/sbin/nginx -g "daemon off;"']))
    assert (t["process"], t["params"], t["param_match"], t["full_command"]) == \
        ("/usr/sbin/nginx", ["-g", "daemon off;"], "exact", True)


@pytest.mark.parametrize("line, match", [("param_match", "exact"), ("param_match initial", "initial"),
                                         ("param_match partial", "partial")])
def test_param_match(vrrpd, tmp_path, line, match):
    t, _ = tprocess(load(vrrpd, tmp_path, [line, "process /bin/sleep 100"]))
    assert (t["param_match"], t["full_command"]) == (match, True)


def test_all_keywords(vrrpd, tmp_path):
    t, err = tprocess(load(vrrpd, tmp_path, ["process sleep", "full_command", "quorum 2", "quorum_max 3",
                                             "weight 10 reverse", "delay 1.5", "fork_delay 0.25"]))
    assert err == "", err
    assert (t["full_command"], t["quorum"], t["quorum_max"], t["weight"], t["weight_reverse"]) == \
        (True, 2, 3, 10, True)
    assert (t["terminate_delay_usec"], t["fork_delay_usec"]) == (1500000, 250000)


def test_quorum_max_zero_means_none_may_run(vrrpd, tmp_path):
    t, _ = tprocess(load(vrrpd, tmp_path, ["process sleep", "quorum_max 0"]))
    assert (t["quorum"], t["quorum_max"]) == (0, 0)


def test_tracks_in_instance_and_sync_group_take_weights(vrrpd, tmp_path):
    proc = load(vrrpd, tmp_path, ["process sleep", "weight 7"])
    out, err = text(proc)
    assert proc.returncode == 0, err
    c = json.loads(out)
    inst = c["vrrp_instances"][0]["track_process"]
    assert [(t["name"], t["weight"], t["reverse"]) for t in inst] == [("p", 7, False), ("q", -5, True)]
    assert [(t["name"], t["weight"]) for t in c["vrrp_sync_groups"][0]["track_process"]] == [("p", 3)]


def test_no_unsupported_warning(vrrpd, tmp_path):
    load(vrrpd, tmp_path, ["process sleep"])
    proc = run(vrrpd, "-t", "-f", "a.conf", cwd=tmp_path)
    out, err = text(proc)
    assert "track_process" not in err, err


def test_rescan_interval_global(vrrpd, tmp_path):
    proc = load(vrrpd, tmp_path, ["process sleep"],
                extra="vrrp_track_process q {\n process q\n}\nglobal_defs {\n vrrp_track_process_rescan_interval 0.2\n}\n")
    out, err = text(proc)
    assert proc.returncode == 0 and err == "", err
    assert json.loads(out)["global_defs"]["vrrp_track_process_rescan_interval_usec"] == 200000


@pytest.mark.parametrize("body, extra, message", [
    (["weight 3"], None, "a.conf:1:20: error: vrrp_track_process 'p' has no process"),
    (["process a", "process b"], None, "a.conf:3:13: error: vrrp_track_process 'p' already has a process"),
    (["process a", "param_match whole"], None, "a.conf:3:17: error: invalid param_match 'whole'"),
    (["process a", "quorum_max 2", "quorum 3"], None, "a.conf:4:12: error: quorum 3 is above quorum_max 2"),
    (["process a", "quorum 3", "quorum_max 2"], None, "a.conf:4:16: error: quorum_max 2 is below quorum 3"),
    (["process a", "quorum 0"], None, "a.conf:3:12: error: invalid quorum '0'"),
    (["process a", "weight 255"], None, "a.conf:3:12: error: invalid weight '255'"),
    (["process a", "delay 3601"], None, "a.conf:3:11: error: invalid delay '3601'"),
    (["process a"], "", "unknown vrrp_track_process 'q'"),
])
def test_errors_are_located(vrrpd, tmp_path, body, extra, message):
    proc = load(vrrpd, tmp_path, body, **({} if extra is None else {"extra": extra}))
    out, err = text(proc)
    assert proc.returncode != 0 and message in err, err
