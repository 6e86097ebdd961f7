"""Structural scam scoring through the running gateway (real SMTP, SQLite and PostgreSQL): a
scam in words no shipped list holds is held for review, the same two signals in a reply
are delivered tagged [SPAM], and ordinary mail with one of a scam's parts is delivered as
sent. Seen failing on old main (the scam was delivered untagged)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from quarantine import tables as qt
from tests.harness import InProcessGateway, Sink, gateway_with_sink, send

OFFER = ("Hi dear, our members earn a guaranteed monthly return of 18% with our AI arbitrage strategy, capital "
         "protected. Message me on Telegram @jessica_lin88 and I will teach you step by step.")
ORDINARY = ("Hi Bob, during the fair I am hard to reach by email - please send me a message on WhatsApp at "
            "+49 171 5550123. The quotation for the two CNC units (EUR 186,000) is attached to my previous mail.")


@pytest.fixture
def gw(tmp_path: Path, database_url: str) -> Iterator[tuple[InProcessGateway, Sink]]:
    with gateway_with_sink(tmp_path / "gw", database_url) as pair:
        yield pair


def _message(sender: str, subject: str, body: str, reply: bool = False) -> bytes:
    thread = "In-Reply-To: <q1@example.com>\r\nReferences: <q1@example.com>\r\n" if reply else ""
    return (f"From: {sender}\r\nTo: bob@example.com\r\nSubject: {subject}\r\n"
            f"Message-ID: <{time.time_ns()}@outside.test>\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\n{thread}"
            f"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n").encode()


def test_scams_held_tagged_in_a_reply_ordinary_mail_delivered(gw) -> None:  # noqa: ANN001
    gateway, sink = gw
    assert send(gateway.smtp_port, "jessica.lin.fx@outlook.com", ["bob@example.com"],
                _message("jessica.lin.fx@outlook.com", "Hi dear, quick question", OFFER)) == {}
    assert send(gateway.smtp_port, "advisor@fund-house.example", ["bob@example.com"],
                _message("advisor@fund-house.example", "Re: the fund", OFFER, reply=True)) == {}
    assert send(gateway.smtp_port, "t.krueger@rhein-maschinen.example", ["bob@example.com"],
                _message("t.krueger@rhein-maschinen.example", "Meeting at the fair", ORDINARY)) == {}
    delivered = sink.handler.wait_to("bob@example.com", 2)
    subjects = sorted(next(line for line in m.data.split(b"\r\n") if line.startswith(b"Subject:"))
                      for m in delivered)
    assert subjects == [b"Subject: Meeting at the fair", b"Subject: [SPAM] Re: the fund"]
    with gateway.services.engine.connect() as conn:
        [held] = conn.execute(sa.select(qt.entries)).fetchall()
    assert held.recipient == "bob@example.com" and held.status == "held"
