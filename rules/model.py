"""Value types shared by the whole rules package and by its callers.

Everything here is a plain dataclass or enum so that the gateway, the quarantine and the
admin API can hold a verdict without knowing how it was computed. Nothing in this module
may carry a full sensitive value: evidence snippets are redacted before they get here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Direction(StrEnum):
    """Which way a message travels, seen from the organisation (per recipient)."""

    INTERNAL = "internal"
    OUTBOUND = "outbound"
    INBOUND = "inbound"


class Action(StrEnum):
    """What happens to a message for one recipient. ``warn`` is a QUARANTINE with
    ``sender_may_release``; ``tag``/``copy_to``/``notify`` are side effects of DELIVER."""

    DELIVER = "deliver"
    QUARANTINE = "quarantine"
    REJECT = "reject"

    @property
    def rank(self) -> int:
        """Severity used for precedence: reject > quarantine > deliver."""
        return _RANK[self]


_RANK = {Action.DELIVER: 0, Action.QUARANTINE: 1, Action.REJECT: 2}


def most_severe(a: Action, b: Action) -> Action:
    """The action that wins when two rules disagree."""
    return a if a.rank >= b.rank else b


class Mode(StrEnum):
    """``audit`` records a hit without acting on it (for trying a rule before enforcing)."""

    ENFORCE = "enforce"
    AUDIT = "audit"


@dataclass(frozen=True)
class Envelope:
    """The SMTP envelope as the gateway received it."""

    mail_from: str  # "" for the null sender
    rcpt_tos: tuple[str, ...]
    client_ip: str = ""
    helo: str = ""
    authenticated_user: str | None = None


@dataclass(frozen=True)
class SenderStats:
    """Per-sender counters over the last hour, kept by the gateway in its database.

    The counts should include the message being evaluated, so a limit of ``gt: 100`` fires
    on the 101st message.
    """

    messages_last_hour: int = 0
    recipients_last_hour: int = 0
    external_recipients_last_hour: int = 0


@dataclass(frozen=True)
class AuthResults:
    """Results of sender authentication computed by the gateway (RFC 8601 result words:
    pass, fail, softfail, neutral, none, temperror, permerror)."""

    spf: str = "none"
    dkim: str = "none"
    dmarc: str = "none"
    # What the From domain's DMARC policy asks for this message: none (passed, no policy,
    # or not enforced), quarantine or reject; after sp (subdomains) and pct (sampling).
    dmarc_policy: str = "none"


@dataclass(frozen=True)
class Evidence:
    """Where a rule matched and a redacted snippet around the match.

    ``where`` is ``subject``, ``body``, ``header:<Name>``, ``envelope`` or
    ``attachment:<path inside archives>``. ``snippet`` never holds a full sensitive value.
    """

    where: str
    snippet: str
    # a detector's or marker's confidence (high/medium/low) and what decided it; empty for
    # conditions that have none (a header, an address)
    confidence: str = ""
    context: str = ""
    # where in ``snippet`` the match is ([start, end), after redaction): what a reviewer's
    # page highlights, whatever matched (a regex, a detector's masked value, a keyword the
    # normaliser folded from its full-width or traditional form)
    mark: tuple[int, int] | None = None
    # what kind of finding it is (a detector's name such as ``payment_card``, ``keyword
    # marker``, ``scam``, ``rspamd``...): the code the archive's screening summary keeps
    # (gateway/screening_summary.py); not part of the quarantine's evidence JSON
    kind: str = field(default="", compare=False)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"where": self.where, "snippet": self.snippet}
        if self.confidence:
            out["confidence"] = self.confidence
            out["context"] = self.context
        if self.mark is not None:
            out["mark"] = list(self.mark)
        return out


@dataclass
class Hit:
    """One rule that matched (for at least one recipient), enforced or audited."""

    rule: str
    action: str  # the rule's action word: deliver/reject/quarantine/warn/tag/copy_to/notify/score
    mode: Mode = Mode.ENFORCE
    score: float = 0.0
    evidence: list[Evidence] = field(default_factory=list)
    description: str = ""
    recipients: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "action": self.action,
            "mode": str(self.mode),
            "score": self.score,
            "description": self.description,
            "recipients": list(self.recipients),
            "evidence": [e.to_json() for e in self.evidence],
        }


@dataclass(frozen=True)
class ApprovalNeed:
    """``count`` distinct people from any of ``sources`` must approve (review sources as a
    rule names them: ``supervisor``, ``group:NAME``, ``department:NAME``, an address, or
    ``default`` when the rule named none)."""

    sources: tuple[str, ...]
    count: int

    def to_json(self) -> dict[str, Any]:
        return {"from": list(self.sources), "count": self.count}


@dataclass(frozen=True)
class RuleQuorum:
    """What one holding rule needs before the message may leave: every need at once, each by
    different people. Each rule that held a message is satisfied on its own."""

    rule: str
    needs: tuple[ApprovalNeed, ...]

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "needs": [n.to_json() for n in self.needs]}


@dataclass
class RecipientVerdict:
    """The decision for one recipient.

    Review routing for QUARANTINE: ``review_group`` is a directory group name chosen by the
    rule (e.g. ``compliance-team``); when it is None the message is held for the sender's
    supervisor (``Verdict.department``'s supervisors). ``reviewers`` are explicit addresses a
    rule named. ``required_approvals`` > 1 is four-eyes release.

    ``review`` keeps every review source of every rule that held the recipient (none is
    dropped), ``quorum`` what each of those rules needs, and ``on_expiry`` what happens when
    nobody decides in time (``reject`` unless every holding rule says ``release``).
    """

    address: str
    direction: Direction
    action: Action = Action.DELIVER
    hits: list[Hit] = field(default_factory=list)
    review_group: str | None = None
    reviewers: tuple[str, ...] = ()
    sender_may_release: bool = False
    required_approvals: int = 1
    comment_required: bool = False
    reject_reply: tuple[int, str, str] | None = None
    review: tuple[str, ...] = ()
    quorum: tuple[RuleQuorum, ...] = ()
    on_expiry: str = "reject"

    @property
    def rules(self) -> list[str]:
        return [h.rule for h in self.hits]

    def to_json(self) -> dict[str, Any]:
        return {
            "action": str(self.action),
            "direction": str(self.direction),
            "rules": self.rules,
            "review_group": self.review_group,
            "reviewers": list(self.reviewers),
            "sender_may_release": self.sender_may_release,
            "required_approvals": self.required_approvals,
            "comment_required": self.comment_required,
            "review": list(self.review),
            "quorum": [q.to_json() for q in self.quorum],
            "on_expiry": self.on_expiry,
            "reject_reply": list(self.reject_reply) if self.reject_reply else None,
        }


@dataclass
class Verdict:
    """The outcome of evaluating one message for all its recipients."""

    action: Action
    direction: Direction
    recipients: dict[str, RecipientVerdict] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    reject_reply: tuple[int, str, str] | None = None
    spam_score: float = 0.0
    add_headers: list[tuple[str, str]] = field(default_factory=list)
    subject_prefix: str | None = None
    copy_to: list[str] = field(default_factory=list)
    notify: list[str] = field(default_factory=list)  # "sender", "supervisor" or addresses
    department: str | None = None  # the sender's department (whose supervisors review)
    findings: list[str] = field(default_factory=list)

    @property
    def rules(self) -> list[str]:
        """Names of every rule that hit (enforced and audited)."""
        return [h.rule for h in self.hits]

    def recipients_with(self, action: Action) -> list[str]:
        return [a for a, rv in self.recipients.items() if rv.action == action]

    def to_json(self) -> dict[str, Any]:
        """The ``mailwarden check`` output shape (JSON-serialisable, redacted)."""
        return {
            "action": str(self.action),
            "direction": str(self.direction),
            "spam_score": self.spam_score,
            "department": self.department,
            "reject_reply": list(self.reject_reply) if self.reject_reply else None,
            "subject_prefix": self.subject_prefix,
            "add_headers": [list(h) for h in self.add_headers],
            "copy_to": list(self.copy_to),
            "notify": list(self.notify),
            "findings": list(self.findings),
            "recipients": {a: rv.to_json() for a, rv in self.recipients.items()},
            "hits": [h.to_json() for h in self.hits],
        }
