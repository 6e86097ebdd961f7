"""Keyword and regex matching, compiled once per rule set.

All keyword terms of all lists go into one Aho-Corasick automaton (pyahocorasick), so a
message's text is scanned once whatever the number of terms. Text and terms are NFKC
normalised and case-folded (full-width letters, ligatures, case all match). English (ASCII
word) terms must sit on word boundaries ("confidential" does not fire in "nonconfidential");
Chinese terms match as substrings, as Chinese has no spaces between words.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

import ahocorasick


def normalize(text: str) -> str:
    """NFKC + casefold: the form both terms and scanned text are matched in."""
    return unicodedata.normalize("NFKC", text).casefold()


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

    def __init__(self) -> None:
        self._automaton = ahocorasick.Automaton()
        self._terms: dict[str, tuple[bool, bool, set[int]]] = {}
        self._built = False

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
        for norm, (left, right, lists) in self._terms.items():
            self._automaton.add_word(norm, (norm, left, right, frozenset(lists)))
        if self._terms:
            self._automaton.make_automaton()
        self._built = True

    @property
    def empty(self) -> bool:
        return not self._terms

    def scan_normalized(self, norm: str) -> dict[int, list[KeywordHit]]:
        """All hits in already-normalised text, grouped by list id."""
        out: dict[int, list[KeywordHit]] = defaultdict(list)
        if not self._terms or not norm:
            return out
        n = len(norm)
        for end_idx, (term, left, right, lists) in self._automaton.iter(norm):
            start = end_idx - len(term) + 1
            end = end_idx + 1
            if left and start > 0 and _is_word_char(norm[start - 1]):
                continue
            if right and end < n and _is_word_char(norm[end]):
                continue
            for lid in lists:
                out[lid].append(KeywordHit(lid, term, start, end))
        return out

    def scan(self, text: str) -> tuple[str, dict[int, list[KeywordHit]]]:
        """Normalise ``text`` and scan it; returns the normalised text and the hits."""
        norm = normalize(text)
        return norm, self.scan_normalized(norm)


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
