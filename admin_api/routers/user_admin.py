"""``/api/v1/users/...``: admins create accounts, change roles, departments and addresses,
disable and enable them and issue a new API token (shown once). Every change is audited with
the account's name as the object; a refused change answers 422 naming the field."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from admin_api.deps import Services, audit_info, authz
from admin_api.refusals import AccountRefused
from admin_api.schemas import Address, clean, field_error
from admin_api.user_admin import LastAdmin, get_user, set_disabled, update_user
from admin_api.users import Principal, add_user, create_token

router = APIRouter(tags=["users"])
Name = Annotated[str, Path(min_length=1, max_length=200), AfterValidator(clean)]
Role = Literal["admin", "compliance", "supervisor", "auditor"]
Department = Annotated[str, Field(min_length=1, max_length=120), AfterValidator(clean)]


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, Field(min_length=1, max_length=200), AfterValidator(clean)]
    role: Role
    departments: Annotated[list[Department], Field(max_length=100)] = []
    addresses: Annotated[list[Address], Field(max_length=100)] = []
    token_days: Annotated[float | None, Field(gt=0, le=3660)] = None


class UserPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Role | None = None
    departments: Annotated[list[Department] | None, Field(max_length=100)] = None
    addresses: Annotated[list[Address] | None, Field(max_length=100)] = None


def _field_of(message: str) -> str:
    """Which field a refusal from the account checks is about (for the 422's loc)."""
    text = message.lower()
    if "department" in text:
        return "departments"
    if "@" in text or "address" in text or "email" in text or "directory" in text:
        return "addresses"
    if "role" in text:
        return "role"
    return "name"


def _refused(exc: ValueError) -> HTTPException:
    field = exc.field if isinstance(exc, AccountRefused) else _field_of(str(exc))
    return field_error(("body", field), str(exc))


@router.post("/users", status_code=201)
def user_create(body: UserIn, request: Request, services: Services,
                p: Principal = Depends(authz("users.write"))) -> JSONResponse:
    audit_info(request).update(record=body.name, detail={"op": "create", "role": body.role})
    try:
        token = add_user(services.engine, body.name, body.role, body.departments, addresses=body.addresses,
                         check=services.account_check, token_lifetime_days=body.token_days, clock=services.clock)
    except ValueError as exc:
        if isinstance(exc, AccountRefused) and exc.code == "user-exists":
            raise HTTPException(409, str(exc)) from None
        raise _refused(exc) from None
    return JSONResponse({**get_user(services.engine, body.name, clock=services.clock), "token": token},
                        status_code=201)


@router.get("/users/{name}")
def user_get(name: Name, request: Request, services: Services,
             p: Principal = Depends(authz("users.read"))) -> dict[str, Any]:
    audit_info(request)["record"] = name
    try:
        return get_user(services.engine, name, clock=services.clock)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None


@router.patch("/users/{name}")
def user_update(name: Name, body: UserPatch, request: Request, services: Services,
                p: Principal = Depends(authz("users.write"))) -> dict[str, Any]:
    audit_info(request).update(record=name, detail={"op": "update", **body.model_dump(exclude_none=True)})
    if name == p.name and body.role is not None and body.role != p.role:
        raise HTTPException(409, "you cannot change your own role; another admin can")
    try:
        return update_user(services.engine, name, role=body.role, departments=body.departments,
                           addresses=body.addresses, check=services.account_check, clock=services.clock)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None
    except LastAdmin as exc:
        raise HTTPException(409, str(exc)) from None
    except ValueError as exc:
        raise _refused(exc) from None


def _set_disabled(name: str, disabled: bool, request: Request, services: Any, p: Principal) -> dict[str, Any]:
    audit_info(request).update(record=name, detail={"op": "disable" if disabled else "enable"})
    if disabled and name == p.name:
        raise HTTPException(409, "you cannot disable your own account")
    try:
        return set_disabled(services.engine, name, disabled, end_sessions=getattr(services, "end_sessions", None),
                            clock=services.clock)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None
    except LastAdmin as exc:
        raise HTTPException(409, str(exc)) from None


@router.post("/users/{name}/disable")
def user_disable(name: Name, request: Request, services: Services,
                 p: Principal = Depends(authz("users.write"))) -> dict[str, Any]:
    return _set_disabled(name, True, request, services, p)


@router.post("/users/{name}/enable")
def user_enable(name: Name, request: Request, services: Services,
                p: Principal = Depends(authz("users.write"))) -> dict[str, Any]:
    return _set_disabled(name, False, request, services, p)


@router.post("/users/{name}/token", status_code=201)
def user_token(name: Name, request: Request, services: Services,
               p: Principal = Depends(authz("users.write"))) -> JSONResponse:
    audit_info(request).update(record=name, detail={"op": "token"})
    try:
        token = create_token(services.engine, name, clock=services.clock)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None
    return JSONResponse({"name": name, "token": token}, status_code=201)


class PasswordIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    password: Annotated[str, Field(min_length=1, max_length=1024)]


@router.post("/users/{name}/password")
def user_password(name: Name, body: PasswordIn, request: Request, services: Services,
                  p: Principal = Depends(authz("users.write"))) -> dict[str, Any]:
    """Set a new console password (ends the person's sessions); never logged."""
    from admin_api.passwords import set_password

    audit_info(request).update(record=name, detail={"op": "password"})
    try:
        set_password(services.engine, name, body.password, clock=services.clock)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None
    except ValueError as exc:
        raise field_error(("body", "password"), str(exc)) from None
    return {"name": name, "password": "set"}


@router.post("/users/{name}/second-factor/reset")
def user_second_factor_reset(name: Name, request: Request, services: Services,
                             p: Principal = Depends(authz("users.write"))) -> dict[str, Any]:
    """Turn the person's TOTP second factor off (they enrol again from their account page)."""
    from admin_api.totp import disable

    audit_info(request).update(record=name, detail={"op": "reset second factor"})
    try:
        user = get_user(services.engine, name, clock=services.clock)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None
    disable(services.engine, int(user["id"]))
    return {"name": name, "second_factor": "off"}


@router.post("/users/{name}/reset-link", status_code=202)
def user_reset_link(name: Name, request: Request, services: Services,
                    p: Principal = Depends(authz("users.write"))) -> JSONResponse:
    """Mail the person a one-time link to choose a new password (their current password keeps
    working until they use it). The archive keeps that mail with the link withheld."""
    from admin_api.account_links import TooManyLinks
    from admin_api.reset_links import MailUnavailable, mail_reset_link

    audit_info(request).update(record=name, detail={"op": "reset link"})
    try:
        to = mail_reset_link(services, name, str(request.base_url))
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    except TooManyLinks as exc:
        raise HTTPException(429, str(exc), headers={"Retry-After": str(max(1, round(exc.retry_after)))}) from None
    except MailUnavailable as exc:    # an API without the gateway (tests, tools): nothing to retry here
        raise HTTPException(409, str(exc)) from None
    return JSONResponse({"name": name, "sent_to": to, "expires_in": services.console.link_lifetime},
                        status_code=202)
