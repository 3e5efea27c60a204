"""dynamic_interfaces (keepalived's global keyword, issue 11): an instance whose interface does not exist yet
waits for it in FAULT, shown on the bus (Faults: no-interface); it runs once the interface appears, and waits
again when it goes, as often as that happens."""

from test_bus import INSTANCE, Bus, path_of
from test_failover import CASES
from vrrptopo import VrrpInstance, keepalived_config, wait_until

V3 = CASES["v3-ipv4"]
VIP = "203.0.113.50"


def start_conf(router, text):
    conf = router.dir / "vrrpd.conf"
    return router.vrrpd(text, args=["-l", "-f", str(conf)]).wait_ready()


def prop(router, name):
    return Bus(router).get(path_of("VI_D"), INSTANCE, name)


def make_link(router, address_last):
    """The interface, up, with an address: first the address, or (as DHCP and networkd do) last."""
    router.sh("ip", "link", "add", "dyn0", "type", "veth", "peer", "name", "dyn0p")
    if not address_last:
        router.sh("ip", "addr", "add", "203.0.113.1/24", "dev", "dyn0")
    router.sh("ip", "link", "set", "dyn0p", "up")
    router.sh("ip", "link", "set", "dyn0", "up")
    if address_last:
        router.sh("ip", "addr", "add", "203.0.113.1/24", "dev", "dyn0")


def test_an_instance_waits_for_its_interface(topology, vrrpd_path):
    r1 = topology["r1"]
    inst = VrrpInstance(name="VI_D", vrid=93, priority=150, vips=[f"{VIP}/24"], interface="dyn0",
                        advert_int=V3["advert_int"])
    d = start_conf(r1, keepalived_config([inst], global_extra=["dynamic_interfaces"]))
    wait_until("VI_D waiting in FAULT", lambda: prop(r1, "State") == "fault", timeout=3)
    assert [str(f) for f in prop(r1, "Faults")] == ["no-interface"]
    assert "waiting for it in FAULT (dynamic_interfaces)" in d.log
    for round_ in range(2):
        make_link(r1, address_last=round_ == 1)
        wait_until(f"VI_D master on dyn0 (round {round_})", lambda: VIP in r1.addresses(dev="dyn0"), timeout=5)
        assert list(prop(r1, "Faults")) == []
        r1.sh("ip", "link", "del", "dyn0")
        wait_until(f"VI_D back in FAULT (round {round_})", lambda: prop(r1, "State") == "fault", timeout=3)
        assert [str(f) for f in prop(r1, "Faults")] == ["no-interface"]
    assert "error" not in d.log, d.log


def test_without_dynamic_interfaces_a_missing_interface_is_left_out(topology, vrrpd_path):
    r1 = topology["r1"]
    inst = VrrpInstance(name="VI_D", vrid=93, priority=150, vips=[f"{VIP}/24"], interface="dyn0",
                        advert_int=V3["advert_int"])
    conf = r1.dir / "vrrpd.conf"
    d = r1.vrrpd(keepalived_config([inst]), args=["-l", "-f", str(conf)])
    d.start()
    wait_until("vrrpd to say why it cannot run VI_D", lambda: "interface 'dyn0' not found" in d.log, timeout=5)
