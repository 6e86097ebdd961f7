"""Blind set 64 (a chemical trader's inbound scams, dev) and precision review 14 (110 genuine mails), written by
helpers who never saw the rules. Review 14 held seven genuine mails on e284777; the classes, written anew here:
a bank's HTML advisory whose example scam stands in a blockquote under a sentence introducing it; a partner's
"Is this real? I haven't clicked anything" (the question mark left no word boundary, so the report was never
read); "we received the email below, which claims to come from your accounts team and asks us to pay … to a new
bank account"; a conference's prize whose duties "are covered by" the organiser and whose winner is asked an
address for the courier; a Taiwanese expo's prize whose 運費由主辦單位負擔 (負擔 was never folded to 负担); a
courier's own duty notice where "you can pay now" is an option; a vendor's "均可在贵司内部传阅" (leave to
circulate, not a marker). Set 64's classes: an eFax notice from a domain eFax does not own, work sign-ins asked
on outside pages (an HR letter from a look-alike of our name, a fake RFQ portal, a purchase order's text file),
and a dying widow's millions from a domain that is not free mail, whose "I do not have any child and I want to
donate" read as a never-ask. Each fails on e284777 except the guards named so.
"""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from rules.content import parse
from rules.engine import EvaluationContext
from rules.model import Direction, Envelope
from tests.test_detection_classes import SHIPPED, _Dir, action, mail
from tests.test_detection_heldout16_classes import US_INBOUND, inbound_action


def _html_only_action(display: str, address: str, subject: str, html: str) -> str:
    """The action for an inbound message whose only part is HTML (as bulk mail and advisories are sent)."""
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = f"{display} <{address}>", US_INBOUND, subject
    m["Message-ID"], m["Date"] = "<h@outside.test>", "Thu, 03 Dec 2026 10:00:00 +0000"
    m.set_content(html, subtype="html")

    class Directory(_Dir):
        domains = ("example.com",)

    v = SHIPPED.evaluate(parse(m.as_bytes()), Envelope(address, (US_INBOUND,)),
                         EvaluationContext({US_INBOUND: Direction.INBOUND}, Directory()))
    return v.to_json()["recipients"][US_INBOUND]["action"]


ADVISORY_HTML = (
    "<html><body><p>Dear Client,</p><p>We are seeing more vendor impersonation attempts against accounts payable "
    "teams. Criminals spoof a supplier's mailbox and ask for payments to go to a new account.</p>"
    "<p>Below is an example of a fraudulent message a client reported this month. Do not act on\n"
    "messages like this.</p><blockquote>Dear Customer,<br>Please be advised that due to an ongoing audit our "
    "banking details have changed with immediate effect. Kindly remit all outstanding invoices to our new account "
    "below. The old account can no longer receive funds.<br>Bank: [removed]<br>"
    "Regards, Accounts Receivable</blockquote>"
    "<p>Red flags: urgency, an audit as the reason, and a refusal to take calls.</p>"
    "</body></html>")


def test_an_advisorys_blockquoted_example_is_read_as_quoted() -> None:
    assert _html_only_action("Harbour Bank Commercial", "alerts@harbourbank.com",
                             "Fraud alert: vendor impersonation", ADVISORY_HTML) == "deliver"


def test_a_blockquote_is_quoted_as_a_plain_text_reply_quotes() -> None:
    from rules.html_text import html_to_text
    text = html_to_text("<p>Hi</p><blockquote>one<br>two<blockquote>three</blockquote>four</blockquote><p>end</p>")
    assert text.splitlines() == ["Hi", "> one", "> two", "> > three", "> four", "end"]


GENUINE = [
    ("Priya Nair", "priya@nairconsulting.io", "FW: Your parcel is on hold - action required (is this real?)",
     "Hi IT team,\n\nIs this real? I'm not expecting any parcel and I don't recognise the sender. I haven't "
     "clicked anything.\n\nPriya\n\nFrom: DHL Express <support@dhl-parcel-redelivery.com>\nSent: Friday, June 20, "
     "2025 7:14 AM\nTo: priya@nairconsulting.io\nSubject: Your parcel is on hold\n\nDear customer,\nYour parcel "
     "could not be delivered because the customs fee of EUR 2.99 has not been paid. Please pay within 48 hours "
     "or your parcel will be returned.\n"),
    ("Linda Park", "linda.park@cascadefoods.com", "Fwd: Payment Update - Example Corp",
     "Hi,\n\nWe received the email below, which claims to come from your accounts team and asks us to pay your "
     "open invoices to a new bank account. Before we change anything I wanted to check with you directly: is "
     "this genuine?\n\n"
     "Linda\n\n---------- Forwarded message ---------\nFrom: Example Corp Accounts <accounts@examp1e-corp.com>\n"
     "Subject: Payment Update\n\nKindly be informed that we have changed our banking partner due to an internal "
     "audit. All outstanding invoices should now be remitted to our new account before Friday.\n"),
    ("Mei Ling Tan", "meiling.tan@summit-events.com", "Summit survey lucky draw - you've won a drone",
     "Dear Bob,\n\nThank you for completing the attendee survey. Your entry was drawn for one of three drones; the "
     "winners are listed on our website.\n\nTo arrange delivery, simply reply with the delivery address and a "
     "contact phone number for the courier.\n\nThere is nothing to pay: the prize, shipping and any import "
     "duties are covered by Summit Events, and we will never ask you for bank or card details.\n\nMei Ling\n"),
    ("台北國際物流展", "expo@tilog-expo.com.tw", "【得獎通知】問卷抽獎",
     "林小姐 您好：\n\n本活動已公開抽出，您抽中參獎：藍牙耳機乙副。得獎名單同步公告於展覽官網。\n\n"
     "領獎方式：回覆本信件提供收件人姓名、收件地址及聯絡電話，主辦單位將以宅配寄出，運費由主辦單位負擔。\n\n"
     "得獎者無須負擔任何稅金或費用；主辦單位亦不會要求您提供銀行帳號或先行匯款。\n"),
    ("DHL Express", "noreply.odd@dhl.com", "Duties and taxes due for shipment 4839201577",
     "Dear Dave,\n\nYour shipment 4839201577 has cleared customs. Import duties and taxes of USD 86.40 are "
     "payable before delivery.\n\nYou can pay now using DHL On Demand Delivery at del.dhl.com, or pay the "
     "courier on delivery.\n"),
]


