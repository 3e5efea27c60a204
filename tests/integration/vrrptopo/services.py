"""The per-router services of DESIGN.md §5: a private system bus, an nginx, and vrrpd itself."""

import os
from pathlib import Path

from .run import sh, wait_until

REPO = Path(__file__).resolve().parents[3]
POLICY_FILE = REPO / "dbus" / "org.vrrpd.Vrrp1.conf"
UNIX_PATH_MAX = 107  # sun_path is 108 bytes with the trailing NUL

# The default policy of Debian's /usr/share/dbus-1/system.conf: everyone may connect and talk to the bus driver,
# nobody may own a name or call a method until a policy file punches the hole (ours: dbus/org.vrrpd.Vrrp1.conf).
BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>{address}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Properties"/>
    <deny send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"
          send_member="UpdateActivationEnvironment"/>
    <deny send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Debug.Stats"/>
  </policy>
  <policy user="root">
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Monitoring"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Debug.Stats"/>
  </policy>
  <include ignore_missing="yes">{policy}</include>
  <includedir>{policy_dir}</includedir>
</busconfig>
"""


class PrivateBus:
    """A dbus-daemon configured like the system bus, inside one namespace, listening on a unix:path socket under
    the node's directory. It includes the repo's dbus/org.vrrpd.Vrrp1.conf when that exists, and every *.conf
    dropped into policy_dir (read at startup; dbus-daemon also reloads an <includedir> when it changes).
    Processes reach it with env (DBUS_SYSTEM_BUS_ADDRESS), which sd-bus, GDBus, busctl and dbus-send honour.

    abstract=True listens on an abstract socket instead, which belongs to the network namespace it was made in:
    only processes there can connect, so a daemon that reaches it connected before leaving (net_namespace)."""

    def __init__(self, node, policy=POLICY_FILE, abstract=False):
        self.node = node
        self.dir = node.dir / "bus"
        self.socket = None if abstract else self.dir / "system_bus_socket"
        self.policy, self.policy_dir = Path(policy), self.dir / "system.d"
        self.config = self.dir / "system.conf"
        self.address = f"unix:abstract={node.ns}-bus" if abstract else f"unix:path={self.socket}"
        self.process = None
        if self.socket and len(str(self.socket)) > UNIX_PATH_MAX:
            raise ValueError(f"bus socket path too long for sun_path ({len(str(self.socket))} > "
                             f"{UNIX_PATH_MAX}): {self.socket}; use a shorter workdir")

    @property
    def env(self):
        return {"DBUS_SYSTEM_BUS_ADDRESS": self.address}

    def start(self, timeout=10):
        self.policy_dir.mkdir(parents=True, exist_ok=True)
        config = BUS_CONFIG.format(address=self.address, policy=self.policy, policy_dir=self.policy_dir)
        self.config.write_text(config)
        self.process = self.node.spawn(["dbus-daemon", f"--config-file={self.config}", "--nofork", "--nopidfile",
                                        "--nosyslog"], name="dbus-daemon")
        wait_until(f"{self.node.name}'s private bus to answer", lambda: self._answers(), timeout=timeout)
        return self

    def _answers(self):
        if not self.process.alive():
            raise AssertionError(f"dbus-daemon in {self.node.name} exited {self.process.returncode}:\n"
                                 f"{self.process.log_text()}")
        return (self.socket is None or self.socket.exists()) and self.list_names(check=False)

    def list_names(self, check=True):
        """The bus's ListNames() as dbus-send in the namespace sees it; [] if it did not answer (check=False)."""
        r = sh("dbus-send", f"--bus={self.address}", "--print-reply", "--reply-timeout=2000",
               "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus.ListNames",
               ns=self.node.ns, check=check, timeout=5)
        if r.returncode != 0:
            return []
        return [line.split('"')[1] for line in r.stdout.splitlines() if line.strip().startswith('string "')]

    def wait_for_name(self, name, timeout=10, process=None):
        """Waits until name is owned on this bus; with process, fails at once (with its log) if that exits."""
        def owned():
            if process is not None and not process.alive():
                raise AssertionError(f"{process.name} in {self.node.name} exited {process.returncode} before "
                                     f"owning {name}:\n{process.log_text()[-4000:]}")
            return name in self.list_names(check=False)

        wait_until(f"{name} on {self.node.name}'s bus", owned, timeout=timeout)

    def connect(self):
        """A python3-dbus connection to this bus (no main loop: method calls and properties only)."""
        import dbus  # Debian's python3-dbus; imported here so the rest works without it

        return dbus.bus.BusConnection(self.address)

    def add_policy(self, name, xml):
        """Drops a policy file into policy_dir; dbus-daemon notices the change and reloads its configuration."""
        self.policy_dir.mkdir(parents=True, exist_ok=True)
        (self.policy_dir / f"{name}.conf").write_text(xml)

    def stop(self):
        return self.process.stop() if self.process else None


NGINX_CONFIG = """daemon off;
master_process on;
worker_processes 1;
user root root;
pid {dir}/nginx.pid;
lock_file {dir}/nginx.lock;
error_log {dir}/error.log info;
events {{ worker_connections 64; }}
http {{
  access_log {dir}/access.log;
  client_body_temp_path {dir}/tmp/body;
  proxy_temp_path {dir}/tmp/proxy;
  fastcgi_temp_path {dir}/tmp/fastcgi;
  uwsgi_temp_path {dir}/tmp/uwsgi;
  scgi_temp_path {dir}/tmp/scgi;
  default_type text/plain;
  server {{
    listen 80 default_server;
    listen [::]:80 default_server;
    root {dir}/www;
    location / {{ }}
  }}
}}
"""


