"""The screening budget's worker pool on its own: real worker processes, real documents."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from email.message import EmailMessage

import pytest

from gateway.extraction_pool import ExtractionPool
from rules.budget import Limits
from rules.content import ParsedMessage, parse
from rules.documents import stream_xml_text
from tests.bombs import docx_bomb, pdf_bomb
from tests.test_e2e_screening import docx_bytes, zip_of

TIMEOUT = "uninspectable: timeout"


def message_with(data: bytes, filename: str, subtype: str = "octet-stream") -> bytes:
    msg = EmailMessage()
    msg["From"] = "alice@example.com"
    msg["To"] = "partner@other.org"
    msg["Subject"] = "files"
    msg.set_content("see attached\n")
    msg.add_attachment(data, maintype="application", subtype=subtype, filename=filename)
    return msg.as_bytes()


def shallow(raw: bytes) -> ParsedMessage:
    message = parse(raw, Limits(open_documents=False))
    assert message.deferred
    return message


@pytest.fixture
def pool() -> Iterator[ExtractionPool]:
    p = ExtractionPool(workers=1, seconds=2.0, memory_mb=256)
    yield p
    p.close()


def run(coro):  # noqa: ANN001, ANN201
    return asyncio.run(coro)


def test_document_is_read_in_the_worker_and_adopted(pool: ExtractionPool) -> None:
    raw = message_with(zip_of("plan.docx", docx_bytes("本文件为机密资料")), "files.zip", "zip")
    message = shallow(raw)
    assert all(not a.text for a in message.attachments)      # nothing was opened here
    result = run(pool.complete(message))
    assert result.ok
    assert not message.deferred
    assert any("本文件为机密资料" in a.text for a in message.attachments)
    assert TIMEOUT not in message.findings


def test_pdf_bomb_over_the_wall_clock_is_a_timeout_finding_and_the_worker_is_replaced(pool: ExtractionPool) -> None:
    # twenty distinct 2 MB content streams: ~80 s of pypdf, far past the 2 s budget
    message = shallow(message_with(pdf_bomb(shared=False), "report.pdf", "pdf"))
    started = time.monotonic()
    result = run(pool.complete(message))
    elapsed = time.monotonic() - started
    assert result.status == "timeout"
    assert elapsed < 2.0 + 8.0      # the budget, plus starting a worker on a busy machine
    assert TIMEOUT in message.findings
    assert [a.name for a in message.attachments] == ["report.pdf"]   # still named and typed for rules
    # the killed worker was replaced: the next message is read normally
    follow = shallow(message_with(zip_of("a.docx", docx_bytes("next message")), "b.zip", "zip"))
    assert run(pool.complete(follow)).ok
    assert any("next message" in a.text for a in follow.attachments)


def test_issue_pdf_bomb_sharing_one_stream_is_read_once() -> None:
    """The issue's 12 KB PDF (20 pages, one shared 2 MB stream) took 76 s: its stream is read
    once now (one page's cost), so a generous budget reads it whole."""
    data = pdf_bomb(shared=True, text="SHARED-MARKER")
    assert len(data) < 16 * 1024
    p = ExtractionPool(workers=1, seconds=60.0, memory_mb=256)
    try:
        message = shallow(message_with(data, "report.pdf", "pdf"))
        started = time.monotonic()
        assert run(p.complete(message)).ok
        assert time.monotonic() - started < 45     # 20 reads of the stream took 76 s (idle machine)
        assert "SHARED-MARKER" in message.attachments[0].text
    finally:
        p.close()


def test_memory_limit_is_a_timeout_finding_not_a_dead_gateway() -> None:
    # 64 MB for a message holding a 70 MB text file (zipped to ~2 MB): its bytes alone are over
    big_text = b"".join(b"line %08d of the quarterly ledger, nothing to see here\n" % i for i in range(1_300_000))
    p = ExtractionPool(workers=1, seconds=30.0, memory_mb=64)
    try:
        message = shallow(message_with(zip_of("ledger.txt", big_text), "ledger.zip", "zip"))
        result = run(p.complete(message))
        assert result.status == "limit"
        assert TIMEOUT in message.findings
        follow = shallow(message_with(zip_of("a.docx", docx_bytes("after the limit")), "b.zip", "zip"))
        assert run(p.complete(follow)).ok
    finally:
        p.close()


def test_docx_with_95_mb_of_xml_is_streamed_in_bounded_memory() -> None:
    """The issue's docx (95 MB of XML, below the ratio check) cost +1.33 GB as a tree: the
    worker reads it as a stream under a 256 MB limit (done, or out of time: never out of
    memory)."""
    p = ExtractionPool(workers=1, seconds=3.0, memory_mb=256)
    try:
        message = shallow(message_with(docx_bomb(), "big.docx"))
        started = time.monotonic()
        result = run(p.complete(message))
        assert result.status in ("ok", "timeout")
        assert time.monotonic() - started < 3.0 + 8.0
        if not result.ok:
            assert TIMEOUT in message.findings
    finally:
        p.close()


def test_xml_with_a_doctype_or_entities_is_refused() -> None:
    laughs = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
              b"<d><t>&b;</t></d>")
    found = stream_xml_text([laughs])
    assert found.corrupt and found.text == ""


def test_xml_text_beyond_the_cap_is_marked_truncated() -> None:
    xml = b"<d>" + b"<t>0123456789</t>" * 100 + b"<t>TAIL</t></d>"
    found = stream_xml_text([xml[i:i + 7] for i in range(0, len(xml), 7)], cap=500)
    assert found.truncated and "TAIL" not in found.text and len(found.text) <= 500
    whole = stream_xml_text([xml[i:i + 7] for i in range(0, len(xml), 7)])
    assert not whole.truncated and whole.text.endswith("TAIL")


def test_a_worker_outlives_the_thread_that_started_it() -> None:
    """The API and the indexer call from threads that come and go; their workers must stay."""
    import threading

    p = ExtractionPool(workers=1, seconds=10.0, memory_mb=256)
    try:
        first = shallow(message_with(zip_of("a.docx", docx_bytes("first")), "a.zip", "zip"))
        starter = threading.Thread(target=p.complete_blocking, args=(first,))
        starter.start()
        starter.join()
        assert any("first" in a.text for a in first.attachments)
        time.sleep(0.5)
        second = shallow(message_with(zip_of("b.docx", docx_bytes("second")), "b.zip", "zip"))
        assert p.complete_blocking(second).ok
    finally:
        p.close()
