"""`meson install` puts every file where the system reads it, unchanged but for the unit's ExecStart=, and the
bus activation file, bus policy, unit, sysusers and tmpfiles snippets agree with one another."""

import configparser
import os
import pathlib
import re
import xml.etree.ElementTree as ET

import pytest

from conftest import REPO, need, parse_unit, run, unit_value, unit_values

BUS_NAME = "org.vrrpd.Vrrp1"
# dbus-daemon(1): <standard_system_servicedirs/>; the policy directories come from system.conf itself.
DBUS_SYSTEM_SERVICE_DIRS = {"/usr/local/share/dbus-1/system-services", "/usr/share/dbus-1/system-services",
                            "/lib/dbus-1/system-services"}
DBUS_SYSTEM_CONF = pathlib.Path("/usr/share/dbus-1/system.conf")
# sysusers.d(5), tmpfiles.d(5): the directories a package may use (/etc and /run are the admin's).
VENDOR_CONF_DIRS = {"/usr/local/lib", "/usr/lib", "/lib"}
# systemd-sysusers --dry-run says what it would do on stderr; these words are how it says it will not.
COMPLAINT = re.compile(r"(?i)fail|error|invalid|unknown|ignoring")


def expected_files(inst, unit_path, template_path):
    d = inst.dir
    return {str(p) for p in (
        d("sbindir", "vrrpd"),
        d("libexecdir", "vrrpd", "vrrpd-mail"),
        d("bindir", "vrrpctl"),
        d("mandir", "man8", "vrrpd.8"),
        d("mandir", "man5", "vrrpd.conf.5"),
        d("mandir", "man5", f"{BUS_NAME}.5"),
        d("mandir", "man1", "vrrpctl.1"),
        d("datadir", "bash-completion", "completions", "vrrpctl"),
        d("datadir", "dbus-1", "system.d", f"{BUS_NAME}.conf"),
        d("datadir", "dbus-1", "system-services", f"{BUS_NAME}.service"),
        d("datadir", "dbus-1", "interfaces", f"{BUS_NAME}.xml"),
        d("prefix", "lib", "sysusers.d", "vrrpd.conf"),
        d("prefix", "lib", "tmpfiles.d", "vrrpd.conf"),
        unit_path,
        template_path,
    )}


def vendor_unit_dirs():
    """systemd's own unit search path, without the admin's (/etc) and runtime (/run) directories."""
    proc = run(need("systemd-analyze"), "unit-paths")
    assert proc.returncode == 0, f"systemd-analyze unit-paths failed:\n{proc.stderr}"
    return {p for p in proc.stdout.split() if not p.startswith(("/etc/", "/run/"))}


def dbus_policy_dirs():
    """The <includedir>s of the system bus's configuration, relative ones resolved as dbus-daemon does."""
    if not DBUS_SYSTEM_CONF.exists():
        pytest.skip(f"{DBUS_SYSTEM_CONF} is missing (dbus is not installed)")
    root = ET.parse(DBUS_SYSTEM_CONF).getroot()
    return {os.path.normpath(DBUS_SYSTEM_CONF.parent / e.text.strip()) for e in root.iter("includedir")}


def installed_path(inst, name):
    found = [dest for src, dest in inst.installed.items() if pathlib.Path(src).name == name]
    assert len(found) == 1, f"expected {name} to be installed once; the install plan has {found}"
    return found[0]


def test_every_file_lands_in_place(installed, unit, template):
    unit_path = "/" + str(unit.relative_to(installed.destdir))
    template_path = "/" + str(template.relative_to(installed.destdir))
    assert os.path.dirname(template_path) == os.path.dirname(unit_path), "the template is not beside the unit"
    want, have = expected_files(installed, unit_path, template_path), installed.files()
    assert have == want, f"missing: {sorted(want - have)}; unexpected: {sorted(have - want)}"
    helper = installed.dir("libexecdir", "vrrpd", "vrrpd-mail")
    for binary in (installed.dir("sbindir", "vrrpd"), installed.dir("bindir", "vrrpctl"), helper):
        assert os.access(installed.staged(binary), os.X_OK), f"{binary} is not executable"
    # vrrpd runs the SMTP helper from where it is installed (not found beside /usr/sbin/vrrpd)
    daemon = installed.staged(installed.dir("sbindir", "vrrpd")).read_bytes()
    assert os.path.dirname(str(helper)).encode() + b"\0" in daemon, f"vrrpd does not look for {helper}"


