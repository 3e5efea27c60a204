"""vrrpd on the wire: two routers in namespaces, a client, real adverts (issue 4).

Takeover times are read from a capture on the client: from the old master's last advert (or its priority-0
advert) to the new master's first one, which is what RFC 9568 bounds, without any polling error. The client's
curl to the VIP says which router answers."""

import time
from pathlib import Path

import pytest

from vrrptopo import VrrpInstance, keepalived_config, wait_until
from vrrptopo.timing import master_down_interval, skew_time, vip_of

# Each scenario runs for VRRPv2 over IPv4 (with PASS auth), VRRPv3 over IPv4 and VRRPv3 over IPv6.
CASES = {
    "v2-ipv4": dict(version=2, family=4, advert_int=1, auth_pass="s3cret"),
    "v3-ipv4": dict(version=3, family=4, advert_int=0.5, auth_pass=None),
    "v3-ipv6": dict(version=3, family=6, advert_int=0.5, auth_pass=None),
}
SLACK = 0.050  # the bound: the RFC's interval + 50 ms


def instance(topo, case, priority, **kw):
    prefix = 24 if case["family"] == 4 else 64
    return VrrpInstance(name="VI_1", vrid=51, priority=priority, vips=[f"{vip_of(topo, case)}/{prefix}"],
                        version=case["version"], advert_int=case["advert_int"], auth_pass=case["auth_pass"], **kw)


def start(router, instances, scripts=()):
    conf = router.dir / "vrrpd.conf"
    daemon = router.vrrpd(keepalived_config(instances, scripts), args=["-l", "-f", str(conf)])
    return daemon.wait_ready()


def holds(router, vip):
    return vip in router.addresses()


def wait_master(topo, name, vip, timeout):
    """Waits until `name` alone holds the VIP."""
    others = [r for r in topo.routers if r.name != name]

    def only_there():
        there = holds(topo[name], vip)
        elsewhere = [r.name for r in others if holds(r, vip)]
        return there and not elsewhere

    wait_until(f"{vip} on {name} alone", only_there, timeout=timeout)


def answers(topo, vip, name, timeout=5):
    wait_until(f"the client's curl to {vip} answered by {name}",
               lambda: (topo.client.curl(vip) or "").strip() == name, timeout=timeout)


def adverts(capture, src):
    return [p for p in capture.packets() if p.src == src]


def assert_clean(capture):
    bad = [p for p in capture.packets() if not p.good]
    assert not bad, f"malformed or bad-checksum adverts in the capture: {bad}"


def source(router, case):
    return router.ipv4() if case["family"] == 4 else router.link_local()


@pytest.fixture(params=CASES.values(), ids=CASES.keys())
def case(request):
    return request.param


def test_higher_priority_wins_the_election_and_serves_the_vip(topology, vrrpd_path, case):
    topo, vip = topology, vip_of(topology, case)
    start(topo["r1"], [instance(topo, case, 150)])
    start(topo["r2"], [instance(topo, case, 100)])
    wait_master(topo, "r1", vip, timeout=master_down_interval(case, 150) + 3)
    answers(topo, vip, "r1")


def elect_r1_and_capture(topo, case):
    """r1 (150) and r2 (100) running, r1 master, a capture on the client already holding one of r1's adverts."""
    vip = vip_of(topo, case)
    r1 = start(topo["r1"], [instance(topo, case, 150)])
    start(topo["r2"], [instance(topo, case, 100)])
    wait_master(topo, "r1", vip, timeout=master_down_interval(case, 150) + 3)
    capture = topo.capture()
    wait_until("an advert from r1 in the capture", lambda: adverts(capture, source(topo["r1"], case)), timeout=5)
    return r1, capture


