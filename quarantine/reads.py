"""Reading held entries: one with its history, searches, summaries."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from quarantine import tables as t
from quarantine.model import QuarantinePage
from quarantine.store import Store, row


class Reads(Store):
    def get(self, entry_id: int) -> dict[str, Any]:
        """The entry with its decision history (``history``, oldest first)."""
        with self.engine.connect() as conn:
            entry = self._get_row(conn, entry_id)
            entry["history"] = [
                row(r)
                for r in conn.execute(
                    sa.select(t.decisions)
                    .where(t.decisions.c.entry_id == entry_id)
                    .order_by(t.decisions.c.id)
                )
            ]
        return entry

    def history(self, entry_id: int) -> list[dict[str, Any]]:
        return self.get(entry_id)["history"]

    def _filters(
        self,
        *,
        status: str | None = None,
        department: str | None = None,
        rule: str | None = None,
        sender: str | None = None,
        recipient: str | None = None,
        after: float | None = None,
        before: float | None = None,
        departments: Iterable[str] | None = None,
        reviewer: str | Iterable[str] | None = None,
    ) -> list[Any]:
        e = t.entries.c
        conds: list[Any] = []
        if status:
            conds.append(e.status == status)
        if department:
            conds.append(e.department == department)
        if rule:
            conds.append(sa.exists().where(t.entry_rules.c.entry_id == e.id, t.entry_rules.c.rule == rule))
        if sender:
            conds.append(sa.func.lower(e.mail_from) == sender.lower())
        if recipient:
            conds.append(sa.func.lower(e.recipient) == recipient.lower())
        if after is not None:
            conds.append(e.created_at >= after)
        if before is not None:
            conds.append(e.created_at < before)
        if departments is not None:
            # scope (supervisors): their departments, plus what was assigned to them as reviewer
            depts = list(departments)
            scope = [e.department.in_(depts)] if depts else []
            addresses = [reviewer] if isinstance(reviewer, str) else list(reviewer or ())
            if addresses:
                scope.append(
                    sa.exists().where(
                        t.entry_reviewers.c.entry_id == e.id,
                        t.entry_reviewers.c.address.in_([a.lower() for a in addresses]),
                    )
                )
            conds.append(sa.or_(*scope) if scope else sa.false())
        return conds

    def search(self, *, cursor: str | None = None, limit: int = 50, **filters: Any) -> QuarantinePage:
        """Entries matching ``filters`` (see :meth:`_filters`), newest first, keyset-paginated.
        ``departments`` (a set) scopes the answer to those departments (supervisors), widened by
        ``reviewer`` (an address, or all of a person's) to the entries routed to that person."""
        conds = self._filters(**filters)
        limit = max(1, min(int(limit), 500))
        after_id = decode_cursor(cursor)
        with self.engine.connect() as conn:
            total = conn.execute(sa.select(sa.func.count()).select_from(t.entries).where(*conds)).scalar_one()
            q = sa.select(t.entries).where(*conds)
            if after_id is not None:
                q = q.where(t.entries.c.id < after_id)
            rows = [self._entry(r) for r in conn.execute(q.order_by(t.entries.c.id.desc()).limit(limit + 1))]
        nxt = str(rows[limit - 1]["id"]) if len(rows) > limit else None
        return QuarantinePage(items=rows[:limit], total=int(total), next=nxt)

    def summary(
        self,
        after: float | None = None,
        before: float | None = None,
        departments: Iterable[str] | None = None,
    ) -> dict[str, dict[str, int]]:
        """Counts of held entries over a period by day, direction, status, rule and department."""
        conds = self._filters(after=after, before=before, departments=departments)
        e = t.entries.c
        out: dict[str, dict[str, int]] = {
            "day": {},
            "direction": {},
            "status": {},
            "rule": {},
            "department": {},
        }
        with self.engine.connect() as conn:
            for r in conn.execute(sa.select(e.created_at, e.direction, e.status, e.department).where(*conds)):
                day = time.strftime("%Y-%m-%d", time.gmtime(r.created_at))
                for key, val in (
                    ("day", day),
                    ("direction", r.direction),
                    ("status", r.status),
                    ("department", r.department or "-"),
                ):
                    out[key][val] = out[key].get(val, 0) + 1
            rq = (
                sa.select(t.entry_rules.c.rule, sa.func.count())
                .join(t.entries, t.entries.c.id == t.entry_rules.c.entry_id)
                .where(*conds)
                .group_by(t.entry_rules.c.rule)
            )
            for rule, n in conn.execute(rq):
                out["rule"][rule] = int(n)
        return out


def decode_cursor(cursor: str | None) -> int | None:
    """Cursors are opaque to clients; here they are the last id seen. Raises ValueError."""
    if cursor is None or cursor == "":
        return None
    if not cursor.isdigit() or len(cursor) > 18:
        raise ValueError("invalid cursor")
    return int(cursor)

