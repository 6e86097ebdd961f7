"""ClamAV over real SMTP with a real clamd (Debian's clamav-daemon) and a signature database
the test writes (tests/engine_daemons.py): malware refused 554 5.7.1 inbound and outbound,
held for the compliance team in internal mail, kept in the archive with its signature; clamd
down, slow or talking nonsense is 451 4.7.1 (or, when chosen, accepted with a finding and a
header) - never a silent pass."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import smtplib
import socket
import threading
import time
import zipfile
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from archive import tables as at
from quarantine import tables as qt
from tests.engine_daemons import (  # noqa: F401 - clamd is a fixture
    EICAR,
    EICAR_SIGNATURE,
    TEST_PATTERN,
    TEST_SIGNATURE,
    ClamdDaemon,
    clamd,
)
from tests.harness import InProcessGateway, Sink, free_port, write_config


def zipped(name: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, data)
    return buf.getvalue()


def message(sender: str, to: str, subject: str, attachment: bytes | None = None, filename: str = "",
            body: str = "Please see the attached file.\n") -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, to, subject
    msg["Message-ID"] = f"<{time.time_ns()}@engines.test>"
    msg.set_content(body)
    if attachment is not None:
        msg.add_attachment(attachment, maintype="application", subtype="zip", filename=filename)
    return msg.as_bytes()


def zip_in_zip() -> bytes:
    return zipped("docs.zip", zipped("invoice.txt", b"Dear customer,\n" + TEST_PATTERN + b"\nregards\n"))


@contextlib.contextmanager
def gateway(directory: Path, database_url: str, clamav: dict[str, Any]) -> Iterator[tuple[InProcessGateway, Sink]]:
    sink = Sink().start()
    config = write_config(directory, database_url=database_url, next_hop=f"127.0.0.1:{sink.port}",
                          smtp_port=free_port(), api_port=free_port(),
                          overrides={"engines": {"clamav": {"enabled": True, **clamav}}})
    gw = InProcessGateway(config, with_api=False).start()
    try:
        yield gw, sink
    finally:
        gw.stop()
        sink.stop()


def send(gw: InProcessGateway, sender: str, to: str, raw: bytes) -> tuple[int, str]:
    """The reply to DATA: (code, text)."""
    with smtplib.SMTP("127.0.0.1", gw.smtp_port, timeout=60) as client:
        client.ehlo("client.test")
        try:
            client.sendmail(sender, [to], raw)
        except smtplib.SMTPDataError as exc:
            return exc.smtp_code, exc.smtp_error.decode()
        return 250, ""


def records(gw: InProcessGateway) -> list[sa.Row]:
    """The archive's records of received mail (not the notices the gateway sent)."""
    with gw.services.engine.connect() as conn:
        return list(conn.execute(sa.select(at.records.c.id, at.records.c.verdict, at.records.c.rules)
                                 .where(at.records.c.event == "accepted").order_by(at.records.c.id)))


def test_malware_in_a_zip_in_a_zip_is_refused_and_archived_with_its_signature(
        tmp_path: Path, database_url: str, clamd: ClamdDaemon) -> None:  # noqa: F811
    with gateway(tmp_path / "gw", database_url, {"address": clamd.address}) as (gw, sink):
        code, text = send(gw, "mallory@outside.test", "bob@example.com",
                          message("mallory@outside.test", "bob@example.com", "invoice", zip_in_zip(), "docs.zip"))
        assert (code, text.split()[0]) == (554, "5.7.1"), text
        # outbound too (EICAR, by the hash signature)
        tool = message("alice@example.com", "partner@other.org", "tool", zipped("eicar.com", EICAR), "t.zip")
        code, text = send(gw, "alice@example.com", "partner@other.org", tool)
        assert code == 554, text
        clean = send(gw, "mallory@outside.test", "bob@example.com",
                     message("mallory@outside.test", "bob@example.com", "hello", zipped("a.txt", b"harmless"), "a.zip"))
        assert clean == (250, "")
        rows = records(gw)
        assert [r.verdict for r in rows] == ["rejected", "rejected", "delivered"]
        assert {"malware", f"malware: {TEST_SIGNATURE}"} <= set(rows[0].rules)
        assert f"malware: {EICAR_SIGNATURE}" in rows[1].rules
        # kept internally: compliance is told (the notice names the rule, never the content)
        notices = sink.handler.wait_to("grace@example.com", count=2, timeout=30)
        assert all(b"malware" in n.data for n in notices)
        sink.handler.wait_to("bob@example.com", count=1)
        assert not sink.handler.to("partner@other.org")
        # the archive can find them by the signature
        with gw.services.engine.connect() as conn:
            found = conn.execute(sa.select(at.record_rules.c.record_id)
                                 .where(at.record_rules.c.rule == f"malware: {TEST_SIGNATURE}")).scalars().all()
        assert found == [rows[0].id]



