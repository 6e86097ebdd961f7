"""Which rules count a message as spam or as malware on the dashboard — read from what each
rule tests, not from its name.

The dashboard's first version went by rule names (``malware``, ``gtube``…), so an
administrator's own rule — ``virus-from-partners`` testing ``finding: malware``, say — was never
counted, and a rule merely named ``anti-malware-banner`` was. Here a rule is *malware* when its
condition tests the scanner's ``malware`` finding, and *spam* when it is one of the rules that
hold mail as spam for learning (``engines.rspamd.spam_rules``, by default the score threshold,
GTUBE and Rspamd's reject) or when its own score alone reaches the spam tag threshold (GTUBE's
1000). A rule that merely adds to the score is a signal, not a spam count.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from rules.conditions import Condition, FindingCond
from rules.content_conditions import GtubeCond
from rules.engine import SPAM_RULE
from rules.loader import Rule, RuleSet


def _conditions(cond: Condition) -> Iterator[Condition]:
    """``cond`` and every condition nested in it (All, Any, Not and whatever composes them)."""
    yield cond
    for value in vars(cond).values():
        children = value if isinstance(value, (list, tuple)) else (value,)
        for child in children:
            if isinstance(child, Condition):
                yield from _conditions(child)


def rule_category(rule: Rule, spam_rules: frozenset[str], tag_threshold: float | None) -> str | None:
    conds = list(_conditions(rule.when))
    if any(isinstance(c, FindingCond) and any(n.split(":", 1)[0].strip() == "malware" for n in c.names)
           for c in conds):
        return "malware"
    if rule.name in spam_rules or any(isinstance(c, GtubeCond) for c in conds):
        return "spam"
    if tag_threshold is not None and rule.score >= tag_threshold > 0:
        return "spam"
    return None


def categoriser(current: Callable[[], RuleSet], spam_rules: Iterable[str]) -> Callable[[str], str | None]:
    """rule name -> "spam" | "malware" | None, against the live rules at each call (a reload
    that adds a rule counts it from then on; a retired rule's name counts as it last did)."""
    spam = frozenset(spam_rules) | {SPAM_RULE}
    remembered: dict[str, str | None] = {}

    def category(name: str) -> str | None:
        ruleset = current()
        rule = next((r for r in ruleset.rules if r.name == name), None)
        if rule is None:
            return remembered.get(name, "spam" if name in spam else None)
        remembered[name] = rule_category(rule, spam, ruleset.spam.tag)
        return remembered[name]

    return category
