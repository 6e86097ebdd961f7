"""``/healthz`` and ``/readyz``: the state of each component the gateway needs, named.

A load balancer or an orchestrator asks ``/readyz`` (can this node take mail and requests now:
database and master key); a person or a monitor asks ``/healthz``, which answers ``503`` naming
every degraded component (database, disk, worker processes, key ring, directory, engines) so
the page says what to fix. Every check runs with a deadline: a database that hangs is a
degraded database, not a health check that hangs too.

External engines (ClamAV, Rspamd) are the ``engines`` component (:func:`engines`); anything
else can add a component with :func:`register_component`.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import shutil
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

OK, DEGRADED = "ok", "degraded"
CHECK_SECONDS = 5.0
MIN_FREE_BYTES = 100 << 20      # below this (or 1% of the file system) a store is degraded
MIN_FREE_FRACTION = 0.01


@dataclass(frozen=True)
class State:
    status: str          # ok | degraded
    detail: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"status": self.status, "detail": self.detail}


_extra: dict[str, Callable[[], State]] = {}
_extra_lock = threading.Lock()


def register_component(name: str, check: Callable[[], State]) -> None:
    """Add a component to ``/healthz`` (e.g. ``"clamav"``); ``check`` returns a :class:`State`
    and may block briefly (it runs in a thread, under the common deadline)."""
    with _extra_lock:
        _extra[name] = check


def database(engine: sa.Engine) -> State:
    with engine.connect() as conn:
        conn.execute(sa.text("SELECT 1"))
    return State(OK, engine.dialect.name)


def disk(paths: Mapping[str, Path]) -> State:
    low = []
    for name, path in paths.items():
        usage = shutil.disk_usage(path)
        if usage.free < MIN_FREE_BYTES or usage.free < usage.total * MIN_FREE_FRACTION:
            low.append(f"{name} ({path}): {usage.free >> 20} MiB free")
    return State(DEGRADED, "; ".join(low)) if low else State(OK, "space left")


def workers(processes_file: Path | None) -> State:
    """Every process the supervisor started is alive (outside ``serve``: this one process)."""
    if processes_file is None:
        return State(OK, "one process")
    data = json.loads(processes_file.read_text())
    dead = [name for name, pid in data["processes"].items() if not _alive(int(pid))]
    count = len(data["processes"])
    if dead:
        return State(DEGRADED, f"{len(dead)} of {count} not running: {', '.join(sorted(dead))}")
    return State(OK, f"{count} running")


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


def key_ring(keyring: Any) -> State:
    """The active master key wraps and unwraps here (a key rotated elsewhere is learned first)."""
    kid, wrapped = keyring.wrap(b"\0" * 32, b"healthz")
    keyring.unwrap(kid, wrapped, b"healthz")
    return State(OK, f"active {kid}")


def directory(policy: Any) -> State:
    d = policy.directory()
    return State(OK, f"{len(d.domains)} domain(s), rules generation {policy.current.generation}")


def engines(scanning: Any) -> State:
    """ClamAV and Rspamd, pinged now (gateway.engines: each enabled engine, a couple of seconds)."""
    if scanning is None or not (scanning.clamd or scanning.rspamd):
        return State(OK, "none enabled")
    report = scanning.health_report()
    down = sorted(name for name, state in report.items() if not state["ok"])
    if down:
        return State(DEGRADED, "; ".join(f"{name}: {report[name].get('error')}" for name in down)[:300])
    return State(OK, ", ".join(sorted(report)) + " answering")


class Health:
    """The checks of one gateway process, wired by :mod:`gateway.api`."""

    def __init__(self, checks: Mapping[str, Callable[[], State]], ready: tuple[str, ...] = ("database", "keys")):
        self.checks = dict(checks)
        self.ready_components = ready
        self.stopping: Callable[[], bool] = lambda: False

    def _run(self, names: list[str], checks: Mapping[str, Callable[[], State]]) -> dict[str, State]:
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=len(names), thread_name_prefix="healthz")
        futures = {name: pool.submit(checks[name]) for name in names}
        done, _ = concurrent.futures.wait(futures.values(), timeout=CHECK_SECONDS)
        pool.shutdown(wait=False)
        states = {}
        for name, future in futures.items():
            if future not in done:
                states[name] = State(DEGRADED, f"no answer within {CHECK_SECONDS:.0f} s")
                continue
            try:
                states[name] = future.result()
            except Exception as exc:  # noqa: BLE001 - the reason is what the operator needs
                states[name] = State(DEGRADED, _reason(exc))
        return states

    def report(self) -> dict[str, Any]:
        with _extra_lock:
            checks = {**self.checks, **_extra}
        states = self._run(sorted(checks), checks)
        degraded = [name for name, st in states.items() if st.status != OK]
        return {"status": DEGRADED if degraded else OK, "degraded": degraded,
                "components": {name: st.as_dict() for name, st in states.items()}, "pid": os.getpid()}

    def ready(self) -> dict[str, Any]:
        if self.stopping():
            return {"status": DEGRADED, "degraded": ["stopping"], "components": {}}
        names = [n for n in self.ready_components if n in self.checks]
        states = self._run(names, self.checks)
        degraded = [name for name, st in states.items() if st.status != OK]
        return {"status": DEGRADED if degraded else OK, "degraded": degraded,
                "components": {name: st.as_dict() for name, st in states.items()}}


def _reason(exc: BaseException) -> str:
    """One line, without connection strings or secrets: the driver's first line."""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]
