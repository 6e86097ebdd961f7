"""Held messages and the decisions taken on them.

A message held by a rule becomes one ``quarantine_entries`` row per recipient; every entry of
one accepted message shares its ``archive_id`` (one encrypted blob). Decisions (approve,
release, reject, expiry, sender self-release) are appended to ``quarantine_decisions`` and
never deleted.

Concurrency: every state change is a conditional ``UPDATE ... WHERE status='held' AND
version=:seen``; a writer whose update matches no row re-reads the entry and either retries
(another approval landed first) or raises :class:`AlreadyDecided`. Because the release
re-queue (``enqueue_release``) runs in the same transaction as the status change, two reviewers
releasing at once produce exactly one delivery.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from quarantine import tables as t
from quarantine.sealing import EvidenceCipher

EnqueueRelease = Callable[[sa.Connection, Mapping[str, Any], list[str]], Any]
SendNotice = Callable[[sa.Connection, str, str, str], Any]

FREQUENCIES = ("immediate", "hourly", "daily")
_PERIOD = {"hourly": 3600.0, "daily": 86400.0, "immediate": 0.0}
_MAX_RETRIES = 8


class QuarantineError(Exception):
    """Base class of the errors raised by :class:`QuarantineService`."""


class EntryNotFound(QuarantineError, LookupError):
    """No entry with this id."""


class AlreadyDecided(QuarantineError):
    """The entry is no longer held (released, rejected or expired): HTTP 409."""


class DuplicateApproval(QuarantineError):
    """Four-eyes: the same person approved this entry already."""


class CommentRequired(QuarantineError, ValueError):
    """The entry's policy requires a comment with every decision."""


class InvalidRecipients(QuarantineError, ValueError):
    """``recipients`` names an address that is not a recipient of this held message."""


class InvalidToken(QuarantineError):
    """A sender release token is malformed, tampered with, expired or not applicable."""


@dataclass(frozen=True)
class HoldRequest:
    archive_id: int
    digest: str
    mail_from: str
    recipients: Sequence[str]
    direction: str
    department: str | None
    rules: Sequence[str]
    evidence: Any = field(default_factory=list)  # JSON, already redacted by the rules engine
    reviewers: Sequence[str] = ()
    review_group: str | None = None
    required_approvals: int = 1  # 2 = four-eyes
    sender_may_release: bool = False  # "warn": policy tip with sender self-release
    comment_required: bool = False
    expire_action: str = "reject"  # 'reject' | 'release'
    message_id: str | None = None
    subject_for_notice: str | None = None  # only used in the (archived) notices, never stored


@dataclass(frozen=True)
class Decision:
    entry_id: int
    action: str  # approve | release | reject | sender-release | expired
    actor: str
    status: str  # status of ``entry_id`` after the decision
    recipients: tuple[str, ...]  # recipients released / rejected by this decision
    entry_ids: tuple[int, ...]  # entries changed by this decision
    approvals: tuple[str, ...] = ()
    pending_approvals: int = 0


@dataclass(frozen=True)
class QuarantinePage:
    items: list[dict[str, Any]]
    total: int
    next: str | None


class _Conflict(Exception):
    """Internal: a conditional update lost a race while the entry is still held; retry."""


def _row(r: sa.Row) -> dict[str, Any]:
    return dict(r._mapping)


