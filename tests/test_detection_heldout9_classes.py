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
  known only with a space: "confidential computing").
"""

from __future__ import annotations

import pytest

from rules.secrets import find_secrets
from tests.accuracy.mime import pdf, xlsx
from tests.test_detection_classes import LUHN_VALID, XLSX, action, mail

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
