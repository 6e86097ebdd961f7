"""The audit middleware: one hash-chained ``admin_audit`` row per audited request.

Written before the response starts, denied requests included, with the actor, action, record,
client address and outcome the endpoint's dependencies left in ``request.state.audit``
(:func:`admin_api.deps.authz`). If the row cannot be written the answer is a 503: not audited,
so not answered (fail closed).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import Any

import anyio
import sqlalchemy as sa

from admin_api import audit as audit_log
from archive.chain import ChainKey
from archive.keywrap import KeyRingError


class AuditMiddleware:
    """Writes the audit row of a request before its response starts (pure ASGI)."""

    def __init__(self, app: Any, engine: sa.Engine, clock: Callable[[], float], chain: ChainKey) -> None:
        self.app = app
        self.engine = engine
        self.clock = clock
        self.chain = chain

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        written = False

        async def write(status: int) -> None:
            nonlocal written
            info = state.get("audit")
            if info is None and scope.get("path", "").startswith("/api/"):
                # refused before any endpoint dependency ran (e.g. a body that is not JSON)
                info = {"action": f"{scope.get('method', '?')} {scope.get('path', '')}"[:64]}
            if info is None or written:
                return
            written = True
            outcome = info.get("outcome") or (
                "ok"
                if status < 400
                else "denied"
                if status in (401, 403)
                else "error"
                if status >= 500
                else "failed"
            )
            client = scope.get("client")
            await anyio.to_thread.run_sync(
                partial(
                    audit_log.append_audit,
                    self.engine,
                    chain=self.chain,
                    action=info["action"],
                    outcome=outcome,
                    status_code=status,
                    actor=info.get("actor"),
                    role=info.get("role"),
                    record=info.get("record"),
                    client_ip=client[0] if client else None,
                    detail=info.get("detail"),
                    clock=self.clock,
                )
            )

        refused = False

        async def send_wrapper(message: dict) -> None:
            nonlocal refused
            if refused:   # the response was replaced by a 503: the rest of the original is dropped
                return
            if message["type"] == "http.response.start":
                try:
                    await write(int(message["status"]))
                except (KeyRingError, audit_log.AuditChainError) as exc:
                    # Not audited, so not answered: which key is missing, or that the audit chain
                    # does not verify (fail closed; the operator's to fix).
                    refused = True
                    body = json.dumps({"detail": f"the audit log cannot be written: {exc}"}).encode()
                    await send({"type": "http.response.start", "status": 503,
                                "headers": [(b"content-type", b"application/json"), (b"retry-after", b"60"),
                                            (b"content-length", str(len(body)).encode())]})
                    await send({"type": "http.response.body", "body": body})
                    return
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except Exception:
            await write(500)
            raise
