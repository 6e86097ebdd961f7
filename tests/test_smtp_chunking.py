"""CHUNKING/BDAT (RFC 3030) over real SMTP on loopback, SQLite and PostgreSQL: the same
screening, size limit and delivery as DATA, chunks taken byte for byte (no dot-unstuffing, no
end of data inside a chunk: nothing to smuggle), refused chunks read past so the session stays
in step. Old main had no BDAT (``500 5.5.2 command not recognized``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.edge_env import Edge, edge_gateway, message
from tests.smtp_raw import RawSMTP

FORGED = (b"\r\n.\r\nMAIL FROM:<ceo@example.com>\r\nRCPT TO:<victim@other.org>\r\nDATA\r\n"
          b"From: CEO <ceo@example.com>\r\nTo: victim@other.org\r\nSubject: wire the money\r\n\r\nforged\r\n.\r\n")


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def edge(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Edge]:
    yield from edge_gateway(request, tmp_path_factory, {"max_message_size": 8192})


def _transaction(c: RawSMTP, rcpt: str = "bob@example.com") -> None:
    assert c.cmd("EHLO client.test").startswith(b"250")
    assert c.code("MAIL FROM:<alice@example.com>") == 250
    assert c.code(f"RCPT TO:<{rcpt}>") == 250


def _bdat(c: RawSMTP, chunk: bytes, last: bool = False) -> bytes:
    c.send(b"BDAT %d%s\r\n" % (len(chunk), b" LAST" if last else b"") + chunk)
    return c.reply()


def test_chunking_advertised(edge: Edge) -> None:
    with RawSMTP(edge.port) as c:
        assert b"250-CHUNKING\r\n" in c.cmd("EHLO client.test")


def test_message_in_chunks_is_delivered_byte_for_byte(edge: Edge) -> None:
    body = b"line one\r\n..two dots stay two\r\n.\r\nnot an end\r\nlast\r\n"
    whole = message("bdat-chunks", body=body)
    with RawSMTP(edge.port) as c:
        _transaction(c)
        assert _bdat(c, whole[:10]) == b"250 2.0.0 10 octets received\r\n"
        assert _bdat(c, whole[10:50]).startswith(b"250 2.0.0")
        assert _bdat(c, whole[50:], last=True).startswith(b"250 ")
        assert c.code("NOOP") == 250
    [got] = edge.wait_quiet("bdat-chunks", 1)
    assert got.data.endswith(whole[whole.index(b"Subject"):])     # trace headers are prepended


def test_pipelined_chunks_and_an_empty_last(edge: Edge) -> None:
    whole = message("bdat-pipelined")
    with RawSMTP(edge.port) as c:
        assert c.cmd("EHLO client.test").startswith(b"250")
        c.send(b"MAIL FROM:<alice@example.com>\r\nRCPT TO:<bob@example.com>\r\n"
               + b"BDAT %d\r\n" % len(whole) + whole + b"BDAT 0 LAST\r\nQUIT\r\n")
        replies = c.replies_until_closed()
    assert [r[:3] for r in replies] == [b"250", b"250", b"250", b"250", b"221"]
    assert len(edge.wait_quiet("bdat-pipelined", 1)) == 1


def test_no_message_end_inside_a_chunk(edge: Edge) -> None:
    """The SMTP smuggling payload sent inside a chunk is text of one message, never a second one."""
    whole = message("bdat-smuggle", body=b"hello" + FORGED + b"after\r\n")
    with RawSMTP(edge.port) as c:
        _transaction(c)
        assert _bdat(c, whole, last=True).startswith(b"250 ")
        assert c.code("NOOP") == 250
    [got] = edge.wait_quiet("bdat-smuggle", 1)
    assert b"wire the money" in got.data
    assert edge.to("victim@other.org") == []


def test_over_the_size_limit_gets_552_and_the_session_goes_on(edge: Edge) -> None:
    with RawSMTP(edge.port) as c:
        _transaction(c)
        assert _bdat(c, b"x" * 5000).startswith(b"250 ")
        # the chunk that crosses the limit holds what would be commands: they are read past
        assert _bdat(c, b"QUIT\r\n" + b"y" * 5000).startswith(b"552 5.3.4 ")
        assert _bdat(c, b"z" * 10, last=True).startswith(b"503 5.5.1 ")   # the transaction is over
        assert c.code("NOOP") == 250
        _transaction(c)
        assert _bdat(c, message("bdat-after-552"), last=True).startswith(b"250 ")
    assert len(edge.wait_quiet("bdat-after-552", 1)) == 1


def test_bdat_without_rcpt_is_refused_and_read_past(edge: Edge) -> None:
    with RawSMTP(edge.port) as c:
        assert c.cmd("EHLO client.test").startswith(b"250")
        assert _bdat(c, b"QUIT\r\n").startswith(b"503 5.5.1 ")
        assert c.code("NOOP") == 250
        assert c.cmd("BDAT ten").startswith(b"501 5.5.4 ")


def test_data_after_bdat_is_refused(edge: Edge) -> None:
    with RawSMTP(edge.port) as c:
        _transaction(c)
        assert _bdat(c, b"Subject: x\r\n").startswith(b"250 ")
        assert c.cmd("DATA").startswith(b"503 5.5.1 ")
        assert c.code("RSET") == 250


def test_chunked_mail_is_screened_like_data(edge: Edge) -> None:
    """The same confidential message to an outsider, once over DATA and once in chunks: the
    same answer, and neither copy delivered (the rules hold it)."""
    raw = (b"Content-Type: text/plain; charset=utf-8\r\n"
           + message("bdat-screened", body="Strictly confidential: 机密 forecast.\r\n".encode(),
                     to="partner@other.org"))
    with RawSMTP(edge.port) as c:
        _transaction(c, "partner@other.org")
        assert c.code("DATA") == 354
        c.send(raw + b".\r\n")
        over_data = c.reply()
        assert c.code("MAIL FROM:<alice@example.com>") == 250
        assert c.code("RCPT TO:<partner@other.org>") == 250
        assert _bdat(c, raw[:30]).startswith(b"250 ")
        in_chunks = _bdat(c, raw[30:], last=True)
    assert in_chunks.split(b" ")[:2] == over_data.split(b" ")[:2]
    edge.wait_quiet("bdat-screened", 2)     # the held-mail notices name it
    assert [m for m in edge.to("partner@other.org") if b"bdat-screened" in m.data] == []


def test_bare_lf_in_a_chunk_is_normalised(edge: Edge) -> None:
    with RawSMTP(edge.port) as c:
        _transaction(c)
        assert _bdat(c, message("bdat-bare-lf", body=b"one\ntwo\r\n"), last=True).startswith(b"250 ")
    [got] = edge.wait_quiet("bdat-bare-lf", 1)
    assert b"one\r\ntwo\r\n" in got.data
