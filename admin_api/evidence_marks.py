"""The findings highlighted in the message itself, on the entry page: the text rendering and
the sanitised HTML rendering mark what the rules found in the body, in context.

The engine records where each match sits in its redacted snippet (``mark``). What is marked
there is either the text as written (a keyword, also in the full-width or traditional form
the normaliser folded; a regex match) or a masked value (``**************002X``). Each becomes
a pattern over the message's text: the text literally (any run of whitespace for a space), a
mask as "that many letters or digits, then the kept ones". The page shows the message as it
was sent (reviewers must read it); the evidence panel above keeps showing values masked.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from typing import Any

from quarantine.evidence_view import hits_of

MAX_PATTERNS = 50
_TAG = re.compile(r"(<[^>]*>)")
_STARS = re.compile(r"\*+")


def _pattern(marked: str) -> re.Pattern[str] | None:
    """A regex finding ``marked`` (a snippet's highlighted text) in the message's own text."""
    marked = marked.strip()
    if not marked or marked.strip("*") == "" and len(marked) < 4:
        return None
    parts: list[str] = []
    for token in marked.split():
        pos, piece = 0, []
        for stars in _STARS.finditer(token):
            piece.append(re.escape(token[pos:stars.start()]))
            piece.append(f"[0-9A-Za-z]{{{len(stars.group())}}}")
            pos = stars.end()
        piece.append(re.escape(token[pos:]))
        parts.append("".join(piece))
    body = r"\s+".join(parts)
    if "*" in marked:   # a masked value: never a piece of a longer number
        body = rf"(?<![0-9A-Za-z]){body}(?![0-9A-Za-z])"
    return re.compile(body, re.IGNORECASE)


def body_patterns(evidence: Any) -> list[re.Pattern[str]]:
    """Patterns of what the evidence marked in the message body (``where`` = ``body``)."""
    seen: dict[str, re.Pattern[str]] = {}
    for hit in hits_of(evidence):
        for item in hit.get("evidence") or []:
            if not isinstance(item, dict) or str(item.get("where")) != "body":
                continue
            snippet, mark = str(item.get("snippet") or ""), item.get("mark")
            if not (isinstance(mark, (list, tuple)) and len(mark) == 2
                    and all(isinstance(x, int) for x in mark) and 0 <= mark[0] < mark[1] <= len(snippet)):
                continue
            text = snippet[mark[0]:mark[1]]
            if text not in seen and len(seen) < MAX_PATTERNS:
                pattern = _pattern(text)
                if pattern is not None:
                    seen[text] = pattern
    return list(seen.values())


def _spans(text: str, patterns: Iterable[re.Pattern[str]]) -> list[tuple[int, int]]:
    spans = sorted(m.span() for p in patterns for m in p.finditer(text) if m.end() > m.start())
    merged: list[list[int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


def mark_text(text: str, patterns: Sequence[re.Pattern[str]]) -> list[tuple[str, bool]]:
    """``text`` as ``[(piece, marked)]``; joined, the pieces give ``text`` back."""
    out: list[tuple[str, bool]] = []
    pos = 0
    for s, e in _spans(text, patterns) if patterns else []:
        if s > pos:
            out.append((text[pos:s], False))
        out.append((text[s:e], True))
        pos = e
    if pos < len(text) or not out:
        out.append((text[pos:], False))
    return out


def mark_html(clean: str, patterns: Sequence[re.Pattern[str]]) -> str:
    """Sanitised HTML with ``<mark>`` around the findings in its text (never inside a tag);
    each text run is unescaped, searched and escaped again, so nothing new can be injected."""
    if not patterns:
        return clean
    out: list[str] = []
    for piece in _TAG.split(clean):
        if not piece or piece.startswith("<"):
            out.append(piece)
            continue
        for text, marked in mark_text(html.unescape(piece), patterns):
            escaped = html.escape(text, quote=False)
            out.append(f"<mark>{escaped}</mark>" if marked else escaped)
    return "".join(out)
