"""Counts over the archive for reports: by day, direction, verdict, rule and department.

Grouped in the database (an archive holds millions of records); only metadata columns are
read, never message content.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from archive import tables as t


def summary(engine: sa.Engine, after: float | None = None, before: float | None = None,
            event: str | None = "accepted") -> dict[str, dict[str, int]]:
    """Counts of records received in [after, before) (``event`` None: every event)."""
    r = t.records.c
    conds: list[Any] = []
    if after is not None:
        conds.append(r.received_at >= after)
    if before is not None:
        conds.append(r.received_at < before)
    if event is not None:
        conds.append(r.event == event)
    out: dict[str, dict[str, int]] = {"day": {}, "direction": {}, "verdict": {}, "rule": {}, "department": {}}
    day = sa.cast(r.received_at, sa.BigInteger) / 86400
    with engine.connect() as conn:
        for number, count in conn.execute(sa.select(day, sa.func.count()).where(*conds).group_by(day)):
            label = dt.datetime.fromtimestamp(int(number) * 86400, dt.UTC).strftime("%Y-%m-%d")
            out["day"][label] = out["day"].get(label, 0) + int(count)
        for key, column in (("direction", r.direction), ("verdict", r.verdict), ("department", r.department)):
            for value, count in conn.execute(sa.select(column, sa.func.count()).where(*conds).group_by(column)):
                out[key][value or "-"] = int(count)
        rq = (sa.select(t.record_rules.c.rule, sa.func.count())
              .join(t.records, t.records.c.id == t.record_rules.c.record_id)
              .where(*conds).group_by(t.record_rules.c.rule))
        for rule, count in conn.execute(rq):
            out["rule"][rule] = int(count)
    return out
