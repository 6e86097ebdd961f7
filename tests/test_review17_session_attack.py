"""A second helper's attack on this session's later readings (c7a4de4..67e5045). What it found, written anew here:
scams that hid their ask inside the framing a report or an advisory uses (an example "read as follows:", a quoted
block under "beware of fraudulent emails", 会报警 as a threat, 收到…说是 as the scam's own story, particulars "for
the courier" that include a birth date, a fee "borne by the lucky winner"); genuine mail the readings held (single
sign-on described as "your corporate email address and password", a group insurer's letter of a death and a sum,
a renewal whose signed quote is the order, a company's short name as the payee); outbound replies whose own
confidential text Gmail's indent put in a blockquote, and an Apple Mail forward of our own confidential mail. Each
fails on 416c3c9 but a guard (the plain marker) and three the earlier readings decided the same way and the later
ones must not undo (the courier's particulars with a birth date, the fee borne by the winner, the insurer's
letter). The cost it found (nested blockquotes made lines of N "> " marks: 22 s and 2 GB for a 448 KB mail) is
tested in tests/test_detection_heldout64_review14_classes.py.
"""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from rules.model import Direction
from tests.test_detection_classes import OUT, action, mail, verdict_for
from tests.test_detection_heldout16_classes import inbound_action

SCAMS = [
    ("Harbour Metals Accounts", "accounts@harbour-metals.co", "Updated remittance details",
     "Dear customer,\n\nFollowing a phishing attempt on our old account, our bank has moved us to a new account with "
     "immediate effect. Our updated remittance instructions read as follows:\n\nBank: Wise Europe\nIBAN: BE71 9671 "
     "2345 6789\nAccount: Harbour Metals\n\nPlease remit the balance of GBP 12,300.00 for invoice 2291 to this "
     "account today.\n"),
    ("鑫泰贸易 财务部", "caiwu@xintai-trade.cn", "关于近期冒充我司邮件的说明",
     "贵司财务：\n\n近期有不法分子冒充我司发送邮件，请以本邮件为准。我司新收款账户具体内容如下：\n户名：潍坊鑫泰商贸有限公司\n"
     "账号：8020 1200 0391 5527\n请今天将货款转入上述账户。\n"),
    ("客户回馈中心", "huikui@lucky-gifts.cn", "恭喜您获得周年庆大奖",
     "恭喜您在周年庆抽奖中获得 iPhone 一部！请回复您的姓名、地址、电话、出生日期和工作单位，奖品将以顺丰寄出。\n"
     "领奖前需缴纳个人所得税 680 元。\n"),
    ("Prize Desk", "claims@globalprize-desk.com", "You have won - claim by Friday",
     "Congratulations! You have won USD 25,000 in our customer draw. The clearance fee of USD 350 is borne by the "
     "lucky winner and must be paid before release. Reply to claims.globalprize@gmail.com.\n"),
]


