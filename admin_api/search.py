"""Archive search for the console: the query language plus a structured form, snippets with
the query's words highlighted, saved searches per person.

Why the form is turned into query text (and not into SQL of its own): there is one search
path, the archive's, with its blind index and its tests; the form only writes what an
auditor could have typed (``from:"…" direction:outbound …``), so the query box and the form
always agree, and a saved search is just that text.

Snippets are cut from the message decrypted for this one answer (never stored, never
logged); the endpoint audits which records' text it showed. Values the redactor masks
elsewhere (card numbers, ID numbers, secrets) stay masked around the highlighted words.
"""

from __future__ import annotations

import datetime as dt
import time
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa

from admin_api import periods
from admin_api import tables as t
from archive.query import DIRECTIONS, VERDICTS, QueryError, parse_query
from rules.content import parse
from rules.redact import redact_text

SNIPPET_CONTEXT = 60          # characters shown on each side of the first match
MAX_SAVED = 100               # saved searches per person

# form field -> query-language key
_FIELDS = (("sender", "from"), ("recipient", "to"), ("domain", "domain"), ("direction", "direction"),
           ("verdict", "verdict"), ("rule", "rule"))


class FormError(ValueError):
    """A structured field that cannot be searched; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _bound(moment: dt.datetime) -> str:
    """A day's start as the query language writes it: the day itself at UTC+0 (what an
    auditor types), else the instant with its offset (``2026-12-05T00:00+08:00``)."""
    if moment.utcoffset() == dt.timedelta(0):
        return moment.date().isoformat()
    return moment.isoformat(timespec="minutes")


def compose(q: str = "", filters: dict[str, Any] | None = None, zone: str | None = None) -> str:
    """The query text for ``q`` and the form's ``filters``; FormError names a bad field,
    :class:`admin_api.periods.PeriodError` a bad date or a first day after the last.

    ``filters``: sender, recipient, domain (address or domain), direction, verdict, rule,
    has_attachment (bool), after / before (YYYY-MM-DD; ``before`` inclusive of that day), the
    days in ``zone`` (the person's time zone; UTC when None)."""
    parts = [q.strip()] if q and q.strip() else []
    filters = filters or {}
    for field, key in _FIELDS:
        value = str(filters.get(field) or "").strip()
        if not value:
            continue
        if '"' in value or any(ch.isspace() for ch in value):
            raise FormError(field, f"{field}: one value without spaces or quotes, got {value!r}")
        if key == "direction" and value not in DIRECTIONS:
            raise FormError(field, f"direction: one of {', '.join(DIRECTIONS)}")
        if key == "verdict" and value not in VERDICTS:
            raise FormError(field, f"verdict: one of {', '.join(VERDICTS)}")
        parts.append(f'{key}:"{value}"')
    if filters.get("has_attachment"):
        parts.append("has:attachment")
    first, last = periods.days(filters.get("after"), filters.get("before"))
    where = periods.zone_of(zone)
    if first:
        parts.append(f"after:{_bound(periods.day_start(first, where))}")
    if last:   # the form's "to date" includes that day
        parts.append(f"before:{_bound(periods.day_start(last + dt.timedelta(days=1), where))}")
    text = " ".join(parts)
    try:
        parse_query(text)
    except QueryError as exc:
        raise FormError("q", str(exc)) from None
    return text


def query_words(text: str) -> list[str]:
    """The words and phrases a query looks for (what a snippet highlights)."""
    try:
        return [term.text for term in parse_query(text).terms if term.text.strip()]
    except QueryError:
        return []


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _spans(text: str, words: Iterable[str]) -> list[tuple[int, int]]:
    """Where the words occur in ``text`` (case- and width-insensitively), merged."""
    folded = _fold(text)
    if len(folded) != len(text):      # folding changed lengths: match on the plain lower case
        folded = text.lower()
        if len(folded) != len(text):
            return []
    spans = []
    for word in words:
        needle = _fold(word)
        if not needle:
            continue
        start = folded.find(needle)
        while start >= 0:
            spans.append((start, start + len(needle)))
            start = folded.find(needle, start + len(needle))
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def snippet(raw: bytes, words: list[str], context: int = SNIPPET_CONTEXT) -> dict[str, Any] | None:
    """The first readable part where a word occurs: ``{"where", "parts": [{"text", "hit"}]}``,
    the words marked as hits, the rest redacted; None when no word occurs in the text."""
    if not words:
        return None
    for where, text in parse(raw).iter_text():
        text = " ".join(text.split())
        spans = _spans(text, words)
        if not spans:
            continue
        start = max(0, spans[0][0] - context)
        end = min(len(text), spans[0][1] + context)
        parts: list[dict[str, Any]] = []
        pos = start
        for s, e in spans:
            if s < start or e > end:
                continue
            if s > pos:
                parts.append({"text": redact_text(text[pos:s]), "hit": False})
            parts.append({"text": text[s:e], "hit": True})
            pos = e
        if pos < end:
            parts.append({"text": redact_text(text[pos:end]), "hit": False})
        if start > 0:
            parts.insert(0, {"text": "…", "hit": False})
        if end < len(text):
            parts.append({"text": "…", "hit": False})
        return {"where": where, "parts": parts}
    return None


# ---- saved searches -----------------------------------------------------------------------
def save_search(engine: sa.Engine, owner: str, name: str, query: str, filters: dict[str, Any],
                clock: Callable[[], float] = time.time) -> dict[str, Any]:
    """Save (or replace) ``owner``'s search called ``name``; ValueError when they have too many."""
    s = t.saved_searches.c
    with engine.begin() as conn:
        existing = conn.execute(sa.select(s.id).where(s.owner == owner, s.name == name)).first()
        if existing is not None:
            conn.execute(sa.update(t.saved_searches).where(s.id == existing.id)
                         .values(query=query, filters=filters, created_at=clock()))
            search_id = int(existing.id)
        else:
            count = conn.execute(sa.select(sa.func.count()).where(s.owner == owner)).scalar_one()
            if count >= MAX_SAVED:
                raise ValueError(f"at most {MAX_SAVED} saved searches per person")
            search_id = int(conn.execute(sa.insert(t.saved_searches).values(
                owner=owner, name=name, query=query, filters=filters, created_at=clock())).inserted_primary_key[0])
    return get_search(engine, owner, search_id)


def list_searches(engine: sa.Engine, owner: str) -> list[dict[str, Any]]:
    s = t.saved_searches.c
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(t.saved_searches).where(s.owner == owner)
                                              .order_by(s.name)).mappings()]


def get_search(engine: sa.Engine, owner: str, search_id: int) -> dict[str, Any]:
    s = t.saved_searches.c
    with engine.connect() as conn:
        row = conn.execute(sa.select(t.saved_searches).where(s.owner == owner, s.id == search_id)).mappings().first()
    if row is None:
        raise LookupError(f"no saved search {search_id}")
    return dict(row)


def delete_search(engine: sa.Engine, owner: str, search_id: int) -> None:
    s = t.saved_searches.c
    with engine.begin() as conn:
        if conn.execute(sa.delete(t.saved_searches).where(s.owner == owner, s.id == search_id)).rowcount != 1:
            raise LookupError(f"no saved search {search_id}")
