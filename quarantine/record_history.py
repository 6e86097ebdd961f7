"""Every decision about an archive record: made here (quarantine decisions on the entries that
hold it) and imported with it (:mod:`archive.history`). The export's manifest and the archive
view show this one list, so a record's history survives a move to another instance."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from archive.history import imported_history
from quarantine import tables as t


def record_history(engine: sa.Engine, ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """History per archive record id: ``at, actor, action, comment, recipients``, oldest first."""
    found = imported_history(engine, ids)
    ids = list(ids)
    e, d = t.entries.c, t.decisions.c
    with engine.connect() as conn:
        for start in range(0, len(ids), 500):
            rows = conn.execute(
                sa.select(e.archive_id, d.at, d.actor, d.action, d.comment, d.recipients)
                .select_from(t.decisions.join(t.entries, t.entries.c.id == d.entry_id))
                .where(e.archive_id.in_(ids[start : start + 500])).order_by(e.archive_id, d.at, d.id))
            for row in rows:
                found.setdefault(row.archive_id, []).append({
                    "at": row.at, "actor": row.actor, "action": row.action, "comment": row.comment,
                    "recipients": list(row.recipients or []), "source": None})
    for items in found.values():
        items.sort(key=lambda h: h["at"])
    return found
