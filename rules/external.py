"""What external engines (ClamAV, Rspamd) said about a message, as the rules see it.

The gateway asks the engines (``gateway/engines/``) and hands their answers in here: a
virus is the finding ``malware: <signature>`` (``finding: malware`` matches every one), an
engine that could not answer is ``scanner unavailable: <engine>``, and Rspamd's score,
action and symbols are a :class:`RspamdResult` that ``rspamd:`` and ``rspamd_symbol:``
conditions test. Rspamd only advises: mailwarden's own rules decide what happens.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MALWARE = "malware"
SCANNER_UNAVAILABLE = "scanner unavailable"

# Rspamd's actions, mildest first (https://rspamd.com/doc/faq.html#what-are-rspamd-actions)
RSPAMD_ACTIONS = ("no action", "greylist", "add header", "rewrite subject", "soft reject", "reject")


def malware(signature: str) -> str:
    """The finding for a virus signature (names are ClamAV's, e.g. ``Eicar-Test-Signature``)."""
    return f"{MALWARE}: {' '.join(signature.split())[:200] or 'unknown'}"


def malware_findings(findings: list[str] | tuple[str, ...]) -> list[str]:
    """The ``malware: <signature>`` findings among ``findings`` (kept with the archive
    record, so a signature is searchable as a rule)."""
    return [f for f in findings if f.startswith(f"{MALWARE}:")]


def scanner_unavailable(engine: str) -> str:
    """The finding for an engine that was down, too slow or answered nonsense."""
    return f"{SCANNER_UNAVAILABLE}: {engine}"


@dataclass(frozen=True)
class RspamdResult:
    """Rspamd's ``/checkv2`` answer: its score, the action it suggests and its symbols
    (name -> score)."""

    score: float
    action: str
    required_score: float = 0.0
    symbols: dict[str, float] = field(default_factory=dict)