def test_malware_between_colleagues_is_held_for_compliance_not_refused(
        tmp_path: Path, database_url: str, clamd: ClamdDaemon) -> None:  # noqa: F811
    """Issue 18: the pattern in a zip in a zip is refused inbound and held internally. From a
    trusted insider (loopback is relay.trusted_networks) to an insider it is quarantined,
    routed to the compliance team, nothing delivered; the signature is in the hold's evidence
    and the archive record."""
    with gateway(tmp_path / "gw", database_url, {"address": clamd.address}) as (gw, sink):
        inbound = send(gw, "mallory@outside.test", "bob@example.com",
                       message("mallory@outside.test", "bob@example.com", "invoice", zip_in_zip(), "docs.zip"))
        assert (inbound[0], inbound[1].split()[0]) == (554, "5.7.1"), inbound
        internal = send(gw, "alice@example.com", "bob@example.com",
                        message("alice@example.com", "bob@example.com", "invoice", zip_in_zip(), "docs.zip"))
        assert internal == (250, "")
        rows = records(gw)
        assert [r.verdict for r in rows] == ["rejected", "quarantined"]
        assert {"malware-internal", f"malware: {TEST_SIGNATURE}"} <= set(rows[1].rules)
        assert "malware" not in rows[1].rules   # the refusing rule is for mail crossing the border
        with gw.services.engine.connect() as conn:
            [held] = conn.execute(sa.select(qt.entries).where(qt.entries.c.archive_id == rows[1].id)).fetchall()
        assert held.status == "held" and held.direction == "internal" and held.recipient == "bob@example.com"
        assert "malware-internal" in held.rules
        assert {"grace@example.com", "heidi@example.com"} <= set(held.reviewers)
        assert TEST_SIGNATURE not in str(held.evidence)   # sealed at rest ...
        evidence = gw.services.quarantine.get(held.id)["evidence"]   # ... and opened for reviewers
        assert f"malware: {TEST_SIGNATURE}" in str(evidence)
        # compliance hears of both; bob receives neither the message nor anything from it
        notices = sink.handler.wait_to("grace@example.com", count=2, timeout=30)
        assert all(b"malware" in n.data for n in notices)
        time.sleep(1.0)   # the delivery queue polls every 0.2s: give a wrongly queued message time
        assert not [m for m in sink.handler.to("bob@example.com") if b"docs.zip" in m.data]

def test_clamd_stopped_is_a_tempfailure_and_the_message_is_judged_when_it_is_back(
        tmp_path: Path, clamd: ClamdDaemon) -> None:  # noqa: F811
    infected = message("mallory@outside.test", "bob@example.com", "invoice", zip_in_zip(), "docs.zip")
    clean = message("mallory@outside.test", "bob@example.com", "minutes", zipped("m.txt", b"minutes"), "m.zip")
    with gateway(tmp_path / "gw", f"sqlite:///{tmp_path / 'db.sqlite'}", {"address": clamd.address,
                                                                          "timeout": "3s"}) as (gw, sink):
        clamd.stop()
        try:
            for raw in (infected, clean):
                code, text = send(gw, "mallory@outside.test", "bob@example.com", raw)
                assert (code, text.split()[0]) == (451, "4.7.1"), text
            assert records(gw) == []   # nothing accepted, nothing to lose: the client retries
            health = gw.services.engines.health_report()
            assert health["clamav"]["ok"] is False and "down" in str(health["clamav"]["error"])
            assert 'mailwarden_engine_up{engine="clamav"} 0.0' in gw.services.metrics.render().decode()
        finally:
            clamd.start()
        assert send(gw, "mallory@outside.test", "bob@example.com", infected)[0] == 554
        assert send(gw, "mallory@outside.test", "bob@example.com", clean) == (250, "")
        assert gw.services.engines.health_report()["clamav"]["ok"] is True
        metrics = gw.services.metrics.render().decode()
        assert 'mailwarden_engine_errors_total{engine="clamav",kind="down"} 2.0' in metrics
        assert 'mailwarden_engine_up{engine="clamav"} 1.0' in metrics   # the last check answered


