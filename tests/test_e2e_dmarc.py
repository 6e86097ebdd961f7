"""DMARC enforced on inbound mail (issue 11), with a real DNS server (dnsmasq on loopback)
answering the SPF and DMARC records, real SMTP from an outside address, SQLite and
PostgreSQL. ``MAILWARDEN_REQUIRE_DNSMASQ=1`` makes a missing dnsmasq a failure."""

from __future__ import annotations

import email
import email.policy
import smtplib
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from gateway.settings import SettingsError, load_settings
from quarantine import tables as qt
from rules.auth import DmarcOutcome, dmarc_outcome
from tests.dnsmasq import dnsmasq
from tests.harness import InProcessGateway, Sink, free_port, simple_message, write_config

OUTSIDER = "127.0.0.9"
FAIL_SPF = "v=spf1 ip4:192.0.2.1 -all"          # the outsider is not allowed: SPF fail, DMARC fail
RECORDS = {
    "reject.test": FAIL_SPF, "_dmarc.reject.test": "v=DMARC1; p=reject",
    "quarantine.test": FAIL_SPF, "_dmarc.quarantine.test": "v=DMARC1; p=quarantine",
    "sampled.test": FAIL_SPF, "_dmarc.sampled.test": "v=DMARC1; p=reject; pct=0",
    "parent.test": FAIL_SPF, "_dmarc.parent.test": "v=DMARC1; p=none; sp=reject",
    "mail.parent.test": FAIL_SPF,
    "pass.test": f"v=spf1 ip4:{OUTSIDER} -all", "_dmarc.pass.test": "v=DMARC1; p=reject",
}


@pytest.fixture(scope="module")
def dns_port() -> Iterator[int]:
    with dnsmasq(RECORDS, zones=("test",)) as port:
        yield port


def _gateway(tmp_path: Path, database_url: str, dns_port: int, **sender_auth) -> tuple[InProcessGateway, Sink]:  # noqa: ANN003
    sink = Sink().start()
    config = write_config(tmp_path / "gw", database_url=database_url, next_hop=f"127.0.0.1:{sink.port}",
                          smtp_port=free_port(), api_port=free_port(),
                          overrides={"smtp": {"check_sender_auth": True},
                                     "sender_auth": {"nameservers": [f"127.0.0.1:{dns_port}"],
                                                     "dns_timeout": "3s", **sender_auth}})
    return InProcessGateway(config, with_api=False).start(), sink


@pytest.fixture
def gw(tmp_path: Path, database_url: str, dns_port: int) -> Iterator[tuple[InProcessGateway, Sink]]:
    gateway, sink = _gateway(tmp_path, database_url, dns_port)
    yield gateway, sink
    gateway.stop()
    sink.stop()


def transmit(port: int, sender: str, subject: str = "Invoice") -> tuple[int, bytes]:
    with smtplib.SMTP("127.0.0.1", port, timeout=30, source_address=(OUTSIDER, 0)) as client:
        client.ehlo("mx.outside.test")
        assert client.mail(sender)[0] == 250
        assert client.rcpt("bob@example.com")[0] == 250
        return client.data(simple_message(subject=subject, sender=sender))


def _held(gateway: InProcessGateway) -> list[sa.Row]:
    with gateway.services.engine.connect() as conn:
        return conn.execute(sa.select(qt.entries)).fetchall()


def test_p_reject_is_refused(gw) -> None:  # noqa: ANN001
    """Failed on the old main: 250 (DMARC fail only added +5 to the spam score)."""
    gateway, sink = gw
    assert transmit(gateway.smtp_port, "billing@reject.test")[:1] == (550,)
    code, text = transmit(gateway.smtp_port, "billing@mail.parent.test")     # sp=reject for subdomains
    assert (code, text[:5]) == (550, b"5.7.1") and b"DMARC" in text
    time.sleep(0.3)
    assert sink.messages == []


def test_p_quarantine_is_held_for_compliance(gw) -> None:  # noqa: ANN001
    """Failed on the old main: delivered."""
    gateway, sink = gw
    assert transmit(gateway.smtp_port, "billing@quarantine.test", "one")[0] == 250
    # pct=0 on p=reject: this message is outside the sample, so it gets the next policy down.
    assert transmit(gateway.smtp_port, "billing@sampled.test", "two")[0] == 250
    held = _held(gateway)
    assert sorted(e.mail_from for e in held) == ["billing@quarantine.test", "billing@sampled.test"]
    assert {e.review_group for e in held} == {"compliance-team"}
    assert all("dmarc-quarantine" in e.rules for e in held)
    time.sleep(0.3)
    assert sink.handler.to("bob@example.com") == []


