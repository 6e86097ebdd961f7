"""gateway.smtp_data on its own: the DATA reader fed through a real asyncio StreamReader,
in every chunking, so a terminator split across reads is found and nothing else ends DATA."""

from __future__ import annotations

import asyncio
import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.smtp_data import BareNewline, decode_content, read_data
from gateway.spool import MemoryBudget, QueuedMemoryBudget, Spool


@dataclass
class Read:
    """One DATA section as the session sees it: the message (None: not complete), over the
    size limit, had a bare LF."""

    body: bytes | None
    too_big: bool = False
    bare_lf: bool = False


def _read(chunks: list[bytes], *, limit: int = 0, mode: BareNewline = BareNewline.NORMALIZE,
          chunk_size: int = 1 << 16, spool: Spool | None = None) -> tuple[Read, bytes]:
    """Feed ``chunks`` (then EOF) and read one DATA section; also returns what is left for
    the command reader."""

    async def run() -> tuple[Read, bytes]:
        reader = asyncio.StreamReader()
        for chunk in chunks:
            reader.feed_data(chunk)
        reader.feed_eof()
        with spool or Spool(None) as into:
            result = await read_data(reader, into, size_limit=limit, chunk_size=chunk_size)
            if not result.complete or result.too_big:
                return Read(None if not result.complete else b"", result.too_big), await reader.read()
            body, bare = decode_content(into.read(), mode)
        return Read(body, bare_lf=bare), await reader.read()

    return asyncio.run(run())


def test_empty_message_and_pipelined_command() -> None:
    assert _read([b".\r\nQUIT\r\n"]) == (Read(b""), b"QUIT\r\n")


@pytest.mark.parametrize("size", [1, 2, 3, 5, 7])
def test_terminator_split_across_reads_is_found(size: int) -> None:
    data = b"a\r\n..b\r\nc\r\n.\r\nRSET\r\n"
    chunks = [data[i:i + size] for i in range(0, len(data), size)]
    result, rest = _read(chunks, chunk_size=size)
    assert result == Read(b"a\r\n.b\r\nc\r\n")
    assert rest == b"RSET\r\n"


@pytest.mark.parametrize("fake", [b"\n.\r\n", b"\n.\n", b"\r\n.\n", b"\r.\r", b"\r.\r\n"])
def test_only_crlf_dot_crlf_ends_data(fake: bytes) -> None:
    result, rest = _read([b"hi\r\n" + fake + b"MAIL FROM:<x@y>\r\n.\r\nNOOP\r\n"])
    assert result.body is not None and b"MAIL FROM:<x@y>\r\n" in result.body
    assert rest == b"NOOP\r\n"


def test_no_end_means_the_connection_went_away() -> None:
    assert _read([b"hi\n.\n"]) == (Read(None), b"")


def test_over_the_limit_the_end_and_the_next_command_still_found() -> None:
    """The message over the limit and the next command in one read: the terminator in the
    middle of that read is not dropped with the content (the session goes on)."""
    result, rest = _read([b"x" * 5000 + b"\r\n.\r\nRSET\r\n"], limit=1000)
    assert result == Read(b"", too_big=True)
    assert rest == b"RSET\r\n"
    result, rest = _read([b"x" * 997 + b"\r\n", b"y" * 100 + b"\r", b"\n.", b"\r\nQUIT\r\n"], limit=1000,
                         chunk_size=1000)
    assert (result.too_big, rest) == (True, b"QUIT\r\n")


def test_reject_mode_reports_a_bare_lf() -> None:
    result, _ = _read([b"a\nb\r\n.\r\n"], mode=BareNewline.REJECT)
    assert (result.bare_lf, result.body) == (True, b"")
    result, _ = _read([b"a\r\nb\r\n.\r\n"], mode=BareNewline.REJECT)
    assert result == Read(b"a\r\nb\r\n")


@settings(max_examples=300, deadline=None)
@given(body=st.lists(st.sampled_from([b"\r", b"\n", b".", b"\r\n", b"x", b"\xff"]), max_size=40).map(b"".join),
       size=st.integers(1, 9))
def test_any_chunking_reads_up_to_the_first_real_end(body: bytes, size: int) -> None:
    data = body + b"\r\n.\r\nNEXT"
    stream = b"\r\n" + data            # the CRLF that ended the DATA command
    first = stream.find(b"\r\n.\r\n")
    content = stream[2:first + 2] if first >= 2 else b""
    chunks = [data[i:i + size] for i in range(0, len(data), size)]
    result, rest = _read(chunks, chunk_size=size)
    assert result.body == decode_content(content, BareNewline.NORMALIZE)[0]
    assert rest == stream[first + 5:]
    assert b"\n" not in result.body.replace(b"\r\n", b"")     # no bare LF is stored


# ---- the spool: memory first, then an encrypted nameless file --------------------------------
def test_a_large_message_spills_encrypted_and_reads_back(tmp_path: Path) -> None:
    secret = b"TOP-SECRET-PAYLOAD-" * 10_000 + b"\r\n"              # ~190 KB
    spool = Spool(tmp_path, memory_limit=4096, record_size=8192)
    result, rest = _read([secret[i:i + 1000] for i in range(0, len(secret), 1000)] + [b".\r\nQUIT\r\n"],
                         spool=spool)
    assert (result.body, rest) == (secret, b"QUIT\r\n")


