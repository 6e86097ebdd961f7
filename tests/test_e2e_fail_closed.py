"""Issue 12's bypasses sent over real SMTP through the running gateway: each one is held.

Every message hides a confidentiality marker behind one of the parser's limits (rfc822
nested 6 deep, the last of 2,001 parts, past 4 MiB of text, a multipart ~1,000 deep) or
in a uuencoded body. On the old parser all five were delivered to the partner.
"""

from __future__ import annotations

import smtplib
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from quarantine import tables as qt
from tests import bypass_mail as bm
from tests.harness import InProcessGateway, Sink, gateway_with_sink

BYPASSES = {
    "partner-rfc822@other.org": lambda to: bm.nested_rfc822(6, to=to, subject="rfc822"),
    "partner-parts@other.org": lambda to: bm.many_parts(2001, to=to, subject="parts"),
    "partner-4mib@other.org": lambda to: bm.after_text_limit(4 * 1024 * 1024, to=to, subject="big"),
    "partner-deep@other.org": lambda to: bm.deep_multipart(1000, to=to, subject="deep"),
    "partner-uu@other.org": lambda to: bm.uuencoded_body(to=to, subject="uu"),
}


@pytest.fixture
def gw(tmp_path: Path, database_url: str) -> Iterator[tuple[InProcessGateway, Sink]]:
    with gateway_with_sink(tmp_path / "gw", database_url) as pair:
        yield pair


def test_every_bypass_is_held_and_ordinary_mail_still_goes(gw) -> None:  # noqa: ANN001
    gateway, sink = gw
    with smtplib.SMTP("127.0.0.1", gateway.smtp_port, timeout=60) as client:
        for rcpt, build in BYPASSES.items():
            assert client.sendmail("alice@example.com", [rcpt], build(rcpt)) == {}
        # the control: same shape, no marker, within every limit
        ordinary = bm.nested_rfc822(2, to="partner-ok@other.org", subject="ok").replace(
            bm.b64_text_part(bm.MARKER), bm.b64_text_part("quarterly figures attached"))
        assert client.sendmail("alice@example.com", ["partner-ok@other.org"], ordinary) == {}
        # internal mail the screening could not read is held too
        assert client.sendmail("alice@example.com", ["bob@example.com"],
                               bm.deep_multipart(1000, to="bob@example.com", subject="deep-internal")) == {}
    [delivered] = sink.handler.wait_to("partner-ok@other.org")
    assert delivered.rcpt_tos == ["partner-ok@other.org"]
    with gateway.services.engine.connect() as conn:
        held = {row.recipient: row for row in conn.execute(sa.select(qt.entries))}
    assert set(held) == {*BYPASSES, "bob@example.com"}
    assert all(row.status == "held" for row in held.values())
    for rcpt in ("partner-rfc822@other.org", "partner-parts@other.org", "partner-4mib@other.org", "bob@example.com"):
        assert "uninspectable-content" in held[rcpt].rules
    assert "outbound-confidential-marker" in held["partner-uu@other.org"].rules  # decoded and read
    time.sleep(0.5)
    assert not [m.rcpt_tos for m in sink.messages if set(m.rcpt_tos) & set(held)]  # nothing held got out
