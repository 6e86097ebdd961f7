"""What the quarantine needs to know of the organisation, handed in by the gateway.

The quarantine imports nothing of the gateway: its notices learn each person's language and
what is internal from the live directory, each rule's description from the live rules, and
a held message's subject from the encrypted archive (decrypted only to write the notice,
which is archived encrypted too, and masked like every value a notice shows). Escalation
levels come from the directory as well, and a reloaded directory re-routes held entries
(:func:`reroute_held`); an entry nobody can review is told to the console's compliance
officers and administrators (:func:`unroutable_contacts`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from admin_api import tables as admin_tables
from admin_api.render import subject_of
from archive.service import Archive
from gateway.policy import Policy, PolicyHolder
from gateway.settings import Settings
from quarantine.notices import Notices
from quarantine.service import QuarantineService
from quarantine.tables import entries
from rules.engine import SPAM_RULE
from rules.redact import redact_text

log = logging.getLogger("mailwarden.quarantine")


def build_notices(settings: Settings, policy: PolicyHolder, archive: Archive, send: Any,
                  send_withheld: Any = None) -> Notices:
    def describe(rule: str) -> str:
        if rule == SPAM_RULE:
            return "spam score over the quarantine threshold"
        for r in policy.current.engine.ruleset.rules:
            if r.name == rule:
                return r.description or r.name
        return rule

    def subject(entry: Mapping[str, Any]) -> str | None:
        """The held message's subject, masked like every value a notice shows."""
        try:
            text = subject_of(archive.open_digest(entry["digest"]))
        except Exception:  # noqa: BLE001 - a notice without its subject beats no notice
            return None
        return redact_text(text) if text else text

    return Notices(
        send, base_url=settings.api_base_url, default_language=settings.quarantine.language,
        language_of=lambda a: policy.directory().language_of(a), describe=describe, subject_of=subject,
        is_internal=lambda a: policy.directory().is_internal(a), send_withheld=send_withheld,
    )


def escalation_levels(policy: PolicyHolder) -> Any:
    """Who an undecided entry goes to next: its department's review group, then compliance
    (the directory's default review group)."""

    def levels(entry: Mapping[str, Any]) -> Sequence[Sequence[str]]:
        directory = policy.directory()
        dept = directory.departments.get(entry.get("department") or "")
        steps = []
        if dept is not None and dept.review_group:
            steps.append(directory.review_group_members(dept.review_group))
        steps.append(directory.review_group_members(directory.default_review_group or ""))
        return [s for s in steps if s]

    return levels


def unroutable_contacts(conn: sa.Connection) -> list[str]:
    """Who hears of a held entry nobody can review (quarantine.unroutable): the enabled console
    accounts of compliance officers (they may decide it as an override) and administrators
    (they fix directory.yaml), by each account's mail address; accounts without one are left out."""
    u = admin_tables.users.c
    rows = conn.execute(sa.select(u.email).where(u.role.in_(("compliance", "admin")), u.disabled.is_(False),
                                                 u.email.is_not(None)).order_by(u.id))
    return list(dict.fromkeys(email.lower() for (email,) in rows if email))


def reroute_held(quarantine: QuarantineService, old: Policy, new: Policy) -> None:
    """After a reload: when the directory changed, held entries go to whom it names now (a
    replaced supervisor no longer decides what was routed to them; the new one is told)."""
    if new.directory == old.directory:
        return
    changed = quarantine.reroute()
    if changed:
        log.info("held entries routed again after the directory changed", extra={
            "event": "quarantine.directory_reroute", "entries": len(changed), "generation": new.generation})


def held_dsn(conn: sa.Connection, archive_id: int, recipients: Sequence[str]) -> dict[str, dict[str, str]]:
    """recipient -> the RFC 3461 parameters it was held with (what ``DeliveryQueue.enqueue(dsn=...)``
    takes): a released copy goes on, and is reported on, as the client asked at MAIL/RCPT time."""
    e = entries.c
    rows = conn.execute(sa.select(e.recipient, e.dsn).where(e.archive_id == archive_id,
                                                           e.recipient.in_(list(recipients))))
    return {r.recipient: dict(r.dsn) for r in rows if r.dsn}
