"""Response helpers shared by routers: raw message downloads, list items, CSV cells, plain pages."""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Mapping
from typing import Any

from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, Response


def raw_response(raw: bytes, filename: str) -> Response:
    """A message as an ``.eml`` download that no browser renders inline."""
    return Response(
        raw,
        media_type="message/rfc822",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        },
    )


def item(value: Any) -> dict[str, Any]:
    """A search hit (dataclass, mapping, namedtuple or object) as a JSON dict with an ``id``."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = dataclasses.asdict(value)
    elif isinstance(value, Mapping):
        out = dict(value)
    elif hasattr(value, "_asdict"):
        out = value._asdict()
    else:
        out = dict(vars(value))
    if "id" not in out:
        for key in ("record_id", "archive_id"):
            if key in out:
                out["id"] = out[key]
                break
    return jsonable_encoder(out)


def csv_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text  # no formula injection


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def html_page(title: str, body: str, status_code: int = 200) -> HTMLResponse:
    """A minimal static page for senders (no scripts, no external resources, no message content)."""
    page = (
        '<!doctype html><html><head><meta charset="utf-8">'
        f"<title>{esc(title)}</title></head><body><h1>{esc(title)}</h1>{body}</body></html>"
    )
    return HTMLResponse(
        page,
        status_code=status_code,
        headers={
            "Content-Security-Policy": "default-src 'none'; form-action 'self'; frame-ancestors 'none'",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",
        },
    )
