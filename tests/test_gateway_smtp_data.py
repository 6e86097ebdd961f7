"""gateway.smtp_data on its own: the DATA reader fed through a real asyncio StreamReader,
in every chunking, so a terminator split across reads is found and nothing else ends DATA."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.smtp_data import BareNewline, DataResult, decode_content, read_data


def _read(chunks: list[bytes], *, limit: int = 0, mode: BareNewline = BareNewline.NORMALIZE,
          chunk_size: int = 1 << 16) -> tuple[DataResult, bytes]:
    """Feed ``chunks`` (then EOF) and read one DATA section; also returns what is left for
    the command reader."""

    async def run() -> tuple[DataResult, bytes]:
        reader = asyncio.StreamReader()
        for chunk in chunks:
            reader.feed_data(chunk)
        reader.feed_eof()
        result = await read_data(reader, size_limit=limit, bare_newline=mode, chunk_size=chunk_size)
        return result, await reader.read()

    return asyncio.run(run())


def test_empty_message_and_pipelined_command() -> None:
    assert _read([b".\r\nQUIT\r\n"]) == (DataResult(b""), b"QUIT\r\n")


@pytest.mark.parametrize("size", [1, 2, 3, 5, 7])
def test_terminator_split_across_reads_is_found(size: int) -> None:
    data = b"a\r\n..b\r\nc\r\n.\r\nRSET\r\n"
    chunks = [data[i:i + size] for i in range(0, len(data), size)]
    result, rest = _read(chunks, chunk_size=size)
    assert result == DataResult(b"a\r\n.b\r\nc\r\n")
    assert rest == b"RSET\r\n"


@pytest.mark.parametrize("fake", [b"\n.\r\n", b"\n.\n", b"\r\n.\n", b"\r.\r", b"\r.\r\n"])
def test_only_crlf_dot_crlf_ends_data(fake: bytes) -> None:
    result, rest = _read([b"hi\r\n" + fake + b"MAIL FROM:<x@y>\r\n.\r\nNOOP\r\n"])
    assert result.body is not None and b"MAIL FROM:<x@y>\r\n" in result.body
    assert rest == b"NOOP\r\n"


def test_no_end_means_the_connection_went_away() -> None:
    assert _read([b"hi\n.\n"]) == (DataResult(None), b"")


def test_over_the_limit_the_end_and_the_next_command_still_found() -> None:
    """The message over the limit and the next command in one read: the terminator in the
    middle of that read is not dropped with the content (the session goes on)."""
    result, rest = _read([b"x" * 5000 + b"\r\n.\r\nRSET\r\n"], limit=1000)
    assert result == DataResult(b"", too_big=True)
    assert rest == b"RSET\r\n"
    result, rest = _read([b"x" * 997 + b"\r\n", b"y" * 100 + b"\r", b"\n.", b"\r\nQUIT\r\n"], limit=1000,
                         chunk_size=1000)
    assert (result.too_big, rest) == (True, b"QUIT\r\n")


def test_reject_mode_reports_a_bare_lf() -> None:
    result, _ = _read([b"a\nb\r\n.\r\n"], mode=BareNewline.REJECT)
    assert (result.bare_lf, result.body) == (True, b"")
    result, _ = _read([b"a\r\nb\r\n.\r\n"], mode=BareNewline.REJECT)
    assert result == DataResult(b"a\r\nb\r\n")


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
