"""Issue 19's error classes through the shipped rules (configs/rules.yaml), outbound mail:
confidence per finding, context and exclusions, the secrets catalogue, names, scams, and a
GBK text that is no DOS program. Each test failed on old main (b179a52)."""

from __future__ import annotations

import base64
import io
import os
import zipfile
from email.message import EmailMessage
from pathlib import Path

import pytest

from rules.content import parse
from rules.engine import Engine, EvaluationContext
from rules.loader import lint, load_ruleset
from rules.model import Direction, Envelope
from tests.secret_samples import github_token, rsa_pem

ROOT = Path(__file__).parent.parent
SHIPPED = Engine(load_ruleset(ROOT / "configs" / "rules.yaml"))
OUT = "partner@other.org"


class _Dir:
    def is_internal(self, a: str) -> bool:
        return a.lower().endswith("@example.com")

    def department_of(self, a: str) -> str | None:
        return None

    def groups_of(self, a: str) -> frozenset[str]:
        return frozenset()

    def may_send_externally(self, a: str) -> bool:
        return True


def mail(body: str, subject: str = "Update", attachments: tuple[tuple[str, bytes, str], ...] = ()) -> bytes:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = "alice@example.com", OUT, subject
    m["Message-ID"], m["Date"] = "<t@example.com>", "Thu, 03 Dec 2026 10:00:00 +0000"
    m.set_content(body)
    for name, data, ctype in attachments:
        main, sub = ctype.split("/")
        m.add_attachment(data, maintype=main, subtype=sub, filename=name)
    return m.as_bytes()


def verdict(raw: bytes, engine: Engine = SHIPPED) -> dict:
    return verdict_for(raw, "alice@example.com", OUT, Direction.OUTBOUND, engine)


def verdict_for(raw: bytes, sender: str, rcpt: str, direction: Direction, engine: Engine = SHIPPED) -> dict:
    """The verdict (JSON) for one recipient in ``direction``."""
    ctx = EvaluationContext({rcpt: direction}, _Dir())
    return engine.evaluate(parse(raw), Envelope(sender, (rcpt,)), ctx).to_json()


def crlf_mail(sender: str, to: str, subject: str, body: str) -> bytes:
    """A plain-text message exactly as written, with CRLF line ends as it comes over SMTP
    (``mail`` builds with the email package, which rewrites what a test may need kept)."""
    head = (f"From: {sender}\nTo: {to}\nSubject: {subject}\nMessage-ID: <crlf@test>\n"
            "Date: Thu, 03 Dec 2026 10:00:00 +0000\nContent-Type: text/plain; charset=utf-8\n\n")
    return (head + body).replace("\r\n", "\n").replace("\n", "\r\n").encode()


def action(raw: bytes) -> str:
    return verdict(raw)["recipients"][OUT]["action"]


def enforced(raw: bytes) -> list[str]:
    return [h["rule"] for h in verdict(raw)["hits"] if h["mode"] == "enforce"]


# -- confidence --------------------------------------------------------------------------

def test_card_confidence_shown_with_the_context_that_decided_it() -> None:
    v = verdict(mail("Please charge my Visa 4556 7375 8689 9855, valid thru 08/27, thanks."))
    hit = next(h for h in v["hits"] if h["rule"] == "outbound-payment-cards")
    ev = hit["evidence"][0]
    assert ev["confidence"] == "high"
    assert "visa" in ev["context"] and "expiry" in ev["context"]
    assert "8689" not in ev["snippet"] and "9855" in ev["snippet"]


@pytest.mark.parametrize("body", [
    "American Express 3714 496353 98407",                  # issuer name as context
    "卡号 6225 7600 0000 0013 有效期 12/28",                 # Chinese context (UnionPay)
    "Card 5425 2334 3010 9903 0927 thanks",                # expiry straight after the number
    "4556737586899855 exp 08/27",                          # expiry beside, no card word
    "as requested:\n5238 8131 9679 4274 03/30\n",          # MM/YY written straight after
])
def test_cards_with_context_or_expiry_are_held(body: str) -> None:
    assert action(mail(body)) == "quarantine", body


def test_single_card_without_context_is_recorded_low_not_held() -> None:
    v = verdict(mail("reference 4556737586899855 as discussed"))
    assert v["recipients"][OUT]["action"] == "deliver"
    audit = next(h for h in v["hits"] if h["rule"] == "outbound-low-confidence-findings")
    assert audit["mode"] == "audit" and audit["evidence"][0]["confidence"] == "low"


