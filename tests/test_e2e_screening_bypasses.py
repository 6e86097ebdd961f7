"""The bypasses found in the review of issue 12, sent over real SMTP to the running gateway
(extraction workers, SQLite and PostgreSQL): each is held for partner@other.org, as the
parser-level tests in tests/test_screening_*.py say, and never reaches the sink. Each was
delivered by old main."""

from __future__ import annotations

import base64
import io
import smtplib
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from quarantine import tables as qt
from tests import bypass_mail as bm
from tests.harness import InProcessGateway, Sink, gateway_with_sink
from tests.test_screening_appended_zip import PNG, with_picture


def _zip(name: str, text: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, text)
    return buf.getvalue()


def _part(ctype: str, cte: str, body: bytes) -> bytes:
    return (bm.headers(subject=f"t{time.time_ns()}") + f"Content-Type: {ctype}\r\nContent-Transfer-Encoding: {cte}"
            "\r\n\r\n").encode() + body


@pytest.fixture
def gw(tmp_path: Path, database_url: str) -> Iterator[tuple[InProcessGateway, Sink]]:
    with gateway_with_sink(tmp_path / "gw", database_url) as pair:
        yield pair


def test_review_bypasses_are_held_over_smtp(gw) -> None:  # noqa: ANN001
    gateway, sink = gw
    messages = [
        _part("text/plain; charset=utf-7", "7bit", bm.MARKER.encode("utf-7")),
        _part("text/plain; charset=utf-8", '"base64"', base64.encodebytes(bm.MARKER.encode())),
        _part("text/plain; charset=utf-8; format=flowed; delsp=yes", "8bit", "本文件为机 \r\n密。\r\n".encode()),
        _part("text/plain; charset=utf-8", "8bit", "key AKIA\ufe0fQ3EGRCYV5TNHX2LM\r\n".encode()),
        with_picture(PNG + _zip("notes.txt", bm.MARKER), "photo.png", "image/png"),
    ]
    for data in messages:
        with smtplib.SMTP("127.0.0.1", gateway.smtp_port, timeout=30) as client:
            assert client.sendmail("alice@example.com", ["partner@other.org"], data) == {}
    deadline = time.monotonic() + 20
    rows: list[sa.Row] = []
    while len(rows) < len(messages) and time.monotonic() < deadline:
        with gateway.services.engine.connect() as conn:
            rows = conn.execute(sa.select(qt.entries)).fetchall()
        time.sleep(0.05)
    assert len(rows) == len(messages)
    assert {r.recipient for r in rows} == {"partner@other.org"}
    time.sleep(0.3)
    assert not sink.handler.to("partner@other.org")
