"""auth_hmac (issue 13, keepalived 2.4's signed adverts): every option keepalived 2.4.3 reads is understood,
and every value keepalived would log and then run *without* authentication is a located error here (fail
closed). No message ever quotes a key, and --print-config shows key ids and lengths only."""

import json
import os

import pytest

from conftest import run, text

KEY = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
ASCII_KEY = "Correct-Horse-Battery-Staple-2026"  # 33 characters


def conf(tmp_path, lines, extra=""):
    path = tmp_path / "k.conf"
    body = "\n".join(f"    {line}" for line in lines)
    path.write_text("vrrp_instance A {\n interface lo\n virtual_router_id 1\n priority 100\n"
                    f" virtual_ipaddress {{ 192.0.2.1 }}\n{extra} auth_hmac {{\n{body}\n }}\n}}\n")
    return path


def check(vrrpd, path, rc=1):
    proc = run(vrrpd, "-t", "-f", path)
    out, err = text(proc)
    assert proc.returncode == rc, err
    return err.splitlines()


def errors(lines):
    return [line.split(": ", 1)[1] for line in lines if ": error: " in line]


def printed(vrrpd, path):
    proc = run(vrrpd, "--print-config", "--json", "-f", path)
    assert proc.returncode == 0, text(proc)[1]
    raw = proc.stdout.decode()
    return json.loads(raw)["vrrp_instances"][0], raw


def test_every_option_is_understood(vrrpd, tmp_path):
    path = conf(tmp_path, [f"key 1 hex:{KEY}", f'key 2 "{ASCII_KEY}"', "active_key 2", "anti_replay monotonic",
                           "time_window 30", "mode permissive"])
    lines = check(vrrpd, path, rc=0)
    assert "warning:" not in "\n".join(lines) and "ignored" not in "\n".join(lines), lines
    i, raw = printed(vrrpd, path)
    h = i["auth_hmac"]
    assert h["keys"] == [{"id": 1, "length": 32}, {"id": 2, "length": len(ASCII_KEY)}]
    assert (h["active_key"], h["anti_replay"], h["time_window"], h["mode"]) == (2, "monotonic", 30, "permissive")
    assert KEY not in raw and ASCII_KEY not in raw and "Horse" not in raw


@pytest.mark.parametrize("advert_int,window", [("1", 5), ("3", 9), ("0.5", 5), ("200", 300)])
def test_the_window_follows_the_interval(vrrpd, tmp_path, advert_int, window):
    path = conf(tmp_path, [f"key 1 hex:{KEY}", "active_key 1"], extra=f" advert_int {advert_int}\n")
    i, _ = printed(vrrpd, path)
    assert (i["auth_hmac"]["time_window"], i["auth_hmac"]["anti_replay"], i["auth_hmac"]["mode"]) == (
        window, "time", "enforce")


@pytest.mark.parametrize("line,where,message", [
    ("key 1 hex:00", "7:11", "auth_hmac key has the wrong length; expected 32 to 64 bytes"),
    ("key 1 hex:" + "00" * 65, "7:11", "auth_hmac key has the wrong length"),
    ("key 1 hex:" + "zz" * 32, "7:11", "auth_hmac key is not valid hex"),
    ("key 1 short-ascii", "7:11", "auth_hmac key has the wrong length"),
    ("key 0 hex:" + KEY, "7:9", "invalid auth_hmac key id '0'"),
    ("key 256 hex:" + KEY, "7:9", "invalid auth_hmac key id '256'"),
    ("key 1", "7:9", "missing value after '1'; expected a key id and a value"),
    ("mode bogus", "7:10", "invalid auth_hmac mode 'bogus'; expected enforce, permissive or receive-only"),
    ("anti_replay sometimes", "7:17", "invalid auth_hmac anti_replay 'sometimes'; expected monotonic or time"),
    ("time_window 0", "7:17", "invalid auth_hmac time_window '0'"),
    ("time_window 301", "7:17", "invalid auth_hmac time_window '301'"),
    ("active_key 0", "7:16", "invalid auth_hmac active_key '0'"),
])
def test_bad_values_are_located_errors(vrrpd, tmp_path, line, where, message):
    lines = check(vrrpd, conf(tmp_path, [line, f"key 9 hex:{KEY}", "active_key 9"] if not line.startswith("active")
                              else [line, f"key 9 hex:{KEY}"]))
    assert any(f"k.conf:{where}: error: {message}" in l for l in lines), lines
    assert KEY not in "\n".join(lines) and ("00" * 65) not in "\n".join(lines)


def test_keys_and_active_key_must_match(vrrpd, tmp_path):
    lines = check(vrrpd, conf(tmp_path, [f"key 1 hex:{KEY}", f"key 1 hex:{KEY}", "active_key 3"]))
    assert errors(lines) == ["error: duplicate auth_hmac key id 1, first at " + str(tmp_path / "k.conf") + ":7",
                             "error: auth_hmac active_key 3 of 'A' names no key"], lines
    assert errors(check(vrrpd, conf(tmp_path, [f"key 1 hex:{KEY}"]))) == [
        "error: auth_hmac of 'A' has no active_key; expected one of its key ids"]
    assert errors(check(vrrpd, conf(tmp_path, ["active_key 1"]))) == [
        "error: auth_hmac of 'A' has no key; expected 'key ID hex:...'"]


def test_key_files(vrrpd, tmp_path):
    good, loose, big = tmp_path / "good.key", tmp_path / "loose.key", tmp_path / "big.key"
    for path, body in ((good, f"hex:{KEY}\n"), (loose, f"hex:{KEY}\n"), (big, "x" * 500)):
        path.write_text(body)
        os.chmod(path, 0o600)
    os.chmod(loose, 0o640)
    good_only = check(vrrpd, conf(tmp_path, [f"key 1 file:{good}", "active_key 1"]), rc=0)
    assert errors(good_only) == [], good_only
    lines = check(vrrpd, conf(tmp_path, [f"key 1 file:{good}", f"key 2 file:{loose}", f"key 3 file:{big}",
                                         f"key 4 file:{tmp_path}/missing.key", "active_key 1"]))
    assert errors(lines) == [
        f"error: auth_hmac key file '{loose}' must be a regular file that only its owner may read (chmod 0600)",
        f"error: auth_hmac key file '{big}' is too large for a key",
        f"error: auth_hmac key file '{tmp_path}/missing.key' cannot be opened: No such file or directory",
    ], lines
    assert KEY not in "\n".join(lines)


def test_legacy_authentication_and_strict_mode(vrrpd, tmp_path):
    legacy = " authentication {\n  auth_type PASS\n  auth_pass s3cr3t\n }\n"
    text_ = "\n".join(check(vrrpd, conf(tmp_path, [f"key 1 hex:{KEY}", "active_key 1"], extra=legacy), rc=0))
    assert "k.conf:6:2: warning: auth_hmac replaces authentication; that of 'A' is dropped, as keepalived does" \
        in text_, text_
    assert "s3cr3t" not in text_
    text_ = "\n".join(check(vrrpd, conf(tmp_path, [f"key 1 hex:{KEY}", "active_key 1", "mode receive-only"],
                                        extra=" strict_mode on\n"), rc=0))
    assert "warning: strict mode needs auth_hmac mode enforce; 'A' enforces" in text_, text_
