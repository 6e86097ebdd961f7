"""Holding a message: one entry per recipient, its routing, and the notices of the hold."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from quarantine import tables as t
from quarantine.model import HoldRequest
from quarantine.routing import quorum_json
from quarantine.store import Store, row
from quarantine.unroutable import empty_sources, tell_unroutable


def routing_of(req: HoldRequest) -> tuple[dict[str, list[str]], list[dict[str, Any]]]:
    """The request's routes and quorum; older callers give a flat reviewer list instead."""
    if req.routes is not None:
        routes = {str(k): [str(p).lower() for p in v] for k, v in req.routes.items()}
        quorum = [dict(q) for q in req.quorum] or [quorum_json("*", list(routes), req.required_approvals)]
        return routes, quorum
    routes = {"reviewers": [r.lower() for r in dict.fromkeys(req.reviewers)]}
    return routes, [quorum_json("*", ["reviewers"], req.required_approvals)]


def queue_for_digest(conn: sa.Connection, people: list[str], ids: list[int], now: float) -> set[str]:
    """The people among ``people`` who asked for a digest instead of a notice per entry,
    with ``ids`` queued for their next digest; the others are to be told now."""
    if not people:
        return set()
    prefs = {
        r.address: r.frequency
        for r in conn.execute(
            sa.select(t.reviewer_prefs.c.address, t.reviewer_prefs.c.frequency).where(
                t.reviewer_prefs.c.address.in_(people)
            )
        )
    }
    later = {p for p in people if prefs.get(p, "immediate") != "immediate"}
    if later:
        conn.execute(sa.insert(t.digest_items),
                     [{"reviewer": p, "entry_id": eid, "created_at": now} for p in sorted(later) for eid in ids])
    return later


class Holding(Store):
    def hold(self, conn: sa.Connection, req: HoldRequest) -> list[int]:
        """Hold ``req`` once per recipient inside the caller's transaction (never commits)."""
        recipients = list(dict.fromkeys(r for r in req.recipients if r))
        if not recipients:
            raise ValueError("HoldRequest.recipients is empty")
        if req.expire_action not in ("reject", "release"):
            raise ValueError("HoldRequest.expire_action must be 'reject' or 'release'")
        if req.required_approvals < 1:
            raise ValueError("HoldRequest.required_approvals must be >= 1")
        now = self.clock()
        expires_at = now + self.lifetime_days * 86400.0
        rules = list(dict.fromkeys(req.rules))
        routes, quorum = routing_of(req)
        reviewers = list(dict.fromkeys(p for people in routes.values() for p in people))
        required = max(sum(int(n["count"]) for n in q["needs"]) for q in quorum)
        ids: list[int] = []
        for rcpt in recipients:
            res = conn.execute(
                sa.insert(t.entries).values(
                    hold_key=f"{req.archive_id}:{req.digest[:40]}",
                    archive_id=req.archive_id,
                    digest=req.digest,
                    message_id=req.message_id,
                    mail_from=req.mail_from,
                    recipient=rcpt,
                    direction=str(req.direction),
                    department=req.department,
                    rules=rules,
                    evidence=self._seal_evidence(req.evidence if req.evidence is not None else []),
                    reviewers=reviewers,
                    review_group=req.review_group,
                    status="held",
                    required_approvals=required,
                    approvals=[],
                    approvers=[],
                    routes=routes,
                    quorum=quorum,
                    sender_may_release=req.sender_may_release,
                    comment_required=req.comment_required,
                    expire_action=req.expire_action,
                    version=0,
                    escalation=0,
                    dsn=dict((req.dsn or {}).get(rcpt) or {}) or None,
                    routed_under=self.directory_loaded_at(),  # type: ignore[attr-defined]
                    created_at=now,
                    expires_at=expires_at,
                )
            )
            entry_id = int(res.inserted_primary_key[0])
            ids.append(entry_id)
            if rules:
                conn.execute(sa.insert(t.entry_rules), [{"entry_id": entry_id, "rule": r} for r in rules])
            if reviewers:
                conn.execute(
                    sa.insert(t.entry_reviewers),
                    [{"entry_id": entry_id, "address": a} for a in sorted(set(reviewers))],
                )
            self._record(conn, entry_id, self.system_actor, "held", None, [rcpt], now)
        self._notify_hold(conn, req, ids, reviewers, expires_at, now)
        return ids

    def _notify_hold(self, conn: sa.Connection, req: HoldRequest, ids: list[int], reviewers: list[str],
                     expires_at: float, now: float) -> None:
        """Reviewers are told (or get it in their digest); the sender too, if ours."""
        entries = [
            row(r) for r in conn.execute(sa.select(t.entries).where(t.entries.c.id.in_(ids)).order_by(t.entries.c.id))
        ]
        people = [r for r in reviewers if "*" not in r and "?" not in r and not r.startswith("@")]
        in_digest = queue_for_digest(conn, people, ids, now)
        link = None
        if req.sender_may_release:
            token = self.make_sender_token(ids[0], expires_at)  # type: ignore[attr-defined]
            link = f"{self.base_url}/sender?token={token}"  # the policy-tip page (admin_api.pages.sender)
        self.notices.held(conn, entries, subject=req.subject_for_notice or "(no subject)", evidence=req.evidence,
                          reviewers=people, digest=in_digest.__contains__, sender_link=link)
        nobody = empty_sources(entries[0]["routes"] or {})
        if nobody:   # no one to review what is drawn from these: the people who still can act hear of it
            tell_unroutable(conn, self.notices, self.unroutable_contacts, entries, nobody,
                            subject=req.subject_for_notice or "(no subject)")
