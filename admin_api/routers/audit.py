"""``/api/v1/audit``: the admin audit log, newest first, filtered by who, action, object,
outcome and time; the chain's verification state; the filtered log as CSV."""

from __future__ import annotations

import csv
import io
import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import PlainTextResponse
from pydantic import AfterValidator

from admin_api import audit as audit_log
from admin_api.deps import Services, authz
from admin_api.responses import csv_cell
from admin_api.schemas import Cursor, Limit, QStr, When, clean, cursor_of, ts
from admin_api.services import ApiServices
from admin_api.users import Principal

router = APIRouter(tags=["audit"])
Action = Annotated[str | None, Query(max_length=64, description="exact, or a prefix ending in '.' or '*'"),
                   AfterValidator(clean)]
Record = Annotated[str | None, Query(max_length=200, description="the object: entry, record, job or user id"),
                   AfterValidator(clean)]
Outcome = Literal["ok", "denied", "failed", "error"] | None
EXPORT_MAX = 100_000
FIELDS = ("id", "at", "actor", "role", "action", "record", "outcome", "status_code", "client_ip", "detail")


def verification(services: ApiServices) -> dict[str, Any]:
    """Whether every row's hash and MAC verifies, and the first rows that do not (the page shows it)."""
    problems = audit_log.audit_report(services.engine, services.audit_key())
    return {"ok": not problems, "checked_at": services.clock(), "last_id": audit_log.last_id(services.engine),
            "broken": [{"id": i, "why": why} for i, why in problems[:50]], "broken_count": len(problems)}


def audit_filters(
    actor: QStr = None,
    action: Action = None,
    record: Record = None,
    outcome: Outcome = None,
    after: When = None,
    before: When = None,
) -> dict[str, Any]:
    """The filters the list and the CSV export share, as :func:`admin_api.audit.list_audit`'s
    keywords: one definition, so an export is always exactly the list it was made from."""
    return {"actor": actor, "action": action, "record": record, "outcome": outcome,
            "after": ts(after), "before": ts(before)}


Filters = Annotated[dict[str, Any], Depends(audit_filters)]


@router.get("/audit")
def audit_list(
    services: Services,
    filters: Filters,
    cursor: Cursor = None,
    limit: Limit = 50,
    p: Principal = Depends(authz("audit.read")),
) -> dict[str, Any]:
    items, total, nxt = audit_log.list_audit(services.engine, **filters, cursor=cursor_of(cursor), limit=limit)
    return {"items": items, "total": total, "next": nxt}


@router.get("/audit/verify")
def audit_verify(services: Services, p: Principal = Depends(authz("audit.verify"))) -> dict[str, Any]:
    return verification(services)


def audit_csv(rows: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(FIELDS)
    for row in rows:
        values = [json.dumps(row.get(k), ensure_ascii=False) if k == "detail" and row.get(k) is not None
                  else row.get(k) for k in FIELDS]
        writer.writerow([csv_cell("" if v is None else v) for v in values])
    return buf.getvalue()


@router.get("/audit/export", response_class=PlainTextResponse, responses={200: {"content": {"text/csv": {}}}})
def audit_export(
    services: Services,
    filters: Filters,
    p: Principal = Depends(authz("audit.export")),
) -> PlainTextResponse:
    items, _total, _nxt = audit_log.list_audit(services.engine, **filters, limit=EXPORT_MAX)
    return PlainTextResponse(audit_csv(items), media_type="text/csv",
                             headers={"Content-Disposition": 'attachment; filename="audit.csv"'})
