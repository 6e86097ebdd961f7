"""Nothing left to expire unseen: reminders before expiry and escalation to the next level.

``remind_before`` seconds before an entry expires, its routed reviewers get one reminder.
Every ``escalate_after`` seconds an undecided entry is handed to the next level too (the
gateway says who: the department's review group, then compliance): those people join the
entry's routes under the source ``escalation`` and may fill its approval needs except those
drawn only from named groups (compliance stays compliance), so an absent department head
no longer blocks the message.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa

from quarantine import tables as t
from quarantine.deciding import quorum_of, routes_of
from quarantine.store import Store, row

# levels(entry) -> the people of each escalation level, in order (gateway: directory lookups)
Levels = Callable[[dict[str, Any]], Sequence[Sequence[str]]]


def _people(routes: dict[str, list[str]]) -> list[str]:
    return list(dict.fromkeys(p for ps in routes.values() for p in ps if "*" not in p and not p.startswith("@")))


class Reminders(Store):
    remind_before: float = 0.0
    escalate_after: float = 0.0
    notices: Any  # quarantine.notices.Notices

    def _held(self, conn: sa.Connection, *conds: Any) -> list[dict[str, Any]]:
        q = sa.select(t.entries).where(t.entries.c.status == "held", *conds).order_by(t.entries.c.id)
        return [row(r) for r in conn.execute(q)]

    def remind(self, now: float | None = None) -> int:
        """Remind reviewers of entries expiring within ``remind_before``; returns entries reminded."""
        if self.remind_before <= 0:
            return 0
        now = self.clock() if now is None else now
        e = t.entries.c
        with self.engine.begin() as conn:
            due = self._held(conn, e.reminded_at.is_(None), e.expires_at - self.remind_before <= now)
            for entry in due:
                conn.execute(sa.update(t.entries).where(e.id == entry["id"]).values(reminded_at=now))
            for group in _by_message(due):
                self.notices.reminder(conn, group, _people(routes_of(group[0])))
        return len(due)

    def escalate(self, levels: Levels, now: float | None = None) -> int:
        """Hand undecided entries to the next level; returns entries escalated."""
        if self.escalate_after <= 0:
            return 0
        now = self.clock() if now is None else now
        e = t.entries.c
        done = 0
        with self.engine.begin() as conn:
            due = self._held(conn, e.created_at + (e.escalation + 1) * self.escalate_after <= now)
            for group in _by_message(due):
                first = group[0]
                routes = {k: list(v) for k, v in routes_of(first).items()}
                known = set(_people(routes))
                steps = [list(level) for level in levels(first)]
                level = int(first.get("escalation") or 0)
                new: list[str] = []
                while level < len(steps) and not new:
                    new = [p.lower() for p in steps[level] if p.lower() not in known]
                    level += 1
                for entry in group:
                    values: dict[str, Any] = {"escalation": max(level, int(entry.get("escalation") or 0) + 1),
                                              "escalated_at": now}
                    if new:
                        values.update(_escalated(entry, new))
                        conn.execute(sa.insert(t.entry_reviewers), [
                            {"entry_id": entry["id"], "address": a}
                            for a in new if a not in {r.lower() for r in entry.get("reviewers") or []}])
                        self._record(conn, entry["id"], self.system_actor, "escalated",
                                     "escalated to " + ", ".join(new), [entry["recipient"]], now)
                    conn.execute(sa.update(t.entries).where(e.id == entry["id"]).values(**values))
                if new:
                    done += len(group)
                    self.notices.escalated(conn, group, new)
        return done


def _escalated(entry: dict[str, Any], new: list[str]) -> dict[str, Any]:
    routes = {k: list(v) for k, v in routes_of(entry).items()}
    routes["escalation"] = list(dict.fromkeys([*routes.get("escalation", []), *new]))
    quorum = [
        {**q, "needs": [{**n, "from": list(dict.fromkeys([*n["from"], "escalation"]))} if _stands_in(n) else n
                        for n in q["needs"]]}
        for q in quorum_of(entry)
    ]
    reviewers = list(dict.fromkeys([*(entry.get("reviewers") or []), *new]))
    return {"routes": routes, "quorum": quorum, "reviewers": reviewers}


def _stands_in(need: dict[str, Any]) -> bool:
    """Escalated people stand in for absent people (a department head, a named reviewer),
    never for a named group such as compliance: a need drawn only from ``group:`` sources
    stays theirs, or two escalated department leads would make a four-eyes pair alone."""
    return not all(str(src).startswith("group:") for src in need["from"])


def _by_message(entries: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        groups.setdefault(entry["hold_key"], []).append(entry)
    return list(groups.values())
