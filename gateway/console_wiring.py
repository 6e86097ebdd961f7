"""What the console's pages need from the gateway, handed to the API as plain callables
(the API imports nothing of the gateway): the words a rule looks for, to highlight them in
the evidence, and the delivery attempts (and DSNs) of a released entry, for its timeline."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa

from gateway import attempts
from gateway.policy import PolicyHolder
from gateway.tables import queue as queue_table
from rules.engine import SPAM_RULE


def _list_ids(cond: Any, seen: set[int] | None = None) -> set[int]:
    """Every keyword list a rule's condition tree names (``list_ids`` and ``near`` lists)."""
    ids: set[int] = set() if seen is None else seen
    ids.update(getattr(cond, "list_ids", ()) or ())
    ids.update(getattr(cond, "near_lists", ()) or ())
    for child in list(getattr(cond, "items", ()) or ()) + [getattr(cond, "item", None)]:
        if child is not None and child is not cond:
            _list_ids(child, ids)
    return ids


def rule_terms(policy: PolicyHolder) -> Callable[[str], list[str]]:
    """rule name -> its keyword terms in the live rules (none for an unknown rule)."""

    def terms(rule: str) -> list[str]:
        ruleset = policy.current.engine.ruleset
        for r in ruleset.rules:
            if r.name == rule:
                ids = _list_ids(r.when)
                return ruleset.matcher.terms(ids) if ids else []
        return []

    return terms


def rule_description(policy: PolicyHolder) -> Callable[[str, str | None], str]:
    """(rule, language) -> the rule's description in that language (``zh_CN``, ``zh-CN`` and
    ``en`` alike), else its default description, else its name."""

    def describe(rule: str, language: str | None = None) -> str:
        if rule == SPAM_RULE:
            return rule
        for r in policy.current.engine.ruleset.rules:
            if r.name == rule:
                texts = getattr(r, "descriptions", None) or {}
                tag = (language or "").replace("_", "-")
                for key in (tag, tag.split("-")[0]):
                    for name, text in texts.items():
                        if key and name.lower() == key.lower():
                            return text
                return r.description or r.name
        return rule

    return describe


def delivery_events(engine: sa.Engine) -> Callable[[Mapping[str, Any]], list[dict[str, Any]]]:
    """entry -> the deliveries of its released copy (same message, same recipient, origin
    ``released``): when queued, then each attempt (hop, TLS, result, reply) and each DSN sent
    (gateway/attempts.py)."""
    q = queue_table.c

    def events(entry: Mapping[str, Any]) -> list[dict[str, Any]]:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.select(q.id, q.archive_id, q.recipient, q.status, q.attempts, q.created_at, q.finished_at,
                          q.next_attempt_at, q.last_code, q.last_error)
                .where(q.digest == entry["digest"], q.origin == "released",
                       sa.func.lower(q.recipient) == str(entry["recipient"]).lower())
                .order_by(q.id)
            ).mappings().all()
        logged = attempts.read(engine, queue_ids=[r["id"] for r in rows]) if rows else []
        return attempts.timeline_deliveries(rows, logged)

    return events
