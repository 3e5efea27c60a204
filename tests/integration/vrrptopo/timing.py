"""The RFCs' timers for a test case: {"version": 2|3, "advert_int": seconds, "family": 4|6, ...}."""


def skew_time(case, priority):
    """RFC 3768 (v2): (256 - priority) / 256 s; RFC 9568 (v3): scaled by the advert interval."""
    base = 1.0 if case["version"] == 2 else case["advert_int"]
    return (256 - priority) * base / 256


def master_down_interval(case, priority):
    return 3 * case["advert_int"] + skew_time(case, priority)


def vip_of(topo, case):
    return topo.vip4() if case["family"] == 4 else topo.vip6()
