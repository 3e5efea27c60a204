"""Real-world keepalived.conf files load with the values keepalived 2.2.7 would use (checked against its
`keepalived -d` dump where noted), asserted through `vrrpd --print-config --json`."""

import json
import shlex
import subprocess

from conftest import VALID, instance, print_config, run, text

SEC = 1_000_000


def test_nginx_master(vrrpd):
    c, err = print_config(vrrpd, "nginx-master.conf")
    g = c["global_defs"]
    assert g["router_id"] == "lb1"
    assert g["enable_script_security"] is True and g["script_user"] == "root"
    s = c["vrrp_scripts"][0]
    assert (s["name"], s["script"]) == ("chk_nginx", "/usr/bin/pgrep -x nginx")
    assert (s["interval_usec"], s["timeout_usec"], s["weight"], s["fall"], s["rise"]) == (2 * SEC, SEC, -20, 2, 2)
    i = instance(c, "VI_WEB")
    assert (i["state"], i["interface"], i["virtual_router_id"], i["priority"]) == ("MASTER", "eth0", 51, 101)
    assert (i["version"], i["family"], i["advert_int_usec"]) == (2, "ipv4", SEC)
    assert (i["auth_type"], i["auth_pass_length"]) == ("PASS", len("s3cr3t"))  # never the password itself
    assert "s3cr3t" not in json.dumps(c)
    vip = i["virtual_ipaddress"][0]
    assert (vip["address"], vip["prefixlen"], vip["dev"], vip["label"]) == ("192.168.1.100", 24, "eth0", "eth0:vip")
    assert i["track_script"] == [{"name": "chk_nginx", "weight": -20, "reverse": False}]
    assert i["notify_master"]["command"] == "/etc/keepalived/notify.sh MASTER"
    assert i["notify_fault"]["command"] == "/etc/keepalived/notify.sh FAULT"
    assert i["notify_stop"] is None
    # keepalived -d: accept enabled, preempt enabled, GARP 5 s / 5, lower-prio GARP as the master's, 3 adverts
    assert (i["accept"], i["preempt"], i["mcast_dst_ip"], i["unicast_ttl"]) == (True, True, "224.0.0.18", 255)
    assert (i["garp_master_delay_usec"], i["garp_master_repeat"]) == (5 * SEC, 5)
    assert (i["garp_master_refresh_usec"], i["garp_master_refresh_repeat"]) == (0, 1)
    assert (i["garp_lower_prio_delay_usec"], i["garp_lower_prio_repeat"]) == (5 * SEC, 5)
    assert (i["down_timer_adverts"], i["lower_prio_no_advert"], i["higher_prio_send_advert"]) == (3, False, False)
    assert "nginx-master.conf:18:11: warning: 'state MASTER' with priority 101" in err


def test_nginx_backup(vrrpd):
    c, err = print_config(vrrpd, "nginx-backup.conf")
    i = instance(c, "VI_WEB")
    assert (i["state"], i["priority"], i["virtual_router_id"]) == ("BACKUP", 100, 51)
    assert i["virtual_ipaddress"][0]["prefixlen"] == 24 and i["virtual_ipaddress"][0]["dev"] is None
    assert i["track_script"] == [{"name": "chk_nginx", "weight": -30, "reverse": False}]
    assert i["notify"] == {"command": "/etc/keepalived/notify-all.sh", "user": None, "group": None}
    s = c["vrrp_scripts"][0]
    assert (s["timeout_usec"], s["rise"], s["fall"]) == (2 * SEC, 1, 1)  # no timeout: one interval
    assert err == ""


def test_unicast_peers(vrrpd):
    c, _ = print_config(vrrpd, "unicast.conf")
    i = instance(c, "VI_LB")
    assert i["unicast_src_ip"] == "10.0.0.11"
    assert [p["address"] for p in i["unicast_peer"]] == ["10.0.0.12", "10.0.0.13"]
    assert all((p["min_ttl"], p["max_ttl"]) == (0, 255) for p in i["unicast_peer"])
    assert (i["unicast_ttl"], i["mcast_dst_ip"], i["preempt"]) == (64, None, False)
    assert i["track_interface"] == [{"name": "eth1", "weight": -50, "reverse": False}]
    assert i["track_script"] == [{"name": "chk_haproxy", "weight": 10, "reverse": False}]
    # keepalived -d: refresh 60 / repeat 2 from global_defs
    assert (i["garp_master_refresh_usec"], i["garp_master_refresh_repeat"]) == (60 * SEC, 2)
    s = c["vrrp_scripts"][0]
    assert (s["script"], s["interval_usec"], s["fall"]) == ("/bin/systemctl is-active --quiet haproxy", 3 * SEC, 3)