class FakeClamd:
    """A TCP server that is not a working clamd: it answers nonsense, or nothing at all."""

    def __init__(self, answer: bytes | None) -> None:
        self.answer = answer
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.conns: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)
            if self.answer is not None:
                with contextlib.suppress(OSError):
                    conn.recv(65536)
                    conn.sendall(self.answer)
                    conn.close()

    def close(self) -> None:
        self.sock.close()
        for c in self.conns:
            c.close()


@pytest.mark.parametrize("answer", [b"stream: maybe?\0", b"stream: lstat() failed. ERROR\0", None],
                         ids=["garbage", "error", "silent"])
def test_clamd_answering_nonsense_or_nothing_is_never_a_pass(tmp_path: Path, answer: bytes | None) -> None:
    fake = FakeClamd(answer)
    try:
        with gateway(tmp_path / "gw", f"sqlite:///{tmp_path / 'db.sqlite'}",
                     {"address": f"127.0.0.1:{fake.port}", "timeout": "1s"}) as (gw, _sink):
            raw = message("mallory@outside.test", "bob@example.com", "hi", zipped("a.txt", b"x"), "a.zip")
            code, text = send(gw, "mallory@outside.test", "bob@example.com", raw)
            assert (code, text.split()[0]) == (451, "4.7.1"), text
            assert records(gw) == []
    finally:
        fake.close()


def test_on_failure_accept_delivers_with_a_finding_and_a_header(tmp_path: Path) -> None:
    down = f"unix:{tmp_path / 'no-clamd.sock'}"
    with gateway(tmp_path / "gw", f"sqlite:///{tmp_path / 'db.sqlite'}",
                 {"address": down, "on_failure": "accept"}) as (gw, sink):
        raw = message("mallory@outside.test", "bob@example.com", "hello", zipped("a.txt", b"x"), "a.zip")
        assert send(gw, "mallory@outside.test", "bob@example.com", raw) == (250, "")
        delivered = sink.handler.wait_to("bob@example.com")[0].data
        assert b"X-Mailwarden-Scanner: clamav unavailable" in delivered
        assert 'mailwarden_engine_up{engine="clamav"} 0.0' in gw.services.metrics.render().decode()


def yenc(data: bytes) -> bytes:
    """yEnc (each byte +42, critical ones escaped), 128 per line."""
    out, line = bytearray(), 0
    for b in data:
        c = (b + 42) % 256
        out += b"=" + bytes([(c + 64) % 256]) if c in (0, 10, 13, 61) else bytes([c])
        line += 2 if c in (0, 10, 13, 61) else 1
        if line >= 128:
            out += b"\r\n"
            line = 0
    return bytes(out)


def test_each_decoded_part_is_scanned_not_only_the_raw_message(tmp_path: Path, clamd: ClamdDaemon) -> None:  # noqa: F811
    """A zip yEnc-encoded into a text body: clamd reading the raw message sees only text;
    mailwarden decodes it (rules/payloads.py, as its screening does) and hands clamd the zip."""
    data = zip_in_zip()
    raw = (b"From: mallory@outside.test\r\nTo: bob@example.com\r\nSubject: paste\r\n"
           b"Message-ID: <yenc@engines.test>\r\nContent-Type: text/plain; charset=latin-1\r\n"
           b"Content-Transfer-Encoding: 8bit\r\n\r\nHere it is:\r\n"
           + b"=ybegin line=128 size=%d name=docs.zip\r\n" % len(data) + yenc(data)
           + b"\r\n=yend size=%d\r\n" % len(data))
    results = {}
    for scan_parts in (False, True):
        with gateway(tmp_path / f"gw{scan_parts}", f"sqlite:///{tmp_path / f'db{scan_parts}.sqlite'}",
                     {"address": clamd.address, "scan_parts": scan_parts}) as (gw, _sink):
            results[scan_parts] = send(gw, "mallory@outside.test", "bob@example.com", raw)[0]
    assert results == {False: 250, True: 554}


