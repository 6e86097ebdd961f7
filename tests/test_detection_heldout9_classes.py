"""Error classes of detection found on 2026-12-06 (the remaining misses of the blind held-out
sets 6–8 and the new sets 9 and 10, written without sight of the rules and kept outside the
repository), in wording of our own. Each test of a class failed on 429975d; the others guard
against the opposite error.

- Luhn-valid numbers under a column headed "PO Number", "Contract No.", "Policy No.", "Booking
  No.", 合同号 (purchase orders, contracts, policies, bookings) were held as cards;
- a password after its label in a sentence or a list (密码：Wms#2025ro!7Kp, 密碼為…, "login alice,
  password: Summer2024!", "the password is …") was no secret: only a name at the head of its line
  was read, and no Chinese label at all;
- 这件事请严格保密 (and 请绝对保密, 一定要保密, 千万保密…) asked of the reader was no marker;
- an attachment named confidential-computing-whitepaper.pdf was a banner (the compound was
  known only with a space: "confidential computing");
- Luhn-valid waybill numbers after "Waybill No." on their lines were cards;
- sandbox numbers (5500 0000 0000 0004, 3400 0000 0000 009) in a mail about testing were cards;
- our own internal note ("INTERNAL USE ONLY - do not send to customer") quoted below a reply to
  a customer was weighted down as any quoted reply is;
- "Example Corp Confidential & Proprietary    Page 1 of 1" at the foot of a PDF was running text;
- "Sensitivity label: Confidential" heading a mail was running text;
- labels listed after a colon in training notes ("label: PUBLIC, INTERNAL USE ONLY, CONFIDENTIAL"),
  a licence's "for internal use only" and a heading "商业秘密的认定" were markers.
"""

from __future__ import annotations

import pytest

from rules.secrets import find_secrets
from tests.accuracy.mime import docx, pdf, xlsx
from tests.test_detection_classes import DOCX, LUHN_VALID, OUT, XLSX, action, mail, verdict

# -- cards and identity numbers: column headers ---------------------------------------------

OTHER_HEADERS = ["PO Number", "PO #", "P.O. No.", "Contract No.", "Policy No.", "Booking Ref", "Container No.",
                 "Customer No.", "Member ID", "Claim number", "合同号", "保单号", "客户编号", "提单号"]


@pytest.mark.parametrize("header", OTHER_HEADERS)
def test_numbers_under_a_purchase_order_contract_or_policy_column_are_not_cards(header: str) -> None:
    rows = [[header, "Date", "Status"]] + [[n, "2026-10-10", "open"] for n in LUHN_VALID]
    csv = "\n".join(",".join(r) for r in rows).encode() + b"\n"
    assert action(mail("export attached", attachments=(("export.xlsx", xlsx(rows), XLSX),))) == "deliver"
    assert action(mail("export attached", attachments=(("export.csv", csv, "text/csv"),))) == "deliver"


@pytest.mark.parametrize("header", ["Card number (PO payment)", "Customer card", "Account"])
def test_a_column_that_says_card_or_account_still_holds_cards(header: str) -> None:
    rows = [[header, "Date"]] + [[n, "2026-10-10"] for n in LUHN_VALID]
    assert action(mail("export attached", attachments=(("export.xlsx", xlsx(rows), XLSX),))) == "quarantine"


def test_identity_numbers_under_a_contract_column_are_not_identity_numbers() -> None:
    ids = ["110105199003074528", "440301198512126936", "310104197708154423"]
    body = "合同号\t签约日期\t金额\n" + "\n".join(f"{n}\t2026-10-1{i}\t{(i + 1) * 1000}.00" for i, n in enumerate(ids))
    assert action(mail("合同清单见下：\n\n" + body + "\n")) == "deliver"
    named = "姓名\t身份证号\n" + "\n".join(f"张{i}\t{n}" for i, n in enumerate(ids))
    assert action(mail("名单如下：\n\n" + named + "\n")) == "quarantine"


# -- secrets: a password after its label ----------------------------------------------------

