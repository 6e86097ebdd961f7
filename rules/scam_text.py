"""The text a scam assessment reads: each text normalised and :func:`fold`-ed, the windows
around its anchor words where each family of wording is looked for, and the signals found in it
(issue 19; the assessment is :mod:`rules.scams`).

The keyword scan of the message finds the anchor words of every family once; a family's patterns
are then read only within ``WINDOW[family]`` characters of them, so a long report costs a scan,
not a dozen regular expressions over all of it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property

from rules import scam_framing, scam_words
from rules.alternation import is_regex_word
from rules.chinese_variants import char_forms, simplifying_table, traditional_folder
from rules.redact import excerpt
from rules.scam_words import ANCHORS, WINDOW

SCAN_LIMIT = 20_000  # characters read per text: a scam says its piece early, a long report is no scam

Spans = list[tuple[int, int]]
_WORD_REST = re.compile(r"\w*")


def word_end(text: str, at: int, limit: int | None = None) -> int:
    """``at``, or the end of the word it falls in, within ``limit`` (default: the text's end).

    A window read with ``endpos`` is text that ends there: ``\\b`` and the lookaheads see the
    end of the text, so cut inside "tonightly" a window would find the word "tonight" that
    reading the whole text does not. Ending windows between words keeps them to what the
    whole text holds."""
    limit = len(text) if limit is None else min(limit, len(text))
    if at >= limit:
        return limit
    if at > 0 and is_regex_word(text[at - 1]) and is_regex_word(text[at]):
        return _WORD_REST.match(text, at, limit).end()  # type: ignore[union-attr]
    return at


@dataclass(frozen=True)
class Text:
    """One text to read: where it stands, its normalised form (NFKC, casefolded) and, per
    family, where that family's anchor words stand in it (None: read it all)."""

    where: str
    text: str
    anchors: dict[str, list[tuple[int, int]]] | None = None

    def windows(self, family: str) -> Spans:
        end = min(len(self.text), SCAN_LIMIT)
        if self.anchors is None:
            return [(0, end)]
        out: Spans = []
        reach = WINDOW[family]
        for s, e in sorted(self.anchors.get(family, ())):
            if s >= end:
                break
            lo, hi = max(0, s - reach), min(end, e + reach)
            # a window ends between words (word_end), looked for only when the next one does
            # not reach into it anyway: a run of anchors in one long word is read once
            if out and lo > out[-1][1]:
                out[-1] = (out[-1][0], word_end(self.text, out[-1][1], end))
            if out and lo <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], hi))
            else:
                out.append((lo, hi))
        if out:
            out[-1] = (out[-1][0], word_end(self.text, out[-1][1], end))
        return out


@dataclass(frozen=True)
class Signal:
    """One kind of scam evidence, where it was first seen (``[start, end)`` of ``text``)."""

    name: str
    where: str
    text: str
    start: int
    end: int

    @cached_property
    def shown(self) -> tuple[str, tuple[int, int] | None]:
        """The redacted one-line excerpt the evidence shows and where the signal is in it,
        made once (the rule that tags and the rule that holds show the same signals)."""
        return excerpt(self.text, self.start, self.end) if self.end > self.start else (self.text, None)


_FOLD: Callable[[str], str] | None = None


def _pattern_chars() -> str:
    """The characters the scam patterns are written in: wording, framing, the whole-text templates and the
    finders' own readings alike (寄錯 must fold to the 寄错 the stranger's opener is written in, 負擔 to the 负担
    a fee borne by the organiser is)."""
    # (they read texts with this module's windows: imported when first folding)
    from rules import scam_advisories, scam_signals, scam_templates

    return "".join(v.pattern for module in (scam_words, scam_framing, scam_templates, scam_signals, scam_advisories)
                   for v in vars(module).values() if isinstance(v, re.Pattern))


def fold(text: str) -> str:
    """``text`` with the traditional spellings of the characters these patterns are written
    in replaced by the simplified ones (穩賺 reads as 稳赚; same length, positions hold)."""
    global _FOLD
    if text.isascii():
        return text
    if _FOLD is None:
        _FOLD = traditional_folder(_pattern_chars())
    return _FOLD(text)


@cache
def anchor_words() -> dict[str, tuple[str, ...]]:
    """:data:`ANCHORS` as the keyword scan is to look for them: each word also in the
    spellings :func:`fold` reads as it that the scan's own variants of it do not give
    (:func:`rules.chinese_variants.variants` mixes 說 for 说 into a phrase, not 説:
    不要跟别人説), so a window opens wherever the folded text holds the word."""
    others: dict[str, list[str]] = {}  # simplified -> its spellings fold() reads, beyond the variants
    for code, simplified in simplifying_table(_pattern_chars()).items():
        if chr(code) not in char_forms(simplified):
            others.setdefault(simplified, []).append(chr(code))
    out: dict[str, tuple[str, ...]] = {}
    for family, words in ANCHORS.items():
        every = list(words)
        for word in words:
            if any(ch in others for ch in word):  # (the scan adds the variants of each of these too)
                every += ["".join(mix) for mix in itertools.product(*([ch, *others.get(ch, ())] for ch in word))]
        out[family] = tuple(dict.fromkeys(every))
    return out
