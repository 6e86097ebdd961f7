"""``/users``: admins create accounts (with a first password), change role, departments and
addresses, disable and enable them, set a new password, mail a reset link and reset the second factor. The same
functions and checks as ``/api/v1/users`` (audited as ``users.read`` / ``users.write``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import Response

from admin_api import passwords, totp
from admin_api.account_links import TooManyLinks
from admin_api.deps import CsrfChecked, Services, audit_info, page_authz
from admin_api.pages.common import see_other
from admin_api.refusals import refusal_text
from admin_api.reset_links import MailUnavailable, mail_reset_link
from admin_api.routers.user_admin import Name
from admin_api.services import ApiServices
from admin_api.templating import gettext_for, render
from admin_api.user_admin import LastAdmin, get_user, set_disabled, update_user
from admin_api.users import Principal, add_user, list_users
from admin_api.words import roles as role_words

router = APIRouter(include_in_schema=False)
ROLES = ("admin", "compliance", "supervisor", "auditor")
Line = Annotated[str, Form(max_length=2000)]
Secret = Annotated[str, Form(max_length=passwords.MAX_LENGTH)]


def _split(text: str) -> list[str]:
    return [part for part in text.replace(",", " ").split() if part]


def _refused(request: Request, services: ApiServices, exc: ValueError) -> Response:
    """422 with the reason in the reader's language (the account checks raise AccountRefused)."""
    _ = gettext_for(request)
    audit_info(request)["outcome"] = "failed"
    return _page(request, services, error=refusal_text(_, exc, role_words(_)), status_code=422)


def _last_admin(request: Request, services: ApiServices, exc: LastAdmin) -> Response:
    """409: the change would leave no enabled administrator (two admins at once, see user_admin)."""
    _ = gettext_for(request)
    audit_info(request)["outcome"] = "failed"
    return _page(request, services, status_code=409, error=_(
        "%(name)s is the last enabled administrator; make another account an administrator first.")
        % {"name": exc.name})


def _page(request: Request, services: ApiServices, *, notice: str | None = None, error: str | None = None,
          status_code: int = 200) -> Response:
    return render(request, "users.html", {"users": list_users(services.engine, clock=services.clock), "roles": ROLES,
                                          "notice": notice, "error": error, "min_length": passwords.MIN_LENGTH},
                  status_code=status_code)


@router.get("/users")
def users_page(request: Request, services: Services, p: Principal = Depends(page_authz("users.read"))) -> Response:
    return _page(request, services)


@router.post("/users")
def users_create(request: Request, services: Services, name: Annotated[str, Form(min_length=1, max_length=200)],
                 role: Annotated[str, Form(max_length=20)], departments: Line = "", addresses: Line = "",
                 password: Secret = "", p: Principal = Depends(page_authz("users.write")),
                 _csrf: None = CsrfChecked) -> Response:
    _ = gettext_for(request)
    audit_info(request).update(record=name, detail={"op": "create", "role": role})
    try:
        passwords.check_policy(password)
        add_user(services.engine, name, role, _split(departments), addresses=_split(addresses),
                 check=services.account_check, clock=services.clock)
    except ValueError as exc:
        return _refused(request, services, exc)
    passwords.set_password(services.engine, name, password, clock=services.clock)
    return _page(request, services, notice=_("Account %(name)s created; it signs in with the password you set.")
                 % {"name": name})


@router.post("/users/{name}/edit")
def users_edit(request: Request, services: Services, name: Name, role: Annotated[str, Form(max_length=20)],
               departments: Line = "", addresses: Line = "", p: Principal = Depends(page_authz("users.write")),
               _csrf: None = CsrfChecked) -> Response:
    audit_info(request).update(record=name, detail={"op": "update", "role": role})
    if name == p.name and role != p.role:   # an admin demoting themself could leave nobody to undo it
        audit_info(request)["outcome"] = "failed"
        _ = gettext_for(request)
        return _page(request, services, error=_("You cannot change your own role; another admin can."),
                     status_code=409)
    try:
        update_user(services.engine, name, role=role, departments=_split(departments), addresses=_split(addresses),
                    check=services.account_check, clock=services.clock)
    except LookupError:
        raise HTTPException(404, "no such user") from None
    except LastAdmin as exc:
        return _last_admin(request, services, exc)
    except ValueError as exc:
        return _refused(request, services, exc)
    return see_other("/users")


