"""Every check reports file:line:column and what was expected, all problems of a file at once, exit 1."""

import json

import pytest

from conftest import ERRORS, run, text

CASES = {
    "vrid-range.conf": [
        "vrid-range.conf:3:23: error: invalid virtual_router_id '256'; expected an integer from 1 to 255",
    ],
    "priority-range.conf": [
        "priority-range.conf:4:14: error: invalid priority '0'; expected an integer from 1 to 255",
    ],
    "duplicate-vrid.conf": [
        "duplicate-vrid.conf:11:23: error: virtual_router_id 9 on eth0 (IPv4) is already used by vrrp_instance "
        "'VI_A' at duplicate-vrid.conf:1",
    ],
    "mixed-family.conf": [
        "mixed-family.conf:6:9: error: IPv6 address '2001:db8::1' in IPv4 instance 'VI_1'; expected one family per "
        "instance (addresses of the other family go in virtual_ipaddress_excluded)",
    ],
    "unknown-references.conf": [
        "unknown-references.conf:16:9: error: unknown vrrp_script 'chk_webb'; did you mean 'chk_web'?",
        "unknown-references.conf:19:9: error: unknown track_file 'flags'; did you mean 'flag'?",
        "unknown-references.conf:26:9: error: unknown vrrp_instance 'VI_2' in vrrp_sync_group 'G1'; did you mean "
        "'VI_1'?",
    ],
    "two-sync-groups.conf": [
        "two-sync-groups.conf:8:13: error: vrrp_instance 'VI_1' is already in vrrp_sync_group 'G1' at "
        "two-sync-groups.conf:1; an instance belongs to one group at most",
    ],
    "syntax.conf": [
        "syntax.conf:2:15: error: unterminated quoted string; expected a closing '\"' on this line",
        "syntax.conf:3:5: error: unknown keyword 'vrrp_strikt' in global_defs; did you mean 'vrrp_strict'?",
        "syntax.conf:4:5: error: unknown keyword 'notify_fifo_scrpt' in global_defs; did you mean "
        "'notify_fifo_script'?",
        "syntax.conf:7:1: error: unknown keyword 'vrrp_instanse' in the top level; did you mean 'vrrp_instance'?",
        "syntax.conf:14:5: error: 'vrrp_strict' is not valid in vrrp_instance; it belongs in global_defs",
        "syntax.conf:16:9: error: invalid IP address '192.0.2.300'; expected an IPv4 or IPv6 address",
        "syntax.conf:17:19: error: invalid prefix length '33'; expected an integer from 0 to 32",
        "syntax.conf:18:19: error: missing value after 'dev'",
        "syntax.conf:19:19: error: unknown address option 'frob'; expected brd, dev, scope, label, noprefixroute, "
        "-nodad or no_track",
        "syntax.conf:22:1: error: unexpected '}'; no block is open here",
    ],
    "unterminated-block.conf": [
        "unterminated-block.conf:1:20: error: the '{' of 'vrrp_instance' is never closed; expected '}' before the "
        "end of the file",
    ],
    "include-error.conf": [
        "inc/bad-1.conf:4:14: error: invalid priority '300'; expected an integer from 1 to 255",
        "inc/self.conf:1:9: error: 'inc/self.conf' includes itself, not read again",
    ],
    "recursive-var.conf": [
        "recursive-var.conf:4:15: error: definitions expand more than 32 levels deep (does a definition use itself?)",
        "recursive-var.conf:5:23: error: '${UNDEFINED}' is not defined; expected a '$NAME=value' line before this use",
        "recursive-var.conf:3:15: error: vrrp_instance 'VI_1' has no virtual_router_id; expected one from 1 to 255",
        "recursive-var.conf:3:15: error: vrrp_instance 'VI_1' has no interface; expected 'interface NAME' (only a "
        "unicast instance with unicast_src_ip may go without)",
        "recursive-var.conf:3:15: warning: vrrp_instance 'VI_1' has no virtual_ipaddress",
    ],
}


@pytest.mark.parametrize("fixture", sorted(CASES))
def test_error_fixture(vrrpd, fixture):
    proc = run(vrrpd, "-t", "-f", fixture, cwd=ERRORS)
    out, err = text(proc)
    errors = sum(1 for line in CASES[fixture] if ": error: " in line)
    warnings = len(CASES[fixture]) - errors
    plural = lambda n, w: f"{n} {w}{'' if n == 1 else 's'}"
    expected = CASES[fixture] + [f"{fixture}: {plural(errors, 'error')}, {plural(warnings, 'warning')}"]
    assert err.splitlines() == expected
    assert proc.returncode == 1 and out == ""


@pytest.mark.parametrize("fixture", sorted(CASES))
def test_error_fixture_prints_no_config(vrrpd, fixture):
    proc = run(vrrpd, "--print-config", "--json", "-f", fixture, cwd=ERRORS)
    assert proc.returncode == 1 and proc.stdout == b""