@pytest.mark.parametrize("display,address,subject,body", GENUINE, ids=[g[2][:40] for g in GENUINE])
def test_reports_and_genuine_prizes_and_duties_are_delivered(display: str, address: str, subject: str,
                                                               body: str) -> None:
    assert inbound_action(display, address, subject, body) == "deliver"


def test_leave_to_circulate_at_the_readers_company_is_no_marker() -> None:
    assert action(mail("您好，附件是我们的产品资料包（产品手册、标准报价单、客户案例），均可在贵司内部传阅。"
                       "下周二我们来做演示。", subject="产品资料")) == "deliver"


def test_only_at_the_readers_company_is_still_a_marker() -> None:
    """A guard (held on e284777 too)."""
    held = mail("您好，附件为报价方案，本资料仅可在贵司内部传阅，请勿外传。", subject="报价方案")
    assert action(held) == "quarantine"


SCAMS = [
    ("HR Department", "hr-notice@example-corp-hr.com", "2025 Salary Adjustment - please acknowledge",
     "Dear Li Wei,\n\nYour compensation letter for H2 has been published. Please review and acknowledge by July 2 "
     "so that the adjustment can be included in July payroll.\n\nSalary_Adjustment.pdf: "
     "https://example-corp-hr.com/hr/letter.pdf (secure document - sign in with your company email)\n\n"
     "Human Resources\n"),
    ("Procurement Department", "rfq@gulf-procurementportal.com", "Request for Quotation RFQ-7731",
     "Dear Supplier,\n\nYou are invited to quote for 4,000 MT of methanol. The full RFQ package is on our secure "
     "supplier portal. Please sign in with your corporate email account to access the documents:\n"
     "https://gulf-procurementportal.com/auth/login.html?rfq=7731\n"),
    ("Mrs. Margaret Lind", "margaret.lind@hospital-care.me", "God bless you - donation for charity",
     "Dearest in Christ,\n\nI am a widow suffering from cancer and my doctor told me I have only few months to "
     "live. My late husband left the sum of EUR 6.2 million in a bank in Spain.\n\nI do not have any child and "
     "I want to donate this fund to an honest person who will use it for charity. Please reply so I can give "
     "you the contact of my lawyer.\n"),
]


@pytest.mark.parametrize("display,address,subject,body", SCAMS, ids=[s[2][:40] for s in SCAMS])
def test_work_sign_ins_and_the_dying_widow_are_held(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "quarantine"


def test_an_efax_notice_from_a_domain_efax_does_not_own_is_held() -> None:
    assert _html_only_action(
        "eFax Message", "noreply@efax-delivery.co", 'eFax message from "+49 40 3786 2210" - 3 page(s)',
        "<html><body><p>You have received a 3 page fax.</p><p>Click here to view this fax using your email "
        "credentials:<br><a href=\"https://efax-delivery.co/view/?fid=1739765556\">https://efax-delivery.co/view/"
        "</a></p><p>Thank you for using the eFax service!</p></body></html>") == "quarantine"


def test_a_purchase_orders_text_file_asking_a_business_sign_in_is_held() -> None:
    from tests.test_detection_heldout16_classes import _inbound_verdict
    po = (b"PURCHASE ORDER 88213\n\nThe purchase order document is protected. To view the quantities please open:\n"
          b"https://marlin-industrial.co.docs-viewer.page/po/88213\n\nand sign in with your business email and "
          b"password to verify you are the intended recipient.\n")
    v = _inbound_verdict("Purchase Dept", "purchase@marlin-industrial.co", "New Purchase Order PO#88213",
                         "Hello,\n\nPlease see our new order attached. Kindly confirm availability.\n\nJason\n",
                         attachments=[("PO88213.txt", po, "text/plain")])
    assert v.to_json()["recipients"][US_INBOUND]["action"] == "quarantine"


def test_a_saas_invitation_to_sign_in_with_a_work_email_is_delivered() -> None:
    """A guard: a service's own invitation ("sign in with your work email") asks no company password."""
    assert inbound_action("Slack", "no-reply@slack.com", "Join your team on Slack",
                          "Hi,\n\nDavid invited you to join the Example Corp workspace on Slack. Sign in with your "
                          "work email to get started: https://example-corp.slack.com/join\n") == "deliver"