def test_ipv6_v3(vrrpd):
    c, err = print_config(vrrpd, "ipv6.conf")
    assert err == ""
    v6, v4 = instance(c, "V6"), instance(c, "V4")
    assert (v6["family"], v6["version"], v6["advert_int_usec"], v6["mcast_dst_ip"]) == ("ipv6", 3, 500_000, "ff02::12")
    assert [(a["address"], a["prefixlen"], a["nodad"]) for a in v6["virtual_ipaddress"]] == [
        ("fe80::1:60", 64, False), ("2001:db8:1::60", 64, True)]
    assert v6["virtual_ipaddress_excluded"][0]["address"] == "192.0.2.60"
    assert v6["unicast_ttl"] is None
    assert (v4["family"], v4["version"], v4["advert_int_usec"], v4["preempt_delay_usec"]) == ("ipv4", 3, 250_000, 30 * SEC)
    assert (v4["virtual_ipaddress"][0]["brd"], v4["virtual_ipaddress"][0]["scope"]) == ("192.0.2.255", "global")
    assert v4["virtual_ipaddress"][1]["prefixlen"] == 32
    # keepalived -d: GARP delay 1 / repeat 3 from global_defs, and the lower-priority ones follow them
    for i in (v4, v6):
        assert (i["garp_master_delay_usec"], i["garp_master_repeat"]) == (SEC, 3)
        assert (i["garp_lower_prio_delay_usec"], i["garp_lower_prio_repeat"]) == (SEC, 3)


def test_sync_group(vrrpd):
    c, _ = print_config(vrrpd, "sync-group.conf")
    g = c["vrrp_sync_groups"][0]
    assert (g["name"], g["group"]) == ("G_FW", ["VI_OUTSIDE", "VI_INSIDE"])
    assert g["notify_master"]["command"] == "/usr/local/bin/fw-state master"
    assert instance(c, "VI_OUTSIDE")["sync_group"] == "G_FW"
    assert instance(c, "VI_INSIDE")["sync_group"] == "G_FW"
    assert instance(c, "VI_OUTSIDE")["track_interface"] == [{"name": "eth1", "weight": 0, "reverse": False}]


def test_include_glob(vrrpd):
    c, err = print_config(vrrpd, "include-glob.conf")
    assert [i["name"] for i in c["vrrp_instances"]] == ["VI_10", "VI_20"]
    assert c["global_defs"]["router_id"] == "included"
    assert (c["global_defs"]["vrrp_garp_interval_usec"], c["global_defs"]["vrrp_gna_interval_usec"]) == (1000, 2000)
    assert instance(c, "VI_10")["location"] == {"file": "include.d/10-instance.conf", "line": 1, "column": 15}
    assert (instance(c, "VI_10")["priority"], instance(c, "VI_20")["priority"]) == (100, 90)
    # keepalived goes on when a glob matches nothing
    assert "include-glob.conf:4:9: warning: 'include.d/missing-*.conf' matches no file, nothing included" in err


def test_include_relative_to_including_file(vrrpd, tmp_path):
    c, _ = print_config(vrrpd, VALID / "include-glob.conf", cwd=tmp_path)
    assert [i["name"] for i in c["vrrp_instances"]] == ["VI_10", "VI_20"]


def test_vars(vrrpd):
    c, err = print_config(vrrpd, "vars.conf")
    assert err == ""
    main = instance(c, "VI_MAIN")
    assert (main["interface"], main["priority"], main["advert_int_usec"]) == ("eth0", 110, 2 * SEC)
    assert main["virtual_ipaddress"][0]["address"] == "172.16.5.100"
    for vrid in (6, 7):  # one multi-line definition, used twice with another $ID
        i = instance(c, f"VI_{vrid}")
        assert (i["virtual_router_id"], i["priority"], i["advert_int_usec"]) == (vrid, 110, 2 * SEC)
        assert i["virtual_ipaddress"][0]["address"] == "172.16.5.200"


