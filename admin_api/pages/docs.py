"""``/docs`` (Swagger UI) and ``/redoc`` with every asset served by the gateway itself.

FastAPI's own pages load Swagger UI and ReDoc from a CDN: blank on a gateway without internet,
and an outside script on the admin port. Both are vendored in ``static/vendor`` (see its
README for versions and licences). ReDoc
injects its styles at run time, so only its page allows inline styles; scripts stay ``'self'``.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from admin_api.security_headers import CSP

SWAGGER = "/static/vendor/swagger-ui-5.35.0"
REDOC = "/static/vendor/redoc-2.5.1/redoc.standalone.js"
REDOC_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'").replace(
    "img-src 'self' data:", "img-src 'self' data:; worker-src 'self' blob:")

router = APIRouter(include_in_schema=False)

_HEAD = ('<!doctype html><html lang="en"><head><meta charset="utf-8">'
         '<meta name="viewport" content="width=device-width, initial-scale=1">'
         '<title>mailwarden admin API</title><link rel="icon" href="/static/favicon.svg" type="image/svg+xml">')


@router.get("/docs")
def swagger_ui() -> HTMLResponse:
    return HTMLResponse(
        _HEAD + f'<link rel="stylesheet" href="{SWAGGER}/swagger-ui.css"></head><body>'
        '<main id="swagger-ui"></main>'
        f'<script src="{SWAGGER}/swagger-ui-bundle.js"></script>'
        f'<script src="{SWAGGER}/swagger-ui-standalone-preset.js"></script>'
        '<script src="/static/docs-init.js"></script></body></html>')


@router.get("/redoc")
def redoc() -> HTMLResponse:
    return HTMLResponse(
        _HEAD + '</head><body><redoc spec-url="/openapi.json"></redoc>'
        f'<script src="{REDOC}"></script></body></html>',
        headers={"Content-Security-Policy": REDOC_CSP})
