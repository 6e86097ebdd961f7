"""Keyword and regex matching, compiled once per rule set.

All keyword terms of all lists go into one Hyperscan database (or, where Hyperscan has no
wheel, one pyahocorasick automaton), so a message's text is scanned once whatever the number
of terms; both give the same hits (tests run both). Text and terms are NFKC
normalised and case-folded (full-width letters, ligatures, case all match). English (ASCII
word) terms must sit on word boundaries ("confidential" does not fire in "nonconfidential");
Chinese terms match as substrings, as Chinese has no spaces between words.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import ahocorasick

try:  # Hyperscan scans literals at memory speed; Aho-Corasick is the portable fallback.
    import hyperscan
except ImportError:  # pragma: no cover - depends on the platform's wheels
    hyperscan = None


def normalize(text: str) -> str:
    """NFKC + casefold: the form both terms and scanned text are matched in.

    CPython's full NFKC pass is the slowest step of scanning, so it runs only on the lines
    that need it: ``is_normalized`` is a fast C check, and a line break never composes with
    its neighbours, so normalising line by line gives the same text as normalising it whole.
    """
    if text.isascii():  # NFKC is the identity on ASCII and casefold is lower()
        return text.lower()
    if unicodedata.is_normalized("NFKC", text):
        return text.casefold()
    # Full-width punctuation (，：（）) is the usual reason Chinese text is not NFKC. Its
    # compatibility mapping is plain ASCII, so mapping it first gives NFKC's own result
    # whenever nothing else in the text needs normalising.
    narrowed = _FULL_WIDTH.sub(_narrow, text)
    if unicodedata.is_normalized("NFKC", narrowed):
        return narrowed.casefold()
    if "\n" not in text:
        return unicodedata.normalize("NFKC", text).casefold()
    return "\n".join(_normalize_line(line) for line in text.split("\n"))


_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")


def _narrow(match: re.Match[str]) -> str:
    char = match.group()
    return " " if char == "\u3000" else chr(ord(char) - 0xFEE0)


def _normalize_line(line: str) -> str:
    if line.isascii():
        return line.lower()
    if unicodedata.is_normalized("NFKC", line):
        return line.casefold()
    return unicodedata.normalize("NFKC", line).casefold()


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch == "_")


@dataclass(frozen=True)
class KeywordHit:
    """One occurrence of a term; positions are in the normalised text."""

    list_id: int
    term: str
    start: int
    end: int


class KeywordMatcher:
    """One automaton over every term of every keyword list of a rule set."""

    def __init__(self, *, engine: str = "auto") -> None:
        self._automaton = ahocorasick.Automaton()
        self._terms: dict[str, tuple[bool, bool, set[int]]] = {}
        self._built = False
        self._use_hyperscan = hyperscan is not None and engine in ("auto", "hyperscan")
        self._hs_db = None
        self._hs_terms: list[tuple[str, bool, bool, frozenset[int]]] = []

    def add(self, list_id: int, term: str) -> None:
        """Add ``term`` as a member of keyword list ``list_id``."""
        norm = normalize(term).strip()
        if not norm:
            return
        entry = self._terms.get(norm)
        if entry is None:
            entry = (_is_word_char(norm[0]), _is_word_char(norm[-1]), set())
            self._terms[norm] = entry
        entry[2].add(list_id)

    def build(self) -> None:
        # The automaton runs over UTF-8 bytes (carried in a latin-1 str): a 256-letter
        # alphabet keeps trie nodes small, which makes pyahocorasick markedly faster on CJK.
        if self._use_hyperscan and self._terms:
            self._build_hyperscan()
            self._built = True
            return
        for norm, (left, right, lists) in self._terms.items():
            key = _as_bytes_str(norm)
            self._automaton.add_word(key, (norm, len(key), left, right, frozenset(lists)))
        if self._terms:
            self._automaton.make_automaton()
        self._built = True

    def _build_hyperscan(self) -> None:
        """One Hyperscan block database of every term as an escaped byte literal."""
        expressions, ids, flags = [], [], []
        for i, (norm, (left, right, lists)) in enumerate(self._terms.items()):
            self._hs_terms.append((norm, left, right, frozenset(lists)))
            expressions.append(b"".join(b"\\x%02x" % c for c in norm.encode("utf-8")))
            ids.append(i)
            flags.append(hyperscan.HS_FLAG_SOM_LEFTMOST)
        db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        db.compile(expressions=expressions, ids=ids, elements=len(expressions), flags=flags)
        self._hs_db = db

    @property
    def empty(self) -> bool:
        return not self._terms

    def scan_normalized(self, norm: str) -> dict[int, list[KeywordHit]]:
        """All hits in already-normalised text, grouped by list id (character offsets)."""
        out: dict[int, list[KeywordHit]] = defaultdict(list)
        if not self._terms or not norm:
            return out
        if self._hs_db is not None:
            encoded = norm.encode("utf-8")
            raw = self._scan_hyperscan(encoded)
            if not raw:
                return out
            data = encoded.decode("latin-1")  # only when there are hits to map back to characters
        else:
            data = _as_bytes_str(norm)
            raw = self._scan_automaton(data)
        if not raw:
            return out
        to_char = _offset_mapper(data, norm, [o for r in raw for o in r[:2]])
        for start, end, term, lists in raw:
            cs, ce = to_char(start), to_char(end)
            for lid in lists:
                out[lid].append(KeywordHit(lid, term, cs, ce))
        return out

    def _scan_automaton(self, data: str) -> list[tuple[int, int, str, frozenset[int]]]:
        n = len(data)
        raw = []
        for end_idx, (term, klen, left, right, lists) in self._automaton.iter(data):
            start = end_idx - klen + 1
            end = end_idx + 1
            if left and start > 0 and _is_word_char(data[start - 1]):
                continue
            if right and end < n and _is_word_char(data[end]):
                continue
            raw.append((start, end, term, lists))
        return raw

    def _scan_hyperscan(self, data: bytes) -> list[tuple[int, int, str, frozenset[int]]]:
        hits: list[tuple[int, int, int]] = []

        def on_match(term_id: int, start: int, end: int, _flags: int, _ctx: object) -> None:
            hits.append((start, end, term_id))

        self._hs_db.scan(data, match_event_handler=on_match)
        n = len(data)
        raw = []
        for start, end, term_id in sorted(hits):
            term, left, right, lists = self._hs_terms[term_id]
            if left and start > 0 and _is_word_char(chr(data[start - 1])):
                continue
            if right and end < n and _is_word_char(chr(data[end])):
                continue
            raw.append((start, end, term, lists))
        return raw

    def scan(self, text: str) -> tuple[str, dict[int, list[KeywordHit]]]:
        """Normalise ``text`` and scan it; returns the normalised text and the hits."""
        norm = normalize(text)
        return norm, self.scan_normalized(norm)


def _as_bytes_str(text: str) -> str:
    """UTF-8 bytes of ``text`` as a latin-1 string (identity for ASCII)."""
    return text if text.isascii() else text.encode("utf-8").decode("latin-1")


def _offset_mapper(data: str, norm: str, offsets: list[int]) -> Callable[[int], int]:
    """Map byte offsets in ``data`` (UTF-8 as latin-1) back to character offsets in ``norm``.

    Offsets fall on character boundaries (terms are whole characters), so decoding the
    segments between consecutive offsets counts characters in one linear pass.
    """
    if len(data) == len(norm):
        return lambda i: i
    index: dict[int, int] = {}
    prev_b = prev_c = 0
    for off in sorted(set(offsets)):
        prev_c += len(data[prev_b:off].encode("latin-1").decode("utf-8", "replace"))
        prev_b = off
        index[off] = prev_c
    return lambda i: index.get(i, 0)


class RegexCache:
    """Compiled regexes keyed by (pattern, flags), compiled once at load."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, int], re.Pattern[str]] = {}

    def compile(self, pattern: str, flags: int = 0) -> re.Pattern[str]:
        key = (pattern, flags)
        rx = self._cache.get(key)
        if rx is None:
            rx = re.compile(pattern, flags)
            self._cache[key] = rx
        return rx
