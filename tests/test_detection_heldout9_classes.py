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
"""

from __future__ import annotations

import pytest

from rules.secrets import find_secrets
from tests.accuracy.mime import docx, pdf, xlsx
from tests.test_detection_classes import DOCX, LUHN_VALID, OUT, XLSX, action, mail, verdict
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
    from rules.content import parse
    from rules.engine import EvaluationContext
    from rules.model import Direction, Envelope
    from tests.test_detection_classes import SHIPPED, _Dir
    body = ("Dear Customer,\r\n\r\nFraudsters pose as your suppliers and ask you to make an urgent payment to a new "
            "bank account, claiming they are in a meeting and cannot take calls.\r\n\r\nWe will never ask for your "
            "password.\r\n")
    raw = ("From: security@bank.test\r\nTo: " + US + "\r\nSubject: Advisory\r\nMessage-ID: <a@bank.test>\r\n"
           "Date: Thu, 03 Dec 2026 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body).encode()
    v = SHIPPED.evaluate(parse(raw), Envelope("security@bank.test", (US,)),
                         EvaluationContext({US: Direction.INBOUND}, _Dir())).to_json()
    assert v["recipients"][US]["action"] == "deliver"


# -- the fourth blind set (heldout12, measured on 4cf5a1f: precision 0.960, recall 0.970) ----

def test_board_minutes_forwarded_to_ones_own_private_mailbox_are_held() -> None:
    # (the private address spells the sender's own name: that name in the quoted header is no
    # sign the quoted message went to an outsider)
    from rules.content import parse
    from rules.engine import EvaluationContext
    from rules.model import Direction, Envelope
    from tests.test_detection_classes import SHIPPED, _Dir
    private = "michael.zhou.hk@private-mail.test"
    raw = ("From: Michael Zhou <ceo@example.com>\r\nTo: " + private + "\r\nSubject: Fwd: Board minutes - final\r\n"
           "Message-ID: <m@example.com>\r\nDate: Thu, 03 Dec 2026 10:00:00 +0000\r\n"
           "Content-Type: text/plain; charset=utf-8\r\n\r\nsending to my own inbox to read on the plane\r\n\r\n"
           "---------- Forwarded message ---------\r\nFrom: Li Wei <li.wei@example.com>\r\n"
           "Date: Mon, 12 May 2025 at 18:40\r\nSubject: Board minutes - final\r\nTo: Michael Zhou <ceo@example.com>"
           "\r\n\r\nSTRICTLY CONFIDENTIAL - BOARD OF DIRECTORS - NOT FOR CIRCULATION\r\n\r\nMinutes of the meeting "
           "of the Board held on 8 May 2025.\r\n1. FY24 results: GMV USD 412m.\r\n2. Project Lychee: offer of USD "
           "38-42m approved.\r\n\r\nLi Wei\r\n").encode()
    v = SHIPPED.evaluate(parse(raw), Envelope("ceo@example.com", (private,)),
                         EvaluationContext({private: Direction.OUTBOUND}, _Dir())).to_json()
    assert v["recipients"][private]["action"] == "quarantine"


@pytest.mark.parametrize(("subject", "body"), [
    ("询价：机密文件上门销毁服务", "我司需要机密文件上门销毁服务，每月两次，请报价。"),
    ("员工内购会场地询价", "本次内购会仅限内部员工及家属参加，预计 400 人次，请报价。"),
    ("沙龙议题建议", "建议讨论近期判决：客户名单构成商业秘密的条件、离职员工竞业限制与商业秘密的关系。"),
])
def test_shredding_an_audience_and_legal_talk_are_no_markers(subject: str, body: str) -> None:
    assert action(mail(body, subject=subject)) == "deliver"


def test_an_agreements_definition_of_confidential_information_is_talked_about() -> None:
    data = docx(["Party A: Example Corp Ltd", "Party B: ____________",
                 "Confidential Information means any information disclosed by either party.",
                 "Signature: ____________"])
    assert action(mail("Template for signature.", attachments=(("nda_template.docx", data, DOCX),))) == "deliver"


@pytest.mark.parametrize("body", [
    "Dear Accounts Payable,\n\nDue to our annual audit, our company has changed its receiving bank account with "
    "immediate effect. Please process the overdue invoices (GBP 48,612.30) TODAY. Our phone lines are being "
    "upgraded, so kindly confirm by email only.\n\nEmma",
    "王芳：\n\n我是周总，这是我的新QQ邮箱。我现在在香港开会，手机不方便接电话。\n\n"
    "有个合作方的保证金今天必须付，你先加我新微信 zhou_ming8816 ，金额 38 万。"
    "这件事先不要在群里说，也不要跟李伟讲。\n\n周",
])
def test_a_changed_receiving_account_and_a_boss_saying_tell_no_one_are_held(body: str) -> None:
    assert _inbound_action(body, "URGENT", "emma@lookalike-3pl.test") == "quarantine"


# -- the fifth blind set (heldout13, measured on 53092d4: precision 0.960, recall 0.960) -----

def test_a_19_digit_unionpay_card_in_6_6_7_groups_is_held() -> None:
    body = "这次先用我的公务卡支付：\n\n银联卡号：625911 388255 2884232\n有效期：12/29\nCVN2：647\n持卡人：张敏\n"
    assert action(mail(body, subject="定金支付")) == "quarantine"


def test_a_bilingual_disclaimer_wrapped_mid_phrase_is_a_disclaimer() -> None:
    body = ("Dear Jan,\n\nPlease send the revised quotation.\n\nMit freundlichen Grüßen\nJan Kühne\n"
            "Vertraulichkeitshinweis: Diese Nachricht und etwaige Anhänge sind vertraulich und ausschließlich\n"
            "für den bezeichneten Adressaten bestimmt. This message is confidential and intended solely for\n"
            "the addressee.\n")
    assert action(mail(body, subject="RE: quotation")) == "deliver"


def test_confidential_computing_in_traditional_chinese_is_no_marker() -> None:
    body = "誠摯邀請您蒞臨「機密運算在工業量測資料的應用」技術研討會。"
    assert action(mail(body, subject="研討會邀請：機密運算的應用")) == "deliver"


@pytest.mark.parametrize("text", [
    "The token lives in arn:aws:secretsmanager:eu-central-1:431827764190:secret:ci/github-token-Xb7KqP",
    'stripe.api_key = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"  # example key from Stripe docs',
])
def test_an_arn_and_stripes_documentation_key_are_no_secrets(text: str) -> None:
    assert find_secrets(text) == [], text


@pytest.mark.parametrize("body", [
    "李伟：\n\n我是孟凡宇。我现在在外地开会，不方便接电话。\n有一笔紧急的合同保证金今天必须汇出，金额 48 万元。\n"
    "你先加一下我的QQ：2871934455。\n此事涉及并购项目，请暂时不要告诉其他同事。",
    "陳小姐 您好：\n\n您的訂單被誤設為「高級會員分期付款」，每月將自動扣款 NT$ 3,980。\n\n為避免損失，請於今日內加入 "
    "LINE ID：@book-refund，由專員指示您至 ATM 操作「解除分期設定」，以便退款至您的帳戶。",
    "贵公司负责人您好：\n\n贵公司荣获“2025年度质量诚信示范企业”称号。请于3日内缴纳评审及公示费 6,800 元至以下账户，"
    "逾期视为放弃。缴费后请添加组委会工作人员微信：zlcx2025 登记领奖信息。",
])
def test_a_boss_transfer_an_atm_instalment_and_an_award_fee_are_scams(body: str) -> None:
    assert _inbound_action(body, "急事", "notice@lookalike.test") == "quarantine"


# -- a second review (helper) of the above ---------------------------------------------------

@pytest.mark.parametrize("body", [
    "物流费 850 元，请于今天下班前安排付款，收到款项后立即发货。",
    "本月电费 12,345.60 元，缴费后即可开具发票。逾期将被收取违约金。",
    "培训费 2,600 元/人，名额有限，请尽快报名。",
    "房费 680 元/晚，今晚 24 点前未付款订单将自动取消。",
    "A 30% deposit is required to hold the venue. Please confirm by email.",
    "We have updated the payment terms to 45 days. Please confirm by email.",
    "上批货款已付清，谢谢。这个价格请不要对其他客户提。",
    "投标保证金 20,000 元须于开标前付至招标代理账户，请勿对外透露报价。",
    "款项已安排在下周五支付，先不要在群里说。",
    "恭喜贵公司荣获我司2026年度“优秀供应商”称号，请回复参会人员姓名及手机号。",
    "年会餐费 200 元/人，请今晚前交到前台，附近可以到ATM机取款。",
])
def test_ordinary_bills_notices_and_awards_are_no_scams(body: str) -> None:
    assert _inbound_action(body, "通知", "billing@supplier-co.test") == "deliver"


@pytest.mark.parametrize("body", [
    "小王：我在开会不方便接电话。请马上把 20 万保证金转过去，账户我发你。先不要让财务知道。",
    "李伟：我在开会，不方便接电话。定金 8 万今天打过去，别跟财务部的同事说。",
    "Hi Li, please make a payment of EUR 96,000 to the account below today. Don't tell Peter or anyone in "
    "accounting until the deal closes.",
    "您的订单被误设为分期付款。请于今日内加入 LINE ID：@book-refund，由专员指示您前往附近的ATM操作取消自动扣款。",
    "贵公司入选年度示范企业。请于3日内缴纳评审及公示费共计 6,800 元，逾期视为放弃。缴费后请添加微信 zlcx2025 "
    "领取证书。",
])
def test_near_variants_of_the_secret_payment_atm_and_award_scams_are_held(body: str) -> None:
    assert _inbound_action(body, "急", "boss.private@163.com") == "quarantine"


@pytest.mark.parametrize("body", ["Amazon.de, order 302-1984634-6484850, paid with the company credit card.",
                                  "Amazon order 303-2055841-7186159 went back to my debit card."])
def test_an_amazon_order_number_in_3_7_7_groups_is_no_card(body: str) -> None:
    assert action(mail(body)) == "deliver"


def test_a_partners_mail_quoted_under_a_bare_name_beside_an_address_is_theirs() -> None:
    body = ("Hi David,\n\nNoted, thanks.\n\nDavid\n\nFrom: David Miller\nSent: Monday, December 7, 2026 9:12 AM\n"
            "To: David Chen <david.chen@example.com>\nSubject: price list\n\nOur confidential 2027 price list is "
            "attached; please do not forward it.\n")
    raw = mail(body, subject="RE: price list").replace(b"From: alice@example.com",
                                                       b"From: David Chen <david.chen@example.com>", 1)
    assert action(raw) == "deliver"


def test_a_forward_to_ones_own_private_mailbox_is_ours_whatever_the_name_order() -> None:
    from rules.content import parse
    from rules.engine import EvaluationContext
    from rules.model import Direction, Envelope
    from tests.test_detection_classes import SHIPPED, _Dir
    private = "fang.wang@private-mail.test"
    raw = ("From: \"Wang, Fang\" <fang.wang@example.com>\r\nTo: " + private + "\r\nSubject: Fwd: plan\r\n"
           "Message-ID: <f@example.com>\r\nDate: Thu, 03 Dec 2026 10:00:00 +0000\r\n"
           "Content-Type: text/plain; charset=utf-8\r\n\r\nfor home\r\n\r\n---------- Forwarded message "
           "---------\r\nFrom: Li Wei <li.wei@example.com>\r\nTo: Fang Wang <fang.wang@example.com>\r\n"
           "Subject: plan\r\n\r\nThe attached acquisition plan is strictly confidential.\r\n").encode()
    v = SHIPPED.evaluate(parse(raw), Envelope("fang.wang@example.com", (private,)),
                         EvaluationContext({private: Direction.OUTBOUND}, _Dir())).to_json()
    assert v["recipients"][private]["action"] == "quarantine"


def test_an_arn_in_the_aws_clis_json_is_no_secret() -> None:
    assert find_secrets('{"ARN": "arn:aws:secretsmanager:eu-central-1:431827764190:secret:ci/github-token-Xb7KqP"}') \
        == []


def test_a_wrapped_chinese_disclaimer_is_a_disclaimer() -> None:
    body = ("王总：报价已更新，见附件。\n\n李伟\n\n【免责声明】本邮\n件及其附件仅供指定收件人使用，"
            "可能含有保密信息。如果您\n并非指定收件人，请立即通知发件人并删除本邮件。")
    assert action(mail(body, subject="报价")) == "deliver"


# -- what the full suite found on e498047 ---------------------------------------------------

def test_an_id_number_its_own_line_names_is_held_under_a_prose_line_with_a_comma() -> None:
    # (the line above, "…合同草案，请勿转发。", read as a table's header naming a contract column)
    body = "王经理：\n附件为本公司合同草案，请勿转发。\n客户身份证号 11010519491231002X，请核对。\n"
    assert action(mail(body, subject="合同草案")) == "quarantine"


def test_mail_between_our_own_people_is_not_scored_as_a_scam() -> None:
    from rules.content import parse
    from rules.engine import EvaluationContext
    from rules.model import Direction, Envelope
    from tests.test_detection_classes import SHIPPED, _Dir
    raw = (b"From: CEO <ceo@example.com>\r\nTo: bob@example.com\r\nSubject: Urgent wire transfer\r\n"
           b"Message-ID: <c@example.com>\r\nDate: Thu, 03 Dec 2026 10:00:00 +0000\r\n"
           b"Content-Type: text/plain; charset=utf-8\r\n\r\nPlease wire 48,000 EUR to the account below today. "
           b"Keep this between us.\r\n")
    v = SHIPPED.evaluate(parse(raw), Envelope("ceo@example.com", ("bob@example.com",)),
                         EvaluationContext({"bob@example.com": Direction.INTERNAL}, _Dir())).to_json()
    assert v["recipients"]["bob@example.com"]["action"] == "deliver"
    assert not {"scam-signals", "scam-structure"} & {h["rule"] for h in v["hits"]}
