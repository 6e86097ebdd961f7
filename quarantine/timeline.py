"""One held entry's story, oldest first, for the entry page: received, screened, held,
notified, each approval, the release or rejection (or expiry, or the sender's word), and each
delivery attempt with its result.

Everything is read from records the gateway keeps anyway: the quarantine's decisions, digest
items, reminder and escalation stamps here, and what the caller hands in: the archive record
of the accepted message (received, the screening's verdict) and the delivery events (the
delivery queue is the gateway's, not ours). Nothing
is written: the timeline is a view, and the audit log remains the authority on who read what.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa

from quarantine import tables as t
from quarantine.store import Store

# decision action -> timeline kind
_KINDS = {
    "held": "held", "approve": "approved", "release": "released", "reject": "rejected",
    "expired": "expired", "sender-release": "sender-released", "sender-withdraw": "sender-withdrew",
    "rerouted": "rerouted",
}


# What an attempt adds to a delivery event (gateway/attempts.py): its number and result, the
# enhanced code, when it began, where it went and its TLS.
_ATTEMPT = ("result", "attempt", "enhanced", "started_at", "hop", "tls")


def _event(at: float | None, kind: str, **detail: Any) -> dict[str, Any]:
    return {"at": float(at or 0.0), "kind": kind, **detail}


class Timeline(Store):
    """Mixed into :class:`quarantine.service.QuarantineService`."""

    def timeline(self, entry_id: int, deliveries: Iterable[Mapping[str, Any]] = (),
                 record: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """Events of ``entry_id`` (``at``, ``kind`` and per kind ``actor``, ``comment``,
        ``recipients``, ``detail``). ``record`` is the accepted message's archive record
        (``received_at, verdict, direction, rules``); ``deliveries`` are the delivery attempts
        of its released copy: ``{at, recipient, status, code, text, attempts}`` and per attempt
        ``result, attempt, enhanced, started_at, hop, tls``, or a DSN sent about it
        (``{at, recipient, dsn: {record, action, warning}}``)."""
        with self.engine.connect() as conn:
            entry = self._get_row(conn, entry_id)
            decisions = list(conn.execute(
                sa.select(t.decisions).where(t.decisions.c.entry_id == entry_id)
                .order_by(t.decisions.c.at, t.decisions.c.id)
            ))
            digests = list(conn.execute(
                sa.select(t.digest_items.c.reviewer, t.digest_items.c.created_at, t.digest_items.c.sent_at)
                .where(t.digest_items.c.entry_id == entry_id)
            ))
        events: list[dict[str, Any]] = []
        if record and record.get("received_at") is not None:
            events.append(_event(record["received_at"], "received", detail={"direction": record.get("direction")}))
            events.append(_event(record["received_at"], "screened", detail={
                "verdict": record.get("verdict"), "rules": list(record.get("rules") or [])}))
        held_at = entry["created_at"]
        for d in decisions:
            kind = _KINDS.get(d.action, d.action)
            events.append(_event(d.at, kind, actor=d.actor, comment=d.comment, recipients=list(d.recipients or []),
                                 override=bool(d.override)))
            if d.action == "held":
                held_at = d.at
        in_digest = {r.reviewer for r in digests}
        people = [p for p in entry.get("reviewers") or [] if "*" not in p and not p.startswith("@")]
        now_told = [p for p in people if p not in in_digest]
        if now_told:  # immediate notices are written in the hold's own transaction
            events.append(_event(held_at, "notified", recipients=now_told, detail={"how": "notice"}))
        for r in digests:
            if r.sent_at is not None:
                events.append(_event(r.sent_at, "notified", recipients=[r.reviewer], detail={"how": "digest"}))
        if entry.get("reminded_at"):
            events.append(_event(entry["reminded_at"], "reminded", detail={"level": entry.get("escalation") or 0}))
        if entry.get("escalated_at"):
            events.append(_event(entry["escalated_at"], "escalated", detail={"level": entry.get("escalation") or 0}))
        for d in deliveries:
            if d.get("dsn"):       # a DSN sent to the sender about this recipient
                events.append(_event(d.get("at"), "dsn", recipients=[str(entry.get("mail_from") or "")],
                                     detail={**d["dsn"], "about": d.get("recipient")}))
                continue
            events.append(_event(d.get("at"), "delivery", recipients=[str(d.get("recipient") or "")], detail={
                "status": d.get("status"), "code": d.get("code"), "text": d.get("text"),
                "attempts": d.get("attempts"),
                **{k: d[k] for k in _ATTEMPT if k in d}}))
        order = {k: i for i, k in enumerate(("received", "screened", "held", "notified"))}
        events.sort(key=lambda e: (e["at"], order.get(e["kind"], 9)))
        return events
