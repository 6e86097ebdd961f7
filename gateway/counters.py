"""Per-sender traffic counters in the database, so every gateway node sees the same rates.

Counted in ten-minute buckets; "last hour" is the sum of the six newest buckets.
"""

from __future__ import annotations

import functools
import time

import sqlalchemy as sa

from archive.statements import CompiledStatement
from gateway.tables import sender_counters as t
from rules.model import SenderStats

BUCKET = 600


def _bucket(now: float) -> int:
    return int(now // BUCKET)


@functools.cache
def _upsert(dialect: str) -> sa.Insert:
    """One statement per dialect, built once (the hot path runs it for every message)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    r, x = sa.bindparam("r", type_=sa.Integer), sa.bindparam("x", type_=sa.Integer)
    stmt = insert(t).values(sender=sa.bindparam("sender"), bucket=sa.bindparam("bucket"), messages=1,
                            recipients=r, external_recipients=x)
    return stmt.on_conflict_do_update(
        index_elements=[t.c.sender, t.c.bucket],
        set_={"messages": t.c.messages + 1, "recipients": t.c.recipients + r,
              "external_recipients": t.c.external_recipients + x},
    )


class SenderCounters:
    """Reads are cached for a few seconds per sender (plus what this process counted since),
    so the hot path does not query the database for every message; writes always go to it."""

    def __init__(self, engine: sa.Engine, *, cache_seconds: float = 5.0):
        self._engine = engine
        self._cache_seconds = cache_seconds
        self._cache: dict[str, tuple[float, SenderStats]] = {}
        self._sql_upsert = CompiledStatement(_upsert(engine.dialect.name), engine.dialect)

    def cached(self, sender: str, now: float | None = None) -> SenderStats | None:
        """The cached stats if fresh (no I/O, safe on the event loop), else None."""
        now = time.time() if now is None else now
        cached = self._cache.get(_key(sender))
        if cached is not None and now - cached[0] < self._cache_seconds:
            return cached[1]
        return None

    def stats_for(self, sender: str, now: float | None = None) -> SenderStats:
        now = time.time() if now is None else now
        key = _key(sender)
        fresh = self.cached(key, now)
        if fresh is not None:
            return fresh
        stats = self._read(key, now)
        if len(self._cache) > 50000:
            self._cache.clear()
        self._cache[key] = (now, stats)
        return stats

    def _read(self, sender: str, now: float) -> SenderStats:
        with self._engine.connect() as conn:
            row = conn.execute(
                sa.select(sa.func.coalesce(sa.func.sum(t.c.messages), 0),
                          sa.func.coalesce(sa.func.sum(t.c.recipients), 0),
                          sa.func.coalesce(sa.func.sum(t.c.external_recipients), 0))
                .where(t.c.sender == sender, t.c.bucket > _bucket(now) - 6)
            ).one()
        return SenderStats(messages_last_hour=int(row[0]), recipients_last_hour=int(row[1]),
                           external_recipients_last_hour=int(row[2]))

    @staticmethod
    def including(stats: SenderStats, recipients: int, external: int) -> SenderStats:
        """The stats as they will be once this message counts too."""
        return SenderStats(messages_last_hour=stats.messages_last_hour + 1,
                           recipients_last_hour=stats.recipients_last_hour + recipients,
                           external_recipients_last_hour=stats.external_recipients_last_hour + external)

    def record(self, conn: sa.Connection, sender: str, recipients: int, external: int,
               now: float | None = None) -> None:
        """Count one message inside the caller's transaction (an upsert on both databases).
        Once that transaction has committed, the caller reports it with ``committed``."""
        now = time.time() if now is None else now
        self._sql_upsert.run(conn, {"sender": _key(sender), "bucket": _bucket(now), "r": recipients, "x": external})

    def committed(self, sender: str, recipients: int, external: int) -> None:
        """Keep this process's cached view current with a count that is now committed (not
        inside the transaction: the group committer may run the work twice, or roll it back)."""
        key = _key(sender)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache[key] = (cached[0], self.including(cached[1], recipients, external))

    def prune(self, now: float | None = None) -> int:
        now = time.time() if now is None else now
        with self._engine.begin() as conn:
            return conn.execute(t.delete().where(t.c.bucket < _bucket(now) - 12)).rowcount


def _key(sender: str) -> str:
    return sender.lower()[:512]