def test_backup_takes_over_within_master_down_interval_after_a_crash(topology, vrrpd_path, case):
    topo, vip = topology, vip_of(topology, case)
    r1, capture = elect_r1_and_capture(topo, case)
    r1.crash()  # SIGKILL: no priority-0 advert; the VIP stays on r1's interface, as after a real crash
    wait_until("r2 to hold the VIP", lambda: holds(topo["r2"], vip), timeout=master_down_interval(case, 100) + 3)
    answers(topo, vip, "r2")  # the new master's gratuitous ARP / NA moved the client over
    capture.stop()
    last_r1 = adverts(capture, source(topo["r1"], case))[-1]
    first_r2 = adverts(capture, source(topo["r2"], case))[0]
    took = first_r2.time - last_r1.time
    mdi = master_down_interval(case, 100)
    assert mdi - 0.005 <= took <= mdi + SLACK, f"r2 took over {took:.3f} s after r1's last advert; MDI {mdi:.3f} s"
    assert_clean(capture)


def test_sigterm_hands_over_within_skew_time(topology, vrrpd_path, case):
    topo, vip = topology, vip_of(topology, case)
    r1, capture = elect_r1_and_capture(topo, case)
    t0 = time.monotonic()
    r1.stop()
    assert time.monotonic() - t0 < 2, "vrrpd took more than 2 s to stop"
    assert r1.process.returncode == 0, f"vrrpd exited {r1.process.returncode}:\n{r1.log}"
    wait_master(topo, "r2", vip, timeout=master_down_interval(case, 100) + 3)
    answers(topo, vip, "r2")
    capture.stop()
    resign = [p for p in adverts(capture, source(topo["r1"], case)) if p.prio == 0]
    assert resign, "r1 stopped without a priority-0 advert"
    first_r2 = adverts(capture, source(topo["r2"], case))[0]
    took = first_r2.time - resign[0].time
    skew = skew_time(case, 100)
    assert skew - 0.005 <= took <= skew + SLACK, f"r2 took over {took:.3f} s after r1 resigned; skew {skew:.3f} s"
    assert_clean(capture)


def test_address_owner_is_master_at_once(topology, vrrpd_path):
    case = CASES["v3-ipv4"]
    topo, vip = topology, vip_of(topology, case)
    start(topo["r2"], [instance(topo, case, 100)])
    t0 = time.monotonic()
    start(topo["r1"], [instance(topo, case, 255)])
    wait_master(topo, "r1", vip, timeout=3)
    assert time.monotonic() - t0 < master_down_interval(case, 255), "the owner waited for Master_Down_Interval"


def test_link_loss_moves_the_vip_and_preemption_brings_it_back(topology, vrrpd_path):
    case = CASES["v3-ipv4"]
    topo, vip = topology, vip_of(topology, case)
    start(topo["r1"], [instance(topo, case, 150)])
    start(topo["r2"], [instance(topo, case, 100)])
    wait_master(topo, "r1", vip, timeout=master_down_interval(case, 150) + 3)
    topo.cut("r1")  # carrier lost: r1 goes to FAULT and drops the VIP
    wait_master(topo, "r2", vip, timeout=master_down_interval(case, 100) + 3)
    topo.mend("r1")  # back: r1 is a backup, hears the lower-priority r2 and preempts it
    wait_master(topo, "r1", vip, timeout=2 * master_down_interval(case, 150) + 3)
    answers(topo, vip, "r1")


def test_a_failed_health_check_moves_the_vip_and_back(topology, vrrpd_path):
    from vrrptopo import TrackScript

    case = CASES["v3-ipv4"]
    topo, vip = topology, vip_of(topology, case)
    check = TrackScript("chk_nginx", "/usr/bin/curl -sf -o /dev/null --max-time 1 http://127.0.0.1/",
                        interval=0.2, timeout=1, fall=1, rise=1, weight=-60)
    for name, prio in (("r1", 150), ("r2", 100)):
        start(topo[name], [instance(topo, case, prio, track_scripts=["chk_nginx"])], scripts=[check])
    wait_master(topo, "r1", vip, timeout=master_down_interval(case, 150) + 3)
    topo["r1"].nginx.stop()  # 150 - 60 = 90 < 100: r2 preempts
    wait_master(topo, "r2", vip, timeout=master_down_interval(case, 90) + 5)
    answers(topo, vip, "r2")
    topo["r1"].nginx.restart()  # 150 again: r1 preempts back
    wait_master(topo, "r1", vip, timeout=master_down_interval(case, 150) + 5)
    answers(topo, vip, "r1")


