"""CHUNKING (RFC 3030): ``BDAT <size> [LAST]`` on top of aiosmtpd, which has no BDAT.

A message sent in chunks goes the same way as one sent with DATA: into a
:class:`gateway.spool.Spool` as it arrives (encrypted past the threshold), under the same size
limit (``552 5.3.4``, the chunk still read so the session stays in step) and the same deadlines
(:class:`gateway.edge_limits.DataPace`, ``421 4.4.2``), then screened and committed by the same
:meth:`EdgeSMTP._take_message` (``250`` only once durable). A chunk is exactly its announced
octets: nothing inside it ends the message, and what follows it is the next command, so there
is nothing to smuggle. Chunks are not dot-stuffed. ``BINARYMIME`` is not offered (``BODY=`` takes
``7BIT``/``8BITMIME`` only), so content is still text with line ends the bare-newline rule applies to.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from aiosmtpd.smtp import syntax

from gateway.edge_limits import DataPace
from gateway.smtp_data import read_chunk
from gateway.smtp_edge import EdgeSMTP
from gateway.spool import Spool

log = logging.getLogger("mailwarden.smtp")

_MAX_DIGITS = 15      # a chunk size beyond any limit still parses; over the limit it is refused


@dataclass
class _Chunks:
    """The message being received in chunks in this transaction."""

    spool: Spool
    pace: DataPace


class ChunkingSMTP(EdgeSMTP):
    """:class:`EdgeSMTP` with BDAT."""

    _chunks: _Chunks | None = None     # a class default: aiosmtpd resets state inside __init__

    def _set_post_data_state(self) -> None:
        """The transaction ends (RSET, EHLO, a reply to the last chunk): drop its chunks."""
        if self._chunks is not None:
            self._chunks.spool.close()
            self._chunks = None
        super()._set_post_data_state()

    def connection_lost(self, error: Exception | None) -> None:
        if self._chunks is not None:
            self._chunks.spool.close()
            self._chunks = None
        super().connection_lost(error)

    async def smtp_DATA(self, arg: str) -> None:  # noqa: N802
        if self._chunks is not None:          # RFC 3030 2: no DATA in a transaction that used BDAT
            await self.push("503 5.5.1 Error: DATA not allowed after BDAT")
            return
        await super().smtp_DATA(arg)

    @syntax("BDAT chunk-size [LAST]")
    async def smtp_BDAT(self, arg: str) -> None:  # noqa: N802
        if await self.check_helo_needed() or await self.check_auth_needed("BDAT"):
            return
        words = (arg or "").split()
        if not (words and len(words) <= 2 and words[0].isdigit() and len(words[0]) <= _MAX_DIGITS
                and (len(words) == 1 or words[1].upper() == "LAST")):
            await self.push("501 5.5.4 Syntax: BDAT chunk-size [LAST]")
            return
        size, last = int(words[0]), len(words) == 2
        assert self.envelope is not None
        if not self.envelope.rcpt_tos:
            # Refused, but the announced octets are on their way: read them past, or they
            # would be taken for commands.
            if await self._read_chunk(None, size, None):
                await self.push("503 5.5.1 Error: need RCPT command")
            return
        chunks = self._chunks
        if chunks is None:
            s = self._edge.settings
            chunks = self._chunks = _Chunks(
                Spool(s.spool_dir, self._edge.memory, memory_limit=s.spool_threshold),
                DataPace(start=self.loop.time(), idle=self._timeout_duration, total=s.data_timeout,
                         min_rate=s.data_min_rate, grace=s.data_rate_grace))
        limit = self.data_size_limit or 0
        too_big = bool(limit) and chunks.spool.size + size > limit
        if not await self._read_chunk(None if too_big else chunks.spool, size, chunks.pace):
            return      # the connection went away (or was cut): the client still owns the message
        if too_big:
            self._set_post_data_state()
            self._policy.refused("message_size")
            await self.push("552 5.3.4 Message size exceeds fixed maximum message size")
            return
        if chunks.spool.failed is not None:
            self._set_post_data_state()
            self._policy.refused("spool")
            log.error("could not spool a message (%s)", type(chunks.spool.failed).__name__)
            await self.push("451 4.3.0 Temporary local problem (spool), try again later")
            return
        if not last:
            await self.push(f"250 2.0.0 {size} octets received")
            return
        self._chunks = None
        try:
            reply = await self._take_message(chunks.spool, dot_stuffed=False)
        finally:
            chunks.spool.close()
        self._set_post_data_state()
        await self.push(reply)

    async def _read_chunk(self, spool: Spool | None, size: int, pace: DataPace | None) -> bool:
        """One chunk's octets within the DATA deadlines; False when the connection is gone
        or the chunk was cut (``421 4.4.2`` said, the connection closing)."""
        s = self._edge.settings
        # aiosmtpd's idle timer is only the backstop while a chunk arrives: the pace cuts first.
        self._reset_timeout((s.data_timeout or self._timeout_duration) + self._timeout_duration)
        try:
            return await read_chunk(self._reader, spool, size, pace=pace)
        except TimeoutError:
            assert pace is not None
            self._policy.refused(pace.reason)
            log.warning("BDAT cut", extra={"peer": self._peer_ip(), "reason": pace.reason,
                                           "received": pace.received})
            await self.push(pace.reply())
            if self.transport is not None:
                self.transport.close()
            return False
        finally:
            if self.transport is not None:
                self._reset_timeout()
