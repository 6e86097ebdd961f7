"""Screening through the running gateway: hidden markers in nested attachments, rejects at DATA."""

from __future__ import annotations

import io
import smtplib
import time
import zipfile
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
import sqlalchemy as sa

from quarantine import tables as qt
from tests.harness import InProcessGateway, Sink, gateway_with_sink


def docx_bytes(text: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                   'content-types"><Override PartName="/word/document.xml" ContentType="application/'
                   'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/relationships"/>')
        z.writestr("word/document.xml",
                   '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                   f'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body>'
                   '</w:document>')
    return buf.getvalue()


def zip_of(name: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, data)
    return buf.getvalue()


def message_with(attachment: bytes, filename: str, to: str, subject: str = "Project files") -> bytes:
    msg = EmailMessage()
    msg["From"] = "alice@example.com"
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{time.time_ns()}@screen.test>"
    msg["Date"] = "Mon, 23 Nov 2026 10:00:00 +0000"
    msg.set_content("Please find the files attached.\n")
    msg.add_attachment(attachment, maintype="application", subtype="zip", filename=filename)
    return msg.as_bytes()


@pytest.fixture
def gw(tmp_path: Path, database_url: str) -> Iterator[tuple[InProcessGateway, Sink]]:
    with gateway_with_sink(tmp_path / "gw", database_url) as pair:
        yield pair


def _held(gateway: InProcessGateway) -> list[sa.Row]:
    with gateway.services.engine.connect() as conn:
        return conn.execute(sa.select(qt.entries)).fetchall()


def _send(port: int, to: list[str], data: bytes) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        assert client.sendmail("alice@example.com", to, data) == {}


def test_marker_in_docx_inside_zip_is_held_outbound_and_delivered_internally(gw) -> None:  # noqa: ANN001
    gateway, sink = gw
    attachment = zip_of("合同草案.docx", docx_bytes("本文件为机密资料，请勿转发。"))
    _send(gateway.smtp_port, ["partner@other.org"], message_with(attachment, "files.zip", "partner@other.org"))
    _send(gateway.smtp_port, ["bob@example.com"], message_with(attachment, "files.zip", "bob@example.com"))
    [delivered] = sink.handler.wait_to("bob@example.com")
    assert delivered.rcpt_tos == ["bob@example.com"]
    [entry] = _held(gateway)
    assert entry.recipient == "partner@other.org"
    assert entry.status == "held"
    assert "outbound-confidential-marker" in entry.rules
    time.sleep(0.5)
    assert not sink.handler.to("partner@other.org")  # held, not delivered


def test_gbk_text_in_zip_in_zip_is_held(gw) -> None:  # noqa: ANN001
    gateway, sink = gw
    inner = zip_of("notes.txt", "季度报告：内部资料，严禁外传。".encode("gbk"))
    outer = zip_of("inner.zip", inner)
    _send(gateway.smtp_port, ["partner@other.org"], message_with(outer, "outer.zip", "partner@other.org"))
    deadline = time.monotonic() + 10
    while not _held(gateway) and time.monotonic() < deadline:
        time.sleep(0.05)
    [entry] = _held(gateway)
    assert entry.recipient == "partner@other.org"
    evidence = gateway.services.quarantine.get(entry.id)["evidence"]  # sealed at rest, opened here
    assert any("outer.zip/inner.zip/notes.txt" in (e.get("where") or "") for hit in evidence
               for e in hit.get("evidence", []))
    assert "sealed" in entry.evidence


def test_rejected_message_gets_5xx_with_rule_text_at_data(gw) -> None:  # noqa: ANN001
    gateway, sink = gw
    gtube = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"
    data = (f"From: spammer@outside.org\r\nTo: bob@example.com\r\nSubject: offer\r\n"
            f"Message-ID: <g@x>\r\n\r\n{gtube}\r\n").encode()
    with smtplib.SMTP("127.0.0.1", gateway.smtp_port, timeout=30) as client:
        client.ehlo("outside.test")
        client.mail("spammer@outside.org")
        client.rcpt("bob@example.com")
        code, text = client.data(data)
    assert code == 554
    assert text == b"5.7.1 Message rejected as spam (GTUBE test string)"  # the rule's own text
    with gateway.services.engine.connect() as conn:
        verdicts = conn.execute(sa.text("select verdict from archive_records")).scalars().all()
    assert verdicts == ["rejected"]  # refused, and still archived
    time.sleep(0.3)
    assert not sink.messages
