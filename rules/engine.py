"""Evaluate a compiled rule set against one message, per recipient.

Each recipient is judged with its own direction, so a message to a colleague and to a
customer can be delivered to the first and held for the second. Rules run in priority
order: rules that add a spam score run first (so rules and thresholds can test the total),
then the others. Every hit is recorded, audit-mode ones included; only enforced hits act.
Precedence between actions is reject > quarantine > deliver; ``stop`` ends evaluation for
the recipients the rule matched. A rule that requires a direction none of the remaining
recipients has (outbound DLP on internal mail) is skipped without evaluating it.
"""

from __future__ import annotations

from collections.abc import Iterable

from rules.conditions import All, Always, Condition, DirectionIs
from rules.content import ParsedMessage
from rules.evaluation import DirectoryView, EvaluationContext, State
from rules.model import (
    Action,
    ApprovalNeed,
    AuthResults,
    Direction,
    Envelope,
    Evidence,
    Hit,
    Mode,
    RecipientVerdict,
    RuleQuorum,
    SenderStats,
    Verdict,
    most_severe,
)
from rules.ruleset import Rule, RuleSet

__all__ = ["Engine", "EvaluationContext", "DirectoryView", "SenderStats", "AuthResults"]

SPAM_RULE = "spam-threshold"
_RULE_ACTION = {"reject": Action.REJECT, "quarantine": Action.QUARANTINE, "warn": Action.QUARANTINE}


