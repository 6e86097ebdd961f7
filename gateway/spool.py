"""Where a message waits while it arrives: memory for the first MiB, then an encrypted,
nameless temp file; and the process-wide memory budget that decides how much is held.

Before, every session held its message whole in memory while it arrived (20 concurrent
45 MB uploads: +1.4 GB, never given back). Now a session keeps at most ``memory_limit``
bytes (1 MiB by default, and only while the budget allows) and writes the rest to a file
in ``data_dir/spool`` opened with ``O_TMPFILE``: it has no name, so nothing is left behind
by a crash, and it is encrypted with AES-256-GCM under a key that exists only in this
process's memory (a fresh one per message), so no plaintext message content reaches the
disk (invariant 2). Records are ``length | ciphertext+tag`` with a counter nonce; the file
is read back, and checked, only when the pipeline takes the message.

:class:`MemoryBudget` counts the bytes the process holds for messages: spool buffers as
they grow, and a whole message (times the pipeline's working factor) while it is screened
and committed. A message that cannot get its share within a few seconds is answered
``451 4.3.1`` (the client tries again later) instead of the process growing without bound.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import struct
import tempfile
from collections import deque
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_LEN = struct.Struct(">I")
_TAG = 16


class MemoryBudget:
    """Bytes this process may hold for messages in flight (one event loop, no locking)."""

    def __init__(self, limit: int):
        self.limit = limit
        self.used = 0
        self.peak = 0
        self._freed: asyncio.Event | None = None

    def try_reserve(self, size: int) -> bool:
        if self.limit and self.used + size > self.limit:
            return False
        self.used += size
        self.peak = max(self.peak, self.used)
        return True

    def release(self, size: int) -> None:
        self.used = max(0, self.used - size)
        if self._freed is not None:
            self._freed.set()

    async def reserve(self, size: int, timeout: float) -> bool:
        """Reserve ``size`` bytes, waiting up to ``timeout`` s for others to release. A
        reservation larger than the whole budget is granted when nothing else is held (so a
        message at the size limit can always pass, alone)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if self.try_reserve(size):
                return True
            if self.used == 0:
                self.used = size
                self.peak = max(self.peak, size)
                return True
            left = deadline - loop.time()
            if left <= 0:
                return False
            if self._freed is None:
                self._freed = asyncio.Event()
            self._freed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._freed.wait(), left)


class QueuedMemoryBudget:
    """A memory budget whose waiters are served in turn (the delivery worker's).

    The edge's :class:`MemoryBudget` lets whoever fits go first: a message that waits there
    gives up after ``memory_wait`` and its client sends it again. A send waits as long as it
    takes, so there a large one could wait for ever behind a stream of smaller ones that each
    fit the room it waits for. Here nobody is granted anything while others wait before it;
    the first in line gets its share once it fits, or, larger than the whole budget, once
    nothing else is held. One event loop, no locking."""

    def __init__(self, limit: int):
        self.limit = limit
        self.used = 0
        self.peak = 0
        self._line: deque[tuple[int, asyncio.Future[None]]] = deque()

    @property
    def waiting(self) -> int:
        return len(self._line)

    def try_reserve(self, size: int) -> bool:
        """``size`` bytes now, if they fit and nobody waits (False: take your turn)."""
        if self._line or (self.limit and self.used + size > self.limit and self.used):
            return False
        self._take(size)
        return True

    def release(self, size: int) -> None:
        self.used = max(0, self.used - size)
        self._serve()

    async def reserve(self, size: int) -> None:
        """``size`` bytes, waiting in line as long as it takes. Cancelled while waiting, it
        holds nothing (a share granted at the same moment is given back)."""
        if self.try_reserve(size):
            return
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (size, turn)
        self._line.append(entry)
        try:
            await asyncio.shield(turn)
        except BaseException:
            if turn.done() and not turn.cancelled():
                self.release(size)              # granted as it was cancelled: give it back
            else:
                turn.cancel()
                self._line.remove(entry)
                self._serve()                   # those behind it may fit now
            raise

    def _take(self, size: int) -> None:
        self.used += size
        self.peak = max(self.peak, self.used)

    def _serve(self) -> None:
        while self._line:
            size, turn = self._line[0]
            if self.limit and self.used + size > self.limit and self.used:
                return
            self._line.popleft()
            self._take(size)
            turn.set_result(None)