@pytest.mark.parametrize("display,address,subject,body", SCAMS, ids=[s[2][:40] for s in SCAMS])
def test_scams_in_a_reports_framing_are_held(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "quarantine"


GENUINE = [
    ("Compliance Academy", "noreply@complianceacademy.co.uk", "Your annual AML training is ready",
     "Dear learner,\n\nYour organisation has enrolled you in the AML refresher. Log in with your corporate email "
     "address and password - your company has enabled single sign-on - at https://learn.complianceacademy.co.uk and "
     "complete the course by 31 January.\n"),
    ("Pacific Group Life Claims", "claims@pacific-grouplife.com.hk", "Death benefit - late Mr. Chan Tai Man",
     "Dear Sir/Madam,\n\nWe refer to the group life policy of your company. Following the death of your employee, "
     "the late Mr. Chan Tai Man, who was diagnosed with cancer last year, a death benefit of HKD 2,400,000 is "
     "payable to his nominated beneficiary. Please return the claim form signed by the employer.\n"),
    ("金蝶软件 客户成功部", "renewal@kd-soft-partner.com", "2027年度软件服务续费报价",
     "李经理您好：\n\n贵司使用的云星空 ERP 2027 年度软件年费为人民币 36,000 元（含税），详见附件报价单。"
     "报价单签字盖章后回传即视为确认续订，我们将开具发票，请于 1 月 15 日前付款。\n"),
    ("联想 渠道财务", "ar@lenovo-channel.com.cn", "付款通知：发票 LX-2291",
     "您好，发票 LX-2291 金额人民币 58,000 元，请按合同付款至：\n户名：联想（北京）有限公司\n"
     "开户行：工商银行北京分行\n账号：0200 0045 0900 1234 567\n本账户为我司对公账户，服务费已含在发票金额内。\n"),
]


@pytest.mark.parametrize("display,address,subject,body", GENUINE, ids=[g[2][:40] for g in GENUINE])
def test_genuine_mail_the_later_readings_held_is_delivered(display: str, address: str, subject: str,
                                                            body: str) -> None:
    assert inbound_action(display, address, subject, body) == "deliver"


def _outbound_html(html: str, subject: str) -> str:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = "alice@example.com", OUT, subject
    m["Message-ID"], m["Date"] = "<o@example.com>", "Thu, 03 Dec 2026 10:00:00 +0000"
    m.set_content(html, subtype="html")
    return verdict_for(m.as_bytes(), "alice@example.com", OUT, Direction.OUTBOUND)["recipients"][OUT]["action"]


def test_the_senders_own_confidential_text_in_a_gmail_indent_is_held() -> None:
    assert _outbound_html('<div>Hi Tom,</div><blockquote style="margin:0 0 0 40px;border:none;padding:0px">'
                          "<div>The attached pricing is confidential - please do not forward it outside your team."
                          "</div></blockquote><div>Alice</div>", "Pricing") == "quarantine"


def test_an_apple_mail_forward_of_our_own_confidential_mail_is_held() -> None:
    assert _outbound_html(
        '<div>Tom, see below.</div><div>Begin forwarded message:</div><blockquote type="cite">'
        "<div><b>From: </b>Bob Lee &lt;bob@example.com&gt;</div><div><b>Subject: </b>Q4 salary review</div>"
        "<div><b>Date: </b>2 December 2026 at 09:14:00 GMT</div><div><b>To: </b>Alice &lt;alice@example.com&gt;</div>"
        "<div>Alice,</div><div>The attached salary proposals are confidential, do not share them.</div><div>Bob</div>"
        "</blockquote>", "Fwd: Q4 salary review") == "quarantine"


def test_a_plain_outbound_marker_is_still_held() -> None:
    """A guard: the plain-text path is untouched."""
    assert action(mail("The attached pricing is confidential - do not forward it.", subject="Pricing")) == "quarantine"


def test_the_personal_account_below_is_a_payee_and_the_payers_own_is_not() -> None:
    """Found in the final read: 以下 ("below") read as the payer's side (以 … 个人账户), so
    "转至以下个人账户：户名：刘洋" gave no payee (fails on 88a5c00); a delegate paying from a personal
    account names none (a guard)."""
    from rules.scam_signals import personal_payee
    given = "经我中心审核，请于本周内将审核服务费 2,800 元转至以下个人账户：\n户名：刘洋\n"
    paying = "参会费用可通过公司账户或个人账户汇款至会务组。"
    assert personal_payee(given, 0, len(given))
    assert not personal_payee(paying, 0, len(paying))


def test_a_payment_providers_pitch_for_accepting_crypto_is_delivered() -> None:
    """Found rerunning review 15's harness at the end: 8c35e89's "accepting" (for a disaster appeal "accepting
    donations only in cryptocurrency") read a crypto payment provider's follow-up from a fair as a fee asked (fails
    on b4d94fc). "Accepting … only in crypto" is what it reads now."""
    assert inbound_action("Daniel Ortiz", "daniel.ortiz@paynexa.io", "Great meeting you at Money20/20",
                          "Hi Alice,\n\nGreat to meet you in Amsterdam - we talked at our stand about accepting crypto "
                          "payments in your web shop. Our desk converts stablecoins to EUR the same day.\n\nI'm also "
                          "on Telegram: @daniel_paynexa\n\nDaniel\n") == "deliver"


def test_decoys_in_front_of_a_mule_job_hide_nothing() -> None:
    """Found in the last read: the mule's job read five candidates and then gave up (failing open), so five
    near-misses in front hid the job; candidates are now bounded as every family's are, the next counting as found
    (fails on f688e47)."""
    assert inbound_action("Home Logistics HR", "jobs@home-logistics-hire.com", "Part-time job: parcel coordinator",
                          "We are hiring part-time coordinators, salary USD 2,500 per month.\n"
                          + ("You receive packages at your home address.\n" + "Our team is friendly. " * 22
                             + "\n") * 6 +
                          "You will receive parcels at your home address, re-pack them and attach the prepaid labels "
                          "we email you.\n") == "quarantine"
