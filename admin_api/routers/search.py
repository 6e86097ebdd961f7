"""``/api/v1/archive/query`` (the console's search: query text plus a structured form, with
highlighted snippets) and ``/api/v1/archive/searches`` (each person's saved searches).

The snippets are decrypted for this answer only; which records' text was shown is written to
the audit row of the request (``detail.shown``), so "who read what" includes search results.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from admin_api.deps import Services, audit_info, authz
from admin_api.periods import PeriodError
from admin_api.responses import item
from admin_api.schemas import MAX_ID, clean, field_error
from admin_api.search import FormError, compose, delete_search, list_searches, query_words, save_search, snippet
from admin_api.services import ApiServices
from admin_api.users import Principal

router = APIRouter(tags=["archive"])
Value = Annotated[str | None, Query(max_length=320), AfterValidator(clean)]
SearchId = Annotated[int, Path(ge=1, le=MAX_ID, description="saved search id")]


class Filters(BaseModel):
    """The structured form (every field optional)."""

    model_config = ConfigDict(extra="forbid")
    sender: Annotated[str | None, Field(max_length=320), AfterValidator(clean)] = None
    recipient: Annotated[str | None, Field(max_length=320), AfterValidator(clean)] = None
    domain: Annotated[str | None, Field(max_length=320), AfterValidator(clean)] = None
    direction: Literal["inbound", "outbound", "internal"] | None = None
    verdict: Literal["delivered", "queued", "quarantined", "rejected", "released"] | None = None
    rule: Annotated[str | None, Field(max_length=200), AfterValidator(clean)] = None
    has_attachment: bool = False
    after: dt.date | None = None
    before: dt.date | None = None


class SavedIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, Field(min_length=1, max_length=200), AfterValidator(clean)]
    q: Annotated[str, Field(max_length=1000), AfterValidator(clean)] = ""
    filters: Filters = Filters()


def compose_or_422(q: str, filters: Filters, where: str = "query") -> str:
    try:
        return compose(q, filters.model_dump(exclude_none=True))
    except (FormError, PeriodError) as exc:
        raise field_error((where, exc.field), str(exc)) from None


def run_search(services: ApiServices, text: str, *, cursor: str | None, limit: int,
               snippets: bool) -> tuple[dict[str, Any], list[int]]:
    """One page of results with snippets; returns (answer, ids whose text was shown).
    The search page calls this too."""
    try:
        page = services.archive.search(text, cursor=cursor, limit=limit)
    except ValueError as exc:
        raise field_error(("query", "cursor" if "cursor" in str(exc) else "q"), str(exc)) from None
    words = query_words(text) if snippets else []
    shown: list[int] = []
    items = []
    for hit in page.items:
        out = item(hit)
        out["snippet"] = None
        if words:
            try:
                out["snippet"] = snippet(services.archive.open(out["id"]), words)
            except Exception:  # noqa: BLE001 - an unreadable record is listed without a snippet
                out["snippet"] = None
            if out["snippet"] is not None:
                shown.append(int(out["id"]))
        items.append(out)
    return ({"query": text, "items": items, "total": int(page.total),
             "total_exact": getattr(page, "total_exact", True), "next": page.next}, shown)


@router.get("/archive/query")
def archive_query(
    services: Services,
    request: Request,
    q: Annotated[str, Query(max_length=1000), AfterValidator(clean)] = "",
    sender: Value = None,
    recipient: Value = None,
    domain: Value = None,
    direction: Literal["inbound", "outbound", "internal"] | None = None,
    verdict: Literal["delivered", "queued", "quarantined", "rejected", "released"] | None = None,
    rule: Annotated[str | None, Query(max_length=200), AfterValidator(clean)] = None,
    has_attachment: bool = False,
    after: dt.date | None = None,
    before: dt.date | None = None,
    cursor: Annotated[str | None, Query(max_length=200), AfterValidator(clean)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    snippets: bool = True,
    p: Principal = Depends(authz("archive.search")),
) -> dict[str, Any]:
    filters = Filters(sender=sender, recipient=recipient, domain=domain, direction=direction, verdict=verdict,
                      rule=rule, has_attachment=has_attachment, after=after, before=before)
    text = compose_or_422(q, filters)
    answer, shown = run_search(services, text, cursor=cursor, limit=limit, snippets=snippets)
    # the query itself may be sensitive: its length, not its words; the records whose text was shown
    audit_info(request)["detail"] = {"q_length": len(text), "shown": shown}
    return answer


@router.get("/archive/searches")
def searches_list(services: Services, p: Principal = Depends(authz("archive.searches"))) -> dict[str, Any]:
    items = list_searches(services.engine, p.name)
    return {"items": items, "total": len(items), "next": None}


@router.post("/archive/searches", status_code=201)
def searches_save(body: SavedIn, request: Request, services: Services,
                  p: Principal = Depends(authz("archive.searches"))) -> JSONResponse:
    text = compose_or_422(body.q, body.filters, "body")
    try:
        saved = save_search(services.engine, p.name, body.name, text, body.filters.model_dump(mode="json"),
                            clock=services.clock)
    except ValueError as exc:
        raise field_error(("body", "name"), str(exc)) from None
    audit_info(request)["record"] = f"search:{saved['id']}"
    return JSONResponse(saved, status_code=201)


@router.delete("/archive/searches/{search_id}")
def searches_delete(search_id: SearchId, request: Request, services: Services,
                    p: Principal = Depends(authz("archive.searches"))) -> dict[str, Any]:
    audit_info(request)["record"] = f"search:{search_id}"
    try:
        delete_search(services.engine, p.name, search_id)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None
    return {"deleted": search_id}
