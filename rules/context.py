"""What surrounds a detected value: context words in a window, the column it sits in.

Detectors grade their matches from this (see :mod:`rules.match`): a card number with
"valid thru 08/27" beside it is a card; the same digits in a column headed "Order ID" are
an order number. Tables are read as people write them in mail: CSV, tab-separated or
pipe-separated lines under a header line (a spreadsheet's rows arrive tab-separated), and
columns lined up with runs of spaces, where the value heads its row (an order or waybill
number listed first: its column's header is the first cell of the block's first line).
"""

from __future__ import annotations

import re
from bisect import bisect_right

_DELIMITERS = ("\t", ",", "|", ";", "，")
_HEADERISH_DIGITS = re.compile(r"[0-9]{5}")
_TABLE_CACHE: dict[int, tuple[str, _Table]] = {}


def window(text: str, start: int, end: int, before: int = 80, after: int = 80) -> str:
    """The casefolded text around ``[start, end)`` (the value itself left out)."""
    return (text[max(0, start - before):start] + " \x00 " + text[end:end + after]).casefold()


def sentence_span(text: str, start: int, end: int, boundary: re.Pattern[str], reach: int = 200) -> tuple[int, int]:
    """The sentence holding ``[start, end)``: from the end of the last ``boundary`` match before
    ``start`` to the start of the next one after ``end``, each looked for within ``reach``."""
    lo = max(0, start - reach)
    s = lo
    for m in boundary.finditer(text, lo, start):
        s = m.end()
    m = boundary.search(text, end, end + reach)
    return s, (m.start() if m else min(len(text), end + reach))


class _Table:
    """Line starts of a text and, per line, the header cells of the table it is in."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.lines = text.split("\n")
        self.header: list[tuple[str, list[str]] | None] = []
        current: tuple[str, list[str]] | None = None
        for line in self.lines:
            delim = _delimiter(line)
            if delim is None:
                current = None
            elif current is None or current[0] != delim:
                # the first line of a table: its header when it holds labels, not values
                current = (delim, [c.strip().casefold() for c in line.split(delim)])
                if _HEADERISH_DIGITS.search(line):
                    current = (delim, [])
            self.header.append(current)
        self._aligned: list[str | None] | None = None  # per line: see aligned_first_column

    def aligned_first_column(self, row: int) -> str | None:
        """The header of a space-aligned table's first column for line ``row``: the block of
        lines it stands in (no blank line between) has two or more cells split by runs of
        spaces on every line down to it, its first line holds labels, not values, and two or
        more rows under that start with a number (a column of them: one line under a label is
        a form, "Invoice no.   INV-2291" above a card and its expiry). Found for every line in
        one pass the first time it is asked (a table of many rows is read once, not per value)."""
        if self._aligned is None:
            self._aligned = _aligned_headers(self.lines)
        return self._aligned[row]


def _delimiter(line: str) -> str | None:
    for d in _DELIMITERS:
        if d in line:
            return d
    return None


def column_header(text: str, pos: int) -> str | None:
    """The header cell (casefolded) of the table column holding ``pos``, or None when
    ``pos`` is not in a table with a header line."""
    cached = _TABLE_CACHE.get(id(text))
    if cached is None or cached[0] is not text:
        if len(_TABLE_CACHE) > 8:
            _TABLE_CACHE.clear()
        cached = (text, _Table(text))
        _TABLE_CACHE[id(text)] = cached
    table = cached[1]
    row = bisect_right(table.starts, pos) - 1
    head = table.header[row]
    if head is None or not head[1]:
        return _aligned_first_column(table, row, pos)
    delim, cells = head
    line_start = table.starts[row]
    if table.starts[row] == _header_start(table, row):
        return None  # the value is in the header line itself
    col = text.count(delim, line_start, pos)
    return cells[col] if col < len(cells) else None


_ALIGNED_GAP = re.compile(r"[ \t]{2,}|\t")


def _aligned_cells(line: str) -> list[str]:
    return [c for c in _ALIGNED_GAP.split(line.strip()) if c]


def _aligned_first_column(table: _Table, row: int, pos: int) -> str | None:
    """:meth:`_Table.aligned_first_column` when the value at ``pos`` heads its row."""
    line = table.lines[row]
    if line[:pos - table.starts[row]].strip():
        return None
    return table.aligned_first_column(row)


def _aligned_headers(lines: list[str]) -> list[str | None]:
    out: list[str | None] = [None] * len(lines)
    i, n = 0, len(lines)
    while i < n:
        if not lines[i].strip():
            i += 1
            continue
        top = i
        while i < n and lines[i].strip():  # the block: lines up to a blank one
            i += 1
        cells = [len(_aligned_cells(line)) >= 2 for line in lines[top:i]]
        numbered = sum(1 for line in lines[top + 1:i] if line.lstrip()[:1].isdigit())
        if not cells[0] or numbered < 2 or _HEADERISH_DIGITS.search(lines[top]):
            continue
        header = _aligned_cells(lines[top])[0].casefold()
        for row in range(top + 1, i):
            if not cells[row - top]:
                break  # a line of prose in the block: no table from here on
            out[row] = header
    return out


def _header_start(table: _Table, row: int) -> int:
    head = table.header[row]
    while row > 0 and table.header[row - 1] is head:
        row -= 1
    return table.starts[row]
