"""Headers only the gateway may write (Authentication-Results with our authserv-id, any
X-Mailwarden-*) are removed from incoming mail: the unit, then over real SMTP."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from gateway.settings import SettingsError, load_settings
from gateway.trace_headers import strip_owned_headers
from tests.harness import InProcessGateway, Sink, free_port, send, simple_message, write_config

FORGED = (b"Authentication-Results: gw.example.com; spf=pass smtp.mailfrom=example.com;\r\n"
          b"\tdkim=pass header.d=example.com; dmarc=pass header.from=example.com\r\n"
          b"Authentication-Results: (our name) GW.Example.COM 1; dmarc=pass\r\n"
          b"Authentication-Results: mx.partner.org; spf=fail\r\n"
          b"X-Mailwarden-Verdict: deliver; direction=internal\r\n"
          b"x-mailwarden-compliance : yes\r\n")


def test_strips_ours_keeps_theirs_and_the_body() -> None:
    body = b"\r\nX-Mailwarden-Verdict: in the body stays\r\nAuthentication-Results: gw.example.com; x\r\n"
    raw = b"Received: from a\r\n" + FORGED + b"Subject: hi\r\n" + body
    out, removed = strip_owned_headers(raw, ("gw.example.com",))
    assert out == b"Received: from a\r\nAuthentication-Results: mx.partner.org; spf=fail\r\nSubject: hi\r\n" + body
    assert [r.lower() for r in removed] == ["authentication-results", "authentication-results",
                                           "x-mailwarden-verdict", "x-mailwarden-compliance"]


def test_nothing_to_strip_returns_the_same_bytes() -> None:
    raw = simple_message()
    out, removed = strip_owned_headers(raw, ("gw.example.com",))
    assert out is raw and removed == []
    lf = b"Subject: a\nX-Mailwarden-A: b\n\nbody\n"
    assert strip_owned_headers(lf, ("x",)) == (b"Subject: a\n\nbody\n", ["X-Mailwarden-A"])
    assert strip_owned_headers(b"X-Mailwarden-A: only headers", ("x",)) == (b"", ["X-Mailwarden-A"])
    assert strip_owned_headers(b"\r\nX-Mailwarden-A: body\r\n", ("x",))[1] == []


def test_authserv_id_setting_is_checked(tmp_path: Path) -> None:
    config = tmp_path / "gateway.yaml"
    config.write_text("sender_auth:\n  authserv_id: 'bad id;'\n")
    with pytest.raises(SettingsError, match=r"gateway.yaml:2: sender_auth.authserv_id"):
        load_settings(config)


@pytest.fixture
def gw(tmp_path: Path, database_url: str) -> Iterator[tuple[InProcessGateway, Sink]]:
    sink = Sink().start()
    config = write_config(tmp_path / "gw", database_url=database_url, next_hop=f"127.0.0.1:{sink.port}",
                          smtp_port=free_port(), api_port=free_port(),
                          overrides={"sender_auth": {"authserv_id": "auth.example.com"}})
    gateway = InProcessGateway(config, with_api=False).start()
    yield gateway, sink
    gateway.stop()
    sink.stop()


def test_forged_trace_headers_never_reach_the_next_hop(gw) -> None:  # noqa: ANN001
    """Failed on the old main: both forged Authentication-Results and the forged verdict
    and compliance headers reached the sink."""
    gateway, sink = gw
    forged = FORGED + b"Authentication-Results: auth.example.com; dmarc=pass\r\n"
    raw = simple_message(sender="news@partner.org", to="bob@example.com", extra_headers=forged.decode())
    assert send(gateway.smtp_port, "news@partner.org", ["bob@example.com"], raw) == {}
    [msg] = sink.handler.wait_to("bob@example.com")
    parsed = email.message_from_bytes(msg.data, policy=email.policy.default)
    results = [str(v) for v in parsed.get_all("Authentication-Results", [])]
    assert results == ["mx.partner.org; spf=fail"]
    assert parsed.get_all("X-Mailwarden-Verdict") == ["deliver; direction=inbound"]   # ours only
    assert parsed.get_all("X-Mailwarden-Compliance") is None
    assert b"Subject: Hello" in msg.data and msg.data.endswith(b"Hello there.\r\n")
    # The archive (what a release or an export hands out later) keeps the message without them.
    with gateway.services.engine.connect() as conn:
        archive_id = conn.execute(sa.text("select id from archive_records")).scalar_one()
    archived = gateway.services.archive.open(archive_id)
    assert b"gw.example.com; spf=pass" not in archived and b"auth.example.com;" not in archived
    assert b"X-Mailwarden" not in archived and b"mx.partner.org; spf=fail" in archived


@pytest.mark.parametrize("value", [
    b"((nested)) gw.example.com; dmarc=pass",          # a comment inside a comment
    b"(a \\) b) gw.example.com; dmarc=pass",            # an escaped parenthesis in a comment
    b'"gw.example.com"; dmarc=pass',                    # the id as a quoted-string (RFC 8601 2.2)
    b'"gw.\\example.com"; dmarc=pass',                   # a quoted-pair in it
    b"gw.example.com.; dmarc=pass",                     # a trailing dot, as DNS names may be written
    b"\r\n (folded) GW.EXAMPLE.COM (x) 1 ; dmarc=pass",
])
def test_our_authserv_id_in_any_spelling_a_reader_accepts_is_ours(value: bytes) -> None:
    """Each of these kept the forged header on the first landing (its regular expression
    removed one level of comments and compared the id with its quotes and dots)."""
    raw = b"From: a@outside.org\r\nAuthentication-Results: " + value + b"\r\nSubject: x\r\n\r\nbody\r\n"
    out, removed = strip_owned_headers(raw, ("gw.example.com",))
    assert removed == ["Authentication-Results"]
    assert out == b"From: a@outside.org\r\nSubject: x\r\n\r\nbody\r\n"


@pytest.mark.parametrize("value", [b'"gw.example.com.evil"; dmarc=pass', b"(gw.example.com) mx.partner.org; spf=fail",
                                   b'mx.partner.org; comment="gw.example.com"'])
def test_other_ids_stay_whatever_the_comments_and_quotes(value: bytes) -> None:
    raw = b"Authentication-Results: " + value + b"\r\n\r\nbody\r\n"
    assert strip_owned_headers(raw, ("gw.example.com",)) == (raw, [])
