"""Decisions on held entries: approve, release, reject, overrides and sender self-release.

Who may decide is judged here, not only in the API, so no caller can skip it: a person
decides only when one of their addresses is among the entry's routed reviewers and none of
them sent the message; a compliance officer may *override* the routing, with a comment,
recorded as an override. Approvals are counted by :func:`quarantine.routing.pending`.

Concurrency: every state change is a conditional ``UPDATE ... WHERE status='held' AND
version=:seen``; a writer whose update matches no row re-reads the entry and either retries
(another approval landed first) or raises :class:`AlreadyDecided`. Because the release
re-queue (``enqueue_release``) runs in the same transaction as the status change, two
reviewers releasing at once produce exactly one delivery.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa

from quarantine import tables as t
from quarantine.errors import (
    AlreadyDecided,
    CommentRequired,
    DuplicateApproval,
    InvalidRecipients,
    NotAuthorised,
)
from quarantine.model import Decision, Reviewer
from quarantine.rerouting import Rerouting
from quarantine.routing import is_routed, pending, quorum_json
from quarantine.store import row

log = logging.getLogger("mailwarden.quarantine")

_MAX_RETRIES = 8
OVERRIDE_ROLES = frozenset({"compliance"})


class _Conflict(Exception):
    """Internal: a conditional update lost a race while the entry is still held; retry."""


def routes_of(entry: dict[str, Any]) -> dict[str, list[str]]:
    """The entry's routing (entries held before per-source routing: one flat source)."""
    if entry.get("routes") is not None:
        return entry["routes"]
    return {"reviewers": list(entry.get("reviewers") or [])}


def quorum_of(entry: dict[str, Any]) -> list[dict[str, Any]]:
    if entry.get("quorum"):
        return entry["quorum"]
    return [quorum_json("*", ["reviewers"], int(entry.get("required_approvals") or 1))]


def words(comment: str | None) -> str | None:
    """The comment stripped, or None when it says nothing: whitespace and invisible format
    characters (zero-width space, word joiner, BOM) are no reason for an override."""
    text = (comment or "").strip()
    if not any(not c.isspace() and unicodedata.category(c) not in ("Cf", "Cc", "Zs") for c in text):
        return None
    return text


def mailbox(address: str) -> str:
    """The mailbox an address delivers to: lower case, without a ``+detail`` sub-address.

    Separation of duties compares mailboxes, not strings: ``grace+q3@example.com`` is grace,
    and a relay bound to ``@example.com`` lets her send from it."""
    local, at, domain = address.strip().strip("<>").lower().rpartition("@")
    if not at:
        return domain
    return f"{local.split('+', 1)[0] or local}@{domain}"


def authorise(who: Reviewer, entry: dict[str, Any], override: bool, comment: str | None, *,
              rerouted: bool = False) -> None:
    """Raise unless ``who`` may decide ``entry`` (see the module docstring); ``rerouted``:
    the entry was routed again after a directory change, which the refusal then says."""
    sender = mailbox(entry.get("mail_from") or "")
    if sender and sender in {mailbox(a) for a in who.addresses}:
        raise NotAuthorised("you may not decide on a message you sent")
    if override:
        if who.role not in OVERRIDE_ROLES:
            raise NotAuthorised("only a compliance officer may override the routing")
        if not comment:
            raise CommentRequired("an override needs a comment saying why")
        return
    if not is_routed(who.addresses, routes_of(entry)):
        routes = routes_of(entry)
        routed = "; ".join(f"{s} ({', '.join(p) or '-'})" for s, p in routes.items()) or "nobody"
        changed = "the directory changed after it was held and " if rerouted else ""
        raise NotAuthorised(
            f"entry {entry['id']}: {changed}it is routed to {routed}; you are not among its reviewers"
            + (" (a compliance officer may override with a comment)" if who.role in OVERRIDE_ROLES else ""),
            rerouted_to=tuple(dict.fromkeys(p for ps in routes.values() for p in ps)) if rerouted else (),
        )


