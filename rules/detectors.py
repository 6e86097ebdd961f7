"""Detectors of sensitive values that are *checked*, not just pattern-matched.

A 16-digit run is not a card number unless it passes Luhn, carries an issuer prefix and has
that issuer's length; an 18-character string is not a PRC identity number unless its GB 11643
check character, birth date and region agree. This keeps timestamps, order numbers and phone
numbers out of the evidence. Each detector returns :class:`Match` objects with positions so
rules can count them and look for keywords nearby.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from rules.textview import detector_view


@dataclass(frozen=True)
class Match:
    """One detected value: ``kind`` (detector name), ``start``/``end`` in the scanned text."""

    kind: str
    start: int
    end: int
    value: str


# -- payment cards ------------------------------------------------------------------------

def luhn_ok(digits: str) -> bool:
    """Luhn (mod 10) checksum over a string of digits."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def card_issuer(digits: str) -> str | None:
    """Issuer of a card number when its prefix *and* length fit that issuer, else None."""
    n = len(digits)
    p2 = int(digits[:2])
    p3 = int(digits[:3])
    p4 = int(digits[:4])
    if digits[0] == "4" and n in (16, 19):
        return "visa"
    if (51 <= p2 <= 55 or 2221 <= p4 <= 2720) and n == 16:
        return "mastercard"
    if p2 in (34, 37) and n == 15:
        return "amex"
    if (p4 == 6011 or p2 == 65 or 644 <= p3 <= 649) and 16 <= n <= 19:
        return "discover"
    if 3528 <= p4 <= 3589 and 16 <= n <= 19:
        return "jcb"
    if (300 <= p3 <= 305 or p2 in (36, 38)) and 14 <= n <= 19:
        return "diners"
    if p2 == 62 and 16 <= n <= 19:
        return "unionpay"
    return None


# runs of 14-19 digits optionally separated by one consistent space, dash or dot, not
# touching other digits (or digit-separator-digit continuations). ASCII digits: the text is
# folded first (rules/textview.py), so full-width digits arrive as ASCII.
_SEPARATORS = " -."
_CARD_RE = re.compile(r"[0-9](?:[ .-]?[0-9]){13,18}")


def _digit_at(text: str, i: int) -> bool:
    return 0 <= i < len(text) and text[i].isdigit()


def _isolated_run(text: str, start: int, end: int) -> bool:
    """The digit run [start, end) does not continue into neighbouring digits, directly or
    across a single separator (so it is not part of a longer number)."""
    if _digit_at(text, start - 1) or _digit_at(text, end):
        return False
    if start >= 2 and text[start - 1] in _SEPARATORS and _digit_at(text, start - 2):
        return False
    return not (end + 1 < len(text) and text[end] in _SEPARATORS and _digit_at(text, end + 1))


def _card_runs(text: str) -> list[re.Match[str]]:
    return [m for m in _CARD_RE.finditer(text) if _isolated_run(text, m.start(), m.end())]


def _separated_digits(s: str) -> str | None:
    """Digits of ``s`` when its separators are consistent (all spaces, dashes or dots)."""
    seps = {c for c in s if not c.isdigit()}
    if len(seps) > 1:
        return None
    if seps:
        groups = s.split(seps.pop())
        if len(groups) < 3 or any(len(g) < 3 or len(g) > 6 for g in groups):
            return None
    return re.sub(r"\D", "", s)


def find_payment_cards(text: str) -> list[Match]:
    out = []
    for m in _card_runs(text):
        digits = _separated_digits(m.group())
        if not digits or len(set(digits)) == 1:
            continue
        if card_issuer(digits) and luhn_ok(digits):
            out.append(Match("payment_card", m.start(), m.end(), m.group()))
    return out


def find_cn_bank_cards(text: str) -> list[Match]:
    """UnionPay-issued (62…) bank card numbers of 16-19 digits passing Luhn."""
    out = []
    for m in _card_runs(text):
        digits = _separated_digits(m.group())
        if digits and digits.startswith("62") and 16 <= len(digits) <= 19 and luhn_ok(digits):
            out.append(Match("cn_bank_card", m.start(), m.end(), m.group()))
    return out


# -- PRC resident identity number (GB 11643-1999) -----------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# 18 characters, or 6-8-4 groups joined by one kind of separator (110101 19900307 123X)
_ID_RE = re.compile(r"[1-8][0-9]{16}[0-9Xx]|[1-8][0-9]{5}([ .-])[0-9]{8}\1[0-9]{3}[0-9Xx]")