class Spool:
    """One message's bytes while they arrive: in memory up to ``memory_limit`` (as far as the
    budget allows), then appended to an encrypted anonymous file."""

    def __init__(self, directory: Path | str | None, budget: MemoryBudget | None = None, *,
                 memory_limit: int = 1 << 20, record_size: int = 1 << 18):
        self._dir = Path(directory) if directory else Path(tempfile.gettempdir())
        self._budget = budget
        self._memory_limit = memory_limit
        self._record_size = record_size
        self._mem = bytearray()
        self._reserved = 0
        self._fd: int | None = None
        self._aead: AESGCM | None = None
        self._records = 0
        self.size = 0
        self.failed: OSError | None = None   # the spool file could not be written: content dropped

    @property
    def spilled(self) -> bool:
        return self._fd is not None

    def write(self, data: bytes | bytearray | memoryview) -> None:
        """Append ``data``. A failing spool file (disk full) does not raise here, in the
        middle of DATA: the content is dropped, :attr:`failed` says why, and the session
        answers 451 once the client has finished sending."""
        if not data or self.failed is not None:
            return
        try:
            self._write(data)
        except OSError as exc:
            # Without its traceback: its frames would keep the caller's view of the read buffer
            # alive, and the buffer could not be resized.
            self.failed = exc.with_traceback(None)
            self._mem = bytearray()

    def _write(self, data: bytes | bytearray | memoryview) -> None:
        self.size += len(data)
        if self._fd is None and len(self._mem) + len(data) <= self._memory_limit and self._take(len(data)):
            self._mem += data
            return
        if self._fd is None:
            self._open()
            if self._budget is not None and self._reserved:
                self._budget.release(self._reserved)    # from now on at most a record in memory
                self._reserved = 0
        self._mem += data
        while len(self._mem) >= self._record_size:
            self._flush(self._record_size)

    def read(self) -> bytes:
        """All the bytes written, decrypted (and authenticated) again."""
        if self._fd is None:
            return bytes(self._mem)
        assert self._aead is not None
        parts = []
        offset = 0
        for index in range(self._records):
            (length,) = _LEN.unpack(os.pread(self._fd, _LEN.size, offset))
            blob = os.pread(self._fd, length, offset + _LEN.size)
            if len(blob) != length:
                raise OSError("spool file is short")
            parts.append(self._aead.decrypt(_nonce(index), blob, None))
            offset += _LEN.size + length
        parts.append(bytes(self._mem))
        return b"".join(parts)

    def close(self) -> None:
        """Forget the bytes: the file (nameless) goes with its descriptor, the memory to the budget."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        self._mem = bytearray()
        if self._budget is not None and self._reserved:
            self._budget.release(self._reserved)
        self._reserved = 0

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- internals ----------------------------------------------------------------
    def _take(self, size: int) -> bool:
        if self._budget is None:
            return True
        if not self._budget.try_reserve(size):
            return False
        self._reserved += size
        return True

    def _open(self) -> None:
        self._dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._fd = _anonymous_file(self._dir)
        self._aead = AESGCM(AESGCM.generate_key(bit_length=256))

    def _flush(self, size: int) -> None:
        assert self._fd is not None and self._aead is not None
        plain = bytes(self._mem[:size])
        del self._mem[:size]
        sealed = self._aead.encrypt(_nonce(self._records), plain, None)
        record = memoryview(_LEN.pack(len(sealed)) + sealed)
        while record:
            record = record[os.write(self._fd, record):]     # a short write (disk nearly full) goes on
        self._records += 1


def _nonce(index: int) -> bytes:
    return index.to_bytes(12, "big")


def _anonymous_file(directory: Path) -> int:
    """A file with no name in ``directory`` (``O_TMPFILE``), or, where the file system has no
    O_TMPFILE, one whose name is removed at once."""
    flag = getattr(os, "O_TMPFILE", 0)
    if flag:
        try:
            return os.open(directory, flag | os.O_RDWR, 0o600)
        except OSError:
            pass
    fd, name = tempfile.mkstemp(dir=directory)
    os.unlink(name)
    return fd
