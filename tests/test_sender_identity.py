"""What vouches for a sender (gateway/sender_identity.py), without a network: the decision
table, and ``mailwarden check --untrusted`` running it on the shipped rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gateway.directory import Directory
from gateway.policy import PolicyHolder, check
from gateway.sender_identity import (
    FORGED_INTERNAL_SENDER,
    SenderUnverifiable,
    header_from_addresses,
    identity_findings,
    needs_sender_auth,
    vouched,
)
from gateway.smtp import IncomingMessage
from rules.model import AuthResults
from tests.harness import REPO, simple_message
from tests.test_cli import mailwarden

DIRECTORY = Directory.load(REPO / "configs" / "directory.yaml")


def incoming(mail_from: str, *, trusted: bool = False, user: str | None = None) -> IncomingMessage:
    return IncomingMessage(mail_from=mail_from, rcpt_tos=("bob@example.com",), raw=b"", client_ip="127.0.0.9",
                           helo="x", authenticated_user=user, tls=False, trusted_client=trusted)


def findings(mail_from: str, header_from: list[str], auth: AuthResults | None = None, **kw) -> list[str]:  # noqa: ANN003
    return identity_findings(incoming(mail_from, **kw), header_from, DIRECTORY, auth)


def test_an_unknown_session_vouches_for_nobody() -> None:
    """IncomingMessage built without the session's word is not trusted (fail closed)."""
    msg = IncomingMessage(mail_from="a@example.com", rcpt_tos=(), raw=b"", client_ip="", helo="",
                          authenticated_user=None, tls=False)
    assert not vouched(msg)
    assert vouched(incoming("a@example.com", trusted=True)) and vouched(incoming("a@example.com", user="a"))


@pytest.mark.parametrize(("mail_from", "header_from"), [
    ("ceo@example.com", ["ceo@example.com"]),
    ("ceo@example.com", ["someone@outside.org"]),      # envelope claim only
    ("mallory@outside.org", ["ceo@example.com"]),      # the CEO phish: header claim only
    ("", ["ceo@sales.example.com"]),                   # subdomains are ours too
    ("x@outside.org", ["x@outside.org", "ceo@example.com"]),
    ("x@outside.org", ["ceo@example.com."]),            # what does not show does not count
    ("ceo@EXAMPLE.com.", ["x@outside.org"]),
    ("x@outside.org", ["ceo@[example.com]"]),
    ("x@outside.org", ["ceo@example.com\x00"]),
    ("x@outside.org", ["ceo@exam\u200bple.com"]),
    # Read as example.com by IDNA (UTS 46) and by eye in a Chinese-locale reader; each of
    # these was no claim on the first landing: ideographic and fullwidth full stops,
    # fullwidth letters.
    ("x@outside.org", ["ceo@example\u3002com"]),
    ("x@outside.org", ["ceo@example\uff0ecom"]),
    ("x@outside.org", ["ceo@example\uff61com"]),
    ("x@outside.org", ["ceo@\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.com"]),
])
def test_unvouched_claims_are_forged(mail_from: str, header_from: list[str]) -> None:
    assert findings(mail_from, header_from) == [FORGED_INTERNAL_SENDER]
    assert findings(mail_from, header_from, AuthResults("fail", "none", "fail")) == [FORGED_INTERNAL_SENDER]
    assert findings(mail_from, header_from, trusted=True) == []
    assert findings(mail_from, header_from, user="alice") == []


def test_an_unparsable_from_is_still_judged() -> None:
    assert header_from_addresses(["a@b.org"], ["whatever"]) == ["a@b.org"]
    assert header_from_addresses([], ['CEO <ceo@Example.com>,,"<']) == ["ceo@example.com"]
    assert findings("x@outside.org", header_from_addresses([], ["CEO <ceo@example.com"])) == [
        FORGED_INTERNAL_SENDER]


def test_no_claim_no_finding() -> None:
    assert findings("x@outside.org", ["x@outside.org"]) == []
    assert findings("", []) == []
    assert findings("x@notexample.com", ["y@example.com.evil.org"]) == []


