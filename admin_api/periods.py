"""The console's "first day" / "last day" fields as instants, in the reader's time zone.

Why one module: the queue, the archive search, the dashboard and the audit log each have a
pair of date fields. A person in Shanghai who picks 5 December means their 5 December
(00:00 to 24:00 at UTC+8), which is what every time on their pages is shown in; reading the
dates as UTC days moved eight hours of mail to the wrong day. A malformed date or a first
day after the last is said the same way on every page, in the reader's language, never a
500 nor a silently empty table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

UTC = dt.UTC


class PeriodError(ValueError):
    """A date field that is not a date, or a first day after the last; ``kind`` says which
    ("malformed" or "inverted") and ``field`` which field ("after" or "before")."""

    def __init__(self, kind: str, field: str, after: str, before: str) -> None:
        self.kind, self.field, self.after, self.before = kind, field, after, before
        if kind == "inverted":
            text = f"after: the first day ({after}) is later than the last day ({before})"
        else:
            text = f"{field}: expects a date as YYYY-MM-DD, got {(after if field == 'after' else before)!r}"
        super().__init__(text)


def zone_of(name: str | None) -> dt.tzinfo:
    """The person's zone (UTC when they chose none, or it is unknown here)."""
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        return UTC


def parse_day(value: str | dt.date | None, field: str, after: str = "", before: str = "") -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise PeriodError("malformed", field, after, before) from None


def day_start(day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    """Midnight of ``day`` where the person is (an aware datetime)."""
    return dt.datetime.combine(day, dt.time(), zone)


def days(after: str | dt.date | None, before: str | dt.date | None) -> tuple[dt.date | None, dt.date | None]:
    """The two fields as dates (either may be empty); PeriodError when one is not a date or
    the first is after the last."""
    a_text, b_text = str(after or ""), str(before or "")
    first = parse_day(after, "after", a_text, b_text)
    last = parse_day(before, "before", a_text, b_text)
    if first and last and first > last:
        raise PeriodError("inverted", "after", a_text, b_text)
    return first, last


def bounds(after: str | dt.date | None, before: str | dt.date | None,
           zone_name: str | None) -> tuple[float | None, float | None]:
    """[start, end) as timestamps: the start of the first day and the end of the last day
    (``before`` counts whole), both in the person's zone; None for an empty field."""
    first, last = days(after, before)
    zone = zone_of(zone_name)
    start = day_start(first, zone).timestamp() if first else None
    end = day_start(last + dt.timedelta(days=1), zone).timestamp() if last else None
    return start, end


def today(now: float, zone_name: str | None) -> dt.date:
    return dt.datetime.fromtimestamp(now, zone_of(zone_name)).date()


def message(exc: PeriodError, gettext: Callable[[str], str]) -> str:
    """What the page says, in the reader's language."""
    _ = gettext
    if exc.kind == "inverted":
        return _("The first day (%(after)s) is after the last day (%(before)s).") % {
            "after": exc.after, "before": exc.before}
    value = exc.after if exc.field == "after" else exc.before
    return _("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": value}
