"""Redaction of sensitive values in evidence snippets.

Reviewers need to see *that* a card number or identity number was there and roughly where,
never the value itself: a held message's evidence is stored, shown, mailed to reviewers and
logged. So the whole sensitive region is masked, not only what a detector matched: every
digit of a card or identity number but the last four; the secret key written next to an AWS
access key id (the id alone is harmless, the pair is a credential); the password in a URL;
a private key's body even when the snippet's window cut off its BEGIN or END line; and any
long base64 or hex run, which is how key material and tokens look.
"""

from __future__ import annotations

import re

from rules.detectors import DETECTORS, Match, detect

_ALWAYS = ("payment_card", "cn_bank_card", "cn_id", "iban", "secret", "private_key", "cn_mobile")
# 12+ digits, however written (spaces, dots, dashes, full-width): a value cut at the snippet's edge
_LONG_DIGITS = re.compile(r"\d(?:[ .\-\u00a0\u2009\u202f\u3000]?\d){11,}")
# an AWS secret access key: 40 characters of base64 alphabet, near its access key id
_AWS_SECRET = re.compile(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")
_AWS_PAIR_WINDOW = 200
# the password of scheme://user:password@host
_URL_PASSWORD = re.compile(r"(?i)\b[a-z][a-z0-9+.\-]{1,20}://[^\s/:@]{1,128}:([^\s/@]{1,256})@")
# a private key whose BEGIN or END line the window cut off, and key material generally
_PEM_BEGIN = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z ]*-----|\Z)")
_PEM_END = re.compile(r"\A[\s\S]*?-----END [A-Z ]*PRIVATE KEY(?: BLOCK)?-----")
_KEY_MATERIAL = re.compile(r"(?<![A-Za-z0-9+/=_\-])(?=[A-Za-z0-9+/=_\-]*\d)(?=[A-Za-z0-9+/=_\-]*[A-Za-z])"
                           r"[A-Za-z0-9+/=_\-]{32,}")
# kept of a token: the part that says what kind it is, never the secret part
_TOKEN_KIND = re.compile(r"^(?:AKIA|ASIA|gh[pousr]_|xox[abposr]-)")
_PEM_MASK = "-----BEGIN PRIVATE KEY----- [redacted] -----END PRIVATE KEY-----"


def _mask_digits(value: str, keep_head: int, keep_tail: int) -> str:
    """Mask digits (and letters) except the first/last few, keeping separators."""
    idx = [i for i, c in enumerate(value) if c.isalnum()]
    keep = set(idx[:keep_head]) | set(idx[len(idx) - keep_tail:] if keep_tail else [])
    return "".join(c if (i in keep or not c.isalnum()) else "*" for i, c in enumerate(value))


def _mask_secret(value: str) -> str:
    kind = _TOKEN_KIND.match(value)
    head = kind.end() if kind else 0
    return value[:head] + "*" * max(len(value) - head, 4)


def mask(kind: str, value: str) -> str:
    """The redacted form of one detected value."""
    if kind in ("payment_card", "cn_bank_card", "cn_id"):
        return _mask_digits(value, 0, 4)  # **** **** **** 1111
    if kind == "iban":
        return _mask_digits(value, 2, 4)  # the country, then the last four
    if kind == "cn_mobile":
        n = sum(c.isalnum() for c in value)
        return _mask_digits(value, n - 8 if n > 11 else 3, 4)  # 138****5678
    if kind == "private_key":
        return _PEM_MASK
    if kind == "secret":
        return _mask_secret(value)
    return value


