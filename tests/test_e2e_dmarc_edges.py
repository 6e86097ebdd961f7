"""DMARC as an attacker probes it (issue 11, review): the From domains DMARC is checked for
are the ones a reader and the rules see, and DNS trouble is never a 550 nor a pass.

Real SMTP from an outside address (127.0.0.9), a real DNS server (dnsmasq on loopback,
``MAILWARDEN_REQUIRE_DNSMASQ=1`` makes a missing one a failure), SQLite and PostgreSQL.
Names outside the server's zone get REFUSED: a temporary DNS error, as a SERVFAIL would be.
"""

from __future__ import annotations

import smtplib
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from rules.auth import DmarcOutcome, dmarc_outcome
from tests.dnsmasq import dnsmasq
from tests.harness import InProcessGateway, Sink, free_port, simple_message, write_config

OUTSIDER = "127.0.0.9"
RECORDS = {
    # An attacker's own domain: SPF passes for the outsider, DMARC passes, p=none.
    "attacker.test": f"v=spf1 ip4:{OUTSIDER} -all", "_dmarc.attacker.test": "v=DMARC1; p=none",
    # The brand being impersonated: p=reject, the outsider is not in its SPF.
    "bank.test": "v=spf1 ip4:192.0.2.1 -all", "_dmarc.bank.test": "v=DMARC1; p=reject",
    # p=reject, and its SPF includes a name whose DNS is down (outside the zone: REFUSED).
    "flaky.test": "v=spf1 include:spf.down.invalid -all", "_dmarc.flaky.test": "v=DMARC1; p=reject",
    # The same DNS trouble under p=none: nothing depends on the result.
    "relaxed.test": "v=spf1 include:spf.down.invalid -all", "_dmarc.relaxed.test": "v=DMARC1; p=none",
    # Two organisations under one public suffix (ne.jp): the attacker's SPF passes for it.
    "attacker.ne.jp": f"v=spf1 ip4:{OUTSIDER} -all", "_dmarc.attacker.ne.jp": "v=DMARC1; p=none",
    "victim.ne.jp": "v=spf1 ip4:192.0.2.1 -all", "_dmarc.victim.ne.jp": "v=DMARC1; p=reject; sp=reject",
}


@pytest.fixture(scope="module")
def dns_port() -> Iterator[int]:
    with dnsmasq(RECORDS, zones=("test", "jp")) as port:
        yield port


@pytest.fixture
def gw(tmp_path: Path, database_url: str, dns_port: int) -> Iterator[tuple[InProcessGateway, Sink]]:
    sink = Sink().start()
    config = write_config(tmp_path / "gw", database_url=database_url, next_hop=f"127.0.0.1:{sink.port}",
                          smtp_port=free_port(), api_port=free_port(),
                          overrides={"smtp": {"check_sender_auth": True},
                                     "sender_auth": {"nameservers": [f"127.0.0.1:{dns_port}"],
                                                     "dns_timeout": "3s"}})
    gateway = InProcessGateway(config, with_api=False).start()
    yield gateway, sink
    gateway.stop()
    sink.stop()


def transmit(port: int, mail_from: str, data: bytes) -> tuple[int, bytes]:
    with smtplib.SMTP("127.0.0.1", port, timeout=30, source_address=(OUTSIDER, 0)) as client:
        client.ehlo("mx.attacker.test")
        assert client.mail(mail_from)[0] == 250
        assert client.rcpt("bob@example.com")[0] == 250
        return client.data(data)


@pytest.mark.parametrize("from_headers", [
    # Two From headers: the old check read the first only (attacker.test, which passes).
    "From: billing@attacker.test\r\nFrom: Bank <boss@bank.test>\r\n",
    # Two addresses in one From.
    "From: billing@attacker.test, Bank <boss@bank.test>\r\n",
    # The address as an encoded-word: readers decode it and show <boss@bank.test>; the old
    # check looked up DMARC for the encoded text itself (no record: none).
    "From: =?utf-8?q?=3Cboss=40bank=2Etest=3E?=\r\n",
], ids=["two-from-headers", "two-addresses", "encoded-word"])
def test_a_p_reject_domain_cannot_hide_behind_a_passing_one(gw, from_headers: str) -> None:  # noqa: ANN001
    """Each got 250 and reached the sink on the old main (DMARC pass or none for the
    attacker's own domain); now bank.test's p=reject applies: 550 5.7.1."""
    gateway, sink = gw
    data = simple_message(subject="Payment details changed").replace(b"From: alice@example.com\r\n",
                                                                     from_headers.encode())
    code, text = transmit(gateway.smtp_port, "billing@attacker.test", data)
    assert (code, text[:5]) == (550, b"5.7.1") and b"DMARC" in text
    time.sleep(0.3)
    assert sink.messages == []


