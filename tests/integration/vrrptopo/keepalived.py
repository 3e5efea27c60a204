"""Debian's keepalived 2.2.7 as a VRRP peer, run the way DESIGN.md §5 learned the hard way."""

import os
import signal
from dataclasses import dataclass, field

from .run import wait_until

KEEPALIVED = "/usr/sbin/keepalived"


@dataclass
class TrackScript:
    """A vrrp_script block; weight 0 means a failure puts the instance in FAULT."""

    name: str
    script: str
    interval: float = 1
    timeout: float = 1
    fall: int = 1
    rise: int = 1
    weight: int = 0

    def render(self):
        return (f"vrrp_script {self.name} {{\n    script \"{self.script}\"\n    interval {self.interval}\n"
                f"    timeout {self.timeout}\n    fall {self.fall}\n    rise {self.rise}\n"
                f"    weight {self.weight}\n}}\n")


@dataclass
class VrrpInstance:
    """A vrrp_instance block. vips are written as given ("192.0.2.100/24", "2001:db8:1::100/64"); auth_pass
    adds PASS authentication (VRRPv2 only); extra lines go into the block verbatim."""

    name: str
    vrid: int
    priority: int
    vips: list
    interface: str = "eth0"
    version: int = 3
    state: str = "BACKUP"
    advert_int: float = 1
    auth_pass: str | None = None
    unicast_src: str | None = None
    unicast_peers: list = field(default_factory=list)
    track_scripts: list = field(default_factory=list)
    track_interfaces: list = field(default_factory=list)
    nopreempt: bool = False
    extra: list = field(default_factory=list)

    def render(self):
        lines = [f"vrrp_instance {self.name} {{", f"    version {self.version}", f"    interface {self.interface}",
                 f"    state {self.state}", f"    virtual_router_id {self.vrid}", f"    priority {self.priority}",
                 f"    advert_int {self.advert_int}"]
        if self.nopreempt:
            lines.append("    nopreempt")
        if self.auth_pass is not None:
            lines += ["    authentication {", "        auth_type PASS", f"        auth_pass {self.auth_pass}",
                      "    }"]
        if self.unicast_src:
            lines.append(f"    unicast_src_ip {self.unicast_src}")
        lines += _block("unicast_peer", self.unicast_peers)
        lines += _block("virtual_ipaddress", self.vips)
        lines += _block("track_script", self.track_scripts)
        lines += _block("track_interface", self.track_interfaces)
        lines += [f"    {line}" for line in self.extra]
        return "\n".join(lines + ["}", ""])


def _block(keyword, items):
    return [f"    {keyword} {{", *(f"        {item}" for item in items), "    }"] if items else []


def keepalived_config(instances, scripts=(), router_id="vrrpd-test", global_extra=()):
    """keepalived.conf text for these VrrpInstance and TrackScript objects."""
    globals_ = [f"    router_id {router_id}"]
    if scripts:
        globals_.append("    script_user root")
    globals_ += [f"    {line}" for line in global_extra]
    parts = ["global_defs {", *globals_, "}", ""]
    parts += [s.render() for s in scripts]
    parts += [i.render() for i in instances]
    return "\n".join(parts)


class Keepalived:
    """keepalived in a router's namespace: its own pid files (-p -r -c -b, else a second one says "already
    running"), foreground with console logging (-n -l -D), VRRP only (-P), no syslog (-G) when there is no
    /dev/log, in a session of its own (setsid) so that crash() can SIGKILL the parent and its VRRP child together.

    stop() is a clean shutdown: SIGTERM to the parent, whose VRRP child then resigns with a priority-0 advert.
    crash() is a real crash: no priority-0 advert, and the VIP stays on this router's interface (rebuild the
    topology before reusing it). Killing the parent alone is NOT a crash: the child gets SIGTERM as its
    parent-death signal and resigns."""

    def __init__(self, node, instances, scripts=(), global_extra=(), name="keepalived", binary=None):
        """binary: another keepalived than Debian's, built VRRP-only (--disable-lvs): it has no -P, -c, -b."""
        self.node, self.name, self.binary = node, name, binary
        self.dir = node.dir / name
        self.config = self.dir / "keepalived.conf"
        self.config_text = keepalived_config(instances, scripts, router_id=f"{node.name}-{name}",
                                             global_extra=global_extra)
        pidfiles = (("-p", "keepalived"), ("-r", "vrrp")) + (() if binary else (("-c", "checkers"), ("-b", "bfd")))
        self.pidfiles = {flag: self.dir / f"{what}.pid" for flag, what in pidfiles}
        self.process = None

    def argv(self):
        argv = [self.binary or KEEPALIVED, "-n", "-l", "-D", *([] if self.binary else ["-P"]), "-f", self.config]
        if not os.path.exists("/dev/log"):
            argv.append("-G")
        for flag, path in self.pidfiles.items():
            argv += [flag, path]
        return argv

    def start(self, timeout=10):
        self.dir.mkdir(parents=True, exist_ok=True)
        self.config.write_text(self.config_text)
        self.process = self.node.spawn(self.argv(), name=self.name)
        wait_until(f"{self.name} in {self.node.name} to start its VRRP child", self._vrrp_child_runs,
                   timeout=timeout)
        return self

    def _vrrp_child_runs(self):
        if not self.process.alive():
            raise AssertionError(f"{self.name} in {self.node.name} exited {self.process.returncode}:\n"
                                 f"{self.process.log_text()}")
        return self.vrrp_pid()

    def vrrp_pid(self):
        """The VRRP child's pid from its pid file, or None."""
        try:
            return int(self.pidfiles["-r"].read_text().strip())
        except (OSError, ValueError):
            return None

    @property
    def log(self):
        return self.process.log_text() if self.process else ""

    def reload(self, instances=None, scripts=(), global_extra=()):
        """Rewrites the config if instances are given, then SIGHUP."""
        if instances is not None:
            self.config_text = keepalived_config(instances, scripts, router_id=f"{self.node.name}-{self.name}",
                                                 global_extra=global_extra)
            self.config.write_text(self.config_text)
        self.process.send_signal(signal.SIGHUP)

    def stop(self, timeout=10):
        return self.process.stop(timeout)

    def crash(self):
        return self.process.crash()
