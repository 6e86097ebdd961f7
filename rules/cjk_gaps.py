"""Chinese terms split by whitespace: 机\\n密, 机<br>密 (a line break once HTML is text), 机 密 文 件.

Chinese puts no spaces between characters, and a reader's eye joins a word broken over two
lines, so a keyword written with a hard line break, a ``<br>`` or spaces between its
characters says what it says. The keyword scan (:mod:`rules.matchers`) reads the text a
second time with such gaps taken out and keeps the hits that cross one, placed where the
characters stand. Only whitespace between two CJK characters is a gap (English words on two
lines are two words), at most a few characters of it with at most one blank line
(paragraphs apart are not one word).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from itertools import accumulate
from typing import Protocol, TypeVar

from rules.folding import INVISIBLE
from rules.hs_class import ranges_text, runs

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SPACE = " \t\f\v\x85\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_GAP = re.compile(f"[{_CJK}]((?:[{_SPACE}]|\r\n|\r|\n){{1,8}})(?=[{_CJK}])")
_MAX_BREAKS = 2
PLACE_REACH = 20  # characters before the end of a gate match that hold its gap (two CJK, 8 units of \r\n)
# The gate, for Hyperscan (UTF-8 mode) on the raw text: wider than ``_GAP`` reads the
# normalised text, so that no gap is missed (what normalises to a CJK character: radicals,
# enclosed and compatibility ideographs; what normalises to whitespace or to nothing:
# ideographic and other spaces, invisible characters; \r\n two characters here). The keyword
# scan runs it only where every gap must be found, not only those after a head (a text
# normalised whole, a text with many gaps a term crosses): Python's regex reads CJK text ten
# times slower. Everywhere else the literal gate below, read in the terms' pass, finds them.
_HS_CJK = (r"[\x{2e80}-\x{2fdf}\x{3200}-\x{33ff}\x{3400}-\x{4dbf}\x{4e00}-\x{9fff}\x{f900}-\x{faff}"
           r"\x{2f800}-\x{2fa1f}]")


_HS_SPACE = ("[ \\t\\f\\v\\r\\n\\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}"
             + ranges_text(runs(map(ord, INVISIBLE))) + "]")
HS_GATE = (_HS_CJK + _HS_SPACE + "+" + _HS_CJK).encode()

# The gate the keyword scan reads with its terms, in the same Hyperscan pass: a character
# that stands before another CJK character in a term (a *head*: the first of one of its
# ``pairs``), then the first character of a gap. A term crosses a gap only where the
# character before it is one of the term's, followed in the term by a CJK one, so only these
# gaps can matter; a few thousand literals cost the terms' scan far less than a pass of
# ``HS_GATE`` over the text (which looks at every CJK character). It reads the text as the
# scan sees it: marked lines normalised, so a head stands in its normal form, and any
# whitespace ``_GAP`` knows may follow it (``GAP_STARTS``; a test holds the two together).
GAP_STARTS = (" \t\f\v\r\n\x85\u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B)))
              + "\u2028\u2029\u202f\u205f\u3000")
# Those that normalise to a space (U+3000, NBSP, U+2000-U+200A ...) the keyword scan always
# marks, so a line holding one is normalised before the terms' pass and they never stand in
# the text it reads: the gate needs literals only for the others, which cuts its literals
# (a few per head, not 25) and the database's size and compile time with them.
SPACES_MARKED = "".join(c for c in GAP_STARTS if c != " " and unicodedata.normalize("NFKC", c) == " ")
SPACES_READ = "".join(c for c in GAP_STARTS if c not in SPACES_MARKED)
# the bytes from a head that hold its gap and the CJK character after it: the head, 8 units
# of whitespace (3 bytes at most each: U+3000) and the character
_HEAD_REACH = 3 + 8 * 3 + 3
_IS_CJK = re.compile(f"[{_CJK}]")


def pairs(terms: Iterable[str]) -> frozenset[str]:
    """The two CJK characters that stand side by side in one of ``terms`` (normalised), as
    two-character strings: a term crosses a gap only where the characters either side of it
    are one of these."""
    return frozenset(a + b for t in terms for a, b in zip(t, t[1:], strict=False)
                     if _IS_CJK.match(a) and _IS_CJK.match(b))


def crossable(text: str, spans: list[tuple[int, int]], side_by_side: frozenset[str]) -> list[tuple[int, int]]:
    """The gaps of ``spans`` (in ``text``) a term can cross: those between two characters
    that stand side by side in a term (``side_by_side``: :func:`pairs`)."""
    return [(s, e) for s, e in spans if text[s - 1] + text[e] in side_by_side]


def gate_literals(terms: Iterable[str]) -> list[bytes]:
    """The literal gate's strings (UTF-8): each head of ``terms`` followed by each character
    a gap can start with in the text the terms' pass reads (``SPACES_READ``)."""
    heads = sorted({pair[0] for pair in pairs(terms)})
    return [(head + space).encode("utf-8") for head in heads for space in SPACES_READ]


def gaps_after(data: bytes, heads: list[tuple[int, int]], side_by_side: frozenset[str]) -> list[tuple[int, int]]:
    """The gaps a term can cross (between two characters of ``side_by_side``, :func:`pairs`)
    right after the heads the literal gate found in UTF-8 ``data``: each head given by its
    byte offset and its character offset; the gaps' character spans, sorted.

    Only the few bytes after each head are decoded (a text changed by the scan, its marked
    lines normalised, is not decoded whole), and the gap is the one ``gaps`` finds there:
    a match of its pattern starting at the head."""
    found: set[tuple[int, int]] = set()
    n = len(data)
    for at, char in heads:
        stop = min(n, at + _HEAD_REACH)
        while stop < n and 0x80 <= data[stop] < 0xC0:  # to the end of the character cut
            stop += 1
        near = data[at:stop].decode("utf-8")
        m = _GAP.match(near)
        if m and _keep(m) and near[0] + near[m.end(1)] in side_by_side:
            found.add((char + m.start(1), char + m.end(1)))
    return sorted(found)


