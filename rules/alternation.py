"""Searching a long alternation of words fast, with exactly the matches ``re`` gives.

Python's ``re`` skips ahead to where a match may start only when the pattern starts with a
literal or a character set. The scam families (:mod:`rules.scams`) are alternations whose
branches each start with ``\\b`` (``\\byou have won|\\blottery…|\\bclaim your…``), so ``re``
tries every branch at every character: 2-5 MB/s, the largest cost of screening a scam.
:class:`Alternation` searches each top-level branch on its own with the leading ``\\b`` (or
:data:`ASCII_START`, the keyword scan's boundary) taken off (the branch then starts with its
literal and ``re`` skips ahead at memchr speed) and checks the boundary itself; the leftmost
match wins and, at the same place, the branch written first, as in the alternation. Same
matches and spans, about four times faster (``tests/test_rules_alternation.py`` compares them).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator

_GLOBAL_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")
# Where an English word may start as the keyword scan sees it (rules.folding.is_word_char: no
# ASCII letter, digit or underscore before it; a Chinese character may stand there, which \b
# would refuse). A branch written with it is searched as one written with \b is.
ASCII_START = r"(?<![a-z0-9_])"
_ASCII_WORD = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")


def _class_end(source: str, i: int) -> int:
    """The index of the ``]`` closing the character class opened at ``source[i]`` (a ``]`` first, or
    after ``^``, is a literal; the end of ``source`` when it is not closed)."""
    i += 1
    if i < len(source) and source[i] == "^":
        i += 1
    if i < len(source) and source[i] == "]":
        i += 1
    while i < len(source) and source[i] != "]":
        i += 2 if source[i] == "\\" else 1
    return i


def top_level_branches(source: str) -> list[str]:
    """The branches of ``source`` split at its top-level ``|`` (outside groups and classes)."""
    out: list[str] = []
    depth, start, i = 0, 0, 0
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            i = _class_end(source, i)
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(source[start:i])
            start = i + 1
        i += 1
    out.append(source[start:])
    return out


def is_regex_word(ch: str) -> bool:
    """Whether ``ch`` is what ``\\w`` takes in a str pattern."""
    return ch.isalnum() or ch == "_"


_SPECIAL = set("\\.^$*+?{}[]|()")


def _literal_first(body: str) -> bool:
    """Whether ``body`` starts with a plain character that no quantifier makes optional."""
    return bool(body) and body[0] not in _SPECIAL and body[1:2] not in ("?", "*", "+", "{")


def _group_end(source: str, start: int) -> int:
    """The index of the ``)`` closing the group opened at ``source[start]`` (-1: none)."""
    depth, i = 0, start
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            i = _class_end(source, i)
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


MAX_SPREAD = 64  # bodies one branch may be written out as


def _ends_in_escape(text: str) -> bool:
    """Whether ``text`` ends in a backslash escape (an odd run of backslashes before its last character)."""
    run = 0
    for ch in reversed(text[:-1]):
        if ch != "\\":
            break
        run += 1
    return run % 2 == 1


def literal_bodies(body: str) -> list[str] | None:
    """``body`` written as alternatives that each start with a plain character, or None.

    ``(?:new|updated) account`` matches as ``new account|updated account`` does, the
    alternatives tried in the same order; written out, each starts with its literal, and ``re``
    skips ahead to the first characters of a whole group of them (it cannot see into a group
    that opens a branch). A group with a quantifier after it, or one that is not plain
    ``(?:``, is left as written."""
    if _literal_first(body):
        return [body]
    if not body.startswith("(?:"):
        return None
    end = _group_end(body, 0)
    if end < 0 or body[end + 1:end + 2] in ("?", "*", "+", "{"):
        return None
    rest = body[end + 1:]
    if "(?P<" in rest:  # (a named group after the group would be written out once per word: a redefinition)
        return None
    out: list[str] = []
    for alternative in top_level_branches(body[3:end]):
        # (an escape ending the word is kept apart from a digit after the group: "x\0" and "7" are not "\07")
        joiner = "(?:)" if rest[:1].isdigit() and _ends_in_escape(alternative) else ""
        spread = literal_bodies(alternative + joiner + rest)
        if spread is None or len(out) + len(spread) > MAX_SPREAD:
            return None
        out += spread
    return out


class Alternation:
    """``pattern`` (a compiled alternation) searched branch by branch: :meth:`search` and
    :meth:`finditer` answer as ``pattern.search`` and ``pattern.finditer`` do, for branches that
    cannot match the empty string (after an empty match ``re`` retries the same place for a
    longer one; this does not).

    Branches that start with a plain character are searched together, those that had a
    leading ``\\b`` in one group and the others in another, each group one pattern whose
    first characters ``re`` skips ahead to; the rest one by one. At a place where two
    groups match, the branch written first wins, as in the alternation."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        source = pattern.pattern
        lead = _GLOBAL_FLAGS.match(source)
        if lead:  # the flags are in pattern.flags, given to every branch
            source = source[lead.end():]
        # each branch: how it is bounded ("b": \b, "a": ASCII_START, "": not) and the rest
        bodies: list[tuple[str, str]] = []
        for branch in top_level_branches(source):
            if branch.startswith("\\b") and len(branch) > 2:
                bodies.append(("b", branch[2:]))
            elif branch.startswith(ASCII_START) and len(branch) > len(ASCII_START) and \
                    not pattern.flags & re.IGNORECASE:  # (IGNORECASE would make [a-z] take A-Z too)
                bodies.append(("a", branch[len(ASCII_START):]))
            else:
                bodies.append(("", branch))
        self._members = [re.compile(body, pattern.flags) for _, body in bodies]
        # groups: (bound, the group's pattern, its members' indices in the order written)
        self._groups: list[tuple[str, re.Pattern[str], tuple[int, ...]]] = []
        # (verbose patterns keep their layout: "(?:a|b) +c" there quantifies the group, written out it would not)
        spread = [None if pattern.flags & re.VERBOSE else literal_bodies(body) for _, body in bodies]
        for bounded in ("b", "a", ""):
            together = tuple(i for i, (b, _) in enumerate(bodies) if b == bounded and spread[i] is not None)
            if together:
                combined = re.compile("|".join(alt for i in together for alt in spread[i] or ()), pattern.flags)
                self._groups.append((bounded, combined, together))
        grouped = {i for _, _, members in self._groups for i in members}
        self._groups += [(b, self._members[i], (i,)) for i, (b, _) in enumerate(bodies) if i not in grouped]
        self._group_of = {id(rx): members for _, rx, members in self._groups}

    def _which(self, members: tuple[int, ...], m: re.Match[str]) -> int:
        """The branch (index as written) that made ``m``: the first member matching there."""
        if len(members) == 1:
            return members[0]
        for i in members:
            if self._members[i].match(m.string, m.start(), m.endpos):
                return i
        return members[-1]  # pragma: no cover - the group matched there, so one member does

    def branch_of(self, match: re.Match[str]) -> int:
        """Which top-level branch (0-based, as written) ``match`` (from :meth:`search`) matched."""
        return self._which(self._group_of[id(match.re)], match)

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self._search(text, pos, min(endpos, len(text)), None)

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        endpos = min(endpos, len(text))
        # each group's first match at or after where it was last looked for: still its first
        # at or after any later place left of it, so a text with many matches is read once
        # per group, not once per match
        ahead: dict[int, re.Match[str] | None] = {}
        while pos <= endpos:
            m = self._search(text, pos, endpos, ahead)
            if m is None:
                return
            yield m
            pos = m.end() if m.end() > m.start() else m.end() + 1

    def _search(self, text: str, pos: int, endpos: int,
                ahead: dict[int, re.Match[str] | None] | None) -> re.Match[str] | None:
        best: re.Match[str] | None = None
        best_index = -1
        for g, (bounded, rx, members) in enumerate(self._groups):
            if ahead is None:  # one search: a group stops once it is right of what another found
                m = self._first(text, rx, bounded, pos, endpos, best.start() if best is not None else None)
            else:
                known = ahead.get(g)
                if g not in ahead or (known is not None and known.start() < pos):
                    ahead[g] = self._first(text, rx, bounded, pos, endpos, None)
                m = ahead[g]
            if m is None:
                continue
            i = m.start()
            if best is None or i < best.start():
                best, best_index = m, -1
            elif i == best.start():  # the same place: the branch written first wins
                if best_index < 0:
                    best_index = self._which(self._group_of[id(best.re)], best)
                index = self._which(members, m)
                if index < best_index:
                    best, best_index = m, index
        return best

    @staticmethod
    def _first(text: str, rx: re.Pattern[str], bounded: str, pos: int, endpos: int,
               beyond: int | None) -> re.Match[str] | None:
        """``rx``'s first match at or after ``pos`` whose place passes its bound (None: none,
        or none at or left of ``beyond``)."""
        p = pos
        while True:
            m = rx.search(text, p, endpos)
            if m is None or (beyond is not None and m.start() > beyond):
                return None
            i = m.start()
            # \b: a word character on one side only (the text ends at endpos, as re sees it);
            # ASCII_START: no ASCII word character before (re looks before pos too)
            if not bounded or (bounded == "a" and not (i > 0 and text[i - 1] in _ASCII_WORD)) or \
                    (bounded == "b" and
                     (i > 0 and is_regex_word(text[i - 1])) != (i < endpos and is_regex_word(text[i]))):
                return m
            p = i + 1
            if p > endpos:  # (re would clamp it and find the same empty match again)
                return None
