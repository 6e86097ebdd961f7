"""The rule language for the engines' answers (rules/external.py): ``rspamd:``,
``rspamd_symbol:``, ``finding: malware`` / ``scanner unavailable``, with file:line errors,
and the shipped rules' malware and Rspamd rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from rules.engine import Engine, EvaluationContext
from rules.external import RspamdResult, malware, scanner_unavailable
from rules.loader import RuleSetError, lint, load_ruleset
from rules.model import Action, Envelope
from rules.payloads import payloads
from tests.test_rules_engine import DIRECTORY, SHIPPED, classify, message

RULES = """\
spam: {tag: 5, quarantine: 10, reject: 15}
rules:
  - name: rspamd-gtube
    when: {rspamd_symbol: [GTUBE]}
    action: reject
    code: 554
    message: "rspamd saw GTUBE"
  - name: rspamd-high
    when: {rspamd: {score: {gt: 10}}}
    action: score
    score: 10
  - name: rspamd-rejects
    when: {rspamd: {action: reject}}
    action: tag
    subject_prefix: "[RSPAMD]"
  - name: scanner-down
    when: {finding: scanner unavailable}
    action: quarantine
"""


def judge(engine: Engine, sender: str, to: str, **ctx: object) -> object:
    env = Envelope(mail_from=sender, rcpt_tos=(to,), client_ip="192.0.2.1")
    return engine.evaluate(__import__("rules.content").content.parse(message(sender=sender)), env, EvaluationContext(
        directions=classify(sender, [to]), directory=DIRECTORY, **ctx))


def test_rspamd_conditions_read_its_score_action_and_symbols(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text(RULES)
    engine = Engine(load_ruleset(tmp_path / "r.yaml"))
    gtube = RspamdResult(score=15.0, action="reject", symbols={"GTUBE": 0.0})
    v = judge(engine, "x@outside.test", "bob@example.com", rspamd=gtube)
    assert v.action == Action.REJECT and "rspamd-gtube" in v.rules and "rspamd-high" in v.rules
    assert v.reject_reply == (554, "5.7.1", "rspamd saw GTUBE")
    high = RspamdResult(score=12.0, action="add header", symbols={"MW_TEST_SPAMMY": 12.0})
    v = judge(engine, "x@outside.test", "bob@example.com", rspamd=high)
    assert v.action == Action.QUARANTINE and v.rules == ["rspamd-high", "spam-threshold"]
    low = RspamdResult(score=1.0, action="no action")
    assert judge(engine, "x@outside.test", "bob@example.com", rspamd=low).rules == []
    # no answer (off): no rspamd condition holds; down with on_failure: accept is a finding
    assert judge(engine, "x@outside.test", "bob@example.com").rules == []
    v = judge(engine, "x@outside.test", "bob@example.com", findings=(scanner_unavailable("rspamd"),))
    assert v.rules == ["scanner-down"] and v.action == Action.QUARANTINE


@pytest.mark.parametrize(("when", "expect"), [
    ("{rspamd: {score: {over: 10}}}", ":3: over: unknown comparison"),
    ("{rspamd: {action: panic}}", ":3: action: unknown rspamd action 'panic'"),
    ("{rspamd: {symbol: X}}", ":3: symbol: unknown key in rspamd"),
    ("{rspamd: {}}", ":3: rspamd: needs score and/or action"),
    ("{rspamd_symbol: 'BAD NAME'}", ":3: rspamd_symbol: must be a symbol name"),
    ("{rspamd_symbol: {x: 1}}", ":3: rspamd_symbol: must be a string or a list"),
])
def test_rspamd_condition_errors_name_file_and_line(tmp_path: Path, when: str, expect: str) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(f"rules:\n  - name: a\n    when: {when}\n    action: deliver\n")
    with pytest.raises(RuleSetError) as exc:
        load_ruleset(path)
    assert str(exc.value).startswith(str(path) + expect), str(exc.value)
    assert lint(path)[0] == str(exc.value)


def test_shipped_rules_refuse_malware_crossing_the_border_and_hold_it_internally() -> None:
    engine = Engine(load_ruleset(SHIPPED))
    for sender, to in (("x@outside.test", "bob@example.com"), ("alice@example.com", "p@other.org")):
        v = judge(engine, sender, to, findings=(malware("Eicar-Test-Signature"),))
        assert v.action == Action.REJECT and v.reject_reply[:2] == (554, "5.7.1"), (sender, to)
        assert "group:compliance-team" in v.notify
    v = judge(engine, "alice@example.com", "bob@example.com", findings=(malware("Eicar-Test-Signature"),))
    assert v.action == Action.QUARANTINE and "malware-internal" in v.rules
    assert "group:compliance-team" in v.notify
    rspamd_says_reject = RspamdResult(score=20.0, action="reject")
    v = judge(engine, "x@outside.test", "bob@example.com", rspamd=rspamd_says_reject)
    assert v.action == Action.QUARANTINE and "rspamd-spam" in v.rules   # our threshold decides: held


def test_payloads_are_the_parts_as_mailwarden_decodes_them() -> None:
    raw = message(body="see attached", attachments=[("a.bin", b"\x00\x01binary"), ("b.bin", b"\x00\x01binary")])
    found = payloads(raw)
    assert [(p.path, p.data) for p in found] == [("part1", b"see attached"), ("a.bin", b"\x00\x01binary")]
    assert payloads(b"\xff\xfe not mail at all") == []   # plain text: the whole message covers it
