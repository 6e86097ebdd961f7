"""Rspamd through its HTTP protocol: ``/checkv2`` on the normal worker, learning and
``/stat`` on the controller.

The envelope goes in Rspamd's request headers (``From``, one ``Rcpt`` per recipient,
``IP``, ``Helo``, ``User`` for the authenticated login), the raw message as the body, so
its SPF, DNSBL/URIBL, fuzzy and bulk checks see what the gateway saw. An answer without a
numeric ``score`` and an ``action`` is garbage, never a clean bill (:class:`EngineError`).

The check, on the SMTP path, goes through aiohttp (one pooled session per event loop): about
0.4 ms of CPU per request where httpx took 3 (bench_load --engines). The controller's calls,
off the hot path and from threads, use httpx. Both are imported when an Rspamd is made from the
configuration: together they are 30 MB in every gateway process, which a gateway without Rspamd
(the shipped one) need not carry.
"""

from __future__ import annotations

import asyncio
import json
import math
from typing import TYPE_CHECKING, Any

from gateway.engines.base import EngineError
from rules.external import RSPAMD_ACTIONS, RspamdResult
from rules.model import Envelope

if TYPE_CHECKING:
    import aiohttp
    import httpx

ALREADY_LEARNED = 208   # Rspamd's answer to a message it has learned already


class Rspamd:
    """An Rspamd: ``url`` of its normal worker (11333), ``controller`` (11334) for
    learning; each call within ``timeout`` seconds."""

    name = "rspamd"

    def __init__(self, url: str, controller: str = "", password: str = "", timeout: float = 10.0) -> None:
        self.url = url.rstrip("/")
        self.controller = controller.rstrip("/")
        self.password = password
        self.timeout = timeout
        # one session (its connection pool) per event loop: gateway processes have one loop
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        # the clients load with the engine (at start, from the config), not on the SMTP path
        # of the first message it checks
        import aiohttp  # noqa: F401
        import httpx  # noqa: F401

    def _http(self) -> aiohttp.ClientSession:
        import aiohttp

        loop = asyncio.get_running_loop()
        if self._session is None or self._loop is not loop:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
            self._loop = loop
        return self._session

    async def close(self) -> None:
        """Close the pooled connections (the gateway's stop)."""
        if self._session is not None and self._loop is asyncio.get_running_loop():
            await self._session.close()
        self._session = None

    # ---- checking (on the SMTP event loop) ---------------------------------------------
    async def check(self, raw: bytes, envelope: Envelope) -> RspamdResult:
        import aiohttp

        headers = request_headers(envelope)
        try:
            async with self._http().post(f"{self.url}/checkv2", data=raw, headers=headers) as reply:
                status, body = reply.status, await reply.read()
        except TimeoutError:
            raise EngineError("timeout", f"rspamd did not answer within {self.timeout:g}s") from None
        except (aiohttp.ClientError, OSError) as exc:
            raise EngineError("down", f"cannot reach rspamd at {self.url}: {type(exc).__name__}") from None
        if status != 200:
            raise EngineError("garbage", f"rspamd answered HTTP {status}")
        try:
            return parse_check(json.loads(body))
        except ValueError as exc:
            raise EngineError("garbage", f"rspamd's answer is not usable: {exc}") from None

    async def ping(self) -> None:
        import aiohttp

        try:
            async with self._http().get(f"{self.url}/ping") as reply:
                status, text = reply.status, (await reply.read()).decode("utf-8", "replace")
        except TimeoutError:
            raise EngineError("timeout", f"rspamd did not answer /ping within {self.timeout:g}s") from None
        except (aiohttp.ClientError, OSError) as exc:
            raise EngineError("down", f"cannot reach rspamd at {self.url}: {type(exc).__name__}") from None
        if status != 200 or not text.strip().startswith("pong"):
            raise EngineError("garbage", f"rspamd answered /ping with HTTP {status}")

    def ping_blocking(self, timeout: float = 2.0) -> None:
        """``/ping`` from a thread (``/healthz``), not from an event loop."""
        import httpx

        try:
            reply = httpx.get(f"{self.url}/ping", timeout=timeout)
        except httpx.TimeoutException:
            raise EngineError("timeout", f"rspamd did not answer /ping within {timeout:g}s") from None
        except httpx.HTTPError as exc:
            raise EngineError("down", f"cannot reach rspamd at {self.url}: {type(exc).__name__}") from None
        if reply.status_code != 200 or not reply.text.strip().startswith("pong"):
            raise EngineError("garbage", f"rspamd answered /ping with HTTP {reply.status_code}")

    # ---- the controller (learning runs in a thread, off the event loop) -----------------
    def _controller_headers(self) -> dict[str, str]:
        return {"Password": self.password} if self.password else {}

    def learn(self, raw: bytes, *, spam: bool) -> str:
        """Teach Rspamd ``raw`` as spam or ham: ``learned`` or ``already learned``;
        raises :class:`EngineError`."""
        if not self.controller:
            raise EngineError("down", "no rspamd controller configured (engines.rspamd.controller)")
        import httpx

        path = "learnspam" if spam else "learnham"
        try:
            reply = httpx.post(f"{self.controller}/{path}", content=raw, headers=self._controller_headers(),
                               timeout=self.timeout)
        except httpx.TimeoutException:
            raise EngineError("timeout", f"rspamd's controller did not answer within {self.timeout:g}s") from None
        except httpx.HTTPError as exc:
            raise EngineError("down", f"cannot reach rspamd's controller: {type(exc).__name__}") from None
        if reply.status_code == ALREADY_LEARNED:
            return "already learned"
        if reply.status_code != 200:
            raise EngineError("garbage", f"rspamd's controller answered HTTP {reply.status_code}: "
                                         f"{_error_text(reply)}")
        return "learned"

    def stat(self) -> dict[str, Any]:
        """The controller's ``/stat`` (learn counts per statfile, scanned, actions)."""
        import httpx

        try:
            reply = httpx.get(f"{self.controller}/stat", headers=self._controller_headers(), timeout=self.timeout)
            reply.raise_for_status()
            return reply.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise EngineError("down", f"rspamd's /stat: {type(exc).__name__}") from None


