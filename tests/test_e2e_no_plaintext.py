"""No plaintext message content at rest, anywhere the gateway writes: a unique marker sent
in subject, body and attachment (name and content) must not be found in any file under the
data directory — database included — nor in any PostgreSQL row, in plain or encoded form."""

from __future__ import annotations

import base64
import quopri
import smtplib
import time
from email.message import EmailMessage
from pathlib import Path

import sqlalchemy as sa

from gateway.schema import all_metadata
from tests.harness import InProcessGateway, Sink, free_port, write_config

MARKER = "QZXV7731unique"
CN_MARKER = "鲲鹏计划代号"


def encodings_of(text: str) -> list[bytes]:
    """The marker as it could appear on disk: raw, UTF-8/GBK/UTF-16, base64 at every alignment, QP."""
    forms = set()
    for raw in (text.encode("utf-8"), text.encode("gbk", "ignore"), text.encode("utf-16-le")):
        if not raw:
            continue
        forms.add(raw)
        forms.add(quopri.encodestring(raw).rstrip(b"=\n"))
        for shift in range(3):
            encoded = base64.b64encode(b"\0" * shift + raw)
            # Drop the characters that depend on the neighbouring bytes.
            start = (shift * 4 + 2) // 3 + 1
            forms.add(encoded[start: len(encoded) - 4])
    return [f for f in forms if len(f) >= 6]


def _message(to: str, subject_extra: str, body_extra: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "alice@example.com"
    msg["To"] = to
    msg["Subject"] = f"{MARKER} {CN_MARKER} {subject_extra}"
    msg["Message-ID"] = f"<{time.time_ns()}@plain.test>"
    msg["Date"] = "Mon, 23 Nov 2026 10:00:00 +0000"
    msg.set_content(f"Body {MARKER} and {CN_MARKER}. {body_extra}\n")
    msg.add_attachment(f"attachment text {MARKER} {CN_MARKER}\n".encode("gbk"), maintype="text",
                       subtype="plain", filename=f"{MARKER}-{CN_MARKER}.txt")
    return msg.as_bytes()


def test_marker_is_nowhere_at_rest(tmp_path: Path, database_url: str) -> None:
    sink = Sink().start()
    config = write_config(tmp_path / "gw", database_url=database_url, next_hop=f"127.0.0.1:{sink.port}",
                          smtp_port=free_port(), api_port=free_port())
    gw = InProcessGateway(config, with_api=False).start()
    try:
        with smtplib.SMTP("127.0.0.1", gw.smtp_port, timeout=30) as client:
            client.sendmail("alice@example.com", ["bob@example.com"], _message("bob@example.com", "", ""))
            # Held: the evidence snippet quotes the text around the confidentiality marker.
            client.sendmail("alice@example.com", ["partner@other.org"],
                            _message("partner@other.org", "机密", f"机密 {MARKER} 严禁外传"))
            # A second copy of the same message: deduplicated blob, second record.
            client.sendmail("alice@example.com", ["carol@example.com"], _message("carol@example.com", "", ""))
        sink.handler.wait_to("bob@example.com")
        archive = gw.services.archive
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with gw.services.engine.connect() as conn:
                if conn.execute(sa.text("select count(*) from archive_index_pending")).scalar_one() == 0:
                    break
            time.sleep(0.1)
        # The index works (so the marker really went through it): three messages plus the
        # held-mail notices to reviewer and sender, which quote the subject.
        assert archive.search(MARKER).total >= 3
        assert archive.search(CN_MARKER).total >= 3
        with gw.services.engine.connect() as conn:
            assert conn.execute(sa.text("select count(*) from quarantine_entries")).scalar_one() == 1
            dump = []
            if gw.services.engine.dialect.name == "postgresql":
                for metadata in all_metadata():
                    for table in metadata.sorted_tables:
                        for row in conn.execute(sa.select(table)):
                            dump.append(repr(tuple(row)).encode("utf-8"))
    finally:
        gw.stop()
        sink.stop()

    forms = encodings_of(MARKER) + encodings_of(CN_MARKER)
    data_dir = tmp_path / "gw" / "data"
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    if database_url.startswith("sqlite"):
        db_file = Path(sa.engine.make_url(database_url).database)
        files += [p for p in db_file.parent.glob(db_file.name + "*")]  # the database, -wal, -shm
        assert db_file in files
    assert any(p.suffix == "" or "blobs" in p.parts for p in files)
    for path in files:
        content = path.read_bytes()
        for form in forms:
            assert form not in content, f"{form!r} found in {path}"
    for row in dump:
        for form in forms:
            assert form not in row, f"{form!r} found in a database row"
