"""``/api/v1/audit``: the admin audit log, newest first, filtered by actor, action and time."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import AfterValidator

from admin_api import audit as audit_log
from admin_api.deps import Services, authz
from admin_api.schemas import Cursor, Limit, QStr, When, clean, cursor_of, ts
from admin_api.users import Principal

router = APIRouter(tags=["audit"])


@router.get("/audit")
def audit_list(
    services: Services,
    actor: QStr = None,
    action: Annotated[str | None, Query(max_length=64), AfterValidator(clean)] = None,
    after: When = None,
    before: When = None,
    cursor: Cursor = None,
    limit: Limit = 50,
    p: Principal = Depends(authz("audit.read")),
) -> dict[str, Any]:
    items, total, nxt = audit_log.list_audit(
        services.engine,
        actor=actor,
        action=action,
        after=ts(after),
        before=ts(before),
        cursor=cursor_of(cursor),
        limit=limit,
    )
    return {"items": items, "total": total, "next": nxt}
