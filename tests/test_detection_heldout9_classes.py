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
  a licence's "for internal use only" and a heading "商业秘密的认定" were markers;
- scams: a boss "in a meeting" asking for a payment kept secret had no ask; a fee named as 费用
  with its sum, due 签约前, was no fee; a 临时账户 and a phone nobody answers were no payment
  diversion; a refund needing AnyDesk asked nothing; a bank's advisory describing what
  fraudsters ask ("Fraudsters pose as suppliers and ask you to pay…") was held as a scam; the
  Chinese domain-registration template was delivered.

The third blind set (heldout11, measured on c3b6800: precision 0.968, recall 0.920) found:

- a colleague's mail quoted by name alone, as Outlook writes an internal sender ("发件人： 吴敏"),
  forwarded to a bidder, was weighted down as another company's would be;
- "please keep this strictly between us" and "strictly confidential until we announce" were
  no request of the reader; Chinese labels listed after "marked" and a heading "什么是商业秘密"
  were markers;
- payments "to our new account", 请勿电话确认, 请勿对外透露 and a 保证金 to 处理 under secrecy
  were no scam signals; the yearly 个人所得税 filing was a fee to pay first.

Sets 12 and 13, the second review and what the full suite found:
tests/test_detection_heldout12_classes.py.
"""

from __future__ import annotations

import pytest

from rules.model import Direction
from rules.secrets import find_secrets
from tests.accuracy.mime import docx, pdf, xlsx
from tests.test_detection_classes import DOCX, LUHN_VALID, OUT, XLSX, action, crlf_mail, mail, verdict, verdict_for
from tests.test_detection_scams import US, inbound

# -- cards and identity numbers: column headers ---------------------------------------------

# (not "Customer", "Member" or "Claim": such a column may hold the customer's card)
OTHER_HEADERS = ["PO Number", "PO #", "P.O. No.", "Contract No.", "Policy No.", "Booking Ref", "Container No.",
                 "合同号", "保单号", "客户编号", "提单号"]


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


# -- scams ----------------------------------------------------------------------------------

def _inbound_action(body: str, subject: str, sender: str) -> str:
    return inbound(body, subject=subject, sender=sender)["recipients"][US]["action"]


@pytest.mark.parametrize("body", [
    "李伟：\n\n我在开会不方便接电话。你现在加一下我的QQ：2871930546，有一笔合同保证金需要马上转给客户，金额 38 万，"
    "账户信息我QQ上发你。这事先别跟其他人说，回来我再补审批。\n\n孙明",
    "Hi Li,\n\nI'm in a meeting and can't take calls. I need you to process an urgent payment of $48,500 to a new "
    "vendor today. Keep this between us until the deal is announced.\n\nMichael",
])
def test_a_payment_asked_in_secret_by_the_boss_is_held(body: str) -> None:
    assert _inbound_action(body, "在吗", "sun.ming.ceo@163.com") == "quarantine"


def test_a_payment_asked_openly_is_business() -> None:
    body = "Hi Li,\n\nPlease transfer the deposit of $4,800 for order PO-7731 to our usual account by Friday.\n\nAnna"
    assert _inbound_action(body, "Deposit for PO-7731", "anna@supplier-co.test") == "deliver"


def test_a_certification_fee_before_signing_is_a_fee() -> None:
    body = ("贵公司好：\n\n我司计划采购智能插座 500,000 只，合同已拟好。按我方政府要求，签约前供应商须通过我方指定的"
            "第三方机构完成验厂及产品认证，费用 8,800 元人民币，请汇至该认证机构账户，认证通过后我方支付 30% 预付款。"
            "时间紧急，请今天内安排汇款并加微信 khalid-dxb 联系。")
    assert _inbound_action(body, "大额采购意向", "khalid.buyer2025@163.com") == "quarantine"


def test_a_temporary_account_and_a_phone_nobody_answers_is_payment_diversion() -> None:
    body = ("Example Corp财务部：\n\n因我司对公账户年审，原收款账户暂停使用。合同YJ-2025-0311剩余款项"
            "人民币38,400元请于今日汇至以下临时账户：\n\n户名：陈小红\n账号：6228 4801 2087 3361 978\n\n"
            "因财务人员外出，电话暂时无法接听，汇款后请邮件回复回单截图即可。")
    assert _inbound_action(body, "关于我司收款账户变更的通知", "caiwu@yunjian-softvvare.cn") == "quarantine"


def test_a_refund_needing_a_remote_control_tool_is_held() -> None:
    body = ("Dear Customer,\n\nWe detected an unauthorized purchase of $349.99 on your Apple ID. A refund has been "
            "approved.\n\nTo receive your refund, call our Refund Department or download AnyDesk so our agent can "
            "process the refund. If you do not respond within 24 hours, the charge will be final.")
    assert _inbound_action(body, "Refund of $349.99", "refunds@apple-billing-centre.net") == "quarantine"


@pytest.mark.parametrize("body", [
    "Dear Corporate Banking Customer,\n\nWe have seen an increase in business e-mail compromise cases:\n\n"
    "- Fraudsters pose as suppliers and ask you to pay invoices to a new account.\n- Fraudsters pose as executives "
    "and ask staff for urgent\n  transfers or gift cards.\n\nPlease remember:\n- We will never ask for your password "
    "or OTP by e-mail or phone.\n- Always verify changes to payee bank details by calling a known contact number.\n",
    "尊敬的企业客户：\n\n近期冒充客户老板、供应商实施诈骗的案件高发：\n\n"
    "1. 不法分子通过QQ、微信冒充老板要求紧急汇款；\n"
    "2. 骗子通知变更收款账户，要求汇入新账户；\n3. 收到“中奖”“退税”等要求先缴纳手续费的信息，一律为诈骗。\n\n"
    "如有疑问，请致电您的客户经理。",
])
def test_a_banks_advisory_describing_scams_is_not_a_scam(body: str) -> None:
    assert _inbound_action(body, "Security advisory", "security-alerts@hcbank.test") == "deliver"


def test_the_chinese_domain_registration_template_is_held() -> None:
    body = ("Dear CEO,\n\nWe are the domain name registration center in Shanghai. We received an application "
            "requesting \"examplecorp\" as their internet keyword and China (CN) domain names. After checking it, we "
            "find this name conflicts with your company name or trademark. If you do not reply within 7 workdays "
            "we will approve their application.\n\nJason Zhang")
    assert _inbound_action(body, "Notice: Intellectual Property Protection", "jason@asia-domain-reg.test") == \
        "quarantine"


# -- the third blind set (heldout11) --------------------------------------------------------

BID_THREAD = ("刘经理：\n\n看下面，你们的报价比第一名高了不少，如果能降到46万以内还有机会。\n\n孙浩\n\n"
              "发件人： {quoted}\n发送时间： 2024-06-11 14:22\n收件人： 孙浩; 陈静\n主题： 办公家具采购比价结果\n\n"
              "孙浩、陈静：\n\n三家报价比价如下，仅限内部，请勿转给任何供应商：\n\n1. 京美家具：报价 438,600 元\n"
              "2. 恒泰办公：报价 512,000 元\n\n吴敏\n")


def _to(raw: bytes, name: str) -> bytes:
    return raw.replace(f"To: {OUT}".encode(), f"To: {name} <{OUT}>".encode(), 1)


def test_a_colleagues_mail_quoted_by_name_alone_is_ours() -> None:
    raw = _to(mail(BID_THREAD.format(quoted="吴敏"), subject="转发: 办公家具采购比价结果"), "刘经理")
    assert action(raw) == "quarantine"


def test_the_recipients_own_mail_quoted_by_name_alone_is_theirs() -> None:
    raw = _to(mail(BID_THREAD.format(quoted="刘经理"), subject="回复: 办公家具采购比价结果"), "刘经理")
    assert action(raw) == "deliver"


@pytest.mark.parametrize("body", [
    "Vivian,\n\nSee Michael's note below.\n\nErin\n\n________________________________\nFrom: Michael Zhou "
    "<ceo@example.com>\nSent: Monday, May 13, 2024 10:06 PM\nTo: Erin Walsh <erin@example.com>\nSubject: Wong\n\n"
    "Erin,\n\nI've decided we need to move Raymond Wong out of the role. Please keep this strictly between us - the "
    "board doesn't know yet.\n\nMichael\n",
    "Hi James,\n\nFY24 numbers attached, board signs off on the 6th. Strictly confidential until we announce please, "
    "not even to your team.\n\nMichael",
])
def test_asked_to_keep_it_between_us_or_until_the_announcement_is_held(body: str) -> None:
    assert action(mail(body, subject="FW: next steps")) == "quarantine"


def test_chinese_labels_listed_in_a_policy_sentence_are_talked_about() -> None:
    body = ("Before you press Send: documents labelled CONFIDENTIAL, STRICTLY CONFIDENTIAL or INTERNAL USE ONLY, and "
            "Chinese documents marked 机密, 秘密 or 内部资料, must never be sent to personal mailboxes.")
    assert action(mail(body, subject="Awareness poster wording")) == "deliver"


def test_a_heading_asking_what_a_trade_secret_is_is_talked_about() -> None:
    data = docx(["企业商业秘密保护培训", "一、什么是商业秘密", "二、典型案例：离职员工带走客户名单",
                 "三、企业保护措施"])
    assert action(mail("培训讲义见附件。", attachments=(("讲义.docx", data, DOCX),))) == "deliver"


def test_payments_to_our_new_account_with_replies_elsewhere_is_held() -> None:
    body = ("Hi Emma,\n\nDue to an ongoing audit our account with Barclays has been temporarily suspended. With "
            "immediate effect, all payments should be made to our new account below:\n\nSort code: 23-05-80\n"
            "Account number: 41882907\n\nCould you please process the outstanding invoices (GBP 4,286.40) to the new "
            "account today?\n\nHelen Fox")
    v = inbound(body, subject="URGENT: Change of bank details", sender="helen.fox@printwise-ltd.test",
                reply_to="printwise.accounts@gmail.com")
    assert v["recipients"][US]["action"] == "quarantine"


@pytest.mark.parametrize("body", [
    "孙经理您好：\n\n因我司对公账户正在进行年审，暂时无法收款。"
    "请将合同JM-2024-0611的尾款人民币307,020.00元汇入以下账户：\n\n户名：钱芳\n账号：6228 4808 1236 0917 774\n\n"
    "请于本周五前安排付款。此事已与贵司领导沟通，请勿电话确认，直接办理即可。",
    "李伟：\n\n我现在在外面开会，不方便接电话。你加一下我的新微信 zgl_excorp2024 ，"
    "有一笔合作保证金需要你今天上午紧急处理一下。\n\n这件事先不要跟其他人讲。\n\n周国良",
    "Example Corp：\n\n经评审，贵公司已入围采购项目。"
    "请于明日中午12点前将履约保证金人民币50,000元汇入以下账户，逾期视为放弃中标资格：\n\n"
    "户名：王建军\n账号：6222 0202 0011 8867 315\n\n汇款后请添加招标办微信 zbb_wang2024 确认。本事项请勿对外透露。",
])
def test_chinese_payment_diversion_boss_and_tender_scams_are_held(body: str) -> None:
    assert _inbound_action(body, "通知", "caiwu@lookalike-supplier.test") == "quarantine"


def test_a_reminder_of_the_yearly_tax_filing_is_no_scam() -> None:
    body = ("提醒一下，2024年度个人所得税综合所得汇算清缴将于2025年6月30日截止。"
            "建议贵司通知员工通过“个人所得税”app自行办理，有退税的员工由税务机关直接退至本人银行账户。")
    assert _inbound_action(body, "个税汇算提醒", "service@accounting-firm.test") == "deliver"


# -- a review of the above (helper): what the new readers got wrong --------------------------

@pytest.mark.parametrize("text", [
    "Meeting ID: 254 818 223 904\nPasscode: Kb7xQ2", "腾讯会议 会议号：842 118 306 会议密码：592031",
    "Meeting password: Xp3dM7qRt2x", "the passcode is 592031", "腾讯文档 访问密码：8Hk2pQ",
    "链接：https://pan.baidu.com/s/1abc 密码：x7k2m9", "the password is Heron2026 (link expires in 7 days)",
    "解压密码：20261206", "zip password: Q4-Report-1206", "the PDF password is 20251206",
    "用户密码为 SHA-256 加盐哈希存储", "the password is PBKDF2-SHA256 hashed", "the password is 2FA-protected",
    "the meeting-room network is MR-5F and the password is Meet@2025",
])
def test_a_password_given_to_the_reader_or_a_technical_term_is_no_secret(text: str) -> None:
    assert find_secrets(text) == [], text


@pytest.mark.parametrize("text", ["初始密码为：Wms#2025ro!7Kp", "密码是：Abc@12345", "Password：Summer2024!",
                                  "密码：Tq7#mZ2!vLp9（区分大小写）",
                                  "I'd like to share the root password: R00t!Pa55#x"])
def test_a_password_after_its_label_in_other_punctuation_is_a_secret(text: str) -> None:
    assert len(find_secrets(text)) == 1, text


OUR_EARLIER_QUOTE = ("Hi Bob,\n\nThanks - we can ship on the 15th.\n\nAlice\n\n"
                     "From: Bob Smith <{their}>\nSent: Monday, December 7, 2026 9:12 AM\nTo: Alice Chen "
                     "<alice@example.com>\nSubject: RE: Quotation\n\nAlice, the price works for us.\n\nBob\n\n"
                     "From: Alice Chen <alice@example.com>\nSent: Friday, December 4, 2026 5:40 PM\nTo: Bob Smith "
                     "<{their}>\nSubject: Quotation\n\nHi Bob,\n\nThe attached pricing is confidential.\n\nAlice\n")


def test_our_earlier_mail_to_the_same_recipient_quoted_in_the_thread_is_theirs_already() -> None:
    assert action(mail(OUR_EARLIER_QUOTE.format(their=OUT), subject="RE: Quotation")) == "deliver"


def test_our_earlier_mail_to_someone_else_forwarded_here_is_ours() -> None:
    assert action(mail(OUR_EARLIER_QUOTE.format(their="bob@another-firm.test"), subject="FW: Quotation")) == \
        "quarantine"


def test_the_recipients_mail_quoted_by_name_alone_is_theirs_by_their_address() -> None:
    body = ("Hi,\nSure, see below.\nAlice\n\nFrom: Partner Smith\nSent: Monday, December 7, 2026 9:12 AM\n"
            "To: Alice Chen <alice@example.com>\nSubject: NDA draft\n\nAlice, our attached draft is confidential; "
            "please do not forward it outside your legal team.\n")
    assert action(mail(body, subject="RE: NDA draft")) == "deliver"  # OUT is partner@other.org


@pytest.mark.parametrize("body", [
    "Sensitivity label: Highly Confidential\n\nBob, the Q4 pipeline numbers are attached.",
    "密级：机密，保密期限：五年\n\n王总，报价附后。", "文件密级：机密/仅限项目组\n\n王总，报价附后。",
    "Security level: Internal Use Only / Do not forward\n\nBob, the Q4 pipeline numbers are attached.",
    "王总：以下底价属于公司机密的范围，仅供您参考：单价 12.5 元。",
    "Hi Bob, attached is the analyst report (licensed for internal use only) - thought you'd find it useful.",
])
def test_one_label_after_a_colon_or_a_marker_said_of_this_is_still_held(body: str) -> None:
    assert action(mail(body)) == "quarantine"


def test_a_spreadsheet_cell_describing_a_document_is_no_banner() -> None:
    rows = [["Question", "Answer"], ["Classification of customer data", "Confidential"],
            ["Encryption at rest", "AES-256"], ["Penetration test", "Annual, by an external firm"]]
    assert action(mail("Our completed questionnaire.", attachments=(("questionnaire.xlsx", xlsx(rows), XLSX),))) == \
        "deliver"


@pytest.mark.parametrize("body", [
    "Customer payment: 4556 7375 8689 9855 exp 09/27 CVV 381",
    "Member No. 4556 7375 8689 9855 (Visa, exp 09/27)",
    "Partner account: 4556 7375 8689 9855, valid thru 09/27",
])
def test_a_label_does_not_override_an_expiry_or_cvv_beside_the_card(body: str) -> None:
    assert action(mail(body)) == "quarantine"


@pytest.mark.timeout(60)
def test_a_long_line_of_labelled_numbers_is_read_in_linear_time() -> None:
    # (each number's label was looked for in its whole line up to it: a 620 KB one-line JSON took
    # 49 s, a 200 KB one-line body 133 s; now 60 characters before each)
    from rules.cards import find_payment_cards
    line = "".join(f'{{"order no.":"{n}"}},' for n in LUHN_VALID * 10_000)  # 40,000 numbers on one line
    assert find_payment_cards(line) == []


@pytest.mark.parametrize("body", [
    "Dear Alice,\nPlease find attached invoice INV-2291. Payment by bank transfer to our usual account within 30 days."
    "\nOur phones are down during the office move, please reply by email.\nBob",
    "Hi Alice,\nWe transferred the payment for PO 7781 this morning. I'm in a meeting most of the day so email is "
    "best.\nBob",
    "王经理您好，\n尾款今天已经汇款到贵司账户，请查收。我正在开会，晚点再联系。",
    "您好，\n贵司10月份的货款请于本周五前汇款至我司账户。我这两天在外地，电话暂时无法接听，有事请邮件联系。",
    "您好，麻烦您安装一下向日葵，把识别码发我微信 erp_support01，我远程帮您看下报表导出的问题。",
    "王经理：\n模具费用：12,000元，下单前支付，量产后分批返还。有问题加我微信 mold_li88 沟通。",
])
def test_ordinary_payment_and_support_mail_is_no_scam(body: str) -> None:
    assert _inbound_action(body, "Re: order", "bob@supplier-co.test") == "deliver"


def test_a_scam_whose_sentence_names_fraudsters_and_asks_the_reader_is_held() -> None:
    body = ("Fraudsters have attempted to use your card, so please confirm your card number, expiry date and CVV on "
            "WhatsApp +44 7700 900123 within 24 hours or your card will be blocked.")
    assert _inbound_action(body, "Card security", "alerts@card-services.test") == "quarantine"


def test_an_advisory_in_paragraphs_with_crlf_line_ends_is_no_scam() -> None:
    body = ("Dear Customer,\n\nFraudsters pose as your suppliers and ask you to make an urgent payment to a new "
            "bank account, claiming they are in a meeting and cannot take calls.\n\nWe will never ask for your "
            "password.\n")
    v = verdict_for(crlf_mail("security@bank.test", US, "Advisory", body), "security@bank.test", US, Direction.INBOUND)
    assert v["recipients"][US]["action"] == "deliver"
