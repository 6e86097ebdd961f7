"""``/``: the sign-in page for a stranger; for a signed-in person the console's start page.

console-review's queue becomes the start page: ``/`` then redirects there.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from admin_api.deps import page_authz
from admin_api.templating import render
from admin_api.users import Principal

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(request: Request, p: Principal = Depends(page_authz("me.read"))) -> Response:
    return render(request, "home.html", {})
