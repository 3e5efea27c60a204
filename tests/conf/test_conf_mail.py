"""keepalived's SMTP alert settings (issue 12): notification_email, notification_email_from, smtp_server,
smtp_helo_name, smtp_connect_timeout, no_email_faults and smtp_alert load without a "not supported" warning,
take keepalived's defaults, and a value that would break the mail (a line break, a bad port or host) is a
located error."""

import json

import pytest

from conftest import run, text

BASE = """global_defs {{
{glob}
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
}}
vrrp_sync_group G {{
    group {{ A B }}
    {g_lines}
}}
"""

MAIL = """    notification_email {
        admin@example.com "Ops Team <ops@example.com>"
        root
    }
    notification_email_from "vrrpd <vrrpd@example.com>"
    smtp_server 2001:db8::25 2525
    smtp_helo_name lb1.example.com
    smtp_connect_timeout 7
    no_email_faults"""


def write(tmp_path, glob="", a_lines="", g_lines=""):
    path = tmp_path / "k.conf"
    path.write_text(BASE.format(glob=glob, a_lines=a_lines, g_lines=g_lines))
    return path


def load(vrrpd, path):
    check = run(vrrpd, "-t", "-f", path)
    _, err = text(check)
    assert check.returncode == 0, err
    assert "not supported" not in err and "ignored" not in err, err
    proc = run(vrrpd, "--print-config", "--json", "-f", path)
    c = json.loads(proc.stdout)
    return c, {i["name"]: i for i in c["vrrp_instances"]}, c["vrrp_sync_groups"][0], err


def test_mail_settings_load(vrrpd, tmp_path):
    c, inst, group, err = load(vrrpd, write(tmp_path, MAIL + "\n    smtp_alert"))
    g = c["global_defs"]
    assert g["notification_email"] == ["admin@example.com", "Ops Team <ops@example.com>", "root"]
    assert (g["notification_email_from"], g["smtp_server"], g["smtp_server_port"]) == (
        "vrrpd <vrrpd@example.com>", "2001:db8::25", 2525)
    assert (g["smtp_helo_name"], g["smtp_connect_timeout_usec"], g["no_email_faults"]) == (
        "lb1.example.com", 7_000_000, True)
    assert inst["A"]["smtp_alert"] and inst["B"]["smtp_alert"] and group["smtp_alert"]
    assert "warning" not in err, err


def test_mail_defaults(vrrpd, tmp_path):
    c, inst, group, _ = load(vrrpd, write(tmp_path, "    smtp_server mail.example.com\n"
                                                    "    notification_email { a@example.com }"))
    g = c["global_defs"]
    assert (g["smtp_server_port"], g["smtp_connect_timeout_usec"], g["no_email_faults"]) == (25, 30_000_000, False)
    assert g["notification_email_from"] is None and g["smtp_helo_name"] is None
    assert not inst["A"]["smtp_alert"] and not group["smtp_alert"]


@pytest.mark.parametrize("glob,a_lines,g_lines,a,b,g", [
    ("smtp_alert_vrrp", "", "", True, True, True),
    ("smtp_alert", "smtp_alert false", "", False, True, True),
    ("smtp_alert true\n smtp_alert_vrrp false", "", "smtp_alert", False, False, True),
    ("", "smtp_alert", "", True, False, False),
])
def test_smtp_alert_defaults_follow_keepalived(vrrpd, tmp_path, glob, a_lines, g_lines, a, b, g):
    _, inst, group, _ = load(vrrpd, write(tmp_path, MAIL + "\n " + glob, a_lines, g_lines))
    assert (inst["A"]["smtp_alert"], inst["B"]["smtp_alert"], group["smtp_alert"]) == (a, b, g)


def test_alerts_without_server_warn(vrrpd, tmp_path):
    proc = run(vrrpd, "-t", "-f", write(tmp_path, "    notification_email { a@example.com }", "smtp_alert"))
    _, err = text(proc)
    assert proc.returncode == 0
    assert "k.conf:4:15: warning: vrrp_instance 'A' has smtp_alert on, but global_defs has no smtp_server: " \
           "no alert will be mailed" in err, err


def test_zero_timeout_becomes_one(vrrpd, tmp_path):
    proc = run(vrrpd, "--print-config", "--json", "-f", write(tmp_path, "    smtp_connect_timeout 0"))
    assert json.loads(proc.stdout)["global_defs"]["smtp_connect_timeout_usec"] == 1_000_000
    assert "k.conf:2:26: warning: smtp_connect_timeout must be greater than 0, using 1" in text(proc)[1]


@pytest.mark.parametrize("line,where,message", [
    ("smtp_server 192.0.2.25 0", "2:28", "smtp_server port"),
    ("smtp_server 192.0.2.25 70000", "2:28", "smtp_server port"),
    ("smtp_server mail/example", "2:17", "invalid smtp_server 'mail/example'"),
    ("smtp_server", "2:5", "smtp_server"),
    ("notification_email_from \"a@b\x07Bcc: x@y\"", "2:29", "invalid notification_email_from"),
    ("notification_email { \"a@b\x1bX: y\" }", "2:26", "invalid notification_email address"),
    ("smtp_helo_name \"\"", "2:20", "invalid smtp_helo_name"),
    ("smtp_connect_timeout -1", "2:26", "smtp_connect_timeout"),
])
def test_bad_mail_values_are_located_errors(vrrpd, tmp_path, line, where, message):
    proc = run(vrrpd, "-t", "-f", write(tmp_path, "    " + line))
    _, err = text(proc)
    assert proc.returncode == 1, err
    assert any(f"k.conf:{where}: error: " in l and message in l for l in err.splitlines()), err
