"""Reading the DATA section of an SMTP transaction: where it ends and what it contains.

Only ``<CR><LF>.<CR><LF>`` ends DATA (RFC 5321 4.1.1.4, 4.5.2). Every other spelling of the
end-of-data line (``<LF>.<LF>``, ``<LF>.<CR><LF>``, ``<CR><LF>.<LF>``, ``<CR>.<CR>``) is
plain message content. Taking any of them as the end is SMTP smuggling (CVE-2023-51764,
CVE-2024-27305): a message that one server reads as one and we would read as two lets the
second, forged, one inherit the first's session (its trusted network, its login).

A bare ``<LF>`` (not preceded by ``<CR>``) inside the content is handled as Postfix's
``smtpd_forbid_bare_newline`` does:

* ``normalize`` (the default, as in Postfix 3.9): the bare ``<LF>`` is taken as a line ending
  and stored as ``<CR><LF>``, but it can never end DATA. Sloppy scripts that write ``\\n``
  keep working as long as they end with the standard sequence.
* ``reject``: the message is read to its real end and refused with ``550 5.5.2`` (the client
  learns why; the session goes on).

Lines longer than 998 octets and 8-bit bytes are content like any other and are kept.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from enum import StrEnum

from gateway.edge_limits import DataPace
from gateway.spool import Spool

END_OF_DATA = b"\r\n.\r\n"
_EMPTY_DATA = b".\r\n"          # the end-of-data line straight after DATA's own CRLF
_KEEP = len(END_OF_DATA) - 1   # bytes kept across chunks so a split terminator is still found
_BARE_LF = re.compile(rb"(?<!\r)\n")
_DOT_STUFFED = re.compile(rb"^\.", re.MULTILINE)

BARE_LF_REPLY = "550 5.5.2 Error: bare <LF> received; lines must end with <CR><LF>"


class BareNewline(StrEnum):
    """What to do with a bare ``<LF>`` in DATA (``smtp.bare_newline``)."""

    NORMALIZE = "normalize"
    REJECT = "reject"


@dataclass(frozen=True)
class DataResult:
    """How one DATA section ended. ``complete`` False: the connection went away first (the
    client still owns the message). ``too_big``: over the size limit (the content was
    dropped as it arrived). Otherwise the content, still dot-stuffed as it came over the
    wire, is in the spool handed to :func:`read_data`: :func:`decode_content` makes it the
    message."""

    complete: bool
    too_big: bool = False


def find_end(buf: bytes | bytearray, start: int = 0) -> int | None:
    """Index of the ``<CR><LF>`` that ends the last content line, or None.

    The content (with its last line's ``<CR><LF>``) is ``buf[:i + 2]``; the next command starts
    at ``i + 5``. Searches from ``start`` (callers pass the previous buffer length minus four,
    so a terminator split across reads is found once its last byte arrives)."""
    i = buf.find(END_OF_DATA, start)
    return None if i < 0 else i


def decode_content(raw: bytes, bare_newline: BareNewline, *, dot_stuffed: bool = True) -> tuple[bytes, bool]:
    """The message from the DATA content: bare ``<LF>`` made ``<CR><LF>`` (under
    ``normalize``) and dot-stuffing undone. Returns (message, had a bare LF).

    Line starts are the start of the content and the byte after every ``<LF>`` (after
    normalising, every ``<LF>`` has its ``<CR>``), so a line that began after a bare LF is
    unstuffed as Postfix does; a lone ``.`` there (never an end of data) becomes an empty line."""
    bare = raw.count(b"\n") != raw.count(b"\r\n")
    if bare:
        if bare_newline is BareNewline.REJECT:
            return b"", True
        raw = _BARE_LF.sub(b"\r\n", raw)
    if dot_stuffed and (raw.startswith(b".") or b"\n." in raw):   # BDAT chunks are not stuffed
        raw = _DOT_STUFFED.sub(b"", raw)
    return raw, bare


async def read_data(
    reader: asyncio.StreamReader,
    spool: Spool,
    *,
    size_limit: int,
    pace: DataPace | None = None,
    chunk_size: int = 1 << 16,
) -> DataResult:
    """Read one DATA section from ``reader`` up to its ``<CR><LF>.<CR><LF>`` into ``spool``.

    Reads in large chunks, not line by line (line reading costs a Python round trip per
    line), keeps back only the last four bytes (a terminator split across reads is found
    when its last byte arrives) and hands any pipelined bytes after the terminator back to
    the stream so the next command is read normally. Over ``size_limit`` (0: none) the
    content is dropped as it arrives. With ``pace``, the section must keep to its
    deadlines: past :attr:`DataPace.deadline` this raises ``TimeoutError`` (``pace.reply()``
    says which limit it was)."""
    loop = asyncio.get_running_loop()
    async with asyncio.timeout_at(pace.deadline if pace is not None else None) as timer:
        pending = bytearray()      # read, not yet in the spool: the bytes a terminator may start in
        total = 0
        too_big = False
        scan_from = 0
        while True:
            if not too_big and total <= len(pending) and pending.startswith(_EMPTY_DATA):
                end: int | None = -2          # content is empty; the terminator is pending[0:3]
            else:
                end = find_end(pending, scan_from)
            if end is not None:
                leftover = bytes(pending[end + 5:])
                if leftover:
                    reader._buffer[0:0] = leftover  # type: ignore[attr-defined]
                if too_big or (size_limit and spool.size + end + 2 > size_limit):
                    return DataResult(True, too_big=True)
                spool.write(memoryview(pending)[: end + 2])
                return DataResult(True)
            if len(pending) > _KEEP:
                if not too_big:
                    spool.write(memoryview(pending)[: len(pending) - _KEEP])
                del pending[: len(pending) - _KEEP]
            if size_limit and total > size_limit + len(END_OF_DATA):
                too_big = True          # from now on the content is only scanned for its end
            chunk = await reader.read(chunk_size)
            if not chunk:
                return DataResult(False)
            if pace is not None:
                pace.advance(len(chunk), loop.time())
                timer.reschedule(pace.deadline)
            total += len(chunk)
            scan_from = 0
            pending += chunk


async def read_chunk(
    reader: asyncio.StreamReader,
    spool: Spool | None,
    size: int,
    *,
    pace: DataPace | None = None,
    piece: int = 1 << 16,
) -> bool:
    """Read exactly ``size`` octets of a BDAT chunk (RFC 3030) from ``reader`` into ``spool``
    (None: read and dropped, as a refused chunk must be). The octets are content whatever they
    hold: no end of data is looked for (a ``<CR><LF>.<CR><LF>`` inside is message text, never
    an end), so nothing after the chunk can be read as a second message. False when the
    connection went away first. With ``pace``, past its deadline this raises ``TimeoutError``."""
    loop = asyncio.get_running_loop()
    if pace is not None:
        pace.advance(0, loop.time())       # the time between chunks was the client's command
    async with asyncio.timeout_at(pace.deadline if pace is not None else None) as timer:
        remaining = size
        while remaining:
            chunk = await reader.read(min(remaining, piece))
            if not chunk:
                return False
            remaining -= len(chunk)
            if spool is not None:
                spool.write(chunk)
            if pace is not None:
                pace.advance(len(chunk), loop.time())
                timer.reschedule(pace.deadline)
    return True
