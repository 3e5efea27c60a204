"""Signed adverts (issue 13, keepalived 2.4's auth_hmac) between vrrpd routers: a signed pair runs in every
family and version, multicast and unicast; a key mismatch is refused both ways; keys rotate without a flap;
forged, replayed, stale, unsigned, malformed and unknown-key adverts are dropped and counted, and change
nothing: not the state, not the master's own advert cadence."""

import os
import struct
import time

import pytest

from test_bus import INSTANCE, Bus, path_of
from test_failover import CASES, instance, master_down_interval, vip_of, wait_master
from vrrptopo import VrrpInstance, keepalived_config, wait_until
from vrrptopo.inject import advert, send, vrrp_offset
from vrrptopo.signed import TRAILER, seq_at, sign, trailer_of

KEY, KEY2 = bytes(range(32)), bytes(range(100, 132))
V3 = CASES["v3-ipv4"]
SPOOF = "192.0.2.250"


def hmac_block(keys, active, extra=()):
    return ["auth_hmac {", *(f"    key {k} hex:{v.hex()}" for k, v in keys.items()), f"    active_key {active}",
            *(f"    {line}" for line in extra), "}"]


def start(router, instances):
    return router.vrrpd(keepalived_config(instances), args=["-l", "-f", str(router.dir / "vrrpd.conf")]).wait_ready()


def stats(router):
    return {str(k): int(v) for k, v in Bus(router).get(path_of("VI_1"), INSTANCE, "Statistics").items()}


def hmac_drops(router):
    return {k: v for k, v in stats(router).items() if k.startswith("drop-hmac") and v}


def state(router):
    return str(Bus(router).get(path_of("VI_1"), INSTANCE, "State"))


def frames(capture, src):
    """The raw frames from src in the capture, oldest first."""
    from scapy.all import IP, IPv6, raw, rdpcap

    out = []
    for p in rdpcap(str(capture.path)):
        ip = p.getlayer(IP) or p.getlayer(IPv6)
        if ip is not None and ip.src == src:
            out.append(raw(p))
    return out


def payload(frame):
    return frame[vrrp_offset(frame):]


@pytest.mark.parametrize("name", ["v2-ipv4", "v3-ipv4", "v3-ipv6"])
def test_a_signed_pair_runs(topology, name):
    case, topo = CASES[name], topology
    vip, r1, r2 = vip_of(topology, case), topology["r1"], topology["r2"]
    capture = topo.capture()
    start(r1, [instance(topo, case, 150, extra=hmac_block({1: KEY}, 1))])
    start(r2, [instance(topo, case, 100, extra=hmac_block({1: KEY}, 1))])
    wait_master(topo, "r1", vip, timeout=master_down_interval(case, 150) + 3)
    wait_until("r2 hears five signed adverts", lambda: stats(r2)["adverts-received"] >= 5, timeout=10)
    assert state(r2) == "backup" and hmac_drops(r2) == {}, stats(r2)
    src = r1.ipv4() if case["family"] == 4 else r1.link_local()
    sent = frames(capture, src)
    assert sent and all(len(payload(f)) == (8 + 4 + (8 if case["version"] == 2 else 0) if case["family"] == 4
                                             else 8 + 16) + TRAILER for f in sent), [len(payload(f)) for f in sent]
    seqs = [trailer_of(payload(f))[1] for f in sent]
    assert seqs == sorted(set(seqs)) and abs((seqs[-1] >> 32) - time.time()) < 5


def test_a_signed_unicast_pair_runs(topology):
    topo, vip = topology, vip_of(topology, V3)
    r1, r2 = topo["r1"], topo["r2"]
    start(r1, [instance(topo, V3, 150, unicast_peers=[r2.ipv4()], extra=hmac_block({1: KEY}, 1))])
    start(r2, [instance(topo, V3, 100, unicast_peers=[r1.ipv4()], extra=hmac_block({1: KEY}, 1))])
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)
    wait_until("r2 hears five signed unicast adverts", lambda: stats(r2)["adverts-received"] >= 5, timeout=10)
    assert state(r2) == "backup" and hmac_drops(r2) == {}


