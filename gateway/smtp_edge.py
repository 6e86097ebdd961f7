"""The protocol edge of an SMTP session: who gets a session, when they are greeted, how
fast they may send, and where DATA ends. Nothing here knows about addresses or content.

:class:`EdgeSMTP` is aiosmtpd's SMTP with

* per-address session and rate limits at connect (:mod:`gateway.edge_limits`; a refused
  client gets ``421 4.7.0`` and never a session),
* postscreen's pregreet test before the greeting (``554 5.5.1`` for a client that talks first),
* a message rate checked at MAIL,
* a DATA reader for which only ``<CR><LF>.<CR><LF>`` ends the data (:mod:`gateway.smtp_data`),
  with idle, total and minimum-rate deadlines (``421 4.4.2``) that a trickle cannot push out,
  and one path from the spooled message to the handler that BDAT shares
  (:mod:`gateway.smtp_chunking`),
* an enhanced status code on every reply (:mod:`gateway.smtp_replies`) and ``421 4.4.2`` when
  the idle timeout ends a session.

:class:`gateway.smtp.GatewaySMTP` builds on it (AUTH, addresses).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any, Protocol

from aiosmtpd.smtp import MISSING, SMTP, syntax
from cryptography.exceptions import InvalidTag

from gateway.edge_limits import DataPace, EdgeLimits, Refusal
from gateway.smtp_data import BARE_LF_REPLY, BareNewline, DataResult, decode_content, read_data
from gateway.smtp_replies import with_enhanced_code
from gateway.spool import Spool

log = logging.getLogger("mailwarden.smtp")


class EdgeHandler(Protocol):
    """What the edge needs of the session's handler (:class:`gateway.smtp.SessionPolicy`)."""

    edge: EdgeLimits

    def refused(self, reason: str) -> None: ...

    def is_trusted(self, ip: str) -> bool: ...


@dataclass
class SessionCounter:
    """Open sessions in this process, for the concurrent-session limit."""

    active: int = 0
    refused: int = 0
    peers: set[int] = field(default_factory=set)


