"""Keep the gateway's processes running: fork them, restart one that dies, forward signals,
stop them together.

The supervisor is the process ``mailwarden serve`` starts, and it does nothing else: no
threads, no event loop, no database. That is what makes restarting safe. Forking from a
process with threads (the group committer, asyncio's executors) copies locks held by
threads that do not exist in the child; a parent that only forks and waits can start a
fresh worker at any time. It is the same split as Postfix's master or gunicorn's arbiter.

A worker that exits while the gateway is not stopping is restarted, after a delay that
grows when it keeps dying (so a worker that cannot start does not spin a core). Nothing is
lost meanwhile: accepted mail is in the database, and a restarted worker takes back the
queue rows it had claimed under its node id. A process that dies within seconds of starting
several times in a row cannot start at all (database gone, disk full): the supervisor then
stops everything and exits non-zero, so the listening socket closes and sending servers
try another MX instead of waiting on a port nobody answers, and the service manager sees
the failure. A failed fork is retried like an exit.

Signals: SIGTERM/SIGINT stop every process (SIGKILL after ``stop_timeout``); SIGHUP is
forwarded to every process (rules reload); SIGUSR1 from one process asks for SIGHUP to
all the others (an API reload in the primary reaching the workers). A child starts with
SIGHUP blocked and unblocks it once its own handler is in place, so a reload that arrives
while it is starting waits for it instead of killing it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger("mailwarden.supervisor")

_HANDLED = {signal.SIGCHLD, signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGUSR1}


@dataclass
class Slot:
    """One process the gateway needs (the primary, a worker, the indexer)."""

    name: str
    target: Callable[[], None]
    pid: int = 0
    started: float = 0.0
    restart_at: float | None = None
    quick_exits: int = 0      # consecutive exits soon after starting
    exits: deque[float] = field(default_factory=lambda: deque(maxlen=8))


class Supervisor:
    RESTART_WINDOW = 60.0     # exits within this many seconds count towards the back-off
    MAX_DELAY = 30.0

    def __init__(self, slots: list[Slot], *, stop_timeout: float = 30.0, restart_delay: float = 0.5,
                 quick_exit: float = 10.0, max_quick_exits: int = 5,
                 on_reload: Callable[[], None] = lambda: None, state_path: Path | None = None):
        self.slots = slots
        self.state_path = state_path   # where the processes are listed (for /healthz), if anywhere
        self.on_reload = on_reload   # runs here before a reload is passed on (see serve())
        self.stop_timeout = stop_timeout
        self.restart_delay = restart_delay
        self.quick_exit = quick_exit
        self.max_quick_exits = max_quick_exits
        self.stopping = False
        self.gave_up = False

    def run(self) -> bool:
        """Start every slot, then supervise until SIGTERM/SIGINT; returns when all are gone:
        True after a requested stop, False when a process could not be kept running.

        The handled signals stay blocked afterwards: one arriving during or after the stop
        must not hit its default action and kill the process before its caller cleans up.
        """
        signal.pthread_sigmask(signal.SIG_BLOCK, _HANDLED)
        try:
            for slot in self.slots:
                self._spawn(slot)
            while not self.stopping:
                info = signal.sigtimedwait(_HANDLED, self._wait_time())
                if info is not None:
                    self._on_signal(info)
                self._reap()
                self._restart_due()
        finally:
            self._stop_all()
        return not self.gave_up

    # ---- signals -------------------------------------------------------------------
    def _on_signal(self, info: signal.struct_siginfo) -> None:
        signo = info.si_signo
        if signo in (signal.SIGTERM, signal.SIGINT):
            log.info("supervisor: stopping all processes")
            self.stopping = True
        elif signo == signal.SIGHUP:
            self.on_reload()
            self._broadcast(signal.SIGHUP)
        elif signo == signal.SIGUSR1:
            self.on_reload()
            self._broadcast(signal.SIGHUP, except_pid=info.si_pid)

    def _broadcast(self, signo: int, except_pid: int = 0) -> None:
        for slot in self.slots:
            if slot.pid and slot.pid != except_pid:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(slot.pid, signo)

    # ---- children ------------------------------------------------------------------
    def _spawn(self, slot: Slot) -> None:
        parent = os.getpid()
        try:
            pid = os.fork()
        except OSError as exc:   # out of processes or memory: try again later, like an exit
            slot.restart_at = time.monotonic() + max(self.restart_delay, 1.0)
            log.error("supervisor: cannot start %s: %s; retrying", slot.name, exc)
            return
        if pid == 0:  # pragma: no cover - runs in the child, which never returns here
            code = 1
            try:
                for signo in _HANDLED:
                    signal.signal(signo, signal.SIG_DFL)
                signal.signal(signal.SIGINT, signal.default_int_handler)
                signal.pthread_sigmask(signal.SIG_SETMASK, {signal.SIGHUP})   # see the module docstring
                _die_with_parent(parent)
                slot.target()
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            except BaseException:  # noqa: BLE001 - the child must end here, whatever happened
                log.exception("%s failed", slot.name)
            finally:
                logging.shutdown()
                os._exit(code)
        slot.pid, slot.started, slot.restart_at = pid, time.monotonic(), None
        log.info("supervisor: started %s (pid %d)", slot.name, pid)
        self._write_state()

    def _reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            slot = next((s for s in self.slots if s.pid == pid), None)
            if slot is None:
                continue
            slot.pid = 0
            self._write_state()
            if self.stopping:
                continue
            now = time.monotonic()
            slot.quick_exits = slot.quick_exits + 1 if now - slot.started < self.quick_exit else 0
            if slot.quick_exits >= self.max_quick_exits:
                log.critical("supervisor: %s (pid %d) exited with %s, the %d. time in a row within %.0f s "
                             "of starting; it cannot run: stopping the gateway", slot.name, pid,
                             _describe(status), slot.quick_exits, self.quick_exit)
                self.gave_up = self.stopping = True
                continue
            slot.exits.append(now)
            recent = sum(1 for t in slot.exits if now - t < self.RESTART_WINDOW)
            delay = min(self.MAX_DELAY, self.restart_delay * 2 ** (recent - 2)) if recent > 1 else 0.0
            slot.restart_at = now + delay
            log.error("supervisor: %s (pid %d) exited with %s; restarting in %.1f s",
                      slot.name, pid, _describe(status), delay)

    def _write_state(self) -> None:
        """List the processes and their pids (0: waiting to be restarted) for the API's health
        check, which runs in one of them; one small file, replaced atomically."""
        if self.state_path is None:
            return
        tmp = self.state_path.with_suffix(".tmp")
        try:
            tmp.write_text(json.dumps({"supervisor": os.getpid(),
                                       "processes": {s.name: s.pid for s in self.slots}}))
            os.replace(tmp, self.state_path)
        except OSError as exc:   # the gateway runs on; /healthz then says it cannot tell
            log.warning("supervisor: cannot write %s: %s", self.state_path, exc)

    def _restart_due(self) -> None:
        now = time.monotonic()
        for slot in self.slots:
            if not slot.pid and slot.restart_at is not None and slot.restart_at <= now and not self.stopping:
                self._spawn(slot)

    def _wait_time(self) -> float:
        due = [s.restart_at for s in self.slots if s.restart_at is not None]
        if not due:
            return 1.0
        return max(0.01, min(1.0, min(due) - time.monotonic()))

    def _stop_all(self) -> None:
        self.stopping = True
        self._broadcast(signal.SIGTERM)
        deadline = time.monotonic() + self.stop_timeout
        while any(s.pid for s in self.slots) and time.monotonic() < deadline:
            self._reap()
            time.sleep(0.05)
        if any(s.pid for s in self.slots):
            log.error("supervisor: processes did not stop in %.0f s; killing them", self.stop_timeout)
            self._broadcast(signal.SIGKILL)
            while any(s.pid for s in self.slots):
                self._reap()
                time.sleep(0.05)


def _describe(status: int) -> str:
    code = os.waitstatus_to_exitcode(status)
    if code < 0:
        return f"signal {signal.Signals(-code).name}"
    return f"status {code}"


def _die_with_parent(parent: int) -> None:
    """A child must not outlive the supervisor (Linux: PR_SET_PDEATHSIG); elsewhere, best effort."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass
    if os.getppid() != parent:   # the supervisor died before the request took effect
        raise SystemExit(0)
