"""SMTP smuggling (issue 11): only <CR><LF>.<CR><LF> ends DATA, over real SMTP on loopback.

The attack: a trusted upstream relays a message whose content holds ``<LF>.<CR><LF>``
followed by a whole second transaction. A server that takes that sequence as the end of
data sees two messages; the second (forged) one inherits the upstream's trust and relays
anywhere with any MAIL FROM. Every test here failed on the old reader (which took
``<LF>.<CR><LF>``, ``<LF>.<LF>`` and ``<CR><LF>.<LF>`` as the end): two ``250`` and the sink
received the forged message.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from gateway.smtp_data import BareNewline, decode_content, find_end
from tests.edge_env import Edge, edge_gateway, message
from tests.smtp_raw import RawSMTP

FORGED = (b"MAIL FROM:<ceo@example.com>\r\nRCPT TO:<victim@other.org>\r\nDATA\r\n"
          b"From: CEO <ceo@example.com>\r\nTo: victim@other.org\r\nSubject: wire the money\r\n\r\n"
          b"forged body\r\n")
# The smuggling end-of-data spellings from the issue, and the bare-CR ones of the same research.
VARIANTS = {
    "lf-dot-crlf": b"\n.\r\n",
    "lf-dot-lf": b"\n.\n",
    "crlf-dot-lf": b"\r\n.\n",
    "cr-dot-cr": b"\r.\r",
    "cr-dot-crlf": b"\r.\r\n",
    "crlf-nul-dot-crlf": b"\r\n\x00.\r\n",
}


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def edge(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Edge]:
    """One gateway per database for the module, with the default ``bare_newline: normalize``
    (no setting: the test then also runs on code that has none)."""
    yield from edge_gateway(request, tmp_path_factory)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def strict_edge(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Edge]:
    """A gateway with ``bare_newline: reject``."""
    yield from edge_gateway(request, tmp_path_factory, {"bare_newline": "reject"})


def _send_data(client: RawSMTP, content: bytes) -> list[bytes]:
    """One transaction with raw DATA content, then QUIT; every reply after the 354."""
    assert client.code("EHLO upstream.example.com") == 250
    assert client.code("MAIL FROM:<alice@example.com>") == 250
    assert client.code("RCPT TO:<bob@example.com>") == 250
    assert client.code("DATA") == 354
    client.send(content + b"QUIT\r\n")
    return client.replies_until_closed()


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_smuggled_end_of_data_makes_one_message_never_two(edge: Edge, variant: str) -> None:
    """The issue's exact payload: ``...hi\\r\\n`` + a fake end + a forged transaction + the real end."""
    marker = f"smuggle-{variant}-{uuid.uuid4().hex[:8]}"
    content = message(marker) + VARIANTS[variant] + FORGED + b"\r\n.\r\n"
    with RawSMTP(edge.port) as client:
        replies = _send_data(client, content)
    codes = [r[:3] for r in replies]
    assert codes == [b"250", b"221"], replies          # one message, then QUIT: never two 250s
    [msg] = edge.wait_quiet(marker, 1)
    assert msg.rcpt_tos == ["bob@example.com"]          # the forged recipient got nothing
    assert msg.mail_from == "alice@example.com"
    assert not [m for m in edge.sink.handler.messages if "victim@other.org" in m.rcpt_tos]
    # The would-be second transaction is plain content of the first message.
    assert b"MAIL FROM:<ceo@example.com>" in msg.data
    assert b"wire the money" in msg.data


def test_bare_lf_lines_are_normalised_and_8bit_and_long_lines_kept(edge: Edge) -> None:
    marker = f"lf-{uuid.uuid4().hex[:8]}"
    body = b"caf\xe9 8-bit\nline two\n..dot-stuffed\n" + b"x" * 3000 + b"\r\n"
    with RawSMTP(edge.port) as client:
        replies = _send_data(client, message(marker, body) + b".\r\n")
    assert [r[:3] for r in replies] == [b"250", b"221"]
    [msg] = edge.wait_quiet(marker, 1, settle=0)
    assert b"caf\xe9 8-bit\r\nline two\r\n.dot-stuffed\r\n" in msg.data
    below = msg.data.split(b"\r\n\r\n", 1)[1]
    assert below.replace(b"\r\n ", b"").count(b"x") == 3000   # the delivery folds it; no byte lost


