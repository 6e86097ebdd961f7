"""The API's front door (pure ASGI, outermost): request bodies limited before they are read,
unauthenticated ones kept small, and a client address that keeps presenting bad tokens
answered ``429`` for a while -- with one audit row saying so, not one per refused guess.

Why here and not in the endpoints: by the time an endpoint runs, FastAPI has read the whole
body (a 300 MB POST without a token grew the process by 730 MB before its ``401``). This
layer looks at the headers only: a body is read only up to the limit that applies to the
caller, and a body larger than the small limit is read only after the bearer token it comes
with has been checked.

Failed tokens are counted per client address in the database (``gateway.auth_throttle``,
the same mechanism as failed SMTP AUTH, in its own namespace), so every process and node
shares the count. Requests per second per address are limited in memory (a token bucket):
the API runs in one process per node.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import anyio

log = logging.getLogger("mailwarden.api")


@dataclass(frozen=True)
class GuardLimits:
    small_body: int = 64 * 1024              # without a verified bearer token (forms, sender links)
    large_body: int = 110 * 1024 * 1024      # with one (a 50 MB message as base64 in /rules/test)
    rate: float = 20.0                       # requests per second per client address (0: no limit)
    burst: int = 200
    rate_exempt: tuple[str, ...] = ()        # networks the rate does not apply to (loopback by default)


class _Buckets:
    """Token buckets per client address (a few thousand at most are kept)."""

    def __init__(self, rate: float, burst: int):
        self.rate, self.burst = rate, burst
        self._state: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str, now: float) -> float:
        """0 when the request may go on, else the seconds until it could."""
        with self._lock:
            tokens, last = self._state.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens < 1.0:
                self._state[key] = (tokens, now)
                return (1.0 - tokens) / self.rate
            if len(self._state) > 10000:
                self._state.clear()
            self._state[key] = (tokens - 1.0, now)
            return 0.0


class EdgeGuard:
    """``throttle``: an object with ``locked(ip)`` and ``failed(ip)`` (seconds of lockout), the
    gateway's database-backed counter; ``verify_token(token) -> bool``;
    ``on_lockout(ip, seconds)`` and ``on_summary(ip, refused)`` write the audit rows."""

    def __init__(self, app: Any, *, limits: GuardLimits, verify_token: Callable[[str], bool],
                 verify_session: Callable[[str], bool] = lambda sid: False, session_cookie: str = "",
                 throttle: Any = None, on_lockout: Callable[[str, float], None] = lambda ip, s: None,
                 on_summary: Callable[[str, int], None] = lambda ip, n: None,
                 clock: Callable[[], float] = time.monotonic):
        self.app = app
        self.limits = limits
        self.verify_token = verify_token
        self.verify_session = verify_session      # the console's signed-in session (its uploads)
        self.session_cookie = session_cookie
        self.throttle = throttle
        self.on_lockout = on_lockout
        self.on_summary = on_summary
        self.clock = clock
        self.buckets = _Buckets(limits.rate, limits.burst) if limits.rate > 0 else None
        self.exempt = [ipaddress.ip_network(n, strict=False) for n in limits.rate_exempt]
        self._refused: dict[str, int] = {}
        self._refused_lock = threading.Lock()

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        ip = client[0] if client else ""
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        token = _bearer(headers.get("authorization", ""))
        api = scope.get("path", "").startswith("/api/")

        if self.buckets is not None and api and not self._exempt(ip):
            wait = self.buckets.take(ip, self.clock())
            if wait > 0:
                await _answer(send, 429, "too many requests from this address; slow down", retry=wait)
                return
        if self.throttle is not None and api and token is not None:
            locked = await anyio.to_thread.run_sync(self.throttle.locked, ip)
            if locked > 0:
                self._count_refused(ip)
                await _answer(send, 429, "too many invalid tokens from this address; try again later", retry=locked)
                return
            await self._summarise(ip)

        length = _content_length(headers)
        chunked = "chunked" in headers.get("transfer-encoding", "").lower()
        limit = self.limits.small_body
        session = _cookie(headers.get("cookie", ""), self.session_cookie) if self.session_cookie else None
        signed_in = False         # a console session that checked out (then: 413 past the limit, not 401)
        if (chunked or (length or 0) > limit) and token is not None:
            if await anyio.to_thread.run_sync(self.verify_token, token):
                limit = self.limits.large_body
            else:
                await self._failed(ip)
                await _answer(send, 401, "invalid, expired or revoked token", auth=True)
                return
        elif (chunked or (length or 0) > limit) and session is not None \
                and await anyio.to_thread.run_sync(self.verify_session, session):
            limit = self.limits.large_body
            signed_in = True
        if length is not None and length > limit:
            if token is None and not signed_in:
                await _answer(send, 401, f"a body over {limit} bytes needs a valid bearer token", auth=True)
            else:
                await _answer(send, 413, f"request body over {limit} bytes")
            return

        received = 0
        started = answered = False

        async def limited_receive() -> dict:
            # Past the limit: answer 413 here and tell the app the client went away, so it
            # stops reading; whatever it answers after that is dropped (see watched_send).
            nonlocal received, answered
            if answered:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    if not started:
                        answered = True
                        anonymous = token is None and not signed_in
                        await _answer(send, 401 if anonymous else 413, f"request body over {limit} bytes"
                                      + (" without a valid token" if anonymous else ""), auth=anonymous)
                    return {"type": "http.disconnect"}
            return message

        async def watched_send(message: dict) -> None:
            nonlocal started
            if answered:
                return
            if message["type"] == "http.response.start":
                started = True
                if message["status"] == 401 and api and token is not None and self.throttle is not None:
                    await self._failed(ip)
            await send(message)

        await self.app(scope, limited_receive, watched_send)

    def _exempt(self, ip: str) -> bool:
        try:
            address = ipaddress.ip_address(ip)
        except ValueError:
            return False
        return any(address in net for net in self.exempt)

    async def _failed(self, ip: str) -> None:
        if self.throttle is None:
            return
        locked = await anyio.to_thread.run_sync(self.throttle.failed, ip)
        if locked > 0:
            log.warning("API: address locked out after repeated invalid tokens",
                        extra={"peer": ip, "lockout_seconds": round(locked)})
            await anyio.to_thread.run_sync(self.on_lockout, ip, locked)

    def _count_refused(self, ip: str) -> None:
        with self._refused_lock:
            self._refused[ip] = self._refused.get(ip, 0) + 1

    async def _summarise(self, ip: str) -> None:
        """After a lockout ends, one audit row counts the requests it refused."""
        with self._refused_lock:
            refused = self._refused.pop(ip, 0)
        if refused:
            await anyio.to_thread.run_sync(self.on_summary, ip, refused)


def _bearer(value: str) -> str | None:
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name and value:
            return value
    return None


def _content_length(headers: dict[str, str]) -> int | None:
    try:
        return int(headers["content-length"])
    except (KeyError, ValueError):
        return None


async def _answer(send: Any, status: int, detail: str, *, retry: float | None = None, auth: bool = False) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
               (b"connection", b"close")]
    if retry is not None:
        headers.append((b"retry-after", str(max(1, round(retry))).encode()))
    if auth:
        headers.append((b"www-authenticate", b"Bearer"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def add_edge_guard(app: Any, services: Any) -> None:
    """Mount the guard with the audit rows it writes (a lockout, and the count it refused)."""
    from functools import partial

    from admin_api.audit import append_audit
    from admin_api.users import authenticate

    engine, chain = services.engine, services.audit_key()
    audit = partial(append_audit, engine, chain=chain, actor=None, role=None, clock=services.clock)

    def on_lockout(ip: str, seconds: float) -> None:
        audit(action="api.throttled", outcome="denied", status_code=429, record=ip, client_ip=ip,
              detail={"lockout_seconds": round(seconds), "reason": "repeated invalid bearer tokens"})

    def on_summary(ip: str, refused: int) -> None:
        audit(action="api.throttled.summary", outcome="denied", status_code=429, record=ip, client_ip=ip,
              detail={"refused_requests": refused})

    def verify_session(sid: str) -> bool:
        from admin_api import sessions

        console = services.console
        session = sessions.load(engine, sid, now=services.clock(), policy=sessions.SessionPolicy(
            idle=console.session_idle, absolute=console.session_absolute))
        return session is not None and session.stage == "full"

    app.add_middleware(EdgeGuard, limits=services.guard_limits, throttle=services.token_throttle,
                       verify_token=lambda token: authenticate(engine, token, clock=services.clock) is not None,
                       verify_session=verify_session, session_cookie="mw_session",
                       on_lockout=on_lockout, on_summary=on_summary)
