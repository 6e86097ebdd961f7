"""``/api/v1/archive/holds`` (legal holds: list, place -- also from a search --, release) and
``/api/v1/archive/purge`` (retention purge, dry-run or real, admins only).

A hold from a search is a ``query`` hold: every record the query matches, now or later, is
kept from purge until the hold is released. Placing and releasing name who and why.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from admin_api.deps import Services, audit_info, authz
from admin_api.routers.search import Filters, compose_or_422
from admin_api.schemas import MAX_ID, clean, field_error
from admin_api.services import ApiServices
from admin_api.users import Principal

router = APIRouter(tags=["archive"])
HoldId = Annotated[int, Path(ge=1, le=MAX_ID, description="legal hold id")]
Reason = Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(clean)]


class HoldIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["address", "query", "record"]
    value: Annotated[str, Field(min_length=1, max_length=1000), AfterValidator(clean)]
    reason: Reason


class HoldRelease(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Annotated[str, Field(max_length=2000), AfterValidator(clean)] = ""


class PurgeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    dry_run: bool = Field(True, description="compute exactly what a purge would remove; remove nothing")


def _retention(services: ApiServices) -> Any:
    if services.retention is None:
        raise HTTPException(503, "legal holds are not available on this server")
    return services.retention


def place_hold(services: ApiServices, p: Principal, kind: str, value: str, reason: str) -> dict[str, Any]:
    """Place a hold (the search page's 'legal hold from this search' calls it); ValueError when refused."""
    if not reason.strip():
        raise ValueError("a legal hold needs a reason")
    retention = _retention(services)
    hold_id = retention.place_hold(kind, value, reason.strip(), p.name)
    return next(h for h in retention.holds() if h["id"] == hold_id)


@router.get("/archive/holds")
def holds_list(services: Services, active: bool = False,
               p: Principal = Depends(authz("archive.holds.read"))) -> dict[str, Any]:
    items = _retention(services).holds(active_only=active)
    return {"items": items, "total": len(items), "next": None}


@router.post("/archive/holds", status_code=201)
def hold_place(body: HoldIn, request: Request, services: Services,
               p: Principal = Depends(authz("archive.holds.write"))) -> JSONResponse:
    audit_info(request)["detail"] = {"kind": body.kind}
    try:
        hold = place_hold(services, p, body.kind, body.value, body.reason)
    except ValueError as exc:   # RetentionError, QueryError: what is wrong with the value
        field = "reason" if "reason" in str(exc) else "value"
        raise field_error(("body", field), str(exc)) from None
    audit_info(request)["record"] = f"hold:{hold['id']}"
    return JSONResponse(hold, status_code=201)


class SearchHoldIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    q: Annotated[str, Field(max_length=1000), AfterValidator(clean)] = ""
    filters: Filters = Filters()
    reason: Reason


@router.post("/archive/holds/from-search", status_code=201)
def hold_from_search(body: SearchHoldIn, request: Request, services: Services,
                     p: Principal = Depends(authz("archive.holds.write"))) -> JSONResponse:
    """Keep every record this search matches (now and later) from purge."""
    text = compose_or_422(body.q, body.filters, "body")
    if not text:
        raise field_error(("body", "q"), "a hold from a search needs a query or a filter (not the whole archive)")
    try:
        hold = place_hold(services, p, "query", text, body.reason)
    except ValueError as exc:
        raise field_error(("body", "reason" if "reason" in str(exc) else "q"), str(exc)) from None
    audit_info(request).update(record=f"hold:{hold['id']}", detail={"kind": "query"})
    return JSONResponse(hold, status_code=201)


@router.post("/archive/holds/{hold_id}/release")
def hold_release(hold_id: HoldId, body: HoldRelease, request: Request, services: Services,
                 p: Principal = Depends(authz("archive.holds.write"))) -> dict[str, Any]:
    audit_info(request)["record"] = f"hold:{hold_id}"
    retention = _retention(services)
    try:
        retention.release_hold(hold_id, p.name, body.reason)
    except ValueError as exc:
        raise HTTPException(404, str(exc)) from None
    return next(h for h in retention.holds() if h["id"] == hold_id)


@router.post("/archive/purge")
def purge(body: PurgeIn, request: Request, services: Services,
          p: Principal = Depends(authz("archive.purge"))) -> dict[str, Any]:
    if services.purge is None:
        raise HTTPException(503, "purge is not available on this server")
    try:
        report = dict(services.purge(body.dry_run))
    except RuntimeError as exc:
        raise HTTPException(409, str(exc)) from None
    audit_info(request)["detail"] = {k: report.get(k) for k in ("dry_run", "purged", "held", "needed", "busy")}
    return report
