"""The compiled rule set: what the loader produces and the engine evaluates.

Plain data, apart from both: the loader (:mod:`rules.loader`) validates a rules file into
these objects once per load or reload, and the engine (:mod:`rules.engine`), routing and
the console read them. Conditions are already compiled (:mod:`rules.conditions`), keyword
lists already one automaton (``matcher``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rules import conditions as c
from rules.disclaimers import OrgDisclaimers
from rules.matchers import KeywordMatcher
from rules.model import ApprovalNeed, Mode

ACTIONS = ("deliver", "reject", "quarantine", "warn", "tag", "copy_to", "notify", "score")


@dataclass
class SpamConfig:
    tag: float | None = 5.0
    quarantine: float | None = 10.0
    reject: float | None = 15.0
    subject_prefix: str = "[SPAM]"
    header: str | None = None  # e.g. X-Spam-Score: add the score as a header (the gateway adds its own)
    reject_message: str = "Message rejected as spam"
    review_group: str | None = None
    line: int = 0  # of review_group, for the directory checks


@dataclass
class Rule:
    name: str
    action: str
    when: c.Condition
    description: str = ""
    # the description per language (``description: {en: ..., zh-CN: ...}``); ``description`` is
    # the English one (or the first written), which notices and logs use when no language fits
    descriptions: dict[str, str] = field(default_factory=dict)
    priority: int = 0
    enabled: bool = True
    mode: Mode = Mode.ENFORCE
    message: str = ""
    code: int = 550
    enhanced: str = "5.7.1"
    review_group: str | None = None
    reviewers: tuple[str, ...] = ()
    approvals: int = 1
    comment_required: bool = False
    subject_prefix: str | None = None
    add_headers: tuple[tuple[str, str], ...] = ()
    copy_to: tuple[str, ...] = ()
    notify: tuple[str, ...] = ()
    score: float = 0.0
    stop: bool = False
    line: int = 0
    order: int = 0
    review: tuple[str, ...] = ()  # every review source, in file order (none dropped)
    needs: tuple[ApprovalNeed, ...] = ()  # who must approve (from approvals:)
    on_expiry: str = "reject"
    review_line: int = 0  # where review: / notify: are, for the directory checks of lint and reload
    notify_line: int = 0

    @property
    def per_recipient(self) -> bool:
        return self.when.per_recipient


@dataclass
class RuleSet:
    """Rules ordered by priority (highest first, then file order), plus shared matchers."""

    rules: list[Rule]
    spam: SpamConfig
    matcher: KeywordMatcher
    lists: dict[str, int] = field(default_factory=dict)
    address_lists: dict[str, tuple[str, ...]] = field(default_factory=dict)
    path: str = ""
    # the organisation's own: markers in them do not count
    disclaimers: OrgDisclaimers = field(default_factory=OrgDisclaimers)

    def rule(self, name: str) -> Rule:
        return next(r for r in self.rules if r.name == name)

