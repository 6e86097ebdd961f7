"""Date fields of the console's filters are days in the reader's time zone
(admin_api.periods): the archive search writes them as instants with their offset, which the
query language reads; an inverted or malformed pair is a PeriodError (a clear 422 in the
API), never a 500. The browser walks are tests/browser/test_console_archive_paths.py."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from admin_api import periods
from admin_api.search import compose
from archive.query import QueryError, parse_query
from tests.test_api_support import Env


def test_a_day_in_shanghai_is_its_24_hours_there() -> None:
    text = compose("合同", {"after": "2026-12-05", "before": "2026-12-05"}, zone="Asia/Shanghai")
    assert text == "合同 after:2026-12-05T00:00+08:00 before:2026-12-06T00:00+08:00"
    query = parse_query(text)
    start = dt.datetime(2026, 12, 4, 16, 0, tzinfo=dt.UTC).timestamp()
    assert (query.after, query.before) == (start, start + 86400)
    # UTC (no zone chosen) keeps the plain days an auditor types
    assert compose("", {"after": "2026-12-05", "before": "2026-12-05"}) == "after:2026-12-05 before:2026-12-06"
    # a day with a daylight-saving change is 23 hours long there
    spring = periods.bounds("2026-03-08", "2026-03-08", "America/New_York")
    assert spring[1] - spring[0] == 23 * 3600


def test_inverted_and_malformed_pairs_are_said() -> None:
    with pytest.raises(periods.PeriodError) as inverted:
        compose("x", {"after": "2026-12-06", "before": "2026-12-05"}, zone="Asia/Shanghai")
    assert inverted.value.kind == "inverted"
    said = periods.message(inverted.value, lambda s: s)
    assert said == "The first day (2026-12-06) is after the last day (2026-12-05)."
    with pytest.raises(periods.PeriodError) as bad:
        periods.bounds("2026-13-45", "", None)
    assert (bad.value.kind, bad.value.field) == ("malformed", "after")
    with pytest.raises(QueryError):
        parse_query("after:2026-12-05T25:00+08:00")


def test_the_api_answers_an_inverted_range_with_a_422(engine: sa.Engine) -> None:
    env = Env(engine)
    answer = env.client.get("/api/v1/archive/query", headers=env.headers("auditor"),
                            params={"q": "x", "after": "2026-12-06", "before": "2026-12-05"})
    assert answer.status_code == 422 and "later than the last day" in answer.text, answer.text


def test_dashboard_days_in_a_zone_count_whole_days_unless_its_offset_changes() -> None:
    from zoneinfo import ZoneInfo

    from admin_api.dashboard import QUARTER, day_buckets

    jan = periods.bounds("2026-01-05", "2026-01-11", "America/New_York")
    march = periods.bounds("2026-03-02", "2026-03-15", "America/New_York")
    assert day_buckets(*jan, ZoneInfo("America/New_York")) == (86400, -5 * 3600)
    assert day_buckets(*march, ZoneInfo("America/New_York")) == (QUARTER, 0)     # the clocks go forward
    year = periods.bounds("2026-01-01", "2026-12-31", "Asia/Shanghai")
    assert day_buckets(*year, ZoneInfo("Asia/Shanghai")) == (86400, 8 * 3600)
    assert day_buckets(*year, None) == (86400, 0)