def test_seq_and_multi_line_templates(vrrpd):
    """keepalived reads a multi-line value line by line where it is used (a definition in it holds for the lines
    after it) and repeats a "~SEQ" line per number; `keepalived -d` shows the same instances and addresses."""
    c, err = print_config(vrrpd, "seq-templates.conf")
    got = {i["name"]: (i["virtual_router_id"], [f"{v['address']}/{v['prefixlen']}" for v in i["virtual_ipaddress"]])
           for i in c["vrrp_instances"]}
    assert got == {"VL_11": (11, ["10.20.11.1/24"]), "VL_13": (13, ["10.20.13.1/24"]),
                   "VL_15": (15, ["10.20.15.1/24"]), "HX": (30, ["fd00::9/64", "fd00::a/64", "fd00::b/64"])}
    assert "error" not in err


def test_lst_templates(vrrpd):
    """"~LST" repeats a line per set of values, a missing value empty; `keepalived -d` shows the same."""
    c, err = print_config(vrrpd, "lst-templates.conf")
    got = {i["name"]: (i["virtual_router_id"], [v["address"] for v in i["virtual_ipaddress"]])
           for i in c["vrrp_instances"]}
    assert got == {"GW_LAN": (31, ["10.31.0.1", "10.31.0.9"]), "GW_DMZ": (32, ["10.32.0.1"]),
                   "GW_WAN": (33, ["10.33.0.1", "10.33.0.9"]),
                   "POOL": (40, ["10.40.0.1", "10.40.0.2", "10.40.0.3"])}
    assert "error" not in err


def test_unbraced_name_ends_where_keepalived_ends_it(vrrpd, tmp_path):
    """keepalived expands "$NAME" only before a blank, ',', ')' or the line's end: "$NET.5" stays as written."""
    (tmp_path / "a.conf").write_text("$NET=10.1.1\nvrrp_instance A {\n interface eth0\n virtual_router_id 1\n"
                                     " virtual_ipaddress {\n $NET.5\n }\n}\n")
    proc = run(vrrpd, "-t", "-f", "a.conf", cwd=tmp_path)
    assert proc.returncode == 1 and "a.conf:6:2: error:" in text(proc)[1] and "$NET.5" in text(proc)[1]


def test_predefined_names(vrrpd, tmp_path):
    """${_INSTANCE} is the config id, ${_PWD} the directory of the file being read (so the include works from any
    current directory), ${_RANDOM MIN MAX} a number in range, and a '#' from ${_HASH} starts a comment unless
    quoted, as keepalived reads it (`keepalived -d`: router id edge-node1, password "e")."""
    c, err = print_config(vrrpd, str(VALID / "builtin-names.conf"), "-i", "node1", cwd=tmp_path)
    assert c["global_defs"]["router_id"] == "edge-node1"
    i = instance(c, "VI_EDGE")
    assert 90 <= i["priority"] <= 99
    assert i["auth_pass_length"] == 1  # "e": a '#' from ${_HASH} starts a comment
    assert i["notify_master"]["command"] == "/usr/local/sbin/edge-up #1"
    assert "error" not in err


def test_env_names(vrrpd, tmp_path):
    """keepalived 2.4's ${_ENV NAME}: the variable's value, empty when unset, so a secret can come from systemd's
    LoadCredential= directory; anything but one name in the braces is an error."""
    (tmp_path / "a.conf").write_text(
        "global_defs {\n router_id ${_ENV VRRPD_TEST_RID}\n}\nvrrp_instance A {\n interface eth0\n"
        " virtual_router_id 1\n virtual_ipaddress {\n 192.0.2.1/24\n }\n authentication {\n auth_type PASS\n"
        " auth_pass x${_ENV VRRPD_TEST_UNSET}y\n }\n notify_master \"${_ENV CREDENTIALS_DIRECTORY}/up\"\n}\n")
    env = {"PATH": "/usr/bin:/bin", "VRRPD_TEST_RID": "lb7", "CREDENTIALS_DIRECTORY": "/run/credentials/vrrpd.service"}
    proc = subprocess.run([str(vrrpd), "--print-config", "--json", "-f", "a.conf"], cwd=tmp_path, env=env,
                          capture_output=True, timeout=30)
    assert proc.returncode == 0, proc.stderr.decode()
    c = json.loads(proc.stdout)
    assert c["global_defs"]["router_id"] == "lb7"
    i = instance(c, "A")
    assert i["auth_pass_length"] == 2  # "xy" (tests/unit/test-conf-parse.c checks the value)
    assert i["notify_master"]["command"] == "/run/credentials/vrrpd.service/up"
    (tmp_path / "cred").mkdir()
    (tmp_path / "cred" / "vrrp.conf").write_text("global_defs {\n router_id from-credential\n}\n")
    (tmp_path / "c.conf").write_text("include ${_ENV CREDENTIALS_DIRECTORY}/vrrp.conf\n")
    env["CREDENTIALS_DIRECTORY"] = str(tmp_path / "cred")
    proc = subprocess.run([str(vrrpd), "--print-config", "--json", "-f", "c.conf"], cwd=tmp_path, env=env,
                          capture_output=True, timeout=30)
    assert json.loads(proc.stdout)["global_defs"]["router_id"] == "from-credential"
    for bad in ("${_ENV}", "${_ENV A B}"):
        (tmp_path / "b.conf").write_text(f"global_defs {{\n router_id {bad}\n}}\n")
        proc = run(vrrpd, "-t", "-f", "b.conf", cwd=tmp_path)
        assert proc.returncode == 1 and "b.conf:2:12: error: " in text(proc)[1] and "one variable name" in text(proc)[1]


