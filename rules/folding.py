"""Which characters normalise one to one, so keywords can be found without normalising text.

Keywords are matched in ``normalize(text)`` = ``casefold(NFKC(text))`` without the
invisible characters (:data:`INVISIBLE`, counted unsafe here). Running NFKC over
every message costs more than the keyword scan itself, yet mail text is nearly all made of
characters that normalise *one to one*: ASCII, CJK ideographs, kana, full-width punctuation
(，→ ,), full-width letters (Ａ → a). For such text the normalised text is the raw text with
each character replaced, in place, by its own normal form; a keyword occurs at the same
character offsets in both, and a scanner that knows which raw characters stand for each
keyword character can run on the raw text.

Why one to one holds. Call a character *safe* when its NFKC is one character ``d`` that
is a starter (canonical combining class 0) which cannot be the second half of a
composition (it is not the second character of any canonical decomposition, nor a Hangul
vowel or trailing jamo), and ``casefold(d)`` is one character. Then:

- NFKD applies each character's full decomposition and afterwards only reorders
  non-starters, and ``NFKD(c) == NFKD(d)``; so replacing every safe ``c`` by its ``d``
  leaves NFKD(text), hence NFKC(text), unchanged.
- A string of such ``d`` passes the Unicode quick check (each is NFKC_QC=Yes: it occurs in
  NFKC output and is not a second half; each has combining class 0), so it is its own NFKC.
- ``str.casefold`` maps character by character with no context (unlike ``lower``, it has
  no final-sigma rule).

So ``normalize(text) == "".join(fold(c) for c in text)`` whenever every character is safe.
Unsafe characters (combining marks, ligatures such as ﬁ, ß → ss, … → ..., İ → i̇, Hangul
jamo) are rare in mail; text holding them is normalised line by line where they occur, as a
line break is a starter that composes with nothing and decomposes from nothing.

The table is built from the running Python's own ``unicodedata``, so it always agrees with
the ``unicodedata.normalize`` it replaces. Building it takes a few tenths of a second,
once per process.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

from rules.hs_class import runs

_BLOCK = 128
# Characters that show nothing: a zero-width space between 机 and 密 must not hide 机密, so
# normalize() drops them: Unicode's default-ignorable code points (soft hyphen, combining
# grapheme joiner, Arabic letter mark, Khmer inherent vowels, Mongolian selectors and vowel
# separator, zero-width space/joiners, direction marks, embeddings and isolates, word joiner,
# invisible operators, variation selectors, BOM, tag characters) but the Hangul fillers,
# which show as blanks. Every one of them typed between two characters of a word leaves
# the word looking the same to the reader.
_INVISIBLE_RANGES = ((0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x17B4, 0x17B5),
                     (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F),
                     (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
                     (0xE0000, 0xE0FFF))
INVISIBLE = "".join(chr(cp) for lo, hi in _INVISIBLE_RANGES for cp in range(lo, hi + 1))
INVISIBLE_CLASS = "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in _INVISIBLE_RANGES)
"""The same characters as a regular-expression class body (ranges, not 4,000 literals)."""
# Hangul vowel and trailing consonant jamo compose algorithmically (no decomposition entry).
_HANGUL_SECOND = range(0x1161, 0x1176), range(0x11A8, 0x11C3)


@dataclass(frozen=True)
class FoldTable:
    """What each code point normalises to, for the one-to-one (safe) ones."""

    fold: dict[str, str]
    """Safe character -> its normal form, for those that are not their own normal form."""
    unsafe: tuple[tuple[int, int], ...]
    """Inclusive code point ranges whose normal form is not a safe single character."""
    spellings: dict[str, tuple[str, ...]]
    """Normal form -> the other safe characters that normalise to it (inverse of fold)."""
    word_chars: frozenset[str]
    """Every safe character whose normal form is an ASCII word character (a-z, 0-9, _)."""

    def is_unsafe(self, ch: str) -> bool:
        cp = ord(ch)
        return any(lo <= cp <= hi for lo, hi in self.unsafe)


def is_word_char(ch: str) -> bool:
    """ASCII letters, digits and underscore: what an English term's edges may not touch."""
    return ch.isascii() and (ch.isalnum() or ch == "_")


@cache
def fold_table() -> FoldTable:
    """The table for this interpreter's Unicode version (built once, then cached)."""
    fold: dict[str, str] = {}
    unsafe: list[int] = []
    nfkc: dict[str, str] = {}
    second = {chr(cp) for r in _HANGUL_SECOND for cp in r}
    for block in _blocks():
        if _plain(block):
            unsafe.extend(ord(c) for c in block if unicodedata.combining(c))
            continue
        for c in block:
            second.update(_second_half(c))
            nfkc[c] = unicodedata.normalize("NFKC", c)
    for c, d in nfkc.items():
        e = d.casefold()
        if len(d) != 1 or len(e) != 1 or unicodedata.combining(d) or d in second:
            unsafe.append(ord(c))
        elif e != c:
            fold[c] = e
    unsafe.extend(ord(c) for c in second if c not in nfkc)  # second halves in plain blocks
    unsafe.extend(ord(c) for c in INVISIBLE)  # normalize() drops them: never one to one
    return _table(fold, unsafe)


def _blocks() -> list[str]:
    """All code points but surrogates (never in well-formed UTF-8), in runs of _BLOCK."""
    return ["".join(map(chr, range(lo, lo + _BLOCK)))
            for lo in range(0, 0x110000, _BLOCK) if not 0xD800 <= lo < 0xE000]


def _plain(block: str) -> bool:
    """True when every character of ``block`` is its own NFKC, NFD and casefold.

    An NFKC-normalised string holds no character with NFKC_QC=No, so each of its characters
    is its own NFKC; NFD-stable means none has a canonical decomposition (so none is the
    first of a composition pair whose second half we must record). Combining marks and
    second halves can still hide in such a block: the caller checks those.
    """
    return (unicodedata.is_normalized("NFKC", block) and unicodedata.is_normalized("NFD", block)
            and block.casefold() == block)


def _second_half(c: str) -> tuple[str, ...]:
    """The second character of ``c``'s canonical pair decomposition, if it has one."""
    mapping = unicodedata.decomposition(c)
    if not mapping or mapping.startswith("<"):
        return ()
    parts = mapping.split()
    return (chr(int(parts[1], 16)),) if len(parts) == 2 else ()


def _table(fold: dict[str, str], unsafe: list[int]) -> FoldTable:
    spellings: dict[str, list[str]] = {}
    for c, e in fold.items():
        spellings.setdefault(e, []).append(c)
    ascii_word = {chr(i) for i in range(128) if is_word_char(chr(i))}
    return FoldTable(
        fold=fold,
        unsafe=tuple(runs(unsafe)),
        spellings={e: tuple(cs) for e, cs in spellings.items()},
        word_chars=frozenset(ascii_word | {c for c, e in fold.items() if e in ascii_word}),
    )


