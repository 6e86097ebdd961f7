"""``/account/sessions``: where the person is signed in; end any of those sessions."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

from admin_api.deps import CsrfChecked, Services, audit_info, current_session, page_authz, session_policy
from admin_api.own_sessions import end_own, list_sessions
from admin_api.pages.common import see_other
from admin_api.routers.me_sessions import SessionId
from admin_api.templating import render
from admin_api.users import Principal

router = APIRouter(include_in_schema=False)


@router.get("/account/sessions")
def sessions_page(request: Request, services: Services, p: Principal = Depends(page_authz("me.read"))) -> Response:
    session = current_session(request)
    items = list_sessions(services.engine, p.user_id, now=services.clock(), policy=session_policy(services),
                          current=session.id if session else None)
    return render(request, "sessions.html", {"sessions": items})


@router.post("/account/sessions/{session_id}/end")
def sessions_end_page(request: Request, services: Services, session_id: SessionId,
                      p: Principal = Depends(page_authz("me.update")), _csrf: None = CsrfChecked) -> Response:
    audit_info(request).update(record=f"session:{session_id}", detail={"op": "end session"})
    if not end_own(services.engine, p.user_id, session_id, now=services.clock()):
        raise HTTPException(404, "no such session")
    return see_other("/account/sessions")