def _inst(name, prio, extra="", vrid=None):
    vrid = vrid or prio
    return (f"vrrp_instance {name} {{\n interface eth0\n virtual_router_id {vrid}\n priority {prio}\n{extra}"
            f" virtual_ipaddress {{\n 192.0.2.{vrid}/24\n }}\n}}\n")


def test_owner_ignore_adverts(vrrpd, tmp_path):
    """keepalived 2.3: on for an owner with the instance keyword, global_defs' vrrp_owner_ignore_adverts or strict
    mode; below 255 it means nothing and says so; strict mode overrides an owner's "off" (vrrp_complete_instance)."""
    (tmp_path / "a.conf").write_text(
        "global_defs {\n vrrp_owner_ignore_adverts\n}\n" + _inst("G", 255) + _inst("O", 255, " owner_ignore_adverts off\n", vrid=8)
        + _inst("L", 100, " owner_ignore_adverts\n") + _inst("S", 254, " strict_mode\n")
        + "vrrp_instance T {\n interface eth0\n virtual_router_id 9\n priority 255\n strict_mode\n"
        " owner_ignore_adverts no\n virtual_ipaddress {\n 192.0.2.9/24\n }\n}\n")
    c, err = print_config(vrrpd, "a.conf", cwd=tmp_path)
    assert c["global_defs"]["vrrp_owner_ignore_adverts"] is True
    got = {n: instance(c, n)["owner_ignore_adverts"] for n in "GOLST"}
    assert got == {"G": True, "O": False, "L": False, "S": False, "T": True}
    assert "a.conf:25:2: warning: owner_ignore_adverts needs priority 255; ignored for 'L'" in err
    assert "warning: strict mode: an address owner ignores adverts; owner_ignore_adverts set for 'T'" in err
    (tmp_path / "b.conf").write_text(_inst("P", 255))
    c, err = print_config(vrrpd, "b.conf", cwd=tmp_path)
    assert instance(c, "P")["owner_ignore_adverts"] is False and "warning" not in err


def test_timer_expired_backup(vrrpd, tmp_path):
    """keepalived 2.3: the highest priority of the others, 254 unless given; thread_timer_expired is its old name;
    without nopreempt it is cleared."""
    (tmp_path / "a.conf").write_text(
        _inst("A", 100, " nopreempt\n timer_expired_backup\n") + _inst("B", 101, " nopreempt\n timer_expired_backup 200\n")
        + _inst("C", 102, " nopreempt\n thread_timer_expired 150\n") + _inst("D", 103, " timer_expired_backup\n"))
    c, err = print_config(vrrpd, "a.conf", cwd=tmp_path)
    got = {n: instance(c, n)["timer_expired_backup"] for n in "ABCD"}
    assert got == {"A": 254, "B": 200, "C": 150, "D": 0}
    assert "a.conf:26:2: warning: 'thread_timer_expired' is keepalived's old name; write 'timer_expired_backup'" in err
    assert "warning: timer_expired_backup needs nopreempt; cleared for 'D'" in err
    for bad in ("0", "255", "x"):
        (tmp_path / "b.conf").write_text(_inst("E", 100, f" nopreempt\n timer_expired_backup {bad}\n"))
        proc = run(vrrpd, "-t", "-f", "b.conf", cwd=tmp_path)
        assert proc.returncode == 1 and "b.conf:6:23: error:" in text(proc)[1], text(proc)[1]


