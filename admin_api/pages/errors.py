"""How pages answer refusals: the sign-in page for a stranger, a readable page for 403/404/422.

The JSON API (``/api/...``, ``/openapi.json``, probes) keeps FastAPI's JSON errors unchanged.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from admin_api.deps import SignInRequired
from admin_api.errors import validation_error as api_validation_error
from admin_api.pages.common import clear_session_cookie, see_other
from admin_api.templating import gettext_for, render

_JSON_PREFIXES = ("/api/", "/openapi.json", "/healthz", "/metrics", "/docs", "/redoc")


def is_page(request: Request) -> bool:
    return not request.url.path.startswith(_JSON_PREFIXES)


async def sign_in_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInRequired)
    target = f"/signin?next={quote(exc.next_path, safe='/')}"
    ended = bool(request.cookies.get("mw_session")) and getattr(request.state, "session", None) is None
    if ended:   # expired, or ended from another browser: the sign-in page says so
        target += "&ended=1"
    response = see_other(target)
    if ended:
        clear_session_cookie(response, request)   # an ended session's cookie goes too
    return response


def _titles(request: Request) -> dict[int, tuple[str, str]]:
    _ = gettext_for(request)
    return {
        403: (_("Not allowed"), _("Your role does not allow this, or the form has expired: reload the page.")),
        404: (_("Not found"), _("There is nothing here, or it is not yours to see.")),
        405: (_("Not allowed"), _("This page cannot be used that way.")),
        410: (_("Gone"), _("This link is no longer valid.")),
        422: (_("Not accepted"), _("Some of what was sent is not valid. Go back and check it.")),
        429: (_("Too many attempts"), _("Wait a few minutes, then try again.")),
    }


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if not is_page(request):
        return await http_exception_handler(request, exc)
    title, message = _titles(request).get(exc.status_code, (str(exc.status_code), ""))
    return render(request, "error.html", {"title": title, "message": message}, status_code=exc.status_code,
                  headers=getattr(exc, "headers", None))


async def validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    if not is_page(request):
        return await api_validation_error(request, exc)   # never a 500 quoting a lone surrogate
    title, message = _titles(request)[422]
    return render(request, "error.html", {"title": title, "message": message}, status_code=422)
