"""The findings vocabulary for content the screening could not read (fail closed).

Every limit the parser or an extractor hits becomes ``uninspectable: <reason>`` in
``ParsedMessage.findings``, so one rule (``finding: uninspectable``, or a list of the exact
strings) can hold whatever was not read, whichever part of the code gave up on it.
"""

from __future__ import annotations

UNINSPECTABLE = "uninspectable"

TOO_DEEP = "too deep"
TOO_MANY_PARTS = "too many parts"
TRUNCATED = "truncated"
ENCRYPTED = "encrypted"
TIMEOUT = "timeout"
CORRUPT = "corrupt"
UNSUPPORTED = "unsupported"

REASONS = (TOO_DEEP, TOO_MANY_PARTS, TRUNCATED, ENCRYPTED, TIMEOUT, CORRUPT, UNSUPPORTED)


def uninspectable(reason: str) -> str:
    """The finding for content left unread for ``reason`` (one of :data:`REASONS`)."""
    if reason not in REASONS:
        raise ValueError(f"unknown uninspectable reason {reason!r}; expected one of {', '.join(REASONS)}")
    return f"{UNINSPECTABLE}: {reason}"


def is_uninspectable(finding: str) -> bool:
    return finding.startswith(UNINSPECTABLE + ":")


# Findings the parser reported before this vocabulary, as rule files may still name them:
# a rule written for the old name keeps matching (a rename must never turn a hold into a pass).
LEGACY_FINDINGS = {
    "undecodable part": uninspectable(CORRUPT),
    "message too deep": uninspectable(TOO_DEEP),
    "too many parts": uninspectable(TOO_MANY_PARTS),
}