def test_a_key_mismatch_is_refused_both_ways(topology):
    topo, vip = topology, vip_of(topology, V3)
    r1, r2 = topo["r1"], topo["r2"]
    start(r1, [instance(topo, V3, 150, extra=hmac_block({1: KEY}, 1))])
    start(r2, [instance(topo, V3, 100, extra=hmac_block({1: KEY2}, 1))])
    wait_until("both count bad MACs", lambda: hmac_drops(r1).get("drop-hmac-bad", 0) >= 3
               and hmac_drops(r2).get("drop-hmac-bad", 0) >= 3, timeout=master_down_interval(V3, 100) + 5)
    assert state(r1) == state(r2) == "master"  # neither believes the other
    assert stats(r1)["adverts-received"] == stats(r2)["adverts-received"] == 0


def test_keys_rotate_without_a_flap(topology):
    topo, vip = topology, vip_of(topology, V3)
    r1, r2 = topo["r1"], topo["r2"]
    capture = topo.capture()
    d1 = start(r1, [instance(topo, V3, 150, extra=hmac_block({1: KEY, 2: KEY2}, 1))])
    d2 = start(r2, [instance(topo, V3, 100, extra=hmac_block({1: KEY, 2: KEY2}, 1))])
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)
    before = int(Bus(r2).get(path_of("VI_1"), INSTANCE, "LastTransitionUSec"))
    d1.reload(keepalived_config([instance(topo, V3, 150, extra=hmac_block({1: KEY, 2: KEY2}, 2))]))
    d2.reload(keepalived_config([instance(topo, V3, 100, extra=hmac_block({1: KEY, 2: KEY2}, 2))]))
    received = stats(r2)["adverts-received"]
    wait_until("r2 hears adverts signed with key 2",
               lambda: stats(r2)["adverts-received"] >= received + 5, timeout=10)
    ids = [trailer_of(payload(f))[0] for f in frames(capture, r1.ipv4())]
    assert ids[0] == 1 and ids[-1] == 2 and ids == sorted(ids), ids
    assert state(r2) == "backup" and hmac_drops(r2) == {}
    assert int(Bus(r2).get(path_of("VI_1"), INSTANCE, "LastTransitionUSec")) == before  # no flap


def test_forged_adverts_move_nothing(topology):
    """Forged adverts with a valid-looking trailer and a bad MAC, priority 254, at 20 a second: the master
    stays, counts each, and its own adverts keep their 100 ms cadence."""
    topo, vip = topology, vip_of(topology, V3)
    r1 = topo["r1"]
    fast = VrrpInstance(name="VI_1", vrid=51, priority=150, vips=[f"{vip}/24"], advert_int=0.1,
                        extra=hmac_block({1: KEY}, 1))
    start(r1, [fast])
    wait_until("r1 master", lambda: vip in r1.addresses(), timeout=3)
    capture = topo.capture()
    forged = sign(advert(src=SPOOF, vrid=51, priority=254, addrs=[vip], adv_cs=10), KEY, mac=os.urandom(16))
    t0 = time.time()
    send(topo.client, [forged], count=60, gap=0.05)
    wait_until("60 bad MACs counted", lambda: hmac_drops(r1).get("drop-hmac-bad", 0) == 60, timeout=5)
    assert state(r1) == "master" and stats(r1)["adverts-received"] == 0
    stamps = [p.time for p in capture.packets() if p.src == r1.ipv4()]
    gaps = [b - a for a, b in zip(stamps, stamps[1:])]
    assert len(gaps) >= 25 and time.time() - t0 >= 2.9, gaps
    # A forged advert that pushed the master's timer back would silence it (keepalived 2.4.3 sends nothing at
    # 20/s): no gap may stretch, and the adverts keep their grid, so their mean spacing is the interval. One
    # advert late by a few ms on a loaded machine is the scheduler's, and the next one is early by as much.
    assert max(gaps) <= 0.125, f"advert gaps during the flood: {gaps}"
    mean = (stamps[-1] - stamps[0]) / (len(stamps) - 1)
    assert abs(mean - 0.1) <= 0.001, f"mean advert spacing {mean * 1000:.2f} ms during the flood: {gaps}"