def test_v3_checksum_as_v2(vrrpd, tmp_path):
    """keepalived 2.2.8: global_defs' v3_checksum_as_v2 is every instance's default, an instance's own wins."""
    (tmp_path / "a.conf").write_text("global_defs {\n v3_checksum_as_v2\n}\n" + _inst("A", 100)
                                     + _inst("B", 101, " v3_checksum_as_v2 off\n"))
    c, err = print_config(vrrpd, "a.conf", cwd=tmp_path)
    assert c["global_defs"]["v3_checksum_as_v2"] is True
    assert (instance(c, "A")["v3_checksum_as_v2"], instance(c, "B")["v3_checksum_as_v2"]) == (True, False)
    (tmp_path / "b.conf").write_text(_inst("A", 100, " v3_checksum_as_v2\n"))
    c, err = print_config(vrrpd, "b.conf", cwd=tmp_path)
    assert c["global_defs"]["v3_checksum_as_v2"] is False and instance(c, "A")["v3_checksum_as_v2"] is True


def test_keepalived_24_keywords_vrrpd_skips(vrrpd, tmp_path):
    """keepalived 2.3-2.4's global keywords vrrpd does not act on load with one warning each, not an error."""
    skipped = ["dbus_no_interface_name none", "json_version 2", "json_dump_file /tmp/j", "state_dump_file /tmp/s",
               "stats_dump_file /tmp/t", "use_symlink_paths", "snmp_vs_stats_update_interval 5",
               "snmp_rs_stats_update_interval 5"]
    (tmp_path / "a.conf").write_text("global_defs {\n" + "".join(f" {k}\n" for k in skipped) + "}\n" + _inst("A", 100))
    c, err = print_config(vrrpd, "a.conf", cwd=tmp_path)
    assert err.splitlines() == [f"a.conf:{n + 2}:2: warning: '{k.split()[0]}' is not supported by vrrpd, ignored"
                                for n, k in enumerate(skipped)]


def test_delay_after_boot_and_millisecond_script_timers(vrrpd, tmp_path):
    """vrrp_delay_after_boot is an uptime in seconds (keepalived 2.4, milliseconds allowed); vrrp_script's interval
    and timeout take milliseconds as keepalived 2.3 reads them ("0.25"), and no finer."""
    (tmp_path / "a.conf").write_text(
        "global_defs {\n vrrp_delay_after_boot 120.5\n vrrp_startup_delay 3\n}\n"
        "vrrp_script chk {\n script /bin/true\n interval 0.25\n timeout 0.125\n}\n" + _inst("A", 100))
    c, err = print_config(vrrpd, "a.conf", cwd=tmp_path)
    g = c["global_defs"]
    assert (g["vrrp_delay_after_boot_usec"], g["vrrp_startup_delay_usec"]) == (120_500_000, 3 * SEC)
    s = c["vrrp_scripts"][0]
    assert (s["interval_usec"], s["timeout_usec"]) == (250_000, 125_000)
    assert "warning" not in err
    (tmp_path / "b.conf").write_text("vrrp_script chk {\n script /bin/true\n interval 0.0005\n}\n" + _inst("A", 100))
    proc = run(vrrpd, "-t", "-f", "b.conf", cwd=tmp_path)
    assert proc.returncode == 1 and "b.conf:3:11: error: invalid interval '0.0005'" in text(proc)[1]


def test_strict_state_master_below_owner_becomes_backup(vrrpd, tmp_path):
    """keepalived 2.2.7 under vrrp_strict: "State MASTER must match being address owner", and `keepalived -d` shows
    Wantstate = BACKUP; vrrpd warns and says BACKUP too (an owner keeps MASTER)."""
    (tmp_path / "a.conf").write_text("global_defs {\n vrrp_strict\n}\nvrrp_instance LB {\n state MASTER\n"
                                     " interface eth0\n virtual_router_id 9\n priority 120\n virtual_ipaddress {\n"
                                     "  192.0.2.9\n }\n}\nvrrp_instance GW {\n state MASTER\n interface eth0\n"
                                     " virtual_router_id 10\n priority 255\n virtual_ipaddress {\n  192.0.2.10\n }\n}\n")
    c, err = print_config(vrrpd, "a.conf", cwd=tmp_path)
    assert (instance(c, "LB")["state"], instance(c, "GW")["state"]) == ("BACKUP", "MASTER")
    assert ("a.conf:5:8: warning: strict mode: 'state MASTER' needs priority 255 (an address owner), 'LB' has 120; "
            "set to BACKUP") in err


