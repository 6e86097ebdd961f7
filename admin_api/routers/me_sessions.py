"""``/api/v1/me/sessions``: the caller's own console sessions, and ending one of them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Request

from admin_api.deps import Services, audit_info, authz, current_session, session_policy
from admin_api.own_sessions import end_own, list_sessions
from admin_api.schemas import MAX_ID
from admin_api.users import Principal

router = APIRouter(tags=["me"])
SessionId = Annotated[int, Path(ge=1, le=MAX_ID, description="session number")]


@router.get("/me/sessions")
def sessions_list(request: Request, services: Services, p: Principal = Depends(authz("me.read"))) -> dict[str, Any]:
    session = current_session(request)
    items = list_sessions(services.engine, p.user_id, now=services.clock(), policy=session_policy(services),
                          current=session.id if session else None)
    return {"items": items, "total": len(items), "next": None}


@router.post("/me/sessions/{session_id}/end")
def sessions_end(session_id: SessionId, request: Request, services: Services,
                 p: Principal = Depends(authz("me.update"))) -> dict[str, Any]:
    audit_info(request).update(record=f"session:{session_id}", detail={"op": "end session"})
    if not end_own(services.engine, p.user_id, session_id, now=services.clock()):
        raise HTTPException(404, f"no session {session_id} of yours")
    return {"ended": session_id}
