"""Signed adverts between vrrpd and keepalived 2.4.3, both ways (issue 13): the election holds, each verifies
the other's adverts (no rejection in keepalived's log, no drop-hmac counter in vrrpd), the lower one takes
over when the higher one stops, and the higher one takes the VIP back.

keepalived 2.4.3 is not in Debian 12: this needs it built from its source outside the project, as
tests/fixtures/auth-hmac/README.md says, installed in /opt/keepalived-2.4.3 (or $KEEPALIVED_243). Without it
these tests are skipped, saying so; the fixtures test (tests/adapter/test-hmac-fixtures.c) holds vrrpd to
keepalived 2.4.3's bytes everywhere."""

import os

import pytest

from test_bus import INSTANCE, Bus, path_of
from test_failover import CASES, instance, master_down_interval, vip_of, wait_master
from vrrptopo import keepalived_config, wait_until

KEEPALIVED_243 = os.environ.get("KEEPALIVED_243", "/opt/keepalived-2.4.3/sbin/keepalived")
KEY = bytes(range(32))
pytestmark = pytest.mark.skipif(not os.access(KEEPALIVED_243, os.X_OK),
                                reason=f"keepalived 2.4.3 is not built at {KEEPALIVED_243} (not in Debian 12)")


def hmac_block():
    return ["auth_hmac {", f"    key 1 hex:{KEY.hex()}", "    active_key 1", "}"]


def vrrpd(router, case, priority):
    text = keepalived_config([instance(router.topo, case, priority, extra=hmac_block())])
    return router.vrrpd(text, args=["-l", "-f", str(router.dir / "vrrpd.conf")]).wait_ready()


def hmac_drops(router):
    stats = Bus(router).get(path_of("VI_1"), INSTANCE, "Statistics")
    return {str(k): int(v) for k, v in stats.items() if str(k).startswith("drop-hmac") and v}


def received(router):
    return int(Bus(router).get(path_of("VI_1"), INSTANCE, "Statistics")["adverts-received"])


def rejections(log):
    """keepalived 2.4.3's lines for a refused signed advert (vrrp.c vrrp_auth_ext_verify())."""
    words = ("authentication trailer", "authentication key id", "authentication HMAC")
    return [line for line in log.splitlines() if any(w in line for w in words)]


@pytest.mark.parametrize("name", ["v2-ipv4", "v3-ipv4", "v3-ipv6"])
def test_vrrpd_master_keepalived_243_backup(topology, name):
    case, topo = CASES[name], topology
    vip, r1, r2 = vip_of(topo, case), topo["r1"], topo["r2"]
    d = vrrpd(r1, case, 150)
    k = r2.keepalived([instance(topo, case, 100, extra=hmac_block())], binary=KEEPALIVED_243)
    wait_master(topo, "r1", vip, timeout=master_down_interval(case, 150) + 3)
    wait_master(topo, "r1", vip, timeout=3 * case["advert_int"] + 1)  # keepalived stays backup
    assert rejections(k.log) == [], k.log[-3000:]
    d.stop()
    wait_master(topo, "r2", vip, timeout=master_down_interval(case, 100) + 2)
    d = vrrpd(r1, case, 150)
    wait_master(topo, "r1", vip, timeout=master_down_interval(case, 150) + 3)
    assert received(r1) >= 1  # keepalived's adverts, heard before vrrpd took the VIP back
    assert hmac_drops(r1) == {} and rejections(k.log) == [], (hmac_drops(r1), k.log[-3000:])


@pytest.mark.parametrize("name", ["v3-ipv4", "v3-ipv6"])
def test_keepalived_243_master_vrrpd_backup(topology, name):
    case, topo = CASES[name], topology
    vip, r1, r2 = vip_of(topo, case), topo["r1"], topo["r2"]
    k = r1.keepalived([instance(topo, case, 150, extra=hmac_block())], binary=KEEPALIVED_243)
    vrrpd(r2, case, 100)
    wait_master(topo, "r1", vip, timeout=master_down_interval(case, 150) + 3)
    wait_until("vrrpd verifies five of keepalived's adverts", lambda: received(r2) >= 5, timeout=10)
    assert hmac_drops(r2) == {} and str(Bus(r2).get(path_of("VI_1"), INSTANCE, "State")) == "backup"
    k.stop()
    wait_master(topo, "r2", vip, timeout=master_down_interval(case, 100) + 2)
