"""The triage queue's read model: held entries as rows a reviewer can work through.

One row per entry (one recipient of one held message), because decisions are per recipient
and the bulk decisions name entries. Each row carries what a reviewer needs to decide without
opening the message: when it came, sender, every recipient of the message, subject (read from
the encrypted archive through ``subject_of``, values redacted as in evidence), the holding
rules with their descriptions, an evidence summary, department, approvals given and needed,
and the time left before the rule's ``on_expiry`` applies.

Filters, sort and the department scope are SQL on both databases; free-text search matches
addresses, message-id and rule names in SQL and the subject (which only exists encrypted)
over at most ``SUBJECT_SCAN`` of the newest candidates, decrypted in memory for this answer
only and never stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from quarantine import tables as t
from quarantine.deciding import quorum_of, routes_of
from quarantine.evidence_view import summarise
from quarantine.routing import pending
from quarantine.store import Store

SORTS = {
    "received": t.entries.c.created_at,
    "expires": t.entries.c.expires_at,
    "sender": t.entries.c.mail_from,
    "recipient": t.entries.c.recipient,
    "department": t.entries.c.department,
    "status": t.entries.c.status,
}
PAGE_SIZES = (25, 50, 100, 200)
SUBJECT_SCAN = 2000


@dataclass(frozen=True)
class TriageQuery:
    """What the queue page asks for. Every field is optional; unknown sorts are refused."""

    status: str | None = "held"
    rule: str | None = None
    department: str | None = None
    sender: str | None = None
    recipient: str | None = None
    after: float | None = None
    before: float | None = None
    q: str | None = None
    sort: str = "received"
    descending: bool = True
    page: int = 1
    per_page: int = 50

    def __post_init__(self) -> None:
        if self.status is not None and self.status not in t.STATUSES:
            raise ValueError(f"status must be one of {', '.join(t.STATUSES)}")
        if self.sort not in SORTS:
            raise ValueError(f"sort must be one of {', '.join(SORTS)}")
        if self.page < 1 or self.page > 100_000:
            raise ValueError("page must be between 1 and 100000")
        if self.per_page not in PAGE_SIZES:
            raise ValueError(f"per_page must be one of {', '.join(map(str, PAGE_SIZES))}")


@dataclass(frozen=True)
class TriagePage:
    rows: list[dict[str, Any]]
    total: int
    page: int
    per_page: int
    pages: int
    rules: list[str] = field(default_factory=list)        # every rule in scope, for the filter
    departments: list[str] = field(default_factory=list)  # every department in scope


class Triage(Store):
    """Mixed into :class:`quarantine.service.QuarantineService`."""

    def triage(
        self,
        query: TriageQuery,
        *,
        departments: Iterable[str] | None = None,
        reviewer: Iterable[str] | None = None,
        subject_of: Callable[[Mapping[str, Any]], str | None] = lambda _e: None,
        describe: Callable[[str], str] = lambda rule: rule,
    ) -> TriagePage:
        """Rows for ``query``; ``departments``/``reviewer`` scope it as the API's list does
        (None: everything, for compliance and auditors)."""
        scope = self._filters(departments=departments, reviewer=list(reviewer or ()))  # type: ignore[attr-defined]
        conds = scope + self._filters(  # type: ignore[attr-defined]
            status=query.status, rule=query.rule, department=query.department, sender=query.sender,
            recipient=query.recipient, after=query.after, before=query.before,
        )
        e = t.entries.c
        with self.engine.connect() as conn:
            if query.q and query.q.strip():
                conds.append(self._search(conn, query.q.strip(), conds, subject_of))
            total = int(conn.execute(sa.select(sa.func.count()).select_from(t.entries).where(*conds)).scalar_one())
            col = SORTS[query.sort]
            order = [col.desc() if query.descending else col.asc(), e.id.desc() if query.descending else e.id.asc()]
            rows = [
                self._entry(r)
                for r in conn.execute(
                    sa.select(t.entries).where(*conds).order_by(*order)
                    .limit(query.per_page).offset((query.page - 1) * query.per_page)
                )
            ]
            siblings = self._recipients_of(conn, {r["archive_id"] for r in rows})
            rule_names = sorted(conn.execute(
                sa.select(t.entry_rules.c.rule).distinct()
                .join(t.entries, t.entries.c.id == t.entry_rules.c.entry_id).where(*scope)
            ).scalars())
            depts = sorted(d for d in conn.execute(sa.select(e.department).distinct().where(*scope)).scalars() if d)
        now = self.clock()
        out = [self._row(r, siblings.get(r["archive_id"], []), now, subject_of, describe) for r in rows]
        pages = max(1, -(-total // query.per_page))
        return TriagePage(rows=out, total=total, page=query.page, per_page=query.per_page, pages=pages,
                          rules=rule_names, departments=depts)

    def _search(self, conn: sa.Connection, q: str, conds: list[Any],
                subject_of: Callable[[Mapping[str, Any]], str | None]) -> Any:
        """Entries whose sender, recipient, message-id, rule or subject contains ``q``."""
        e = t.entries.c
        like = f"%{_escape_like(q.lower())}%"
        sql = [
            sa.func.lower(e.mail_from).like(like, escape="\\"),
            sa.func.lower(e.recipient).like(like, escape="\\"),
            sa.func.lower(sa.func.coalesce(e.message_id, "")).like(like, escape="\\"),
            sa.exists().where(t.entry_rules.c.entry_id == e.id,
                              sa.func.lower(t.entry_rules.c.rule).like(like, escape="\\")),
        ]
        needle = q.casefold()
        subject_ids: set[int] = set()
        seen: dict[int, bool] = {}
        for r in conn.execute(
            sa.select(e.id, e.archive_id).where(*conds).order_by(e.id.desc()).limit(SUBJECT_SCAN)
        ):
            if r.archive_id not in seen:
                subject = subject_of({"id": r.id, "archive_id": r.archive_id})
                seen[r.archive_id] = bool(subject) and needle in subject.casefold()
            if seen[r.archive_id]:
                subject_ids.add(int(r.id))
        if subject_ids:
            sql.append(e.id.in_(sorted(subject_ids)))
        return sa.or_(*sql)

    def _recipients_of(self, conn: sa.Connection, archive_ids: set[int]) -> dict[int, list[str]]:
        found: dict[int, list[str]] = {}
        if not archive_ids:
            return found
        for r in conn.execute(
            sa.select(t.entries.c.archive_id, t.entries.c.recipient)
            .where(t.entries.c.archive_id.in_(sorted(archive_ids))).order_by(t.entries.c.id)
        ):
            found.setdefault(r.archive_id, []).append(r.recipient)
        return found

    def _row(self, entry: dict[str, Any], recipients: Sequence[str], now: float,
             subject_of: Callable[[Mapping[str, Any]], str | None], describe: Callable[[str], str]) -> dict[str, Any]:
        approvers = entry.get("approvers") or []
        given = len(approvers) if approvers else len(entry.get("approvals") or [])
        still = pending(quorum_of(entry), routes_of(entry), approvers) if entry["status"] == "held" else 0
        return {
            "id": entry["id"],
            "archive_id": entry["archive_id"],
            "status": entry["status"],
            "received": entry["created_at"],
            "sender": entry["mail_from"],
            "recipient": entry["recipient"],
            "recipients": list(dict.fromkeys(recipients)) or [entry["recipient"]],
            "subject": subject_of(entry),
            "rules": [{"name": r, "description": describe(r)} for r in entry.get("rules") or []],
            "evidence": summarise(entry.get("evidence")),
            "department": entry.get("department"),
            "direction": entry.get("direction"),
            "approvals_given": given,
            "approvals_needed": given + still,
            "expires_at": entry["expires_at"],
            "time_left": max(0.0, entry["expires_at"] - now) if entry["status"] == "held" else None,
        }


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
