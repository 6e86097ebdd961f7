"""Decision history imported with records (``archive_record_history``).

The quarantine keeps the decisions made on this instance; a record imported from another
instance's signed export brings the decisions made there, which nothing here could redo.
Views and later exports show both (see :func:`quarantine.record_history.record_history`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from archive import tables as t

FIELDS = ("at", "actor", "action", "comment", "recipients")


def add_history(conn: sa.Connection, record_id: int, entries: Iterable[Mapping[str, Any]],
                source: str | None = None) -> int:
    """Store ``entries`` (dicts with FIELDS) for ``record_id`` inside the caller's transaction."""
    rows = [{"record_id": record_id, "at": float(e.get("at") or 0.0), "actor": str(e.get("actor") or ""),
             "action": str(e.get("action") or "")[:32], "comment": e.get("comment"),
             "recipients": [str(r) for r in e.get("recipients") or []], "source": source} for e in entries]
    if rows:
        conn.execute(t.record_history.insert(), rows)
    return len(rows)


def imported_history(engine: sa.Engine, ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """Imported history per record id, oldest first."""
    found: dict[int, list[dict[str, Any]]] = {}
    ids = list(ids)
    h = t.record_history.c
    with engine.connect() as conn:
        for start in range(0, len(ids), 500):
            rows = conn.execute(sa.select(t.record_history).where(h.record_id.in_(ids[start : start + 500]))
                                .order_by(h.record_id, h.at, h.id))
            for row in rows:
                found.setdefault(row.record_id, []).append(
                    {k: row._mapping[k] for k in FIELDS} | {"source": row.source})
    return found