@pytest.mark.parametrize("line", [
    "  地址：rm-uf6w8k2p9s3t.mysql.rds.aliyuncs.com\n  账号：wms_ro\n  密码：Wms#2025ro!7Kp\n",
    "  主機：sftp.example.com  埠號 22\n  帳號：hsinyi_edi\n  密碼：Edi!2025#Tw9q\n",
    "账号：admin  密码：Abc@12345，请妥善保管。",
    "初始密码为 Welcome2026x，首次登录后请修改。",
    "口令：Tiger#88",
    "支付密码：905117",
    "You can log in as alice, password: Summer2024! (change it on first use).",
    "The password is Qz7-Lm2p for the shared drive.",
])
def test_a_password_after_its_label_is_a_secret(line: str) -> None:
    assert [m.confidence for m in find_secrets(line)] == ["medium"], line
    assert action(mail(f"Hi,\n\n{line}\n\nRegards,\nAlice")) == "quarantine"


@pytest.mark.parametrize("line", [
    "密码为8位以上，须包含大小写字母。",
    "密码：请联系IT获取",
    "密码：******",
    "密码：同上",
    "密码：xxxxxx",
    "密码长度：8-16位",
    "例如密码：123456 是最常见的弱密码。",
    "常见弱密码：Passw0rd、admin123。",
    "访客WiFi密码：Guest2026",
    "Guest Wi-Fi password: Visitor2026",
    "your password is incorrect",
    "the password is required",
    "password is case-sensitive",
    "password: see below",
    "password: (sent separately)",
    "Password: https://vault.example.com/secret/42",
    "密码: Password",
])
def test_words_pointers_placeholders_and_examples_after_a_label_are_not_secrets(line: str) -> None:
    assert find_secrets(line) == [], line


# -- confidentiality: asked of the reader; compounds in names --------------------------------

@pytest.mark.parametrize("body", ["明年只保留两家供应商，你们是首选。这件事请严格保密，其他供应商都还不知道。",
                                  "报价底线是1.05元，请绝对保密。", "这个价格一定要保密，千万别让别人知道。"])
def test_a_chinese_request_to_keep_it_strictly_secret_is_held(body: str) -> None:
    assert action(mail(body, subject="明年合作")) == "quarantine"


def test_a_promise_to_keep_the_readers_data_secret_is_not_a_marker() -> None:
    body = "问卷为匿名填写，我们将对您的个人信息严格保密，请放心作答。"
    assert action(mail(body, subject="客户满意度调查")) == "deliver"


def test_a_compound_joined_by_hyphens_or_underscores_in_a_name_is_not_a_banner() -> None:
    data = pdf(["Confidential computing protects data in use with hardware enclaves."])
    for name in ("confidential-computing-whitepaper.pdf", "Confidential_Computing_overview.pdf"):
        assert action(mail("Our whitepaper, as promised.", attachments=((name, data, "application/pdf"),))) == \
            "deliver", name
    assert action(mail("Plan attached.", attachments=(("CONFIDENTIAL-plan.pdf", data, "application/pdf"),))) == \
        "quarantine"


# -- cards: a label of their own on the line; sandbox numbers --------------------------------

def test_numbers_after_a_label_naming_something_else_are_not_cards() -> None:
    body = ("Three parcels have not arrived:\n\nWaybill No. 5312 3009 8420 3139 - shipped 3 Mar\n"
            "Waybill No. 5312 3964 4629 2942 - shipped 3 Mar\nWaybill No. 5312 3687 3565 2193 - shipped 5 Mar\n")
    assert action(mail(body)) == "deliver"
    zh = "运单号：5312 3009 8420 3139\n运单号：5312 3964 4629 2942\n运单号：5312 3687 3565 2193\n"
    assert action(mail("以下包裹未到：\n" + zh)) == "deliver"


def test_a_card_after_a_card_word_on_the_line_is_still_held() -> None:
    assert action(mail("For order 77812 please charge card 5312 3009 8420 3139, exp 08/28.")) == "quarantine"
    body = "Refund to: 5312 3009 8420 3139\nRefund to: 5312 3964 4629 2942\nRefund to: 5312 3687 3565 2193\n"
    assert action(mail(body)) == "quarantine"


