"""keepalived 2.3–2.4's keywords that change what runs (issue 12): the startup hold (vrrp_startup_delay and
2.4's vrrp_delay_after_boot) and 2.3's owner_ignore_adverts. timer_expired_backup needs a stalled daemon and is
proved on the FSM's virtual clock (tests/unit/test-fsm-master.c)."""

import signal
import time

import pytest

from test_bus import INSTANCE, Bus, path_of
from test_failover import CASES, holds, wait_master
from vrrptopo import VrrpInstance, keepalived_config, wait_until
from vrrptopo.capture import read_vrrp
from vrrptopo.timing import master_down_interval

V3 = CASES["v3-ipv4"]
HOLD = 1.5  # seconds: long enough to see, short enough for the suite


def inst(priority, vip, **kw):
    return VrrpInstance(name="VI_1", vrid=82, priority=priority, vips=[f"{vip}/24"], advert_int=V3["advert_int"], **kw)


def start(router, instances, global_extra=()):
    conf = router.dir / "vrrpd.conf"
    text = keepalived_config(instances, global_extra=global_extra)
    return router.vrrpd(text, args=["-l", "-f", str(conf)]).wait_ready()


def uptime():
    with open("/proc/uptime") as f:
        return float(f.read().split()[0])


@pytest.mark.parametrize("keyword", ["vrrp_startup_delay", "vrrp_delay_after_boot"])
def test_startup_hold_keeps_an_owner_from_taking_over(topology, vrrpd_path, keyword):
    """An owner goes master at once, except under a hold: in INIT (no VIP, no advert) until it ends."""
    r1, vip = topology["r1"], topology.vip4(0)
    value = HOLD if keyword == "vrrp_startup_delay" else uptime() + HOLD
    t0 = time.monotonic()
    d = start(r1, [inst(255, vip)], global_extra=[f"{keyword} {value:.3f}"])
    assert Bus(r1).get(path_of("VI_1"), INSTANCE, "State") == "init"
    assert not holds(r1, vip)
    wait_until(f"{vip} on r1", lambda: holds(r1, vip), timeout=HOLD + 2)
    assert time.monotonic() - t0 >= HOLD - 0.2, "the owner took over before the hold ended"
    assert "delaying startup for" in d.log


def test_a_reload_during_the_hold_moves_its_end(topology, vrrpd_path):
    """keepalived 2.3.2: a reload before the delay expired keeps it, ending where the new vrrp_startup_delay
    says (counted from the start): shortened from 30 s to the hold here, the owner takes over then."""
    r1, vip = topology["r1"], topology.vip4(0)
    t0 = time.monotonic()
    d = start(r1, [inst(255, vip)], global_extra=["vrrp_startup_delay 30"])
    d.reload(keepalived_config([inst(255, vip)], global_extra=[f"vrrp_startup_delay {HOLD}"]))
    wait_until(f"{vip} on r1", lambda: holds(r1, vip), timeout=HOLD + 2)
    assert time.monotonic() - t0 >= HOLD - 0.2


def test_owner_ignore_adverts_keeps_two_owners_master(topology, vrrpd_path):
    """Two owners hear each other: the lower address steps down, unless owner_ignore_adverts drops the adverts."""
    r1, r2, vip = topology["r1"], topology["r2"], topology.vip4(0)
    start(r1, [inst(255, vip, extra=["owner_ignore_adverts"])])
    start(r2, [inst(255, vip, extra=["owner_ignore_adverts"])])
    wait_until("both owners hold the VIP", lambda: holds(r1, vip) and holds(r2, vip), timeout=2)
    time.sleep(4 * V3["advert_int"])  # several adverts each way: neither steps down
    assert holds(r1, vip) and holds(r2, vip)
    assert Bus(r1).get(path_of("VI_1"), INSTANCE, "State") == "master"


def test_v3_checksum_as_v2_leaves_out_the_pseudo_header(topology, vrrpd_path):
    """keepalived 2.2.8's v3_checksum_as_v2 (global_defs or instance): VRRPv3 over IPv4 as Cisco checks it. tshark
    finds the checksum bad by the RFC and good once told the adverts use the v2 form."""
    r1, vip = topology["r1"], topology.vip4(0)
    capture = topology.capture()
    start(r1, [inst(255, vip)], global_extra=["v3_checksum_as_v2"])
    wait_until("adverts in the capture", lambda: len(capture.packets()) >= 2, timeout=3)
    capture.stop()
    rfc = [p.checksum_status for p in read_vrrp(capture.path)]
    legacy = [p.checksum_status for p in read_vrrp(capture.path, ("-o", "vrrp.v3_checksum_as_in_v2:TRUE"))]
    assert set(rfc) == {0} and set(legacy) == {1}, (rfc, legacy)


def test_timer_expired_backup_yields_to_the_master_that_took_over(topology, vrrpd_path):
    """keepalived 2.3: a nopreempt master stalled (SIGSTOP) past what a backup of priority 100 waits finds on
    waking that r2 has taken over, and steps down instead of taking the VIP back with its higher priority."""
    r1, r2, vip = topology["r1"], topology["r2"], topology.vip4(0)
    d1 = start(r1, [inst(150, vip, extra=["nopreempt", "timer_expired_backup 100"])])
    wait_master(topology, "r1", vip, timeout=master_down_interval(V3, 150) + 2)
    start(r2, [inst(100, vip, extra=["nopreempt"])])
    d1.process.send_signal(signal.SIGSTOP)
    try:
        wait_until(f"{vip} on r2", lambda: holds(r2, vip), timeout=master_down_interval(V3, 100) + 2)
    finally:
        d1.process.send_signal(signal.SIGCONT)
    wait_master(topology, "r2", vip, timeout=2)
    assert Bus(r1).get(path_of("VI_1"), INSTANCE, "State") == "backup"
    time.sleep(3 * V3["advert_int"])  # r1 hears r2's lower priority and, nopreempt, leaves it be
    assert holds(r2, vip) and not holds(r1, vip)
