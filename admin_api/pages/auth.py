"""Sign-in, the second factor, sign-out, the language switch and invitation/reset links.

Every form carries the CSRF token (:func:`admin_api.deps.csrf_protect`); sign-in attempts are
throttled per account and per client address in the database (:mod:`admin_api.throttle`) and
audited (``console.signin``, ``console.totp``, ``console.signout``, ``console.password_link``).
"""

from __future__ import annotations

import math
from typing import Annotated

import anyio
from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from admin_api import account_links, i18n, passwords, sessions, throttle, totp
from admin_api.deps import CsrfChecked, Services, current_session, start_audit
from admin_api.pages.common import (
    anon_csrf,
    clear_session_cookie,
    safe_next,
    see_other,
    set_anon_csrf,
    set_session_cookie,
)
from admin_api.services import ApiServices
from admin_api.templating import gettext_for, ngettext_for, render

router = APIRouter(include_in_schema=False)

Name = Annotated[str, Form(max_length=200)]
Secret = Annotated[str, Form(max_length=passwords.MAX_LENGTH)]
Next = Annotated[str, Form(max_length=2000)]


def _policy(services: ApiServices) -> throttle.ThrottlePolicy:
    c = services.console
    return throttle.ThrottlePolicy(window=c.signin_window, per_account=c.signin_per_account,
                                   per_address=c.signin_per_address)


def _client(request: Request) -> str | None:
    return request.client.host if request.client else None


def _signin_page(request: Request, next_path: str, *, error: str | None = None, name: str = "",
                 status_code: int = 200, headers: dict[str, str] | None = None, ended: bool = False) -> Response:
    anon_csrf(request)
    _ = gettext_for(request)
    notice = _("Your session has ended. Sign in again.") if ended and not error else None
    response = render(request, "signin.html", {"next": next_path, "error": error, "name": name, "notice": notice},
                      status_code=status_code, headers=headers)
    set_anon_csrf(response, request)
    return response


def _throttled(request: Request, wait: float) -> Response:
    _, ngettext = gettext_for(request), ngettext_for(request)
    minutes = max(1, math.ceil(wait / 60))
    return render(request, "message.html", {
        "title": _("Too many attempts"),
        "message": ngettext("Too many failed sign-ins. Try again in %(num)d minute.",
                            "Too many failed sign-ins. Try again in %(num)d minutes.", minutes) % {"num": minutes},
    }, status_code=429, headers={"Retry-After": str(math.ceil(wait))})


@router.get("/signin")
def signin_form(request: Request, next: Annotated[str, Query(max_length=2000)] = "/",
                ended: Annotated[str, Query(max_length=1)] = "") -> Response:
    """``ended=1``: sent here because the session expired or was ended (errors.sign_in_required)."""
    session = current_session(request)
    if session is not None and session.stage == "full":
        return see_other(safe_next(next))
    return _signin_page(request, safe_next(next), ended=ended == "1")


@router.post("/signin")
def signin(request: Request, services: Services, name: Name = "", password: Secret = "", next: Next = "/",
           _csrf: None = CsrfChecked) -> Response:
    info = start_audit(request, "console.signin")
    target = safe_next(next)
    _ = gettext_for(request)
    now, client, policy = services.clock(), _client(request), _policy(services)
    wait = throttle.retry_after(services.engine, name, client, now, policy)
    if wait > 0:
        info.update(outcome="denied", detail={"throttled": True})
        return _throttled(request, wait)
    user_id = passwords.verify_password(services.engine, name, password)
    if user_id is None:
        throttle.record_failure(services.engine, name, client, now)
        info["outcome"] = "denied"
        return _signin_page(request, target, error=_("The name or the password is not right."), name=name,
                            status_code=401)
    info.update(actor=name)
    throttle.clear_account(services.engine, name, now, policy)
    with services.engine.connect() as conn:
        second = totp.enabled(conn, user_id)
    old = current_session(request)
    if old is not None:
        sessions.end(services.engine, old.id, now=now)
    sid = sessions.create(services.engine, user_id, stage="totp" if second else "full", now=now,
                          client_ip=client, user_agent=request.headers.get("user-agent"))
    response = see_other(f"/signin/code?next={_quote(target)}" if second else target)
    set_session_cookie(response, request, sid)
    if second:
        info["detail"] = {"second_factor": "pending"}
    return response


