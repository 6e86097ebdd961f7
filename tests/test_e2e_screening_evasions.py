"""The evasions of the issue 19 notes sent over real SMTP to the running gateway (extraction
workers, SQLite and PostgreSQL): a card in two groups of eight, GBK under a koi8-r or
Shift_JIS label, a marker split by a line break, ``<br>`` or spaces, UTF-16 without a
byte-order mark, JSON escapes. Every one is held for partner@other.org and never reaches the
sink; main delivered each of them. Unit-level tests: tests/test_screening_evasions.py."""

from __future__ import annotations

import smtplib
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from quarantine import tables as qt
from tests import evasion_mail as em
from tests.harness import InProcessGateway, Sink, gateway_with_sink, simple_message


@pytest.fixture
def gw(tmp_path: Path, database_url: str) -> Iterator[tuple[InProcessGateway, Sink]]:
    with gateway_with_sink(tmp_path / "gw", database_url) as pair:
        yield pair


def _held(gateway: InProcessGateway, want: int, timeout: float = 30) -> list[sa.Row]:
    deadline = time.monotonic() + timeout
    rows: list[sa.Row] = []
    while len(rows) < want and time.monotonic() < deadline:
        with gateway.services.engine.connect() as conn:
            rows = conn.execute(sa.select(qt.entries)).fetchall()
        time.sleep(0.05)
    return rows


def test_evasions_are_held_over_smtp(gw) -> None:  # noqa: ANN001
    gateway, sink = gw
    with smtplib.SMTP("127.0.0.1", gateway.smtp_port, timeout=30) as client:
        for data in em.EVASIONS.values():
            assert client.sendmail("alice@example.com", ["partner@other.org"], data) == {}
        # an ordinary message on the same connection is delivered: the gateway is not holding everything
        client.sendmail("alice@example.com", ["partner@other.org"],
                        simple_message(subject="lunch", body="See you at noon.\r\n", to="partner@other.org"))
    rows = _held(gateway, len(em.EVASIONS))
    held = {r.message_id: r for r in rows}
    missing = [name for name in em.EVASIONS if em.message_id(name) not in held]
    assert missing == []
    [control] = sink.handler.wait_to("partner@other.org")
    assert b"See you at noon." in control.data
    assert {r.recipient for r in rows} == {"partner@other.org"}
    assert all(r.status == "held" for r in rows)
    time.sleep(0.3)
    assert len(sink.handler.to("partner@other.org")) == 1   # the control message only