def test_sync_group_starts_master_only_if_all_members_are_owners(vrrpd, tmp_path):
    """keepalived 2.2.7 (vrrp_complete_init): a sync group member wanting MASTER starts as BACKUP unless every member is
    an address owner wanting MASTER; `keepalived -d` shows Wantstate = BACKUP for GW_A, MASTER for SOLO."""
    inst = "vrrp_instance {} {{\n state {}\n interface eth0\n virtual_router_id {}\n priority {}\n" \
           " virtual_ipaddress {{\n  192.0.2.{}\n }}\n}}\n"
    (tmp_path / "a.conf").write_text("vrrp_sync_group SG {\n group {\n  GW_A\n  GW_B\n }\n}\n"
                                     + inst.format("GW_A", "MASTER", 21, 255, 21) + inst.format("GW_B", "MASTER", 22, 100, 22)
                                     + inst.format("SOLO", "MASTER", 23, 255, 23))
    c, err = print_config(vrrpd, "a.conf", cwd=tmp_path)
    assert [(i["name"], i["state"]) for i in c["vrrp_instances"]] == [
        ("GW_A", "BACKUP"), ("GW_B", "BACKUP"), ("SOLO", "MASTER")]
    assert ("a.conf:8:8: warning: 'GW_A' starts as BACKUP: not every member of vrrp_sync_group 'SG' is an address "
            "owner in state MASTER") in err


def test_command_quoting_like_keepalived(vrrpd):
    """keepalived re-reads script and notify lines with quotes ' and " and backslash escapes, then splits the
    command into words again; `keepalived -d` runs pgrep -x haproxy / sh -c 'test -e /run/lb/healthy' /
    pgrep keepalived / logger -t lb 'now master' as root. The daemon's split follows the same rules as shlex here."""
    c, err = print_config(vrrpd, "script-quoting.conf")
    words = {s["name"]: shlex.split(s["script"]) for s in c["vrrp_scripts"]}
    assert words == {"chk_proxy": ["pgrep", "-x", "haproxy"],
                     "chk_health": ["/bin/sh", "-c", "test -e /run/lb/healthy"],
                     "chk_spaced": ["/usr/bin/pgrep", "keepalived"]}
    i = instance(c, "VI_PROXY")
    assert (shlex.split(i["notify_master"]["command"]), i["notify_master"]["user"]) == (
        ["/bin/logger", "-t", "lb", "now master"], "root")
    assert shlex.split(i["notify_backup"]["command"]) == ["/bin/logger", "-t", "lb", "now backup"]
    assert err == ""


def test_command_that_does_not_split_is_an_error(vrrpd, tmp_path):
    # keepalived: "String '/bin/echo it's up': missing terminating '" and the script is dropped
    (tmp_path / "a.conf").write_text("vrrp_script s {\n script \"/bin/echo it\\'s up\"\n}\n")
    proc = run(vrrpd, "-t", "-f", "a.conf", cwd=tmp_path)
    assert proc.returncode == 1
    assert ("a.conf:2:9: error: the command '/bin/echo it's up' has an unterminated quote at offset 12; keepalived "
            "ignores such a script") in text(proc)[1]


def test_host_conditions(vrrpd):
    c1, _ = print_config(vrrpd, "host-cond.conf", "--config-id", "node1")
    c2, _ = print_config(vrrpd, "host-cond.conf", "--config-id", "node2")
    i1, i2 = instance(c1, "VI_1"), instance(c2, "VI_1")
    assert (c1["global_defs"]["router_id"], i1["state"], i1["priority"]) == ("node1", "MASTER", 150)
    assert (c2["global_defs"]["router_id"], i2["state"], i2["priority"]) == ("other-node", "BACKUP", 100)


def test_full_keepalived_conf_with_lvs(vrrpd):
    c, err = print_config(vrrpd, "full-lvs.conf")
    i = instance(c, "VI_1")
    assert (i["priority"], i["state"], i["accept"], i["smtp_alert"]) == (255, "MASTER", True, True)
    assert [a["address"] for a in i["virtual_ipaddress"]] == ["192.168.200.16", "192.168.200.17", "192.168.200.18"]
    assert c["global_defs"]["router_id"] == "LVS_DIRECTOR" and c["global_defs"]["vrrp_skip_check_adv_addr"]
    for where, kw in (("16:4", "lvs_flush"), ("40:1", "virtual_server"), ("61:1", "virtual_server_group"),
                      ("66:1", "virtual_server")):
        assert f"full-lvs.conf:{where}: warning: '{kw}' is not supported by vrrpd, ignored" in err
    assert err.count("warning:") == 4, err
    route = i["virtual_routes"][0]
    assert (route["destination"], route["via"], route["dev"]) == ("192.168.100.0/24", "192.168.200.254", "eth0")


