"""Error classes of detection found by the blind held-out sets 12 and 13 (written on 2026-12-06
without sight of the rules, kept outside the repository: 200 messages each), a second review
(helper) of the fixes, and the full suite, in wording of our own. Each test of a class failed on
the commit named in its section; the others guard against the opposite error. Sets 9-11 and the
first review: tests/test_detection_heldout9_classes.py.
"""

from __future__ import annotations

import pytest

from rules.model import Direction
from rules.secrets import find_secrets
from tests.accuracy.mime import docx
from tests.test_detection_classes import DOCX, action, crlf_mail, mail, verdict_for
from tests.test_detection_scams import US, inbound


def _inbound_action(body: str, subject: str, sender: str) -> str:
    return inbound(body, subject=subject, sender=sender)["recipients"][US]["action"]


# -- the fourth blind set (heldout12, measured on 4cf5a1f: precision 0.960, recall 0.970) ----

def test_board_minutes_forwarded_to_ones_own_private_mailbox_are_held() -> None:
    # (the private address spells the sender's own name: that name in the quoted header is no
    # sign the quoted message went to an outsider)
    private = "michael.zhou.hk@private-mail.test"
    body = ("sending to my own inbox to read on the plane\n\n---------- Forwarded message ---------\n"
            "From: Li Wei <li.wei@example.com>\nDate: Mon, 12 May 2025 at 18:40\nSubject: Board minutes - final\n"
            "To: Michael Zhou <ceo@example.com>\n\nSTRICTLY CONFIDENTIAL - BOARD OF DIRECTORS - NOT FOR CIRCULATION"
            "\n\nMinutes of the meeting of the Board held on 8 May 2025.\n1. FY24 results: GMV USD 412m.\n"
            "2. Project Lychee: offer of USD 38-42m approved.\n\nLi Wei\n")
    raw = crlf_mail("Michael Zhou <ceo@example.com>", private, "Fwd: Board minutes - final", body)
    assert verdict_for(raw, "ceo@example.com", private, Direction.OUTBOUND)["recipients"][private]["action"] == \
        "quarantine"


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
    private = "fang.wang@private-mail.test"
    body = ("for home\n\n---------- Forwarded message ---------\nFrom: Li Wei <li.wei@example.com>\n"
            "Date: Mon, 30 Nov 2026 at 09:12\nTo: Fang Wang <fang.wang@example.com>\nSubject: plan\n\n"
            "The attached acquisition plan is strictly confidential.\n")
    raw = crlf_mail('"Wang, Fang" <fang.wang@example.com>', private, "Fwd: plan", body)
    assert verdict_for(raw, "fang.wang@example.com", private, Direction.OUTBOUND)["recipients"][private]["action"] \
        == "quarantine"


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
    body = "王经理：\n附件为本公司合同草案，请勿转发。\n客户身份证号 310104198503120048，请核对。\n"
    assert action(mail(body, subject="合同草案")) == "quarantine"


def test_mail_between_our_own_people_is_not_scored_as_a_scam() -> None:
    raw = crlf_mail("CEO <ceo@example.com>", "bob@example.com", "Urgent wire transfer",
                    "Please wire 48,000 EUR to the account below today. Keep this between us.\n")
    v = verdict_for(raw, "ceo@example.com", "bob@example.com", Direction.INTERNAL)
    assert v["recipients"]["bob@example.com"]["action"] == "deliver"
    assert not {"scam-signals", "scam-structure"} & {h["rule"] for h in v["hits"]}
