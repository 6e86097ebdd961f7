"""The archive timeline shows what screening found for every message, not only held ones
(issue 16), over a real gateway fed over SMTP (SQLite and PostgreSQL): an outbound message
delivered with a low-confidence card number (the shipped audit-only rule) and an inbound
scam delivered tagged [SPAM] show their findings (kind, rule, confidence, count, place) in
the JSON timeline and on the page in English and Chinese; a record archived without the
summary says it was not recorded; the summary is sealed (no finding kind in plain anywhere
in the database) and the archive's chain still verifies. Seen failing on old main (the
``screened`` event had only verdict and rules)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from archive import tables as at
from archive.model import RecordMeta
from gateway.cli import main
from gateway.schema import all_metadata
from tests.browser.support import ConsoleStack, console_stack
from tests.harness import send, simple_message
from tests.test_console_zh import signed_in

CARD_BODY = "Order 5531 shipped today. Reference 4111 1111 1111 1111 for the warehouse.\r\n"
OFFER = ("Hi dear, our members earn a guaranteed monthly return of 18% with our AI arbitrage strategy, capital "
         "protected. Message me on Telegram @jessica_lin88 and I will teach you step by step.")


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def stack(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConsoleStack]:
    yield from console_stack(request.param, tmp_path_factory.mktemp(f"findings-{request.param}"))


def _send(stack: ConsoleStack, tag: str, sender: str, to: str, subject: str, body: str, *,
          replying_to: str | None = None) -> str:
    """Send one message; its Message-ID (a reply names a message the archive holds: archive.threads)."""
    thread = f"In-Reply-To: {replying_to}\r\nReferences: {replying_to}\r\n" if replying_to else ""
    raw = simple_message(subject=subject, body=body, sender=sender, to=to, extra_headers=thread)
    raw = raw.replace(b"Message-ID: <", f"Message-ID: <{tag}.".encode(), 1)
    assert send(stack.gateway.smtp_port, sender, [to], raw) == {}
    return next(line for line in raw.decode().split("\r\n") if line.startswith("Message-ID: ")).split(" ", 1)[1]


def _record(stack: ConsoleStack, tag: str) -> int:
    with stack.engine.connect() as conn:
        return int(conn.execute(sa.select(at.records.c.id).where(
            at.records.c.message_id.like(f"<{tag}.%"), at.records.c.event == "accepted")).scalar_one())


@pytest.fixture(scope="module")
def records(stack: ConsoleStack) -> dict[str, int]:
    _send(stack, "card", "alice@example.com", "partner@other.org", "Warehouse order", CARD_BODY)
    asked = _send(stack, "ask", "bob@example.com", "advisor@fund-house.example", "The fund", "Any news?")
    stack.sink.handler.wait_to("advisor@fund-house.example")
    _send(stack, "scam", "advisor@fund-house.example", "bob@example.com", "Re: the fund", OFFER, replying_to=asked)
    stack.sink.handler.wait_to("partner@other.org")
    [scam] = stack.sink.handler.wait_to("bob@example.com")
    assert b"Subject: [SPAM] Re: the fund" in scam.data            # tagged, delivered
    # a record archived the way records were before the summary was kept
    with stack.engine.begin() as conn:
        old, _ = stack.gateway.services.archive.store(conn, simple_message(subject="Old one", body="hello\r\n"),
                                                      RecordMeta(message_id="<old.1@example.com>",
                                                                 mail_from="alice@example.com",
                                                                 rcpt_tos=["bob@example.com"], subject="Old one",
                                                                 direction="internal", verdict="delivered"))
    return {"card": _record(stack, "card"), "scam": _record(stack, "scam"), "old": int(old)}


def _screened(stack: ConsoleStack, record: int) -> dict[str, Any]:
    auditor = httpx.Client(base_url=stack.base_url, headers={"Authorization": f"Bearer {stack.tokens['audrey']}"},
                           timeout=60)
    timeline = auditor.get(f"/api/v1/archive/{record}/timeline")
    assert timeline.status_code == 200, timeline.text
    return next(e for e in timeline.json()["events"] if e["kind"] == "screened")["detail"]


def test_findings_on_the_timeline_api_and_page(stack: ConsoleStack, records: dict[str, int]) -> None:
    card = _screened(stack, records["card"])
    assert card["verdict"] == "delivered" and card["rules"] == ["outbound-low-confidence-findings"]
    assert {"kind": "payment_card", "rule": "outbound-low-confidence-findings", "confidence": "low", "count": 1,
            "where": ["body"]} in card["findings"], card
    assert "4111" not in repr(card)                                   # never the value
    scam = _screened(stack, records["scam"])
    kinds = {f["kind"]: f for f in scam["findings"]}
    assert kinds["scam"]["rule"] == "scam-signals" and kinds["scam"]["confidence"] == "medium", scam
    assert kinds["scam"]["count"] >= 2 and "body" in kinds["scam"]["where"], scam
    assert kinds["spam score"]["score"] >= 5, scam
    assert "Telegram" not in repr(scam) and "jessica" not in repr(scam)
    old = _screened(stack, records["old"])
    assert old["findings"] is None and old["findings_not_recorded_before"], old

    english = signed_in(stack, "audrey", "en").get(f"/archive/{records['card']}").text
    assert 'data-finding="payment_card"' in english
    assert "payment card number" in english and "low confidence" in english and "1 time" in english, english
    chinese = signed_in(stack, "audrey", "zh-CN").get(f"/archive/{records['scam']}").text
    assert 'data-finding="scam"' in chinese and "诈骗特征" in chinese and "中等置信度" in chinese, chinese
    assert "scam signals" not in chinese and "medium confidence" not in chinese
    page = signed_in(stack, "audrey", "en").get(f"/archive/{records['old']}").text
    assert 'id="findings-not-recorded"' in page and "not recorded for messages archived before" in page


def test_findings_are_sealed_and_the_chain_verifies(stack: ConsoleStack, records: dict[str, int]) -> None:
    sealed = stack.gateway.services.archive.record_screening(records["card"])
    assert sealed and sealed[0]["kind"] == "payment_card"
    assert stack.gateway.services.archive.record_screening(records["old"]) is None
    forms = [b"payment_card", b'"kind"', b'"confidence"']
    url = stack.engine.url
    if url.get_backend_name() == "sqlite":
        db = Path(url.database or "")
        contents = [p.read_bytes() for p in db.parent.glob(db.name + "*")]
    else:
        with stack.engine.connect() as conn:
            contents = [repr(tuple(row)).encode() for md in all_metadata() for table in md.sorted_tables
                        for row in conn.execute(sa.select(table))]
    assert contents
    for content in contents:
        for form in forms:
            assert form not in content, form
    assert main(["archive", "verify", "--config", str(stack.gateway.config)]) == 0
