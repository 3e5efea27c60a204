#!/usr/bin/python3
"""The live demo behind tools/demo: two vrrpd routers in network namespaces share a VIP in front of nginx; the
master is killed, the backup takes over, the master comes back, watched with vrrpctl on the routers' own buses. Everything it creates is torn down at the end,
also on Ctrl-C or an error. Run by tools/demo (which builds first), as root."""

import os
import sys
import time
from pathlib import Path

TOP = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TOP / "tests" / "integration"))

from vrrptopo import Topology, VrrpInstance, keepalived_config, sh, sigterm_raises_interrupt, wait_until  # noqa: E402
from vrrptopo.services import vrrpd_binary  # noqa: E402

ADVERT_INT = 1.0
PRIORITIES = {"r1": 150, "r2": 100}


def say(text=""):
    print(text, flush=True)


def step(text):
    say(f"\n==> {text}")


def config(topo, name):
    """A classic keepalived.conf for an nginx pair, as admins write it."""
    inst = VrrpInstance(name="VI_WEB", vrid=51, priority=PRIORITIES[name], vips=[f"{topo.vip4()}/24"], version=3,
                        advert_int=ADVERT_INT, state="MASTER" if name == "r1" else "BACKUP")
    return keepalived_config([inst], router_id=f"demo-{name}")


def vrrpctl_path():
    return str(vrrpd_binary().parent.parent / "client" / "vrrpctl")


def vrrpctl(router, *args):
    """vrrpctl run in a router's namespace against that router's own system bus, as an admin there would."""
    env = {**os.environ, **router.bus_env()}
    return sh(vrrpctl_path(), *args, ns=router.ns, env=env, check=False).stdout.rstrip()


class Monitor:
    """`vrrpctl monitor` on a router's bus; show() prints the transitions it reported since the last call."""

    def __init__(self, router):
        self.process = router.spawn([vrrpctl_path(), "monitor"], name="vrrpctl-monitor", env=router.bus_env())
        self.shown = 0

    def show(self, min_lines=0):
        wait_until("vrrpctl monitor to report", lambda: len(self._lines()) >= self.shown + min_lines, timeout=5)
        lines = self._lines()
        for line in lines[self.shown:]:
            say(f"    [vrrpctl monitor on r2] {line}")
        self.shown = len(lines)

    def _lines(self):
        return [line for line in self.process.log_text().splitlines() if line.strip()]


def holder(topo, vip):
    there = [r.name for r in topo.routers if vip in r.addresses()]
    return there[0] if len(there) == 1 else None


def client_sees(topo, vip):
    return (topo.client.curl(vip) or "").strip() or "(no answer)"


def start(topo, name):
    conf = topo[name].dir / "vrrpd.conf"
    daemon = topo[name].vrrpd(config(topo, name), args=["-l", "-f", str(conf)])
    return daemon.wait_ready()


def takeover(capture, old, new):
    """Seconds from the old master's last advert to the new master's first, as the client's wire saw them."""
    packets = capture.packets()
    last_old = [p.time for p in packets if p.src == old][-1]
    first_new = [p.time for p in packets if p.src == new and p.time > last_old][0]
    return first_new - last_old


def run(topo):
    vip = topo.vip4()
    mdi = 3 * ADVERT_INT + (256 - PRIORITIES["r2"]) / 256 * ADVERT_INT

    step(f"Two routers, r1 (priority 150) and r2 (priority 100), each with nginx, share the VIP {vip}")
    daemons = {name: start(topo, name) for name in ("r1", "r2")}
    say("    vrrpd runs in both, configured with a plain keepalived.conf (VRRPv3, 1 s adverts)")
    monitor = Monitor(topo["r2"])
    wait_until("a master", lambda: holder(topo, vip), timeout=10)
    say(f"    elected master: {holder(topo, vip)}")
    for name in ("r1", "r2"):
        say(f"    {name}$ vrrpctl")
        for line in filter(str.strip, vrrpctl(topo[name]).splitlines()):
            say(f"      {line}")
    say(f"    client: curl http://{vip}/ -> {client_sees(topo, vip)}")

    step("Killing r1's vrrpd with SIGKILL: no goodbye, like a crashed host")
    capture = topo.capture(name="demo")
    wait_until("an advert on the wire", lambda: capture.packets(), timeout=5)
    daemons["r1"].crash()
    topo["r1"].nginx.stop()  # the whole host is gone, its web server too
    wait_until("r2 to take the VIP", lambda: vip in topo["r2"].addresses(), timeout=mdi + 5)
    wait_until("the client to reach r2", lambda: client_sees(topo, vip) == "r2", timeout=5)
    capture.stop()
    took = takeover(capture, topo["r1"].ipv4(), topo["r2"].ipv4())
    say(f"    r2 took over {took * 1000:.0f} ms after r1's last advert "
        f"(the RFC's Master_Down_Interval here is {mdi * 1000:.0f} ms)")
    monitor.show(min_lines=1)
    say(f"    client: curl http://{vip}/ -> {client_sees(topo, vip)}")

    step("r1 comes back: vrrpd removes the VIP its crashed run left, then preempts r2 (higher priority)")
    topo["r1"].nginx.restart()
    daemons["r1"] = start(topo, "r1")
    say(f"    r1 restarted; stale VIP on r1: {'yes' if vip in topo['r1'].addresses() else 'no'}")
    wait_until("r1 to take the VIP back", lambda: holder(topo, vip) == "r1", timeout=2 * mdi + 5)
    wait_until("the client to reach r1", lambda: client_sees(topo, vip) == "r1", timeout=5)
    say(f"    master again: {holder(topo, vip)}; client: curl http://{vip}/ -> {client_sees(topo, vip)}")
    monitor.show(min_lines=1)

    step("Stopping r1 cleanly (SIGTERM): it resigns with a priority-0 advert, so r2 takes over at once")
    t0 = time.monotonic()
    daemons["r1"].stop()
    wait_until("r2 to take the VIP", lambda: holder(topo, vip) == "r2", timeout=5)
    say(f"    r2 holds the VIP {(time.monotonic() - t0) * 1000:.0f} ms after the stop "
        f"(a crash costs {mdi * 1000:.0f} ms, a clean stop only Skew_Time)")
    say(f"    client: curl http://{vip}/ -> {client_sees(topo, vip)}")
    monitor.show(min_lines=1)
    say("    r2$ vrrpctl status VI_WEB")
    for line in filter(str.strip, vrrpctl(topo["r2"], "status", "VI_WEB").splitlines()):
        say(f"      {line}")


def main():
    if os.geteuid() != 0:
        sys.exit("tools/demo: run me as root: the demo creates network namespaces")
    sigterm_raises_interrupt()
    step("Building the topology: namespaces r1, r2, client and a switch, private buses, nginx")
    try:
        with Topology(routers=2) as topo:
            run(topo)
            step("Tearing everything down")
    except KeyboardInterrupt:
        say("\ninterrupted; everything was torn down")
        return 130
    say("done: every namespace, process and address the demo made is gone")
    return 0


if __name__ == "__main__":
    sys.exit(main())
