"""Running commands and processes, inside a network namespace or not, and waiting for conditions."""

import os
import shlex
import signal
import subprocess
import time
from pathlib import Path

IP = "/usr/sbin/ip" if os.path.exists("/usr/sbin/ip") else "/sbin/ip"


def sigterm_raises_interrupt():
    """Makes SIGTERM raise KeyboardInterrupt (if nothing else handles it yet), so that a CI timeout or `kill`
    unwinds through the finally blocks and fixture teardowns that remove namespaces and daemons; by default a
    SIGTERM ends Python at once and leaves them behind. Call it from the main thread."""
    def interrupt(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, interrupt)


class CommandError(AssertionError):
    """A command exited non-zero; the message carries argv, exit status, stderr and stdout."""

    def __init__(self, argv, result):
        self.argv, self.result = argv, result
        super().__init__(
            f"`{shlex.join(argv)}` exited {result.returncode}\n"
            f"stderr: {result.stderr.strip()}\nstdout: {result.stdout.strip()[:2000]}"
        )


def in_ns(ns, argv):
    """argv prefixed so that it runs in network namespace ns (None: where we are)."""
    argv = [str(a) for a in argv]
    return [IP, "netns", "exec", ns, *argv] if ns else argv


def sh(*argv, check=True, ns=None, timeout=30, input=None, env=None):
    """Runs argv (in namespace ns) to completion and returns the CompletedProcess with text output captured;
    raises CommandError with stderr in the message when check and the exit status is not 0."""
    full = in_ns(ns, argv)
    result = subprocess.run(full, capture_output=True, text=True, timeout=timeout, input=input, env=env)
    if check and result.returncode != 0:
        raise CommandError(full, result)
    return result


def wait_until(what, predicate, timeout=10.0, step=0.05):
    """Polls predicate() until it returns something truthy, and returns that; raises AssertionError naming what
    and the last value seen once timeout seconds have passed."""
    deadline, last = time.monotonic() + timeout, None
    while True:
        if last := predicate():
            return last
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}; last seen {last!r}")
        time.sleep(step)


class Process:
    """One long-running program, optionally inside a network namespace, with its output in a log file.

    With setsid (the default) it leads a new session and process group, so stop() and kill_group() reach every
    process it forked (nginx workers, keepalived's VRRP child, health scripts) and a ^C at the terminal reaches
    only pytest, whose finally blocks then clean up. The group id is the leader's pid, and we signal the group
    only while the leader is not yet reaped, so the id cannot have been reused."""

    def __init__(self, argv, *, ns=None, env=None, cwd=None, log=None, setsid=True, name=None):
        self.argv = [str(a) for a in argv]
        self.ns, self.cwd, self.setsid = ns, cwd, setsid
        self.env = {**os.environ, **(env or {})}
        self.name = name or Path(self.argv[0]).name
        self.log = Path(log) if log else None
        self.popen = None

    def __repr__(self):
        if not self.popen:
            return f"<Process {self.name} (not started)>"
        state = f"pid {self.pid}" if self.alive() else f"exited {self.returncode}"
        return f"<Process {self.name} ({state})>"

    def start(self):
        out = open(self.log, "ab") if self.log else subprocess.DEVNULL
        try:
            self.popen = subprocess.Popen(in_ns(self.ns, self.argv), stdin=subprocess.DEVNULL, stdout=out,
                                          stderr=subprocess.STDOUT, env=self.env, cwd=self.cwd,
                                          start_new_session=self.setsid)
        finally:
            if self.log:
                out.close()
        return self

    @property
    def pid(self):
        return self.popen.pid

    @property
    def returncode(self):
        """The leader's exit status once it exited (negative: killed by that signal), None while it runs. Never
        reaps (only stop() and crash() do), so kill_group() still reaches children that outlive the leader."""
        if self.popen is None or self.popen.returncode is not None:
            return None if self.popen is None else self.popen.returncode
        info = self._peek()
        if info is None:
            return None
        return info.si_status if info.si_code == os.CLD_EXITED else -info.si_status

    def alive(self):
        """True while the leader runs (a zombie counts as exited)."""
        return self.popen is not None and self.popen.returncode is None and self._peek() is None

    def _peek(self):
        """waitid() without reaping: the child's exit info, or None while it runs."""
        try:
            return os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            return None

    def log_text(self):
        return self.log.read_text(errors="replace") if self.log and self.log.exists() else ""

    def send_signal(self, sig):
        """Sends sig to the leader only."""
        if self.popen and self.popen.returncode is None:
            os.kill(self.pid, sig)

    def kill_group(self, sig=signal.SIGKILL):
        """Sends sig to the whole process group (setsid processes only); a no-op once the leader is reaped."""
        if not self.setsid:
            raise ValueError(f"{self.name} was not started with setsid: it has no group of its own")
        if self.popen and self.popen.returncode is None:
            try:
                os.killpg(self.pid, sig)
            except ProcessLookupError:
                pass

    def wait_exit(self, timeout):
        """Waits up to timeout seconds for the leader to exit, without reaping it; True if it did."""
        deadline = time.monotonic() + timeout
        while self.alive():
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.02)
        return True

    def stop(self, timeout=5.0, sig=signal.SIGTERM):
        """Sends sig to the leader and waits up to timeout for it to exit; then SIGKILLs whatever is left (the
        leader if it hung, and with setsid any process still in its group) and reaps. Returns the leader's exit
        status: negative means it died of a signal."""
        if self.popen is None:
            return None
        if self.popen.returncode is None:
            try:
                self.send_signal(sig)
            except ProcessLookupError:
                pass
            exited = self.wait_exit(timeout)
            if self.setsid:
                self.kill_group(signal.SIGKILL)
            elif not exited:
                self.popen.kill()
        return self.popen.wait(timeout=10)

    def crash(self):
        """SIGKILL to the whole group at once (what a power cut looks like to peers), then reap."""
        if self.setsid:
            self.kill_group(signal.SIGKILL)
        elif self.popen.returncode is None:
            self.popen.kill()
        return self.popen.wait(timeout=10)

    def __enter__(self):
        return self if self.popen else self.start()

    def __exit__(self, *exc):
        self.stop()