@router.post("/users/{name}/disable")
def users_disable(request: Request, services: Services, name: Name, p: Principal = Depends(page_authz("users.write")),
                  _csrf: None = CsrfChecked) -> Response:
    _ = gettext_for(request)
    audit_info(request).update(record=name, detail={"op": "disable"})
    if name == p.name:   # the page does not offer it; a forged or stale form is refused all the same
        audit_info(request)["outcome"] = "failed"
        return _page(request, services, error=_("You cannot disable your own account."), status_code=409)
    try:
        set_disabled(services.engine, name, True, clock=services.clock)
    except LookupError:
        raise HTTPException(404, "no such user") from None
    except LastAdmin as exc:
        return _last_admin(request, services, exc)
    return see_other("/users")


@router.post("/users/{name}/enable")
def users_enable(request: Request, services: Services, name: Name, p: Principal = Depends(page_authz("users.write")),
                 _csrf: None = CsrfChecked) -> Response:
    audit_info(request).update(record=name, detail={"op": "enable"})
    try:
        set_disabled(services.engine, name, False, clock=services.clock)
    except LookupError:
        raise HTTPException(404, "no such user") from None
    return see_other("/users")


@router.post("/users/{name}/password")
def users_password(request: Request, services: Services, name: Name, password: Secret = "",
                   p: Principal = Depends(page_authz("users.write")), _csrf: None = CsrfChecked) -> Response:
    _ = gettext_for(request)
    audit_info(request).update(record=name, detail={"op": "password"})
    try:
        get_user(services.engine, name)
        passwords.set_password(services.engine, name, password, clock=services.clock)   # ends their sessions
    except LookupError:
        raise HTTPException(404, "no such user") from None
    except ValueError as exc:
        return _page(request, services, error=str(exc), status_code=422)
    return _page(request, services, notice=_("New password set for %(name)s.") % {"name": name})


@router.post("/users/{name}/second-factor")
def users_second_factor(request: Request, services: Services, name: Name,
                        p: Principal = Depends(page_authz("users.write")), _csrf: None = CsrfChecked) -> Response:
    _ = gettext_for(request)
    audit_info(request).update(record=name, detail={"op": "reset second factor"})
    try:
        user = get_user(services.engine, name)
    except LookupError:
        raise HTTPException(404, "no such user") from None
    totp.disable(services.engine, int(user["id"]))
    return _page(request, services, notice=_("Second factor of %(name)s reset.") % {"name": name})


@router.post("/users/{name}/reset-link")
def users_reset_link(request: Request, services: Services, name: Name,
                     p: Principal = Depends(page_authz("users.write")), _csrf: None = CsrfChecked) -> Response:
    """Mail the person a one-time link to choose a new password (the same mail as
    ``mailwarden user invite --reset``; archived with the link withheld)."""
    _ = gettext_for(request)
    audit_info(request).update(record=name, detail={"op": "reset link"})
    try:
        to = mail_reset_link(services, name, str(request.base_url))
    except LookupError:
        raise HTTPException(404, "no such user") from None
    except ValueError:
        audit_info(request)["outcome"] = "failed"
        return _page(request, services, error=_("%(name)s has no mail address to send a link to.") % {"name": name},
                     status_code=422)
    except TooManyLinks as exc:
        audit_info(request)["outcome"] = "denied"
        minutes = max(1, round(exc.retry_after / 60))
        return _page(request, services, status_code=429, error=_(
            "%(name)s was sent enough links for now; try again in %(minutes)d min.") % {"name": name,
                                                                                       "minutes": minutes})
    except MailUnavailable:
        audit_info(request)["outcome"] = "failed"
        return _page(request, services, error=_("Mail cannot be sent from here."), status_code=409)
    return _page(request, services, notice=_("A link to choose a new password was mailed to %(name)s (%(address)s).")
                 % {"name": name, "address": to})
