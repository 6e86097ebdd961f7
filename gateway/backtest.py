"""Backtest: what a candidate rules file would have done to the archive of the last N days.

An administrator never deploys a rule blind. Each message accepted in the period is read back
from the archive (decrypted and verified), screened by the candidate rules exactly as
``mailwarden check`` screens (same parser, same screening budget, the live directory), and its
overall action compared with the verdict archived when it arrived. Per rule it reports what
would change: newly held, newly released, newly rejected, with sample record ids (never
content). The result is counts, rule names and ids, so it can be kept in the jobs table.

Records of other events (``released``, ``imported``, notices re-archived) are not messages
arriving and are left out; so are messages the archive cannot open (reported as errors).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from archive import tables as at
from gateway.extraction_pool import ExtractionPool
from gateway.policy import Policy, check
from gateway.routing_check import routing_problems
from rules.engine import Engine
from rules.loader import RuleSetError, load_ruleset
from rules.model import Action, Mode, Verdict

SAMPLES = 25                      # record ids kept per rule and change
CHANGES = ("newly_held", "newly_released", "newly_rejected")
_ARCHIVED = {"delivered": Action.DELIVER, "queued": Action.DELIVER, "quarantined": Action.QUARANTINE,
             "rejected": Action.REJECT}
_HOLDING = {"quarantine", "warn"}
NO_RULE = "(no rule)"

Progress = Callable[[int, int | None], None]


def candidate_policy(path: Path, live: Policy) -> Policy:
    """The candidate rules with the live directory; raises RuleSetError (file:line) as reload does."""
    ruleset = load_ruleset(path)
    problems = routing_problems(ruleset, live.directory)
    if problems:
        raise RuleSetError(problems[0], problems)
    return Policy(engine=Engine(ruleset), directory=live.directory, generation=0)


def _acting(verdict: Verdict, actions: set[str]) -> list[str]:
    """Rules enforced with one of ``actions`` (the ones that made the candidate's verdict)."""
    return list(dict.fromkeys(h.rule for h in verdict.hits if h.mode == Mode.ENFORCE and h.action in actions))


def _change(old: Action, new: Action) -> str | None:
    if new == old:
        return None
    if new == Action.REJECT:
        return "newly_rejected"
    if new == Action.QUARANTINE:
        return "newly_held"
    return "newly_released"


class Tally:
    """Per rule and change: a count and the first sample ids."""

    def __init__(self) -> None:
        self.rules: dict[str, dict[str, Any]] = {}

    def _rule(self, name: str) -> dict[str, Any]:
        return self.rules.setdefault(name, {"hits": 0, **{c: {"count": 0, "samples": []} for c in CHANGES}})

    def hit(self, name: str) -> None:
        self._rule(name)["hits"] += 1

    def add(self, name: str, change: str, record_id: int) -> None:
        slot = self._rule(name)[change]
        slot["count"] += 1
        if len(slot["samples"]) < SAMPLES:
            slot["samples"].append(record_id)


def backtest(engine: sa.Engine, archive: Any, policy: Policy, days: float, *, rules_file: str = "",
             extraction: ExtractionPool | None = None, progress: Progress | None = None,
             now: float | None = None) -> dict[str, Any]:
    """Screen every message accepted in the last ``days`` with ``policy``; see the module doc."""
    if not days > 0:
        raise ValueError("days must be more than 0")
    now = time.time() if now is None else now
    since = now - days * 86400.0
    r = at.records.c
    query = (sa.select(r.id, r.mail_from, r.rcpt_tos, r.direction, r.verdict, r.rules)
             .where(r.event == "accepted", r.received_at >= since, r.received_at <= now).order_by(r.id))
    with engine.connect() as conn:
        rows = list(conn.execute(query))
    tally = Tally()
    totals = dict.fromkeys(("checked", "unchanged", *CHANGES), 0)
    errors: list[dict[str, Any]] = []
    for done, row in enumerate(rows, 1):
        old = _ARCHIVED.get(row.verdict or "")
        try:
            raw = archive.open(row.id)
            verdict = check(policy, raw, row.mail_from, list(row.rcpt_tos),
                            trusted_client=row.direction != "inbound", extraction=extraction)
        except Exception as exc:  # noqa: BLE001 - one unreadable record does not stop the backtest
            errors.append({"id": row.id, "error": (str(exc) or type(exc).__name__)[:300]})
        else:
            totals["checked"] += 1
            for name in dict.fromkeys(h.rule for h in verdict.hits):
                tally.hit(name)
            change = None if old is None else _change(old, verdict.action)
            if change is None:
                totals["unchanged"] += 1
            else:
                totals[change] += 1
                if change == "newly_released":
                    now_acting = set(_acting(verdict, _HOLDING | {"reject"}))
                    names = [n for n in row.rules if n not in now_acting] or [NO_RULE]
                else:
                    names = _acting(verdict, {"reject"} if change == "newly_rejected" else _HOLDING) or [NO_RULE]
                for name in names:
                    tally.add(name, change, int(row.id))
        if progress is not None:
            progress(done, len(rows))
    return {"rules_file": rules_file, "days": days, "since": since, "until": now, "messages": len(rows),
            "totals": totals, "rules": dict(sorted(tally.rules.items())), "errors": errors[:100],
            "error_count": len(errors)}


def format_result(result: dict[str, Any]) -> list[str]:
    """The CLI's and the plain-text report's lines (the same figures the console shows)."""
    totals = result["totals"]
    lines = [f"backtest of {result['rules_file'] or 'the candidate rules'} over the last {result['days']:g} days: "
             f"{result['messages']} messages, {totals['checked']} checked, {totals['unchanged']} unchanged, "
             f"{totals['newly_held']} newly held, {totals['newly_released']} newly released, "
             f"{totals['newly_rejected']} newly rejected, {result['error_count']} unreadable"]
    for name, figures in result["rules"].items():
        changes = [f"{c.replace('_', ' ')} {figures[c]['count']} "
                   f"[{' '.join(str(i) for i in figures[c]['samples'])}]" for c in CHANGES if figures[c]["count"]]
        lines.append(f"  {name}: {figures['hits']} hits" + ("; " + "; ".join(changes) if changes else ""))
    for error in result["errors"]:
        lines.append(f"  record {error['id']}: {error['error']}")
    return lines
