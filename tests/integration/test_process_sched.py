"""global_defs' settings for the daemon process (service/process-sched.c): vrrp_rt_priority runs vrrpd SCHED_RR,
vrrp_priority at that nice value, vrrp_no_swap locks its memory, vrrp_rlimit_rttime sets RLIMIT_RTTIME; the health
scripts it forks run SCHED_OTHER at nice 0 with nothing locked (SCHED_RESET_ON_FORK, and fork() drops locks).
Without the privilege, each setting is a warning and vrrpd runs on."""

import re

import pytest

from vrrptopo import TrackScript, VrrpInstance, keepalived_config, sh, wait_until
from vrrptopo.timing import master_down_interval

ADVERT = dict(version=3, family=4, advert_int=0.5, auth_pass=None)

# The health script writes what it runs with; $$ is the script's own shell, a child of vrrpd.
PROBE = """#!/bin/sh
{{ chrt -p $$; echo "nice $(nice)"; grep VmLck /proc/$$/status; }} > {out}.tmp && mv {out}.tmp {out}
"""


def config(router, global_extra):
    """One instance and a health script that writes what it runs with to probe.out."""
    probe = router.dir / "probe.sh"
    probe.write_text(PROBE.format(out=router.dir / "probe.out"))
    probe.chmod(0o755)
    check = TrackScript("chk_probe", str(probe), interval=0.2, timeout=2)
    inst = VrrpInstance(name="VI_1", vrid=51, priority=150, vips=[f"{router.topo.vip4(0)}/24"],
                        advert_int=ADVERT["advert_int"], track_scripts=["chk_probe"])
    return keepalived_config([inst], [check], global_extra=global_extra)


def start(router, vrrpd_path, global_extra, wrap=()):
    """vrrpd on config(); wrap prefixes the command (prlimit, setpriv), which must exec vrrpd in the end, so that
    the pid is vrrpd's. Returns the daemon and the file its health script writes."""
    out = router.dir / "probe.out"
    text = config(router, global_extra)
    args = ["-l", "-f", str(router.dir / "vrrpd.conf")]
    if wrap:
        daemon = router.vrrpd(text, args=[*wrap[1:], vrrpd_path, *args], binary=wrap[0])
    else:
        daemon = router.vrrpd(text, args=args)
    daemon.wait_ready()
    comm = (read(f"/proc/{daemon.process.pid}/comm") or "").strip()
    assert comm == "vrrpd", f"pid {daemon.process.pid} is {comm!r}, not vrrpd: the wrapper did not exec it"
    return daemon, out


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None


def sched_of(pid):
    """(policy as chrt prints it, realtime priority, nice, VmLck in kB) of a running process."""
    chrt = sh("chrt", "-p", str(pid)).stdout
    policy = re.search(r"scheduling policy: (\S+)", chrt)[1]
    priority = int(re.search(r"scheduling priority: (\d+)", chrt)[1])
    nice = int(read(f"/proc/{pid}/stat").rsplit(")", 1)[1].split()[16])
    locked = int(re.search(r"^VmLck:\s+(\d+) kB", read(f"/proc/{pid}/status"), re.M)[1])
    return policy, priority, nice, locked


def probed(out):
    """What the health script saw: (policy, priority, nice, VmLck in kB), once it has run."""
    text = wait_until(f"the health script to write {out}", lambda: read(out), timeout=5)
    policy = re.search(r"scheduling policy: (\S+)", text)
    priority = re.search(r"scheduling priority: (\d+)", text)
    nice = re.search(r"^nice (-?\d+)", text, re.M)
    locked = re.search(r"^VmLck:\s+(\d+) kB", text, re.M)
    assert policy and priority and nice and locked, f"unexpected probe output:\n{text}"
    return policy[1], int(priority[1]), int(nice[1]), int(locked[1])


def rttime_limit(pid):
    line = next(l for l in read(f"/proc/{pid}/limits").splitlines() if l.startswith("Max realtime timeout"))
    return line.split()[3:5]


def asan(binary):
    with open(binary, "rb") as f:
        return b"__asan_init" in f.read()


CAP_SYS_RESOURCE = 24


def has_capability(bit):
    """Whether this test (root, as vrrpd runs) has the capability in its effective set."""
    return bool(int(re.search(r"^CapEff:\s+(\w+)", read("/proc/self/status"), re.M)[1], 16) >> bit & 1)


@pytest.fixture
def router(make_topology):
    return make_topology(routers=1, nginx=False)["r1"]


