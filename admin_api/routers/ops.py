"""Unauthenticated probes at the root: ``/healthz`` (503 naming what is degraded), ``/readyz``
(503 while this node cannot take work: for load balancers) and ``/metrics``."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, PlainTextResponse

from admin_api.deps import Services

router = APIRouter(tags=["ops"])


@router.get("/healthz")
def healthz(services: Services) -> JSONResponse:
    result = dict(services.health())
    ok = result.get("status", "ok") == "ok"
    return JSONResponse(jsonable_encoder(result), status_code=200 if ok else 503)


@router.get("/readyz")
def readyz(services: Services) -> JSONResponse:
    result = dict(services.ready())
    ok = result.get("status", "ok") == "ok"
    return JSONResponse(jsonable_encoder(result), status_code=200 if ok else 503)


@router.get("/metrics", response_class=PlainTextResponse)
def metrics(services: Services) -> PlainTextResponse:
    return PlainTextResponse(services.metrics_text(), media_type="text/plain; version=0.0.4; charset=utf-8")
