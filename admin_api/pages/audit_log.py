"""``/audit``: the audit log page -- filters (who, action, object, outcome, date), the chain's
verification state, the filtered log as CSV. Read-only; audited as ``audit.read``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import PlainTextResponse, Response

from admin_api import audit as audit_log
from admin_api.deps import Services, page_authz
from admin_api.routers.audit import EXPORT_MAX, audit_csv, verification
from admin_api.templating import render
from admin_api.users import Principal

router = APIRouter(include_in_schema=False)
Field = Annotated[str, Query(max_length=200)]
OUTCOMES = ("ok", "denied", "failed", "error")


def _filters(actor: str, action: str, record: str, outcome: str, after: str, before: str) -> dict:
    if outcome and outcome not in OUTCOMES:
        raise HTTPException(422, "outcome: one of " + ", ".join(OUTCOMES))
    try:
        start = dt.datetime.combine(dt.date.fromisoformat(after), dt.time(), dt.UTC).timestamp() if after else None
        end = (dt.datetime.combine(dt.date.fromisoformat(before) + dt.timedelta(days=1), dt.time(), dt.UTC)
               .timestamp() if before else None)
    except ValueError:
        raise HTTPException(422, "dates as YYYY-MM-DD") from None
    return {"actor": actor or None, "action": action or None, "record": record or None, "outcome": outcome or None,
            "after": start, "before": end}


@router.get("/audit")
def audit_page(request: Request, services: Services, actor: Field = "", action: Field = "", record: Field = "",
               outcome: Field = "", after: Field = "", before: Field = "",
               cursor: Annotated[str, Query(max_length=20, pattern=r"^\d*$")] = "",
               p: Principal = Depends(page_authz("audit.read"))) -> Response:
    filters = _filters(actor, action, record, outcome, after, before)
    items, total, nxt = audit_log.list_audit(services.engine, cursor=int(cursor) if cursor else None, limit=50,
                                             **filters)
    form = {"actor": actor, "action": action, "record": record, "outcome": outcome, "after": after, "before": before}
    query = "&".join(f"{k}={v}" for k, v in form.items() if v)
    return render(request, "audit.html", {"items": items, "total": total, "next": nxt, "form": form,
                                          "outcomes": OUTCOMES, "verify": verification(services), "qs": query})


@router.get("/audit.csv")
def audit_csv_page(request: Request, services: Services, actor: Field = "", action: Field = "", record: Field = "",
                   outcome: Field = "", after: Field = "", before: Field = "",
                   p: Principal = Depends(page_authz("audit.export"))) -> Response:
    items, _total, _nxt = audit_log.list_audit(services.engine, limit=EXPORT_MAX,
                                               **_filters(actor, action, record, outcome, after, before))
    return PlainTextResponse(audit_csv(items), media_type="text/csv",
                             headers={"Content-Disposition": 'attachment; filename="audit.csv"'})
