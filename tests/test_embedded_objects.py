"""What documents carry inside them (issue 12): objects embedded in OOXML
(``word/embeddings/*``), in OpenDocument files (``Object N/``) and in legacy Office files
(OLE streams, ``\\x01Ole10Native`` packages) are read like any attachment."""

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
from rules.content import parse
from tests.archivers import pe_executable
from tests.harness import InProcessGateway, Sink, gateway_with_sink
from tests.ole_writer import compound_file, ole10_native, word_fib
from tests.test_rules_content import mime

SECRET = "本文件为机密资料，严禁外传。"
_CT = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _zip(members: dict[str, bytes | str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def xlsx(text: str) -> bytes:
    return _zip({"[Content_Types].xml": _CT,
                 "xl/sharedStrings.xml": '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                                         f"<si><t>{text}</t></si></sst>"})


def docx(text: str, embeddings: dict[str, bytes]) -> bytes:
    members: dict[str, bytes | str] = {
        "[Content_Types].xml": _CT,
        "word/document.xml": f'<w:document xmlns:w="{_W}"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p>'
                             "</w:body></w:document>"}
    members.update({f"word/embeddings/{name}": data for name, data in embeddings.items()})
    return _zip(members)


def odt(text: str, objects: dict[str, bytes | str]) -> bytes:
    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    body = f'<office:document-content xmlns:office="{office}" xmlns:text="urn:oasis:names:tc:opendocument:' \
           f'xmlns:text:1.0"><office:body><office:text><text:p>{{}}</text:p></office:text></office:body>' \
           f"</office:document-content>"
    members: dict[str, bytes | str] = {"mimetype": "application/vnd.oasis.opendocument.text",
                                       "content.xml": body.format(text), "styles.xml": "<x/>"}
    for name, data in objects.items():
        members[name] = body.format(data) if name.endswith("content.xml") else data
    return _zip(members)


def _found(data: bytes, name: str) -> dict[str, object]:
    message = parse(mime([("application/octet-stream", data, name)]))
    return {a.path: a for a in message.attachments}


def test_executable_packaged_in_an_ole_object_inside_a_docx_is_found() -> None:
    package = compound_file({"\x01Ole10Native": ole10_native("invoice.exe", pe_executable())})
    found = _found(docx("see the attached object", {"oleObject1.bin": package}), "report.docx")
    exe = found["report.docx/word/embeddings/oleObject1.bin/invoice.exe"]
    assert exe.is_executable  # type: ignore[attr-defined]


def test_workbook_embedded_in_a_docx_is_read() -> None:
    found = _found(docx("quarterly report", {"Microsoft_Excel_Worksheet.xlsx": xlsx(SECRET)}), "report.docx")
    assert SECRET in found["report.docx/word/embeddings/Microsoft_Excel_Worksheet.xlsx"].text  # type: ignore[attr-defined]


def test_legacy_doc_streams_and_its_object_pool_are_read() -> None:
    doc = compound_file({
        "WordDocument": word_fib("Board minutes " + SECRET),
        "ObjectPool/_1234567/\x01Ole10Native": ole10_native("salaries.txt", "工资表 confidential".encode()),
    })
    found = _found(doc, "minutes.doc")
    assert SECRET in found["minutes.doc"].text  # type: ignore[attr-defined]
    assert found["minutes.doc/ObjectPool/_1234567/salaries.txt"].text == "工资表 confidential"  # type: ignore[attr-defined]


def test_odf_embedded_document_and_ole_object_are_read() -> None:
    package = compound_file({"\x01Ole10Native": ole10_native("tool.exe", pe_executable())})
    found = _found(odt("cover page", {"Object 1/content.xml": SECRET, "Object 2": package}), "plan.odt")
    assert SECRET in found["plan.odt"].text  # type: ignore[attr-defined]
    assert found["plan.odt/Object 2/tool.exe"].is_executable  # type: ignore[attr-defined]


def test_embedding_depth_counts_against_the_limit() -> None:
    inner = docx(SECRET, {})
    for _ in range(6):
        inner = docx("wrapper", {"nested.docx": inner})
    message = parse(mime([("application/octet-stream", inner, "deep.docx")]))
    assert "archive too deep" in message.findings


# -- over SMTP ---------------------------------------------------------------------------------

@pytest.fixture
def gw(tmp_path: Path, database_url: str) -> Iterator[tuple[InProcessGateway, Sink]]:
    with gateway_with_sink(tmp_path / "gw", database_url) as pair:
        yield pair


def _mail(attachment: bytes, filename: str) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "alice@example.com", "partner@other.org", "report"
    msg["Message-ID"] = f"<{time.time_ns()}@embedded.test>"
    msg.set_content("The report.\n")
    msg.add_attachment(attachment, maintype="application",
                       subtype="vnd.openxmlformats-officedocument.wordprocessingml.document", filename=filename)
    return msg.as_bytes()


def test_embedded_secret_and_embedded_executable_leaving_are_held(gw) -> None:  # noqa: ANN001
    gateway, sink = gw
    package = compound_file({"\x01Ole10Native": ole10_native("invoice.exe", pe_executable())})
    with smtplib.SMTP("127.0.0.1", gateway.smtp_port, timeout=60) as client:
        client.sendmail("alice@example.com", ["partner@other.org"],
                        _mail(docx("quarterly report", {"Microsoft_Excel_Worksheet.xlsx": xlsx(SECRET)}), "q.docx"))
        client.sendmail("alice@example.com", ["partner@other.org"],
                        _mail(docx("see the object", {"oleObject1.bin": package}), "tool.docx"))
    with gateway.services.engine.connect() as conn:
        held = sorted(sorted(row.rules) for row in conn.execute(sa.select(qt.entries.c.rules)))
    assert len(held) == 2, held
    assert any("outbound-executables" in rules for rules in held)
    assert any(any("confidential" in r for r in rules) for rules in held), held
    time.sleep(0.5)
    assert not sink.handler.to("partner@other.org")
