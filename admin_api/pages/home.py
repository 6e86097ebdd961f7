"""``/``: the sign-in page for a stranger; for a signed-in person the review queue."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from admin_api.deps import page_authz
from admin_api.pages.common import see_other
from admin_api.users import Principal

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(request: Request, p: Principal = Depends(page_authz("me.read"))) -> Response:
    return see_other("/queue")
