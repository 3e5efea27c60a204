"""The auth_hmac fixtures of tests/fixtures/auth-hmac (issue 13) stay consistent with their reference verifier:
every captured keepalived 2.4.3 advert verifies at its capture timestamp, every derived vector gives its
recorded verdict, and the captured VRRP checksums are the ones README.md describes. No root, no network."""

import importlib.util

from conftest import REPO

AUTH_HMAC = REPO / "tests" / "fixtures" / "auth-hmac"


def load_ref():
    spec = importlib.util.spec_from_file_location("hmac_ref", AUTH_HMAC / "hmac_ref.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_every_verdict_and_checksum_agrees(capsys):
    ref = load_ref()
    assert ref.check_dir(str(AUTH_HMAC)) == 0, capsys.readouterr().out


def test_capture_covers_every_kind_and_the_rotation():
    ref = load_ref()
    adverts = ref._adverts(str(AUTH_HMAC / "adverts.tsv"))
    seen = {(int(a["vrid"]), a["key_id"]) for a in adverts}
    assert {v for v, _ in seen} == set(ref.FIXTURE)
    assert {(67, "1"), (67, "2"), (68, "1"), (68, "3")} <= seen
    assert all(a["verdict"] == "ok" for a in adverts)


def test_vectors_cover_every_rejection():
    ref = load_ref()
    verdicts = {row[-1] for row in ref.read_tsv(str(AUTH_HMAC / "vectors.tsv"))}
    assert {"bad-hmac", "unknown-key", "stale", "replay", "missing", "bad-length", "malformed", "not-peer",
            "unsigned", "ok"} <= verdicts
    assert verdicts <= set(ref.VERDICTS)
