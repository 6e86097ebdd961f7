"""Keyword and regex matching, compiled once per rule set.

All keyword terms of all lists go into one Hyperscan database (or, where Hyperscan has no
wheel, one pyahocorasick automaton), so a message's text is scanned once whatever the number
of terms; both give the same hits (tests run both). Text and terms are NFKC
normalised and case-folded (full-width letters, ligatures, case all match). English (ASCII
word) terms must sit on word boundaries ("confidential" does not fire in "nonconfidential");
Chinese terms match as substrings, as Chinese has no spaces between words. Hit offsets are
character offsets into ``normalize(text)``.

With Hyperscan the text is not normalised: NFKC costs more than the scan, so the raw UTF-8 is
scanned and gives the hits the normalised text would (``rules/folding.py`` says why nearly
all characters normalise one to one, in place):

- terms are byte literals with HS_FLAG_CASELESS: ASCII case is the one folding a literal
  scanner does for free (a phrase's literal ends on its rarest word: see ``_term_pattern``);
- a second database, one UTF-8 character class, is scanned first and *marks* each
  character at which raw and normalised text could disagree for these terms: the unsafe ones
  (not one to one: combining marks, ﬁ, ß, …) and the other spellings of characters that
  occur in terms (Ａ or ａ for a, U+3000 for a space, compatibility ideographs). Each line
  holding a mark is replaced by its normalised form before the terms are scanned; normalising
  per line is exact because a line break never composes with its neighbours;
- every other character either is its own normal form up to ASCII case, or neither it nor
  its normal form occurs in any term (and lines that were normalised are their normal form).
  So a literal matches exactly where the term occurs in the normalised text, the matched
  bytes are the term's own bytes up to ASCII case (the start is the end minus the term's
  byte length), and character offsets in the scanned text are those of ``normalize(text)``;
- a word boundary looks at the neighbour's normal form: ``FoldTable.word_chars`` holds every
  character that normalises to an ASCII word character (full-width Ａ, ①, 𝐀 ...), and no
  normalised non-ASCII character is one of them (tested over all code points), so the same
  test serves raw and normalised lines.

Text that is mostly marks (decomposed accents throughout, say) is normalised whole, as
before. pyahocorasick cannot match spellings, so the fallback engine always normalises first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import ahocorasick

from rules import cjk_gaps
from rules.chinese_variants import variants
from rules.folding import fold_table, is_word_char
from rules.hs_database import compile_db, escape, marker_class, matches_anywhere, term_pattern, word_counts
from rules.normalization import normalize, normalize_lines
from rules.utf8 import char_at, char_before, char_count, char_offsets, encoded_checked, same_offset

try:  # Hyperscan scans literals at memory speed; Aho-Corasick is the portable fallback.
    import hyperscan
except ImportError:  # pragma: no cover - depends on the platform's wheels
    hyperscan = None


_is_word_char = is_word_char


@dataclass(frozen=True)
class KeywordHit:
    """One occurrence of a term; positions are in the normalised text."""

    list_id: int
    term: str
    start: int
    end: int


class KeywordScan(NamedTuple):
    """The hits in one text, grouped by list id, and the length of ``normalize(text)``.

    Hit offsets are into the normalised text; where it is as long as the text (nearly
    always) they are offsets into the text too, and nothing needs normalising to show them.
    """

    hits: dict[int, list[KeywordHit]]
    norm_length: int


def _mark_limit(size: int) -> int:
    """How many marked characters a text of ``size`` bytes may hold before it is normalised
    whole. Lines holding marks are normalised one by one, which beats normalising the whole
    text however many lines are marked; but each mark costs a Python call, about as much as
    normalising a few bytes, so text that is mostly marks is normalised at once instead."""
    return 32 + size // 64


# More CJK gaps than this and the text is read joined whole instead of in stretches around
# each: a stretch read apart costs a Hyperscan call and its Python, more than reading a few
# kilobytes more (a document's paragraphs and table cells put a gap at every line).
_GAPS_READ_APART = 8


class _Scanned:
    """A text as the keyword scan read it (its marked lines normalised) and the heads the CJK
    gap gate found in it (byte and character offsets; see :meth:`KeywordMatcher._split_terms`)."""

    __slots__ = ("_text", "data", "heads")

    def __init__(self, text: str | None, data: bytes, heads: list[tuple[int, int]]) -> None:
        self._text = text  # None until decoded: the text was changed (marked lines normalised)
        self.data = data
        self.heads = heads

    def text(self) -> str:
        if self._text is None:
            self._text = self.data.decode("utf-8")
        return self._text


class KeywordMatcher:
    """One automaton over every term of every keyword list of a rule set."""

    def __init__(self, *, engine: str = "auto") -> None:
        self._automaton = ahocorasick.Automaton()
        self._terms: dict[str, tuple[bool, bool, set[int]]] = {}
        self._built = False
        self._reach = 0  # the longest term's length (build sets it)
        self._pairs: frozenset[str] = frozenset()  # CJK characters side by side in a term (rules.cjk_gaps.pairs)
        self._use_hyperscan = hyperscan is not None and engine in ("auto", "hyperscan")
        self._hs_db = None  # the terms, for raw and normalised text alike, and the literal CJK-gap gate
        self._within: dict[int, int] = {}  # list id -> the characters its hits must start in (add)
        self._least_bound = 0  # the smallest of them (build)
        self._hs_bounded_db = None  # the terms only such lists hold: read over the start of a text
        self._bounded_reach = 0  # characters the start read holds: the largest bound and longest such term
        self._term_count = 0  # ids from here on in _hs_db are the gate's (rules.cjk_gaps.gate_literals)
        self._gate_sizes: list[int] = []  # each gate literal's length in bytes, by id from _term_count
        self._hs_marker_db = None  # the characters raw text cannot be scanned over
        self._hs_gap_db = None  # any whitespace between CJK characters (rules.cjk_gaps.HS_GATE)
        self._hs_terms: list[tuple[str, int, bool, bool, frozenset[int]]] = []
        self._word_chars: frozenset[str] = frozenset()
        self._ascii_word: tuple[bool, ...] = (False,) * 0x80  # _word_chars, by ASCII byte

    def add(self, list_id: int, term: str, *, within: int | None = None) -> None:
        """Add ``term`` as a member of keyword list ``list_id``, with its traditional and
        simplified Chinese spellings (:mod:`rules.chinese_variants`).

        ``within``: the list's hits are wanted only where they start in the first ``within``
        characters of the normalised text: the words that open a scam pattern's windows, which
        read no further (:mod:`rules.scams`). The bound is the list's: given once, it holds for
        all its terms. Terms no other list holds then go to a database of their own, read over
        the start of the text only: in the one every text is scanned with to its end, a few
        hundred common words slowed every scan."""
        if within is not None and self._within.setdefault(list_id, within) != within:
            raise ValueError(f"keyword list {list_id} is bounded at {self._within[list_id]} characters, not {within}")
        self._add(list_id, term)
        for variant in variants(term):
            self._add(list_id, variant)

    def terms(self, list_ids: frozenset[int] | set[int]) -> list[str]:
        """The (normalised) terms of keyword lists ``list_ids``: what a reviewer's evidence
        panel highlights. Not used while screening."""
        return sorted(norm for norm, (_l, _r, lids) in self._terms.items() if lids & list_ids)

    def _add(self, list_id: int, term: str) -> None:
        norm = normalize(term).strip()
        if not norm:
            return
        entry = self._terms.get(norm)
        if entry is None:
            entry = (_is_word_char(norm[0]), _is_word_char(norm[-1]), set())
            self._terms[norm] = entry
        entry[2].add(list_id)

    def build(self) -> None:
        self._least_bound = min(self._within.values(), default=0)
        # the longest term: how far either side of a CJK gap a term crossing it reaches
        self._reach = max((len(t) for t in self._terms), default=0)
        self._pairs = cjk_gaps.pairs(self._terms)
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
        """A block database of the terms as caseless byte literals with the literal CJK-gap
        gate, and one of the marks.

        Normalised text has no upper-case ASCII, so the caseless literals match it exactly
        as plain ones would and one database serves raw and normalised text. The marker
        class is a database of its own: in the terms' database it would slow the scan. The
        gate's literals (a term's CJK character, then whitespace) are the terms': the places
        a term can cross a gap come out of the terms' own pass (:func:`rules.cjk_gaps.gate_literals`).
        """
        table = fold_table()
        shared = word_counts(self._terms)
        literals = []
        for norm, (left, right, lists) in self._terms.items():
            encoded = norm.encode("utf-8")
            self._hs_terms.append((norm, len(encoded), left, right, frozenset(lists)))
            literals.append(term_pattern(norm, shared))
        self._word_chars = table.word_chars
        self._ascii_word = tuple(chr(b) in table.word_chars for b in range(0x80))
        self._term_count = len(literals)
        gate = cjk_gaps.gate_literals(self._terms)
        self._gate_sizes = [len(g) for g in gate]
        # ids: the terms every text is read for, then those read over its start only (lists
        # with a bound alone hold them), then the gate's literals
        bounded = [i for i, entry in enumerate(self._terms.values())
                   if entry[2] and all(lid in self._within for lid in entry[2])]
        unbounded = sorted(set(range(len(literals))) - set(bounded))
        caseless = hyperscan.HS_FLAG_CASELESS
        expressions = [literals[i] for i in unbounded] + [escape(g) for g in gate]
        ids = unbounded + list(range(len(literals), len(literals) + len(gate)))
        if not expressions:  # every term bounded: a literal no UTF-8 holds keeps the database valid
            expressions, ids = [b"\\xff\\xff"], [len(literals)]
        flags = [caseless] * len(unbounded) + [0] * (len(expressions) - len(unbounded))
        self._hs_db = compile_db(expressions, flags, ids)
        if bounded:
            self._hs_bounded_db = compile_db([literals[i] for i in bounded], [caseless] * len(bounded), bounded)
            longest = max(len(self._hs_terms[i][0]) for i in bounded)
            # (a hit starting before the bound ends before this character: as it starts in the bytes
            # read, the hit's last character is whole in them)
            self._bounded_reach = max(self._within.values()) + longest
        self._hs_marker_db = compile_db([marker_class(table, set("".join(self._terms)))],
                                      [hyperscan.HS_FLAG_UTF8])
        # every gap, not only those after a head: whether a text normalised whole has any, and
        # where they all are in text with many (read joined whole, as the reference reads it)
        self._hs_gap_db = compile_db([cjk_gaps.HS_GATE], [hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_SINGLEMATCH])
        self._hs_gap_places_db = compile_db([cjk_gaps.HS_GATE], [hyperscan.HS_FLAG_UTF8])

    @property
    def empty(self) -> bool:
        return not self._terms

    def find(self, text: str) -> KeywordScan:
        """All hits of ``text`` as in its normalised form, normalising as little as it can;
        Chinese terms split by whitespace (机\\n密, 机 密) too (:mod:`rules.cjk_gaps`); a
        list added ``within`` a bound only its hits that start before it."""
        scan, gapped, scanned = self._find(text)
        if not (gapped is False or text.isascii() or not self._terms):
            scan = self._split_terms(text, scan, scanned)
        if not self._within or scan.norm_length <= self._least_bound:  # (no hit can start past a bound)
            return scan
        return KeywordScan(self.within_bounds(scan.hits), scan.norm_length)

    def within_bounds(self, hits: dict[int, list[KeywordHit]]) -> dict[int, list[KeywordHit]]:
        """``hits`` without those of a bounded list (:meth:`add`) that start past its bound:
        what :meth:`find` gives however far it read (``hits`` itself when none does)."""
        out = hits
        for lid, bound in self._within.items():
            found = hits.get(lid)
            if found and any(h.start >= bound for h in found):
                if out is hits:
                    out = defaultdict(list, hits)
                kept = [h for h in found if h.start < bound]
                if kept:
                    out[lid] = kept
                else:
                    del out[lid]
        return out

    def _split_terms(self, text: str, scan: KeywordScan, scanned: _Scanned | None) -> KeywordScan:
        """``scan`` with the hits that cross a gap, placed where their characters stand
        (offsets into the normalised text, as every hit's).

        The text is read a second time with its gaps taken out. When the first scan read the
        text as it stands (``scanned``: the text as scanned, marked lines normalised, and
        where the terms' pass found a term's CJK character before whitespace), the gaps are
        looked for only after them, and only the stretches around them are read again,
        with every gap in them taken out; normalising whole texts, a pattern tried at every
        CJK character and a second scan of everything made the scan of Chinese mail three to
        eight times slower. Only gaps between two characters that stand side by side in a term
        count (:func:`rules.cjk_gaps.pairs`): a term crosses no other. With many of them (a
        document's table cells) the text is read joined whole, every gap taken out.
        Otherwise (a text normalised whole) the normalised text is read."""
        if scanned is not None:
            # a term crosses only a gap between two characters side by side in it
            crossed = cjk_gaps.gaps_after(scanned.data, scanned.heads, self._pairs)
            if not crossed:
                return scan
            base = scanned.text()
        else:
            base = normalize(text)
            spans = cjk_gaps.gaps(base)
            if not cjk_gaps.crossable(base, spans, self._pairs):
                return scan
            stretch, to_original, points = cjk_gaps.joined(base, spans)
            merged = cjk_gaps.merge(scan.hits, self.scan_normalized(stretch), points, to_original)
            return scan if merged is None else KeywordScan(merged, scan.norm_length)
        if len(crossed) <= _GAPS_READ_APART:
            # only the stretches around them, which need no normalising either
            added: dict[int, list[KeywordHit]] = {}
            for lo, hi in cjk_gaps.windows(base, crossed, self._reach):
                # every gap of the stretch taken out, not only those a term can cross: a gap
                # no term crosses still changes what stands next to what, as in the whole
                # text joined
                stretch, to_original, points = cjk_gaps.joined(base[lo:hi], cjk_gaps.gaps(base[lo:hi]))
                data = stretch.encode("utf-8")
                extra = self._hits(data, len(stretch), self._scan_ends(data))
                cjk_gaps.crossing_hits(extra, points, to_original, lo, added)
            merged = cjk_gaps.merge(scan.hits, {}, [], lambda i: i, added)
        else:  # gaps all through it (a document's paragraphs, table cells): the text joined once
            stretch, to_original, points = cjk_gaps.joined(base, self._all_gaps(scanned.data, base))
            data = stretch.encode("utf-8")
            merged = cjk_gaps.merge(scan.hits, self._hits(data, len(stretch), self._scan_ends(data)),
                                    points, to_original)
        return scan if merged is None else KeywordScan(merged, scan.norm_length)

    def _all_gaps(self, data: bytes, text: str) -> list[tuple[int, int]]:
        """Every gap of ``text`` (``data`` its UTF-8), read where :data:`rules.cjk_gaps.HS_GATE`
        matches: any whitespace between CJK characters, after a head or not."""
        ends: list[int] = []

        def on_match(_id: int, _start: int, end: int, _flags: int, _ctx: object) -> None:
            ends.append(end)

        self._hs_gap_places_db.scan(data, match_event_handler=on_match)  # type: ignore[attr-defined]
        to_char = char_offsets(data, len(text), ends)
        return cjk_gaps.gaps_in(text, [(max(0, to_char(e) - cjk_gaps.PLACE_REACH), to_char(e)) for e in ends])

    def _find(self, text: str) -> tuple[KeywordScan, bool | None, _Scanned | None]:
        """The hits; whether the text may hold a CJK gap a term crosses (False: it cannot,
        being ASCII, or the gate found none; else :func:`rules.cjk_gaps.gaps` tells); and,
        when the hits' positions are those of the text as scanned (the text, its marked lines
        normalised), that text and where the gate matched in it
        (:func:`rules.cjk_gaps.gate_literals`, read in the terms' pass): the gaps are then
        found where it stands."""
        if self._hs_db is None or not text:
            return self._find_normalized(text), None, None
        data, clean = encoded_checked(text)  # (kept for the other passes over the same text)
        if not clean:  # lone surrogates: the reference path treats them
            return self._find_normalized(text), None, None
        if len(data) == len(text):  # ASCII: never marked, no CJK
            ends = self._scan_with_gate(data)[0] + self._start_ends(data, len(text))
            return KeywordScan(self._hits(data, len(text), ends), len(text)), False, None
        marked = self._marked_lines(data)
        if marked is None:
            return self._find_normalized(text), matches_anywhere(self._hs_gap_db, data), None
        length = len(text)
        if marked:
            data, length = normalize_lines(data, marked, length)
        ends, gate = self._scan_with_gate(data)
        ends += self._start_ends(data, length)
        # where each head the gate found starts: its match is the head and a first whitespace
        sizes, first = self._gate_sizes, self._term_count
        heads = [end - sizes[gate_id - first] for end, gate_id in gate]
        # one pass from bytes to characters for the hits and the heads alike
        hits, to_char = self._hits_and_offsets(data, length, ends, heads)
        return KeywordScan(hits, length), None, _Scanned(text if not marked else None, data,
                                                         [(at, to_char(at)) for at in heads])

    def _find_normalized(self, text: str) -> KeywordScan:
        norm = normalize(text)
        return KeywordScan(self.scan_normalized(norm), len(norm))

    def _marked_lines(self, data: bytes) -> list[tuple[int, int]] | None:
        """The (start, end) byte spans of the lines holding a marked character.

        None when the text holds so many marks that normalising it whole is cheaper.
        """
        lines: list[tuple[int, int]] = []
        budget = [_mark_limit(len(data))]

        def on_match(_id: int, _start: int, end: int, _flags: int, _ctx: object) -> bool:
            budget[0] -= 1
            if lines and lines[-1][0] < end <= lines[-1][1]:
                return budget[0] < 0  # this line is marked already
            stop = data.find(b"\n", end)
            lines.append((data.rfind(b"\n", 0, end) + 1, len(data) if stop < 0 else stop))
            return budget[0] < 0

        try:
            self._hs_marker_db.scan(data, match_event_handler=on_match)  # type: ignore[attr-defined]
        except hyperscan.ScanTerminated:
            return None
        return lines

    def _scan_ends(self, data: bytes) -> list[tuple[int, int]]:
        """Where each term's literal ends in ``data``, with the term's id (the bounded lists'
        terms too, read all through: a stretch or a normalised text, offsets of their own)."""
        ends = self._scan_with_gate(data)[0]
        if self._hs_bounded_db is not None:
            ends += self._bounded_ends(data)
        return ends

    def _start_ends(self, data: bytes, length: int) -> list[tuple[int, int]]:
        """:meth:`_scan_ends` of the terms only bounded lists hold, read over as much of
        ``data`` (UTF-8 of ``length`` characters) as holds the characters their hits can
        start in and the longest of them: its bytes are found from the characters' average
        size and counted (each at most 4 bytes, so a wrong guess only costs a second count)."""
        if self._hs_bounded_db is None:
            return []
        need, n = self._bounded_reach, len(data)
        if need >= length:
            return self._bounded_ends(data)
        cut = need if n == length else min(n, need * n // length + need // 8)
        while cut < n:
            have = char_count(data, cut)
            if have >= need:
                break
            cut = min(n, cut + (need - have) * 4)
        return self._bounded_ends(data if cut >= n else data[:cut])

    def _bounded_ends(self, data: bytes) -> list[tuple[int, int]]:
        ends: list[tuple[int, int]] = []

        def on_match(term_id: int, _start: int, end: int, _flags: int, _ctx: object) -> None:
            ends.append((end, term_id))

        self._hs_bounded_db.scan(data, match_event_handler=on_match)  # type: ignore[attr-defined]
        return ends

    def _scan_with_gate(self, data: bytes) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        """:meth:`_scan_ends`, and where the literal CJK-gap gate matched (where a head and
        the first character of a gap end, with the literal's id), from the one pass over
        ``data``."""
        ends: list[tuple[int, int]] = []
        gate: list[tuple[int, int]] = []
        terms = self._term_count

        def on_match(term_id: int, _start: int, end: int, _flags: int, _ctx: object) -> None:
            if term_id < terms:
                ends.append((end, term_id))
            else:
                gate.append((end, term_id))

        self._hs_db.scan(data, match_event_handler=on_match)  # type: ignore[attr-defined]
        return ends, gate

    def _hits(self, data: bytes, length: int, ends: list[tuple[int, int]]) -> dict[int, list[KeywordHit]]:
        """Hits from literal ends in ``data``, ordered like the normalised scan orders them."""
        return self._hits_and_offsets(data, length, ends)[0]

    def _hits_and_offsets(self, data: bytes, length: int, ends: list[tuple[int, int]], also: Sequence[int] = (),
                          ) -> tuple[dict[int, list[KeywordHit]], Callable[[int], int]]:
        """:meth:`_hits`, and a map to character offsets of their byte offsets and of ``also``."""
        out: dict[int, list[KeywordHit]] = defaultdict(list)
        if not ends and not also:
            return out, same_offset
        words, ascii_word, n = self._word_chars, self._ascii_word, len(data)
        raw = []
        for end, term_id in ends:
            _term, size, left, right, _lists = self._hs_terms[term_id]
            start = end - size
            if left and start > 0:  # the character before, read from its byte when it is ASCII
                b = data[start - 1]
                if ascii_word[b] if b < 0x80 else char_before(data, start) in words:
                    continue
            if right and end < n:
                b = data[end]
                if ascii_word[b] if b < 0x80 else char_at(data, end) in words:
                    continue
            raw.append((start, end, term_id))
        raw.sort()
        # a hit's bytes are its term's own (up to ASCII case): it ends len(term) characters on
        to_char = char_offsets(data, length, [r[0] for r in raw] + list(also))
        for start, _end, term_id in raw:
            term, _size, _left, _right, lists = self._hs_terms[term_id]
            cs = to_char(start)
            for lid in lists:
                out[lid].append(KeywordHit(lid, term, cs, cs + len(term)))
        return out, to_char

    def scan_normalized(self, norm: str) -> dict[int, list[KeywordHit]]:
        """All hits in already-normalised text, grouped by list id (character offsets)."""
        out: dict[int, list[KeywordHit]] = defaultdict(list)
        if not self._terms or not norm:
            return out
        if self._hs_db is not None:
            encoded = norm.encode("utf-8", "surrogatepass")  # (lone surrogates: their own bytes, no term's)
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
        n = len(data)
        raw = []
        ends = self._scan_ends(data)
        for start, end, term_id in sorted((end - self._hs_terms[i][1], end, i) for end, i in ends):
            term, _size, left, right, lists = self._hs_terms[term_id]
            if left and start > 0 and _is_word_char(chr(data[start - 1])):
                continue
            if right and end < n and _is_word_char(chr(data[end])):
                continue
            raw.append((start, end, term, lists))
        return raw

    def scan(self, text: str) -> tuple[str, dict[int, list[KeywordHit]]]:
        """Normalise ``text`` and scan it; returns the normalised text and the hits."""
        return normalize(text), self.find(text).hits


def _as_bytes_str(text: str) -> str:
    """UTF-8 bytes of ``text`` as a latin-1 string (identity for ASCII)."""
    return text if text.isascii() else text.encode("utf-8", "surrogatepass").decode("latin-1")


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
        prev_c += len(data[prev_b:off].encode("latin-1").decode("utf-8", "surrogatepass"))
        prev_b = off
        index[off] = prev_c
    return lambda i: index.get(i, 0)