def test_nopreempt_keeps_the_new_master(topology, vrrpd_path):
    case = CASES["v3-ipv4"]
    topo, vip = topology, vip_of(topology, case)
    start(topo["r2"], [instance(topo, case, 100, nopreempt=True)])
    wait_master(topo, "r2", vip, timeout=master_down_interval(case, 100) + 3)
    start(topo["r1"], [instance(topo, case, 150, nopreempt=True)])
    # r1 hears r2 (lower priority) and, with nopreempt, keeps following it: several Master_Down_Intervals pass
    deadline = time.monotonic() + 2 * master_down_interval(case, 150)
    while time.monotonic() < deadline:
        assert not holds(topo["r1"], vip), "r1 took the VIP over despite nopreempt"
        time.sleep(0.05)
    assert holds(topo["r2"], vip), "r2 lost the VIP"


def test_a_restart_after_a_crash_leaves_the_vip_on_one_host_only(topology, vrrpd_path):
    case = CASES["v3-ipv4"]
    topo, vip = topology, vip_of(topology, case)
    r1 = start(topo["r1"], [instance(topo, case, 150)])
    start(topo["r2"], [instance(topo, case, 100)])
    wait_master(topo, "r1", vip, timeout=master_down_interval(case, 150) + 3)
    r1.crash()
    assert holds(topo["r1"], vip), "a SIGKILLed vrrpd should leave its VIP behind (that is what this tests)"
    wait_until("r2 to hold the VIP", lambda: holds(topo["r2"], vip), timeout=master_down_interval(case, 100) + 3)
    start(topo["r1"], [instance(topo, case, 150)])  # ready means its instances run: stale VIPs are gone by now
    assert not holds(topo["r1"], vip), "the restarted r1 still holds the VIP its crashed run left"
    wait_master(topo, "r1", vip, timeout=2 * master_down_interval(case, 150) + 3)  # then it preempts properly


def test_a_vip_left_by_a_crash_goes_even_when_the_new_config_no_longer_has_it(topology, vrrpd_path):
    case = CASES["v3-ipv4"]
    topo, vip = topology, vip_of(topology, case)
    r1 = start(topo["r1"], [instance(topo, case, 150)])
    wait_master(topo, "r1", vip, timeout=master_down_interval(case, 150) + 3)
    r1.crash()
    other = VrrpInstance(name="VI_2", vrid=52, priority=150, vips=[f"{topo.vip4(1)}/24"], version=3,
                         advert_int=case["advert_int"])
    start(topo["r1"], [other])  # only the record of the crashed run knows about the old VIP
    assert not holds(topo["r1"], vip), f"{vip} from the crashed run is still on r1"


def test_no_accept_drops_traffic_to_the_vip_and_leaves_no_table_behind(topology, vrrpd_path):
    case = CASES["v3-ipv4"]
    topo, vip = topology, vip_of(topology, case)
    r1 = start(topo["r1"], [instance(topo, case, 150, extra=["no_accept"])])
    wait_master(topo, "r1", vip, timeout=master_down_interval(case, 150) + 3)
    table = topo["r1"].sh("nft", "list", "table", "inet", "vrrpd", check=False)
    assert table.returncode == 0 and vip in table.stdout, f"no Accept_Mode filter for {vip}: {table.stdout}"
    assert topo.client.curl(topo["r1"].ipv4()) is not None, "r1's own address must stay reachable"
    assert topo.client.curl(vip) is None, "the master accepted traffic to its VIP despite no_accept"
    r1.stop()
    left = topo["r1"].sh("nft", "list", "table", "inet", "vrrpd", check=False)
    assert left.returncode != 0, f"vrrpd left its nftables table behind:\n{left.stdout}\n{r1.log[-3000:]}"


