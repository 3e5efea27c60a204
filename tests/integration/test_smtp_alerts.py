"""SMTP alerts (issue 12): notification_email, smtp_server and smtp_alert mail what keepalived mails, to a real
SMTP server (aiosmtpd) in the client's namespace: the same subjects and bodies as keepalived 2.2.7 running
beside vrrpd in the same test, keepalived's headers and envelope, sync group alerts, no_email_faults, the
Deleted alert of a reload; and a server that refuses, stays silent or is not there costs a logged error and a
counter on the bus (and in vrrpctl), never VRRP's timing."""

import json
from pathlib import Path

from test_bus import MANAGER, Bus
from test_failover import CASES, instance, master_down_interval, vip_of, wait_master
from test_netns import vrrpctl
from vrrptopo import keepalived_config, wait_until

V3 = CASES["v3-ipv4"]
ROOT = "/org/vrrpd/Vrrp1"
SINK = Path(__file__).parent / "vrrptopo" / "smtp_sink.py"
PORT = 2525


def sink(topo, port=PORT, refuse=False):
    """The SMTP server on the client, and the file where it writes what it takes."""
    out = topo.client.dir / f"mail-{port}.jsonl"
    proc = topo.client.spawn(["/usr/bin/python3", str(SINK), topo.client.ipv4(), str(port), str(out),
                              *(["--refuse"] if refuse else [])], name=f"smtp-{port}")
    wait_until(f"the SMTP server on port {port}", lambda: "listening" in proc.log_text(), timeout=10)
    return out


def mails(out):
    return [json.loads(line) for line in out.read_text().splitlines()] if out.exists() else []


def headers(mail):
    head = mail["data"].replace("\r\n", "\n").split("\n\n", 1)[0]
    return head.replace("\n ", " ")  # unfold the To: header


def subjects(out, router_id):
    found = []
    for m in mails(out):
        for line in headers(m).split("\n"):
            if line.startswith(f"Subject: [{router_id}] "):
                found.append(line[len(f"Subject: [{router_id}] "):])
    return found


def body(mail):
    return mail["data"].replace("\r\n", "\n").split("\n\n", 1)[1].strip()


def mail_globals(topo, port=PORT, extra=(), names=True):
    """With names, display names as keepalived 2.4 takes them (MAIL FROM and RCPT TO get the part in <>);
    keepalived 2.2.7 puts the whole string in MAIL FROM:<...>, which the server refuses (501)."""
    ops, sender = ('"Ops Team <ops@example.com>"', '"vrrpd <vrrpd@example.com>"') if names else \
        ("ops@example.com", "vrrpd@example.com")
    return ["notification_email {", "    admin@example.com", f"    {ops}", "}", f"notification_email_from {sender}",
            f"smtp_server {topo.client.ipv4()} {port}", "smtp_helo_name lb1.example.com", "smtp_connect_timeout 1",
            *extra]


def start(router, text):
    return router.vrrpd(text, args=["-l", "-f", str(router.dir / "vrrpd.conf")]).wait_ready()


def smtp_alerts(router):
    server, sent, failed, dropped, queued, error = Bus(router).get(ROOT, MANAGER, "SmtpAlerts")
    return str(server), int(sent), int(failed), int(dropped), int(queued), str(error)


def test_alerts_match_keepalived_and_carry_its_headers(topology):
    """vrrpd on r1 (priority 150) and keepalived on r2 (100) mail the same server; each says what its own
    transitions were, in the same words."""
    topo, vip = topology, vip_of(topology, V3)
    r1, r2 = topo["r1"], topo["r2"]
    out = sink(topo)
    daemon = start(r1, keepalived_config([instance(topo, V3, 150, extra=["smtp_alert"])], router_id="r1-vrrpd",
                                         global_extra=mail_globals(topo)))
    r2.keepalived([instance(topo, V3, 100, extra=["smtp_alert"])], global_extra=mail_globals(topo, names=False))
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)
    wait_until("vrrpd's BACKUP and MASTER alerts, keepalived's BACKUP alert",
               lambda: subjects(out, "r1-vrrpd") == ["VRRP Instance VI_1 - Entering BACKUP state",
                                                     "VRRP Instance VI_1 - Entering MASTER state"]
               and subjects(out, "r2-keepalived") == ["VRRP Instance VI_1 - Entering BACKUP state"], timeout=5)
    daemon.stop()
    wait_master(topo, "r2", vip, timeout=master_down_interval(V3, 100) + 2)
    wait_until("keepalived's MASTER alert",
               lambda: subjects(out, "r2-keepalived")[-1:] == ["VRRP Instance VI_1 - Entering MASTER state"],
               timeout=5)
    assert subjects(out, "r1-vrrpd")[-1] == "VRRP Instance VI_1 - Stopping"  # sent before vrrpd exited

    by_subject = {}
    for m in mails(out):
        who = "vrrpd" if "[r1-vrrpd]" in headers(m) else "keepalived"
        state = headers(m).split(" - ")[-1].split("\n")[0]
        by_subject.setdefault(state, {})[who] = m
    for state in ("Entering BACKUP state", "Entering MASTER state"):
        ours, theirs = by_subject[state]["vrrpd"], by_subject[state]["keepalived"]
        assert body(ours) == body(theirs), (ours, theirs)
        assert (ours["mail_from"], ours["rcpt_tos"]) == (theirs["mail_from"], theirs["rcpt_tos"])
        assert ours["helo"] == theirs["helo"] == "lb1.example.com"
    ours = by_subject["Entering MASTER state"]["vrrpd"]
    assert body(ours) == "=> VRRP Instance is now owning VRRP VIPs <="
    assert (ours["mail_from"], ours["rcpt_tos"]) == ("vrrpd@example.com", ["admin@example.com", "ops@example.com"])
    head = headers(ours)
    for line in ("From: vrrpd <vrrpd@example.com>", "To: admin@example.com, Ops Team <ops@example.com>",
                 "X-Mailer: vrrpd"):
        assert line in head.split("\n"), head
    assert any(line.startswith("Date: ") for line in head.split("\n")), head
    assert body(by_subject["Stopping"]["vrrpd"]) == "=> VRRP Instance stopping <="


