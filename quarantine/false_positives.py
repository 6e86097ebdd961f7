""""False positive" marks: a reviewer says a rule should not have held an entry, and why.

The marks feed a per-rule count that the console's dashboard and rules pages read
(:func:`counts`), so a rule author sees which rules cry wolf. A mark changes no decision:
the entry is still released or rejected on its own. One mark per (entry, rule, person);
marking again replaces the reason. A reason is required (whitespace and invisible
characters are no reason), as it is what a rule author acts on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa

from quarantine import tables as t
from quarantine.deciding import words
from quarantine.errors import CommentRequired, InvalidRule
from quarantine.store import Store, row

MAX_REASON = 2000


class FalsePositives(Store):
    """Mixed into :class:`quarantine.service.QuarantineService`."""

    def mark_false_positive(self, entry_id: int, actor: str, reason: str | None,
                            rules: Sequence[str] | None = None) -> list[str]:
        """Mark ``rules`` (default: every rule that held the entry) as a false positive of
        ``entry_id`` by ``actor``; returns the rules marked. Raises :class:`CommentRequired`
        without a reason, :class:`InvalidRule` for a rule
        that did not hold the entry, :class:`EntryNotFound` for an unknown entry."""
        text = words(reason)
        if text is None:
            raise CommentRequired("a reason is required for a false-positive mark")
        if len(text) > MAX_REASON:
            raise CommentRequired(f"the reason is longer than {MAX_REASON} characters")
        now = self.clock()
        with self.engine.begin() as conn:
            entry = self._get_row(conn, entry_id)
            held_by = list(entry.get("rules") or [])
            chosen = list(dict.fromkeys(rules)) if rules else held_by
            unknown = [r for r in chosen if r not in held_by]
            if unknown or not chosen:
                raise InvalidRule(f"not a rule that held entry {entry_id}: {', '.join(unknown) or '(none)'}")
            fp = t.false_positives
            conn.execute(sa.delete(fp).where(fp.c.entry_id == entry_id, fp.c.actor == actor, fp.c.rule.in_(chosen)))
            conn.execute(sa.insert(fp), [
                {"entry_id": entry_id, "rule": r, "department": entry.get("department"), "actor": actor,
                 "reason": text, "at": now} for r in chosen
            ])
        return chosen

    def false_positive_marks(self, entry_id: int) -> list[dict[str, Any]]:
        """The marks on one entry, oldest first."""
        fp = t.false_positives
        with self.engine.connect() as conn:
            q = sa.select(fp).where(fp.c.entry_id == entry_id).order_by(fp.c.at, fp.c.id)
            return [row(r) for r in conn.execute(q)]


def counts(engine: sa.Engine, *, after: float | None = None, before: float | None = None,
           departments: Iterable[str] | None = None) -> dict[str, int]:
    """False-positive marks per rule over ``[after, before)``, counted once per entry (two
    people marking the same entry's rule count one). ``departments`` scopes it (supervisors);
    None counts everything. This is the figure the dashboard and the rules page show."""
    fp = t.false_positives
    conds: list[Any] = []
    if after is not None:
        conds.append(fp.c.at >= after)
    if before is not None:
        conds.append(fp.c.at < before)
    if departments is not None:
        conds.append(fp.c.department.in_(list(departments)))
    q = (sa.select(fp.c.rule, sa.func.count(sa.distinct(fp.c.entry_id))).where(*conds)
         .group_by(fp.c.rule).order_by(fp.c.rule))
    with engine.connect() as conn:
        return {r: int(n) for r, n in conn.execute(q)}
