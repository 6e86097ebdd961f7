"""One archived message's whole story for the timeline page, oldest first: received and
screened (envelope, direction, verdict, rules), each quarantine entry's hold, notices and
decisions (quarantine's own timeline), every delivery attempt of the message and of its
released copies (time, hop, TLS, result, reply), each DSN sent back to the sender, and who read it.

Read-only and built from what the product keeps anyway; the delivery queue belongs to the
gateway, so its rows are handed in (``deliveries(archive_ids)``). What the archive does not
keep is not invented: the SMTP session (client address, HELO, TLS, login) is sealed with each
record's metadata since it was kept (``session``); older records show the envelope and the
trace headers the message carried. What screening found (``screening``: kinds, rules,
confidence, counts, places, gateway/screening_summary.py) is sealed the same way since
:data:`FINDINGS_SINCE`; an older record says so (``findings: null``) instead of showing nothing.
"""

from __future__ import annotations

import email
import email.policy
from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa

from admin_api import tables as admin_t
from archive import tables as at
from quarantine import tables as qt

Deliveries = Callable[[list[int]], list[dict[str, Any]]]
_TRACE = ("received", "authentication-results", "received-spf", "dkim-signature")
# the first release whose records keep what screening found (shown for older records)
FINDINGS_SINCE = "0.2.0"
_READS = ("archive.read", "archive.raw", "archive.timeline", "quarantine.read", "quarantine.raw", "quarantine.view")


def _event(at_: float | None, kind: str, **detail: Any) -> dict[str, Any]:
    return {"at": float(at_ or 0.0), "kind": kind, **detail}


def trace_headers(raw: bytes, limit: int = 20) -> list[dict[str, str]]:
    """The message's own trace headers (Received, Authentication-Results, …), top first."""
    msg = email.message_from_bytes(raw[:256 * 1024], policy=email.policy.compat32)
    out = []
    for name, value in msg.items():
        if name.lower() in _TRACE:
            out.append({"name": name, "value": " ".join(str(value).split())[:1000]})
            if len(out) >= limit:
                break
    return out


def record_timeline(engine: sa.Engine, quarantine: Any, record_id: int, *, raw: bytes | None = None,
                    deliveries: Deliveries | None = None,
                    session: dict[str, Any] | None = None,
                    screening: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """``{"record": {...}, "trace": [...], "events": [...]}``; LookupError for an unknown id."""
    r = at.records.c
    with engine.connect() as conn:
        row = conn.execute(sa.select(r.id, r.event, r.received_at, r.mail_from, r.rcpt_tos, r.direction,
                                     r.verdict, r.rules, r.department, r.sha256, r.size, r.message_id)
                           .where(r.id == record_id)).mappings().first()
        if row is None:
            raise LookupError(f"no archive record {record_id}")
        copies = [int(i) for (i,) in conn.execute(
            sa.select(r.id).where(r.sha256 == row["sha256"], r.event == "released", r.id != record_id))]
        entries = [int(i) for (i,) in conn.execute(
            sa.select(qt.entries.c.id).where(qt.entries.c.archive_id == record_id).order_by(qt.entries.c.id))]
        dsns = list(conn.execute(
            sa.select(r.id, r.received_at, r.rcpt_tos).where(r.event == "dsn", r.received_at >= row["received_at"])
            .order_by(r.id)).mappings()) if row["mail_from"] else []
        a = admin_t.audit.c
        reads = list(conn.execute(sa.select(a.at, a.actor, a.action, a.outcome)
                                  .where(a.record == str(record_id), a.action.in_(_READS)).order_by(a.id)))
    record = dict(row)
    events: list[dict[str, Any]] = [
        _event(row["received_at"], "received", detail={
            "mail_from": row["mail_from"], "rcpt_tos": list(row["rcpt_tos"] or []), "size": row["size"],
            "message_id": row["message_id"], "direction": row["direction"], "event": row["event"],
            **({"client": session.get("client"), "helo": session.get("helo"),
                "tls": "yes" if session.get("tls") else "no", "login": session.get("login")} if session else {})}),
        _event(row["received_at"], "screened", detail={
            "verdict": row["verdict"], "rules": list(row["rules"] or []),
            **({"findings": screening} if screening is not None else
               {"findings": None, "findings_not_recorded_before": FINDINGS_SINCE})}),
    ]
    for entry_id in entries:
        for ev in quarantine.timeline(entry_id, record=None):
            events.append({**ev, "entry": entry_id})
    rows = deliveries([record_id, *copies]) if deliveries is not None else []
    sender = (row["mail_from"] or "").lower()
    bounced_at: list[float] = []
    for d in rows:
        copy = d.get("archive_id") != record_id
        if d.get("dsn"):      # a DSN the gateway sent the sender about this recipient
            events.append(_event(d.get("at"), "dsn", recipients=[sender] if sender else [], detail={
                **d["dsn"], "about": d.get("recipient"), "copy": copy}))
            continue
        events.append(_event(d.get("at"), "delivery", recipients=[str(d.get("recipient") or "")],
                             detail={**delivery_detail(d), "copy": copy}))
        if d.get("attempt") is None and d.get("status") in ("bounced", "failed", "expired"):
            bounced_at.append(float(d.get("at") or 0.0))      # logged before attempts were: matched below
    for dsn in dsns:   # the first DSN to the sender after each such failure is the one about it
        to = [str(x).lower() for x in dsn["rcpt_tos"] or []]
        if sender in to and bounced_at and dsn["received_at"] >= min(bounced_at) - 1:
            events.append(_event(dsn["received_at"], "dsn", recipients=to, detail={"record": int(dsn["id"])}))
            bounced_at.remove(min(bounced_at))
    for at_, actor, action, outcome in reads:
        events.append(_event(at_, "read", actor=actor, detail={"action": action, "outcome": outcome}))
    order = {k: i for i, k in enumerate(("received", "screened", "held", "notified"))}
    events.sort(key=lambda e: (e["at"], order.get(e["kind"], 9)))
    return {"record": record, "trace": trace_headers(raw) if raw else [], "events": events}


# What a delivery event's detail carries (gateway/attempts.py ``timeline_deliveries``): the
# queue's word (queued | deferred | delivered | failed), the attempt's own result (delivered |
# deferred | bounced | expired), its number, the reply, when it began, the hop and its TLS.
DELIVERY_DETAIL = ("status", "result", "attempt", "attempts", "code", "enhanced", "text", "started_at", "hop",
                   "tls", "queue_id")


def delivery_detail(d: Mapping[str, Any]) -> dict[str, Any]:
    """A delivery's detail for a timeline event (the keys it has of :data:`DELIVERY_DETAIL`)."""
    return {k: d[k] for k in DELIVERY_DETAIL if k in d}