class EdgeSMTP(SMTP):
    """aiosmtpd's SMTP with the edge's limits and a strict, paced DATA reader."""

    # Commands are still limited to 512 octets by aiosmtpd; this only lets the stream
    # buffer hold long message lines, which real mail contains.
    line_length_limit = 1 << 16

    def __init__(self, handler: EdgeHandler, counter: SessionCounter, *,
                 bare_newline: BareNewline = BareNewline.NORMALIZE, **kwargs: Any):
        super().__init__(handler, **kwargs)
        self._counter = counter
        self._policy = handler
        self._bare_newline = bare_newline
        self._edge: EdgeLimits = getattr(handler, "edge", None) or EdgeLimits()   # a bare handler: defaults
        self._refusal: Refusal | None = None   # turned away at connect: no session at all
        self._client_trusted = False
        # RFC 2034: the greeting and the replies to HELO/EHLO go out as they are; every other
        # reply gets its enhanced status code (gateway/smtp_replies.py).
        self._verbatim = True

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        first = self.transport is None
        if first:
            peer = transport.get_extra_info("peername")
            ip = peer[0] if isinstance(peer, tuple) else str(peer or "")
            self._client_trusted = self._policy.is_trusted(ip)
            self._refusal = self._edge.open_session(ip, trusted=self._client_trusted)
            if self._refusal is not None:
                self._policy.refused(self._refusal.reason)
                if self._edge.worth_logging(self._refusal.reason, ip):
                    log.warning("connection refused (logged once a minute per address)",
                                extra={"peer": ip, "reason": self._refusal.reason})
                transport.write(self._refusal.reply.encode() + b"\r\n")  # type: ignore[attr-defined]
                transport.close()
                return
        super().connection_made(transport)
        if first:
            self._counter.active += 1

    def connection_lost(self, error: Exception | None) -> None:
        if self._refusal is not None:
            return
        self._counter.active -= 1
        if not self._client_trusted:
            self._edge.close_session(self._peer_ip())
        super().connection_lost(error)

    def eof_received(self) -> bool | None:
        """The client hung up (or half-closed): aiosmtpd stops the session, and the connection
        is closed now instead of holding its slot, half-open, until the idle timeout."""
        if self._refusal is None:
            super().eof_received()
        return False

    async def _handle_client(self) -> None:
        """Postscreen's pregreet test first: a client that talks before our greeting is a
        bot that does not wait for replies (``554 5.5.1``, disconnected). Then aiosmtpd."""
        ip = self._peer_ip()
        wait = self._edge.pregreet_wait(ip, trusted=self._client_trusted)
        if wait:
            await asyncio.sleep(wait)
            if self.transport is None:
                return
            if self._reader._buffer:  # type: ignore[attr-defined]
                self._policy.refused("pregreet")
                if self._edge.worth_logging("pregreet", ip):
                    log.warning("commands before the greeting", extra={"peer": ip})
                await self.push("554 5.5.1 Error: commands sent before the greeting; goodbye")
                self.transport.close()
                return
            if self._reader.at_eof():         # hung up (half-closed) before the greeting
                self.transport.close()
                return
            self._edge.pregreet_passed(ip)
        await super()._handle_client()

    # ---- replies: an enhanced status code on every one (RFC 3463) -------------------
    async def push(self, status: str | bytes) -> None:
        if isinstance(status, str):
            if not self._verbatim:
                status = with_enhanced_code(status)
            elif status.startswith("220 "):     # the greeting: what follows is coded
                self._verbatim = False
        await super().push(status)

    @syntax("EHLO hostname")
    async def smtp_EHLO(self, hostname: str) -> None:  # noqa: N802
        self._verbatim = bool(hostname)        # its 250 lines are the extension list
        try:
            await super().smtp_EHLO(hostname)
        finally:
            self._verbatim = False

    @syntax("HELO hostname")
    async def smtp_HELO(self, hostname: str) -> None:  # noqa: N802
        self._verbatim = bool(hostname)
        try:
            await super().smtp_HELO(hostname)
        finally:
            self._verbatim = False

    def _timeout_cb(self) -> None:
        """Idle too long between commands: ``421 4.4.2`` before hanging up (RFC 5321 4.5.3.2:
        the client learns it was a timeout, not a crash, and retries)."""
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(f"421 4.4.2 {self.hostname} Error: timeout exceeded\r\n".encode())  # type: ignore[attr-defined]
        super()._timeout_cb()

    def _peer_ip(self) -> str:
        peer = self.session.peer if self.session else None
        return peer[0] if isinstance(peer, tuple) else str(peer or "")

    async def _refuse_over_message_rate(self) -> bool:
        """At MAIL (after HELO): ``421 4.7.0`` and hang up when the address is over its message rate."""
        if self.session is None or not self.session.host_name:
            return False
        ip = self._peer_ip()
        refusal = self._edge.start_message(ip, trusted=self._client_trusted)
        if refusal is None:
            return False
        self._policy.refused(refusal.reason)
        if self._edge.worth_logging(refusal.reason, ip):
            log.warning("message rate exceeded", extra={"peer": ip})
        await self.push(refusal.reply)
        assert self.transport is not None
        self.transport.close()
        return True

    # ---- DATA: only <CR><LF>.<CR><LF> ends it, within its deadlines ----------------
    async def smtp_DATA(self, arg: str) -> None:  # noqa: N802
        if await self.check_helo_needed() or await self.check_auth_needed("DATA"):
            return
        assert self.envelope is not None
        if not self.envelope.rcpt_tos:
            await self.push("503 5.5.1 Error: need RCPT command")
            return
        if arg:
            await self.push("501 5.5.4 Syntax: DATA")
            return
        await self.push("354 End data with <CR><LF>.<CR><LF>")
        s = self._edge.settings
        spool = Spool(s.spool_dir, self._edge.memory, memory_limit=s.spool_threshold)
        try:
            data = await self._read_data(spool)
            if data is None or not data.complete:
                return  # cut, or the connection went away; the client still owns the message
            reply = self._refusal_after_data(data, spool) or await self._take_message(spool, dot_stuffed=True)
        finally:
            spool.close()
        self._set_post_data_state()
        await self.push(reply)

    async def _take_message(self, spool: Spool, *, dot_stuffed: bool) -> str:
        """The spooled message (DATA's, or BDAT's chunks) screened and committed by the handler:
        the reply to give. One path for both, so both have the same limits and durability."""
        s = self._edge.settings
        assert self.envelope is not None
        # The whole message in memory for screening and the durable commit: its share of
        # the process's budget first (451 4.3.1 rather than growing without bound).
        if not await self._edge.memory.reserve(need := int(spool.size * s.memory_factor), s.memory_wait):
            self._policy.refused("memory")
            log.warning("memory budget exhausted", extra={"peer": self._peer_ip(), "size": spool.size})
            return "451 4.3.1 Insufficient system resources, try again later"
        try:
            try:
                raw = await asyncio.to_thread(spool.read) if spool.spilled else spool.read()
            except (OSError, InvalidTag) as exc:       # the spool file failed us: not the client's fault
                log.error("could not read a spooled message back (%s)", type(exc).__name__)
                self._policy.refused("spool")
                return "451 4.3.0 Temporary local problem (spool), try again later"
            spool.close()
            body, bare = decode_content(raw, self._bare_newline, dot_stuffed=dot_stuffed)
            del raw
            if bare and self._bare_newline is BareNewline.REJECT:
                self._policy.refused("bare_newline")
                log.warning("bare <LF> received", extra={"peer": self._peer_ip()})
                return BARE_LF_REPLY
            self.envelope.content = body
            self.envelope.original_content = body
            del body
            status = await self._call_handler_hook("DATA")
        finally:
            self._edge.memory.release(need)
        return "250 OK" if status is MISSING else status

    def _refusal_after_data(self, data: DataResult, spool: Spool) -> str | None:
        if data.too_big:
            self._policy.refused("message_size")
            return "552 5.3.4 Message size exceeds fixed maximum message size"
        if spool.failed is not None:
            self._policy.refused("spool")
            log.error("could not spool a message (%s)", type(spool.failed).__name__)
            return "451 4.3.0 Temporary local problem (spool), try again later"
        return None

    async def _read_data(self, spool: Spool) -> DataResult | None:
        """The DATA section up to ``<CR><LF>.<CR><LF>`` (see :mod:`gateway.smtp_data`), within
        its deadlines (:class:`gateway.edge_limits.DataPace`); None when it was cut (the
        client has its ``421`` and the connection is closing)."""
        s = self._edge.settings
        pace = DataPace(start=self.loop.time(), idle=self._timeout_duration, total=s.data_timeout,
                        min_rate=s.data_min_rate, grace=s.data_rate_grace)
        # aiosmtpd's idle timer is only the backstop now: the pace cuts first, with a reply.
        self._reset_timeout((s.data_timeout or self._timeout_duration) + self._timeout_duration)
        try:
            return await read_data(self._reader, spool, size_limit=self.data_size_limit or 0, pace=pace)
        except TimeoutError:
            self._policy.refused(pace.reason)
            log.warning("DATA cut", extra={"peer": self._peer_ip(), "reason": pace.reason,
                                           "received": pace.received})
            await self.push(pace.reply())
            self.transport.close()
            return None
        except asyncio.CancelledError:
            self._writer.close()
            raise
        finally:
            if self.transport is not None:     # not after connection_lost: nothing to time out
                self._reset_timeout()