def _keep(m: re.Match[str]) -> bool:
    gap = m.group(1)
    return gap.count("\n") + gap.count("\r") - gap.count("\r\n") <= _MAX_BREAKS


def gaps(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` spans of whitespace between two CJK characters of ``text``."""
    return [m.span(1) for m in _GAP.finditer(text) if _keep(m)]


def gaps_in(text: str, places: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """:func:`gaps`, read only in ``places`` (character spans of ``text`` ending where
    Hyperscan's :data:`HS_GATE` matched, a CJK character, whitespace, a CJK character, and
    reaching back :data:`PLACE_REACH` characters), sorted. The same
    gaps as reading the whole text where the gate matched every gap (it is wider than
    ``_GAP``), at the cost of a look at each place instead of a pattern tried at every
    character of Chinese text."""
    merged: list[list[int]] = []  # places that overlap are read once (each holds its own gap whole)
    for s, e in sorted(places):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    found = {m.span(1) for s, e in merged for m in _GAP.finditer(text, s, e) if _keep(m)}
    return sorted(found)


def windows(text: str, spans: list[tuple[int, int]], reach: int) -> list[tuple[int, int]]:
    """The stretches of ``text`` a term crossing one of the gaps ``spans`` (sorted) can stand
    in: ``reach`` (the longest term's length) characters either side of each gap, widened to
    whole ASCII words (terms with word boundaries are judged at their edges) and merged where
    they meet. A term crossing several gaps lies in one stretch: those gaps are nearer to each
    other than ``reach``."""
    out: list[tuple[int, int]] = []
    n = len(text)
    for s, e in spans:
        lo, hi = max(0, s - reach), min(n, e + reach)
        while lo > 0 and text[lo - 1].isascii() and (text[lo - 1].isalnum() or text[lo - 1] == "_"):
            lo -= 1
        while hi < n and text[hi].isascii() and (text[hi].isalnum() or text[hi] == "_"):
            hi += 1
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def joined(text: str, spans: list[tuple[int, int]]) -> tuple[str, Callable[[int], int], list[int]]:
    """``text`` without the gaps ``spans``, a map from a position in it back to ``text``, and
    the position in it of the character after each gap (sorted)."""
    parts: list[str] = []
    points: list[int] = []
    removed: list[int] = []   # characters taken out up to and including each gap
    prev = total = 0
    for s, e in spans:
        parts.append(text[prev:s])
        points.append(s - total)
        total += e - s
        removed.append(total)
        prev = e
    parts.append(text[prev:])

    def to_original(pos: int) -> int:
        i = bisect.bisect_right(points, pos) - 1
        return pos + (removed[i] if i >= 0 else 0)

    return "".join(parts), to_original, points


def crossing(start: int, end: int, points: list[int]) -> bool:
    """Whether ``[start, end)`` holds a gap point (one of ``points``, sorted) inside it."""
    i = bisect.bisect_right(points, start)
    return i < len(points) and points[i] < end


class _Hit(Protocol):
    start: int
    end: int


H = TypeVar("H", bound=_Hit)


def crossing_hits(extra: Mapping[int, Sequence[H]], points: list[int], to_original: Callable[[int], int],
                  offset: int = 0, into: dict[int, list[H]] | None = None) -> dict[int, list[H]]:
    """The hits of a joined text (``extra``) that cross one of its gap ``points``, placed
    where their characters stand (``offset``: where the joined stretch starts), added to
    ``into``."""
    added: dict[int, list[H]] = {} if into is None else into
    for lid, found in extra.items():
        for h in found:
            if crossing(h.start, h.end, points):
                added.setdefault(lid, []).append(replace(h, start=offset + to_original(h.start),  # type: ignore[type-var]
                                                         end=offset + to_original(h.end - 1) + 1))
    return added


def merge(hits: Mapping[int, Sequence[H]], extra: Mapping[int, Sequence[H]], points: list[int],
          to_original: Callable[[int], int], added: dict[int, list[H]] | None = None) -> dict[int, list[H]] | None:
    """``hits`` (by list id) with the hits of the joined text that cross a gap (``extra``),
    placed where their characters stand in the text (or, with ``added``, those hits already
    placed); None when no hit crosses one."""
    if added is None:
        added = crossing_hits(extra, points, to_original)
    if not added:
        return None
    merged: dict[int, list[H]] = defaultdict(list, {lid: list(v) for lid, v in hits.items()})
    for lid, more in added.items():
        merged[lid] = _placed(merged[lid], more)
    return merged


def _placed(hits: Sequence[H], more: Sequence[H]) -> list[H]:
    """``hits`` with each of ``more`` before the first hit that starts after it, the others
    keeping their order (the fallback scan lists hits by where they end, not start).

    As if inserted one by one, in linear time after a sort: a search and an insert per hit
    made text split at every character quadratic (minutes a megabyte). The first hit that
    starts after ``s`` is the first whose running maximum of starts passes ``s``; hits put in
    the same place stand in order of their starts (inserting one by one keeps them so)."""
    peaks = list(accumulate((h.start for h in hits), max))
    into: dict[int, list[H]] = defaultdict(list)
    for h in more:
        into[bisect.bisect_right(peaks, h.start)].append(h)
    out: list[H] = []
    for i, h in enumerate(hits):
        if i in into:
            out += sorted(into[i], key=_start)
        out.append(h)
    out += sorted(into.get(len(hits), ()), key=_start)
    return out


def _start(hit: _Hit) -> int:
    return hit.start