def _regions(text: str) -> list[Match]:
    """Sensitive regions no detector reports whole: see the module docstring."""
    out: list[Match] = []
    if "://" in text:
        out += [Match("secret", m.start(1), m.end(1), m.group(1)) for m in _URL_PASSWORD.finditer(text)]
    if "PRIVATE KEY" in text:
        out += [Match("private_key", m.start(), m.end(), m.group()) for m in _PEM_BEGIN.finditer(text)]
        end = _PEM_END.match(text)
        if end is not None and "-----BEGIN" not in end.group():  # the window starts inside a key
            out.append(Match("private_key", 0, end.end(), end.group()))
    if "AKIA" in text or "ASIA" in text:
        for key_id in re.finditer(r"(?:AKIA|ASIA)[A-Z0-9]{16}", text):
            lo, hi = max(0, key_id.start() - _AWS_PAIR_WINDOW), key_id.end() + _AWS_PAIR_WINDOW
            out += [Match("secret", m.start(), m.end(), m.group()) for m in _AWS_SECRET.finditer(text, lo, hi)]
    out += [Match("secret", m.start(), m.end(), m.group()) for m in _KEY_MATERIAL.finditer(text)]
    return out


def redact_text(text: str, extra: list[Match] | None = None) -> str:
    """Mask every sensitive value and region in ``text`` (plus ``extra`` matches), then any
    remaining run of 12+ digits (a value cut at the snippet's edge)."""
    matches = [m for m in extra or () if m.kind in _ALWAYS]  # a match that masks nothing must hide nothing
    for kind in _ALWAYS:
        if kind in DETECTORS:
            matches.extend(detect(kind, text))
    matches.extend(_regions(text))
    matches.sort(key=lambda m: (m.start, -m.end))
    out: list[str] = []
    pos = 0
    for m in matches:
        if m.end <= pos:
            continue
        start = max(m.start, pos)  # overlapping regions: mask the union
        out.append(text[pos:start])
        out.append(mask(m.kind, text[start:m.end]) if start == m.start else "*" * (m.end - start))
        pos = m.end
    out.append(text[pos:])
    result = "".join(out)
    return _LONG_DIGITS.sub(lambda m: _mask_digits(m.group(), 0, 4), result)


def snippet(text: str, start: int, end: int, context: int = 40, match: Match | None = None) -> str:
    """A one-line, redacted excerpt of ``text`` around ``[start, end)`` (see :func:`excerpt`)."""
    return excerpt(text, start, end, context, match)[0]


_NON_SPACE = re.compile(r"\S+")


def _squeeze(text: str, start: int, end: int) -> tuple[str, tuple[int, int] | None]:
    """``" ".join(text.split())`` and where ``[start, end)`` of ``text`` went in it (None when
    the span held only whitespace). Token by token (every excerpt of every evidence line
    passes here: a loop per character cost more than the detectors that found the match)."""
    tokens: list[str] = []
    pos = 0  # where the next token starts in the squeezed text
    lo = hi = -1
    for m in _NON_SPACE.finditer(text):
        ts, te = m.span()
        if tokens:
            pos += 1
        if max(ts, start) < min(te, end):
            if lo < 0:
                lo = pos + max(0, start - ts)
            hi = pos + min(end, te) - ts
        tokens.append(m.group())
        pos += te - ts
    return " ".join(tokens), ((lo, hi) if lo >= 0 else None)


def excerpt(text: str, start: int, end: int, context: int = 40,
            match: Match | None = None) -> tuple[str, tuple[int, int] | None]:
    """A one-line, redacted excerpt of ``text`` around ``[start, end)``, and where the match
    is in it (the span a reviewer's page highlights; None when it cannot be told).

    The window is widened to whole tokens so a sensitive value is never cut in half (a half
    value would escape the detectors), then everything sensitive in it is masked. Masks keep
    a value's length (but a private key's), so the match's offsets hold through redaction;
    when they would not, no span is given rather than a wrong one.
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
    squeezed, span = _squeeze(red, max(0, start - s), min(len(window), end - s))
    if len(red) != len(window) or span is None:
        span = None
    lead = "…" if s > 0 else ""
    if span is not None and lead:
        span = (span[0] + 1, span[1] + 1)
    return lead + squeezed + ("…" if e < len(text) else ""), span