def test_public_test_card_and_order_columns_are_not_cards() -> None:
    assert action(mail("Stripe sandbox: use card 4242 4242 4242 4242, any CVC, any future date")) == "deliver"
    assert action(mail("Test cards for QA: Visa 4111 1111 1111 1111, Mastercard 5555 5555 5555 4444")) == "deliver"
    rows = "\n".join(f"{i},4556737586899855,2026-11-{i:02d},shipped" for i in range(1, 5))
    csv = f"Order ID,Serial,Date,Status\n{rows}\n".encode()
    assert action(mail("orders attached", attachments=(("orders.csv", csv, "text/csv"),))) == "deliver"
    zh = "订单号\t金额\n6225760000000002\t120.00\n6225760000000010\t80.00\n".encode()
    assert action(mail("见附件", attachments=(("订单.txt", zh, "text/plain"),))) == "deliver"


def test_confidence_minimum_is_linted_with_file_and_line(tmp_path: Path) -> None:
    p = tmp_path / "r.yaml"
    p.write_text("rules:\n  - name: x\n    when:\n      detector: {name: payment_card, confidence: certain}\n"
                 "    action: quarantine\n")
    assert lint(p) == [f"{p}:4: confidence: must be low, medium or high, not 'certain'"]


# -- context and exclusions ----------------------------------------------------------------

@pytest.mark.parametrize("body", [
    "Hi Bob,\nsee you Monday.\n\nThis e-mail and any attachments are confidential and intended solely "
    "for the addressee. If you are not the intended recipient, please delete it.",
    "王经理：\n周一见。\n\n本邮件及其附件含有保密信息，仅供指定收件人使用。如果您不是指定收件人，请立即通知发件人并删除。",
    "This deck is not confidential, feel free to share it.",
    "这个文件不是机密，可以直接发给客户。",
    "我们讨论了数据的机密性和完整性。",
    "周末带孩子去看了秘密花园主题展。",
    "说实话，这件事没有什么秘密。",
    "Our talk covers Confidential Computing on Intel TDX.",
    "Reminder: keep your password confidential and never share it.",
    "Thanks! None of this is confidential - it is all on our website already.",
    "We keep your personal data confidential and process it only as described.",
    "Rules: documents labelled CONFIDENTIAL, STRICTLY CONFIDENTIAL or INTERNAL ONLY must never be emailed out.",
    "请注意：标有“机密”“绝密”“内部资料”字样的文件，一律不得通过外部邮箱发送。",
    "周五见。\n\n此邮件及附件可能包含机密信息，仅限收件人使用。如非指定收件人，请立即删除。",
    "This email may contain privileged information. If you are not the named addressee you should not "
    "disseminate, distribute or copy this confidential e-mail.",
    "这份报价并不机密，可以转给客户。",
    "告诉你一个小秘密：下周团建去海边。",
    "我们在评估机密计算方案。",
])
def test_disclaimers_negations_and_compounds_are_not_markers(body: str) -> None:
    assert action(mail(body)) == "deliver", body


def test_news_about_trade_secrets_in_the_subject_is_not_a_banner() -> None:
    assert action(mail("看看这个案子", subject="转发：前员工窃取商业机密案一审宣判")) == "deliver"


def test_marker_in_banner_or_running_text_is_held_and_quoted_reply_is_lowered() -> None:
    assert action(mail("CONFIDENTIAL\n\nQ3 acquisition plan attached.\nRegards")) == "quarantine"
    assert action(mail("附件是公司机密的财务预测，请勿外传。\n谢谢")) == "quarantine"
    quoted = mail("Thanks, noted.\n\n-----Original Message-----\nFrom: x\nSent: Monday\n\nthe plan is confidential")
    assert action(quoted) == "deliver"


def test_organisations_own_disclaimer_and_rule_level_unless(tmp_path: Path) -> None:
    p = tmp_path / "r.yaml"
    p.write_text("""
disclaimers:
  - "Acme footer: everything here is confidential to Acme Holdings and its partners."
rules:
  - name: marker
    when: {keywords: {terms: [confidential]}}
    unless: {subject: {terms: [press release]}}
    action: quarantine
""")
    eng = Engine(load_ruleset(p))
    footer = "Hello\n\nAcme footer: everything here is\nconfidential to Acme Holdings and its partners."
    assert verdict(mail(footer), eng)["action"] == "deliver"
    assert verdict(mail("this is confidential"), eng)["action"] == "quarantine"
    assert verdict(mail("this is confidential", subject="Press release draft"), eng)["action"] == "deliver"


