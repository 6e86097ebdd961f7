"""Replies over real SMTP on loopback: ENHANCEDSTATUSCODES advertised and an enhanced status
code (RFC 3463) on every reply after the greeting and EHLO, aiosmtpd's own included; the idle
timeout answers ``421 4.4.2`` before hanging up."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest

from gateway.smtp_replies import has_enhanced_code, with_enhanced_code
from tests.edge_env import Edge, edge_gateway, message
from tests.smtp_raw import RawSMTP

_CODED = re.compile(rb"^[245]\d\d[ -][245]\.\d{1,3}\.\d{1,3}( |\r\n)")


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def edge(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Edge]:
    yield from edge_gateway(request, tmp_path_factory, {"max_message_size": 4096, "idle_timeout": "2s"})


def _coded(reply: bytes) -> bool:
    return all(_CODED.match(line + b"\r\n") for line in reply.rstrip(b"\r\n").split(b"\r\n"))


def test_ehlo_advertises_enhanced_status_codes(edge: Edge) -> None:
    with RawSMTP(edge.port) as c:
        ehlo = c.cmd("EHLO client.test")
        assert b"250-ENHANCEDSTATUSCODES\r\n" in ehlo
        assert b"250-SIZE 4096\r\n" in ehlo          # the extension list itself stays uncoded


def test_every_reply_of_a_session_has_an_enhanced_code(edge: Edge) -> None:
    with RawSMTP(edge.port) as c:
        c.cmd("EHLO client.test")
        replies = {
            "NOOP": c.cmd("NOOP"),
            "unknown": c.cmd("FROB"),
            "DATA first": c.cmd("DATA"),
            "RCPT first": c.cmd("RCPT TO:<bob@example.com>"),
            "MAIL syntax": c.cmd("MAIL FROM"),
            "MAIL bad param": c.cmd("MAIL FROM:<alice@example.com> FOO=BAR"),
            "MAIL too big": c.cmd("MAIL FROM:<alice@example.com> SIZE=999999"),
            "MAIL": c.cmd("MAIL FROM:<alice@example.com>"),
            "nested MAIL": c.cmd("MAIL FROM:<alice@example.com>"),
            "RCPT": c.cmd("RCPT TO:<bob@example.com>"),
            "DATA arg": c.cmd("DATA now"),
            "RSET": c.cmd("RSET"),
            "VRFY": c.cmd("VRFY bob"),
            "EXPN": c.cmd("EXPN staff"),
            "HELP": c.cmd("HELP"),
        }
        assert c.cmd("MAIL FROM:<alice@example.com>").startswith(b"250 2.1.0")
        assert c.cmd("RCPT TO:<bob@example.com>").startswith(b"250 2.1.5")
        assert c.cmd("DATA").startswith(b"354 ")        # intermediate: no code (RFC 2034)
        c.send(message("replies-ok") + b".\r\n")
        replies["DATA end"] = c.reply()
        replies["QUIT"] = c.cmd("QUIT")
    uncoded = {k: v for k, v in replies.items() if not _coded(v)}
    assert uncoded == {}
    assert replies["unknown"].startswith(b"500 5.5.2 ")
    assert replies["MAIL too big"].startswith(b"552 5.3.4 ")
    assert replies["DATA first"].startswith(b"503 5.5.1 ")
    assert replies["QUIT"].startswith(b"221 2.0.0 ")


def test_message_over_the_size_limit_gets_552_5_3_4(edge: Edge) -> None:
    with RawSMTP(edge.port) as c:
        c.cmd("EHLO client.test")
        c.cmd("MAIL FROM:<alice@example.com>")
        c.cmd("RCPT TO:<bob@example.com>")
        c.cmd("DATA")
        c.send(message("too-big", body=b"x" * 70 + b"\r\n") * 100 + b".\r\n")
        assert c.reply().startswith(b"552 5.3.4 ")
        assert c.cmd("NOOP").startswith(b"250 2.0.0")


def test_overlong_command_line_gets_500_5_5_2(edge: Edge) -> None:
    with RawSMTP(edge.port) as c:
        c.cmd("EHLO client.test")
        assert c.cmd("NOOP " + "x" * 600).startswith(b"500 5.5.2 ")


def test_idle_timeout_answers_421_4_4_2(edge: Edge) -> None:
    with RawSMTP(edge.port, timeout=10) as c:
        c.cmd("EHLO client.test")
        start = time.monotonic()
        replies = c.replies_until_closed()
        assert time.monotonic() - start < 8
        assert len(replies) == 1 and replies[0].startswith(b"421 4.4.2 "), replies


@pytest.mark.parametrize(("reply", "coded"), [
    ("250 OK", "250 2.0.0 OK"),
    ("500 Error: bad syntax", "500 5.5.2 Error: bad syntax"),
    ("552 Error: Too much mail data", "552 5.3.4 Error: Too much mail data"),
    ("250 2.1.5 Recipient OK", "250 2.1.5 Recipient OK"),
    ("334 VXNlcm5hbWU6", "334 VXNlcm5hbWU6"),
    ("354 End data with <CR><LF>.<CR><LF>", "354 End data with <CR><LF>.<CR><LF>"),
    ("221 Bye", "221 2.0.0 Bye"),
    ("250", "250 2.0.0"),
    ("599 odd", "599 5.0.0 odd"),
])
def test_with_enhanced_code(reply: str, coded: str) -> None:
    assert with_enhanced_code(reply) == coded
    assert not has_enhanced_code("2.1 x") and has_enhanced_code("4.4.2 x")


def test_a_stalled_bdat_chunk_is_cut_with_421_4_4_2(edge: Edge) -> None:
    """A chunk keeps DATA's deadlines (gateway/smtp_chunking.py): no octet for idle_timeout ends it."""
    with RawSMTP(edge.port, timeout=10) as c:
        c.cmd("EHLO client.test")
        c.cmd("MAIL FROM:<alice@example.com>")
        c.cmd("RCPT TO:<bob@example.com>")
        c.send(b"BDAT 100 LAST\r\n" + b"x" * 10)
        start = time.monotonic()
        replies = c.replies_until_closed()
        assert time.monotonic() - start < 8
        assert len(replies) == 1 and replies[0].startswith(b"421 4.4.2 "), replies