def _quote(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/")


@router.get("/signin/code")
def code_form(request: Request, next: Annotated[str, Query(max_length=2000)] = "/") -> Response:
    session = current_session(request)
    if session is None:
        return see_other(f"/signin?next={_quote(safe_next(next))}")
    if session.stage == "full":
        return see_other(safe_next(next))
    return render(request, "code.html", {"next": safe_next(next), "error": None})


@router.post("/signin/code")
def code(request: Request, services: Services, code: Annotated[str, Form(max_length=20)] = "", next: Next = "/",
         _csrf: None = CsrfChecked) -> Response:
    info = start_audit(request, "console.totp")
    target = safe_next(next)
    session = current_session(request)
    if session is None or session.stage != "totp":
        return see_other(f"/signin?next={_quote(target)}")
    engine, now, client, policy = services.engine, services.clock(), _client(request), _policy(services)
    principal = sessions.principal(engine, session)
    if principal is None:
        return see_other("/signin")
    info.update(actor=principal.name, role=principal.role)
    wait = throttle.retry_after(engine, principal.name, client, now, policy)
    if wait > 0:
        info.update(outcome="denied", detail={"throttled": True})
        return _throttled(request, wait)
    if not totp.verify(engine, services.totp_keys(), session.user_id, code, now):
        throttle.record_failure(engine, principal.name, client, now)
        info["outcome"] = "denied"
        _ = gettext_for(request)
        return render(request, "code.html", {"next": target, "error": _("That code is not right.")},
                      status_code=401)
    sid = sessions.promote(engine, session, now=now, client_ip=client, user_agent=request.headers.get("user-agent"))
    response = see_other(target)
    set_session_cookie(response, request, sid)
    return response


@router.post("/signout")
def signout(request: Request, services: Services, _csrf: None = CsrfChecked) -> Response:
    info = start_audit(request, "console.signout")
    session = current_session(request)
    if session is not None:
        principal = sessions.principal(services.engine, session)
        if principal is not None:
            info.update(actor=principal.name, role=principal.role)
        sessions.end(services.engine, session.id, now=services.clock())
    response = see_other("/signin")
    clear_session_cookie(response, request)
    return response


@router.get("/lang/{language}")
def switch_language(request: Request, language: str, next: Annotated[str, Query(max_length=2000)] = "/") -> Response:
    """The language switch of pages (a cookie; the account setting is on the account page)."""
    response = see_other(safe_next(next, allow_signin=True))
    chosen = i18n.normalise(language)
    if chosen:
        response.set_cookie(i18n.LANG_COOKIE, chosen, max_age=365 * 86400, samesite="lax", httponly=True,
                            secure=request.url.scheme == "https", path="/")
    return response


@router.get("/password")
def password_form(request: Request, services: Services,
                  token: Annotated[str, Query(max_length=100)] = "") -> Response:
    found = account_links.valid(services.engine, token, now=services.clock())
    _ = gettext_for(request)
    if found is None:
        return render(request, "message.html", {
            "title": _("Link not valid"),
            "message": _("This link was used already or has expired. Ask an administrator for a new one."),
        }, status_code=410)
    anon_csrf(request)
    response = render(request, "password.html", {"token": token, "name": found[1], "error": None,
                                                 "min_length": passwords.MIN_LENGTH})
    set_anon_csrf(response, request)
    return response


@router.post("/password")
async def password_set(request: Request, services: Services, token: Annotated[str, Form(max_length=100)] = "",
                       password: Secret = "", repeat: Secret = "", _csrf: None = CsrfChecked) -> Response:
    info = start_audit(request, "console.password_link")
    _ = gettext_for(request)
    now = services.clock()
    found = await anyio.to_thread.run_sync(lambda: account_links.valid(services.engine, token, now=now))
    if found is None:
        info["outcome"] = "denied"
        return render(request, "message.html", {
            "title": _("Link not valid"),
            "message": _("This link was used already or has expired. Ask an administrator for a new one."),
        }, status_code=410)
    info.update(actor=found[1], detail={"purpose": found[2]})
    error = None
    if password != repeat:
        error = _("The two passwords differ.")
    else:
        try:
            name = await anyio.to_thread.run_sync(
                lambda: account_links.redeem(services.engine, token, password, now=now))
        except ValueError:
            ngettext = ngettext_for(request)
            error = ngettext("Choose a password of at least %(num)d character.",
                             "Choose a password of at least %(num)d characters.",
                             passwords.MIN_LENGTH) % {"num": passwords.MIN_LENGTH}
        else:
            if name is None:
                info["outcome"] = "denied"
                return see_other("/password?token=")
            return render(request, "message.html", {
                "title": _("Password set"), "message": _("Your password is set. You can sign in now."),
                "link": "/signin", "link_text": _("Sign in"),
            })
    anon_csrf(request)
    response = render(request, "password.html", {"token": token, "name": found[1], "error": error,
                                                 "min_length": passwords.MIN_LENGTH}, status_code=422)
    set_anon_csrf(response, request)
    return response