def test_sync_group_no_email_faults_and_deleted(topology):
    topo, vip = topology, vip_of(topology, V3)
    r1 = topo["r1"]
    out = sink(topo)
    fault = r1.dir / "fault.value"
    fault.write_text("0\n")
    extra = ["smtp_alert", "notify_deleted", "track_file {", "    tf weight 0", "}"]
    group = "vrrp_sync_group G {\n    group {\n        VI_1\n    }\n    smtp_alert\n}\n"
    tf = f'track_file tf {{\n    file "{fault}"\n}}\n'
    text = keepalived_config([instance(topo, V3, 150, extra=extra)], router_id="r1",
                             global_extra=mail_globals(topo, extra=["no_email_faults"])) + tf + group
    daemon = start(r1, text)
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)
    expected = ["VRRP Instance VI_1 - Entering BACKUP state", "VRRP Group G - Entering BACKUP state",
                "VRRP Instance VI_1 - Entering MASTER state", "VRRP Group G - Entering MASTER state"]
    wait_until("the instance's and the group's alerts", lambda: sorted(subjects(out, "r1")) == sorted(expected),
               timeout=5)
    group_mail = [m for m in mails(out) if "VRRP Group G - Entering MASTER" in headers(m)][0]
    assert body(group_mail) == "=> All VRRP group instances are now in MASTER state <="

    fault.write_text("1\n")  # FAULT: not mailed with no_email_faults
    wait_until("r1 gives the VIP up", lambda: vip not in r1.addresses(), timeout=3)
    fault.write_text("0\n")  # BACKUP, then MASTER again: each differs from the last state mailed
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)
    daemon.reload(keepalived_config([], router_id="r1", global_extra=mail_globals(topo)))
    wait_until("the Deleted alert", lambda: "VRRP Instance VI_1 - Deleted" in subjects(out, "r1"), timeout=5)
    got = subjects(out, "r1")
    assert sorted(got[:4]) == sorted(got[4:8]) == sorted(expected), got  # and no FAULT alert between
    assert got[8:] == ["VRRP Instance VI_1 - Deleted"], got
    deleted = [m for m in mails(out) if "VI_1 - Deleted" in headers(m)][0]
    assert body(deleted) == "=> VRRP Deleted at reload <="
    assert smtp_alerts(r1)[1:] == (9, 0, 0, 0, "")


def silent_listener(topo, port):
    """A server that accepts connections and never says a word."""
    code = ("import socket, signal\n"
            f"s = socket.create_server(('{topo.client.ipv4()}', {port}))\n"
            "print('listening', flush=True)\nheld = []\n"
            "while True:\n    held.append(s.accept()[0])\n")
    proc = topo.client.spawn(["/usr/bin/python3", "-c", code], name=f"silent-{port}")
    wait_until("the silent server", lambda: "listening" in proc.log_text(), timeout=10)


def test_a_refusing_silent_or_missing_server_costs_a_counter_not_vrrp(topology):
    topo, vip = topology, vip_of(topology, V3)
    r1, r2 = topo["r1"], topo["r2"]
    sink(topo, port=2526, refuse=True)
    silent_listener(topo, 2527)
    start(r1, keepalived_config([instance(topo, V3, 150, extra=["smtp_alert"])], router_id="r1",
                                global_extra=mail_globals(topo, port=2526)))
    d2 = start(r2, keepalived_config([instance(topo, V3, 100, extra=["smtp_alert"])], router_id="r2",
                                     global_extra=mail_globals(topo, port=2527)))
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)
    server = f"{topo.client.ipv4()}:2526"
    wait_until("two alerts refused on r1", lambda: smtp_alerts(r1) == (server, 0, 2, 0, 0, "refused by the server"),
               timeout=5)
    wait_until("r2's BACKUP alert timed out (1 s to connect, 2 s in all)",
               lambda: smtp_alerts(r2)[1:] == (0, 1, 0, 0, "timed out"), timeout=6)

    port = 2529  # nothing listens there
    d2.reload(keepalived_config([instance(topo, V3, 100, extra=["smtp_alert"])], router_id="r2",
                                global_extra=mail_globals(topo, port=port)))
    r1.link_down()  # r2 takes over; its MASTER alert finds no server
    wait_master(topo, "r2", vip, timeout=master_down_interval(V3, 100) + 2)
    wait_until("r2's MASTER alert failed to connect", lambda: smtp_alerts(r2)[1:] == (0, 2, 0, 0, "could not connect"),
               timeout=5)
    status = vrrpctl(r2, "status").stdout
    assert f"SMTP Alerts: {topo.client.ipv4()}:{port}, 0 sent, 2 failed (last: could not connect)" in status, status
    metrics = vrrpctl(r2, "metrics").stdout.splitlines()
    for line in ('vrrpd_smtp_alerts_total{result="sent"} 0', 'vrrpd_smtp_alerts_total{result="failed"} 2',
                 'vrrpd_smtp_alerts_total{result="dropped"} 0', "vrrpd_smtp_alerts_queued 0"):
        assert line in metrics, metrics
