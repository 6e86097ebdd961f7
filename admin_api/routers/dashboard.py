"""``/api/v1/dashboard``: the console dashboard's figures over a period, as JSON or CSV.

Supervisors get their own departments' figures only (every count filtered in the database);
compliance, auditors and admins see all. The same function feeds the dashboard page, so the
page, the API and the CSV can never disagree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse

from admin_api import roles
from admin_api.dashboard import category_by_name, dashboard, dashboard_csv
from admin_api.deps import Services, audit_info, authz
from admin_api.responses import csv_cell
from admin_api.schemas import When, field_error, ts
from admin_api.services import ApiServices
from admin_api.users import Principal

router = APIRouter(tags=["reports"])
DEFAULT_DAYS = 7


def period(services: ApiServices, after: float | None, before: float | None) -> tuple[float, float]:
    """[after, before): by default the last seven days up to now."""
    end = before if before is not None else services.clock()
    start = after if after is not None else end - DEFAULT_DAYS * 86400
    if start >= end:
        raise field_error(("query", "after"), "after must be before before")
    if end - start > 3660 * 86400:
        raise field_error(("query", "after"), "the period may span at most ten years")
    return start, end


def figures(services: ApiServices, p: Principal, after: float, before: float,
            zone: dt.tzinfo | None = None) -> dict[str, Any]:
    """The dashboard for ``p``: scoped to their departments when their role is; days named in
    ``zone`` (the console reader's; the API's are UTC)."""
    departments = sorted(p.departments) if p.role in roles.DEPARTMENT_SCOPED else None
    return dashboard(services.engine, after, before, departments=departments, now=services.clock(),
                     category=services.rule_category or category_by_name, zone=zone)


@router.get("/dashboard", responses={200: {"content": {"text/csv": {}}}})
def dashboard_get(services: Services, request: Request, after: When = None, before: When = None,
                  format: Literal["json", "csv"] = "json",
                  p: Principal = Depends(authz("dashboard.read"))) -> Any:
    start, end = period(services, ts(after), ts(before))
    audit_info(request)["detail"] = {"after": start, "before": end, "format": format}
    data = figures(services, p, start, end)
    if format == "csv":
        return PlainTextResponse(dashboard_csv(data, csv_cell), media_type="text/csv",
                                 headers={"Content-Disposition": 'attachment; filename="dashboard.csv"'})
    return data
