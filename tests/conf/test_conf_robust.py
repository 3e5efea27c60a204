"""No input crashes or hangs `vrrpd -t`: each case must end, within the subprocess timeout, with 0 or 1 and a
located message, never a signal or a sanitizer report."""

import os

import pytest

from conftest import run, text


def check(vrrpd, path, cwd=None):
    proc = run(vrrpd, "-t", "-f", path, cwd=cwd, timeout=60)
    out, err = text(proc)
    assert proc.returncode in (0, 1), f"exit {proc.returncode}:\n{err[-2000:]}"
    assert "Sanitizer" not in err and "runtime error" not in err, err[-2000:]
    return proc.returncode, err


def test_deep_nesting(vrrpd, tmp_path):
    (tmp_path / "a.conf").write_text("vrrp_instance X " + "{" * 200_000 + "}" * 10)
    rc, err = check(vrrpd, tmp_path / "a.conf")
    assert rc == 1 and "a.conf:1:" in err


def test_deep_nesting_in_unknown_block(vrrpd, tmp_path):
    (tmp_path / "a.conf").write_text("virtual_server 1.2.3.4 80 " + "{\n" * 100_000 + "}\n" * 100_000)
    rc, err = check(vrrpd, tmp_path / "a.conf")
    assert rc == 0 and "a.conf:1:1: warning: 'virtual_server' is not supported by vrrpd, ignored" in err


@pytest.mark.parametrize("text_", ['global_defs {\n router_id "abc\n}\n', 'vrrp_script x {\n script "a\n',
                                   '"', '"{', 'vrrp_instance "X {'])
def test_unterminated_quotes(vrrpd, tmp_path, text_):
    (tmp_path / "a.conf").write_text(text_)
    rc, err = check(vrrpd, tmp_path / "a.conf")
    assert rc == 1 and "unterminated quoted string" in err


def test_unterminated_blocks(vrrpd, tmp_path):
    (tmp_path / "a.conf").write_text("vrrp_instance X {\n authentication {\n")
    rc, err = check(vrrpd, tmp_path / "a.conf")
    assert rc == 1 and "a.conf:2:17: error: the '{' of 'authentication' is never closed" in err
    assert "a.conf:1:17: error: the '{' of 'vrrp_instance' is never closed" in err


def test_recursive_includes(vrrpd, tmp_path):
    (tmp_path / "a.conf").write_text("include b.conf\n")
    (tmp_path / "b.conf").write_text("include *.conf\n")
    rc, err = check(vrrpd, tmp_path / "a.conf")
    assert rc == 1 and "includes itself, not read again" in err


def test_include_fan_out_is_bounded(vrrpd, tmp_path):
    # every file includes every file: without the depth and file limits this is 10^8 reads
    sub = tmp_path / "d"
    sub.mkdir()
    for k in range(10):
        (sub / f"{k}.conf").write_text("include ../d/*.conf\n")
    (tmp_path / "a.conf").write_text("include d/*.conf\n")
    rc, err = check(vrrpd, tmp_path / "a.conf")
    assert rc == 1


def test_include_depth_is_bounded(vrrpd, tmp_path):
    for k in range(20):
        (tmp_path / f"{k}.conf").write_text(f"include {k + 1}.conf\n")
    (tmp_path / "20.conf").write_text("global_defs {\n}\n")
    rc, err = check(vrrpd, tmp_path / "0.conf")
    assert rc == 1 and "7.conf:1:9: error: includes nested more than 8 deep (a recursive include?), '8.conf' not read" in err


def test_include_of_a_directory_and_unreadable(vrrpd, tmp_path):
    (tmp_path / "dir.conf").mkdir()
    (tmp_path / "a.conf").write_text("include dir.conf\ninclude\n")
    rc, err = check(vrrpd, tmp_path / "a.conf")
    assert rc == 1 and "a.conf:2:1: error: 'include' needs a file name or glob pattern" in err
    assert "a.conf:1:9: warning: 'dir.conf' matches no file, nothing included" in err


def test_recursive_and_exploding_vars(vrrpd, tmp_path):
    (tmp_path / "a.conf").write_text("$A=$A $A $A $A $A $A $A $A\nglobal_defs {\n router_id $A\n}\n"
                                     "$M=x \\\n$M \\\n$M\n$M\n")
    rc, err = check(vrrpd, tmp_path / "a.conf")
    assert rc == 1 and "a.conf:3:12: error: line longer than 65536 bytes after expanding definitions" in err
    # each line of $M uses $M twice: the lines it produces are counted and stopped, reported once
    assert "a.conf:8:1: error: definitions and '~SEQ' lines produce more than 16384 lines in all, stopped" in err
    assert err.count("lines in all, stopped") == 1 and err.count("levels deep") == 1


def test_huge_line(vrrpd, tmp_path):
    (tmp_path / "a.conf").write_text("global_defs {\n router_id " + "x" * 1_000_000 + "\n}\n")
    rc, err = check(vrrpd, tmp_path / "a.conf")
    assert rc == 1 and "a.conf:2:1: error: line longer than 65536 bytes, ignored" in err


def test_many_tokens(vrrpd, tmp_path):
    (tmp_path / "a.conf").write_text("global_defs {\n" + " notification_email_from a b c d e f g h\n" * 50_000 + "}\n")
    rc, err = check(vrrpd, tmp_path / "a.conf")
    assert rc == 0 and "50000 more diagnostics" not in err and "more diagnostics not shown" in err


@pytest.mark.parametrize("seed", range(8))
def test_binary_junk(vrrpd, tmp_path, seed):
    import random
    rnd = random.Random(seed)
    (tmp_path / "a.conf").write_bytes(bytes(rnd.randrange(256) for _ in range(64 * 1024)))
    check(vrrpd, tmp_path / "a.conf")


def test_nul_bytes(vrrpd, tmp_path):
    (tmp_path / "a.conf").write_bytes(b"global_defs {\n router_id a\0b\n}\n")
    rc, err = check(vrrpd, tmp_path / "a.conf")
    assert rc == 1 and "a.conf:2:13: error: NUL byte in the text; expected printable text" in err


def test_not_a_regular_file(vrrpd, tmp_path):
    rc, err = check(vrrpd, tmp_path)
    assert rc == 1 and "Is a directory" in err


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_endless_input(vrrpd):
    rc, err = check(vrrpd, "/dev/zero")
    assert rc == 1 and "File too large" in err


def test_many_repeated_typos_stay_fast(vrrpd, tmp_path):
    # a "~SEQ" repeating a typo makes thousands of unknown keywords: past the kept diagnostics no "did you mean"
    # is computed for them, so the check stays quick (it took seconds under the fuzzer's instrumentation)
    (tmp_path / "a.conf").write_text("~SEQ(I, 1, 16000) vrrp_instanse_$I x\n")
    rc, err = check(vrrpd, tmp_path / "a.conf")
    assert rc == 1 and "15000 more diagnostics not shown" in err