class Deciding(Rerouting):
    """Decisions; a Rerouting, because each decision first follows the live directory."""

    def release(
        self,
        entry_id: int,
        actor: str | Reviewer,
        comment: str | None,
        recipients: Sequence[str] | None = None,
        *,
        override: bool = False,
    ) -> Decision:
        """Approve/release ``entry_id`` (and, with ``recipients``, held sibling entries of the
        same message for those recipients). The entry is released once every holding rule's
        approvals are met by different routed people; until then the approval is recorded."""
        return self._decide(entry_id, Reviewer.of(actor), comment, recipients, "release", silent=False,
                            override=override)

    def reject(
        self,
        entry_id: int,
        actor: str | Reviewer,
        comment: str | None,
        recipients: Sequence[str] | None = None,
        silent: bool = False,
        *,
        override: bool = False,
    ) -> Decision:
        """Reject; the sender gets a DSN-style notice with the comment unless ``silent``."""
        return self._decide(entry_id, Reviewer.of(actor), comment, recipients, "reject", silent=silent,
                            override=override)

    def _decide(
        self,
        entry_id: int,
        who: Reviewer,
        comment: str | None,
        recipients: Sequence[str] | None,
        kind: str,
        *,
        silent: bool,
        sender_release: bool = False,
        override: bool = False,
    ) -> Decision:
        if not who.name:
            raise ValueError("actor is required")
        comment = words(comment)
        if not sender_release:   # judged against the live directory, not only the one it was held under
            self.follow_directory(entry_id)
        for _ in range(_MAX_RETRIES):
            try:
                with self.engine.begin() as conn:
                    decision = self._decide_once(
                        conn, entry_id, who, comment, recipients, kind, silent, sender_release, override
                    )
            except _Conflict:
                continue
            self._log_decision(decision, who, comment)
            self._decided(decision, who)
            return decision
        raise AlreadyDecided(f"entry {entry_id}: too much contention, try again")

    def _decide_once(
        self,
        conn: sa.Connection,
        entry_id: int,
        who: Reviewer,
        comment: str | None,
        recipients: Sequence[str] | None,
        kind: str,
        silent: bool,
        sender_release: bool,
        override: bool,
    ) -> Decision:
        entry = self._get_row(conn, entry_id)
        if entry["status"] != "held":
            raise AlreadyDecided(f"entry {entry_id} is already {entry['status']}")
        now = self.clock()
        targets = self._targets(conn, entry, recipients)
        # Past expires_at the rule's on_expiry decides, not a late reviewer: the sweep may not
        # have run yet, so 'held' alone does not mean decidable.
        late = [x["recipient"] for x in targets if x["expires_at"] <= now]
        if late:
            raise AlreadyDecided(f"entry {entry_id} has expired (for: {', '.join(late)}); its rule's on_expiry applies")
        if sender_release:
            targets = [x for x in targets if x["sender_may_release"]]
        else:
            for x in targets:
                authorise(who, x, override, comment,
                          rerouted=self.was_rerouted(conn, x["id"]))
        withdraw = sender_release and kind == "reject"  # the sender keeping their own message back needs no reason
        if any(x["comment_required"] for x in targets) and not comment and not withdraw:
            raise CommentRequired("a comment is required for this decision")
        actor = who.name
        changed: list[dict[str, Any]] = []
        action = kind
        for x in targets:
            approvals = list(x["approvals"] or [])
            approvers = list(x.get("approvers") or [])
            if kind == "release" and not sender_release:
                if actor in approvals or any(set(a["addresses"]) & who.addresses for a in approvers):
                    raise DuplicateApproval(
                        f"{actor} already approved entry {x['id']}; a different reviewer must approve"
                    )
                approvals.append(actor)
                approvers.append({"actor": actor, "addresses": sorted(who.addresses)})
                done = override or pending(quorum_of(x), routes_of(x), approvers) == 0
                status = "released" if done else "held"
                act = "release" if done else "approve"
            elif kind == "release":
                status, act = "released", "sender-release"
            else:
                status, act = "rejected", "sender-withdraw" if sender_release else "reject"
            values: dict[str, Any] = {
                "status": status, "approvals": approvals, "approvers": approvers, "version": x["version"] + 1,
            }
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
            self._record(conn, x["id"], actor, act, comment, [x["recipient"]], now, override=override)
            x = {**x, **values}
            changed.append(x)
            if x["id"] == entry_id:
                action = act
        released = [x for x in changed if x["status"] == "released"]
        if released:
            self.enqueue_release(conn, _primary(entry, released), [x["recipient"] for x in released])
        told = action if not sender_release else ("sender-release" if kind == "release" else "sender-withdraw")
        self._tell(conn, entry, changed, who, told, comment, silent)
        mine = next((x for x in changed if x["id"] == entry_id), entry)
        return Decision(
            entry_id=entry_id,
            action=action,
            actor=actor,
            status=mine["status"],
            recipients=tuple(x["recipient"] for x in changed if x["status"] != "held"),
            entry_ids=tuple(x["id"] for x in changed),
            approvals=tuple(mine["approvals"] or ()),
            pending_approvals=pending(quorum_of(mine), routes_of(mine), mine.get("approvers") or [])
            if mine["status"] == "held"
            else 0,
            override=override,
        )

    # Told of every committed reviewer decision (the gateway teaches Rspamd from them).
    on_decision: Callable[[Decision, Reviewer], object] | None = None

    def _decided(self, d: Decision, who: Reviewer) -> None:
        if self.on_decision is None:
            return
        try:
            self.on_decision(d, who)
        except Exception:  # noqa: BLE001 - the decision is committed; a listener cannot undo it
            log.exception("a decision listener failed")

    def _log_decision(self, d: Decision, who: Reviewer, comment: str | None) -> None:
        """One structured line per decision, for a SIEM reading the JSON log (no content)."""
        log.info("quarantine decision", extra={
            "event": "quarantine.decision", "actor": who.name, "role": who.role, "entry": d.entry_id,
            "entries": list(d.entry_ids), "action": d.action, "outcome": d.status,
            "recipients": list(d.recipients), "override": d.override, "pending_approvals": d.pending_approvals,
            "commented": bool(comment),
        })

    def _targets(
        self, conn: sa.Connection, entry: dict[str, Any], recipients: Sequence[str] | None
    ) -> list[dict[str, Any]]:
        if recipients is None:
            return [entry]
        wanted = list(dict.fromkeys(r.strip().lower() for r in recipients if r and r.strip()))
        if not wanted:
            raise InvalidRecipients("recipients must name at least one recipient")
        siblings = [
            row(r)
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

    def _tell(self, conn: sa.Connection, entry: dict[str, Any], changed: list[dict[str, Any]], who: Reviewer,
              action: str, comment: str | None, silent: bool) -> None:
        """The sender hears of the outcome (unless ``silent``); the other routed people that
        someone decided, so nobody reviews it again."""
        decided = [x for x in changed if x["status"] != "held"]
        others = [p for p in _people(routes_of(entry)) if p not in who.addresses]
        if not decided:  # an approval that is not enough yet: the others know it awaits them
            if action == "approve" and changed:
                self.notices.decided(conn, changed, action=action, actor=who.name, comment=comment, others=others,
                                     tell_sender=False)
            return
        self.notices.decided(conn, decided, action=action, actor=who.name.removeprefix("sender:"), comment=comment,
                             others=others, tell_sender=not silent and action in ("release", "reject"))


def _people(routes: dict[str, list[str]]) -> list[str]:
    return list(dict.fromkeys(p for ps in routes.values() for p in ps if "*" not in p and not p.startswith("@")))


def _primary(entry: dict[str, Any], released: list[dict[str, Any]]) -> dict[str, Any]:
    for x in released:
        if x["id"] == entry["id"]:
            return x
    return released[0]