def request_headers(envelope: Envelope) -> list[tuple[str, str]]:
    """Rspamd's protocol headers for the envelope (its docs: "Rspamd protocol")."""
    headers = [("From", envelope.mail_from or "<>")]
    headers += [("Rcpt", r) for r in envelope.rcpt_tos]
    if envelope.client_ip:
        headers.append(("IP", envelope.client_ip))
    if envelope.helo:
        headers.append(("Helo", _header_safe(envelope.helo)))
    if envelope.authenticated_user:
        headers.append(("User", _header_safe(envelope.authenticated_user)))
    return [(k, _header_safe(v)) for k, v in headers]


def _header_safe(value: str) -> str:
    return "".join(ch if 32 <= ord(ch) < 127 else "?" for ch in value)[:500]


def parse_check(doc: Any) -> RspamdResult:
    """``/checkv2``'s JSON as a :class:`RspamdResult`; ``ValueError`` when it is not one."""
    if not isinstance(doc, dict):
        raise ValueError("not a JSON object")
    score, action = doc.get("score"), doc.get("action")
    if isinstance(score, bool) or not isinstance(score, int | float) or not math.isfinite(score):
        raise ValueError("no numeric score")
    if action not in RSPAMD_ACTIONS:
        raise ValueError(f"unknown action {str(action)[:40]!r}")
    symbols: dict[str, float] = {}
    raw_symbols = doc.get("symbols") or {}
    if not isinstance(raw_symbols, dict):
        raise ValueError("symbols is not an object")
    for name, sym in raw_symbols.items():
        value = sym.get("score", 0.0) if isinstance(sym, dict) else 0.0
        symbols[str(name)] = float(value) if isinstance(value, int | float) and math.isfinite(value) else 0.0
    required = doc.get("required_score")
    return RspamdResult(score=float(score), action=action, symbols=symbols,
                        required_score=float(required) if isinstance(required, int | float) else 0.0)


def _error_text(reply: httpx.Response) -> str:
    try:
        doc = reply.json()
        return str(doc.get("error", ""))[:200] if isinstance(doc, dict) else ""
    except ValueError:
        return ""