def test_passing_or_p_none_is_delivered_with_the_result(gw) -> None:  # noqa: ANN001
    gateway, sink = gw
    assert transmit(gateway.smtp_port, "news@pass.test", "pass")[0] == 250
    assert transmit(gateway.smtp_port, "news@parent.test", "none")[0] == 250   # p=none at the parent itself
    sink.handler.wait_to("bob@example.com", 2)
    results = {}
    for msg in sink.handler.to("bob@example.com"):
        parsed = email.message_from_bytes(msg.data, policy=email.policy.default)
        results[msg.mail_from] = str(parsed["Authentication-Results"])
    assert "dmarc=pass" in results["news@pass.test"]
    assert "dmarc=fail (p=none dis=none)" in results["news@parent.test"]
    assert results["news@pass.test"].startswith("gw.example.com;")


def test_a_claimed_insider_the_dns_cannot_check_is_temporary(gw) -> None:  # noqa: ANN001
    """Our own domain is not in the test DNS server's zone: it answers REFUSED, a temporary
    error, and an outsider claiming example.com gets 451 4.7.0, never 250 or 550."""
    gateway, sink = gw
    code, text = transmit(gateway.smtp_port, "ceo@example.com")
    assert (code, text[:5]) == (451, b"4.7.0")
    time.sleep(0.3)
    assert sink.messages == []


def test_sender_auth_settings_are_checked(tmp_path: Path) -> None:
    config = tmp_path / "gateway.yaml"
    for text, where in (("sender_auth:\n  nameservers: [\"ns.example.com\"]\n", ":2: sender_auth.nameservers"),
                        ("sender_auth:\n  dns_timeout: 0\n", ":2: sender_auth.dns_timeout")):
        config.write_text(text)
        with pytest.raises(SettingsError, match=where):
            load_settings(config)


def test_dmarc_enforce_off_records_only(tmp_path: Path, database_url: str, dns_port: int) -> None:
    gateway, sink = _gateway(tmp_path, database_url, dns_port, dmarc_enforce=False)
    try:
        assert transmit(gateway.smtp_port, "billing@reject.test")[0] == 250
        [msg] = sink.handler.wait_to("bob@example.com")
        parsed = email.message_from_bytes(msg.data, policy=email.policy.default)
        assert "dmarc=fail (p=reject dis=none)" in str(parsed["Authentication-Results"])
    finally:
        gateway.stop()
        sink.stop()


# ---- the policy arithmetic, without a network ----------------------------------------------

def test_disposition_follows_pct_and_falls_one_step() -> None:
    reject = DmarcOutcome("fail", "reject", pct=30)
    assert [reject.disposition(s) for s in (0, 29, 30, 99)] == ["reject", "reject", "quarantine", "quarantine"]
    quarantine = DmarcOutcome("fail", "quarantine", pct=50)
    assert [quarantine.disposition(s) for s in (49, 50)] == ["quarantine", "none"]
    assert DmarcOutcome("pass", "reject").disposition(0) == "none"
    assert DmarcOutcome("temperror", "none").disposition(0) == "none"
    assert DmarcOutcome("temperror").disposition(0) == "temperror"   # policy unknown: the gateway answers 451


def test_sp_applies_only_below_the_organisational_domain() -> None:
    def resolver(name: str, rtype: str) -> list[str]:
        return {"_dmarc.corp.test": ["v=DMARC1; p=quarantine; sp=reject; pct=200"],
                "_dmarc.odd.test": ["v=DMARC1; p=bogus"]}.get(name, [])

    assert dmarc_outcome("corp.test", "fail", "x.test", [], resolver) == DmarcOutcome("fail", "quarantine", 100)
    assert dmarc_outcome("a.corp.test", "fail", "x.test", [], resolver) == DmarcOutcome("fail", "reject", 100)
    assert dmarc_outcome("odd.test", "fail", "x.test", [], resolver).policy == "none"