@pytest.mark.parametrize("global_extra, expected", [
    (["vrrp_rt_priority 10", "vrrp_no_swap", "vrrp_rlimit_rttime 5000000"],
     ("SCHED_RR|SCHED_RESET_ON_FORK", 10, 0, True)),
    (["vrrp_priority -5"], ("SCHED_OTHER|SCHED_RESET_ON_FORK", 0, -5, False)),
], ids=["rt-no-swap", "nice"])
def test_the_daemon_runs_with_them_and_its_scripts_without(router, vrrpd_path, global_extra, expected):
    if "vrrp_no_swap" in global_extra and asan(vrrpd_path):
        pytest.skip("mlockall() would fault in all of ASan's shadow memory")
    daemon, out = start(router, vrrpd_path, global_extra)
    policy, priority, nice, locked = sched_of(daemon.process.pid)
    want_policy, want_priority, want_nice, want_locked = expected
    assert (policy, priority, nice) == (want_policy, want_priority, want_nice), (
        f"vrrpd runs {policy} priority {priority} nice {nice} with {global_extra}; log:\n{daemon.log}")
    assert (locked > 0) == want_locked, f"vrrpd has VmLck {locked} kB with {global_extra}"
    if "vrrp_rlimit_rttime 5000000" in global_extra:
        assert rttime_limit(daemon.process.pid) == ["5000000", "5000000"]
    else:
        assert rttime_limit(daemon.process.pid) == ["unlimited", "unlimited"], "a limit nobody configured"
    assert probed(out) == ("SCHED_OTHER", 0, 0, 0), f"the health script inherited: {read(out)}"


@pytest.mark.parametrize("global_extra, warning", [
    (["vrrp_rt_priority 10"], "vrrp_rt_priority 10: cannot switch to SCHED_RR, running without it: Operation not "
                              "permitted; under systemd, vrrpd.service needs the drop-in"),
    (["vrrp_priority -5"], "vrrp_priority -5: cannot set the nice value, running without it: Permission denied; "
                           "under systemd, vrrpd.service needs the drop-in"),
    (["vrrp_no_swap"], "vrrp_no_swap: not locking memory: without CAP_IPC_LOCK, RLIMIT_MEMLOCK (8192 KiB) would "
                       "make later allocations fail; under systemd, vrrpd.service needs the drop-in"),
], ids=["rt", "nice", "no-swap"])
def test_without_the_privilege_a_warning_and_vrrp_goes_on(router, vrrpd_path, global_extra, warning):
    """As under the shipped unit: no CAP_SYS_NICE, no CAP_IPC_LOCK, systemd's default LimitMEMLOCK=8M."""
    wrap = ["/usr/bin/prlimit", "--memlock=8388608", "setpriv", "--bounding-set=-sys_nice,-ipc_lock",
            "--inh-caps=-sys_nice,-ipc_lock"]
    daemon, out = start(router, vrrpd_path, global_extra, wrap)
    vip = router.topo.vip4(0)
    wait_until(f"{vip} on r1", lambda: vip in router.addresses(), timeout=master_down_interval(ADVERT, 150) + 3)
    assert warning in daemon.log, f"no warning '{warning}' in the log:\n{daemon.log}"
    assert sched_of(daemon.process.pid) == ("SCHED_OTHER", 0, 0, 0)
    assert probed(out) == ("SCHED_OTHER", 0, 0, 0)


def test_a_reload_applies_what_changed(router, vrrpd_path):
    if asan(vrrpd_path):
        pytest.skip("mlockall() would fault in all of ASan's shadow memory")
    daemon, _ = start(router, vrrpd_path, ["vrrp_rt_priority 10", "vrrp_no_swap", "vrrp_rlimit_rttime 5000000"])
    pid = daemon.process.pid
    assert sched_of(pid)[:2] == ("SCHED_RR|SCHED_RESET_ON_FORK", 10)

    def reload(global_extra, logged):
        marker = len(daemon.log)
        daemon.reload(config(router, global_extra))
        wait_until(f"the reload to log '{logged}'", lambda: logged in daemon.log[marker:], timeout=5)

    reload(["vrrp_rt_priority 20", "vrrp_rlimit_rttime 2000000"], "vrrp_rt_priority 20: running SCHED_RR")
    policy, priority, nice, locked = sched_of(pid)
    assert (policy, priority, locked) == ("SCHED_RR|SCHED_RESET_ON_FORK", 20, 0), (
        f"after the reload vrrpd runs {policy} priority {priority} with VmLck {locked} kB; log:\n{daemon.log}")
    assert rttime_limit(pid) == ["2000000", "2000000"]
    reload(["vrrp_priority -3"], "vrrp_priority -3: running at nice -3")
    assert sched_of(pid) == ("SCHED_OTHER|SCHED_RESET_ON_FORK", 0, -3, 0), f"log:\n{daemon.log}"
    if has_capability(CAP_SYS_RESOURCE):
        assert rttime_limit(pid) == ["unlimited", "unlimited"]
    else:  # lifting a hard limit needs it (some containers lack it, as does the shipped unit)
        assert rttime_limit(pid) == ["2000000", "2000000"]
        assert ("vrrp_rlimit_rttime removed: cannot change RLIMIT_RTTIME, it stays 2000000 µs until vrrpd restarts "
                "(raising it needs CAP_SYS_RESOURCE): Operation not permitted") in daemon.log, daemon.log
