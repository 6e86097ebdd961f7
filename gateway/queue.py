"""The delivery queue: rows that say where an archived message goes next.

Rows are written in the acceptance transaction (so they exist exactly when ``250`` was
said) and claimed by delivery workers with a lease. On PostgreSQL the claim uses
``FOR UPDATE SKIP LOCKED`` so several gateway nodes share one queue and a row is delivered
by one of them; on SQLite the write lock taken at BEGIN serialises claims.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from archive.statements import CompiledStatement
from gateway.db import write_transaction
from gateway.tables import queue as queue_table

QUEUED, DELIVERING, DELIVERED, FAILED = "queued", "delivering", "delivered", "failed"
# The columns a new row is written with (the rest start NULL).
_NEW_ROW = ("archive_id", "digest", "mail_from", "recipient", "direction", "message_id", "origin",
            "add_headers", "subject_prefix", "status", "attempts", "created_at", "next_attempt_at",
            "expires_at", "claimed_by", "claimed_until", "dsn")
_INSERT = queue_table.insert().values({c: sa.bindparam(c, type_=queue_table.c[c].type) for c in _NEW_ROW})
_INSERT_RETURNING_ID = _INSERT.returning(queue_table.c.id)
# One statement, run as executemany: an expanding IN (...) would be compiled anew for every
# distinct number of ids, and outcomes are recorded for every message.
_FINISH = (
    queue_table.update().where(queue_table.c.id == sa.bindparam("qid"))
    .values(status=sa.bindparam("st"), last_code=sa.bindparam("code"), last_error=sa.bindparam("text"),
            finished_at=sa.bindparam("now"), attempts=queue_table.c.attempts + 1,
            claimed_by=None, claimed_until=None)
)


@dataclass(frozen=True)
class QueueEntry:
    id: int
    archive_id: int
    digest: str
    mail_from: str
    recipient: str
    direction: str
    message_id: str
    origin: str
    add_headers: list
    subject_prefix: str | None
    attempts: int
    created_at: float
    expires_at: float
    claimed_until: float | None = None     # when the claim runs out (None: not claimed)
    dsn: dict | None = None                # RFC 3461 parameters (gateway/smtp_dsn.py); None: none given
    delay_warned_at: float | None = None   # the delayed-delivery DSN went out (once)


class DeliveryQueue:
    def __init__(self, engine: sa.Engine, *, lifetime: float, retry_initial: float, retry_max: float,
                 lease: float = 600.0):
        self._engine = engine
        self.lifetime = lifetime
        self.retry_initial = retry_initial
        self.retry_max = retry_max
        self.lease = lease
        # Every accepted message runs these (see archive.statements).
        self._sql_insert = CompiledStatement(_INSERT.inline(), engine.dialect)   # no RETURNING
        self._sql_insert_returning_id = CompiledStatement(_INSERT_RETURNING_ID, engine.dialect)
        self._sql_finish = CompiledStatement(_FINISH, engine.dialect)

    @property
    def engine(self) -> sa.Engine:
        return self._engine

    # ---- writing (inside the caller's transaction) --------------------------------
    def enqueue(
        self,
        conn: sa.Connection,
        *,
        archive_id: int,
        digest: str,
        mail_from: str,
        recipients: Iterable[str],
        direction: str | dict[str, str],
        message_id: str = "",
        origin: str = "accepted",
        add_headers: Sequence[tuple[str, str]] = (),
        subject_prefix: str | None = None,
        now: float | None = None,
        dsn: Mapping[str, dict] | None = None,
    ) -> int:
        """Queue ``recipients`` for the delivery workers to claim; returns how many rows were written."""
        rows = self._rows(archive_id, digest, mail_from, recipients, direction, message_id, origin,
                          add_headers, subject_prefix, time.time() if now is None else now, dsn)
        if rows:
            self._sql_insert.run_many(conn, rows)
        return len(rows)

    def enqueue_claimed(
        self,
        conn: sa.Connection,
        node: str,
        *,
        archive_id: int,
        digest: str,
        mail_from: str,
        recipients: Iterable[str],
        direction: str | dict[str, str],
        message_id: str = "",
        origin: str = "accepted",
        add_headers: Sequence[tuple[str, str]] = (),
        subject_prefix: str | None = None,
        now: float | None = None,
        dsn: Mapping[str, dict] | None = None,
    ) -> list[QueueEntry]:
        """Queue ``recipients`` already claimed by ``node``, which holds the message in memory
        and sends it at once: no claim query and no archive read on the common path. The rows
        are ordinary leased claims, so a crash gives them back like any other (at the node's
        restart, or when the lease runs out)."""
        now = time.time() if now is None else now
        rows = self._rows(archive_id, digest, mail_from, recipients, direction, message_id, origin,
                          add_headers, subject_prefix, now, dsn)
        for row in rows:
            row.update(status=DELIVERING, claimed_by=node, claimed_until=now + self.lease)
        if not rows:
            return []
        return [_entry({**row, "id": self._sql_insert_returning_id.run(conn, row).fetchone()[0]}) for row in rows]

    def _rows(self, archive_id: int, digest: str, mail_from: str, recipients: Iterable[str],
              direction: str | dict[str, str], message_id: str, origin: str,
              add_headers: Sequence[tuple[str, str]], subject_prefix: str | None, now: float,
              dsn: Mapping[str, dict] | None = None) -> list[dict]:
        return [
            {
                "archive_id": archive_id,
                "digest": digest,
                "mail_from": mail_from,
                "recipient": rcpt,
                "direction": direction if isinstance(direction, str) else direction.get(rcpt, "outbound"),
                "message_id": message_id[:998],
                "origin": origin,
                "add_headers": [list(h) for h in add_headers],
                "subject_prefix": subject_prefix,
                "status": QUEUED,
                "attempts": 0,
                "created_at": now,
                "next_attempt_at": now,
                "expires_at": now + self.lifetime,
                "claimed_by": None,
                "claimed_until": None,
                "dsn": dsn.get(rcpt) if dsn else None,
            }
            for rcpt in recipients
        ]

    # ---- claiming -----------------------------------------------------------------
    def claim(self, node: str, limit: int, now: float | None = None) -> list[QueueEntry]:
        """Take up to ``limit`` due rows (or rows whose lease ran out) for this node."""
        with write_transaction(self._engine) as conn:
            return self.claim_in(conn, node, limit, now)

    def claim_in(self, conn: sa.Connection, node: str, limit: int, now: float | None = None) -> list[QueueEntry]:
        """:meth:`claim` inside the caller's transaction (the group committer's)."""
        now = time.time() if now is None else now
        q = queue_table.c
        due = sa.or_(
            sa.and_(q.status == QUEUED, q.next_attempt_at <= now),
            sa.and_(q.status == DELIVERING, q.claimed_until < now),
        )
        select = sa.select(queue_table).where(due).order_by(q.next_attempt_at, q.id).limit(limit)
        if conn.dialect.name == "postgresql":
            select = select.with_for_update(skip_locked=True)
        rows = conn.execute(select).mappings().all()
        if not rows:
            return []
        conn.execute(
            queue_table.update()
            .where(q.id.in_([r["id"] for r in rows]))
            .values(status=DELIVERING, claimed_by=node, claimed_until=now + self.lease)
        )
        return [_entry({**r, "claimed_until": now + self.lease}) for r in rows]

    # ---- outcomes -----------------------------------------------------------------
    def finish(self, conn: sa.Connection, outcomes: Sequence[tuple[int, str, int | None, str]]) -> None:
        """Final outcomes ``(row id, DELIVERED or FAILED, SMTP code, text)``, in one statement."""
        if outcomes:
            now = time.time()
            self._sql_finish.run_many(conn, [{"qid": i, "st": status, "code": code, "text": text[:1000], "now": now}
                                             for i, status, code, text in outcomes])

    def defer(self, conn: sa.Connection, entry: QueueEntry, code: int | None, text: str,
              now: float | None = None, *, delay_warned: bool = False) -> float:
        """Schedule the next attempt with exponential back-off; returns when. ``delay_warned``:
        the sender was just sent a delayed-delivery DSN for this row (it is not sent twice)."""
        now = time.time() if now is None else now
        delay = min(self.retry_max, self.retry_initial * (2 ** min(entry.attempts, 20)))
        when = now + delay
        q = queue_table.c
        conn.execute(
            queue_table.update().where(q.id == entry.id)
            .values(status=QUEUED, next_attempt_at=when, last_code=code, last_error=text[:1000],
                    attempts=q.attempts + 1, claimed_by=None, claimed_until=None,
                    **({"delay_warned_at": now} if delay_warned else {}))
        )
        return when

    def release_claims(self, node: str) -> None:
        """Give back this node's claimed rows (orderly shutdown)."""
        q = queue_table.c
        with write_transaction(self._engine) as conn:
            conn.execute(
                queue_table.update().where(sa.and_(q.status == DELIVERING, q.claimed_by == node))
                .values(status=QUEUED, claimed_by=None, claimed_until=None)
            )

    # ---- reading ------------------------------------------------------------------
    def depth(self) -> int:
        q = queue_table.c
        with self._engine.connect() as conn:
            return conn.execute(
                sa.select(sa.func.count()).select_from(queue_table)
                .where(q.status.in_([QUEUED, DELIVERING]))
            ).scalar_one()

    def next_due(self) -> float | None:
        q = queue_table.c
        with self._engine.connect() as conn:
            return conn.execute(
                sa.select(sa.func.min(q.next_attempt_at)).where(q.status == QUEUED)
            ).scalar_one_or_none()


def _entry(row: Mapping[str, Any]) -> QueueEntry:
    return QueueEntry(
        id=row["id"], archive_id=row["archive_id"], digest=row["digest"], mail_from=row["mail_from"],
        recipient=row["recipient"], direction=row["direction"], message_id=row["message_id"],
        origin=row["origin"], add_headers=list(row["add_headers"] or []),
        subject_prefix=row["subject_prefix"], attempts=row["attempts"], created_at=row["created_at"],
        expires_at=row["expires_at"], claimed_until=row.get("claimed_until"),
        dsn=row.get("dsn"), delay_warned_at=row.get("delay_warned_at"),
    )
