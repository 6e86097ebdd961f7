"""The admin API and console: the FastAPI app factory. It only assembles.

Routers live in :mod:`admin_api.routers` (JSON, one per resource, under ``/api/v1``) and
:mod:`admin_api.pages` (the console's HTML pages); shared dependencies -- services, the
principal, role checks, audit -- in :mod:`admin_api.deps`. Every ``/api/v1`` endpoint depends
on :func:`admin_api.deps.authz`; :class:`admin_api.audit_middleware.AuditMiddleware` writes
one hash-chained ``admin_audit`` row per audited request -- denied ones included -- before the
response starts.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from admin_api import roles
from admin_api.audit_middleware import AuditMiddleware
from admin_api.deps import SignInRequired
from admin_api.edge_guard import add_edge_guard
from admin_api.pages import account, audit_log, auth, docs, errors, home
from admin_api.pages import archive as archive_pages
from admin_api.pages import dashboard as dashboard_pages
from admin_api.pages import entry as entry_page
from admin_api.pages import queue as queue_page
from admin_api.pages import rules as rules_pages
from admin_api.pages import sender as sender_page
from admin_api.pages import sessions as sessions_pages
from admin_api.pages import users as users_pages
from admin_api.routers import (
    archive,
    audit,
    backtest,
    dashboard,
    exports,
    holds,
    me_sessions,
    ops,
    quarantine,
    queue,
    reports,
    rules,
    search,
    sender,
    spam,
    timeline,
    user_admin,
    users,
)
from admin_api.security_headers import SecurityHeadersMiddleware
from admin_api.services import ApiServices, create_schema
from archive.keywrap import KeyMissing
from archive.service import ArchiveKeyMissing

__all__ = ["ApiServices", "create_app", "create_schema"]


async def _key_missing(_request: Request, exc: Exception) -> JSONResponse:
    # A master key the record needs is not held (rotated elsewhere and not learned, or
    # retired): the operator's to fix, and it says which key — not "integrity check failed".
    return JSONResponse({"detail": str(exc)}, status_code=503, headers={"Retry-After": "60"})


def create_app(services: ApiServices) -> FastAPI:
    app = FastAPI(
        title="mailwarden admin API",
        version="1",
        docs_url=None,      # admin_api.pages.docs: /docs and /redoc with local assets
        redoc_url=None,
        openapi_url="/openapi.json",
        description=(roles.__doc__ or "").strip(),
    )
    app.state.services = services
    app.add_middleware(AuditMiddleware, engine=services.engine, clock=services.clock, chain=services.audit_key())
    app.add_exception_handler(ArchiveKeyMissing, _key_missing)
    app.add_exception_handler(KeyMissing, _key_missing)
    app.add_exception_handler(SignInRequired, errors.sign_in_required)
    app.add_exception_handler(HTTPException, errors.http_error)
    app.add_exception_handler(RequestValidationError, errors.validation_error)
    app.add_middleware(SecurityHeadersMiddleware)
    if services.guard_limits is not None:      # outermost: before any body is read or audited
        add_edge_guard(app, services)

    api = APIRouter(prefix="/api/v1")
    # holds/purge and backtests exist where the gateway wired their services (not in stand-ins)
    wired = [holds] if services.retention is not None else []
    wired += [backtest] if services.backtest is not None and services.jobs is not None else []
    wired += [queue] if services.queue_control is not None else []
    wired += [exports] if services.export_dir is not None and services.jobs is not None else []
    wired += [spam] if services.learn_spam is not None else []   # Rspamd learning (engines)
    for module in (users, quarantine, sender, *wired, search, archive, rules, reports, audit, dashboard,
                   user_admin, timeline, me_sessions):
        api.include_router(module.router)
    app.include_router(api)
    app.include_router(ops.router)
    # the console's pages
    # /quarantine/{id} (entry_page) is where notices link; /sender the policy tip's link
    for page in (home, auth, account, queue_page, entry_page, sender_page):
        app.include_router(page.router)
    # issue 16's pages
    for page in (archive_pages, dashboard_pages, audit_log, rules_pages, users_pages, sessions_pages):
        app.include_router(page.router)
    app.include_router(docs.router)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    return app