def test_spool_file_has_no_name_and_no_plaintext(tmp_path: Path) -> None:
    with Spool(tmp_path, memory_limit=100, record_size=1000) as spool:
        for _ in range(50):
            spool.write(b"CONFIDENTIAL merger terms\r\n" * 10)
        assert spool.spilled
        assert list(tmp_path.iterdir()) == []                      # O_TMPFILE: nothing to find or leave
        on_disk = Path(f"/proc/self/fd/{spool._fd}").read_bytes()
        assert len(on_disk) > 10_000
        assert b"CONFIDENTIAL" not in on_disk and b"merger" not in on_disk
        assert spool.read() == b"CONFIDENTIAL merger terms\r\n" * 500


def test_a_tampered_spool_file_is_not_read_back(tmp_path: Path) -> None:
    from cryptography.exceptions import InvalidTag

    with Spool(tmp_path, memory_limit=10, record_size=100) as spool:
        spool.write(b"x" * 1000)
        os.pwrite(spool._fd, b"\xff", 20)
        with pytest.raises(InvalidTag):
            spool.read()


def test_a_spool_that_cannot_write_drops_the_content_and_says_so(tmp_path: Path) -> None:
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("")
    with Spool(not_a_dir, memory_limit=10) as spool:
        spool.write(b"x" * 100)
        assert isinstance(spool.failed, OSError)
        spool.write(b"more")                                       # no exception mid-DATA


def test_the_budget_holds_spool_memory_and_spills_when_short(tmp_path: Path) -> None:
    budget = MemoryBudget(1000)
    with Spool(tmp_path, budget, memory_limit=800) as first:
        first.write(b"a" * 700)
        assert (first.spilled, budget.used) == (False, 700)
        with Spool(tmp_path, budget, memory_limit=800) as second:
            second.write(b"b" * 700)                               # no room: straight to disk
            assert second.spilled
            assert budget.used == 700
        first.write(b"a" * 200)                                    # over its own limit: spills, gives back
        assert first.spilled and budget.used == 0
    assert budget.used == 0


def test_budget_reservations_wait_then_give_up() -> None:
    async def run() -> None:
        budget = MemoryBudget(100)
        assert await budget.reserve(80, 0.1)
        assert not await budget.reserve(30, 0.1)                   # 451 4.3.1 territory
        waiter = asyncio.create_task(budget.reserve(30, 5))
        await asyncio.sleep(0.05)
        budget.release(80)
        assert await waiter
        budget.release(30)
        assert await budget.reserve(500, 0.1)                      # bigger than all: alone, it passes
        assert budget.used == 500 and budget.peak == 500

    asyncio.run(run())


# ---- the delivery worker's budget: waiters served in turn -----------------------------------
async def _turns() -> None:
    """Let every task that can run, run (a grant reaches its waiter in a few loop steps)."""
    for _ in range(5):
        await asyncio.sleep(0)


def test_a_large_waiter_is_served_before_a_stream_of_smaller_ones_that_fit() -> None:
    """Found in review (with the edge's first-come rule): three sends of 90 in a budget of 300
    and one of 150 waiting; each time one finished (120 free) the next 90 fitted and went
    first, 200 times out of 200. In turn, the 150 goes as soon as it fits."""
    async def run() -> None:
        budget = QueuedMemoryBudget(300)
        for _ in range(3):
            assert budget.try_reserve(90)
        big = asyncio.create_task(budget.reserve(150))
        await _turns()
        assert budget.waiting == 1
        assert not budget.try_reserve(10)                  # room for it, but somebody waits
        later = asyncio.create_task(budget.reserve(90))
        await _turns()
        budget.release(90)                                 # 180 held, 120 free: 150 does not fit yet
        await _turns()
        assert not big.done() and not later.done()         # the 90 behind it does not overtake
        budget.release(90)                                 # 90 held: the 150 fits, then the 90 does not
        await _turns()
        assert big.done() and not later.done() and budget.used == 240
        budget.release(90)
        await _turns()
        assert later.done() and budget.used == 240 and budget.waiting == 0
        assert budget.peak <= 300

    asyncio.run(run())


def test_a_share_larger_than_the_budget_waits_until_nothing_is_held() -> None:
    async def run() -> None:
        budget = QueuedMemoryBudget(100)
        assert budget.try_reserve(500)                     # nothing held: alone, it passes
        assert not budget.try_reserve(1)
        small = asyncio.create_task(budget.reserve(10))
        huge = asyncio.create_task(budget.reserve(400))
        await _turns()
        budget.release(500)
        await _turns()
        assert small.done() and not huge.done()            # in turn: the small one first
        budget.release(10)
        await _turns()
        assert huge.done() and budget.used == 400

    asyncio.run(run())


def test_a_waiter_cancelled_holds_nothing_even_when_granted_as_it_is_cancelled() -> None:
    async def run() -> None:
        for steps in range(4):
            budget = QueuedMemoryBudget(100)
            assert budget.try_reserve(80)
            waiter = asyncio.create_task(budget.reserve(50))
            behind = asyncio.create_task(budget.reserve(20))
            await _turns()
            assert budget.waiting == 2
            budget.release(80)                             # grants the first waiter (and the next)
            for _ in range(steps):
                await asyncio.sleep(0)
            waiter.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await waiter
            await _turns()
            await behind
            held = 50 if not waiter.cancelled() else 0
            assert (budget.used, budget.waiting) == (held + 20, 0), steps
        budget = QueuedMemoryBudget(100)                   # cancelled in line: the one behind moves up
        assert budget.try_reserve(90)
        first = asyncio.create_task(budget.reserve(50))
        second = asyncio.create_task(budget.reserve(10))
        await _turns()
        first.cancel()
        budget.release(40)          # before the cancelled one runs: its turn must not be granted
        await _turns()
        await asyncio.wait_for(second, 1)
        assert first.cancelled()
        assert (budget.used, budget.waiting) == (60, 0)

    asyncio.run(run())
