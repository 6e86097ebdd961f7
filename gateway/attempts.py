"""The delivery attempts log: one row per attempt of a queue row and one per DSN sent about it
(``gateway_delivery_attempts``, see gateway/tables.py), written by the delivery worker in the
transaction that records the outcome on the queue row, and read back for the timelines, the
queue's detail view and the purge.

Why a log beside the queue row: the row keeps its last reply only (what the worker needs to
go on), while a reviewer or an auditor asks what happened each time (issues 15 and 16).
Addresses are kept as the queue keeps them; of a reply only its code, enhanced code and text,
truncated: a server's words, never the message's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from archive.statements import CompiledStatement
from gateway.hops import Hop
from gateway.smtp_replies import has_enhanced_code
from gateway.tables import delivery_attempts as table

DELIVERED, DEFERRED, BOUNCED, EXPIRED = "delivered", "deferred", "bounced", "expired"
DSN_SENT, DELAY_WARNING = "dsn-sent", "delayed-warning"
RESULTS = (DELIVERED, DEFERRED, BOUNCED, EXPIRED, DSN_SENT, DELAY_WARNING)
REPLY_MAX = 500

_COLUMNS = ("archive_id", "queue_id", "recipient", "attempt", "started_at", "finished_at", "hop_host",
            "hop_address", "hop_port", "tls_version", "tls_verified", "tls_policy", "result", "code",
            "enhanced", "reply", "dsn_id", "dsn_action")
_INSERT = table.insert().values({c: sa.bindparam(c, type_=table.c[c].type) for c in _COLUMNS})
# Shown per attempt: everything but the row's own id (the order is the id's).
SHOWN = tuple(c for c in _COLUMNS if c not in ("archive_id",))


def split_reply(text: str | None) -> tuple[str | None, str]:
    """(enhanced status code or None, the reply's text) of a server's reply text, one line,
    truncated to :data:`REPLY_MAX`."""
    words = " ".join((text or "").split())
    enhanced = None
    if has_enhanced_code(words):
        enhanced, _, words = words.partition(" ")
    return enhanced, words[:REPLY_MAX]


def attempt_row(entry: Any, result: str, code: int | None, text: str, *, started: float | None, finished: float,
                hop: Hop | None) -> dict[str, Any]:
    """The row of one attempt of queue entry ``entry`` (a :class:`gateway.queue.QueueEntry`)."""
    hop = hop or Hop()
    enhanced, reply = split_reply(text)
    return {
        "archive_id": entry.archive_id, "queue_id": entry.id, "recipient": entry.recipient,
        "attempt": entry.attempts + 1, "started_at": started, "finished_at": finished,
        "hop_host": (hop.host or None) and hop.host[:255], "hop_address": hop.address, "hop_port": hop.port,
        "tls_version": hop.tls_version, "tls_verified": hop.tls_verified, "tls_policy": hop.tls_policy,
        "result": result, "code": code, "enhanced": enhanced, "reply": reply or None,
        "dsn_id": None, "dsn_action": None,
    }


def dsn_row(entry: Any, dsn_id: int, action: str, at: float, warning: bool) -> dict[str, Any]:
    """The row saying a DSN (archive record ``dsn_id``) told the sender about ``entry``."""
    return {
        **{c: None for c in _COLUMNS},
        "archive_id": entry.archive_id, "queue_id": entry.id, "recipient": entry.recipient,
        "attempt": entry.attempts + 1, "started_at": at, "finished_at": at,
        "result": DELAY_WARNING if warning else DSN_SENT, "dsn_id": dsn_id, "dsn_action": action,
    }


class AttemptLog:
    """Writes attempt rows in the caller's transaction; reads them for the views."""

    def __init__(self, engine: sa.Engine):
        self._engine = engine
        self._sql_insert = CompiledStatement(_INSERT.inline(), engine.dialect)

    def write(self, conn: sa.Connection, rows: list[dict[str, Any]]) -> None:
        """One executemany (the hot path: every delivery writes here)."""
        if rows:
            self._sql_insert.run_many(conn, rows)


def read(engine: sa.Engine, *, archive_ids: Sequence[int] = (), queue_ids: Sequence[int] = ()
         ) -> list[dict[str, Any]]:
    """Attempt and DSN rows of these records or queue rows, in the order they were written."""
    c = table.c
    conds = []
    if archive_ids:
        conds.append(c.archive_id.in_(list(archive_ids)))
    if queue_ids:
        conds.append(c.queue_id.in_(list(queue_ids)))
    if not conds:
        return []
    with engine.connect() as conn:
        rows = conn.execute(sa.select(table).where(sa.or_(*conds)).order_by(c.id)).mappings().all()
    return [dict(r) for r in rows]


def shown(row: Mapping[str, Any]) -> dict[str, Any]:
    """One row as the APIs show it (documented in docs/CONTRACTS.md)."""
    out = {k: row.get(k) for k in SHOWN}
    if out.get("tls_verified") is not None:
        out["tls_verified"] = bool(out["tls_verified"])
    return out


def forget(conn: sa.Connection, archive_ids: Iterable[int]) -> None:
    """Drop the rows of purged records (called in the purge's transaction)."""
    ids = list(archive_ids)
    for start in range(0, len(ids), 500):
        conn.execute(table.delete().where(table.c.archive_id.in_(ids[start:start + 500])))


# The queue's word for where a row stands, per result (the timelines' ``status``).
_STATUS = {DELIVERED: "delivered", DEFERRED: "deferred", BOUNCED: "failed", EXPIRED: "failed"}


def timeline_deliveries(queue_rows: Sequence[Mapping[str, Any]], logged: Sequence[Mapping[str, Any]]
                        ) -> list[dict[str, Any]]:
    """Queue rows (``id, archive_id, recipient, status, attempts, created_at, finished_at,
    next_attempt_at, last_code, last_error``) and their logged attempts as the timelines'
    deliveries: when each row was queued, then each attempt (``attempt, result, status, code,
    enhanced, text, started_at, hop, tls``) and each DSN sent about it (``dsn: {record,
    action, warning}``), oldest first. A row queued before attempts were logged shows its last
    reply and attempt count, as before (``attempt`` None)."""
    by_queue: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
    for a in logged:
        by_queue[int(a["queue_id"])].append(a)
    out: list[dict[str, Any]] = []
    for q in queue_rows:
        base = {"archive_id": q["archive_id"], "recipient": q["recipient"], "queue_id": q["id"]}
        out.append({**base, "at": q["created_at"], "status": "queued", "code": None, "text": None, "attempts": 0})
        rows = by_queue.get(int(q["id"]))
        if rows:
            out += [_delivery(base, a) for a in rows]
        elif q["attempts"]:
            out.append({**base, "at": q["finished_at"] or q["next_attempt_at"], "status": q["status"],
                        "code": q["last_code"], "text": q["last_error"], "attempts": q["attempts"], "attempt": None})
    return out


def _delivery(base: Mapping[str, Any], a: Mapping[str, Any]) -> dict[str, Any]:
    if a["dsn_id"] is not None:
        return {**base, "at": a["finished_at"], "dsn": {
            "record": int(a["dsn_id"]), "action": a["dsn_action"], "warning": a["result"] == DELAY_WARNING}}
    hop = {"host": a["hop_host"], "address": a["hop_address"], "port": a["hop_port"]} if a["hop_host"] else None
    tls = ({"version": a["tls_version"], "verified": None if a["tls_verified"] is None else bool(a["tls_verified"]),
            "policy": a["tls_policy"]} if a["tls_policy"] or a["tls_version"] else None)
    return {**base, "at": a["finished_at"], "status": _STATUS.get(a["result"], a["result"]), "result": a["result"],
            "attempt": a["attempt"], "attempts": a["attempt"], "code": a["code"], "enhanced": a["enhanced"],
            "text": a["reply"], "started_at": a["started_at"], "hop": hop, "tls": tls}
