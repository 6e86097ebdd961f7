"""The organisation's own disclaimers (the rules file's ``disclaimers:``) and where they stand.

A disclaimer matches however a mailer wrapped its lines: whitespace may stand between any
two of its characters, and case does not matter. That is a Python pattern of one literal
per character joined by ``\\s*``, case-insensitive, which ``re`` can only try at every
position of the text (about 6 ms a megabyte: a third of screening a long Chinese text).
Every text holding a keyword hit is searched, so a Hyperscan database of the same patterns
is asked first, in one pass at memory speed, and ``re`` reads only texts where it matched.

The gate is built to be wider than the patterns: each character is a class of every code
point ``re`` takes for it under IGNORECASE (the same lower-case mapping ``re`` uses, and its
extra cases: ſ for s, the Kelvin sign for k), each gap every character ``re`` calls
whitespace. Were it ever narrower, a disclaimer would go unrecognised and its markers would
count: mail held, never let out.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterable

try:
    import _sre
    from re._casefix import _EXTRA_CASES  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - another Python: Hyperscan is then not asked
    _sre = None
    _EXTRA_CASES = {}

try:
    import hyperscan
except ImportError:  # pragma: no cover - depends on the platform's wheels
    hyperscan = None

from rules.hs_class import hs_class, runs
from rules.matchers import normalize
from rules.utf8 import encoded

# the last cased code point (Adlam) is below this; tests/test_rules_disclaimers.py checks it
_CASED_LIMIT = 0x1F000
# every character ``re``'s \s matches in a str pattern (str.isspace(); none is above U+3000)
WHITESPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
MIN_LENGTH = 20  # characters besides whitespace: a disclaimer is a whole text
GATE_LENGTH = 40  # characters of a disclaimer the Hyperscan gate looks for (see gate_expression)
# Disclaimers a gate is built for: compiling takes about 35 ms a disclaimer up to here and grows
# faster after (4 s for 50, over a minute for 400); a rules file with more has its texts read
# by re alone, as before the gate (an organisation has a handful).
GATE_MAX = 16


def pattern(text: str) -> re.Pattern[str]:
    """The pattern of one disclaimer (its normalised characters, whitespace optional
    between them, case-insensitive)."""
    chars = [re.escape(ch) for ch in normalize(text) if not ch.isspace()]
    return re.compile(r"\s*".join(chars), re.I)


def length(text: str) -> int:
    """How many characters besides whitespace ``text`` has once normalised."""
    return sum(1 for ch in normalize(text) if not ch.isspace())


@functools.cache
def _lowered_from() -> dict[int, frozenset[int]]:
    """Every code point ``re`` lowers to another, by what it lowers to (made once: about
    30 ms for the cased part of Unicode)."""
    out: dict[int, set[int]] = {}
    for cp in range(_CASED_LIMIT):
        lo = _sre.unicode_tolower(cp)
        if lo != cp:
            out.setdefault(lo, set()).add(cp)
    return {lo: frozenset(cps) for lo, cps in out.items()}


def _variants(chars: Iterable[str]) -> dict[str, frozenset[int]]:
    """Every code point ``re`` matches, under IGNORECASE, for each of ``chars`` (sre's rule:
    ``c`` matches ``p`` when ``tolower(c)`` is ``tolower(p)`` or one of its extra cases)."""
    lowered_from = _lowered_from()
    out: dict[str, frozenset[int]] = {}
    for ch in chars:
        lo = _sre.unicode_tolower(ord(ch))
        lows = {lo, *_EXTRA_CASES.get(lo, ())}
        out[ch] = frozenset(cp for low in lows for cp in (low, *lowered_from.get(low, ()))) | {ord(ch)}
    return out


def gate_expression(text: str) -> bytes:
    """The Hyperscan (UTF-8 mode) expression that matches wherever :func:`pattern` does: its
    first :data:`GATE_LENGTH` characters (a whole disclaimer would pass Hyperscan's limit on
    an expression's length; any of them found starts with those)."""
    chars = [ch for ch in normalize(text) if not ch.isspace()][:GATE_LENGTH]
    variants = _variants(chars)
    gap = hs_class(runs(map(ord, WHITESPACE))) + "*"
    return gap.join(hs_class(runs(variants[ch])) for ch in chars).encode()


class OrgDisclaimers:
    """The disclaimers of one rules file; :meth:`spans` says where they stand in a text."""

    def __init__(self, texts: Iterable[str] = ()) -> None:
        self.texts = tuple(texts)
        self.patterns = tuple(pattern(t) for t in self.texts)
        self._db = None
        self._local = threading.local()  # a Hyperscan scratch is one thread's at a time
        if self.texts and len(self.texts) <= GATE_MAX and hyperscan is not None and _sre is not None:
            db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
            expressions = [gate_expression(t) for t in self.texts]
            try:
                db.compile(expressions=expressions, ids=list(range(len(expressions))), elements=len(expressions),
                           flags=[hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_SINGLEMATCH] * len(expressions))
            except hyperscan.error:  # pragma: no cover - no such text known: every text is then read by re
                return
            self._db = db

    def __bool__(self) -> bool:
        return bool(self.patterns)

    def __len__(self) -> int:
        return len(self.patterns)

    def may_hold(self, text: str) -> bool:
        """False when no disclaimer can stand in ``text`` (the Hyperscan gate); True when one
        may (or no gate could be built)."""
        if self._db is None:
            return True
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = hyperscan.Scratch(self._db)
        found = []

        def on_match(_id: int, _start: int, _end: int, _flags: int, _ctx: object) -> bool:
            found.append(True)
            return True  # one is enough

        try:
            self._db.scan(encoded(text), match_event_handler=on_match, scratch=scratch)
        except hyperscan.ScanTerminated:
            pass
        return bool(found)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """The ``(start, end)`` of every disclaimer in ``text``."""
        if not self.patterns or not self.may_hold(text):
            return []
        return [m.span() for rx in self.patterns for m in rx.finditer(text)]

    def covers(self, text: str, start: int, end: int) -> bool:
        """Whether ``[start, end)`` of ``text`` lies in one of the disclaimers."""
        return any(a <= start and end <= b for a, b in self.spans(text))
