"""``/dashboard``: the dashboard page (server-drawn SVG charts, each with its table), its CSV and
a printable period report. Supervisors see their own departments (the same function as
``GET /api/v1/dashboard``, audited as ``dashboard.read``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import PlainTextResponse, Response
from markupsafe import Markup

from admin_api import charts, periods
from admin_api.dashboard import dashboard_csv
from admin_api.deps import Services, audit_info, page_authz
from admin_api.responses import csv_cell
from admin_api.routers.dashboard import DEFAULT_DAYS, figures
from admin_api.services import ApiServices
from admin_api.templating import gettext_for, page_language, render
from admin_api.users import Principal
from admin_api.words import translate

router = APIRouter(include_in_schema=False)
# lists whose labels are stored codes (translated); rules and departments are names, shown as they are
CODED = frozenset({"verdicts", "directions", "holds", "decisions", "pending_by_age"})
Day = Annotated[str, Query(max_length=10)]


def _period(services: ApiServices, request: Request, after: str, before: str) -> tuple[float, float, str, str]:
    """Dates of the form (``before`` inclusive) -> [start, end), days in the reader's time
    zone (the last seven up to today there by default); PeriodError for a bad pair."""
    zone = page_language(request)[1]
    first_day, last_day = periods.days(after, before)
    end_day = last_day or periods.today(services.clock(), zone)
    start_day = first_day or end_day - dt.timedelta(days=DEFAULT_DAYS - 1)
    if start_day > end_day:    # only a first day was given, after today
        raise periods.PeriodError("inverted", "after", start_day.isoformat(), end_day.isoformat())
    start, end = periods.bounds(start_day, end_day, zone)
    assert start is not None and end is not None
    return start, end, start_day.isoformat(), end_day.isoformat()


def _period_or_422(services: ApiServices, request: Request, after: str, before: str) -> tuple[float, float, str, str]:
    try:
        return _period(services, request, after, before)
    except periods.PeriodError as exc:
        raise HTTPException(422, periods.message(exc, gettext_for(request))) from None


def _context(request: Request, services: ApiServices, p: Principal, after: str, before: str) -> dict[str, Any]:
    _ = gettext_for(request)
    start, end, first, last = _period(services, request, after, before)
    audit_info(request)["detail"] = {"after": start, "before": end}
    data = figures(services, p, start, end, periods.zone_of(page_language(request)[1]))
    keys = sorted({k for day in data["messages_per_day"] for k in day["counts"]})
    lists = {
        "top_rules": [(i["rule"], i["count"]) for i in data["top_rules"]],
        "holds_per_department": [(i["department"], i["count"]) for i in data["holds_per_department"]],
        "pending_by_age": [(i["age"], i["count"]) for i in data["pending_by_age"]],
        "false_positives": [(i["rule"], i["count"]) for i in data["false_positives"]],
        "verdicts": sorted(data["totals"]["verdict"].items()),
        "directions": sorted(data["totals"]["direction"].items()),
        "decisions": sorted(data["decisions"].items()),
        "holds": sorted(data["holds"]["by_status"].items()),
        "threats": [(_("Spam"), data["spam"]), (_("Malware"), data["malware"])],
    }
    titles = {
        "verdicts": _("Messages by verdict"), "directions": _("Messages by direction"),
        "holds": _("Holds by status"), "decisions": _("Decisions"), "top_rules": _("Top rules"),
        "holds_per_department": _("Holds per department"), "pending_by_age": _("Pending approvals by age"),
        "false_positives": _("False-positive marks per rule"), "threats": _("Spam and malware"),
    }
    word = translate(_)
    shown = {name: [(word(label) if name in CODED else label, n) for label, n in rows] for name, rows in lists.items()}
    svgs = {name: Markup(charts.bars(titles[name], rows)) for name, rows in shown.items()}  # noqa: S704 - escaped
    per_day = Markup(charts.stacked_days(_("Messages per day"), data["messages_per_day"], keys,  # noqa: S704
                                         labels=[word(k) for k in keys]))
    query = f"after={first}&before={last}"
    return {"data": data, "lists": lists, "titles": titles, "svgs": svgs, "per_day": per_day, "keys": keys,
            "coded": CODED,
            "first": first, "last": last, "qs": query}


@router.get("/dashboard")
def dashboard_page(request: Request, services: Services, after: Day = "", before: Day = "",
                   p: Principal = Depends(page_authz("dashboard.read"))) -> Response:
    try:
        context = _context(request, services, p, after, before)
    except periods.PeriodError as exc:   # the form again with what is wrong, no figures
        return render(request, "dashboard.html", {"data": None, "first": after, "last": before,
                                                  "error": periods.message(exc, gettext_for(request))},
                      status_code=422)
    return render(request, "dashboard.html", {**context, "error": None})


@router.get("/dashboard/report")
def dashboard_report(request: Request, services: Services, after: Day = "", before: Day = "",
                     p: Principal = Depends(page_authz("dashboard.read"))) -> Response:
    _period_or_422(services, request, after, before)
    return render(request, "dashboard_report.html", _context(request, services, p, after, before))


@router.get("/dashboard.csv")
def dashboard_csv_page(request: Request, services: Services, after: Day = "", before: Day = "",
                       p: Principal = Depends(page_authz("dashboard.read"))) -> Response:
    start, end, first, last = _period_or_422(services, request, after, before)
    audit_info(request)["detail"] = {"after": start, "before": end, "format": "csv"}
    zone = periods.zone_of(page_language(request)[1])
    return PlainTextResponse(dashboard_csv(figures(services, p, start, end, zone), csv_cell), media_type="text/csv",
                             headers={"Content-Disposition": f'attachment; filename="report-{first}-{last}.csv"'})
