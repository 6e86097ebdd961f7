"""The memory of the delivery worker's sends: each takes its share before it reads a message.

What the worker holds in memory has a budget of its own (``delivery.memory_budget``), apart
from the SMTP edge's, so that a next hop that stalls holds up delivery, never the acceptance
of new mail. A quarter of it (at most ``max_in_hand_bytes``) caps the bytes in hand (see
:class:`gateway.delivery.DeliveryWorker`); the rest (:class:`gateway.spool.QueuedMemoryBudget`)
is shared by the sends in progress, each of which holds the message, our copy (added headers,
a DKIM signature) and the client's dot-stuffed copy while it waits for the reply:
``MEMORY_FACTOR`` times the message. A send takes its share before it reads the message (the
archive tells its size first); bytes handed over whose share is not free at once are let go
and read back in turn. Nothing waits for its share holding part of the budget (two sends
each holding a part and waiting for the other's would wait for ever), and nobody jumps the
queue of sends already waiting. Before, a slow next hop let eight sends of 12 MB messages
pile up outside every budget (351 MiB above the idle process).

A share is a one-element list (``held``): what the send holds, updated here, given back by
:meth:`SendShares.release` whatever happens to the send.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from gateway.live_copies import ORIGIN as LINK_ORIGIN
from gateway.queue import QueueEntry
from gateway.spool import QueuedMemoryBudget

log = logging.getLogger("mailwarden.delivery")

# A send holds the message, our copy of it (added headers, a DKIM signature) and aiosmtplib's
# dot-stuffed copy while it waits for the reply to DATA.
MEMORY_FACTOR = 3.0


class Stopping(Exception):
    """The worker stopped while a send waited for its share (its rows go back to the queue)."""


class SendShares:
    """The sends' shares of ``memory`` (None: not counted)."""

    def __init__(self, memory: QueuedMemoryBudget | None, blob_size: Callable[[str], int | None] | None):
        self.memory = memory
        self.blob_size = blob_size          # an archived message's size, before it is read
        self.stop: asyncio.Event | None = None    # the worker's, once it runs

    async def take(self, first: QueueEntry, handed: list[bytes], held: list[int]) -> bytes | None:
        """The send's share, taken before the message is read; the bytes to send (None: to be
        read). Bytes handed over (``handed``, emptied here) whose share is not free now are
        let go: the send waits in line with nothing held and reads them back. Raises
        :class:`Stopping` when the worker stops while the send waits."""
        if handed and self.try_take(held, len(handed[0])):
            return handed.pop()
        handed.clear()              # no reference left: freed while the send waits
        if self.memory is None or first.origin == LINK_ORIGIN or self.blob_size is None:
            return None             # not counted, a small sign-in mail, or no size: its share once read
        try:
            size = await asyncio.to_thread(self.blob_size, first.digest)
        except Exception as exc:  # noqa: BLE001 - the read that follows meets the same trouble
            log.error("cannot look up the size of archived message %s: %s", first.archive_id, exc)
            return None
        if size:
            await self.wait(held, size)
        return None

    def try_take(self, held: list[int], size: int) -> bool:
        """Take (or grow to) the share for ``size`` bytes if it is free now and nobody waits."""
        if self.memory is None:
            return True
        need = int(size * MEMORY_FACTOR)
        if held[0] >= need:
            return True
        if not self.memory.try_reserve(need - held[0]):
            return False
        held[0] = need
        return True

    async def wait(self, held: list[int], size: int) -> None:
        """Wait for the share for ``size`` bytes with nothing held (what was held is given
        back first); :class:`Stopping` when the worker stops meanwhile. A share larger than
        the budget is granted when nothing else is held."""
        memory = self.memory
        if memory is None or self.try_take(held, size):
            return
        self.release(held)
        need = int(size * MEMORY_FACTOR)
        stop = self.stop
        if stop is None:
            await memory.reserve(need)
            held[0] = need
            return
        if stop.is_set():
            raise Stopping
        reserve = asyncio.ensure_future(memory.reserve(need))
        stopped = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({reserve, stopped}, return_when=asyncio.FIRST_COMPLETED)
        except BaseException:
            stopped.cancel()
            reserve.cancel()            # nothing if it was granted meanwhile: then give it back
            if reserve.done() and not reserve.cancelled() and reserve.exception() is None:
                memory.release(need)
            raise
        stopped.cancel()
        if not reserve.done():
            reserve.cancel()            # waiting, so nothing reserved
            raise Stopping
        held[0] = need

    def release(self, held: list[int]) -> None:
        """Give the share back (nothing held afterwards)."""
        if self.memory is not None and held[0]:
            self.memory.release(held[0])
        held[0] = 0
