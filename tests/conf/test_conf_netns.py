"""Where a daemon lives (issue 11): net_namespace and instance at the top level, dbus_service_name in global_defs,
as keepalived 2.2.7 reads them (global_parser.c: install_keyword_root for the first two), and vrrpd's own
--namespace (keepalived's -s) and --bus-name over them."""

import json
import pathlib

import pytest

from conftest import run, text

# lo: -t also warns about interfaces this host lacks
INSTANCE = "vrrp_instance X {\n interface lo\n virtual_router_id 1\n virtual_ipaddress {\n  192.0.2.1\n }\n}\n"
SAMPLE = pathlib.Path("/usr/share/doc/keepalived/samples/keepalived.conf.conditional_conf")


def write(tmp_path, top=(), global_lines=()):
    (tmp_path / "a.conf").write_text("".join(f"{line}\n" for line in top) + "global_defs {\n" +
                                     "".join(f"    {line}\n" for line in global_lines) + "}\n" + INSTANCE)


def load(vrrpd, tmp_path, top=(), global_lines=(), args=()):
    write(tmp_path, top, global_lines)
    proc = run(vrrpd, "--print-config", "--json", "-f", "a.conf", *args, cwd=tmp_path)
    out, err = text(proc)
    return proc.returncode, (json.loads(out)["global_defs"] if proc.returncode == 0 else None), err


def places(g):
    return {k: g[k] for k in ("net_namespace", "instance", "dbus_service_name")}


def test_parsed_and_printed(vrrpd, tmp_path):
    rc, g, err = load(vrrpd, tmp_path, ["net_namespace blue", "instance edge"], ["dbus_service_name org.vrrpd.Vrrp1.blue"])
    assert rc == 0 and err == "", err
    assert places(g) == {"net_namespace": "blue", "instance": "edge", "dbus_service_name": "org.vrrpd.Vrrp1.blue"}


def test_unset_by_default(vrrpd, tmp_path):
    rc, g, err = load(vrrpd, tmp_path)
    assert rc == 0 and places(g) == {"net_namespace": None, "instance": None, "dbus_service_name": None}, err


def test_a_second_one_is_ignored_with_a_warning_as_in_keepalived(vrrpd, tmp_path):
    # keepalived: "Duplicate net_namespace definition red - ignoring"; dbus_service_name: the last one counts
    rc, g, err = load(vrrpd, tmp_path, ["net_namespace blue", "net_namespace red", "instance a", "instance b"],
                      ["dbus_service_name org.vrrpd.Vrrp1.a", "dbus_service_name org.vrrpd.Vrrp1.b"])
    assert rc == 0
    assert err.splitlines() == [
        "a.conf:2:15: warning: duplicate net_namespace 'red', ignored; 'blue' from a.conf:1 stays",
        "a.conf:4:10: warning: duplicate instance 'b', ignored; 'a' from a.conf:3 stays",
    ]
    assert places(g) == {"net_namespace": "blue", "instance": "a", "dbus_service_name": "org.vrrpd.Vrrp1.b"}


@pytest.mark.parametrize("top,glob,expected", [
    (["net_namespace"], [], "a.conf:1:1: error: missing value after 'net_namespace'; expected a name"),
    (["net_namespace a/b"], [], "a.conf:1:15: error: invalid net_namespace 'a/b'; expected a name without '/', "
                                "not '.' or '..'"),
    (["instance .."], [], "a.conf:1:10: error: invalid instance '..'; expected a name without '/', not '.' or '..'"),
    ([], ["dbus_service_name"], "a.conf:2:5: error: missing value after 'dbus_service_name'; expected a D-Bus name "
                                "such as org.vrrpd.Vrrp1.blue"),
    ([], ["net_namespace blue"], "a.conf:2:5: error: 'net_namespace' is not valid in global_defs; it belongs in "
                                 "the top level"),
] + [([], [f"dbus_service_name {name}"],
      f"a.conf:2:23: error: invalid dbus_service_name '{name}'; expected a D-Bus name: two or more '.'-separated "
      "elements of letters, digits, '_' and '-', none empty or starting with a digit, 255 characters at most")
     for name in ("vrrpd", "org..vrrpd", "org.vrrpd.1blue", ":1.42", "org.vrrpd.Vrrp1.", "org.vrrpd.bl/ue",
                  "org.vrrpd." + "x" * 250)])
