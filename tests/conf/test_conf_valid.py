"""Real-world keepalived.conf files load with the values keepalived 2.2.7 would use (checked against its
`keepalived -d` dump where noted), asserted through `vrrpd --print-config --json`."""

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
    assert (i["auth_type"], i["auth_pass"]) == ("PASS", "s3cr3t")
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
    for where, kw in (("5:4", "notification_email"), ("10:4", "smtp_server"), ("35:5", "virtual_routes"),
                      ("40:1", "virtual_server"), ("61:1", "virtual_server_group"), ("66:1", "virtual_server")):
        assert f"full-lvs.conf:{where}: warning: '{kw}' is not supported by vrrpd, ignored" in err
    assert "full-lvs.conf:25:5: warning: 'smtp_alert' accepted, but vrrpd sends no mail" in err
    assert err.count("warning:") == 10, err


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
    assert (i["auth_type"], i["auth_pass"], i["accept"], i["strict_mode"]) == ("none", None, True, False)


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
