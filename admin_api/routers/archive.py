"""``/api/v1/archive``: search, read and download archived messages (oversight roles)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import AfterValidator

from admin_api.deps import Services, audit_info, authz, open_archive
from admin_api.render import render_message
from admin_api.responses import item, raw_response
from admin_api.schemas import ArchiveId, Limit, clean, field_error
from admin_api.users import Principal

router = APIRouter(tags=["archive"])


@router.get("/archive/search")
def archive_search(
    services: Services,
    q: Annotated[str, Query(max_length=1000), AfterValidator(clean)] = "",
    cursor: Annotated[str | None, Query(max_length=200), AfterValidator(clean)] = None,
    limit: Limit = 50,
    exact_total: Annotated[bool, Query(description="count every match (slower on common terms); "
                                       "otherwise the total stops at a cap and total_exact is false")] = False,
    request: Request = None,  # type: ignore[assignment]
    p: Principal = Depends(authz("archive.search")),
) -> dict[str, Any]:
    audit_info(request)["detail"] = {"q_length": len(q)}  # the query itself may be sensitive
    try:
        page = services.archive.search(q, cursor=cursor, limit=limit, exact_total=exact_total)
    except ValueError as exc:
        raise field_error(("query", "q"), str(exc)) from None
    return {"items": [item(i) for i in page.items], "total": int(page.total),
            "total_exact": page.total_exact, "next": page.next}


@router.get("/archive/{archive_id}")
def archive_view(
    archive_id: ArchiveId, services: Services, p: Principal = Depends(authz("archive.read"))
) -> dict[str, Any]:
    out = {"id": archive_id, **render_message(open_archive(services, archive_id))}
    if services.archive_record is not None:   # envelope, verdict, rules and every decision
        out.update(services.archive_record(archive_id))
    return out


@router.get(
    "/archive/{archive_id}/raw",
    response_class=Response,
    responses={200: {"content": {"message/rfc822": {}}}},
)
def archive_raw(
    archive_id: ArchiveId, services: Services, p: Principal = Depends(authz("archive.raw"))
) -> Response:
    return raw_response(open_archive(services, archive_id), f"archive-{archive_id}.eml")
