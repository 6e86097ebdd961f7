"""``/api/v1/rules``: test a message against the live rules; reload them (admin)."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.encoders import jsonable_encoder

from admin_api.deps import Services, audit_info, authz
from admin_api.schemas import RulesTestIn, field_error
from admin_api.users import Principal

router = APIRouter(tags=["rules"])


@router.post("/rules/test")
def rules_test(body: RulesTestIn, services: Services, p: Principal = Depends(authz("rules.test"))) -> dict[str, Any]:
    if body.message_base64 is not None:
        try:
            raw = base64.b64decode(body.message_base64, validate=True)
        except (binascii.Error, ValueError):
            raise field_error(("body", "message_base64"), "not valid base64") from None
    else:
        raw = (body.message or "").encode("utf-8", "replace")
    try:
        result = services.rules_test(raw, body.mail_from, list(body.rcpt_to))
    except ValueError as exc:
        raise field_error(("body",), str(exc)) from None
    return jsonable_encoder(result)


@router.post("/rules/reload")
def rules_reload(request: Request, services: Services, p: Principal = Depends(authz("rules.reload"))) -> dict[str, Any]:
    try:
        services.rules_reload()
    except Exception as exc:
        if isinstance(exc, ValueError) or type(exc).__name__ == "RuleSetError":
            audit_info(request)["detail"] = {"error": str(exc)[:500]}
            raise HTTPException(422, f"rules not reloaded, old rules stay live: {exc}") from None
        raise
    return {"ok": True}
