"""Queue control for administrators: list, show, retry, hold, release and delete queue rows
(``mailwarden queue …`` and ``/api/v1/queue``; both audited by their callers).

The delivery queue is rows in the database (``gateway_queue``), shared by every node, so
each action is one guarded UPDATE/DELETE: a row a node is delivering right now (a live
claim) is not changed under it (:class:`QueueConflict`: try again in a moment), and a row
on hold (status ``hold``) is never claimed, because the claim only takes ``queued`` rows and
expired ``delivering`` leases.

Listing reads only plain columns, so a row whose stored headers are damaged, or whose
message no longer opens, is still listed, shown with the reason, and can be deleted: that
is how an operator drops an unreadable row. Deleting removes the delivery only; the message
stays in the archive like any other record, and so does the log of its attempts.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa

from gateway import attempts
from gateway.db import write_transaction
from gateway.node_gauges import ON_HOLD
from gateway.queue import DELIVERED, DELIVERING, FAILED, QUEUED
from gateway.tables import queue as queue_table

STATUSES = (QUEUED, DELIVERING, ON_HOLD, DELIVERED, FAILED)
_LISTED = ("id", "status", "archive_id", "mail_from", "recipient", "direction", "origin", "attempts",
           "created_at", "next_attempt_at", "expires_at", "claimed_by", "claimed_until", "last_code",
           "last_error", "finished_at")


class QueueRowNotFound(LookupError):
    pass


class QueueConflict(Exception):
    """The row is not in a state this action applies to (being delivered, already finished)."""


class QueueControl:
    def __init__(self, engine: sa.Engine, open_digest: Callable[[str], bytes] | None = None,
                 clock: Callable[[], float] = time.time):
        self.engine = engine
        self.open_digest = open_digest
        self.clock = clock

    # ---- reading ------------------------------------------------------------------
    def list(self, status: str | None = None, *, limit: int = 50, after_id: int = 0) -> list[dict[str, Any]]:
        """Rows oldest first (``status``: one of :data:`STATUSES`, default: everything not finished)."""
        q = queue_table.c
        stmt = sa.select(*(q[c] for c in _LISTED)).where(q.id > after_id).order_by(q.id).limit(limit)
        if status is None:
            stmt = stmt.where(q.status.in_([QUEUED, DELIVERING, ON_HOLD]))
        else:
            stmt = stmt.where(q.status == status)
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).mappings().all()
        now = self.clock()
        return [_out(dict(r), now) for r in rows]

    def show(self, qid: int) -> dict[str, Any]:
        """One row, with whether its stored headers and its message can be read (and why not),
        and its ``attempt_log``: each attempt (hop, TLS, result, reply) and each DSN sent."""
        q = queue_table.c
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(*(q[c] for c in _LISTED), q.digest, q.message_id)
                               .where(q.id == qid)).mappings().first()
            if row is None:
                raise QueueRowNotFound(f"no queue row {qid}")
            out = _out(dict(row), self.clock())
            problems = []
            try:
                headers = conn.execute(sa.select(q.add_headers).where(q.id == qid)).scalar_one()
                out["add_headers"] = [list(h) for h in headers or []]
            except Exception as exc:  # noqa: BLE001 - damaged JSON: reported, the row stays deletable
                problems.append(f"stored headers unreadable: {_first_line(exc)}")
        if self.open_digest is not None:
            try:
                raw = self.open_digest(row["digest"])
                out["size"] = len(raw)
            except Exception as exc:  # noqa: BLE001 - missing blob, wrong key, failed integrity check
                problems.append(f"message unreadable: {_first_line(exc)}")
        out["readable"] = not problems
        out["problems"] = problems
        # every attempt and DSN so far, oldest first (the row itself keeps the last reply only)
        out["attempt_log"] = [attempts.shown(a) for a in attempts.read(self.engine, queue_ids=[qid])]
        return out

    # ---- actions ------------------------------------------------------------------
    def retry(self, ids: Sequence[int] | None = None) -> int:
        """Make waiting rows due now (all of them with ``ids`` None: a flush); rows on hold stay."""
        q = queue_table.c
        with write_transaction(self.engine) as conn:
            if ids:
                self._require(conn, ids, (QUEUED,), "retry")
            stmt = queue_table.update().where(q.status == QUEUED).values(next_attempt_at=self.clock())
            if ids:
                stmt = stmt.where(q.id.in_(list(ids)))
            return conn.execute(stmt).rowcount

    def hold(self, ids: Sequence[int]) -> int:
        """Stop delivery of these rows until released (a row being delivered now: conflict)."""
        q = queue_table.c
        with write_transaction(self.engine) as conn:
            self._require(conn, ids, (QUEUED,), "hold")
            return conn.execute(queue_table.update().where(q.id.in_(list(ids)), self._free(q))
                                .values(status=ON_HOLD, claimed_by=None, claimed_until=None)).rowcount

    def release(self, ids: Sequence[int]) -> int:
        """Rows on hold go back to the queue, due now."""
        q = queue_table.c
        with write_transaction(self.engine) as conn:
            self._require(conn, ids, (ON_HOLD,), "release")
            return conn.execute(queue_table.update().where(q.id.in_(list(ids)), q.status == ON_HOLD)
                                .values(status=QUEUED, next_attempt_at=self.clock())).rowcount

    def delete(self, ids: Sequence[int]) -> int:
        """Drop rows (never one being delivered now). The message stays in the archive."""
        q = queue_table.c
        with write_transaction(self.engine) as conn:
            self._require(conn, ids, (QUEUED, ON_HOLD, DELIVERED, FAILED), "delete")
            return conn.execute(queue_table.delete().where(q.id.in_(list(ids)), self._free(q))).rowcount

    def _free(self, q: Any) -> sa.ColumnElement[bool]:
        """Not under a live claim: a lease that ran out counts as waiting."""
        return sa.or_(q.status != DELIVERING, q.claimed_until < self.clock())

    def _require(self, conn: sa.Connection, ids: Sequence[int], states: tuple[str, ...], action: str) -> None:
        q = queue_table.c
        rows = {r.id: r for r in conn.execute(sa.select(q.id, q.status, q.claimed_by, q.claimed_until)
                                              .where(q.id.in_(list(ids))))}
        now = self.clock()
        for qid in ids:
            row = rows.get(qid)
            if row is None:
                raise QueueRowNotFound(f"no queue row {qid}")
            status = row.status
            if status == DELIVERING and (row.claimed_until or 0) < now:
                status = QUEUED      # its lease ran out: waiting to be claimed again
            if status == DELIVERING:
                raise QueueConflict(f"queue row {qid} is being delivered by {row.claimed_by} now; "
                                    "try again in a moment")
            if status not in states:
                raise QueueConflict(f"queue row {qid} is {status}: cannot {action} it")


def _out(row: dict[str, Any], now: float) -> dict[str, Any]:
    if row["status"] == DELIVERING and (row.get("claimed_until") or 0) < now:
        row["status"] = QUEUED       # as the claim sees it
    row["age_seconds"] = round(max(0.0, now - row["created_at"]), 1)
    return row


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]
