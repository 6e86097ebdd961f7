"""SPF, DKIM and DMARC of inbound mail through the running gateway, with DNS from a table."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from pathlib import Path

import pytest

from gateway.dkim_signing import DkimSigner, generate_key
from gateway.sender_auth import SenderAuthenticator
from tests.harness import InProcessGateway, Sink, free_port, send, simple_message, write_config


class DnsTable:
    """A resolver over a fixed set of records: the checks run for real, the network is not needed."""

    def __init__(self, records: dict[tuple[str, str], list[str]]):
        self.records = records
        self.asked: list[tuple[str, str]] = []

    def __call__(self, name: str, rtype: str) -> list[str]:
        self.asked.append((name.lower(), rtype))
        return self.records.get((name.lower().rstrip("."), rtype), [])


@pytest.fixture
def gw(tmp_path: Path, database_url: str) -> Iterator[tuple[InProcessGateway, Sink, Path]]:
    sink = Sink().start()
    config = write_config(tmp_path / "gw", database_url=database_url, next_hop=f"127.0.0.1:{sink.port}",
                          smtp_port=free_port(), api_port=free_port())
    gateway = InProcessGateway(config, with_api=False).start()
    yield gateway, sink, tmp_path
    gateway.stop()
    sink.stop()


def _use(gateway: InProcessGateway, table: DnsTable) -> None:
    directory = gateway.services.policy.directory
    gateway.gateway.pipeline.authenticate_sender = SenderAuthenticator(
        hostname="gw.example.com", is_internal=lambda a: directory().is_internal(a), resolver=table)


def test_inbound_pass_is_recorded(gw) -> None:  # noqa: ANN001
    gateway, sink, tmp = gw
    record = generate_key(tmp / "dkim", "partner.org", "s1")
    public = "".join(record.split('"')[1::2])
    table = DnsTable({
        ("partner.org", "TXT"): ["v=spf1 ip4:127.0.0.0/8 -all"],
        ("s1._domainkey.partner.org", "TXT"): [public],
        ("_dmarc.partner.org", "TXT"): ["v=DMARC1; p=reject"],
    })
    _use(gateway, table)
    raw = simple_message(sender="news@partner.org", to="bob@example.com")
    signed = DkimSigner(tmp / "dkim").signature(raw, "partner.org") + raw
    assert send(gateway.smtp_port, "news@partner.org", ["bob@example.com"], signed) == {}
    [msg] = sink.handler.wait_to("bob@example.com")
    parsed = email.message_from_bytes(msg.data, policy=email.policy.default)
    results = parsed["Authentication-Results"]
    assert results.startswith("gw.example.com;")
    assert "spf=pass" in results and "dkim=pass" in results and "dmarc=pass" in results
    assert ("partner.org", "TXT") in table.asked


def test_inbound_spf_fail_is_recorded_and_scored(gw) -> None:  # noqa: ANN001
    gateway, sink, _tmp = gw
    _use(gateway, DnsTable({("partner.org", "TXT"): ["v=spf1 ip4:192.0.2.1 -all"],
                            ("_dmarc.partner.org", "TXT"): ["v=DMARC1; p=none"]}))
    send(gateway.smtp_port, "news@partner.org", ["bob@example.com"],
         simple_message(sender="news@partner.org", to="bob@example.com"))
    [msg] = sink.handler.wait_to("bob@example.com")
    parsed = email.message_from_bytes(msg.data, policy=email.policy.default)
    assert "spf=fail" in parsed["Authentication-Results"]
    assert float(parsed["X-Mailwarden-Spam-Score"]) >= 5


def test_our_own_users_are_not_looked_up(gw) -> None:  # noqa: ANN001
    gateway, sink, _tmp = gw
    table = DnsTable({})
    _use(gateway, table)
    send(gateway.smtp_port, "alice@example.com", ["bob@example.com"], simple_message())
    [msg] = sink.handler.wait_to("bob@example.com")
    assert b"Authentication-Results" not in msg.data
    assert table.asked == []
