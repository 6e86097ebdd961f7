"""Error answers that cannot themselves fail: a request the API refuses with 422 must never
become a 500 because the refusal quoted the bad input back (a lone surrogate in a JSON body
cannot be encoded as UTF-8, so FastAPI's own handler raised while rendering it)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse


def printable(value: Any) -> Any:
    """``value`` with every string made encodable (lone surrogates become U+FFFD)."""
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, dict):
        return {printable(k): printable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [printable(v) for v in value]
    return value


async def validation_error(_request: Request, exc: Exception) -> JSONResponse:
    errors = exc.errors() if isinstance(exc, RequestValidationError) else [{"msg": str(exc)}]
    return JSONResponse({"detail": printable(jsonable_encoder(errors))}, status_code=422)