def test_strict_and_track_file(vrrpd):
    c, _ = print_config(vrrpd, "strict-track-file.conf")
    g = c["global_defs"]
    assert (g["vrrp_strict"], g["vrrp_mcast_group4"], g["max_auto_priority"]) == (True, "224.0.0.19", 99)
    # vrrp_min_garp clears the delay and the refresh repeat; the repeat set after it wins
    assert (g["vrrp_garp_master_delay_usec"], g["vrrp_garp_master_repeat"], g["vrrp_garp_master_refresh_repeat"]) == (0, 2, 0)
    assert (g["vrrp_garp_lower_prio_delay_usec"], g["vrrp_garp_lower_prio_repeat"]) == (0, 2)
    f = c["track_files"][0]
    assert (f["file"], f["weight"], f["init_file"], f["init_value"], f["init_overwrite"]) == (
        "/run/keepalived/maintenance", -100, True, 0, True)
    i = instance(c, "VI_STRICT")
    # keepalived -d: strict => accept off, no lower-priority GARPs, no advert on lower priority, mcast 224.0.0.19
    assert (i["strict_mode"], i["accept"], i["state"], i["priority"]) == (True, False, "BACKUP", 254)
    assert (i["garp_lower_prio_delay_usec"], i["garp_lower_prio_repeat"]) == (0, 0)
    assert (i["lower_prio_no_advert"], i["higher_prio_send_advert"]) == (True, False)
    assert (i["garp_master_delay_usec"], i["garp_master_repeat"], i["mcast_dst_ip"]) == (2 * SEC, 2, "224.0.0.19")
    assert i["track_file"] == [{"name": "maintenance", "weight": -100, "reverse": False}]
    assert i["track_script"] == [{"name": "chk_ping", "weight": 5, "reverse": True}]
    assert c["vrrp_scripts"][0]["init_fail"] is True


def test_defaults_of_a_minimal_instance(vrrpd, tmp_path):
    (tmp_path / "min.conf").write_text("vrrp_instance X {\n interface eth0\n virtual_router_id 1\n"
                                       " virtual_ipaddress {\n  192.0.2.1\n }\n}\n")
    c, err = print_config(vrrpd, "min.conf", cwd=tmp_path)
    assert err == ""
    g = c["global_defs"]
    assert (g["vrrp_version"], g["vrrp_mcast_group4"], g["vrrp_mcast_group6"]) == (2, "224.0.0.18", "ff02::12")
    assert (g["vrrpd_privileged_group"], g["vrrp_startup_delay_usec"], g["enable_dbus"]) == ("vrrpd", 0, False)
    assert g["router_id"]  # the node name when not configured
    i = instance(c, "X")
    assert (i["state"], i["priority"], i["advert_int_usec"], i["version"], i["preempt"]) == ("BACKUP", 100, SEC, 2, True)
    assert (i["auth_type"], i["auth_pass_length"], i["accept"], i["strict_mode"]) == ("none", 0, True, False)


def test_state_master_without_priority_is_owner(vrrpd, tmp_path):
    (tmp_path / "m.conf").write_text("vrrp_instance X {\n state MASTER\n interface eth0\n virtual_router_id 1\n"
                                     " virtual_ipaddress {\n  192.0.2.1\n }\n}\n")
    c, err = print_config(vrrpd, "m.conf", cwd=tmp_path)
    assert (instance(c, "X")["priority"], instance(c, "X")["state"]) == (255, "MASTER")
    assert err == ""


def test_check_summary(vrrpd):
    proc = run(vrrpd, "-t", "-f", "sync-group.conf", cwd=VALID)
    out, _ = text(proc)
    assert proc.returncode == 0
    assert "VI_OUTSIDE: eth0 IPv4 vrid 10, VRRPv2, priority 200, BACKUP, 1 address, sync group G_FW" in out
    assert "sync-group.conf: configuration OK: 2 instances, 0 scripts, 1 sync group" in out


