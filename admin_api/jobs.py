"""Background jobs (backtests, exports) with their progress kept in the database.

Why a table and not a task in memory: the person who started a backtest reloads the page,
signs in from another browser or asks the API later, and must still see how far it got and
what it found. A job runs in a thread of the process that accepted it (the API process of
``serve``); its row is its heartbeat. A process that dies mid-job leaves a row that stops
being updated: :meth:`JobStore.get` reports it as ``interrupted`` once the heartbeat is older
than :data:`STALE_AFTER`, so nobody waits for a job that no longer runs.

The work itself is a callable handed in (``work(progress) -> result``): this module knows
nothing about rules or archives, only how to run, report and keep.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa

from admin_api import tables as t

log = logging.getLogger("mailwarden.jobs")

STALE_AFTER = 120.0        # seconds without a heartbeat: the process running it is gone
_HEARTBEAT = 0.5           # at most this often a progress update is written
STATES = ("queued", "running", "done", "failed", "interrupted")

Progress = Callable[[int, int | None], None]
Work = Callable[[Progress], Mapping[str, Any]]


class JobNotFound(LookupError):
    """No job with that id (or not one this person may see)."""


class JobStore:
    """Rows of ``admin_jobs`` and the threads that run them."""

    def __init__(self, engine: sa.Engine, clock: Callable[[], float] = time.time) -> None:
        self.engine = engine
        self.clock = clock
        self.node = f"{socket.gethostname()}:{os.getpid()}"
        self._threads: dict[int, threading.Thread] = {}

    # ---- starting ------------------------------------------------------------------
    def submit(self, kind: str, owner: str, params: Mapping[str, Any], work: Work) -> int:
        """Record the job, start it in a thread, return its id at once."""
        now = self.clock()
        with self.engine.begin() as conn:
            job_id = int(conn.execute(sa.insert(t.jobs).values(
                kind=kind, owner=owner, params=dict(params), state="queued", done=0, total=None,
                node=self.node, created_at=now, updated_at=now,
            )).inserted_primary_key[0])
        thread = threading.Thread(target=self._run, args=(job_id, work), name=f"job-{job_id}", daemon=True)
        self._threads[job_id] = thread
        thread.start()
        return job_id

    def run_inline(self, kind: str, owner: str, params: Mapping[str, Any], work: Work) -> int:
        """Record and run the job in this thread (the CLI: the same rows, no thread)."""
        now = self.clock()
        with self.engine.begin() as conn:
            job_id = int(conn.execute(sa.insert(t.jobs).values(
                kind=kind, owner=owner, params=dict(params), state="queued", done=0, total=None,
                node=self.node, created_at=now, updated_at=now,
            )).inserted_primary_key[0])
        self._run(job_id, work)
        return job_id

    def wait(self, job_id: int, timeout: float | None = None) -> dict[str, Any]:
        """Wait for a job this process runs (tests, CLI); returns its row."""
        thread = self._threads.get(job_id)
        if thread is not None:
            thread.join(timeout)
        return self.get(job_id)

    def _run(self, job_id: int, work: Work) -> None:
        last = 0.0

        def progress(done: int, total: int | None = None) -> None:
            nonlocal last
            now = self.clock()
            if now - last < _HEARTBEAT and (total is None or done < total):
                return
            last = now
            self._update(job_id, done=int(done), total=None if total is None else int(total), updated_at=now)

        self._update(job_id, state="running", updated_at=self.clock())
        try:
            result = dict(work(progress))
        except Exception as exc:  # noqa: BLE001 - the job's failure is its result, one line
            log.warning("job failed", extra={"job": job_id, "error": str(exc)[:500]})
            now = self.clock()
            self._update(job_id, state="failed", error=(str(exc) or type(exc).__name__)[:2000],
                         updated_at=now, finished_at=now)
        else:
            now = self.clock()
            self._update(job_id, state="done", result=result, updated_at=now, finished_at=now)
        finally:
            self._threads.pop(job_id, None)

    def _update(self, job_id: int, **values: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(sa.update(t.jobs).where(t.jobs.c.id == job_id).values(**values))

    # ---- reading -------------------------------------------------------------------
    def _out(self, row: Mapping[str, Any]) -> dict[str, Any]:
        out = dict(row)
        if out["state"] in ("queued", "running") and self.clock() - float(out["updated_at"]) > STALE_AFTER:
            out["state"] = "interrupted"
        total = out.get("total")
        out["percent"] = (100 if out["state"] == "done" else
                          int(100 * out["done"] / total) if total else 0)
        return out

    def get(self, job_id: int, *, owner: str | None = None, kind: str | None = None) -> dict[str, Any]:
        """One job; ``owner``/``kind`` given: only if it is theirs and of that kind (else not found)."""
        q = sa.select(t.jobs).where(t.jobs.c.id == job_id)
        if owner is not None:
            q = q.where(t.jobs.c.owner == owner)
        if kind is not None:
            q = q.where(t.jobs.c.kind == kind)
        with self.engine.connect() as conn:
            row = conn.execute(q).mappings().first()
        if row is None:
            raise JobNotFound(f"no job {job_id}")
        return self._out(row)

    def list(self, *, owner: str | None = None, kind: str | None = None, limit: int = 50,
             cursor: int | None = None) -> tuple[list[dict[str, Any]], str | None]:
        """Newest first; the cursor is the last id seen."""
        c = t.jobs.c
        q = sa.select(t.jobs)
        if owner is not None:
            q = q.where(c.owner == owner)
        if kind is not None:
            q = q.where(c.kind == kind)
        if cursor is not None:
            q = q.where(c.id < cursor)
        with self.engine.connect() as conn:
            rows = list(conn.execute(q.order_by(c.id.desc()).limit(limit + 1)).mappings())
        nxt = str(rows[limit - 1]["id"]) if len(rows) > limit else None
        return [self._out(r) for r in rows[:limit]], nxt