# -- secrets -------------------------------------------------------------------------------

def _b64(n: int) -> str:
    return base64.b64encode(os.urandom(n)).decode()


SECRETS = {
    "jwt": "curl -H 'Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI0MiIsInJvbGUiOiJhZG1pbiJ9."
           "q1Zk3vT9rXb2mN7pL0sW8yH4cE6fJ5dA1gK3uR9tY0o' https://api.corp/v1",
    "postgres": "DATABASE_URL=postgresql://app:Xk9pL2mQ7vR4@db.corp.internal:5432/prod",
    "mongodb": "mongodb+srv://svc:h7Gq2LxP9wKe@cluster0.ab1cd.mongodb.net/orders",
    "mysql": "jdbc url mysql://root:Tz8#qW3eR5yU@10.0.3.7:3306/erp",
    "slack webhook": "https://hooks.slack.com/services/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",
    "alibaba": "AccessKeyId: LTAI5tQ8Zk3mRx7PvW2nYb9J\nAccessKeySecret: Jh3kL9mP2qR7sT4vW8xY1zA5bC6dE0",
    "tencent": "SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA SecretKey=Gu5t9xGARNpq86cd98joQYCN3Cozk1qA",
    "azure": "DefaultEndpointsProtocol=https;AccountName=acmedata;AccountKey=" + _b64(64) + ";",
    "gcp": '{"type": "service_account", "project_id": "acme-prod", "private_key_id": '
           '"3f2b9c1d8e7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c"}',
    "yaml password": "database:\n  host: db1\n  password: Q7v!mK2#pL9x\n",
    "ini password": "[smtp]\nuser = mailer\npass = R4t$yU8i2Opq\n",
    "env password": "export DB_PASSWORD=\"N3w-Pa55w0rd-2026\"\n",
    "stripe": "Live key: sk_live_51qQ2PWLXPFvPEhwVL5YZkBnjtSiXFHokuGQ28Nd9MTyCE2nXGcUV8Kct",
    "ado.net": '"Default": "Server=sql01.corp;Database=erp;User Id=erp_app;Password=Lotus*8729x2A;"',
    "jdbc query": "spring.datasource.url=jdbc:mysql://rds:3306/erp?user=app&password=Harbour!0838EWR&useSSL=true",
    "github": "token " + github_token("Zq8xLm2Pv9Rt4Wn7Ks3D1a2B3c4D5e"),
    # a fine-grained token alone in the body: no "gh" anywhere else in the text
    "github fine-grained": "Here it is:\n\ngithub_pat_11AE85ljegHL1hVC8AO9ZX_"
                           "N9uhcCVUBt8tALOvEY4yre3SxY6U4ExOpF5AVeWMgJmDuwsQ8SvRwdLf08b\n\nBob",
    "ppk": "PuTTY-User-Key-File-2: ssh-rsa\nEncryption: none\nComment: deploy\nPublic-Lines: 2\n"
           + _b64(48) + "\n" + _b64(48) + "\nPrivate-Lines: 2\n" + _b64(48) + "\n" + _b64(48) + "\n",
}


@pytest.mark.parametrize("name", list(SECRETS))
def test_secrets_catalogue_holds(name: str) -> None:
    assert "outbound-secrets" in enforced(mail(SECRETS[name])), name


@pytest.mark.parametrize("body", [
    "IAM docs example: AKIAIOSFODNN7EXAMPLE / wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "-----BEGIN RSA PRIVATE KEY-----\n-----END RSA PRIVATE KEY-----",
    "-----BEGIN PRIVATE KEY-----\n<paste your key here>\n-----END PRIVATE KEY-----",
    "export GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "SLACK_BOT_TOKEN=xoxb-your-bot-token",
    "DATABASE_URL=postgresql://user:password@localhost/db",
    "password: ${DB_PASSWORD}",
    "api_key = os.environ['PAYMENT_API_KEY']",
    "DB_PASSWORD=$(cat /run/secrets/db)",
])
def test_examples_and_placeholders_are_not_secrets(body: str) -> None:
    assert "outbound-secrets" not in enforced(mail(body)), body


