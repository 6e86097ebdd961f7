"""The person's own account: language, time zone, password, second factor (enrolment).

Audited as the API's ``me.read`` / ``me.update``; every form checks the CSRF token.
"""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from admin_api import i18n, passwords, sessions, totp
from admin_api import tables as t
from admin_api.deps import CsrfChecked, Services, audit_info, page_authz
from admin_api.pages.common import see_other, set_session_cookie
from admin_api.templating import gettext_for, ngettext_for, render
from admin_api.users import Principal

router = APIRouter(include_in_schema=False)
Secret = Annotated[str, Form(max_length=passwords.MAX_LENGTH)]


def _page(request: Request, services: Services, p: Principal, *, notice: str | None = None,
          error: str | None = None, enrol: tuple[str, str] | None = None, status_code: int = 200) -> Response:
    with services.engine.connect() as conn:
        second = totp.enabled(conn, p.user_id)
        has_password = conn.execute(sa.select(t.console_accounts.c.password_hash)
                                    .where(t.console_accounts.c.user_id == p.user_id)).scalar()
    prefs = getattr(request.state, "prefs", None) or {}
    return render(request, "account.html", {
        "notice": notice, "error": error, "enrol": enrol, "second_factor": second,
        "has_password": bool(has_password), "languages": [("", None), ("zh_CN", "简体中文"), ("en", "English")],
        "chosen_language": prefs.get("language") or "", "chosen_zone": prefs.get("time_zone") or "",
        "zones": i18n.time_zones(), "min_length": passwords.MIN_LENGTH,
    }, status_code=status_code)


@router.get("/account")
def account(request: Request, services: Services, p: Principal = Depends(page_authz("me.read"))) -> Response:
    return _page(request, services, p)


@router.post("/account/preferences")
def preferences(request: Request, services: Services, language: Annotated[str, Form(max_length=16)] = "",
                time_zone: Annotated[str, Form(max_length=64)] = "",
                p: Principal = Depends(page_authz("me.update")), _csrf: None = CsrfChecked) -> Response:
    _ = gettext_for(request)
    chosen = i18n.normalise(language) if language else None
    if (language and chosen is None) or (time_zone and not i18n.valid_time_zone(time_zone)):
        audit_info(request)["outcome"] = "failed"
        return _page(request, services, p, error=_("Choose a language and a time zone from the lists."),
                     status_code=422)
    with services.engine.begin() as conn:
        passwords.ensure_account(conn, p.user_id)
        conn.execute(sa.update(t.console_accounts).where(t.console_accounts.c.user_id == p.user_id)
                     .values(language=chosen, time_zone=time_zone or None))
    audit_info(request)["detail"] = {"language": chosen, "time_zone": time_zone or None}
    return see_other("/account")


@router.post("/account/password")
def change_password(request: Request, services: Services, current: Secret = "", password: Secret = "",
                    repeat: Secret = "", p: Principal = Depends(page_authz("me.update")),
                    _csrf: None = CsrfChecked) -> Response:
    _ = gettext_for(request)
    audit_info(request)["detail"] = {"change": "password"}
    if passwords.verify_password(services.engine, p.name, current) != p.user_id:
        audit_info(request)["outcome"] = "denied"
        return _page(request, services, p, error=_("The current password is not right."), status_code=403)
    if password != repeat:
        return _page(request, services, p, error=_("The two passwords differ."), status_code=422)
    now = services.clock()
    try:
        with services.engine.begin() as conn:
            passwords.store_password(conn, p.user_id, password, now)   # ends every session ...
    except ValueError:
        ngettext = ngettext_for(request)
        return _page(request, services, p, status_code=422,
                     error=ngettext("Choose a password of at least %(num)d character.",
                                    "Choose a password of at least %(num)d characters.",
                                    passwords.MIN_LENGTH) % {"num": passwords.MIN_LENGTH})
    # ... so this browser gets a fresh one
    sid = sessions.create(services.engine, p.user_id, stage="full", now=now,
                          client_ip=request.client.host if request.client else None,
                          user_agent=request.headers.get("user-agent"))
    response = see_other("/account")
    set_session_cookie(response, request, sid)
    return response


@router.post("/account/totp/start")
def totp_start(request: Request, services: Services, p: Principal = Depends(page_authz("me.update")),
               _csrf: None = CsrfChecked) -> Response:
    audit_info(request)["detail"] = {"change": "totp_start"}
    secret, uri = totp.begin_enrolment(services.engine, services.totp_keys(), p.user_id, p.name)
    return _page(request, services, p, enrol=(secret, uri))


@router.post("/account/totp/confirm")
def totp_confirm(request: Request, services: Services, code: Annotated[str, Form(max_length=20)] = "",
                 p: Principal = Depends(page_authz("me.update")), _csrf: None = CsrfChecked) -> Response:
    _ = gettext_for(request)
    audit_info(request)["detail"] = {"change": "totp_confirm"}
    if not totp.confirm_enrolment(services.engine, services.totp_keys(), p.user_id, code, services.clock()):
        audit_info(request)["outcome"] = "failed"
        return _page(request, services, p, error=_("That code is not right. Start again."), status_code=422)
    return _page(request, services, p, notice=_("The second factor is on: sign-in asks for a code."))


@router.post("/account/totp/disable")
def totp_disable(request: Request, services: Services, code: Annotated[str, Form(max_length=20)] = "",
                 p: Principal = Depends(page_authz("me.update")), _csrf: None = CsrfChecked) -> Response:
    _ = gettext_for(request)
    audit_info(request)["detail"] = {"change": "totp_disable"}
    if not totp.verify(services.engine, services.totp_keys(), p.user_id, code, services.clock()):
        audit_info(request)["outcome"] = "denied"
        return _page(request, services, p, error=_("That code is not right."), status_code=403)
    totp.disable(services.engine, p.user_id)
    return _page(request, services, p, notice=_("The second factor is off."))
