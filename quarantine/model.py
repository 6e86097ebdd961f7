"""Value types of the quarantine: what a hold asks for, who decides, what a decision did."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class HoldRequest:
    """One message held for some of its recipients (one entry per recipient).

    ``routes`` maps each review source (``supervisor``, ``group:NAME``, an address...) to the
    people (addresses or patterns) it stood for when the message was held; ``quorum`` says
    what each holding rule needs, as ``[{"rule": NAME, "needs": [{"from": [SOURCE...],
    "count": N}]}]``. Without ``routes`` (older callers) the flat ``reviewers`` list is one
    source and ``required_approvals`` of them must approve.
    """

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
    routes: Mapping[str, Sequence[str]] | None = None
    quorum: Sequence[Mapping[str, Any]] = ()
    descriptions: Mapping[str, str] = field(default_factory=dict)  # rule -> description, for notices
    sender_vouched: bool = True  # the sender is ours and was trusted/authenticated: may be told
    # recipient -> the RFC 3461 parameters the client gave ({"ret", "envid", "notify", "orcpt"}):
    # kept with each entry so the released copy is delivered and reported on as asked
    dsn: Mapping[str, Mapping[str, str]] | None = None


@dataclass(frozen=True)
class Reviewer:
    """A person deciding: the account name (recorded), its role, and every mail address the
    account is bound to (routing and separation of duties are judged on these)."""

    name: str
    role: str | None = None
    addresses: frozenset[str] = frozenset()

    @classmethod
    def of(cls, actor: str | Reviewer) -> Reviewer:
        """A bare actor string is a person known only by that address (tests, tools)."""
        if isinstance(actor, Reviewer):
            return actor
        return cls(name=actor, addresses=frozenset({actor.lower()}) if "@" in actor else frozenset())


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
    override: bool = False


@dataclass(frozen=True)
class QuarantinePage:
    items: list[dict[str, Any]]
    total: int
    next: str | None
