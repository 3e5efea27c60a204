"""Crafted adverts from the client (issue 4): each is a spoofed advert with a higher priority that would take
mastership from r1 if r1 accepted it, broken in exactly one way. r1 must keep the VIP and count the drop under
the right reason (logged with -D until the bus exposes Statistics). A well-formed one, sent last, shows that
the injection itself works: r1 does step down for it. The equal-priority tie-break (RFC 9568 §6.4.3) is tested
the same way, since two real routers never time out within a packet's flight of each other."""

import pytest

from vrrptopo import VrrpInstance, keepalived_config, wait_until
from vrrptopo.inject import advert, corrupt, send

SPOOF = "192.0.2.250"  # higher than r1's 192.0.2.1
PASSWORD = "s3cret"


def start_r1(topo, version):
    vip = topo.vip4()
    inst = VrrpInstance(name="VI_1", vrid=51, priority=100, vips=[f"{vip}/24"], version=version,
                        advert_int=1 if version == 2 else 0.5, auth_pass=PASSWORD if version == 2 else None)
    conf = topo["r1"].dir / "vrrpd.conf"
    daemon = topo["r1"].vrrpd(keepalived_config([inst]), args=["-l", "-D", "-f", str(conf)]).wait_ready()
    wait_until("r1 to hold the VIP", lambda: vip in topo["r1"].addresses(), timeout=8)
    return daemon, vip


def v2(topo, **kw):
    args = dict(version=2, src=SPOOF, priority=200, addrs=[topo.vip4()], adv_cs=100, auth=PASSWORD)
    return advert(**{**args, **kw})


def v3(topo, **kw):
    args = dict(version=3, src=SPOOF, priority=200, addrs=[topo.vip4()], adv_cs=50)
    return advert(**{**args, **kw})


# name: (protocol version, frame maker, the drop word r1 must log; None: dropped before any instance sees it)
CASES = {
    "ttl-254": (2, lambda t: v2(t, ttl=254), "ttl"),
    "bad-checksum": (2, lambda t: corrupt(v2(t), checksum=True), "checksum"),
    "wrong-version": (2, lambda t: corrupt(v2(t), version=4), "version"),
    "v3-to-a-v2-instance": (2, lambda t: v3(t), "version"),
    "truncated": (2, lambda t: corrupt(v2(t), truncate=6), "length"),
    "wrong-password": (2, lambda t: v2(t, auth="guess"), "auth"),
    "no-auth": (2, lambda t: v2(t, auth=None), "auth-type"),
    "wrong-interval": (2, lambda t: v2(t, adv_cs=200), "interval"),
    "not-an-advert": (2, lambda t: v2(t, vrrp_type=2), "type"),
    "v3-ttl-254": (3, lambda t: v3(t, ttl=254), "ttl"),
    "v3-bad-checksum": (3, lambda t: corrupt(v3(t), checksum=True), "checksum"),
    "unknown-vrid": (2, lambda t: v2(t, vrid=52), None),
}


@pytest.fixture(scope="module")
def routers(tmp_path_factory):
    """One r1 per protocol version for the whole module; only the drop cases use it, none changes its state."""
    from vrrptopo import Topology
    from vrrptopo.fixtures import _require_root_and_tools
    from vrrptopo.services import vrrpd_binary
    import os

    _require_root_and_tools()
    if not os.access(vrrpd_binary(), os.X_OK):
        pytest.skip(f"no vrrpd binary at {vrrpd_binary()}")
    topos = {}
    try:
        for version in (2, 3):
            topo = Topology(routers=1, workdir=tmp_path_factory.mktemp(f"crafted-v{version}")).__enter__()
            topos[version] = (topo, *start_r1(topo, version))
        yield topos
    finally:
        for topo, *_ in topos.values():
            topo.close()