@pytest.mark.parametrize("header_from", ["boss@victim.ne.jp", "boss@mail.victim.ne.jp"])
def test_a_neighbour_under_the_same_public_suffix_is_not_aligned(gw, header_from: str) -> None:  # noqa: ANN001
    """Failed on the old main (250): its organisational domain was the last two labels, so
    attacker.ne.jp's SPF pass was "aligned" with victim.ne.jp (relaxed), and for
    mail.victim.ne.jp the policy was looked up at _dmarc.ne.jp (none) instead of victim.ne.jp."""
    gateway, sink = gw
    code, text = transmit(gateway.smtp_port, "billing@attacker.ne.jp", simple_message(sender=header_from))
    assert (code, text[:5]) == (550, b"5.7.1") and b"DMARC" in text
    time.sleep(0.3)
    assert sink.messages == []


def test_the_attackers_own_domain_alone_still_passes(gw) -> None:  # noqa: ANN001
    gateway, sink = gw
    assert transmit(gateway.smtp_port, "billing@attacker.test",
                    simple_message(sender="Billing <billing@attacker.test>"))[0] == 250
    [msg] = sink.handler.wait_to("bob@example.com")
    assert b"dmarc=pass" in msg.data


def test_dns_trouble_under_p_reject_is_temporary_not_a_refusal(gw) -> None:  # noqa: ANN001
    """SPF temperror (its include could not be looked up) and no DKIM: the old main called
    it a DMARC fail and answered 550 under p=reject, refusing genuine mail for our DNS's sake.
    Now 451 4.7.0: the sender retries and the check runs then."""
    gateway, sink = gw
    code, text = transmit(gateway.smtp_port, "billing@flaky.test", simple_message(sender="billing@flaky.test"))
    assert (code, text[:5]) == (451, b"4.7.0") and b"DMARC" in text
    time.sleep(0.3)
    assert sink.messages == []


def test_a_dmarc_record_dns_cannot_fetch_is_temporary_not_a_pass(gw) -> None:  # noqa: ANN001
    """The From domain's DMARC record could not be fetched (its DNS answers REFUSED): the old
    main delivered (no policy known, so none applied) — an acceptance without the check."""
    gateway, sink = gw
    code, text = transmit(gateway.smtp_port, "billing@attacker.test",
                          simple_message(sender="boss@bank-unreachable.invalid"))
    assert (code, text[:5]) == (451, b"4.7.0")
    time.sleep(0.3)
    assert sink.messages == []


def test_dns_trouble_under_p_none_changes_nothing(gw) -> None:  # noqa: ANN001
    gateway, sink = gw
    assert transmit(gateway.smtp_port, "news@relaxed.test", simple_message(sender="news@relaxed.test"))[0] == 250
    [msg] = sink.handler.wait_to("bob@example.com")
    assert b"dmarc=temperror" in msg.data


# ---- the arithmetic, without a network ---------------------------------------------------

def test_temperror_without_an_aligned_pass_is_not_a_fail() -> None:
    def resolver(name: str, rtype: str) -> list[str]:
        return {"_dmarc.corp.test": ["v=DMARC1; p=reject"]}.get(name, [])

    assert dmarc_outcome("corp.test", "temperror", "corp.test", [], resolver).result == "temperror"
    assert dmarc_outcome("corp.test", "fail", "corp.test", [], resolver, dkim_result="temperror").result == "temperror"
    assert dmarc_outcome("corp.test", "temperror", "corp.test", ["corp.test"], resolver).result == "pass"
    assert dmarc_outcome("corp.test", "fail", "corp.test", [], resolver, dkim_result="fail").result == "fail"
    assert DmarcOutcome("temperror", "reject").disposition(0) == "temperror"
    assert DmarcOutcome("temperror", None).disposition(0) == "temperror"   # the record itself unknown
    assert DmarcOutcome("temperror", "none").disposition(0) == "none"


def test_organisational_domains_come_from_the_public_suffix_list() -> None:
    from rules.auth import organisational_domain

    assert organisational_domain("mail.victim.ne.jp") == "victim.ne.jp"
    assert organisational_domain("a.b.example.co.uk") == "example.co.uk"
    assert organisational_domain("x.sh.cn") == "x.sh.cn"
    assert organisational_domain("mail.corp.example.com.cn") == "example.com.cn"
    assert organisational_domain("Mail.Example.COM.") == "example.com"
    assert organisational_domain("co.uk") == "co.uk"          # a public suffix is its own
    assert organisational_domain("a.corp.test") == "corp.test"


def test_a_from_domain_dns_cannot_hold_has_no_policy_not_a_dns_error(dns_port: int) -> None:
    """``From: x@example..com`` (an empty label): dnspython refuses the name itself; that is
    no record (DMARC none), not a temporary error that would defer such mail forever."""
    from gateway.sender_auth import dns_resolver

    resolve = dns_resolver(timeout=3, nameservers=[("127.0.0.1", dns_port)])
    assert resolve("_dmarc.example..com", "TXT") == []
    assert resolve("_dmarc." + "a" * 70 + ".test", "TXT") == []
    assert resolve("_dmarc.bank.test", "TXT") == ["v=DMARC1; p=reject"]