class Nginx:
    """nginx in a router's namespace with its own pid, logs and temp paths, in the foreground; it serves
    www/index.html, "<router name>\\n" by default, on port 80 over IPv4 and IPv6. A health check inside the
    namespace must ask this nginx (healthy(): curl http://127.0.0.1/), never pidof: pidof sees every namespace.
    binary: another path to run, e.g. a copy of nginx under a name of its own, so that its processes' comm tells
    them from every other nginx on the machine (vrrp_track_process matches by comm)."""

    def __init__(self, node, page=None, binary="nginx"):
        self.node, self.binary = node, binary
        self.dir = node.dir / "nginx"
        self.config = self.dir / "nginx.conf"
        self.page = page if page is not None else f"{node.name}\n"
        self.process = None

    def start(self, timeout=10):
        for sub in ("tmp", "www"):
            (self.dir / sub).mkdir(parents=True, exist_ok=True)
        (self.dir / "www" / "index.html").write_text(self.page)
        self.config.write_text(NGINX_CONFIG.format(dir=self.dir))
        self.process = self.node.spawn([self.binary, "-p", self.dir, "-c", self.config, "-e", self.dir / "error.log"],
                                       name="nginx")
        wait_until(f"nginx in {self.node.name} to answer on 127.0.0.1 and ::1", self._answers, timeout=timeout)
        return self

    def _answers(self):
        if not self.process.alive():
            raise AssertionError(f"nginx in {self.node.name} exited {self.process.returncode}:\n"
                                 f"{self.process.log_text()}{_read(self.dir / 'error.log')}")
        return self.healthy() and self.node.curl("::1") == self.page

    def healthy(self):
        """What a health check in this namespace sees: does http://127.0.0.1/ answer 200?"""
        return self.node.curl("127.0.0.1") == self.page

    def stop(self):
        return self.process.stop() if self.process else None

    def restart(self, timeout=10):
        self.stop()
        return self.start(timeout)


def vrrpd_binary():
    """$VRRPD_BUILDDIR/service/vrrpd, the build directory defaulting to <repo>/build."""
    return Path(os.environ.get("VRRPD_BUILDDIR", REPO / "build")) / "service" / "vrrpd"


class Vrrpd:
    """vrrpd in a router's namespace, on that router's private bus, with its runtime state (DESIGN §1's record of
    VIPs under /run/vrrpd) in a directory of its own: namespaces share the file system, so two daemons using
    /run/vrrpd would read each other's records. RUNTIME_DIRECTORY is systemd's way to say where that is;
    runtime_dir=False leaves it unset, for tests of where vrrpd puts its records by itself.

    The command line is not settled yet: argv is [binary, *args], args defaulting to ["-f", <config file>]. A
    second daemon on one router needs a name of its own (its config <name>.conf, its log <name>.log) and,
    with dbus_service_name, the bus_name wait_ready() waits for."""

    def __init__(self, node, config, args=None, binary=None, env=None, name="vrrpd", runtime_dir=True,
                 bus_name="org.vrrpd.Vrrp1"):
        self.node, self.name, self.bus_name = node, name, bus_name
        self.binary = Path(binary) if binary else vrrpd_binary()
        self.config = node.dir / f"{name}.conf"
        self.config_text = config
        self.runtime_dir = (node.dir / ("run" if name == "vrrpd" else f"run-{name}")) if runtime_dir else None
        # what outlives a restart (persistent maintenance): per router and daemon, as systemd's StateDirectory=
        self.state_dir = node.dir / ("state" if name == "vrrpd" else f"state-{name}")
        self.args = list(args) if args is not None else ["-f", self.config]
        self.extra_env = env or {}
        self.process = None

    @property
    def log(self):
        return self.process.log_text() if self.process else ""

    def start(self):
        if not os.access(self.binary, os.X_OK):
            raise FileNotFoundError(f"no vrrpd at {self.binary}: build it or set VRRPD_BUILDDIR")
        self.config.write_text(self.config_text)
        env = {**self.node.bus_env(), **self.extra_env}
        if self.runtime_dir:
            self.runtime_dir.mkdir(parents=True, exist_ok=True)
            env["RUNTIME_DIRECTORY"] = str(self.runtime_dir)
        elif "RUNTIME_DIRECTORY" in os.environ:
            raise RuntimeError("runtime_dir=False, but this process has RUNTIME_DIRECTORY, which vrrpd would inherit")
        env.setdefault("STATE_DIRECTORY", str(self.state_dir))  # never the host's /var/lib/vrrpd
        self.process = self.node.spawn([self.binary, *self.args], name=self.name, env=env)
        return self

    def wait_ready(self, timeout=10):
        """Waits until vrrpd owns its bus name (org.vrrpd.Vrrp1 unless told) on the router's bus (fails early if
        vrrpd exits)."""
        self.node.bus.wait_for_name(self.bus_name, timeout, process=self.process)
        return self

    def reload(self, config=None):
        """Rewrites the config file if given, then SIGHUP."""
        import signal

        if config is not None:
            self.config_text = config
            self.config.write_text(config)
        self.process.send_signal(signal.SIGHUP)

    def stop(self, timeout=10):
        return self.process.stop(timeout)

    def crash(self):
        return self.process.crash()


def _read(path):
    try:
        return Path(path).read_text(errors="replace")
    except OSError:
        return ""
