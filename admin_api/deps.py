"""Shared dependencies of every router and page: services, the principal, role checks, audit.

One dependency, :func:`authz` (JSON) or :func:`page_authz` (pages), turns a request into a
:class:`~admin_api.users.Principal` (bearer token, or the console's session cookie), checks the role against
:data:`admin_api.roles.PERMISSIONS` and records the action in ``request.state.audit`` so that
:class:`admin_api.audit_middleware.AuditMiddleware` writes the row -- denied requests included.
Pages and JSON routers use the same dependencies, so a page is authorised and audited exactly
as the API endpoint doing the same thing.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Annotated, Any

import anyio
import sqlalchemy as sa
from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from admin_api import roles, sessions
from admin_api import tables as t
from admin_api.services import ApiServices
from admin_api.users import Principal, authenticate
from archive.keywrap import KeyMissing
from archive.service import ArchiveKeyMissing

bearer = HTTPBearer(auto_error=False, description="API token from `mailwarden user add` (mw_...)")


def get_services(request: Request) -> ApiServices:
    """The services the app was created with (``app.state.services``)."""
    return request.app.state.services


Services = Annotated[ApiServices, Depends(get_services)]


def audit_info(request: Request) -> dict[str, Any]:
    """The audit record of this request, filled by :func:`authz` (or :func:`start_audit`)."""
    return request.state.audit


def start_audit(request: Request, action: str, record: str | None = None) -> dict[str, Any]:
    """Begin the audit record of a request that has no principal (sender links, sign-in)."""
    request.state.audit = {"action": action, "record": record}
    return request.state.audit


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
ANON_CSRF_COOKIE = "mw_csrf"


class SignInRequired(Exception):
    """A page needs a signed-in person: the app answers with a redirect to the sign-in page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def session_policy(services: ApiServices) -> sessions.SessionPolicy:
    return sessions.SessionPolicy(idle=services.console.session_idle, absolute=services.console.session_absolute)


def current_session(request: Request) -> sessions.Session | None:
    """The live session of the request's cookie (loaded once per request), any stage."""
    if not hasattr(request.state, "session"):
        services = get_services(request)
        request.state.session = sessions.load(
            services.engine, request.cookies.get(sessions.COOKIE), now=services.clock(),
            policy=session_policy(services))
    return request.state.session


def account_prefs(services: ApiServices, user_id: int) -> dict[str, Any]:
    """The console settings of an account (language, time zone); empty when none are set."""
    with services.engine.connect() as conn:
        row = conn.execute(sa.select(t.console_accounts.c.language, t.console_accounts.c.time_zone)
                           .where(t.console_accounts.c.user_id == user_id)).first()
    return {} if row is None else {"language": row.language, "time_zone": row.time_zone}


def _session_principal(request: Request) -> Principal | None:
    session = current_session(request)
    if session is None or session.stage != "full":
        return None
    services = get_services(request)
    principal = sessions.principal(services.engine, session)
    if principal is not None:
        request.state.principal = principal
        request.state.prefs = account_prefs(services, principal.user_id)
    return principal


def _authorise(request: Request, credentials: HTTPAuthorizationCredentials | None, action: str,
               *, page: bool) -> Principal:
    services = get_services(request)
    record = request.path_params.get("entry_id") or request.path_params.get("archive_id")
    request.state.audit = {"action": action, "record": record}
    if credentials is not None and not page:
        principal = authenticate(services.engine, credentials.credentials, clock=services.clock)
        if principal is None:
            raise HTTPException(
                401,
                "invalid, expired or revoked token",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
    else:
        principal = _session_principal(request)
        if principal is None:
            if page:
                request.state.audit["outcome"] = "denied"
                raise SignInRequired(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
            raise HTTPException(401, "missing bearer token", headers={"WWW-Authenticate": "Bearer"})
        if not page and request.method not in SAFE_METHODS:
            # a script of the console calling the JSON API with the cookie: the header proves
            # the page was ours (a cross-site form cannot set it)
            session = current_session(request)
            if session is None or not sessions.csrf_ok(session, request.headers.get(CSRF_HEADER)):
                request.state.audit.update(actor=principal.name, role=principal.role)
                raise HTTPException(403, "missing or wrong X-CSRF-Token header for a cookie-authenticated request")
    request.state.audit.update(actor=principal.name, role=principal.role)
    if not roles.allowed(principal.role, action):
        raise HTTPException(403, f"role {principal.role!r} may not {action}")
    return principal


_AUTHZ: dict[tuple[str, bool], Callable[..., Principal]] = {}


def authz(action: str) -> Callable[..., Principal]:
    """The JSON API's dependency for ``action``: bearer token or console session cookie,
    audited, role-checked (401/403)."""
    return _dependency(action, page=False)


def page_authz(action: str) -> Callable[..., Principal]:
    """A page's dependency for ``action``: the session cookie; no session -> the sign-in page,
    which leads back here. Audited and role-checked exactly as :func:`authz`."""
    return _dependency(action, page=True)


def _dependency(action: str, *, page: bool) -> Callable[..., Principal]:
    key = (action, page)
    if key in _AUTHZ:
        return _AUTHZ[key]

    def dependency(
        request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)
    ) -> Principal:
        return _authorise(request, credentials, action, page=page)

    dependency.__name__ = f"{'page_' if page else ''}authz_{action.replace('.', '_')}"
    _AUTHZ[key] = dependency
    return dependency


async def csrf_protect(request: Request) -> None:
    """Every console form: its hidden ``csrf`` field must be the session's token (signed in) or
    equal the ``mw_csrf`` cookie (forms shown before sign-in: double submit). 403 otherwise."""
    form = await request.form()
    token = form.get(CSRF_FIELD)
    token = token if isinstance(token, str) else None
    session = await anyio.to_thread.run_sync(current_session, request)
    if session is not None:
        ok = sessions.csrf_ok(session, token)
    else:
        cookie = request.cookies.get(ANON_CSRF_COOKIE)
        ok = bool(cookie and token) and hmac.compare_digest(str(cookie).encode(), str(token).encode())
    if not ok:
        info = getattr(request.state, "audit", None)
        if info is None:   # a form shown before sign-in (no principal dependency ran)
            info = start_audit(request, f"{request.method} {request.url.path}"[:64])
        info["outcome"] = "denied"
        raise HTTPException(403, "the form has expired or did not come from this site")


CsrfChecked = Depends(csrf_protect)


def open_archive(services: ApiServices, archive_id: int) -> bytes:
    """The raw message of an archive record: 404 when unknown, 500 when it fails its check."""
    try:
        return services.archive.open(archive_id)
    except LookupError:
        raise HTTPException(404, f"no archive record {archive_id}") from None
    except (ArchiveKeyMissing, KeyMissing):
        raise
    except Exception as exc:
        if type(exc).__name__ == "ArchiveIntegrityError":
            raise HTTPException(500, "archive integrity check failed for this record") from exc
        raise
