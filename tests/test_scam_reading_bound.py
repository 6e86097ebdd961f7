"""The scam reading is bounded per message and fails closed past the bound (rules.scams.READ_LIMIT).

Before the bound every text with an anchor word was read to its first 20,000 characters, however many there were: a
50 MB message of anchor-laden attachments cost a minute of the gateway's CPU (200 attachments of 20 KB took 4–7 s,
so 2,500 would take over a minute; the bound is two million characters). The bound is asserted on what the reading
is handed, not timed. A message past it is held, whatever the part that was read says.
"""

from __future__ import annotations

from email.message import EmailMessage

import pytest

import rules.evaluation as evaluation
from rules.model import Direction
from rules.scams import READ_LIMIT, SCAN_LIMIT
from tests.test_detection_classes import verdict_for

SENDER, RCPT = "reports@partner-logistics.example.net", "alice@example.com"

# a long, ordinary report whose words are the scam reading's anchors (bank, payment, account, fee)
REPORT = ("Monthly freight report. Payments to the carriers were made from the usual account at our bank; "
          "the terminal handling fee and the customs fee were invoiced as agreed in the contract. "
          "Container volumes rose four per cent over the month and the dwell time at the terminal fell. ")
ASK = ("Congratulations, your company has won USD 2,500,000 in the shipping lottery. To release the prize, "
       "pay the processing fee of USD 450 by Western Union today and send your bank account details to "
       "claims.desk@protonmail.com.")


def _message(attachments: list[str]) -> bytes:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = f"Partner Logistics <{SENDER}>", RCPT, "Monthly reports"
    m["Message-ID"], m["Date"] = "<bound@partner-logistics.example.net>", "Mon, 07 Dec 2026 09:00:00 +0000"
    m.set_content("Dear Alice,\n\nthe monthly reports of our branches are attached.\n\nRegards,\nPartner Logistics")
    for i, text in enumerate(attachments):
        m.add_attachment(text.encode(), maintype="text", subtype="plain", filename=f"branch-{i:03}.txt")
    return m.as_bytes()


def _full(text: str) -> str:
    return (text * (SCAN_LIMIT // len(text) + 1))[:SCAN_LIMIT]


@pytest.fixture
def handed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The characters (each text's start, as it is read) of every text the scam reading is handed."""
    sizes: list[int] = []
    real = evaluation.assess

    def recording(texts, **kw):  # noqa: ANN001, ANN003, ANN202
        texts = list(texts)
        sizes.extend(min(len(t.text), SCAN_LIMIT) for t in texts)
        return real(texts, **kw)

    monkeypatch.setattr(evaluation, "assess", recording)
    return sizes


def test_the_reading_of_a_message_with_many_long_texts_is_bounded(handed: list[int]) -> None:
    raw = _message([_full(REPORT)] * 130)  # 2.6 million characters of anchor-laden text
    verdict_for(raw, SENDER, RCPT, Direction.INBOUND)
    assert handed, "the scam reading was never asked"
    assert sum(handed) <= READ_LIMIT


def test_a_message_past_the_bound_is_held_not_judged_on_what_was_read() -> None:
    # 110 ordinary reports in front, the scam's ask in the last: reading only the first hundred would wave it
    # through; past the bound the message is held whatever was read
    v = verdict_for(_message([_full(REPORT)] * 110 + [ASK]), SENDER, RCPT, Direction.INBOUND)
    assert v["recipients"][RCPT]["action"] == "quarantine"
    assert evaluation.UNREAD_FINDING in v["findings"]
    shown = [e["snippet"] for h in v["hits"] if h["rule"] == "scam-structure" for e in h["evidence"]]
    assert any("12 of 113 texts past the scam reading's bound" in s for s in shown), v["hits"]


def test_an_ordinary_message_with_many_reports_inside_the_bound_is_delivered(handed: list[int]) -> None:
    v = verdict_for(_message([_full(REPORT)] * 90), SENDER, RCPT, Direction.INBOUND)
    assert sum(handed) > 0
    assert v["recipients"][RCPT]["action"] == "deliver", v["hits"]
    assert evaluation.UNREAD_FINDING not in v["findings"]


def test_an_ask_inside_the_bound_is_read_as_before() -> None:
    v = verdict_for(_message([_full(REPORT)] * 10 + [ASK]), SENDER, RCPT, Direction.INBOUND)
    assert v["recipients"][RCPT]["action"] == "quarantine"
    assert evaluation.UNREAD_FINDING not in v["findings"]