def test_bad_values_are_located_errors(vrrpd, tmp_path, top, glob, expected):
    write(tmp_path, top, glob)
    proc = run(vrrpd, "-t", "-f", "a.conf", cwd=tmp_path)
    out, err = text(proc)
    assert proc.returncode == 1 and out == ""
    assert err.splitlines() == [expected, "a.conf: 1 error, 0 warnings"]


def test_check_says_when_the_namespace_is_missing_and_the_name_outside_the_policy(vrrpd, tmp_path):
    write(tmp_path, ["net_namespace vrrpd-test-no-such-ns"], ["dbus_service_name org.keepalived.Vrrp1.blue"])
    proc = run(vrrpd, "-t", "-f", "a.conf", cwd=tmp_path)
    out, err = text(proc)
    assert proc.returncode == 0, err
    assert err.splitlines() == [
        "a.conf:3:23: warning: the shipped bus policy lets vrrpd own only org.vrrpd.Vrrp1 and the names under it "
        "(org.vrrpd.Vrrp1.NAME); this dbus_service_name needs a bus policy of its own",
        "a.conf:1:15: warning: network namespace 'vrrpd-test-no-such-ns' does not exist (yet): no "
        "/run/netns/vrrpd-test-no-such-ns; interfaces not checked",
    ]
    assert out.endswith("configuration OK: 1 instance, 0 scripts, 0 sync groups, 2 warnings\n"), out


def test_the_command_line_wins_and_says_so(vrrpd, tmp_path):
    rc, g, err = load(vrrpd, tmp_path, ["net_namespace blue"], ["dbus_service_name org.vrrpd.Vrrp1.blue"],
                      ["--namespace=red", "--bus-name=org.vrrpd.Vrrp1.red"])
    assert rc == 0
    assert err.splitlines() == [
        "a.conf:1:15: warning: net_namespace 'blue' is overridden by the command line's 'red'",
        "a.conf:3:23: warning: dbus_service_name 'org.vrrpd.Vrrp1.blue' is overridden by the command line's "
        "'org.vrrpd.Vrrp1.red'",
    ]
    assert places(g) == {"net_namespace": "red", "instance": None, "dbus_service_name": "org.vrrpd.Vrrp1.red"}
    rc, g, err = load(vrrpd, tmp_path, args=["-s", "green"])
    assert rc == 0 and err == "" and g["net_namespace"] == "green", err


@pytest.mark.parametrize("args,expected", [
    (["--bus-name=org.vrrpd.1x"], "vrrpd: invalid --bus-name 'org.vrrpd.1x'; expected a D-Bus name such as "
                                  "org.vrrpd.Vrrp1.blue"),
    (["--namespace=a/b"], "vrrpd: invalid --namespace 'a/b'; expected a name under /run/netns"),
])
def test_bad_command_line_values_are_usage_errors(vrrpd, tmp_path, args, expected):
    write(tmp_path)
    proc = run(vrrpd, "-t", "-f", "a.conf", *args, cwd=tmp_path)
    out, err = text(proc)
    assert proc.returncode == 2 and err.splitlines() == [expected], err


def test_keepalived_sample_with_net_namespace(vrrpd, tmp_path):
    """keepalived's own conditional_conf sample picks a namespace per config id: no longer 'not supported'."""
    if not SAMPLE.exists():
        pytest.skip(f"{SAMPLE} is not installed")
    for config_id in ("high", "low"):
        proc = run(vrrpd, "--print-config", "--json", "-i", config_id, "-f", SAMPLE, cwd=tmp_path)
        out, err = text(proc)
        assert proc.returncode == 0 and "not supported" not in err, err
        assert json.loads(out)["global_defs"]["net_namespace"] == config_id
