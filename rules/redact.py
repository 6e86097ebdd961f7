"""Redaction of sensitive values in evidence snippets.

Reviewers need to see *that* a card number or identity number was there and roughly where,
never the value itself: a held message's evidence is stored, shown and logged. Masks keep
just enough to recognise the item (first/last four digits, four characters of a secret).
"""

from __future__ import annotations

import re

from rules.detectors import DETECTORS, Match, detect

_ALWAYS = ("payment_card", "cn_bank_card", "cn_id", "iban", "secret", "private_key", "cn_mobile")
_LONG_DIGITS = re.compile(r"\d(?:[ -]?\d){11,}")


def _mask_digits(value: str, keep_head: int, keep_tail: int) -> str:
    """Mask digits (and letters) except the first/last few, keeping separators."""
    idx = [i for i, c in enumerate(value) if c.isalnum()]
    keep = set(idx[:keep_head]) | set(idx[len(idx) - keep_tail:] if keep_tail else [])
    return "".join(c if (i in keep or not c.isalnum()) else "*" for i, c in enumerate(value))


def mask(kind: str, value: str) -> str:
    """The redacted form of one detected value."""
    if kind in ("payment_card", "cn_bank_card"):
        return _mask_digits(value, 4, 4)  # 4111 **** **** 1111
    if kind == "cn_id":
        return _mask_digits(value, 4, 4)  # 1101**********1234
    if kind == "iban":
        return _mask_digits(value, 4, 4)
    if kind == "cn_mobile":
        n = sum(c.isalnum() for c in value)
        return _mask_digits(value, n - 8 if n > 11 else 3, 4)  # 138****5678
    if kind == "private_key":
        return "-----BEGIN PRIVATE KEY----- [redacted] -----END PRIVATE KEY-----"
    if kind == "secret":
        return value[:4] + "*" * max(len(value) - 4, 4)
    return value


def redact_text(text: str, extra: list[Match] | None = None) -> str:
    """Mask every sensitive value the detectors find in ``text`` (plus ``extra`` matches),
    then any remaining run of 12+ digits (a value cut at the snippet's edge)."""
    matches: list[Match] = list(extra or [])
    for kind in _ALWAYS:
        if kind in DETECTORS:
            matches.extend(detect(kind, text))
    matches.sort(key=lambda m: (m.start, -m.end))
    out: list[str] = []
    pos = 0
    for m in matches:
        if m.start < pos:
            continue
        out.append(text[pos:m.start])
        out.append(mask(m.kind, text[m.start:m.end]))
        pos = m.end
    out.append(text[pos:])
    result = "".join(out)
    return _LONG_DIGITS.sub(lambda m: _mask_digits(m.group(), 4, 4), result)


def snippet(text: str, start: int, end: int, context: int = 40, match: Match | None = None) -> str:
    """A one-line, redacted excerpt of ``text`` around ``[start, end)``.

    The window is widened to whole tokens so a sensitive value is never cut in half (a half
    value would escape the detectors), then everything sensitive in it is masked.
    """
    s = max(0, start - context)
    e = min(len(text), end + context)
    while s > 0 and s > start - context - 40 and not text[s - 1].isspace():
        s -= 1
    while e < len(text) and e < end + context + 40 and not text[e].isspace():
        e += 1
    window = text[s:e]
    extra = [Match(match.kind, match.start - s, match.end - s, match.value)] if match else None
    red = redact_text(window, extra)
    red = " ".join(red.split())
    return ("…" if s > 0 else "") + red + ("…" if e < len(text) else "")
