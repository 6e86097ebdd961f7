"""The form keyword terms and scanned text are matched in: NFKC, case-folded, invisible
characters dropped (:func:`normalize`), computed as cheaply as the text allows."""

from __future__ import annotations

import re
import unicodedata

from rules.folding import INVISIBLE_CLASS


def normalize(text: str) -> str:
    """NFKC + casefold, invisible characters dropped: the form both terms and scanned text
    are matched in.

    CPython's full NFKC pass is the slowest step of scanning, so it runs only on the lines
    that need it: ``is_normalized`` is a fast C check, and a line break never composes with
    its neighbours, so normalising line by line gives the same text as normalising it whole.
    """
    if text.isascii():  # NFKC is the identity on ASCII and casefold is lower()
        return text.lower()
    if _INVISIBLE.search(text):  # zero-width spaces and the like hide nothing
        text = _INVISIBLE.sub("", text)
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
_INVISIBLE = re.compile(f"[{INVISIBLE_CLASS}]")


def _narrow(match: re.Match[str]) -> str:
    char = match.group()
    return " " if char == "\u3000" else chr(ord(char) - 0xFEE0)


def _normalize_line(line: str) -> str:
    if line.isascii():
        return line.lower()
    if _INVISIBLE.search(line):
        line = _INVISIBLE.sub("", line)
    if unicodedata.is_normalized("NFKC", line):
        return line.casefold()
    return unicodedata.normalize("NFKC", line).casefold()


def normalize_lines(data: bytes, lines: list[tuple[int, int]], length: int) -> tuple[bytes, int]:
    """``data`` with the given line spans normalised, and its new length in characters."""
    parts, prev = [], 0
    for start, end in sorted(lines):
        if start < prev:  # a line reported twice
            continue
        line = data[start:end].decode("utf-8")
        norm = normalize(line)
        length += len(norm) - len(line)
        parts += (data[prev:start], norm.encode("utf-8"))
        prev = end
    parts.append(data[prev:])
    return b"".join(parts), length