def test_a_message_over_clamds_stream_limit_is_unread_content_not_an_endless_451(tmp_path: Path) -> None:
    """clamd refuses data over its StreamMaxLength: retrying cannot help, so no 451 (the sender
    would retry for days); the message carries "uninspectable: truncated", which the shipped
    rules hold outbound (uninspectable-content)."""
    fake = FakeClamd(b"INSTREAM size limit exceeded. ERROR\0")
    try:
        with gateway(tmp_path / "gw", f"sqlite:///{tmp_path / 'db.sqlite'}",
                     {"address": f"127.0.0.1:{fake.port}", "timeout": "5s"}) as (gw, sink):
            raw = message("alice@example.com", "partner@other.org", "big", zipped("a.txt", b"x"), "a.zip")
            assert send(gw, "alice@example.com", "partner@other.org", raw) == (250, "")
            [row] = records(gw)
            assert row.verdict == "quarantined" and "uninspectable-content" in row.rules
            assert not sink.handler.to("partner@other.org")
    finally:
        fake.close()


@pytest.mark.parametrize("transport", ["unix", "tcp"])
def test_clamds_own_stream_limit_answer_is_read_even_when_it_resets_our_write(
        tmp_path: Path, transport: str) -> None:
    """A real clamd with a 1 MB StreamMaxLength, sent 3 MB: "too large" every time, over
    either socket, and the client still scans afterwards."""
    import asyncio

    from gateway.engines.base import EngineError
    from gateway.engines.clamav import Clamd

    if not shutil.which("clamd"):
        pytest.skip("clamd is not installed") if not os.environ.get("MAILWARDEN_REQUIRE_CLAMAV") else \
            pytest.fail("clamd is not installed (MAILWARDEN_REQUIRE_CLAMAV is set)")
    daemon = ClamdDaemon(tmp_path / "clamd", stream_max="1M").start()
    try:
        address = daemon.address if transport == "unix" else f"127.0.0.1:{daemon.port}"
        client = Clamd(address, timeout=20)

        async def kinds() -> list[str]:
            seen = []
            for _ in range(10):
                try:
                    await client.scan(b"x" * 3_000_000)
                    seen.append("clean")
                except EngineError as exc:
                    seen.append(exc.kind)
            return seen

        assert asyncio.run(kinds()) == ["too large"] * 10
        assert asyncio.run(client.scan(EICAR)) == EICAR_SIGNATURE   # the same client still scans
    finally:
        daemon.stop()


def test_a_stream_limit_answer_followed_by_a_reset_is_too_large_not_down() -> None:
    """A clamd that answers "size limit exceeded" while we are still writing and closes with our
    data unread resets our next write. The answer was sent before the reset and must be read:
    "too large" every time, never "down", which the gateway turns into an endless 451. The old
    stream-based client said "down" on 29 of 30 tries against such a peer, and CI failed on it."""
    import asyncio

    from gateway.engines.base import EngineError
    from gateway.engines.clamav import Clamd

    fake = FakeClamd(b"INSTREAM size limit exceeded. ERROR\0")
    client = Clamd(f"127.0.0.1:{fake.port}", timeout=10)

    async def kinds() -> list[str]:
        seen = []
        for size in (70_000, 1_000_000) * 10:
            try:
                await client.scan(b"x" * size)
                seen.append("clean")
            except EngineError as exc:
                seen.append(exc.kind)
        return seen

    try:
        assert asyncio.run(kinds()) == ["too large"] * 20
    finally:
        fake.close()
