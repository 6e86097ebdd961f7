"""Hyperscan character classes (UTF-8 mode) written from code points.

The keyword scan's marker class, the CJK-gap gate and the organisation's disclaimer gate are
each a class of many code points; one writer keeps them in runs (``\\x{4e00}-\\x{9fff}``),
which keeps the expressions short (Hyperscan refuses one past 16,000 bytes).
"""

from __future__ import annotations

from collections.abc import Iterable


def runs(code_points: Iterable[int]) -> list[tuple[int, int]]:
    """``code_points`` as sorted ``(first, last)`` runs of consecutive code points."""
    return merge((cp, cp) for cp in code_points)


def merge(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """``(first, last)`` ranges sorted, with those that overlap or touch joined."""
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(hi, out[-1][1]))
        else:
            out.append((lo, hi))
    return out


def ranges_text(ranges: Iterable[tuple[int, int]]) -> str:
    """The inside of a class holding ``ranges`` (merged first)."""
    return "".join(f"\\x{{{lo:x}}}" if lo == hi else f"\\x{{{lo:x}}}-\\x{{{hi:x}}}" for lo, hi in merge(ranges))


def hs_class(ranges: Iterable[tuple[int, int]]) -> str:
    """A class holding ``ranges``: ``[\\x{..}-\\x{..}…]``."""
    return "[" + ranges_text(ranges) + "]"