def test_vmac_forms(vrrpd):
    """use_vmac as keepalived 2.2.7 reads it: bare, with a name and a five-octet MAC (the VRID is the sixth),
    with a MAC alone; vmac_xmit_base, use_vmac_addr and the global name prefixes."""
    c, err = print_config(vrrpd, "vmac.conf")
    assert (c["global_defs"]["vmac_prefix"], c["global_defs"]["vmac_addr_prefix"]) == ("vr", "va")
    plain, named, mac = (instance(c, n) for n in ("VI_PLAIN", "VI_NAMED", "VI_MAC"))
    assert (plain["use_vmac"], plain["vmac_name"], plain["vmac_mac"]) == (True, "vr.51", None)  # keepalived's name
    assert (plain["vmac_xmit_base"], plain["use_vmac_addr"], plain["vmac_group"]) == (False, False, None)
    assert (named["vmac_name"], named["vmac_mac"]) == ("vrrp.52", "02:00:5e:10:20:34")  # VRID 52 = 0x34
    assert (named["vmac_xmit_base"], named["use_vmac_addr"], named["vmac_netlink_notify_msg"]) == (True, True, False)
    assert (mac["vmac_name"], mac["vmac_mac"]) == ("vr.53", "02:11:22:33:44:55")
    assert err == ""
    # use_vmac_addr: VI_NAMED's one VIP is of its family, on its interface: on its own macvlan, no other one
    assert named["virtual_ipaddress"][0]["vmac_name"] is None


def test_v3_advert_int_above_the_field_is_clamped_as_keepalived_does(vrrpd, tmp_path):
    """keepalived 2.2.7 runs a VRRPv3 advert_int above 40.95 s at 40.95 s, with a message (its vrrp.c,
    vrrp_complete_instance; `keepalived -t` exits 5 on it, yet the daemon runs it): vrrpd runs it the same."""
    conf = tmp_path / "v3-advert-clamp.conf"
    conf.write_text("vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 1\n    version 3\n"
                    "    advert_int 41\n    virtual_ipaddress {\n        192.0.2.1\n    }\n}\n")
    c, err = print_config(vrrpd, str(conf))
    assert instance(c, "VI_1")["advert_int_usec"] == 40_950_000
    assert "v3-advert-clamp.conf:5:16: warning: advert_int of 'VI_1' is out of range for VRRP version 3 (0.01 to " \
           "40.95 seconds); set to 40.95 s, as keepalived does" in err


def test_instance_check_keywords_and_their_global_defaults(vrrpd, tmp_path):
    """skip_check_adv_addr and check_unicast_src in an instance (were skipped as unsupported); either the
    instance's or global_defs' vrrp_ form turns the check on, as in keepalived 2.2.7."""
    conf = tmp_path / "checks.conf"
    conf.write_text("global_defs {\n    vrrp_check_unicast_src\n}\n"
                    "vrrp_instance A {\n    interface eth0\n    virtual_router_id 1\n    skip_check_adv_addr\n"
                    "    unicast_peer {\n        192.0.2.2\n    }\n}\n"
                    "vrrp_instance B {\n    interface eth0\n    virtual_router_id 2\n    check_unicast_src on\n}\n")
    c, err = print_config(vrrpd, str(conf))
    a, b = instance(c, "A"), instance(c, "B")
    assert (a["skip_check_adv_addr"], a["check_unicast_src"]) == (True, True)
    assert (b["skip_check_adv_addr"], b["check_unicast_src"]) == (False, True)
    assert "not supported" not in err


def test_a_weight_of_minus_one_is_a_weight(vrrpd, tmp_path):
    """-1 is what the model once used for "not given": a track line's weight -1 fell back to the script's or
    file's own weight, and its reverse was lost."""
    (tmp_path / "a.conf").write_text(
        'vrrp_script chk {\n script "/bin/true"\n weight 10\n}\ntrack_file tf {\n file "/tmp/vrrpd-t-w"\n}\n'
        "vrrp_instance A {\n interface lo\n virtual_router_id 1\n virtual_ipaddress { 192.0.2.1 }\n"
        " track_script {\n  chk weight -1\n }\n track_file {\n  tf weight -1 reverse\n }\n}\n")
    c, _ = print_config(vrrpd, str(tmp_path / "a.conf"))
    i = instance(c, "A")
    assert i["track_script"] == [{"name": "chk", "weight": -1, "reverse": False}]
    assert i["track_file"] == [{"name": "tf", "weight": -1, "reverse": True}]