def test_replayed_stale_unsigned_malformed_and_unknown_key_adverts(topology):
    topo, vip = topology, vip_of(topology, V3)
    r1, r2 = topo["r1"], topo["r2"]
    capture = topo.capture()
    start(r1, [instance(topo, V3, 150, extra=hmac_block({1: KEY}, 1))])
    start(r2, [instance(topo, V3, 100, extra=hmac_block({1: KEY}, 1))])
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)
    wait_until("r2 hears r1", lambda: stats(r2)["adverts-received"] >= 3, timeout=5)

    old = frames(capture, r1.ipv4())[0]  # r1's own first advert, sent again: replayed
    send(topo.client, [old])
    wait_until("a replay counted", lambda: hmac_drops(r2).get("drop-hmac-replayed") == 1, timeout=3)

    low = advert(src=SPOOF, vrid=51, priority=50, addrs=[vip], adv_cs=50)
    good = sign(low, KEY)
    send(topo.client, [good, good])  # a third signer, valid, then the same again
    wait_until("the valid one taken, its copy refused",
               lambda: hmac_drops(r1).get("drop-hmac-replayed") == 1 and stats(r1)["adverts-received"] == 1,
               timeout=3)
    send(topo.client, [sign(low, KEY, seq=seq_at(time.time() - 60)),  # a minute old: outside the window
                       sign(low, KEY, key_id=9),
                       sign(low, KEY, scheme=2),
                       advert(src=SPOOF, vrid=51, priority=254, addrs=[vip], adv_cs=50)])  # unsigned
    want = {"drop-hmac-replayed": 1, "drop-hmac-stale": 1, "drop-hmac-unknown-key": 1, "drop-hmac-malformed": 1,
            "drop-hmac-missing": 1}
    wait_until("each counted under its reason", lambda: hmac_drops(r1) == want, timeout=3)
    assert state(r1) == "master" and state(r2) == "backup"


def test_migration_modes(topology):
    """keepalived's rollout: receive-only verifies what is signed and takes what is not, permissive signs and
    still takes unsigned adverts, enforce takes signed ones only."""
    topo, vip = topology, vip_of(topology, V3)
    r1, r2 = topo["r1"], topo["r2"]
    d1 = start(r1, [instance(topo, V3, 150)])
    d2 = start(r2, [instance(topo, V3, 100, extra=hmac_block({1: KEY}, 1, ["mode receive-only"]))])
    wait_master(topo, "r1", vip, timeout=master_down_interval(V3, 150) + 3)
    assert hmac_drops(r2) == {}
    d1.reload(keepalived_config([instance(topo, V3, 150, extra=hmac_block({1: KEY}, 1, ["mode permissive"]))]))
    received = stats(r2)["adverts-received"]
    wait_until("r2, receive-only, verifies r1's signed adverts",
               lambda: stats(r2)["adverts-received"] >= received + 3, timeout=5)
    d2.reload(keepalived_config([instance(topo, V3, 100, extra=hmac_block({1: KEY}, 1))]))
    received = stats(r2)["adverts-received"]
    wait_until("r2 in enforce mode hears r1's signed adverts",
               lambda: stats(r2)["adverts-received"] >= received + 3, timeout=5)
    assert state(r2) == "backup" and hmac_drops(r2) == {}
    send(topo.client, [advert(src=SPOOF, vrid=51, priority=254, addrs=[vip], adv_cs=50)])
    wait_until("an unsigned advert refused", lambda: hmac_drops(r2) == {"drop-hmac-missing": 1}, timeout=3)