def cn_id_ok(value: str, today: date | None = None) -> bool:
    """GB 11643 check character, birth date in 1900..today and region first digit 1-8."""
    if len(value) != 18 or not value[:17].isdigit() or value[0] not in "12345678":
        return False
    total = sum(int(c) * w for c, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != value[17].upper():
        return False
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= (today or date.today())


def find_cn_ids(text: str) -> list[Match]:
    out = []
    for m in _ID_RE.finditer(text):
        s, e = m.start(), m.end()
        if (s > 0 and _ascii_alnum(text[s - 1])) or (e < len(text) and _ascii_alnum(text[e])):
            continue
        if s >= 2 and text[s - 1] in _SEPARATORS and text[s - 2].isdigit():
            continue  # part of a longer grouped number
        if cn_id_ok(m.group() if m.group(1) is None else m.group().replace(m.group(1), "")):
            out.append(Match("cn_id", s, e, m.group()))
    return out


def _ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


# -- IBAN (ISO 13616) -----------------------------------------------------------------------

IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18,
    "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24,
    "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24,
    "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}
_IBAN_RE = re.compile(r"(?<![A-Za-z0-9])([A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30})(?![A-Za-z0-9])")


def iban_ok(value: str) -> bool:
    """Country length table and mod-97 == 1."""
    s = value.replace(" ", "").upper()
    if IBAN_LENGTHS.get(s[:2]) != len(s) or not s.isalnum():
        return False
    rearranged = s[4:] + s[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def find_ibans(text: str) -> list[Match]:
    out = []
    for m in _IBAN_RE.finditer(text):
        value = m.group(1)
        # a trailing word may have been swallowed by the optional spaces: trim to the table length
        compact = value.replace(" ", "")
        want = IBAN_LENGTHS.get(compact[:2])
        if want is None or len(compact) < want:
            continue
        if len(compact) > want:
            taken, end = 0, m.start(1)
            for i, ch in enumerate(value):
                if ch != " ":
                    taken += 1
                if taken == want:
                    end = m.start(1) + i + 1
                    break
            value = text[m.start(1):end]
            if end < len(text) and text[end].isalnum():
                continue
        if iban_ok(value):
            out.append(Match("iban", m.start(1), m.start(1) + len(value), value))
    return out


# -- PRC mobile numbers, emails -------------------------------------------------------------

_MOBILE_RE = re.compile(r"(?<![\d+])(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?!\d)")


def find_cn_mobiles(text: str) -> list[Match]:
    out = []
    for m in _MOBILE_RE.finditer(text):
        v = m.group()
        start = m.start()
        if start >= 2 and text[start - 1] in " -" and text[start - 2].isdigit():
            continue
        out.append(Match("cn_mobile", start, m.end(), v))
    return out


_EMAIL_RE = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}\b")


def find_emails(text: str) -> list[Match]:
    return [Match("email", m.start(), m.end(), m.group()) for m in _EMAIL_RE.finditer(text)]


# -- secrets -----------------------------------------------------------------------------

_PEM_RE = re.compile(
    r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----"
    r"[\s\S]{0,10000}?-----END (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----"
)
_TOKEN_RES = (
    ("AKIA", re.compile(r"(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])")),
    ("ASIA", None),
    ("gh", re.compile(r"gh[pousr]_[A-Za-z0-9]{36,255}(?![A-Za-z0-9_])")),
    ("xox", re.compile(r"xox[abposr]-[A-Za-z0-9-]{10,200}")),
)
# a value assigned with ':' or '=' (the scan starts at the operator, which is cheap to find);
# the name before it is checked separately
_ASSIGNED_VALUE_RE = re.compile(r"[:=]\s*[\"']?([A-Za-z0-9/+_\-.=]{16,200})")
_SECRET_NAME_RE = re.compile(
    r"(?i)(?<![A-Za-z0-9])(?:api[_-]?key|apikey|secret(?:[_-]?key)?|client[_-]?secret|access[_-]?key|"
    r"auth[_-]?token|token|password|passwd|pwd)[\"']?\s*$"
)


def shannon_entropy(s: str) -> float:
    """Bits per character of ``s``."""
    if not s:
        return 0.0
    n = len(s)
    return -sum(c / n * math.log2(c / n) for c in Counter(s).values())


def find_secrets(text: str, min_entropy: float = 3.5) -> list[Match]:
    """PEM private keys, AWS/GitHub/Slack tokens, and high-entropy values assigned to
    secret-looking names (``api_key=…``, ``secret: …``)."""
    out = find_private_keys(text)
    if "AKIA" in text or "ASIA" in text:
        rx = _TOKEN_RES[0][1]
        assert rx is not None
        out.extend(Match("secret", m.start(), m.end(), m.group()) for m in rx.finditer(text)
                   if not (m.start() and _ascii_alnum(text[m.start() - 1])))
    for literal, rx in _TOKEN_RES[2:]:
        if literal in text and rx is not None:
            out.extend(Match("secret", m.start(), m.end(), m.group()) for m in rx.finditer(text)
                       if not (m.start() and (_ascii_alnum(text[m.start() - 1]) or text[m.start() - 1] == "_")))
    taken = [(m.start, m.end) for m in out]
    for m in _ASSIGNED_VALUE_RE.finditer(text):
        v = m.group(1)
        s, e = m.start(1), m.end(1)
        if any(a <= s < b for a, b in taken):
            continue
        if not _SECRET_NAME_RE.search(text, max(0, m.start() - 40), m.start()):
            continue
        if shannon_entropy(v) >= min_entropy:
            out.append(Match("secret", s, e, v))
    out.sort(key=lambda m: m.start)
    return out


def find_private_keys(text: str) -> list[Match]:
    if "PRIVATE KEY" not in text:
        return []
    return [Match("private_key", m.start(), m.end(), m.group()) for m in _PEM_RE.finditer(text)]


# -- classification markers -----------------------------------------------------------------

_STAR_MARKER_RE = re.compile(r"(?:绝密|機密|机密|秘密)\s*[★☆*]|[★☆]\s*(?:绝密|机密|秘密)")
_BANNER_RE = re.compile(r"TOP SECRET|STRICTLY CONFIDENTIAL|CONFIDENTIAL|INTERNAL USE ONLY|INTERNAL ONLY|RESTRICTED")
_CLASSIFICATION_RE = re.compile(r"(?i)\bclassification\s*:\s*(?:confidential|secret|restricted|internal)")


def find_classification_markers(text: str) -> list[Match]:
    """Banner-style classification labels (upper-case English labels, 机密★ style marks)."""
    kind = "classification_marker"
    out = []
    if "★" in text or "☆" in text or "*" in text:
        out += [Match(kind, m.start(), m.end(), m.group()) for m in _STAR_MARKER_RE.finditer(text)]
    for m in _BANNER_RE.finditer(text):
        s, e = m.start(), m.end()
        if (s and _ascii_alnum(text[s - 1])) or (e < len(text) and _ascii_alnum(text[e])):
            continue
        out.append(Match(kind, s, e, m.group()))
    if "lassification" in text or "LASSIFICATION" in text:
        out += [Match(kind, m.start(), m.end(), m.group()) for m in _CLASSIFICATION_RE.finditer(text)]
    out.sort(key=lambda m: m.start)
    return out


DETECTORS: dict[str, Callable[[str], list[Match]]] = {
    "payment_card": find_payment_cards,
    "cn_id": find_cn_ids,
    "iban": find_ibans,
    "cn_mobile": find_cn_mobiles,
    "email": find_emails,
    "cn_bank_card": find_cn_bank_cards,
    "secret": find_secrets,
    "private_key": find_private_keys,
    "classification_marker": find_classification_markers,
}
"""Detector name (as used in rules files) -> function(text) -> matches."""

# cheap tests that must hold for a detector to possibly match; skip the regex otherwise
_DIGIT_RUN = re.compile(r"[0-9]{4}").search
_RUN14 = re.compile(r"[0-9]{4}[ .-]?[0-9]{4}[ .-]?[0-9]{4}").search
PREFILTERS: dict[str, Callable[[str], object]] = {
    "cn_bank_card": lambda t: "62" in t,
    "iban": _DIGIT_RUN,
    "cn_mobile": _DIGIT_RUN,
    "email": lambda t: "@" in t,
    "private_key": lambda t: "PRIVATE KEY" in t,
}


def detect(name: str, text: str) -> list[Match]:
    """Run detector ``name`` over the folded view of ``text`` (with its cheap prefilter);
    positions and values are those of ``text`` itself."""
    view, to_original = detector_view(text)
    pre = PREFILTERS.get(name)
    if pre is not None and not pre(view):
        return []
    found = DETECTORS[name](view)
    if to_original is None:
        return found if view is text else [Match(m.kind, m.start, m.end, text[m.start:m.end]) for m in found]
    out = []
    for m in found:
        start, end = to_original(m.start), to_original(m.end)
        out.append(Match(m.kind, start, end, text[start:end]))
    return out
