"""Spoofed insiders (issue 11): an address in our domains is internal only from a trusted
network or a login. Real SMTP on loopback: 127.0.0.1 is the trusted network, a client bound
to 127.0.0.9 is the outsider; SQLite and PostgreSQL."""

from __future__ import annotations

import email
import email.policy
import smtplib
import ssl
import time
import zipfile
from collections.abc import Iterator
from email.message import EmailMessage
from io import BytesIO
from pathlib import Path

import pytest
import sqlalchemy as sa

from gateway.sender_auth import SenderAuthenticator
from rules.auth import DNSTempError
from tests.harness import InProcessGateway, Sink, free_port, simple_message, write_config

OUTSIDER = "127.0.0.9"    # not in the test config's trusted_networks (127.0.0.1/32)
INSIDER = "127.0.0.1"


@pytest.fixture
def gw(tmp_path: Path, database_url: str) -> Iterator[tuple[InProcessGateway, Sink]]:
    sink = Sink().start()
    config = write_config(tmp_path / "gw", database_url=database_url, next_hop=f"127.0.0.1:{sink.port}",
                          smtp_port=free_port(), api_port=free_port())
    gateway = InProcessGateway(config, with_api=False).start()
    yield gateway, sink
    gateway.stop()
    sink.stop()


def transmit(port: int, source: str, mail_from: str, rcpt: str, data: bytes,
             login: tuple[str, str] | None = None) -> tuple[int, bytes]:
    """One message from ``source``; the reply to DATA (or the first refusal before it)."""
    with smtplib.SMTP("127.0.0.1", port, timeout=30, source_address=(source, 0)) as client:
        client.ehlo("client.test")
        if login:
            client.starttls(context=ssl._create_unverified_context())
            client.ehlo("client.test")
            client.login(*login)
        code, text = client.mail(mail_from)
        if code != 250:
            return code, text
        code, text = client.rcpt(rcpt)
        if code != 250:
            return code, text
        return client.data(data)


