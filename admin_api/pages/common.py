"""Helpers every page router shares: safe ``next`` targets, redirects, cookies, decision forms."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse

from admin_api import roles, sessions
from admin_api.deps import ANON_CSRF_COOKIE, audit_info
from admin_api.users import Principal

HOME = "/"


def safe_next(value: str | None, *, allow_signin: bool = False) -> str:
    """Only a path on this site (never ``//host`` or ``/\\host``): no open redirect. After
    sign-in never back to the sign-in pages themselves."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")) or len(value) > 2000:
        return HOME
    if any(c in value for c in "\r\n\\") or (value.startswith("/signin") and not allow_signin):
        return HOME
    return value


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def is_tls(request: Request) -> bool:
    return request.url.scheme == "https"


def set_session_cookie(response: RedirectResponse, request: Request, sid: str) -> None:
    response.set_cookie(sessions.COOKIE, sid, httponly=True, samesite="strict", secure=is_tls(request), path="/")


def clear_session_cookie(response: RedirectResponse, request: Request) -> None:
    response.delete_cookie(sessions.COOKIE, path="/", httponly=True, samesite="strict", secure=is_tls(request))


def anon_csrf(request: Request) -> str:
    """The double-submit token of forms shown before sign-in (kept in an HttpOnly cookie)."""
    token = request.cookies.get(ANON_CSRF_COOKIE)
    if not token or len(token) > 100:
        token = secrets.token_urlsafe(32)
    request.state.anon_csrf = token
    return token


def set_anon_csrf(response, request: Request) -> None:  # noqa: ANN001 - any Response
    token = getattr(request.state, "anon_csrf", None)
    if token and request.cookies.get(ANON_CSRF_COOKIE) != token:
        response.set_cookie(ANON_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=is_tls(request),
                            path="/")


def decision_form(request: Request, p: Principal, action: str, audited_as: str) -> dict[str, Any]:
    """A decision form's ``action`` (release or reject): 422 for anything else, audited as
    ``audited_as`` (``quarantine.{action}``, ``quarantine.bulk_{action}``) and 403 unless
    ``p``'s role may do that. Returns the request's audit info, for the form to complete."""
    if action not in ("release", "reject"):
        raise HTTPException(422, "action must be release or reject")
    info = audit_info(request)
    info["action"] = audited_as.format(action=action)
    if not roles.allowed(p.role, info["action"]):
        raise HTTPException(403, f"role {p.role!r} may not {info['action']}")
    return info