@pytest.mark.parametrize("number", ["5500 0000 0000 0004", "3400 0000 0000 009", "6011 0000 0000 0012",
                                    "4007 0000 0002 7"])
def test_sandbox_numbers_in_a_mail_about_testing_are_not_cards(number: str) -> None:
    body = f"我们在贵司沙箱环境联调，使用文档里的公开测试卡号：\n\n测试卡：{number}\n\n有效期填任意未来日期，CVV填123。"
    assert action(mail(body, subject="沙箱测试卡号问题")) == "deliver"


def test_a_run_of_one_digit_without_talk_of_testing_is_still_a_card() -> None:
    assert action(mail("Card number 5500 0000 0000 0004, expiry 09/27, please book the room.")) == "quarantine"


# -- confidentiality: our own thread quoted, page footers, labels talked about ---------------

INTERNAL_NOTE = ("Hi Mr. Osei,\n\nThanks for your patience, a service credit will follow.\n\nKind regards,\nCarol\n\n"
                 "-----Original Message-----\nFrom: Dave Kumar <{sender}>\nSent: Tuesday, March 11, 2025 4:02 PM\n"
                 "To: Carol Zhang <carol@example.com>\nSubject: RE: reconciliation delay\n\n"
                 "INTERNAL USE ONLY - do not send to customer\nCarol - account is flagged red for churn. I can approve "
                 "up to 20% credit.\n\nDave\n")


def test_our_own_internal_note_quoted_to_a_customer_is_held() -> None:
    assert action(mail(INTERNAL_NOTE.format(sender="dave@example.com"), subject="RE: reconciliation delay")) == \
        "quarantine"


def test_another_companys_marked_mail_quoted_back_to_them_is_weighted_down() -> None:
    v = verdict(mail(INTERNAL_NOTE.format(sender="dave@kofi-payments.test"), subject="RE: reconciliation delay"))
    assert v["recipients"][OUT]["action"] == "deliver"


def test_a_company_label_in_a_page_footer_is_a_banner() -> None:
    data = pdf(["Ledger Service - Architecture Overview", "The ledger is sharded by tenant across 32 clusters.",
                "Example Corp Confidential & Proprietary    Page 1 of 1"])
    assert action(mail("Background attached.", attachments=(("ledger.pdf", data, "application/pdf"),))) == \
        "quarantine"


def test_a_label_with_its_qualifier_after_a_company_name_is_a_banner() -> None:
    assert action(mail("Board pack\nAcme Ltd Strictly Confidential\n\nThe numbers for Q3 follow below.")) == \
        "quarantine"


@pytest.mark.parametrize("body", [
    "Every document should carry the right label: PUBLIC, INTERNAL USE ONLY, CONFIDENTIAL or STRICTLY "
    "CONFIDENTIAL. If you are unsure, ask the owner.",
    "Our classification levels: Public, Internal Use Only, Confidential.",
    "中文文件使用同样的密级：内部资料、机密、绝密。",
    "Section 2.1 says the SDK is licensed \"for internal use only\" and may not be redistributed.",
])
def test_labels_listed_or_a_licence_term_are_talked_about(body: str) -> None:
    assert action(mail(body, subject="Training notes")) == "deliver"


def test_a_licence_term_in_quotes_in_a_subject_is_talked_about() -> None:
    assert action(mail("Does our use count as internal use?", subject="Question on the 'internal use only' licence "
                       "scope")) == "deliver"


def test_a_heading_about_what_a_trade_secret_is_is_talked_about() -> None:
    data = docx(["企业商业秘密保护指引（公开版）", "发布单位：市场监督管理部门", "一、商业秘密的认定",
                 "二、企业保护措施建议"])
    assert action(mail("分享公开的指引。", attachments=(("guide.docx", data, DOCX),))) == "deliver"


def test_a_sensitivity_label_heading_the_mail_is_a_banner() -> None:
    assert action(mail("Sensitivity label: Confidential\n\nQ3 numbers below: revenue 12.6m.")) == "quarantine"
    assert action(mail("密级：机密\n\n并购项目进展如下。")) == "quarantine"