def test_a_client_that_ends_with_a_bare_lf_terminator_is_not_taken_as_done(edge: Edge) -> None:
    """``<LF>.<LF>`` never ends DATA: the server keeps reading (and answers nothing) until
    the real end arrives; then it is one message."""
    marker = f"slow-{uuid.uuid4().hex[:8]}"
    with RawSMTP(edge.port, timeout=5) as client:
        assert client.code("EHLO upstream.example.com") == 250
        assert client.code("MAIL FROM:<alice@example.com>") == 250
        assert client.code("RCPT TO:<bob@example.com>") == 250
        assert client.code("DATA") == 354
        client.send(message(marker, b"hi\n") + b".\n")
        client.sock.settimeout(1.0)
        with pytest.raises(TimeoutError):
            client.reply()
        client.sock.settimeout(10)
        assert client.cmd(b"\r\n.")[:3] == b"250"
        assert client.code("QUIT") == 221
    [msg] = edge.wait_quiet(marker, 1, settle=0)
    # "hi<LF>", the ".<LF>" line (unstuffed to an empty line), the empty line sent with the end.
    assert msg.data.endswith(b"\r\n\r\nhi\r\n\r\n\r\n")


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_bdat_is_not_a_way_around(edge: Edge, variant: str) -> None:
    """CHUNKING is offered now (gateway/smtp_chunking.py): a chunk is exactly its octets, so every
    end-of-data spelling and a forged second transaction inside one stay text of one message."""
    marker = f"bdat-{variant}-{uuid.uuid4().hex[:8]}"
    content = message(marker) + VARIANTS[variant] + FORGED + b"\r\n.\r\n"
    with RawSMTP(edge.port) as client:
        assert b"CHUNKING" in client.cmd("EHLO upstream.example.com")
        assert client.code("MAIL FROM:<alice@example.com>") == 250
        assert client.code("RCPT TO:<bob@example.com>") == 250
        client.send(b"BDAT %d LAST\r\n" % len(content) + content + b"QUIT\r\n")
        replies = client.replies_until_closed()
    assert [r[:3] for r in replies] == [b"250", b"221"], replies
    [msg] = edge.wait_quiet(marker, 1)
    assert b"wire the money" in msg.data
    assert not [m for m in edge.sink.handler.messages if "victim@other.org" in m.rcpt_tos]


@pytest.mark.parametrize("variant", ["lf-dot-crlf", "lf-dot-lf", "crlf-dot-lf"])
def test_reject_mode_refuses_bare_lf_once_the_message_ends(strict_edge: Edge, variant: str) -> None:
    marker = f"strict-{variant}-{uuid.uuid4().hex[:8]}"
    content = message(marker) + VARIANTS[variant] + FORGED + b"\r\n.\r\n"
    with RawSMTP(strict_edge.port) as client:
        replies = _send_data(client, content)
    assert [r[:3] for r in replies] == [b"550", b"221"], replies
    assert b"5.5.2" in replies[0] and b"bare <LF>" in replies[0]
    assert strict_edge.wait_quiet(marker, 0) == []
    assert not [m for m in strict_edge.sink.handler.messages if "victim@other.org" in m.rcpt_tos]


def test_reject_mode_session_goes_on_and_clean_mail_passes(strict_edge: Edge) -> None:
    marker = f"clean-{uuid.uuid4().hex[:8]}"
    with RawSMTP(strict_edge.port) as client:
        assert client.code("EHLO upstream.example.com") == 250
        for content, expected in ((message("bad-" + marker, b"a\nb\r\n"), b"550"),
                                  (message(marker, b"line\r\n"), b"250")):
            assert client.code("MAIL FROM:<alice@example.com>") == 250
            assert client.code("RCPT TO:<bob@example.com>") == 250
            assert client.code("DATA") == 354
            assert client.cmd(content + b".")[:3] == expected
    [msg] = strict_edge.wait_quiet(marker, 1, settle=0)
    assert msg.data.endswith(b"\r\n\r\nline\r\n")
    assert strict_edge.delivered("bad-" + marker) == []


# ---- property: random mixes of CR, LF and dots ------------------------------------------
_PIECES = st.sampled_from([b"\r", b"\n", b".", b"..", b"\r\n", b"x", b" ", b"\xe9", b"\x00",
                           b"MAIL FROM:<ceo@example.com>\r\n", b"RCPT TO:<victim@other.org>\r\n",
                           b"DATA\r\n", b"QUIT\r\n"])
_LINE_ENDINGS = re.compile(rb"\r\n|\n|\r")


def _expected_at_sink(content: bytes) -> bytes:
    """What the next hop must receive: our stored message (bare LF normalised, unstuffed),
    whose remaining bare CRs the relay client (aiosmtplib) sends as line ends."""
    stored, _ = decode_content(content, BareNewline.NORMALIZE)
    return _LINE_ENDINGS.sub(b"\r\n", stored)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(_PIECES, max_size=30))
def test_random_cr_lf_dot_mixes_give_exactly_the_messages_that_got_250(edge: Edge, pieces: list[bytes]) -> None:
    marker = f"prop-{uuid.uuid4().hex}"
    content = message(marker, b"".join(pieces))
    if not content.endswith(b"\r\n"):
        content += b"\r\n"
    assume(find_end(b"\r\n" + content) is None)     # no real end inside: one transaction
    with RawSMTP(edge.port) as client:
        replies = _send_data(client, content + b".\r\n")
    assert [r[:3] for r in replies] == [b"250", b"221"], replies
    [msg] = edge.wait_quiet(marker, 1, settle=0.2)
    assert msg.rcpt_tos == ["bob@example.com"]
    assert msg.data.endswith(_expected_at_sink(content))
    assert not [m for m in edge.sink.handler.messages if "victim@other.org" in m.rcpt_tos]
