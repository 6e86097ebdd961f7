"""The value a detector reports, with how sure it is and why.

Kept apart from :mod:`rules.detectors` so the detector families (cards, secrets, markers)
can each live in their own module and still share it.
"""

from __future__ import annotations

from dataclasses import dataclass

LOW, MEDIUM, HIGH = "low", "medium", "high"
LEVELS = {LOW: 1, MEDIUM: 2, HIGH: 3}
"""Confidence levels in order: a rule's ``confidence:`` is a minimum."""


@dataclass(frozen=True)
class Match:
    """One detected value: ``kind`` (detector name), ``start``/``end`` in the scanned text.

    ``confidence`` is high / medium / low, as Purview's sensitive information types grade a
    match: the checksum and format alone give low, corroborating evidence and context words
    raise it. ``context`` says in a few words what decided it (shown in evidence, never the
    value itself)."""

    kind: str
    start: int
    end: int
    value: str
    confidence: str = HIGH
    context: str = ""


def at_least(level: str, minimum: str) -> bool:
    """Whether ``level`` reaches ``minimum``."""
    return LEVELS[level] >= LEVELS[minimum]


def raise_level(level: str, steps: int = 1) -> str:
    """``level`` raised by ``steps`` (capped at high; negative steps lower it, floored at low)."""
    n = min(3, max(1, LEVELS[level] + steps))
    return (LOW, MEDIUM, HIGH)[n - 1]
