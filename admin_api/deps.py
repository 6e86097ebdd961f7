"""Shared dependencies of every router and page: services, the principal, role checks, audit.

One dependency, :func:`authz`, turns a request into a :class:`~admin_api.users.Principal`
(bearer token; later also the console's session cookie), checks the role against
:data:`admin_api.roles.PERMISSIONS` and records the action in ``request.state.audit`` so that
:class:`admin_api.audit_middleware.AuditMiddleware` writes the row -- denied requests included.
Pages and JSON routers use the same dependencies, so a page is authorised and audited exactly
as the API endpoint doing the same thing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from admin_api import roles
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


_AUTHZ: dict[str, Callable[..., Principal]] = {}


def authz(action: str) -> Callable[..., Principal]:
    """The dependency for ``action``: authenticate, audit, check the role (401/403)."""
    if action in _AUTHZ:
        return _AUTHZ[action]

    def dependency(
        request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)
    ) -> Principal:
        services = get_services(request)
        record = request.path_params.get("entry_id") or request.path_params.get("archive_id")
        request.state.audit = {"action": action, "record": record}
        if credentials is None:
            raise HTTPException(401, "missing bearer token", headers={"WWW-Authenticate": "Bearer"})
        principal = authenticate(services.engine, credentials.credentials, clock=services.clock)
        if principal is None:
            raise HTTPException(
                401,
                "invalid, expired or revoked token",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        request.state.audit.update(actor=principal.name, role=principal.role)
        if not roles.allowed(principal.role, action):
            raise HTTPException(403, f"role {principal.role!r} may not {action}")
        return principal

    dependency.__name__ = f"authz_{action.replace('.', '_')}"
    _AUTHZ[action] = dependency
    return dependency


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
