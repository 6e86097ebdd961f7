"""What a reviewer sees of a hold's evidence: a one-line summary per rule for the queue, and
each snippet split into plain and highlighted segments for the entry page.

The evidence is the rules engine's (``[{rule, action, mode, score, description, recipients,
evidence: [{where, snippet}]}]``), already redacted before it was stored: a card number is
``**** **** **** 1111`` there, so highlighting never reveals a value, it only points at the
masked one, at the match itself (``mark``: its span in the snippet, which the engine records
for every keyword, regex and detector finding, so a full-width ``ＣＯＮＦＩＤＥＮＴＩＡＬ`` or a
traditional ``機密`` the normaliser folded is marked where it stands) and at the words the rule
was looking for (``terms``, given by the caller who knows the rules; this package does not
import them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

# a masked value (digits or letters with asterisks, separators kept) or a redaction marker
_SEP = r"[ .\-\u00a0\u3000]"
_MASK_TOKEN = r"[0-9A-Za-z]*\*+[0-9A-Za-z*]*"
_MASKED = re.compile(
    r"\[redacted\]|-----BEGIN PRIVATE KEY-----[^-]*-----END PRIVATE KEY-----"
    rf"|{_MASK_TOKEN}(?:{_SEP}{_MASK_TOKEN}|{_SEP}[0-9]+(?![0-9A-Za-z]))*"
)


def hits_of(evidence: Any) -> list[dict[str, Any]]:
    """The evidence as a list of hits; older or foreign shapes (a bare list of
    ``{where, snippet}``) become one unnamed hit, anything else none."""
    if not isinstance(evidence, list):
        return []
    hits = [h for h in evidence if isinstance(h, dict) and isinstance(h.get("evidence"), list)]
    loose = [e for e in evidence if isinstance(e, dict) and "snippet" in e and "evidence" not in e]
    if loose:
        hits.append({"rule": "", "description": "", "score": 0, "evidence": loose})
    return hits


def _places(items: Sequence[dict[str, Any]]) -> list[str]:
    """Where the evidence was found, coarse (an attachment's inner path is kept apart)."""
    return list(dict.fromkeys(str(i.get("where") or "?") for i in items))


def confidence_of(hit: dict[str, Any]) -> float | None:
    """A confidence the engine gave (``confidence``, or a scoring rule's ``score``), or None."""
    for key in ("confidence", "score"):
        value = hit.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value:
            return float(value)
    return None


def summarise(evidence: Any) -> list[dict[str, Any]]:
    """One line per rule: what was found, how many times, where, confidence if any."""
    out = []
    for hit in hits_of(evidence):
        items = [e for e in hit.get("evidence") or [] if isinstance(e, dict)]
        out.append({
            "rule": str(hit.get("rule") or ""),
            "what": str(hit.get("description") or hit.get("rule") or ""),
            "count": len(items),
            "where": _places(items),
            "confidence": confidence_of(hit),
        })
    return out


def _mark_of(item: dict[str, Any], length: int) -> list[tuple[int, int]]:
    """The engine's span of the match in the snippet, when it is a sane one."""
    mark = item.get("mark")
    if (isinstance(mark, (list, tuple)) and len(mark) == 2 and all(isinstance(x, int) for x in mark)
            and 0 <= mark[0] < mark[1] <= length):
        return [(int(mark[0]), int(mark[1]))]
    return []


def highlight(snippet: str, terms: Iterable[str] = (), marks: Iterable[tuple[int, int]] = ()
              ) -> list[tuple[str, bool]]:
    """``snippet`` as ``[(text, highlighted)]``: the ``marks`` (spans), masked values and
    ``terms`` (case-insensitive) highlighted. Joining the texts gives the snippet back unchanged."""
    spans: list[tuple[int, int]] = [m.span() for m in _MASKED.finditer(snippet)]
    low = snippet.casefold()
    for term in {t.casefold() for t in terms if t and t.strip()}:
        start = low.find(term)
        while start >= 0:
            spans.append((start, start + len(term)))
            start = low.find(term, start + len(term))
    if len(low) != len(snippet):  # casefold changed lengths (ß, ligatures): positions are unsafe
        spans = [m.span() for m in _MASKED.finditer(snippet)]
    spans += [(s, e) for s, e in marks if 0 <= s < e <= len(snippet)]
    merged: list[list[int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    out: list[tuple[str, bool]] = []
    pos = 0
    for s, e in merged:
        if s > pos:
            out.append((snippet[pos:s], False))
        out.append((snippet[s:e], True))
        pos = e
    if pos < len(snippet):
        out.append((snippet[pos:], False))
    return out


def panel(evidence: Any, terms_of: Any = None) -> list[dict[str, Any]]:
    """The entry page's evidence panel: per hit, its rule, description, confidence and each
    snippet with its place and highlighted segments. ``terms_of(rule)`` gives a rule's words."""
    out = []
    for hit in hits_of(evidence):
        rule = str(hit.get("rule") or "")
        terms = list(terms_of(rule)) if terms_of and rule else []
        out.append({
            "rule": rule,
            "description": str(hit.get("description") or ""),
            "mode": hit.get("mode"),
            "confidence": confidence_of(hit),
            "items": _items(hit.get("evidence") or [], terms),
        })
    return out


def _items(evidence: list[Any], terms: list[str]) -> list[dict[str, Any]]:
    """One line per place and snippet, with every match in it highlighted: two markers in one
    sentence ("机密 … 严禁外传") are two findings but one line to read, not the same line twice."""
    marks: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for e in evidence:
        if isinstance(e, dict):
            snippet = str(e.get("snippet") or "")
            marks.setdefault((str(e.get("where") or "?"), snippet), []).extend(_mark_of(e, len(snippet)))
    return [{"where": where, "segments": highlight(snippet, terms, spans)} for (where, snippet), spans in marks.items()]
