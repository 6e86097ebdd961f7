"""The dashboard's figures over a period, counted in the database from metadata only.

Why here (admin_api) and not in archive/ or quarantine/: a dashboard joins both packages'
tables, and admin_api is the package allowed to import both. Every figure is a ``GROUP BY``
over the same rows an auditor can search, so the dashboard equals the archive by
construction (the tests compare them). ``departments`` scopes everything to a supervisor's
own departments: archive records and quarantine entries of other departments are not counted.

Messages are counted once, as they arrived (archive event ``accepted``); releases, notices and
imports are other events and not new messages.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import sqlalchemy as sa

from archive import tables as at
from quarantine import tables as qt
from quarantine.false_positives import counts as fp_counts

# Pending approvals by age: upper bounds in seconds and their labels.
AGE_BUCKETS: tuple[tuple[float, str], ...] = (
    (3600.0, "<1h"), (86400.0, "1h-1d"), (3 * 86400.0, "1d-3d"), (7 * 86400.0, "3d-7d"), (float("inf"), ">7d"),
)
TOP_RULES = 10
# Spam: the message crossed a spam threshold (the engine's own ``spam-threshold`` hit) or
# carried GTUBE; a rule that merely adds to the score is a signal, not a spam count.
# Malware: a rule (or engine finding) named so.
SPAM_RULES = ("spam-threshold", "gtube")
_MALWARE_WORDS = ("malware", "virus", "clamav", "eicar")


def category_by_name(rule: str) -> str | None:
    name = rule.lower()
    if any(w in name for w in _MALWARE_WORDS):
        return "malware"
    if name in SPAM_RULES:
        return "spam"
    return None


# Messages per day in the reader's zone: where its offset stays the same over the period (most
# of the world, or a period within one daylight-saving season) the database counts whole days
# shifted by that offset; otherwise quarter hours (every UTC offset in use is a whole number of
# them), each then named by its day in that zone.
QUARTER = 900
DAY = 86400


def _day(ts: float, zone: dt.tzinfo = dt.UTC) -> str:
    return dt.datetime.fromtimestamp(ts, zone).strftime("%Y-%m-%d")


def day_buckets(after: float, before: float, zone: dt.tzinfo | None) -> tuple[int, int]:
    """(bucket width, offset in seconds) for counting [after, before) by days in ``zone``."""
    if zone is None:
        return DAY, 0
    offsets = set()
    moment = after
    while moment < before + DAY and len(offsets) < 2:
        offset = dt.datetime.fromtimestamp(moment, zone).utcoffset()
        offsets.add(int(offset.total_seconds()) if offset is not None else 0)
        moment += DAY
    return (DAY, offsets.pop()) if len(offsets) == 1 else (QUARTER, 0)


def dashboard(engine: sa.Engine, after: float, before: float, *, departments: Iterable[str] | None = None,
              now: float, category: Callable[[str], str | None] = category_by_name,
              zone: dt.tzinfo | None = None) -> dict[str, Any]:
    """Every figure of the dashboard for [after, before); see the module doc for scoping.
    ``messages_per_day`` names days in ``zone`` (the reader's; UTC when None)."""
    depts = None if departments is None else sorted(set(departments))
    r = at.records.c
    rconds: list[Any] = [r.event == "accepted", r.received_at >= after, r.received_at < before]
    e = qt.entries.c
    econds: list[Any] = [e.created_at >= after, e.created_at < before]
    if depts is not None:
        rconds.append(r.department.in_(depts))
        econds.append(e.department.in_(depts))
    out: dict[str, Any] = {"after": after, "before": before, "departments": depts}
    width, shift = day_buckets(after, before, zone)
    day = sa.cast((r.received_at + shift) / width, sa.BigInteger) if engine.dialect.name == "sqlite" else \
        sa.func.floor((r.received_at + shift) / width)
    with engine.connect() as conn:
        per_day: dict[str, dict[str, int]] = {}
        totals = {"messages": 0, "direction": {}, "verdict": {}}
        for number, direction, verdict, count in conn.execute(
                sa.select(day, r.direction, r.verdict, sa.func.count()).where(*rconds)
                .group_by(day, r.direction, r.verdict)):
            label = _day(int(number) * width - shift, zone or dt.UTC)
            key = f"{direction or '-'}/{verdict or '-'}"
            row = per_day.setdefault(label, {})
            row[key] = row.get(key, 0) + int(count)
            totals["messages"] += int(count)
            for name, value in (("direction", direction or "-"), ("verdict", verdict or "-")):
                totals[name][value] = totals[name].get(value, 0) + int(count)
        out["messages_per_day"] = [{"day": d, "counts": per_day[d], "total": sum(per_day[d].values())}
                                   for d in sorted(per_day)]
        out["totals"] = totals

        rule_counts = {rule: int(n) for rule, n in conn.execute(
            sa.select(at.record_rules.c.rule, sa.func.count()).select_from(at.record_rules)
            .join(at.records, r.id == at.record_rules.c.record_id).where(*rconds)
            .group_by(at.record_rules.c.rule))}
        out["top_rules"] = [{"rule": k, "count": v} for k, v in
                            sorted(rule_counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_RULES]]
        by_cat: dict[str, set[int]] = {"spam": set(), "malware": set()}
        flagged = [rule for rule in rule_counts if category(rule)]
        if flagged:
            for rid, rule in conn.execute(
                    sa.select(at.record_rules.c.record_id, at.record_rules.c.rule)
                    .join(at.records, r.id == at.record_rules.c.record_id)
                    .where(*rconds, at.record_rules.c.rule.in_(flagged))):
                by_cat[category(rule) or "spam"].add(int(rid))
        out["spam"] = len(by_cat["spam"])
        out["malware"] = len(by_cat["malware"])

        holds: dict[str, int] = {}
        per_dept: dict[str, int] = {}
        for status, dept, count in conn.execute(
                sa.select(e.status, e.department, sa.func.count()).where(*econds).group_by(e.status, e.department)):
            holds[status] = holds.get(status, 0) + int(count)
            per_dept[dept or "-"] = per_dept.get(dept or "-", 0) + int(count)
        out["holds"] = {"total": sum(holds.values()), "by_status": holds}
        out["holds_per_department"] = [{"department": k, "count": v} for k, v in sorted(per_dept.items())]

        d = qt.decisions.c
        dconds: list[Any] = [d.at >= after, d.at < before]
        decisions_q = sa.select(d.action, sa.func.count()).select_from(qt.decisions)
        if depts is not None:
            decisions_q = decisions_q.join(qt.entries, e.id == d.entry_id)
            dconds.append(e.department.in_(depts))
        out["decisions"] = {a: int(n) for a, n in conn.execute(decisions_q.where(*dconds).group_by(d.action))}

        pconds: list[Any] = [e.status == "held"]
        if depts is not None:
            pconds.append(e.department.in_(depts))
        ages = dict.fromkeys((label for _, label in AGE_BUCKETS), 0)
        for (created,) in conn.execute(sa.select(e.created_at).where(*pconds)):
            age = max(0.0, now - float(created))
            ages[next(label for bound, label in AGE_BUCKETS if age < bound)] += 1
        out["pending_by_age"] = [{"age": k, "count": v} for k, v in ages.items()]

    # once per entry and rule, as the queue's and the rules page's counts (quarantine.false_positives)
    out["false_positives"] = [{"rule": rule, "count": n} for rule, n in
                              fp_counts(engine, after=after, before=before, departments=depts).items()]
    return out


def dashboard_rows(data: Mapping[str, Any]) -> list[tuple[str, str, str, int]]:
    """The figures as (chart, key, sub-key, count) rows: the CSV and each chart's table."""
    rows: list[tuple[str, str, str, int]] = []
    for day in data["messages_per_day"]:
        for key, count in sorted(day["counts"].items()):
            rows.append(("messages_per_day", day["day"], key, count))
    for name in ("direction", "verdict"):
        for key, count in sorted(data["totals"][name].items()):
            rows.append((f"messages_by_{name}", key, "", count))
    rows.append(("messages", "total", "", data["totals"]["messages"]))
    for key, count in sorted(data["holds"]["by_status"].items()):
        rows.append(("holds", key, "", count))
    for key, count in sorted(data["decisions"].items()):
        rows.append(("decisions", key, "", count))
    for item in data["top_rules"]:
        rows.append(("top_rules", item["rule"], "", item["count"]))
    for item in data["holds_per_department"]:
        rows.append(("holds_per_department", item["department"], "", item["count"]))
    for item in data["pending_by_age"]:
        rows.append(("pending_by_age", item["age"], "", item["count"]))
    for item in data["false_positives"]:
        rows.append(("false_positives", item["rule"], "", item["count"]))
    rows.append(("spam", "messages", "", data["spam"]))
    rows.append(("malware", "messages", "", data["malware"]))
    return rows


def dashboard_csv(data: Mapping[str, Any], cell: Callable[[Any], str]) -> str:
    """The period report as CSV (``cell`` neutralises formula-like values)."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["chart", "key", "detail", "count"])
    for row in dashboard_rows(data):
        writer.writerow([cell(v) for v in row])
    return buf.getvalue()
