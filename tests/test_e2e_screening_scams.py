"""Structural scam scoring through the running gateway (real SMTP, SQLite and PostgreSQL): a
scam in words no shipped list holds is held for review, the same two signals in a reply to a
message the archive holds are delivered tagged [SPAM], and ordinary mail with one of a scam's
parts is delivered as sent. Seen failing on old main (the scam was delivered untagged).

A reply whose In-Reply-To/References name no message the archive holds answers no thread of
ours (archive.threads): it is read as unsolicited. Before, a made-up References line made any
scam a "reply", which drops the half point of unsolicited mail and every whole-text template
(the boss's opener, the mule's job, the stranger's befriending, the domain scare)."""

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


def _message(sender: str, subject: str, body: str, reply: bool = False, *, to: str = "bob@example.com",
             replying_to: str = "<q1@example.com>", message_id: str = "") -> bytes:
    thread = f"In-Reply-To: {replying_to}\r\nReferences: {replying_to}\r\n" if reply else ""
    message_id = message_id or f"<{time.time_ns()}@outside.test>"
    return (f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\n"
            f"Message-ID: {message_id}\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\n{thread}"
            f"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n").encode()


def test_scams_held_tagged_in_a_reply_ordinary_mail_delivered(gw) -> None:  # noqa: ANN001
    gateway, sink = gw
    # bob wrote to the fund house first: its answer replies to a message the archive holds
    assert send(gateway.smtp_port, "bob@example.com", ["advisor@fund-house.example"],
                _message("bob@example.com", "The fund", "Could you send me the factsheet?",
                         to="advisor@fund-house.example", message_id="<q1@example.com>")) == {}
    sink.handler.wait_to("advisor@fund-house.example", 1)
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


MULE_JOB = ("Dear applicant, we are hiring a remote parcel coordinator for our logistics office. You receive "
            "parcels at your home address, check them and reship them to our clients abroad with the labels we "
            "send you. Salary USD 2,800 a month plus a bonus per parcel. Reply with your full name and address.")


def test_a_made_up_thread_is_no_reply_and_a_real_one_stays_one(gw) -> None:  # noqa: ANN001
    gateway, sink = gw
    # bob wrote to the recruiter: the recruiter's answer with the same words is a reply to our thread
    assert send(gateway.smtp_port, "bob@example.com", ["jobs@remote-careers.example"],
                _message("bob@example.com", "Your advert", "Is the position still open?",
                         to="jobs@remote-careers.example", message_id="<ad1@example.com>")) == {}
    sink.handler.wait_to("jobs@remote-careers.example", 1)
    assert send(gateway.smtp_port, "jobs@remote-careers.example", ["bob@example.com"],
                _message("jobs@remote-careers.example", "Re: Your advert", MULE_JOB, reply=True,
                         replying_to="<ad1@example.com>")) == {}
    # the same words from another "recruiter" whose References name a message nobody here sent
    assert send(gateway.smtp_port, "hr@global-parcel-jobs.example", ["bob@example.com"],
                _message("hr@global-parcel-jobs.example", "Re: application", MULE_JOB, reply=True,
                         replying_to="<9f2c1e@global-parcel-jobs.example>")) == {}
    [delivered] = sink.handler.wait_to("bob@example.com", 1)
    assert b"Subject: Re: Your advert" in delivered.data
    with gateway.services.engine.connect() as conn:
        held = conn.execute(sa.select(qt.entries.c.id, qt.entries.c.mail_from)).fetchall()
        assert [h.mail_from for h in held] == ["hr@global-parcel-jobs.example"]
        shown = str(gateway.services.quarantine._get_row(conn, held[0].id)["evidence"])
    assert "a reply to no message our people sent" in shown and "mule" in shown


def test_a_reply_to_the_senders_own_earlier_mail_or_to_no_id_is_no_reply(gw) -> None:  # noqa: ANN001
    # review 19: the "recruiter" first sends a harmless mail (archived, inbound), then "replies" to it; or writes a
    # References header with no <id> the lookup can read. Neither is a thread one of our people took part in.
    gateway, sink = gw
    assert send(gateway.smtp_port, "hr@global-parcel-jobs.example", ["bob@example.com"],
                _message("hr@global-parcel-jobs.example", "Hello", "We are a logistics company in Rotterdam.",
                         message_id="<first@global-parcel-jobs.example>")) == {}
    sink.handler.wait_to("bob@example.com", 1)
    assert send(gateway.smtp_port, "hr@global-parcel-jobs.example", ["bob@example.com"],
                _message("hr@global-parcel-jobs.example", "Re: Hello", MULE_JOB, reply=True,
                         replying_to="<first@global-parcel-jobs.example>")) == {}
    assert send(gateway.smtp_port, "jobs@parcel-careers.example", ["bob@example.com"],
                _message("jobs@parcel-careers.example", "Re: application", MULE_JOB, reply=True,
                         replying_to="first-contact-2291")) == {}
    with gateway.services.engine.connect() as conn:
        held = sorted(conn.execute(sa.select(qt.entries.c.mail_from)).scalars())
    assert held == ["hr@global-parcel-jobs.example", "jobs@parcel-careers.example"]
