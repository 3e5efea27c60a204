"""keepalived's extra notify keywords (issue 12): notify_priority_changes, notify_master_rx_lower_pri,
notify_deleted and sync_group_tracking_weight load without a "not supported" warning and mean what they mean
in keepalived (vrrp_parser.c, vrrp_complete_instance())."""

import json

from conftest import run, text

BASE = """global_defs {{
    vrrp_notify_priority_changes {global_npc}
}}
vrrp_script chk {{
    script "/bin/true"
    weight 10
}}
track_file tf {{
    file "/tmp/vrrpd-t-tf"
}}
vrrp_instance A {{
    interface lo
    virtual_router_id 1
    priority 100
    virtual_ipaddress {{ 192.0.2.100 }}
    {a_lines}
}}
vrrp_instance B {{
    interface lo
    virtual_router_id 2
    priority 100
    virtual_ipaddress {{ 192.0.2.101 }}
    track_script {{ chk }}
    track_file {{ tf }}
    track_interface {{ lo2 weight 5 }}
}}
vrrp_sync_group G {{
    group {{ A B }}
    {g_lines}
}}
"""


def load(vrrpd, tmp_path, global_npc="false", a_lines="", g_lines=""):
    path = tmp_path / "k.conf"
    path.write_text(BASE.format(global_npc=global_npc, a_lines=a_lines, g_lines=g_lines))
    check = run(vrrpd, "-t", "-f", path)
    _, err = text(check)
    assert check.returncode == 0, err
    assert "not supported" not in err, err
    proc = run(vrrpd, "--print-config", "--json", "-f", path)
    assert proc.returncode == 0, text(proc)[1]
    c = json.loads(proc.stdout)
    return {i["name"]: i for i in c["vrrp_instances"]}, c["vrrp_sync_groups"][0], err


def test_instance_notify_keywords_load(vrrpd, tmp_path):
    lines = ('notify_deleted "/bin/echo gone"\n notify_master_rx_lower_pri "/bin/echo lower"\n'
             ' notify_priority_changes')
    inst, _, _ = load(vrrpd, tmp_path, a_lines=lines, g_lines="sync_group_tracking_weight")
    a = inst["A"]
    assert a["notify_deleted"] is True and a["notify_deleted_script"]["command"] == "/bin/echo gone", a
    assert a["notify_master_rx_lower_pri"]["command"] == "/bin/echo lower", a
    assert a["notify_priority_changes"] is True, a


def test_notify_deleted_alone_sets_the_flag(vrrpd, tmp_path):
    inst, _, _ = load(vrrpd, tmp_path, a_lines="notify_deleted", g_lines="sync_group_tracking_weight")
    assert inst["A"]["notify_deleted"] is True and inst["A"]["notify_deleted_script"] is None, inst["A"]
    assert inst["B"]["notify_deleted"] is False, inst["B"]


def test_sync_group_notify_priority_changes(vrrpd, tmp_path):
    _, g, _ = load(vrrpd, tmp_path, g_lines="notify_priority_changes\n sync_group_tracking_weight")
    assert g["notify_priority_changes"] is True and g["sync_group_tracking_weight"] is True, g


def test_without_sync_group_tracking_weight_members_lose_weighted_tracks(vrrpd, tmp_path):
    """keepalived: "ignoring tracked script chk with weights due to SYNC group"; a weighted interface gets
    weight 0; a track_file at its default weight gets 0."""
    inst, _, err = load(vrrpd, tmp_path)
    b = inst["B"]
    assert b["track_script"] == [], b["track_script"]
    assert [t["weight"] for t in b["track_interface"]] == [0], b["track_interface"]
    assert [t["weight"] for t in b["track_file"]] == [0], b["track_file"]
    assert "ignores tracked script 'chk' with weight 10" in err, err


def test_with_sync_group_tracking_weight_members_keep_them(vrrpd, tmp_path):
    inst, _, err = load(vrrpd, tmp_path, g_lines="sync_group_tracking_weight")
    b = inst["B"]
    assert [t["name"] for t in b["track_script"]] == ["chk"], b["track_script"]
    assert [t["weight"] for t in b["track_interface"]] == [5], b["track_interface"]
    assert "ignores tracked" not in err, err


def test_global_tracking_is_the_deprecated_name(vrrpd, tmp_path):
    inst, g, err = load(vrrpd, tmp_path, g_lines="global_tracking")
    assert g["sync_group_tracking_weight"] is True and "global_tracking is deprecated" in err, err
    assert [t["name"] for t in inst["B"]["track_script"]] == ["chk"]


def test_check_reports_scripts_a_start_disables(vrrpd, tmp_path):
    """What a start disables, -t reports, each under its own keyword (vrrp_notify_fifo_script was called
    notify_fifo_script)."""
    path = tmp_path / "s.conf"
    path.write_text(f"""global_defs {{
    notify_fifo {tmp_path}/a.fifo
    notify_fifo_script {tmp_path}/no-a.sh
    vrrp_notify_fifo {tmp_path}/b.fifo
    vrrp_notify_fifo_script {tmp_path}/no-b.sh
}}
vrrp_instance A {{
    interface lo
    virtual_router_id 1
    priority 100
    notify_deleted "{tmp_path}/no-d.sh"
}}
""")
    proc = run(vrrpd, "-t", "-f", path)
    out, err = text(proc)
    assert proc.returncode == 0, err
    assert "s.conf: warning: notify_fifo_script cannot run" in err, err
    assert "s.conf: warning: vrrp_notify_fifo_script cannot run" in err, err
    assert "s.conf:11:5: warning: A: notify_deleted script cannot run" in err, err
    assert "4 warnings" in out, out  # and: no virtual_ipaddress


def test_check_reports_a_fifo_path_a_start_cannot_use(vrrpd, tmp_path):
    (tmp_path / "plain").write_text("")
    path = tmp_path / "f.conf"
    path.write_text(f"global_defs {{\n    vrrp_notify_fifo {tmp_path}/plain\n    notify_fifo {tmp_path}/no/dir.fifo\n}}\n")
    proc = run(vrrpd, "-t", "-f", path)
    out, err = text(proc)
    assert proc.returncode == 0, err
    assert f"warning: vrrp_notify_fifo '{tmp_path}/plain' is not a FIFO: vrrpd starts" in err, err
    assert f"warning: notify_fifo '{tmp_path}/no/dir.fifo' cannot be made: vrrpd starts" in err, err


def test_startup_and_shutdown_scripts_load(vrrpd, tmp_path):
    path = tmp_path / "g.conf"
    path.write_text('global_defs {\n    startup_script "/bin/true up" root\n    startup_script_timeout 3\n'
                    '    shutdown_script /bin/true\n}\n')
    proc = run(vrrpd, "-t", "-f", path)
    out, err = text(proc)
    assert proc.returncode == 0 and "not supported" not in err and "0 warnings" in out, err
    g = json.loads(run(vrrpd, "--print-config", "--json", "-f", path).stdout)["global_defs"]
    assert g["startup_script"] == {"command": "/bin/true up", "user": "root", "group": None}, g
    assert (g["startup_script_timeout_usec"], g["shutdown_script_timeout_usec"]) == (3_000_000, 10_000_000), g
    assert g["shutdown_script"]["command"] == "/bin/true", g


def test_startup_script_timeout_range(vrrpd, tmp_path):
    path = tmp_path / "g.conf"
    path.write_text("global_defs {\n    shutdown_script_timeout 1001\n}\n")
    proc = run(vrrpd, "-t", "-f", path)
    assert proc.returncode == 1 and "expected seconds from 1 to 1000" in text(proc)[1], text(proc)
