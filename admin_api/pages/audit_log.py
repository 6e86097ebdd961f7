"""``/audit``: the audit log page -- filters (who, action, object, outcome, date), the chain's
verification state, the filtered log as CSV. Read-only; audited as ``audit.read``.

Each row shows its detail (``op: disable``, ``spam: true``): the action name alone
(``users.write``) does not say whether an account was created, changed or disabled. The date
fields are days in the reader's time zone (:mod:`admin_api.periods`)."""

from __future__ import annotations

import urllib.parse
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import PlainTextResponse, Response

from admin_api import audit as audit_log
from admin_api import periods
from admin_api.deps import Services, page_authz
from admin_api.routers.audit import EXPORT_MAX, audit_csv, verification
from admin_api.templating import gettext_for, page_language, render
from admin_api.users import Principal

router = APIRouter(include_in_schema=False)
Field = Annotated[str, Query(max_length=200)]
OUTCOMES = ("ok", "denied", "failed", "error")
DETAIL_CHARS = 300


def detail_text(detail: Any) -> str:
    """An audit row's detail as one short line (``op: disable; role: auditor``)."""
    if not isinstance(detail, dict) or not detail:
        return ""
    parts = []
    for key, value in detail.items():
        if value in (None, "", [], {}):
            continue
        if isinstance(value, list | tuple):
            value = ", ".join(str(v) for v in value)
        elif isinstance(value, dict):
            value = ", ".join(f"{k}={v}" for k, v in value.items())
        parts.append(f"{key}: {value}")
    text = "; ".join(parts)
    return text if len(text) <= DETAIL_CHARS else text[: DETAIL_CHARS - 1] + "…"


def _filters(request: Request, actor: str, action: str, record: str, outcome: str, after: str,
             before: str) -> dict:
    """The list's filters; HTTPException 422 for an unknown outcome, PeriodError for bad days."""
    if outcome and outcome not in OUTCOMES:
        raise HTTPException(422, "outcome: one of " + ", ".join(OUTCOMES))
    start, end = periods.bounds(after, before, page_language(request)[1])
    return {"actor": actor or None, "action": action or None, "record": record or None, "outcome": outcome or None,
            "after": start, "before": end}


@router.get("/audit")
def audit_page(request: Request, services: Services, actor: Field = "", action: Field = "", record: Field = "",
               outcome: Field = "", after: Field = "", before: Field = "",
               cursor: Annotated[str, Query(max_length=20, pattern=r"^\d*$")] = "",
               p: Principal = Depends(page_authz("audit.read"))) -> Response:
    form = {"actor": actor, "action": action, "record": record, "outcome": outcome, "after": after, "before": before}
    query = urllib.parse.urlencode({k: v for k, v in form.items() if v})   # a '+' or '&' in a filter survives
    context: dict[str, Any] = {"items": [], "total": 0, "next": None, "form": form, "outcomes": OUTCOMES,
                               "verify": verification(services), "qs": query, "error": None}
    try:
        filters = _filters(request, actor, action, record, outcome, after, before)
    except periods.PeriodError as exc:
        context["error"] = periods.message(exc, gettext_for(request))
        return render(request, "audit.html", context, status_code=422)
    items, total, nxt = audit_log.list_audit(services.engine, cursor=int(cursor) if cursor else None, limit=50,
                                             **filters)
    context.update(items=[{**i, "detail_text": detail_text(i.get("detail"))} for i in items], total=total,
                   next=nxt)
    return render(request, "audit.html", context)


@router.get("/audit.csv")
def audit_csv_page(request: Request, services: Services, actor: Field = "", action: Field = "", record: Field = "",
                   outcome: Field = "", after: Field = "", before: Field = "",
                   p: Principal = Depends(page_authz("audit.export"))) -> Response:
    try:
        filters = _filters(request, actor, action, record, outcome, after, before)
    except periods.PeriodError as exc:
        raise HTTPException(422, periods.message(exc, gettext_for(request))) from None
    items, _total, _nxt = audit_log.list_audit(services.engine, limit=EXPORT_MAX, **filters)
    return PlainTextResponse(audit_csv(items), media_type="text/csv",
                             headers={"Content-Disposition": 'attachment; filename="audit.csv"'})
