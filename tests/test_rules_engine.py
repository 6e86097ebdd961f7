"""Engine: precedence, audit, stop, per-recipient verdicts, four-eyes, redaction, shipped rules."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from rules.content import parse
from rules.engine import Engine, EvaluationContext
from rules.loader import load_ruleset
from rules.model import Action, AuthResults, Direction, Envelope, Mode, SenderStats, Verdict
from rules.spam import GTUBE
from tests.archivers import pe_executable

SHIPPED = Path(__file__).parent.parent / "configs" / "rules.yaml"


@dataclass
class Directory:
    """A small in-memory DirectoryView (the gateway's real one reads directory.yaml)."""

    domains: tuple[str, ...] = ("example.com",)
    departments: dict[str, str] = field(default_factory=lambda: {"alice@example.com": "finance",
                                                                  "bob@example.com": "engineering"})
    groups: dict[str, frozenset[str]] = field(default_factory=lambda: {"boss@example.com": frozenset({"managers"})})
    no_external: frozenset[str] = frozenset({"intern@example.com"})

    def is_internal(self, address: str) -> bool:
        d = address.lower().rpartition("@")[2]
        return any(d == x or d.endswith("." + x) for x in self.domains)

    def department_of(self, address: str) -> str | None:
        return self.departments.get(address.lower())

    def groups_of(self, address: str) -> frozenset[str]:
        dep = self.department_of(address)
        return self.groups.get(address.lower(), frozenset()) | ({dep} if dep else set())

    def may_send_externally(self, address: str) -> bool:
        return address.lower() not in self.no_external


DIRECTORY = Directory()


def classify(sender: str, rcpts: list[str]) -> dict[str, Direction]:
    s_in = DIRECTORY.is_internal(sender)
    out = {}
    for r in rcpts:
        r_in = DIRECTORY.is_internal(r)
        out[r] = Direction.INTERNAL if s_in and r_in else Direction.OUTBOUND if s_in else Direction.INBOUND
    return out


def message(body: str = "hello", subject: str = "hi", sender: str = "alice@example.com",
            attachments: list[tuple[str, bytes]] | None = None, extra_headers: str = "") -> bytes:
    head = (f"From: {sender}\r\nTo: someone\r\nSubject: {subject}\r\nMessage-ID: <m1@example.com>\r\n"
            f"Date: {__import__('email.utils').utils.formatdate()}\r\n{extra_headers}MIME-Version: 1.0\r\n")
    if not attachments:
        return (head + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                ).encode() + body.encode()
    parts = [head + "Content-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\n"
             "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
             + base64.b64encode(body.encode()).decode() + "\r\n"]
    for name, data in attachments:
        parts.append(f'--XX\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n'
                     f'Content-Disposition: attachment; filename="{name}"\r\n\r\n'
                     + base64.encodebytes(data).decode().replace("\n", "\r\n") + "\r\n")
    parts.append("--XX--\r\n")
    return "".join(parts).encode()


def run(engine: Engine, raw: bytes, sender: str, rcpts: list[str], **ctx_kw: object) -> Verdict:
    env = Envelope(mail_from=sender, rcpt_tos=tuple(rcpts), client_ip="192.0.2.1")
    ctx = EvaluationContext(directions=classify(sender, rcpts), directory=DIRECTORY, **ctx_kw)  # type: ignore[arg-type]
    return engine.evaluate(parse(raw), env, ctx)


def engine_from(tmp_path: Path, text: str) -> Engine:
    p = tmp_path / "rules.yaml"
    p.write_text(text, encoding="utf-8")
    return Engine(load_ruleset(p))


@pytest.fixture(scope="module")
def shipped() -> Engine:
    return Engine(load_ruleset(SHIPPED))


# -- semantics -------------------------------------------------------------------------------

RULES = """
spam: {tag: 5, quarantine: 10, reject: 15}
lists:
  secret_words: [project x, 机密]
rules:
  - name: hold-secrets
    when: {keywords: secret_words}
    action: quarantine
  - name: refuse-exe
    when: {attachment: {executable: true}}
    action: reject
    message: "no executables"
  - name: audit-everything-big
    mode: audit
    when: {message_size: {gt: 10}}
    action: reject
  - name: vip-allow
    priority: 100
    when: {sender: {group: managers}}
    action: deliver
    stop: true
  - name: four-eyes
    when: {subject: {terms: [board minutes]}}
    action: quarantine
    review: group:board-office
    approvals: 2
    comment_required: true
  - name: soft-warn
    when: {body: {terms: [please review]}}
    action: warn
  - name: tag-external
    when: {direction: outbound}
    action: tag
    subject_prefix: "[EXT]"
    add_header: {X-External: "yes"}
    copy_to: journal@example.com
    notify: [supervisor]
"""


def test_precedence_and_all_hits_recorded(tmp_path: Path) -> None:
    eng = engine_from(tmp_path, RULES)
    v = run(eng, message("机密", attachments=[("a.pdf", pe_executable())]), "alice@example.com",
            ["bob@example.com"])
    assert v.action == Action.REJECT
    assert v.reject_reply == (550, "5.7.1", "no executables")
    assert {"hold-secrets", "refuse-exe", "audit-everything-big"} <= set(v.rules)
    assert v.recipients["bob@example.com"].action == Action.REJECT


def test_audit_mode_records_without_acting(tmp_path: Path) -> None:
    eng = engine_from(tmp_path, RULES)
    v = run(eng, message("nothing special"), "alice@example.com", ["bob@example.com"])
    assert v.action == Action.DELIVER
    audit = [h for h in v.hits if h.rule == "audit-everything-big"]
    assert audit and audit[0].mode == Mode.AUDIT
    assert v.to_json()["hits"][0]["mode"] == "audit"


def test_stop_ends_evaluation(tmp_path: Path) -> None:
    eng = engine_from(tmp_path, RULES)
    v = run(eng, message("机密"), "boss@example.com", ["bob@example.com"])
    assert v.action == Action.DELIVER
    assert v.rules == ["vip-allow"]


def test_per_recipient_split(tmp_path: Path, shipped: Engine) -> None:
    raw = message("附件为公司内部资料，请查收。", subject="季度报表")
    v = run(shipped, raw, "alice@example.com", ["bob@example.com", "partner@other.test"])
    assert v.recipients["bob@example.com"].action == Action.DELIVER
    assert v.recipients["bob@example.com"].direction == Direction.INTERNAL
    held = v.recipients["partner@other.test"]
    assert held.action == Action.QUARANTINE and held.direction == Direction.OUTBOUND
    assert "outbound-confidential-marker" in held.rules
    assert held.review_group is None  # the sender's supervisor
    assert v.department == "finance"
    assert v.action == Action.QUARANTINE and v.direction == Direction.OUTBOUND
    assert v.recipients_with(Action.DELIVER) == ["bob@example.com"]

    eng = engine_from(tmp_path, RULES)
    v = run(eng, message("hi"), "alice@example.com", ["bob@example.com", "x@other.test"])
    assert v.subject_prefix == "[EXT]" and ("X-External", "yes") in v.add_headers
    assert v.copy_to == ["journal@example.com"] and v.notify == ["supervisor"]
    tag_hit = next(h for h in v.hits if h.rule == "tag-external")
    assert tag_hit.recipients == ("x@other.test",)


def test_four_eyes_and_warn(tmp_path: Path) -> None:
    eng = engine_from(tmp_path, RULES)
    v = run(eng, message("x", subject="Board minutes March"), "alice@example.com", ["bob@example.com"])
    rv = v.recipients["bob@example.com"]
    assert rv.action == Action.QUARANTINE
    assert rv.required_approvals == 2 and rv.comment_required and rv.review_group == "board-office"
    assert not rv.sender_may_release

    v = run(eng, message("please review this"), "alice@example.com", ["bob@example.com"])
    rv = v.recipients["bob@example.com"]
    assert rv.action == Action.QUARANTINE and rv.sender_may_release

    v = run(eng, message("please review this 机密"), "alice@example.com", ["bob@example.com"])
    assert not v.recipients["bob@example.com"].sender_may_release  # a hard hold wins


def test_evidence_is_redacted(shipped: Engine) -> None:
    card = "4111111111111111"
    spaced = "4111 1111 1111 1111"
    pid = "310104198503120048"
    body = f"Visa card {spaced} exp 12/29, 身份证 {pid}, backup card {card}"
    doc = io.BytesIO()
    with zipfile.ZipFile(doc, "w") as zf:
        zf.writestr("list.csv", f"name,card\nZhang,{card}\n")
    v = run(shipped, message(body, attachments=[("cards.zip", doc.getvalue())]), "alice@example.com",
            ["x@other.test"])
    assert v.action == Action.QUARANTINE
    dumped = json.dumps(v.to_json(), ensure_ascii=False)
    assert card not in dumped and spaced not in dumped and pid not in dumped
    assert "**** **** **** 1111" in dumped
    assert "**************0048" in dumped
    wheres = {e.where for h in v.hits for e in h.evidence}
    assert "body" in wheres and "attachment:cards.zip/list.csv" in wheres


def test_word_boundaries_and_normalisation(tmp_path: Path) -> None:
    eng = engine_from(tmp_path, "rules:\n  - name: c\n    when: {keywords: {terms: [confidential, 机密]}}\n"
                                "    action: quarantine\n")
    assert run(eng, message("this is nonconfidential"), "a@x.test", ["b@example.com"]).action == Action.DELIVER
    assert run(eng, message("ＣＯＮＦＩＤＥＮＴＩＡＬ"), "a@x.test", ["b@example.com"]).action == Action.QUARANTINE
    assert run(eng, message("Confidential."), "a@x.test", ["b@example.com"]).action == Action.QUARANTINE
    assert run(eng, message("这是机密文件"), "a@x.test", ["b@example.com"]).action == Action.QUARANTINE


def test_header_rules_do_not_decode_attachments(tmp_path: Path) -> None:
    eng = engine_from(tmp_path, "rules:\n  - name: h\n    when: {subject: {terms: [urgent]}}\n"
                                "    action: quarantine\n")
    m = parse(message("x", subject="URGENT", attachments=[("a.zip", b"PK\x03\x04junk")]))
    env = Envelope("a@example.com", ("b@example.com",))
    v = eng.evaluate(m, env, EvaluationContext(classify("a@example.com", ["b@example.com"]), DIRECTORY))
    assert v.action == Action.QUARANTINE
    assert "_walk" not in m.__dict__


def test_spam_thresholds(tmp_path: Path) -> None:
    rules = """
spam: {tag: 5, quarantine: 10, reject: 15, reject_message: "go away"}
rules:
  - name: s1
    when: {body: {terms: [cheap]}}
    action: score
    score: 6
  - name: s2
    when: {body: {terms: [pills]}}
    action: score
    score: 6
  - name: s3
    when: {body: {terms: [now]}}
    action: score
    score: 6
  - name: high-score-note
    when: {spam_score: {gte: 12}}
    action: tag
    add_header: {X-Very-Spammy: "1"}
"""
    eng = engine_from(tmp_path, rules)
    v = run(eng, message("cheap"), "a@x.test", ["b@example.com"])
    assert v.action == Action.DELIVER and v.subject_prefix == "[SPAM]" and v.spam_score == 6
    v = run(eng, message("cheap pills"), "a@x.test", ["b@example.com"])
    assert v.action == Action.QUARANTINE and ("X-Very-Spammy", "1") in v.add_headers
    v = run(eng, message("cheap pills now"), "a@x.test", ["b@example.com"])
    assert v.action == Action.REJECT and v.reject_reply == (554, "5.7.1", "go away")


def test_context_conditions(tmp_path: Path) -> None:
    rules = """
rules:
  - name: rate
    when: {sender_stats: {messages_last_hour: {gt: 100}}}
    action: quarantine
  - name: spf
    when: {auth: {spf: [fail]}}
    action: reject
  - name: many
    when: {recipient_count: {gt: 2}}
    action: tag
    subject_prefix: "[BULK]"
"""
    eng = engine_from(tmp_path, rules)
    v = run(eng, message(), "a@x.test", ["b@example.com"], sender_stats=SenderStats(messages_last_hour=101))
    assert v.rules == ["rate"]
    v = run(eng, message(), "a@x.test", ["b@example.com"], sender_stats=SenderStats(messages_last_hour=100),
            auth_results=AuthResults(spf="fail", dkim="none", dmarc="none"))
    assert v.rules == ["spf"] and v.action == Action.REJECT
    v = run(eng, message(), "a@x.test", ["b@example.com", "c@example.com", "d@example.com"])
    assert v.subject_prefix == "[BULK]"


# -- shipped rules ----------------------------------------------------------------------------

def test_shipped_chinese_marker_outbound_quarantined_internal_delivered(shipped: Engine) -> None:
    raw = message("本文件属于商业秘密，严禁外传。", subject="合同草案")
    v = run(shipped, raw, "alice@example.com", ["client@other.test"])
    assert v.action == Action.QUARANTINE
    assert "outbound-confidential-marker" in v.rules
    ev = next(h for h in v.hits if h.rule == "outbound-confidential-marker").evidence
    assert ev[0].where == "body" and "商业秘密" in ev[0].snippet
    v = run(shipped, raw, "alice@example.com", ["bob@example.com"])
    assert v.action == Action.DELIVER


def test_shipped_gtube_rejected(shipped: Engine) -> None:
    v = run(shipped, message(f"test {GTUBE} test"), "spammer@other.test", ["bob@example.com"])
    assert v.action == Action.REJECT
    code, status, text = v.reject_reply  # type: ignore[misc]
    assert code == 554 and status == "5.7.1" and "GTUBE" in text
    assert v.spam_score >= 1000
    assert v.to_json()["action"] == "reject"


def test_shipped_executables(shipped: Engine) -> None:
    exe = pe_executable()
    raw = message("invoice attached", attachments=[("invoice.pdf", exe)])
    assert run(shipped, raw, "x@other.test", ["bob@example.com"]).action == Action.REJECT
    assert run(shipped, raw, "alice@example.com", ["x@other.test"]).action == Action.QUARANTINE
    assert run(shipped, raw, "alice@example.com", ["bob@example.com"]).action == Action.QUARANTINE


def test_shipped_bulk_and_unauthorised_sender(shipped: Engine) -> None:
    rcpts = [f"u{i}@other.test" for i in range(51)]
    v = run(shipped, message("newsletter"), "alice@example.com", rcpts)
    assert v.action == Action.QUARANTINE and "outbound-bulk-recipients" in v.rules
    v = run(shipped, message("hello"), "intern@example.com", ["x@other.test"])
    rv = v.recipients["x@other.test"]
    assert rv.action == Action.QUARANTINE and rv.sender_may_release and rv.comment_required


def test_shipped_spoofed_our_domain_inbound(shipped: Engine) -> None:
    raw = message("wire the money now", sender='"ceo@example.com" <ceo@example.com>')
    v = run(shipped, raw, "attacker@evil.test", ["alice@example.com"],
            auth_results=AuthResults(spf="fail", dkim="none", dmarc="fail"))
    assert {"forged-our-domain", "display-name-spoof", "spf-dmarc-fail"} <= set(v.rules)
    assert v.spam_score == 17
    assert v.action == Action.REJECT and v.reject_reply and v.reject_reply[0] == 554
    # without the authentication failure it is held, not refused
    v = run(shipped, raw, "attacker@evil.test", ["alice@example.com"])
    assert v.spam_score == 12 and v.action == Action.QUARANTINE and v.subject_prefix == "[SPAM]"


def test_shipped_marker_in_docx_inside_zip(shipped: Engine) -> None:
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    doc = io.BytesIO()
    with zipfile.ZipFile(doc, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", f'<w:document xmlns:w="{w}"><w:body><w:p><w:r><w:t>第三季度计划（内部资料，'
                                         f'严禁外传）</w:t></w:r></w:p></w:body></w:document>')
    bundle = io.BytesIO()
    with zipfile.ZipFile(bundle, "w") as zf:
        zf.writestr("plans/q3.docx", doc.getvalue())
    raw = message("see attached", attachments=[("bundle.zip", bundle.getvalue())])
    v = run(shipped, raw, "bob@example.com", ["vendor@other.test"])
    assert v.action == Action.QUARANTINE
    hit = next(h for h in v.hits if h.rule == "outbound-confidential-marker")
    assert hit.evidence[0].where == "attachment:bundle.zip/plans/q3.docx"
    assert v.department == "engineering"


def test_many_recipients_fast_and_split(shipped: Engine) -> None:
    import time

    rcpts = [f"u{i}@other.test" for i in range(600)] + [f"c{i}@example.com" for i in range(400)]
    raw = message("机密 " * 2000)
    shipped.evaluate(parse(raw), Envelope("alice@example.com", tuple(rcpts[:2])),
                     EvaluationContext(classify("alice@example.com", rcpts[:2]), DIRECTORY))
    t0 = time.perf_counter()
    v = run(shipped, raw, "alice@example.com", rcpts)
    assert time.perf_counter() - t0 < 2.0
    assert len(v.recipients_with(Action.QUARANTINE)) == 600
    assert len(v.recipients_with(Action.DELIVER)) == 400


def test_header_conditions_and_findings(tmp_path: Path) -> None:
    eng = engine_from(tmp_path, r"""
rules:
  - name: mailer
    when: {header: {name: X-Mailer, regex: "^bulk\\s*mailer"}}
    action: tag
    subject_prefix: "[BULK]"
  - name: list-header
    when: {header: {name: List-Id, exists: true}}
    action: copy_to
    copy_to: lists@example.com
  - name: broken
    when: {finding: undecodable part}
    action: quarantine
""")
    raw = message("x", extra_headers="X-Mailer: Bulk Mailer 2.0\r\nList-Id: <news.example.org>\r\n")
    v = run(eng, raw, "a@x.test", ["b@example.com"])
    assert v.subject_prefix == "[BULK]" and v.copy_to == ["lists@example.com"] and v.action == Action.DELIVER
    bad = (b"From: a@x.test\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n"
           b"SGVsbG8=\r\nQQ\r\n")
    v = run(eng, bad, "a@x.test", ["b@example.com"])
    assert v.action == Action.QUARANTINE and "uninspectable: corrupt" in v.findings  # the legacy name still matches


def test_recipient_spelling_kept(shipped: Engine) -> None:
    rcpts = ["Partner@Other.Test", "partner@other.test", "Bob@Example.com"]
    v = shipped.evaluate(parse(message("机密")), Envelope("alice@example.com", tuple(rcpts)),
                         EvaluationContext({"Partner@Other.Test": Direction.OUTBOUND,
                                            "Bob@Example.com": Direction.INTERNAL}, DIRECTORY))
    assert list(v.recipients) == ["Partner@Other.Test", "Bob@Example.com"]
    assert v.recipients["Partner@Other.Test"].action == Action.QUARANTINE
    assert v.recipients["Bob@Example.com"].action == Action.DELIVER


def test_detector_proximity_survives_text_that_normalises_longer(tmp_path: Path) -> None:
    """Keyword hits are found in the normalised text, detector matches in the raw text:
    an ellipsis (… → ...) or ligature (ﬁ → fi) before them must not push them apart."""
    engine = engine_from(tmp_path, """
rules:
  - name: card-near-word
    when: {detector: {name: payment_card, near: {terms: [visa], within: 12}}}
    action: quarantine
""")
    padding = "Wait… ﬁne… " * 30            # 60 characters longer once normalised
    near = message(body=padding + "visa 4111 1111 1111 1111 thanks")
    far = message(body=padding + "visa" + " " * 40 + "4111 1111 1111 1111 thanks")
    assert run(engine, near, "alice@example.com", ["x@ext.example"]).action == Action.QUARANTINE
    assert run(engine, far, "alice@example.com", ["x@ext.example"]).action == Action.DELIVER