def test_unit_is_in_systemds_search_path(installed, unit):
    unit_dir = "/" + str(unit.parent.relative_to(installed.destdir))
    assert unit_dir in vendor_unit_dirs(), f"{unit_dir} is not in systemd's unit search path"


def test_installed_copies_match_their_sources(installed, unit, template):
    for src, dest in installed.installed.items():
        src = pathlib.Path(src)
        if installed.builddir in src.parents or not src.is_relative_to(REPO):
            continue  # built (binaries, the generated man page and unit): checked elsewhere
        assert installed.staged(dest).read_bytes() == src.read_bytes(), f"{dest} differs from {src}"
    # The units are their sources but for ExecStart=, which names the installed binary.
    drop = re.compile(r"(?m)^ExecStart=.*\n")
    for path in (unit, template):
        source = (REPO / "systemd" / path.name).read_text()
        assert drop.sub("", path.read_text()) == drop.sub("", source), f"the installed {path.name} differs beyond " \
            "ExecStart="


def test_unit_starts_the_installed_binary(installed, unit, template):
    want = str(installed.dir("sbindir", "vrrpd"))
    assert unit_values(parse_unit(unit), "Service", "ExecStart") == [want]
    assert unit_values(parse_unit(template), "Service", "ExecStart") == [
        f"{want} --namespace=%i --bus-name=org.vrrpd.Vrrp1.%i -f /etc/keepalived/keepalived-%i.conf"]


def test_bus_names_agree(installed, unit, template):
    entries = parse_unit(unit)
    bus_name = unit_value(entries, "Service", "BusName")
    names = {unit.name, *unit_values(entries, "Install", "Alias")}

    activation_path = installed.staged(installed.dir("datadir", "dbus-1", "system-services", f"{BUS_NAME}.service"))
    activation = configparser.ConfigParser(interpolation=None)
    activation.optionxform = str
    activation.read(activation_path)
    service = activation["D-BUS Service"]
    # dbus-daemon finds a system service's file by its name: it must be the bus name + ".service".
    assert service["Name"] == bus_name == activation_path.stem, \
        f"activation Name={service['Name']}, file {activation_path.name}, unit BusName={bus_name}"
    assert service["SystemdService"] in names, f"SystemdService={service['SystemdService']} is none of {names}"

    policy = ET.parse(installed.staged(installed.dir("datadir", "dbus-1", "system.d", f"{BUS_NAME}.conf")))
    root = [a for p in policy.getroot().iter("policy") if p.get("user") == "root" for a in p.iter("allow")]
    owners = {a.get("own") for a in root if a.get("own")}
    prefixes = {a.get("own_prefix") for a in root if a.get("own_prefix")}
    assert (owners, prefixes) == (set(), {bus_name}), \
        f"root may own {owners} and the names under {prefixes} by the policy; the unit's BusName is {bus_name}"
    template_bus_name = unit_value(parse_unit(template), "Service", "BusName")
    assert template_bus_name == f"{bus_name}.%i", f"vrrpd@.service's BusName={template_bus_name}"

    interfaces = ET.parse(installed.staged(installed.dir("datadir", "dbus-1", "interfaces", f"{BUS_NAME}.xml")))
    names = [i.get("name") for i in interfaces.getroot().iter("interface")]
    assert names and all(n.startswith(bus_name + ".") for n in names), f"interfaces {names} outside {bus_name}"


def test_prefix_rules_cannot_widen_the_policy_on_dbus_broker(installed):
    """dbus-broker does not know send_destination_prefix: it drops the attribute and keeps the rest of the
    element, so a prefix rule with any other attribute would open that rest to every destination there. Alone,
    the element has nothing left and is dropped whole. The default name keeps plain rules that both read."""
    policy = ET.parse(installed.staged(installed.dir("datadir", "dbus-1", "system.d", f"{BUS_NAME}.conf")))
    rules = [(p.attrib, r.tag, r.attrib) for p in policy.getroot().iter("policy") for r in p]
    prefixed = [(who, tag, attrs) for who, tag, attrs in rules if "send_destination_prefix" in attrs]
    assert prefixed, "no send_destination_prefix rule: how do root and the vrrpd group reach org.vrrpd.Vrrp1.NAME?"
    for who, tag, attrs in prefixed:
        assert set(attrs) == {"send_destination_prefix"}, f"<{tag} {attrs}> in {who}: keep the prefix alone"
        assert tag == "allow" and who.get("context") != "default", f"<{tag} {attrs}> in {who}: root and groups only"
    for who in ({"user": "root"}, {"group": "vrrpd"}):
        assert (who, "allow", {"send_destination": BUS_NAME}) in rules, f"{who} lost its plain rule for {BUS_NAME}"


