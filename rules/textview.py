"""The normalised view of a text that detectors read, with a way back to the original.

A card or identity number typed with a Chinese input method comes out in full-width digits
(４１１１…), a word processor joins groups with no-break or thin spaces, a copy from a web
page brings zero-width spaces, and people write ``4111.1111.1111.1111``. The detectors' checks
(Luhn, GB 11643) only see ASCII digits and plain separators, so each such spelling would
hide the number. Here every one of them is folded to its plain form: full-width forms to
ASCII, every space-like character to a space, every dash-like one to ``-``, middle dots and
the full-width stop to ``.``, and invisible characters (zero-width spaces and joiners, soft
hyphens, BOMs) removed. Positions map back, so evidence shows and masks what was written.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rules.folding import INVISIBLE, INVISIBLE_CLASS

_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_DOTS = "\u00b7\u2022\u2024\u2027\u30fb\uff0e\uff65"
_INVISIBLE = INVISIBLE  # rules/folding.py: what keyword matching drops, detectors drop too
# Full-width digits and Latin letters (what values are written in) and the characters above;
# full-width punctuation (，。：) is left alone: no value is written with it, and Chinese text
# is full of it, so leaving it keeps ordinary Chinese mail on the fast path.
_FULL_WIDTH = "\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff0b\uff0f\uff1d\uff20"
_FOLD = re.compile(f"[{_SPACES}{_DASHES}{_DOTS}{INVISIBLE_CLASS}{_FULL_WIDTH}\u2028\u2029]")


def _fold_char(ch: str) -> str:
    if ch in _SPACES:
        return " "
    if ch in _DASHES:
        return "-"
    if ch in _DOTS:
        return "."
    if ch in _INVISIBLE:
        return ""
    if ch in "\u2028\u2029":
        return "\n"
    return chr(ord(ch) - 0xFEE0)  # full-width ASCII


_TABLE = {c: _fold_char(chr(c)) for c in range(0x10000) if _FOLD.match(chr(c))}
_TABLE.update((ord(ch), "") for ch in INVISIBLE)  # the astral ones (tag characters) too

View = tuple[str, Callable[[int], int] | None]
_CACHE_SIZE = 4
_cache: dict[int, tuple[str, View]] = {}  # detectors read the same few texts one after another


def detector_view(text: str) -> View:
    """``(view, to_original)``: the folded text, and a map from a position in it to the
    position in ``text`` (None when positions are the same)."""
    if text.isascii():
        return text, None
    hit = _cache.get(id(text))
    if hit is not None and hit[0] is text:
        return hit[1]
    view = _build(text)
    if len(_cache) >= _CACHE_SIZE:
        _cache.clear()
    _cache[id(text)] = (text, view)
    return view


def _build(text: str) -> View:
    if _FOLD.search(text) is None:
        return text, None
    folded = text.translate(_TABLE)
    if len(folded) == len(text):
        return folded, None
    # invisible characters were dropped: keep, for each kept character, where it was
    origin = [i for i, ch in enumerate(text) if _TABLE.get(ord(ch)) != ""]
    origin.append(len(text))

    def to_original(pos: int) -> int:
        return origin[pos] if pos < len(origin) else len(text)

    return folded, to_original