def maps_libnftables(daemon):
    return "libnftables" in Path(f"/proc/{daemon.process.pid}/maps").read_text()


def test_libnftables_is_loaded_only_when_accept_mode_needs_it(topology, vrrpd_path):
    """libnftables and its dependencies cost ~1.3 MiB of RSS (issue 4): vrrpd dlopen()s them at the first
    Accept_Mode filter, and finds out without them that no stale table is there to delete at startup."""
    case = CASES["v3-ipv4"]
    topo, vip = topology, vip_of(topology, case)
    r1 = start(topo["r1"], [instance(topo, case, 150)])
    wait_master(topo, "r1", vip, timeout=master_down_interval(case, 150) + 3)
    assert not maps_libnftables(r1), "a master without no_accept mapped libnftables"
    r1.stop()
    r1 = start(topo["r1"], [instance(topo, case, 150, extra=["no_accept"])])
    wait_master(topo, "r1", vip, timeout=master_down_interval(case, 150) + 3)
    assert maps_libnftables(r1), "a no_accept master filters without libnftables?"


def test_a_table_left_by_a_crash_goes_at_startup(topology, vrrpd_path):
    case = CASES["v3-ipv4"]
    topo, vip = topology, vip_of(topology, case)
    r1 = start(topo["r1"], [instance(topo, case, 150, extra=["no_accept"])])
    wait_master(topo, "r1", vip, timeout=master_down_interval(case, 150) + 3)
    r1.crash()
    stale = topo["r1"].sh("nft", "list", "table", "inet", "vrrpd", check=False)
    assert stale.returncode == 0 and vip in stale.stdout, f"the crash left no table to clean up: {stale.stdout}"
    start(topo["r1"], [instance(topo, case, 150)])  # no Accept_Mode now: the table must go all the same
    left = topo["r1"].sh("nft", "list", "table", "inet", "vrrpd", check=False)
    assert left.returncode != 0, f"the crashed run's table is still there:\n{left.stdout}"


@pytest.mark.parametrize("case", [CASES["v3-ipv4"], CASES["v3-ipv6"]], ids=["ipv4", "ipv6"])
def test_adverts_are_marked_network_control(topology, vrrpd_path, case):
    """DSCP CS6, as keepalived marks its adverts, so they are not the first to go under congestion."""
    import subprocess

    topo = topology
    capture = topo.capture()
    start(topo["r1"], [instance(topo, case, 255)])
    wait_until("adverts from r1", lambda: len(adverts(capture, source(topo["r1"], case))) >= 2, timeout=5)
    capture.stop()
    field = "ip.dsfield.dscp" if case["family"] == 4 else "ipv6.tclass.dscp"
    out = subprocess.run(["tshark", "-r", str(capture.path), "-Y", "vrrp", "-T", "fields", "-e", field],
                         capture_output=True, text=True, check=True).stdout.split()
    assert out and set(out) == {"48"}, f"adverts carry DSCP {out}, expected 48 (CS6)"


def test_promote_secondaries_is_set_while_running_and_put_back(topology, vrrpd_path):
    """promote_secondaries (issue 11; was skipped as unsupported): on the instance's interface while vrrpd runs,
    back to what it was after, as keepalived does."""
    r1 = topology["r1"]

    def promote():
        return r1.sh("cat", "/proc/sys/net/ipv4/conf/eth0/promote_secondaries").stdout.strip()

    assert promote() == "0"
    daemon = start(r1, [instance(topology, CASES["v3-ipv4"], 150, extra=["promote_secondaries"])])
    assert promote() == "1"
    daemon.stop()
    assert promote() == "0"
