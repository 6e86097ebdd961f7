"""Every notice renders in both languages with what a person needs, and none goes to an
outside or unvouched sender (no database: the templates and the sending rules)."""

from __future__ import annotations

from typing import Any

import pytest

from quarantine.notices import Notices

ENTRY = {"id": 42, "recipient": "partner@other.org", "mail_from": "li.wei@example.com", "direction": "outbound",
         "rules": ["outbound-confidential-marker"], "routes": {"supervisor": ["cfo@example.com"]},
         "expires_at": 1_800_000_000.0, "required_approvals": 1, "status": "held", "digest": "x"}


def _notices(sent: list[tuple[str, str, str]], language: str) -> Notices:
    return Notices(lambda _conn, to, subject, body: sent.append((to, subject, body)),
                   base_url="https://mw.example.com", language_of=lambda _a: language,
                   describe=lambda rule: {"outbound-confidential-marker": "Confidential markers"}[rule],
                   subject_of=lambda _e: "合同", is_internal=lambda a: a.endswith("@example.com"))


@pytest.mark.parametrize(("language", "words"), [("en", "Reference"), ("zh-CN", "编号")])
def test_every_notice_renders_with_reference_reviewers_expiry_and_a_page_link(language: str, words: str) -> None:
    sent: list[tuple[str, str, str]] = []
    n = _notices(sent, language)
    entries: list[dict[str, Any]] = [ENTRY]
    n.held(None, entries, subject="合同", evidence=[{"where": "body", "snippet": "机*"}],
           reviewers=["cfo@example.com"], digest=lambda _r: False, sender_link=None)
    n.decided(None, entries, action="release", actor="cfo", comment="ok", others=["grace@example.com"])
    n.decided(None, entries, action="reject", actor="cfo", comment="no", others=[])
    n.reminder(None, entries, ["cfo@example.com"])
    n.escalated(None, entries, ["grace@example.com"])
    n.expired(None, entries, released=[], expired=["partner@other.org"])
    n.digest(None, "cfo@example.com", "hourly", entries)
    n.screened(None, "cfo@example.com", subject="合同", sender="li.wei@example.com", recipients=["p@other.org"],
               rules=["outbound-confidential-marker"], outcome="quarantine")
    assert len(sent) == 10  # held: reviewer + sender; release: sender + other reviewer; reject: sender; ...
    *each, (_to, _digest_subject, digest), (_to2, screened_subject, screened) = sent
    assert "#42 " in digest and "https://mw.example.com/quarantine/42" in digest and "合同" in digest
    assert "Confidential markers" in screened and "合同" in screened_subject
    for to, subject, body in each:
        assert subject.startswith("[mailwarden] ") and "\n" not in subject and "合同" in subject
        assert words in body and "#42" in body and "Confidential markers" in body
        if to != "li.wei@example.com":  # reviewers get a page they can open
            assert "https://mw.example.com/quarantine/42" in body
        assert "outbound-confidential-marker" not in body  # descriptions, not slugs
    assert any("cfo@example.com" in body and "2027-01-15" in body for _to, _s, body in sent)


def test_no_notice_to_an_outside_or_inbound_sender() -> None:
    sent: list[tuple[str, str, str]] = []
    n = _notices(sent, "en")
    outside = {**ENTRY, "mail_from": "prize@spam.test", "direction": "inbound"}
    spoofed = {**ENTRY, "mail_from": "ceo@example.com", "direction": "inbound"}  # unvouched: classified inbound
    for entry in (outside, spoofed):
        n.held(None, [entry], subject="x", evidence=[], reviewers=[], digest=lambda _r: False, sender_link=None)
        n.decided(None, [entry], action="reject", actor="grace", comment="spam", others=[])
        n.expired(None, [entry], released=[], expired=[entry["recipient"]])
    assert sent == []
