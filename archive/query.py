"""The auditors' query language.

    free text            words AND-ed; a word that splits into several tokens is a phrase
    "a phrase"           adjacent tokens
    from:ADDR            envelope or header sender (full address, or a domain: example.com / @example.com)
    to:ADDR              envelope recipient or header To/Cc (address or domain)
    domain:DOMAIN        the sender or any recipient in that domain (or an address: either side)
    subject:WORD         subject tokens only (blind index); subject:"a phrase" too
    direction:inbound|outbound|internal
    verdict:delivered|queued|quarantined|rejected|released
    rule:NAME            a rule hit
    has:attachment
    after:YYYY-MM-DD     received on or after that day (UTC)
    before:YYYY-MM-DD    received before that day (UTC)
    after:YYYY-MM-DDTHH:MM+08:00, before:…   the same from an instant with its UTC offset (the
                         console writes a person's day in their time zone this way)
    id:N                 one archive record

A bad query raises :class:`QueryError` with a message that says what is wrong.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field

FILTERS = ("from", "to", "domain", "subject", "direction", "verdict", "rule", "has", "after", "before", "id")
DIRECTIONS = ("inbound", "outbound", "internal")
VERDICTS = ("delivered", "queued", "quarantined", "rejected", "released")


class QueryError(ValueError):
    """The query cannot be understood; str(exc) says why."""


@dataclass
class Term:
    text: str
    field: str = "b"        # "b" anywhere, "s" subject only
    phrase: bool = False


@dataclass
class Query:
    terms: list[Term] = field(default_factory=list)
    senders: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    parties: list[str] = field(default_factory=list)     # domain: either side
    directions: list[str] = field(default_factory=list)
    verdicts: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    has_attachment: bool = False
    after: float | None = None
    before: float | None = None
    ids: list[int] = field(default_factory=list)


_TOKEN = re.compile(r'\s*(?:(?P<key>[A-Za-z_]+):(?P<val>"[^"]*"?|\S*)|(?P<phrase>"[^"]*"?)|(?P<word>\S+))')


_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}t\d{2}:\d{2}(?::\d{2})?(?:z|[+-]\d{2}:\d{2})")


def _day(value: str, key: str) -> float:
    if _INSTANT.fullmatch(value):
        import datetime as _dt

        try:
            return _dt.datetime.fromisoformat(value.upper().replace("Z", "+00:00")).timestamp()
        except ValueError as exc:
            raise QueryError(f"{key}: {value!r} is not a valid time") from exc
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value)
    if not match:
        raise QueryError(f"{key}: expects a date as YYYY-MM-DD (or YYYY-MM-DDTHH:MM+08:00), got {value!r}")
    y, m, d = (int(g) for g in match.groups())
    try:
        import datetime as _dt

        _dt.date(y, m, d)
    except ValueError as exc:
        raise QueryError(f"{key}: {value!r} is not a valid date") from exc
    return float(calendar.timegm((y, m, d, 0, 0, 0)))


def _unquote(value: str, what: str) -> tuple[str, bool]:
    if value.startswith('"'):
        if len(value) < 2 or not value.endswith('"'):
            raise QueryError(f"{what}: unterminated quote")
        return value[1:-1], True
    return value, False


def parse_query(text: str) -> Query:
    if len(text) > 2000:
        raise QueryError("query too long (at most 2000 characters)")
    query = Query()
    pos = 0
    text = text.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            break
        pos = match.end()
        if match.group("phrase") is not None:
            value, _ = _unquote(match.group("phrase"), "phrase")
            if value.strip():
                query.terms.append(Term(value, "b", True))
            continue
        if match.group("word") is not None:
            query.terms.append(Term(match.group("word")))
            continue
        key = match.group("key").lower()
        raw = match.group("val")
        if key not in FILTERS:
            raise QueryError(f"unknown filter {key!r}: (known: {', '.join(f + ':' for f in FILTERS)})")
        value, quoted = _unquote(raw, key + ":")
        if not value.strip():
            raise QueryError(f"{key}: needs a value")
        low = value.strip().lower()
        if key == "from":
            query.senders.append(low.lstrip("@"))
        elif key == "to":
            query.recipients.append(low.lstrip("@"))
        elif key == "domain":
            query.parties.append(low.lstrip("@"))
        elif key == "subject":
            query.terms.append(Term(value, "s", quoted))
        elif key == "direction":
            if low not in DIRECTIONS:
                raise QueryError(f"direction: expects one of {', '.join(DIRECTIONS)}, got {value!r}")
            query.directions.append(low)
        elif key == "verdict":
            if low not in VERDICTS:
                raise QueryError(f"verdict: expects one of {', '.join(VERDICTS)}, got {value!r}")
            query.verdicts.append(low)
        elif key == "rule":
            query.rules.append(value.strip())
        elif key == "has":
            if low not in ("attachment", "attachments"):
                raise QueryError(f"has: only has:attachment is supported, got {value!r}")
            query.has_attachment = True
        elif key == "after":
            day = _day(low, "after:")
            query.after = day if query.after is None else max(query.after, day)
        elif key == "before":
            day = _day(low, "before:")
            query.before = day if query.before is None else min(query.before, day)
        elif key == "id":
            if not low.isdigit() or not 0 < int(low) < 2**63:
                raise QueryError(f"id: expects a record number, got {value!r}")
            query.ids.append(int(low))
    return query