def test_private_keys_in_body_and_asc_attachment() -> None:
    assert "outbound-secrets" in enforced(mail("key:\n" + rsa_pem()))
    asc = ("-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n" + "\n".join(_b64(48) for _ in range(12))
           + "\n=Ab3d\n-----END PGP PRIVATE KEY BLOCK-----\n").encode()
    raw = mail("my key, as asked", attachments=(("secret.asc", asc, "application/pgp-keys"),))
    assert "outbound-secrets" in enforced(raw)


# -- names, scams, file types -------------------------------------------------------------

class _GbkName(zipfile.ZipInfo):
    """A member name written in GBK without the UTF-8 flag, as WinRAR/7-Zip on Chinese
    Windows write it."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # noqa: N802 - zipfile's name
        return self.filename.encode("gbk"), self.flag_bits


def test_names_reach_keyword_rules(tmp_path: Path) -> None:
    p = tmp_path / "r.yaml"
    p.write_text("rules:\n  - name: n\n    when: {keywords: {terms: [机密], in: names}}\n    action: quarantine\n")
    eng = Engine(load_ruleset(p))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:   # a Chinese Windows archiver: GBK names, no UTF-8 flag
        zf.writestr(_GbkName("机密.docx"), b"hello")
    raw = mail("files", attachments=(("files.zip", buf.getvalue(), "application/zip"),))
    assert verdict(raw, eng)["action"] == "quarantine"
    assert action(raw) == "quarantine"  # the shipped marker rule reads names too (in: any)
    raw = mail("forecast", attachments=(("confidential_forecast.xlsx", b"PK-not-really", "application/octet-stream"),))
    assert action(raw) == "quarantine"  # underscores separate a name's words


@pytest.mark.parametrize("body", [
    "Congratulations! You have won $1,500,000 in the international lottery. Contact our agent "
    "privately within 48 hours and pay the processing fee to release your prize.",
    "恭喜您中奖了！您获得一等奖奖金50万元，请在24小时内加微信 lucky888 领取，需先缴纳手续费500元。",
    # "pig butchering": a stranger's certain multiplied money, a crypto deposit, a private channel
    "Hello, I am Kevin, a crypto trader in Dubai. Last quarter I turned my savings 8 times over, guaranteed by "
    "my mentor's signals. Just register on our exchange and deposit 3,000 USDT to start. Message me on "
    "Telegram @kevin_trades.",
])
def test_scams_are_tagged_and_held(body: str) -> None:
    v = verdict(mail(body, subject="Notice"))
    assert v["recipients"][OUT]["action"] == "quarantine"
    # (sent to outside: held by outbound-scam, not scored; mail we send is never tagged [SPAM])
    assert "outbound-scam" in [h["rule"] for h in v["hits"]]


@pytest.mark.parametrize("body", [
    "年会抽奖结果：一等奖奖金5000元，请中奖同事到行政部领取。",
    "看到新闻说昨晚双色球一等奖奖金54,100元，周末一起吃饭吧，加我微信约时间。",
])
def test_raffle_and_lottery_news_are_not_scams(body: str) -> None:
    v = verdict(mail(body))
    assert v["spam_score"] < 5


def test_short_gbk_text_attachment_is_text_not_a_dos_program() -> None:
    data = "附件是机密合同".encode("gbk")
    raw = mail("see attachment", attachments=(("note", data, "application/octet-stream"),))
    v = verdict(raw)
    assert "outbound-executables" not in [h["rule"] for h in v["hits"]]
    assert v["recipients"][OUT]["action"] == "quarantine"
    assert "outbound-confidential-marker" in [h["rule"] for h in v["hits"]]


# -- documents: workbooks as tables, properties as banners ---------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LUHN_VALID = ["5163971218399602", "5177195900097738", "5528372193150336", "5349842844787352"]


@pytest.mark.parametrize("header", ["Order ID", "订单号", "Serial", "设备序列号"])
def test_workbook_column_headed_as_ids_holds_no_cards(header: str) -> None:
    from tests.accuracy.mime import xlsx
    data = xlsx([[header, "Date", "Status"]] + [[n, "2026-10-10", "shipped"] for n in LUHN_VALID])
    assert action(mail("export attached", attachments=(("export.xlsx", data, XLSX),))) == "deliver"


def test_workbook_column_headed_card_number_is_held() -> None:
    from tests.accuracy.mime import xlsx
    data = xlsx([["Name", "Card number"]] + [["Bob Turner", n] for n in LUHN_VALID[:1]])
    assert action(mail("export attached", attachments=(("export.xlsx", data, XLSX),))) == "quarantine"


def test_classification_in_document_properties_only_is_held() -> None:
    from tests.accuracy.mime import docx
    data = docx(["Shortlist for Project Falcon: Brightline Sensors, Kestrel Optics."],
                custom={"Classification": "Confidential"})
    v = verdict(mail("draft attached", attachments=(("plan.docx", data, DOCX),)))
    assert v["recipients"][OUT]["action"] == "quarantine"


def test_classification_in_pdf_subject_only_is_held() -> None:
    from tests.accuracy.mime import pdf
    data = pdf(["Term sheet - Series C", "Pre-money valuation: USD 410m"], info={"Subject": "Strictly Confidential"})
    raw = mail("draft attached", attachments=(("term_sheet.pdf", data, "application/pdf"),))
    assert action(raw) == "quarantine"


# -- held-out set 3 (2026-12-05): general weaknesses its misses showed --------------------------
@pytest.mark.parametrize("body,subject,attachments", [
    # a handling instruction is a marker of its own: 请勿外传 / "commercially sensitive"
    ("老王：\n公司下月裁员的名单基本定了，先跟你说一声，请勿外传。\n", "私事", ()),
    ("Hi Tom,\nThe revised price list is commercially sensitive, please keep it to your team.\n", "Prices", ()),
    ("Please find the pricing for next year.", "Pricing",
     (("Commercially_Sensitive_pricing_2027.txt", b"Model A: 1,200 EUR\nModel B: 1,450 EUR\n", "text/plain"),)),
    ("客户名单见附件。", "名单", (("请勿外传_客户名单.csv", "姓名,电话\n张三,13800000000\n".encode(), "text/csv"),)),
    # a marker heading a line, followed by a dash: the label of what follows, mid-body too
    ("张总好：\n下周三下午可以。为了提高效率，先把方案要点发给你看一下。\n\n绝密 —— 收购方案要点（Project Falcon）\n"
     "1. 目标：一家传感器公司\n2. 估值区间：待定\n3. 时间表：年底前签约\n\n李伟\n", "方案", ()),
    ("王总：\n方案如下，供参考。\n\n机密——收购价格区间、支付方式和交割时间表（第二轮）\n每股 12 至 14 元\n\n李伟\n",
     "价格", ()),
    ("Dear Ms Park,\nAs discussed on the phone, the outline is below.\n\nConfidential - Project Heron terms\n"
     "1. Price per share to be agreed\n2. Closing in Q2\n\nBest regards\nAlice\n", "Outline", ()),
])
def test_held_out_markers_are_held(body: str, subject: str, attachments: tuple) -> None:
    assert action(mail(body, subject=subject, attachments=attachments)) == "quarantine"


@pytest.mark.parametrize("subject", ["Interesting trade secret verdict", "Trade secret ruling against the former CTO",
                                     "Confidential informant case: court judgment"])
def test_legal_news_about_a_marker_in_the_subject_is_not_a_banner(subject: str) -> None:
    assert action(mail("Thought you would find this interesting - public court reporting, nothing of ours.",
                       subject=subject)) == "deliver"


def test_a_marked_subject_that_is_no_legal_news_stays_a_banner() -> None:
    # "trial" is a clinical trial as often as a court's: not a topic word
    assert action(mail("Figures for the board.", subject="Confidential trial data - Phase II")) == "quarantine"


@pytest.mark.parametrize("line", ["password = s3cret!", "password=20240915", "pw = Tq7!vR2m#Lp9",
                                  "mqtt_pw: Tq7!vR2m#Lp9", "DB_PASS=654321"])
def test_short_and_numeric_config_passwords_are_secrets(line: str) -> None:
    ini = f"[mqtt]\nhost = iot.vendor.de\nport = 8883\nusername = plant-07\n{line}\n"
    assert action(mail("config attached", attachments=(("gateway.ini", ini.encode(), "application/octet-stream"),))) \
        == "quarantine"


@pytest.mark.parametrize("line", ["password = required", "password = optional", "password_min_length = 12",
                                  "password = ******", "pw = ${MQTT_PW}", "password = 1234"])
def test_config_password_words_and_placeholders_are_not_secrets(line: str) -> None:
    ini = f"[mqtt]\nhost = iot.vendor.de\n{line}\n"
    assert action(mail("config attached", attachments=(("gateway.ini", ini.encode(), "application/octet-stream"),))) \
        == "deliver"
