"""Text/plain ``format=flowed`` (RFC 3676) joined back into the lines the reader sees.

A flowed message wraps long lines with a *soft* break: a line ending in a space continues
on the next one, and with ``delsp=yes`` that space is not part of the text at all. Clients
(Thunderbird writes flowed mail by default, and breaks Chinese text anywhere) join such
lines before showing them, so ``机 ⏎密`` under ``delsp=yes`` reads 机密. Screening the raw
lines would find neither half: the text is joined here exactly as a client joins it.
"""

from __future__ import annotations

_SIGNATURE = "-- "


def _quote_depth(line: str) -> tuple[int, str]:
    depth = len(line) - len(line.lstrip(">"))
    return depth, line[depth:]


def unflow(text: str, delsp: bool) -> str:
    """``text`` with its soft line breaks removed (quote marks and space-stuffing dropped
    from the joined lines as RFC 3676 section 4 says); never raises."""
    out: list[str] = []
    current: str | None = None
    current_depth = 0
    for raw in text.replace("\r\n", "\n").split("\n"):
        depth, line = _quote_depth(raw)
        if line.startswith(" "):
            line = line[1:]  # space-stuffing
        if current is not None and depth != current_depth:
            out.append(">" * current_depth + current)  # a quote level change ends a paragraph
            current = None
        piece = line
        soft = line.endswith(" ") and line != _SIGNATURE
        if soft and delsp:
            piece = line[:-1]
        current = piece if current is None else current + piece
        current_depth = depth
        if not soft:
            out.append(">" * depth + current)
            current = None
    if current is not None:
        out.append(">" * current_depth + current)
    return "\n".join(out)