def _dedupe(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


class _RecipientState:
    """Mutable bookkeeping for one recipient while rules run."""

    __slots__ = ("verdict", "stopped", "hard_hold")

    def __init__(self, verdict: RecipientVerdict) -> None:
        self.verdict = verdict
        self.stopped = False
        self.hard_hold = False  # a quarantine (not warn) hit: the sender may not self-release


def _once_per_message(when: Condition) -> Condition | None:
    """What is left of a rule's condition once the directions it requires are set apart,
    when that rest does not depend on the recipient (None otherwise).

    Most shipped rules are ``all: [direction: …, <content test>]``: per recipient only
    through their direction. The engine then picks the recipients by direction itself and
    asks the rest once per message, instead of asking the whole condition per direction.
    """
    if isinstance(when, DirectionIs):
        return Always()
    if not isinstance(when, All):
        return None
    rest = [c for c in when.items if not isinstance(c, DirectionIs)]
    if any(c.per_recipient for c in rest):
        return None
    if len(rest) == len(when.items):  # no direction at the top: a direction inside is per recipient
        return None
    return rest[0] if len(rest) == 1 else All(rest) if rest else Always()


class Engine:
    """Evaluates messages against one immutable :class:`RuleSet` (thread-safe)."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        # (rule, the directions it applies to or None for any, the condition asked once per
        # message for the recipients those directions pick, or None when it must be asked per
        # recipient), scoring rules first
        enabled = [(r, r.when.directions_needed(), _once_per_message(r.when) if r.per_recipient else r.when)
                   for r in ruleset.rules if r.enabled]
        self._phases = ([x for x in enabled if x[0].score], [x for x in enabled if not x[0].score])

    def evaluate(self, message: ParsedMessage, envelope: Envelope, ctx: EvaluationContext) -> Verdict:
        # recipients keep the spelling the gateway gave (it indexes verdict.recipients with
        # them); duplicates differing only in case are one recipient
        seen: dict[str, str] = {}
        for a in envelope.rcpt_tos:
            a = a.strip().strip("<>")
            if a and a.lower() not in seen:
                seen[a.lower()] = a
        rcpts = list(seen.values())
        sender = envelope.mail_from.strip().strip("<>").lower()
        directory = ctx.directory
        given = {k.lower(): Direction(v) for k, v in ctx.directions.items()}
        st = State(message, envelope, ctx, self.ruleset.matcher, rcpts, self.ruleset.disclaimers)
        pseudo = not rcpts
        if pseudo:  # no recipients (a lint/check run): judge as a single anonymous recipient
            rcpts = [""]
        for r in rcpts:
            st.directions[r] = given.get(r.lower()) or self._classify(directory, sender, r)
        states = {r: _RecipientState(RecipientVerdict(address=r, direction=st.directions[r])) for r in rcpts}
        verdict = Verdict(action=Action.DELIVER, direction=self._overall_direction(st.directions.values()))
        try:
            verdict.department = directory.department_of(sender) if sender else None
        except Exception:  # noqa: BLE001 - a directory bug must not stop screening
            verdict.department = None

        active = list(rcpts)  # recipients no ``stop`` rule has ended evaluation for yet
        direction = {r: str(d) for r, d in st.directions.items()}  # as rules name them
        live = {direction[r] for r in active}
        for phase in self._phases:
            for rule, needed, once in phase:
                if not active:
                    break
                if needed is not None and needed.isdisjoint(live):
                    continue  # it needs a direction no remaining recipient has: nobody can match
                if once is not None:  # the directions pick the recipients (some have one: live)
                    if needed is None or len(live) == 1:  # (one direction left, and it is needed)
                        matched = active
                    else:
                        matched = [r for r in active if direction[r] in needed]
                    evidence: list[Evidence] = []
                    if once.check(st, matched[0], evidence):
                        self._record(rule, matched, evidence, st, states, verdict)
                else:
                    matched, evidence = self._per_recipient(rule, active, st)
                    if matched:
                        self._record(rule, matched, evidence, st, states, verdict)
                if rule.stop:  # only a stop rule can end it for anyone
                    active = [r for r in active if not states[r].stopped]
                    live = {direction[r] for r in active}
        self._apply_spam(st, states, verdict)

        if not pseudo:
            verdict.recipients = {r: s.verdict for r, s in states.items()}
        overall = Action.DELIVER
        for s in states.values():
            overall = most_severe(overall, s.verdict.action)
            if s.verdict.reject_reply and verdict.reject_reply is None:
                verdict.reject_reply = s.verdict.reject_reply
        verdict.action = overall
        verdict.spam_score = round(st.spam_score, 3)
        verdict.findings = [*(message.findings if "_walk" in message.__dict__ else ()), *ctx.findings]
        verdict.copy_to = _dedupe(verdict.copy_to)
        verdict.notify = _dedupe(verdict.notify)
        return verdict

    # -- helpers -----------------------------------------------------------------------
    @staticmethod
    def _classify(directory: DirectoryView, sender: str, rcpt: str) -> Direction:
        """Fallback when the gateway gave no direction for a recipient."""
        s_in = bool(sender) and directory.is_internal(sender)
        r_in = bool(rcpt) and directory.is_internal(rcpt)
        if s_in and (r_in or not rcpt):
            return Direction.INTERNAL
        if s_in:
            return Direction.OUTBOUND
        return Direction.INBOUND

    @staticmethod
    def _overall_direction(dirs: Iterable[Direction]) -> Direction:
        ds = set(dirs)
        for d in (Direction.OUTBOUND, Direction.INBOUND):
            if d in ds:
                return d
        return Direction.INTERNAL

    @staticmethod
    def _per_recipient(rule: Rule, active: list[str], st: State) -> tuple[list[str], list[Evidence]]:
        """The recipients ``rule`` matches, asked one by one (once per direction when only
        the direction matters), and the evidence of the first."""
        evidence: list[Evidence] = []
        matched = []
        by_direction: dict[Direction, tuple[bool, list[Evidence]]] = {}
        for r in active:
            ev: list[Evidence] = []
            if rule.when.uses_address:
                ok = rule.when.check(st, r, ev)
            else:  # depends on the direction only: evaluate once per direction
                d = st.directions[r]
                if d not in by_direction:
                    by_direction[d] = (rule.when.check(st, r, ev), ev)
                ok, ev = by_direction[d]
            if ok:
                matched.append(r)
                if not evidence:
                    evidence = ev
        return matched, evidence

    def _record(self, rule: Rule, matched: list[str], evidence: list[Evidence], st: State,
                states: dict[str, _RecipientState], verdict: Verdict) -> None:
        """A hit of ``rule`` for the ``matched`` recipients, and (enforced) its actions."""
        enforce = rule.mode == Mode.ENFORCE
        hit = Hit(rule=rule.name, action=rule.action, mode=rule.mode, score=rule.score if enforce else 0.0,
                  evidence=_dedupe_evidence(evidence), description=rule.description,
                  recipients=tuple(r for r in matched if r))
        verdict.hits.append(hit)
        for r in matched:
            states[r].verdict.hits.append(hit)
        if not enforce:
            return
        st.spam_score += rule.score
        if rule.subject_prefix and verdict.subject_prefix is None:
            verdict.subject_prefix = rule.subject_prefix
        for h in rule.add_headers:
            if h not in verdict.add_headers:
                verdict.add_headers.append(h)
        verdict.copy_to.extend(rule.copy_to)
        verdict.notify.extend(rule.notify)
        action = _RULE_ACTION.get(rule.action)
        for r in matched:
            s = states[r]
            if action is not None:
                self._apply_action(rule, action, s)
            if rule.stop:
                s.stopped = True

    @staticmethod
    def _apply_action(rule: Rule, action: Action, s: _RecipientState) -> None:
        rv = s.verdict
        if action == Action.REJECT:
            rv.action = Action.REJECT
            if rv.reject_reply is None:
                rv.reject_reply = (rule.code, rule.enhanced, rule.message or f"Message refused by policy ({rule.name})")
            return
        rv.action = most_severe(rv.action, Action.QUARANTINE)
        if rule.action == "quarantine":
            s.hard_hold = True
        rv.sender_may_release = not s.hard_hold
        if rv.review_group is None and rule.review_group:
            rv.review_group = rule.review_group
        rv.reviewers = tuple(_dedupe(rv.reviewers + rule.reviewers))
        rv.required_approvals = max(rv.required_approvals, rule.approvals)
        _add_review(rv, rule.name, rule.review or ("default",), rule.needs, rule.on_expiry)
        rv.comment_required = rv.comment_required or rule.comment_required

    def _apply_spam(self, st: State, states: dict[str, _RecipientState], verdict: Verdict) -> None:
        cfg = self.ruleset.spam
        score = st.spam_score
        if cfg.header and score:
            verdict.add_headers.append((cfg.header, f"{score:g}"))
        level = None
        for name in ("reject", "quarantine", "tag"):
            threshold = getattr(cfg, name)
            if threshold is not None and score >= threshold and score > 0:
                level = name
                break
        if level is None:
            return
        targets = [r for r, s in states.items() if not s.stopped]
        if not targets:
            return
        hit = Hit(rule=SPAM_RULE, action=level, mode=Mode.ENFORCE, score=score,
                  evidence=[Evidence("message", f"spam score {score:g} >= {getattr(cfg, level):g}",
                                     kind="spam score")],
                  description=f"spam score over the {level} threshold", recipients=tuple(r for r in targets if r))
        verdict.hits.append(hit)
        if verdict.subject_prefix is None and cfg.subject_prefix:
            verdict.subject_prefix = cfg.subject_prefix
        for r in targets:
            s = states[r]
            s.verdict.hits.append(hit)
            if level == "reject":
                s.verdict.action = Action.REJECT
                s.verdict.reject_reply = s.verdict.reject_reply or (554, "5.7.1", cfg.reject_message)
            elif level == "quarantine":
                s.verdict.action = most_severe(s.verdict.action, Action.QUARANTINE)
                s.hard_hold = True
                s.verdict.sender_may_release = False
                if s.verdict.review_group is None:
                    s.verdict.review_group = cfg.review_group
                source = f"group:{cfg.review_group}" if cfg.review_group else "default"
                _add_review(s.verdict, SPAM_RULE, (source,), (ApprovalNeed((source,), 1),), "reject")


def _add_review(rv: RecipientVerdict, rule: str, review: tuple[str, ...], needs: tuple[ApprovalNeed, ...],
                on_expiry: str) -> None:
    """Every holding rule's reviewers are kept, and each rule's approvals must be met."""
    first = not rv.quorum
    rv.review = tuple(_dedupe(rv.review + review))
    if not any(q.rule == rule for q in rv.quorum):
        rv.quorum = (*rv.quorum, RuleQuorum(rule, needs or (ApprovalNeed(review, 1),)))
    # released on expiry only when every holding rule says so
    rv.on_expiry = on_expiry if first else ("release" if rv.on_expiry == on_expiry == "release" else "reject")


def _dedupe_evidence(items: list[Evidence]) -> list[Evidence]:
    return list(dict.fromkeys(items))