def test_dns_backs_a_claim_only_for_the_identity_it_checks() -> None:
    passed = AuthResults(spf="pass", dkim="none", dmarc="pass")
    assert findings("news@example.com", ["news@example.com"], passed) == []
    # SPF passes for the envelope, but the header From claim needs DMARC.
    assert findings("news@example.com", ["ceo@example.com"], AuthResults("pass", "none", "none")) == [
        FORGED_INTERNAL_SENDER]
    # DMARC pass for one From domain does not cover a second From address.
    assert findings("x@outside.org", ["x@outside.org", "ceo@example.com"], passed) == [FORGED_INTERNAL_SENDER]
    # An envelope claim needs SPF pass for itself.
    assert findings("ceo@example.com", ["x@outside.org"], AuthResults("softfail", "pass", "pass")) == [
        FORGED_INTERNAL_SENDER]


def test_dns_trouble_leaves_a_claim_undecided() -> None:
    with pytest.raises(SenderUnverifiable) as err:
        findings("ceo@example.com", ["ceo@example.com"], AuthResults("temperror", "none", "none"))
    assert err.value.reply.startswith("451 4.7.0")
    with pytest.raises(SenderUnverifiable):
        findings("x@outside.org", ["ceo@example.com"], AuthResults("pass", "temperror", "fail"))
    # Without a claim, DNS trouble is not our concern here.
    assert findings("x@outside.org", ["x@outside.org"], AuthResults("temperror", "none", "none")) == []


def test_who_is_looked_up() -> None:
    assert not needs_sender_auth(incoming("alice@example.com", trusted=True), DIRECTORY)
    assert not needs_sender_auth(incoming("alice@example.com", user="alice"), DIRECTORY)
    assert needs_sender_auth(incoming("alice@example.com"), DIRECTORY)            # the spoofed insider
    assert needs_sender_auth(incoming("x@outside.org", trusted=True), DIRECTORY)  # relayed inbound mail


def test_shipped_rules_refuse_the_forgery() -> None:
    policy = PolicyHolder(REPO / "configs" / "rules.yaml", REPO / "configs" / "directory.yaml").current
    raw = simple_message(sender="CEO <ceo@example.com>", subject="Urgent wire transfer")
    inside = check(policy, raw, "ceo@example.com", ["bob@example.com"])
    assert inside.action == "deliver" and inside.direction == "internal"
    outside = check(policy, raw, "ceo@example.com", ["bob@example.com"], trusted_client=False)
    assert outside.action == "reject" and outside.direction == "inbound"
    assert outside.reject_reply is not None and outside.reject_reply[:2] == (550, "5.7.1")
    assert "forged-internal-sender" in outside.rules
    assert FORGED_INTERNAL_SENDER in outside.findings


def test_check_cli_untrusted(tmp_path: Path) -> None:
    from tests.harness import free_port, write_config

    config = write_config(tmp_path / "gw", database_url=f"sqlite:///{tmp_path / 'gw.db'}", next_hop="127.0.0.1:9",
                          smtp_port=free_port(), api_port=free_port())
    eml = tmp_path / "m.eml"
    eml.write_bytes(simple_message(sender="ceo@example.com"))
    out = mailwarden("check", str(eml), "--from", "ceo@example.com", "--to", "bob@example.com", "--untrusted",
                     config=config)
    assert out.returncode == 0, out.stderr
    verdict = json.loads(out.stdout)
    assert (verdict["action"], verdict["direction"]) == ("reject", "inbound")
    assert FORGED_INTERNAL_SENDER in verdict["findings"]


def test_lint_warns_when_no_rule_acts_on_the_identity_findings(tmp_path: Path) -> None:
    """An upgrade keeps the administrator's own rules file, which has no rule for the new
    findings: the gateway makes them and nothing refuses the spoofed insider. The old lint
    said only "OK"; now it names each finding nothing acts on (and still passes the file)."""
    from tests.harness import free_port, write_config
    from tests.test_cli import mailwarden as run

    config = write_config(tmp_path / "gw", database_url=f"sqlite:///{tmp_path / 'gw.db'}", next_hop="127.0.0.1:9",
                          smtp_port=free_port(), api_port=free_port())
    old = tmp_path / "old-rules.yaml"
    old.write_text("rules:\n  - name: block-exe\n    when: {attachment: {executable: true}}\n    action: reject\n"
                   "  - name: spoof-score\n    when: {finding: [forged_internal_sender]}\n    action: score\n"
                   "    score: 5\n")
    out = run("rules", "lint", str(old), config=config)
    assert out.returncode == 0, out.stderr
    assert "forged_internal_sender" in out.stderr and "header_from_not_owned" in out.stderr
    shipped = run("rules", "lint", config=config)
    assert shipped.returncode == 0 and "warning" not in shipped.stderr, shipped.stderr
