"""What the archive must not purge yet, as only the gateway knows it.

The archive owns retention but cannot see the quarantine's or the delivery queue's tables (it
imports nothing of ours). Both point at archive records by id: a held quarantine entry is
released from its record's blob, a queued or delivering row is sent from its record's blob.
Purging such a record loses mail, so :func:`still_needed` is handed to
:class:`archive.retention.Retention` and asked inside each purge transaction; :func:`forget`,
handed in beside it, takes the log of a purged record's delivery attempts with it.

:class:`ScheduledPurge` is ``serve``'s purge job (``archive.purge_interval`` and
``archive.purge_window``), run by one node at a time.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from admin_api.audit import append_audit
from admin_api.tables import audit as audit_table
from archive.chain import ChainKey
from archive.retention import PurgeReport, Retention
from archive.service import Archive
from gateway import attempts
from gateway.queue import DELIVERING, QUEUED
from gateway.tables import queue
from quarantine.tables import entries

HELD = "held"
log = logging.getLogger("mailwarden.retention")


def still_needed(conn: sa.Connection, ids: Sequence[int]) -> set[int]:
    """Those of ``ids`` a held quarantine entry or an unfinished delivery refers to."""
    needed: set[int] = set()
    ids = list(ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        needed.update(conn.execute(sa.select(entries.c.archive_id).where(
            entries.c.status == HELD, entries.c.archive_id.in_(chunk))).scalars())
        needed.update(conn.execute(sa.select(queue.c.archive_id).where(
            queue.c.status.in_([QUEUED, DELIVERING]), queue.c.archive_id.in_(chunk))).scalars())
    return needed


def forget(conn: sa.Connection, ids: Sequence[int]) -> None:
    """Purged records take the log of their delivery attempts with them (gateway/attempts.py):
    the recipients and replies of a message the archive no longer keeps are not kept either."""
    attempts.forget(conn, ids)


# ---- the scheduled purge ---------------------------------------------------------------------
PURGE_ACTION = "archive.purge"          # its audit rows: who purged what, and when it last ran
# The PostgreSQL advisory lock of the purge: one per schema, so instances that share a server
# in separate schemas (and tests) do not block each other's purge.
_PG_KEY = "hashtext(current_schema() || :name)"
_PG_LOCK = sa.text(f"SELECT pg_try_advisory_lock({_PG_KEY})").bindparams(name="/mailwarden-purge")
_PG_UNLOCK = sa.text(f"SELECT pg_advisory_unlock({_PG_KEY})").bindparams(name="/mailwarden-purge")


def in_window(window: tuple[int, int] | None, when: float) -> bool:
    """Whether ``when`` (epoch seconds) falls in the daily ``window`` (local minutes; None: always)."""
    if window is None:
        return True
    local = time.localtime(when)
    minute = local.tm_hour * 60 + local.tm_min
    start, end = window
    return start <= minute < end if start < end else (minute >= start or minute < end)


@contextlib.contextmanager
def node_lock(engine: sa.Engine) -> Iterator[bool]:
    """Yields whether this process got the purge lock (never waits): a PostgreSQL advisory lock
    (every node sharing the database), or an ``flock`` beside a SQLite file (every process on
    the host sharing it)."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            got = bool(conn.execute(_PG_LOCK).scalar())
            conn.commit()
            try:
                yield got
            finally:
                if got:
                    conn.execute(_PG_UNLOCK)
                    conn.commit()
        return
    database = engine.url.database
    if not database or database == ":memory:":
        yield True
        return
    fd = os.open(os.path.realpath(database) + ".purge-lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


class ScheduledPurge:
    """``serve``'s purge: at most once per ``interval``, started only inside ``window``, by one
    node at a time (:func:`node_lock`). The last run is read from the audit log, where each run
    is recorded with its counts, so a node that gets the lock after another finished does not
    purge again; a run that failed is recorded too and retried at the next check."""

    def __init__(self, engine: sa.Engine, archive: Archive, rules: Iterable[Mapping[str, Any]], *,
                 default_days: int, interval: float, window: tuple[int, int] | None,
                 node: str = "", clock: Callable[[], float] = time.time):
        self.engine = engine
        self.archive = archive
        self.retention = Retention(archive, rules, default_days, still_needed=still_needed, forget=forget)
        self.audit_chain = ChainKey(archive.keyring, "audit-chain")
        self.interval = interval
        self.window = window
        self.node = node
        self.clock = clock

    def last_run(self) -> float | None:
        """When a purge last completed (on any node), from the audit log."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.max(audit_table.c.at)).where(
                audit_table.c.action == PURGE_ACTION, audit_table.c.outcome == "ok")).scalar()

    def due(self, now: float) -> bool:
        if self.interval <= 0 or not in_window(self.window, now):
            return False
        last = self.last_run()
        return last is None or now - last >= self.interval

    def run_if_due(self) -> PurgeReport | None:
        """Purge when due and this node gets the lock; returns the report, or None."""
        if not self.due(self.clock()):
            return None
        with node_lock(self.engine) as got:
            if not got or not self.due(self.clock()):   # another node ran it meanwhile
                return None
            try:
                # Small batches: each holds the archive's head lock, which acceptance waits for.
                report = self.retention.purge(now=self.clock(), batch=100)
            except Exception as exc:
                append_audit(self.engine, chain=self.audit_chain, actor=f"system:{self.node or 'scheduler'}",
                             role="system", action=PURGE_ACTION, outcome="error", status_code=0, client_ip="local",
                             detail={"error": type(exc).__name__}, clock=self.clock)
                raise
            detail = report.to_dict()
            append_audit(self.engine, chain=self.audit_chain, actor=f"system:{self.node or 'scheduler'}",
                         role="system", action=PURGE_ACTION, outcome="ok", status_code=0, client_ip="local",
                         record=f"purged {report.purged}", detail=detail, clock=self.clock)
            log.info("scheduled purge", extra={k: v for k, v in detail.items() if k != "first_ids"})
            return report