class QuarantineService:
    def __init__(
        self,
        engine: sa.Engine,
        enqueue_release: EnqueueRelease,
        send_notice: SendNotice,
        clock: Callable[[], float] = time.time,
        lifetime_days: float = 14,
        *,
        signing_key: bytes,
        base_url: str = "http://127.0.0.1:8025",
        system_actor: str = "system",
        evidence_cipher: EvidenceCipher | None = None,
    ) -> None:
        if not signing_key or len(signing_key) < 16:
            raise ValueError("signing_key must be at least 16 bytes")
        self.engine = engine
        self.enqueue_release = enqueue_release
        self.send_notice = send_notice
        self.clock = clock
        self.lifetime_days = lifetime_days
        self.signing_key = signing_key
        self.base_url = base_url.rstrip("/")
        self.system_actor = system_actor
        self.evidence_cipher = evidence_cipher

    # ------------------------------------------------------------------ schema helper
    @staticmethod
    def create_tables(engine: sa.Engine) -> None:
        """Create the quarantine tables (tests and first runs; the gateway migrates)."""
        t.metadata.create_all(engine)

    # ------------------------------------------------------------------ hold
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
        reviewers = list(dict.fromkeys(req.reviewers))
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
                    required_approvals=req.required_approvals,
                    approvals=[],
                    sender_may_release=req.sender_may_release,
                    comment_required=req.comment_required,
                    expire_action=req.expire_action,
                    version=0,
                    created_at=now,
                    expires_at=expires_at,
                )
            )
            entry_id = int(res.inserted_primary_key[0])
            ids.append(entry_id)
            if rules:
                conn.execute(sa.insert(t.entry_rules), [{"entry_id": entry_id, "rule": r} for r in rules])
            addresses = sorted({r.lower() for r in reviewers})
            if addresses:
                conn.execute(
                    sa.insert(t.entry_reviewers), [{"entry_id": entry_id, "address": a} for a in addresses]
                )
            self._record(conn, entry_id, self.system_actor, "held", None, [rcpt], now)
        self._notify_reviewers(conn, req, ids, recipients, reviewers, now)
        self._notify_sender_held(conn, req, ids, recipients, expires_at)
        return ids

    def _notify_reviewers(
        self,
        conn: sa.Connection,
        req: HoldRequest,
        ids: list[int],
        recipients: list[str],
        reviewers: list[str],
        now: float,
    ) -> None:
        if not reviewers:
            return
        prefs = {
            r.address: r.frequency
            for r in conn.execute(
                sa.select(t.reviewer_prefs.c.address, t.reviewer_prefs.c.frequency).where(
                    t.reviewer_prefs.c.address.in_(reviewers)
                )
            )
        }
        subject = req.subject_for_notice or "(no subject)"
        links = "\n".join(
            f"  {rcpt}: {self.base_url}/api/v1/quarantine/{eid}"
            for eid, rcpt in zip(ids, recipients, strict=True)
        )
        approvals = (
            f"This message needs {req.required_approvals} approvals from different reviewers.\n"
            if req.required_approvals > 1
            else ""
        )
        body = (
            f"A message from {req.mail_from or '<>'} was held for review.\n\n"
            f"Subject: {subject}\n"
            f"Direction: {req.direction}\n"
            f"Department: {req.department or '-'}\n"
            f"Rules: {', '.join(req.rules) or '-'}\n"
            f"{approvals}\n"
            f"Evidence (redacted):\n{format_evidence(req.evidence)}\n\n"
            f"Held entries (one per recipient):\n{links}\n"
        )
        for reviewer in reviewers:
            if prefs.get(reviewer, "immediate") == "immediate":
                self.send_notice(conn, reviewer, f"[mailwarden] Held for review: {subject}", body)
            else:
                conn.execute(
                    sa.insert(t.digest_items),
                    [{"reviewer": reviewer, "entry_id": eid, "created_at": now} for eid in ids],
                )

    def _notify_sender_held(
        self,
        conn: sa.Connection,
        req: HoldRequest,
        ids: list[int],
        recipients: list[str],
        expires_at: float,
    ) -> None:
        if not req.mail_from:
            return  # never notify the null sender
        subject = req.subject_for_notice or "(no subject)"
        lines = [
            f'Your message "{subject}" to {", ".join(recipients)} is held: it needs a '
            "reviewer's decision before it can be delivered.",
            f"Reason: {', '.join(req.rules) or 'policy'}",
            "",
        ]
        if req.sender_may_release:
            token = self.make_sender_token(ids[0], expires_at)
            lines += [
                "If the message is meant to leave and you are authorised to send it, you may release "
                "it yourself with a justification (recorded and audited):",
                f"  {self.base_url}/api/v1/sender-release?token={token}",
                f"This link expires at {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(expires_at))}.",
            ]
        else:
            lines.append("You will be told when it is released or rejected.")
        self.send_notice(
            conn, req.mail_from, f"[mailwarden] Message held: {subject}", "\n".join(lines) + "\n"
        )

    # ------------------------------------------------------------------ decisions
    def release(
        self, entry_id: int, actor: str, comment: str | None, recipients: Sequence[str] | None = None
    ) -> Decision:
        """Approve/release ``entry_id`` (and, with ``recipients``, held sibling entries of the
        same message for those recipients). With four-eyes the first approval is recorded and
        the entry stays held; a second approval by a different actor releases it."""
        return self._decide(entry_id, actor, comment, recipients, "release", silent=True)

    def reject(
        self,
        entry_id: int,
        actor: str,
        comment: str | None,
        recipients: Sequence[str] | None = None,
        silent: bool = False,
    ) -> Decision:
        """Reject; the sender gets a DSN-style notice with the comment unless ``silent``."""
        return self._decide(entry_id, actor, comment, recipients, "reject", silent=silent)

    def _decide(
        self,
        entry_id: int,
        actor: str,
        comment: str | None,
        recipients: Sequence[str] | None,
        kind: str,
        *,
        silent: bool,
        sender_release: bool = False,
    ) -> Decision:
        if not actor:
            raise ValueError("actor is required")
        comment = (comment or "").strip() or None
        for _ in range(_MAX_RETRIES):
            try:
                with self.engine.begin() as conn:
                    return self._decide_once(
                        conn, entry_id, actor, comment, recipients, kind, silent, sender_release
                    )
            except _Conflict:
                continue
        raise AlreadyDecided(f"entry {entry_id}: too much contention, try again")

    def _decide_once(
        self,
        conn: sa.Connection,
        entry_id: int,
        actor: str,
        comment: str | None,
        recipients: Sequence[str] | None,
        kind: str,
        silent: bool,
        sender_release: bool,
    ) -> Decision:
        entry = self._get_row(conn, entry_id)
        if entry["status"] != "held":
            raise AlreadyDecided(f"entry {entry_id} is already {entry['status']}")
        targets = self._targets(conn, entry, recipients)
        if sender_release:
            targets = [x for x in targets if x["sender_may_release"]]
        if any(x["comment_required"] for x in targets) and not comment:
            raise CommentRequired("a comment is required for this decision")
        now = self.clock()
        changed: list[dict[str, Any]] = []
        action = kind
        for x in targets:
            approvals = list(x["approvals"] or [])
            if kind == "release" and not sender_release:
                if actor in approvals:
                    raise DuplicateApproval(
                        f"{actor} already approved entry {x['id']}; a different reviewer must approve"
                    )
                approvals.append(actor)
                done = len(approvals) >= int(x["required_approvals"])
                status = "released" if done else "held"
                act = "release" if done else "approve"
            elif kind == "release":
                status, act = "released", "sender-release"
            else:
                status, act = "rejected", "reject"
            values: dict[str, Any] = {"status": status, "approvals": approvals, "version": x["version"] + 1}
            if status != "held":
                values.update(decided_at=now, decided_by=actor)
            res = conn.execute(
                sa.update(t.entries)
                .where(
                    t.entries.c.id == x["id"],
                    t.entries.c.status == "held",
                    t.entries.c.version == x["version"],
                )
                .values(**values)
            )
            if res.rowcount != 1:
                raise _Conflict()
            self._record(conn, x["id"], actor, act, comment, [x["recipient"]], now)
            x = {**x, **values}
            changed.append(x)
            if x["id"] == entry_id:
                action = act
        released = [x for x in changed if x["status"] == "released"]
        rejected = [x for x in changed if x["status"] == "rejected"]
        if released:
            self.enqueue_release(conn, _primary(entry, released), [x["recipient"] for x in released])
        if rejected and not silent:
            self._notify_sender_rejected(conn, entry, [x["recipient"] for x in rejected], comment)
        mine = next((x for x in changed if x["id"] == entry_id), entry)
        return Decision(
            entry_id=entry_id,
            action=action,
            actor=actor,
            status=mine["status"],
            recipients=tuple(x["recipient"] for x in changed if x["status"] != "held"),
            entry_ids=tuple(x["id"] for x in changed),
            approvals=tuple(mine["approvals"] or ()),
            pending_approvals=max(0, int(mine["required_approvals"]) - len(mine["approvals"] or ()))
            if mine["status"] == "held"
            else 0,
        )

    def _targets(
        self, conn: sa.Connection, entry: dict[str, Any], recipients: Sequence[str] | None
    ) -> list[dict[str, Any]]:
        if recipients is None:
            return [entry]
        wanted = list(dict.fromkeys(r.strip().lower() for r in recipients if r and r.strip()))
        if not wanted:
            raise InvalidRecipients("recipients must name at least one recipient")
        siblings = [
            _row(r)
            for r in conn.execute(
                sa.select(t.entries)
                .where(t.entries.c.archive_id == entry["archive_id"])
                .order_by(t.entries.c.id)
            )
        ]
        by_rcpt: dict[str, dict[str, Any]] = {}
        for s in siblings:
            key = s["recipient"].lower()
            # prefer the entry that is still held, then the requested entry
            if key not in by_rcpt or (s["status"] == "held" and by_rcpt[key]["status"] != "held"):
                by_rcpt[key] = s
        unknown = [r for r in wanted if r not in by_rcpt]
        if unknown:
            raise InvalidRecipients(f"not recipients of this held message: {', '.join(unknown)}")
        chosen = [by_rcpt[r] for r in wanted]
        decided = [c["recipient"] for c in chosen if c["status"] != "held"]
        if decided:
            raise AlreadyDecided(f"already decided for: {', '.join(decided)}")
        return chosen

    def _notify_sender_rejected(
        self, conn: sa.Connection, entry: dict[str, Any], recipients: list[str], comment: str | None
    ) -> None:
        if not entry["mail_from"]:
            return
        body = (
            "This is the mailwarden gateway. Your message could not be delivered to the following "
            "recipients because a reviewer rejected it:\n\n"
            + "".join(f"  {r}\n" for r in recipients)
            + f"\nMessage-ID: {entry['message_id'] or '-'}\n"
            + f"Reason: {', '.join(entry['rules'] or []) or 'policy'}\n"
            + f"Reviewer's comment: {comment or '-'}\n"
        )
        self.send_notice(
            conn, entry["mail_from"], "[mailwarden] Undelivered: message rejected by reviewer", body
        )

    # ------------------------------------------------------------------ policy tips
    def make_sender_token(self, entry_id: int, expires_at: float) -> str:
        payload = f"{int(entry_id)}.{int(expires_at)}"
        return f"{payload}.{self._sign(payload)}"

    def _sign(self, payload: str) -> str:
        return hmac.new(
            self.signing_key, b"mailwarden-sender-release:" + payload.encode(), hashlib.sha256
        ).hexdigest()

    def verify_sender_token(self, token: str) -> int:
        """Return the entry id of a valid, unexpired token; raise :class:`InvalidToken`."""
        parts = (token or "").split(".")
        if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
            raise InvalidToken("malformed token")
        payload = f"{parts[0]}.{parts[1]}"
        if not hmac.compare_digest(self._sign(payload), parts[2]):
            raise InvalidToken("bad signature")
        if self.clock() > int(parts[1]):
            raise InvalidToken("token expired")
        return int(parts[0])

    def confirm_by_sender(self, token: str, justification: str) -> Decision:
        """Sender self-release of a "warn" hold: releases the entry and its held siblings that
        allow sender release, records the justification."""
        entry_id = self.verify_sender_token(token)
        if not (justification or "").strip():
            raise CommentRequired("a justification is required")
        with self.engine.connect() as conn:
            entry = self._get_row(conn, entry_id)
        if not entry["sender_may_release"]:
            raise InvalidToken("this message may not be released by its sender")
        if entry["status"] != "held":
            raise AlreadyDecided(f"entry {entry_id} is already {entry['status']}")
        with self.engine.connect() as conn:
            siblings = [
                r.recipient
                for r in conn.execute(
                    sa.select(t.entries.c.recipient).where(
                        t.entries.c.archive_id == entry["archive_id"],
                        t.entries.c.status == "held",
                        t.entries.c.sender_may_release.is_(True),
                    )
                )
            ]
        return self._decide(
            entry_id,
            f"sender:{entry['mail_from']}",
            justification,
            siblings or None,
            "release",
            silent=True,
            sender_release=True,
        )

    # ------------------------------------------------------------------ expiry, digests
    def expire(self, now: float | None = None) -> int:
        """Expire held entries past ``expires_at``: status becomes ``rejected`` (or ``released``
        when the hold said ``expire_action='release'``); history records ``expired``."""
        now = self.clock() if now is None else now
        with self.engine.connect() as conn:
            due = [
                _row(r)
                for r in conn.execute(
                    sa.select(t.entries)
                    .where(t.entries.c.status == "held", t.entries.c.expires_at <= now)
                    .order_by(t.entries.c.archive_id, t.entries.c.id)
                )
            ]
        groups: dict[int, list[dict[str, Any]]] = {}
        for e in due:
            groups.setdefault(e["archive_id"], []).append(e)
        count = 0
        for group in groups.values():
            with self.engine.begin() as conn:
                done: list[dict[str, Any]] = []
                for e in group:
                    status = "released" if e["expire_action"] == "release" else "rejected"
                    res = conn.execute(
                        sa.update(t.entries)
                        .where(
                            t.entries.c.id == e["id"],
                            t.entries.c.status == "held",
                            t.entries.c.version == e["version"],
                        )
                        .values(
                            status=status,
                            decided_at=now,
                            decided_by=self.system_actor,
                            version=e["version"] + 1,
                        )
                    )
                    if res.rowcount != 1:
                        continue  # decided meanwhile
                    self._record(
                        conn,
                        e["id"],
                        self.system_actor,
                        "expired",
                        f"expired: {status}",
                        [e["recipient"]],
                        now,
                    )
                    done.append({**e, "status": status})
                released = [e for e in done if e["status"] == "released"]
                rejected = [e for e in done if e["status"] == "rejected"]
                if released:
                    self.enqueue_release(conn, released[0], [e["recipient"] for e in released])
                if done and group[0]["mail_from"]:
                    lines = ["Your held message was not reviewed in time."]
                    if released:
                        lines.append(
                            "It has been delivered to: " + ", ".join(e["recipient"] for e in released)
                        )
                    if rejected:
                        lines.append(
                            "It was NOT delivered to: " + ", ".join(e["recipient"] for e in rejected)
                        )
                    lines.append(f"Message-ID: {group[0]['message_id'] or '-'}")
                    self.send_notice(
                        conn,
                        group[0]["mail_from"],
                        "[mailwarden] Held message expired",
                        "\n".join(lines) + "\n",
                    )
                count += len(done)
        return count

    def set_reviewer_preference(self, address: str, frequency: str) -> None:
        if frequency not in FREQUENCIES:
            raise ValueError(f"frequency must be one of {', '.join(FREQUENCIES)}")
        with self.engine.begin() as conn:
            res = conn.execute(
                sa.update(t.reviewer_prefs)
                .where(t.reviewer_prefs.c.address == address)
                .values(frequency=frequency)
            )
            if res.rowcount == 0:
                conn.execute(sa.insert(t.reviewer_prefs).values(address=address, frequency=frequency))

    def reviewer_preference(self, address: str) -> str:
        with self.engine.connect() as conn:
            value = conn.execute(
                sa.select(t.reviewer_prefs.c.frequency).where(t.reviewer_prefs.c.address == address)
            ).scalar()
        return value or "immediate"

    def send_digests(self, now: float | None = None) -> int:
        """Send each digest reviewer whose period has elapsed one message listing what was held
        for them since the last digest. Returns the number of digests sent."""
        now = self.clock() if now is None else now
        sent = 0
        with self.engine.begin() as conn:
            reviewers = [
                r[0]
                for r in conn.execute(
                    sa.select(t.digest_items.c.reviewer).where(t.digest_items.c.sent_at.is_(None)).distinct()
                )
            ]
            for reviewer in sorted(reviewers):
                pref = conn.execute(
                    sa.select(t.reviewer_prefs).where(t.reviewer_prefs.c.address == reviewer)
                ).first()
                frequency = pref.frequency if pref else "immediate"
                last = pref.last_digest_at if pref else None
                if last is not None and now - last < _PERIOD.get(frequency, 0.0):
                    continue
                items = conn.execute(
                    sa.select(t.digest_items.c.id, t.entries)
                    .join(t.entries, t.entries.c.id == t.digest_items.c.entry_id)
                    .where(t.digest_items.c.reviewer == reviewer, t.digest_items.c.sent_at.is_(None))
                    .order_by(t.digest_items.c.id)
                ).all()
                if not items:
                    continue
                lines = [f"Messages held for your review ({len(items)}):", ""]
                for it in items:
                    m = it._mapping
                    lines.append(
                        f"- #{m['id']} [{m['status']}] from {m['mail_from'] or '<>'} to {m['recipient']}; "
                        f"rules: {', '.join(m['rules'] or []) or '-'}; "
                        f"{self.base_url}/api/v1/quarantine/{m['id']}"
                    )
                self.send_notice(
                    conn, reviewer, f"[mailwarden] {frequency} quarantine digest", "\n".join(lines) + "\n"
                )
                conn.execute(
                    sa.update(t.digest_items)
                    .where(t.digest_items.c.id.in_([it[0] for it in items]))
                    .values(sent_at=now)
                )
                if pref:
                    conn.execute(
                        sa.update(t.reviewer_prefs)
                        .where(t.reviewer_prefs.c.address == reviewer)
                        .values(last_digest_at=now)
                    )
                sent += 1
        return sent

    # ------------------------------------------------------------------ reads
    def _seal_evidence(self, evidence: Any) -> Any:
        return self.evidence_cipher.seal(evidence) if self.evidence_cipher else evidence

    def _entry(self, r: sa.Row) -> dict[str, Any]:
        entry = _row(r)
        if self.evidence_cipher is not None:
            entry["evidence"] = self.evidence_cipher.open(entry.get("evidence"))
        return entry

    def _get_row(self, conn: sa.Connection, entry_id: int) -> dict[str, Any]:
        r = conn.execute(sa.select(t.entries).where(t.entries.c.id == entry_id)).first()
        if r is None:
            raise EntryNotFound(f"no quarantine entry {entry_id}")
        return self._entry(r)

    def get(self, entry_id: int) -> dict[str, Any]:
        """The entry with its decision history (``history``, oldest first)."""
        with self.engine.connect() as conn:
            entry = self._get_row(conn, entry_id)
            entry["history"] = [
                _row(r)
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
        reviewer: str | None = None,
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
            if reviewer:
                scope.append(
                    sa.exists().where(
                        t.entry_reviewers.c.entry_id == e.id, t.entry_reviewers.c.address == reviewer.lower()
                    )
                )
            conds.append(sa.or_(*scope) if scope else sa.false())
        return conds

    def search(self, *, cursor: str | None = None, limit: int = 50, **filters: Any) -> QuarantinePage:
        """Entries matching ``filters`` (see :meth:`_filters`), newest first, keyset-paginated.
        ``departments`` (a set) scopes the answer to those departments (supervisors), widened by
        ``reviewer`` (an address) to the entries assigned to that reviewer."""
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

    # ------------------------------------------------------------------ internals
    def _record(
        self,
        conn: sa.Connection,
        entry_id: int,
        actor: str,
        action: str,
        comment: str | None,
        recipients: list[str],
        at: float,
    ) -> None:
        conn.execute(
            sa.insert(t.decisions).values(
                entry_id=entry_id, actor=actor, action=action, comment=comment, recipients=recipients, at=at
            )
        )


def _primary(entry: dict[str, Any], released: list[dict[str, Any]]) -> dict[str, Any]:
    for x in released:
        if x["id"] == entry["id"]:
            return x
    return released[0]


def decode_cursor(cursor: str | None) -> int | None:
    """Cursors are opaque to clients; here they are the last id seen. Raises ValueError."""
    if cursor is None or cursor == "":
        return None
    if not cursor.isdigit() or len(cursor) > 18:
        raise ValueError("invalid cursor")
    return int(cursor)


def format_evidence(evidence: Any) -> str:
    """Render redacted evidence (list of hits or of {where, snippet}) as plain text."""
    lines: list[str] = []

    def walk(item: Any, indent: str = "  ") -> None:
        if isinstance(item, dict):
            if "snippet" in item or "where" in item:
                lines.append(f"{indent}{item.get('where', '?')}: {item.get('snippet', '')}")
            elif "rule" in item:
                lines.append(f"{indent}rule {item['rule']}:")
                for ev in item.get("evidence") or []:
                    walk(ev, indent + "  ")
            else:
                lines.append(indent + json.dumps(item, sort_keys=True, default=str))
        elif isinstance(item, list):
            for sub in item:
                walk(sub, indent)
        elif item is not None:
            lines.append(f"{indent}{item}")

    walk(evidence)
    return "\n".join(lines) or "  (none)"
