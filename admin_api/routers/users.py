"""``/api/v1/me`` (the caller's own account) and ``/api/v1/users`` (admin)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from admin_api.deps import Services, authz
from admin_api.schemas import NotificationsIn, field_error
from admin_api.users import Principal, list_users

router = APIRouter()


@router.get("/me", tags=["me"])
def me(services: Services, p: Principal = Depends(authz("me.read"))) -> dict[str, Any]:
    svc = services.quarantine
    return {
        "name": p.name,
        "role": p.role,
        "departments": sorted(p.departments),
        "email": p.email,
        "notifications": svc.reviewer_preference(p.email) if p.email else None,
    }


@router.put("/me/notifications", tags=["me"])
def set_notifications(
    body: NotificationsIn, services: Services, p: Principal = Depends(authz("me.update"))
) -> dict[str, Any]:
    if not p.email:
        raise field_error(("body", "frequency"), "this user has no email address for notices")
    services.quarantine.set_reviewer_preference(p.email, body.frequency)
    return {"email": p.email, "notifications": body.frequency}


@router.get("/users", tags=["users"])
def users_list(services: Services, p: Principal = Depends(authz("users.list"))) -> dict[str, Any]:
    items = list_users(services.engine, clock=services.clock)
    return {"items": items, "total": len(items), "next": None}