@pytest.mark.parametrize("name", CASES.keys())
def test_a_broken_higher_priority_advert_changes_nothing_and_is_counted(routers, name):
    version, make, word = CASES[name]
    topo, daemon, vip = routers[version]
    marker = len(daemon.log)
    send(topo.client, [make(topo)], count=5, gap=0.05)
    if word:
        line = f"dropped an advert from {SPOOF} ({word})"
        wait_until(f"r1 to log '{line}'", lambda: line in daemon.log[marker:], timeout=5)
    else:
        wait_until("r1 to log the unknown VRID", lambda: "for VRID 52: no instance" in daemon.log[marker:], timeout=5)
    assert vip in topo["r1"].addresses(), f"r1 gave up the VIP after a broken advert ({name})"
    assert "-> backup" not in daemon.log[marker:], f"r1 changed state after a broken advert ({name}):\n{daemon.log}"


def test_a_valid_higher_priority_advert_does_take_mastership(topology, vrrpd_path):
    """The control: the same injection, unbroken, makes r1 step down, so the drops above are real."""
    daemon, vip = start_r1(topology, 2)
    send(topology.client, [v2(topology)], count=3, gap=0.1)
    wait_until("r1 to give up the VIP", lambda: vip not in topology["r1"].addresses(), timeout=5)
    assert "master -> backup (higher-priority)" in daemon.log


@pytest.mark.parametrize("src, yields", [("192.0.2.0", False), (SPOOF, True)], ids=["lower-address", "higher-address"])
def test_a_master_yields_to_an_equal_priority_only_from_a_higher_address(topology, vrrpd_path, src, yields):
    daemon, vip = start_r1(topology, 3)
    marker = len(daemon.log)
    send(topology.client, [v3(topology, src=src, priority=100)], count=5, gap=0.1)
    if yields:
        wait_until("r1 to give up the VIP", lambda: vip not in topology["r1"].addresses(), timeout=5)
        assert "master -> backup (higher-priority)" in daemon.log[marker:]
    else:
        # a lower address loses the tie-break: the master answers at once and keeps the VIP (RFC 9568 §6.4.3)
        assert vip in topology["r1"].addresses(), "r1 yielded to an equal priority from a lower address"
        assert "-> backup" not in daemon.log[marker:]


@pytest.mark.parametrize("check", [True, False], ids=["check_unicast_src", "no-check"])
def test_check_unicast_src_on_the_instance_drops_a_stranger(topology, vrrpd_path, check):
    """keepalived's instance keyword check_unicast_src (issue 11; the global vrrp_check_unicast_src was read
    before): a unicast advert from an address that is no unicast_peer is dropped, and counted as such; without
    it keepalived takes it, and so does vrrpd."""
    topo, vip = topology, topology.vip4()
    inst = VrrpInstance(name="VI_1", vrid=51, priority=100, vips=[f"{vip}/24"], version=3, advert_int=0.5,
                        unicast_src=topo["r1"].ipv4(), unicast_peers=[topo["r2"].ipv4()],
                        extra=["check_unicast_src"] if check else [])
    conf = topo["r1"].dir / "vrrpd.conf"
    daemon = topo["r1"].vrrpd(keepalived_config([inst]), args=["-l", "-D", "-f", str(conf)]).wait_ready()
    wait_until("r1 to hold the VIP", lambda: vip in topo["r1"].addresses(), timeout=8)
    frame = advert(version=3, src=SPOOF, dst=topo["r1"].ipv4(), priority=200, addrs=[vip], adv_cs=50)
    frame = bytes.fromhex(topo["r1"].mac().replace(":", "")) + frame[6:]  # unicast: to r1's own MAC
    marker = len(daemon.log)
    send(topo.client, [frame], count=3, gap=0.1)
    if check:
        line = f"dropped an advert from {SPOOF} (unicast-source)"
        wait_until(f"r1 to log '{line}'", lambda: line in daemon.log[marker:], timeout=5)
        assert vip in topo["r1"].addresses(), "r1 gave up the VIP to a stranger"
    else:
        wait_until("r1 to give up the VIP", lambda: vip not in topo["r1"].addresses(), timeout=5)