def test_warnings_load(vrrpd):
    proc = run(vrrpd, "-t", "-f", "warnings.conf", cwd=ERRORS)
    out, err = text(proc)
    assert proc.returncode == 0, err
    assert err.splitlines()[:10] == [
        "warnings.conf:2:24: warning: 'vrrp_garp_interval 0' is invalid (keepalived ignores it too); expected seconds "
        "from 0.000001, ignored",
        "warnings.conf:3:5: warning: 'lvs_sync_daemon' is not supported by vrrpd, ignored",
        "warnings.conf:16:19: warning: auth_pass is longer than 8 characters; only its first 8 are used",
        "warnings.conf:22:5: warning: 'debug' is not supported by vrrpd, ignored",
        "warnings.conf:36:5: warning: the route to 192.0.2.0/24 has no dev, so it cannot be tracked; not tracked, as "
        "keepalived does",
        "warnings.conf:7:11: warning: 'state MASTER' with priority 150: only an address owner (priority 255) starts "
        "as master; 'VI_1' starts as backup and takes over after the master-down interval",
        "warnings.conf:12:5: warning: nopreempt does not work with 'state MASTER'; cleared",
        "warnings.conf:14:5: warning: VRRP version 3 has no authentication; authentication of 'VI_1' ignored",
        "warnings.conf:28:16: warning: advert_int of 'VI_2' must be a multiple of 0.01 s for VRRP version 3; "
        "rounded to 0.33 s",
        "warnings.conf:6:15: warning: vrrp_instance 'VI_1' has smtp_alert on, but global_defs has no smtp_server: "
        "no alert will be mailed",
    ]
    assert "warnings.conf: configuration OK: 2 instances" in out


def test_warnings_values(vrrpd):
    proc = run(vrrpd, "--print-config", "--json", "-f", "warnings.conf", cwd=ERRORS)
    c = json.loads(proc.stdout)
    vi1, vi2 = c["vrrp_instances"]
    assert (vi1["preempt"], vi1["auth_type"], vi1["state"], vi1["version"]) == (True, "none", "MASTER", 3)
    assert vi2["advert_int_usec"] == 330_000
    assert c["global_defs"]["vrrp_garp_interval_usec"] == 0


def test_v2_advert_int_rounds_like_keepalived(vrrpd, tmp_path):
    # keepalived: "VRRPv2 advertisement interval 1.500000s must be an integer. rounding" (to the nearest second)
    for given, rounded in (("1.5", 2_000_000), ("2.4", 2_000_000), ("0.2", 1_000_000)):
        (tmp_path / "a.conf").write_text(f"vrrp_instance X {{\n interface eth0\n virtual_router_id 1\n"
                                         f" advert_int {given}\n virtual_ipaddress {{\n  192.0.2.1\n }}\n}}\n")
        proc = run(vrrpd, "--print-config", "--json", "-f", "a.conf", cwd=tmp_path)
        assert json.loads(proc.stdout)["vrrp_instances"][0]["advert_int_usec"] == rounded
        assert f"a.conf:4:13: warning: advert_int of 'X' must be a multiple of 1 s for VRRP version 2" in text(proc)[1]


def test_nodad_without_dash_is_ignored_like_keepalived(vrrpd, tmp_path):
    # keepalived 2.2.7 knows only "-nodad": "Unknown configuration entry 'nodad' for ip address - ignoring"
    (tmp_path / "a.conf").write_text("vrrp_instance X {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress {\n"
                                     "  192.0.2.1/24 nodad\n  192.0.2.2/24 -nodad\n }\n}\n")
    proc = run(vrrpd, "--print-config", "--json", "-f", "a.conf", cwd=tmp_path)
    vips = json.loads(proc.stdout)["vrrp_instances"][0]["virtual_ipaddress"]
    assert [v["nodad"] for v in vips] == [False, True]
    assert ("a.conf:5:16: warning: unknown option 'nodad' of an address (keepalived ignores it too), ignored; "
            "did you mean '-nodad'?") in text(proc)[1]


def test_missing_interface_is_a_warning(vrrpd, tmp_path):
    (tmp_path / "a.conf").write_text("vrrp_instance X {\n interface vrrpd-nonexist\n virtual_router_id 1\n"
                                     " virtual_ipaddress {\n  192.0.2.1\n }\n}\n")
    proc = run(vrrpd, "-t", "-f", "a.conf", cwd=tmp_path)
    assert proc.returncode == 0
    assert "a.conf:2:12: warning: interface 'vrrpd-nonexist' of 'X' does not exist (yet)" in text(proc)[1]


def test_missing_file(vrrpd, tmp_path):
    proc = run(vrrpd, "-t", "-f", tmp_path / "nope.conf")
    assert proc.returncode == 1
    assert f"{tmp_path}/nope.conf: error: cannot read '{tmp_path}/nope.conf': No such file or directory" in text(proc)[1]