def apply_snippets(tmp_path, tool, kind, text, *args):
    """Runs systemd-sysusers/-tmpfiles on one snippet in a scratch root; the snippet is found by name, there."""
    root = tmp_path / f"root-{kind}"
    (root / "etc").mkdir(parents=True)
    (root / "usr" / "lib" / kind).mkdir(parents=True)
    (root / "usr" / "lib" / kind / "vrrpd.conf").write_text(text)
    return root, run(tool, f"--root={root}", *args, "vrrpd.conf")


def test_sysusers_and_tmpfiles_apply(installed, unit, tmp_path):
    sysusers, tmpfiles = need("systemd-sysusers"), need("systemd-tmpfiles")
    entries = parse_unit(unit)
    snippet = installed.staged(installed.dir("prefix", "lib", "sysusers.d", "vrrpd.conf")).read_text()
    _, proc = apply_snippets(tmp_path, sysusers, "sysusers.d", snippet, "--dry-run")
    assert proc.returncode == 0 and not COMPLAINT.search(proc.stderr), f"systemd-sysusers:\n{proc.stderr}"
    assert "group 'vrrpd'" in proc.stdout + proc.stderr, f"no vrrpd group made:\n{proc.stdout}{proc.stderr}"
    policy = ET.parse(installed.staged(installed.dir("datadir", "dbus-1", "system.d", f"{BUS_NAME}.conf")))
    assert "vrrpd" in {p.get("group") for p in policy.getroot().iter("policy")}, "the policy forgot the group"

    snippet = installed.staged(installed.dir("prefix", "lib", "tmpfiles.d", "vrrpd.conf")).read_text()
    root, proc = apply_snippets(tmp_path, tmpfiles, "tmpfiles.d", snippet, "--create")
    assert proc.returncode == 0 and not proc.stderr.strip(), f"systemd-tmpfiles:\n{proc.stdout}{proc.stderr}"
    runtime = root / "run" / unit_value(entries, "Service", "RuntimeDirectory")
    assert runtime.is_dir(), f"tmpfiles made {sorted(str(p) for p in (root / 'run').rglob('*'))}, not {runtime}"
    assert runtime.stat().st_mode & 0o7777 == 0o755


@pytest.mark.parametrize("kind,text", [
    ("sysusers.d", "g vrrpd -\nx bogus line\n"),
    ("tmpfiles.d", "d /run/vrrpd 07555x root root -\n"),
    ("tmpfiles.d", "d /run/vrrpd 0755 root no-such-group -\n"),
])
def test_snippet_checks_catch_mistakes(tmp_path, kind, text):
    tool = need("systemd-sysusers" if kind == "sysusers.d" else "systemd-tmpfiles")
    _, proc = apply_snippets(tmp_path, tool, kind, text, "--dry-run" if kind == "sysusers.d" else "--create")
    assert proc.returncode != 0, f"{tool} accepted {text!r}:\n{proc.stdout}{proc.stderr}"


def test_distribution_layout(distro):
    """With --prefix=/usr every file goes where systemd and dbus-daemon read them, and the unit says so."""
    unit = installed_path(distro, "vrrpd.service")
    assert str(pathlib.PurePosixPath(unit).parent) in vendor_unit_dirs(), f"{unit} is not in systemd's unit path"
    generated = [src for src, dest in distro.installed.items() if dest == unit][0]
    assert unit_values(parse_unit(generated), "Service", "ExecStart") == ["/usr/sbin/vrrpd"]
    assert installed_path(distro, "vrrpd") == "/usr/sbin/vrrpd"

    policy = installed_path(distro, f"{BUS_NAME}.conf")
    assert os.path.dirname(policy) in dbus_policy_dirs(), f"dbus-daemon does not read {policy}"
    activation = installed_path(distro, f"{BUS_NAME}.service")
    assert os.path.dirname(activation) in DBUS_SYSTEM_SERVICE_DIRS, f"dbus-daemon does not read {activation}"
    for kind, source in (("sysusers.d", "vrrpd.sysusers"), ("tmpfiles.d", "vrrpd.tmpfiles")):
        dest = pathlib.PurePosixPath(installed_path(distro, source))
        assert dest.parent.name == kind and str(dest.parent.parent) in VENDOR_CONF_DIRS, f"{kind} not read: {dest}"