def with_attachment(sender: str, data: bytes, filename: str, maintype: str, subtype: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "bob@example.com"
    msg["Subject"] = "Quarterly figures"
    msg["Message-ID"] = f"<{time.time_ns()}@spoof.test>"
    msg["Date"] = email.utils.formatdate()
    msg.set_content("Please open the attachment.\n")
    msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes()


def encrypted_zip() -> bytes:
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("invoice.txt", b"payload")
    data = bytearray(buf.getvalue())
    data[data.find(b"PK\x03\x04") + 6] |= 1     # the "encrypted" flag, local and central header
    data[data.find(b"PK\x01\x02") + 8] |= 1
    return bytes(data)


EXE = b"MZ" + b"\x90" * 58 + (64).to_bytes(4, "little") + b"PE\x00\x00" + b"\x4c\x01" + b"\x00" * 400

CASES = {
    "encrypted zip": lambda sender: with_attachment(sender, encrypted_zip(), "invoice.zip", "application", "zip"),
    "exe": lambda sender: with_attachment(sender, EXE, "setup.exe", "application", "octet-stream"),
    "ceo phish": lambda sender: simple_message(
        subject="Urgent wire transfer", sender="CEO <ceo@example.com>",
        body="Please wire 48,000 EUR to the account below today. Keep this between us.\r\n"),
}


def _archived(gateway: InProcessGateway) -> list[sa.Row]:
    with gateway.services.engine.connect() as conn:
        return conn.execute(sa.text("select mail_from, direction, verdict from archive_records")).fetchall()


@pytest.mark.parametrize("case", list(CASES))
def test_spoofed_insider_is_refused_as_the_outsider_is(gw, case: str) -> None:  # noqa: ANN001
    """Failed on the old main: from ceo@example.com the encrypted zip and the phish were
    delivered (250) and the .exe only held (250); the outsider's zip and exe got 550."""
    gateway, sink = gw
    replies = {}
    for sender in ("ceo@example.com", "mallory@outside.org"):
        code, text = transmit(gateway.smtp_port, OUTSIDER, sender, "bob@example.com", CASES[case](sender))
        replies[sender] = (code, text[:5])
    assert replies["ceo@example.com"] == (550, b"5.7.1")
    assert replies["ceo@example.com"] == replies["mallory@outside.org"]
    time.sleep(0.3)
    assert sink.messages == []
    spoofed = [r for r in _archived(gateway) if r.mail_from == "ceo@example.com"]
    assert [(r.direction, r.verdict) for r in spoofed] == [("inbound", "rejected")]


def test_the_refusal_names_the_forgery(gw) -> None:  # noqa: ANN001
    gateway, _sink = gw
    code, text = transmit(gateway.smtp_port, OUTSIDER, "alice@example.com", "bob@example.com",
                          simple_message(sender="alice@example.com"))
    assert code == 550 and b"not accepted from this client" in text
    with gateway.services.engine.connect() as conn:
        rules = conn.execute(sa.text("select rules from archive_records")).scalar_one()
    assert "forged-internal-sender" in str(rules)


def test_a_disguised_claim_is_refused_too(gw) -> None:  # noqa: ANN001
    """``ceo@example.com.`` reads as our CEO; an unparsable From still shows the address."""
    gateway, sink = gw
    for header in ("CEO <ceo@example.com.>", "CEO <ceo@example.com"):
        code, _ = transmit(gateway.smtp_port, OUTSIDER, "mallory@outside.org", "bob@example.com",
                           simple_message(sender=header, subject="Urgent wire transfer"))
        assert code == 550, header
    assert sink.messages == []


def test_insiders_from_the_trusted_network_are_internal(gw) -> None:  # noqa: ANN001
    gateway, sink = gw
    code, _ = transmit(gateway.smtp_port, INSIDER, "ceo@example.com", "bob@example.com",
                       CASES["ceo phish"]("ceo@example.com"))
    assert code == 250
    [msg] = sink.handler.wait_to("bob@example.com")
    assert b"X-Mailwarden-Verdict: deliver; direction=internal" in msg.data


def test_a_login_vouches_from_outside(gw) -> None:  # noqa: ANN001
    gateway, sink = gw
    gateway.services.accounts.add("alice", "correct horse battery", ["alice@example.com"])
    code, _ = transmit(gateway.smtp_port, OUTSIDER, "alice@example.com", "bob@example.com",
                       simple_message(sender="alice@example.com"), login=("alice", "correct horse battery"))
    assert code == 250
    [msg] = sink.handler.wait_to("bob@example.com")
    assert b"direction=internal" in msg.data


# ---- sender authentication runs for the claim (DNS from a table, or failing) ---------------

class DnsTable:
    def __init__(self, records: dict[tuple[str, str], list[str]], broken: bool = False):
        self.records = records
        self.broken = broken
        self.asked: list[tuple[str, str]] = []

    def __call__(self, name: str, rtype: str) -> list[str]:
        self.asked.append((name.lower(), rtype))
        if self.broken:
            raise DNSTempError("SERVFAIL")
        return self.records.get((name.lower().rstrip("."), rtype), [])


def _use(gateway: InProcessGateway, table: DnsTable) -> None:
    directory = gateway.services.policy.directory
    gateway.gateway.pipeline.authenticate_sender = SenderAuthenticator(
        hostname="gw.example.com", is_internal=lambda a: directory().is_internal(a), resolver=table)


def test_backed_by_spf_and_dmarc_the_claim_is_accepted_with_results(gw) -> None:  # noqa: ANN001
    """A service allowed by our SPF may send as us. Failed on the old main: the check was
    skipped for an internal MAIL FROM (no lookup, no Authentication-Results)."""
    gateway, sink = gw
    table = DnsTable({("example.com", "TXT"): [f"v=spf1 ip4:{OUTSIDER} -all"],
                      ("_dmarc.example.com", "TXT"): ["v=DMARC1; p=reject"]})
    _use(gateway, table)
    code, _ = transmit(gateway.smtp_port, OUTSIDER, "newsletter@example.com", "bob@example.com",
                       simple_message(sender="newsletter@example.com"))
    assert code == 250
    [msg] = sink.handler.wait_to("bob@example.com")
    parsed = email.message_from_bytes(msg.data, policy=email.policy.default)
    assert "spf=pass" in parsed["Authentication-Results"] and "dmarc=pass" in parsed["Authentication-Results"]
    assert "direction=inbound" in parsed["X-Mailwarden-Verdict"]
    assert ("example.com", "TXT") in table.asked


def test_not_backed_by_spf_the_claim_is_refused(gw) -> None:  # noqa: ANN001
    gateway, sink = gw
    table = DnsTable({("example.com", "TXT"): ["v=spf1 ip4:192.0.2.1 -all"],
                      ("_dmarc.example.com", "TXT"): ["v=DMARC1; p=none"]})
    _use(gateway, table)
    code, text = transmit(gateway.smtp_port, OUTSIDER, "ceo@example.com", "bob@example.com",
                          CASES["ceo phish"]("ceo@example.com"))
    assert (code, text[:5]) == (550, b"5.7.1")
    assert ("example.com", "TXT") in table.asked
    assert sink.messages == []


def test_dns_failure_while_checking_the_claim_is_temporary(gw) -> None:  # noqa: ANN001
    """Failed on the old main (250: never looked up)."""
    gateway, sink = gw
    _use(gateway, DnsTable({}, broken=True))
    code, text = transmit(gateway.smtp_port, OUTSIDER, "ceo@example.com", "bob@example.com",
                          simple_message(sender="ceo@example.com"))
    assert (code, text[:5]) == (451, b"4.7.0")
    # Outside mail with no claim to our domains: with DNS down its From domain's DMARC policy
    # is unknown too, so it is not accepted unchecked either (review of issue 11: DNS trouble
    # is never a 250 without the check, nor a 550); once DNS answers, it goes through.
    code, text = transmit(gateway.smtp_port, OUTSIDER, "x@outside.org", "bob@example.com",
                          simple_message(sender="x@outside.org"))
    assert (code, text[:5]) == (451, b"4.7.0")
    _use(gateway, DnsTable({}))
    code, _ = transmit(gateway.smtp_port, OUTSIDER, "x@outside.org", "bob@example.com",
                       simple_message(sender="x@outside.org"))
    assert code == 250
    sink.handler.wait_to("bob@example.com")
