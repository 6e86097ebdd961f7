"""Archives the gateway used to leave closed (issue 12): an executable inside a 7z leaving the
company is held, one inside a RAR arriving from outside is refused, over real SMTP."""

from __future__ import annotations

import smtplib
import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
import sqlalchemy as sa

from quarantine import tables as qt
from tests.archivers import pe_executable, rar4, seven_zip
from tests.harness import InProcessGateway, Sink, gateway_with_sink


def message(sender: str, to: str, attachment: bytes, filename: str) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, to, "the tool you asked for"
    msg["Message-ID"] = f"<{time.time_ns()}@containers.test>"
    msg.set_content("Unpack and run it.\n")
    msg.add_attachment(attachment, maintype="application", subtype="octet-stream", filename=filename)
    return msg.as_bytes()


@pytest.fixture
def gw(tmp_path: Path, database_url: str) -> Iterator[tuple[InProcessGateway, Sink]]:
    with gateway_with_sink(tmp_path / "gw", database_url) as pair:
        yield pair


def test_executable_in_7z_outbound_is_held_and_in_rar_inbound_is_refused(gw) -> None:  # noqa: ANN001
    gateway, sink = gw
    archive = seven_zip({"tools/setup.exe": pe_executable(), "readme.txt": b"run setup"})
    with smtplib.SMTP("127.0.0.1", gateway.smtp_port, timeout=60) as client:
        assert client.sendmail("alice@example.com", ["partner@other.org"],
                               message("alice@example.com", "partner@other.org", archive, "tools.7z")) == {}
        with pytest.raises(smtplib.SMTPDataError) as refused:
            client.sendmail("mallory@outside.test", ["bob@example.com"],
                            message("mallory@outside.test", "bob@example.com",
                                    rar4({"invoice.pdf.exe": pe_executable()}), "invoice.rar"))
    assert refused.value.smtp_code == 550
    with gateway.services.engine.connect() as conn:
        held = conn.execute(sa.select(qt.entries.c.rules)).fetchall()
    assert [row.rules for row in held] == [["outbound-executables"]]
    time.sleep(0.5)
    assert not sink.handler.to("partner@other.org") and not sink.handler.to("bob@example.com")
