"""Credential lures told by where their links lead (rules/links.py, the scam signal
``off_brand_link``): a message asking for a sign-in to a service it names whose links go to none
of that service's domains, or a link whose domain wears a brand's name. Found open on the last
blind sets (a B/L "shared via OneDrive" from a carrier's look-alike, an invoice "via DocShare"
asking for Microsoft 365 credentials: both delivered); each lure test failed on 9bdd5b4, the
genuine ones guard the other way.
"""

from __future__ import annotations

import base64
from email.message import EmailMessage

import pytest

from rules.content import parse
from rules.engine import EvaluationContext
from rules.links import claimed_services, html_link_hosts, off_brand_link, text_link_hosts
from rules.model import Direction, Envelope
from rules.scams import assess
from tests.test_detection_classes import SHIPPED, _Dir
from tests.test_detection_heldout16_classes import inbound_action

US = "alice@example.com"


def _action(display: str, address: str, subject: str, body: str, html: str | None = None) -> str:
    return inbound_action(display, address, subject, body, html)


LURES = [
    # a share "via OneDrive" from a carrier's look-alike; no brand in the From line
    ("Documents", "docs@maersk-line-shipping.test", "B/L copy shared with you",
     "Dear Customer,\n\nMaersk Line has shared the Bill of Lading for shipment MSKU8812331 with you via OneDrive.\n\n"
     "View document: https://onedrive-share-docs.test/view?id=88123\n\nTo access the file, sign in with your "
     "corporate email address and password.\n\nRegards,\nDocumentation Team\n", None),
    # the button's target only in the HTML body
    ("Contracts Team", "contracts@ngs-partners.test", "Please review and sign: Agreement_2026.pdf",
     "Please review and sign the agreement via DocuSign. Enter your email password to access the document.\n",
     '<p>Please review and sign the agreement via DocuSign.</p><p><a href="http://ngs-partners.test/ds/view.php">'
     "REVIEW DOCUMENT</a></p><p>Enter your email password to access the document.</p>"),
    # the genuine address shown as the button's words, the click going elsewhere
    ("Accounts Payable", "ap@pacific-supplies.test", "Remittance advice",
     "A remittance advice was shared with you via OneDrive. Sign in with your email password to view it: "
     "https://onedrive.live.com/\n",
     '<p>A remittance advice was shared with you via OneDrive.</p><p>Sign in with your email password to view it: '
     '<a href="https://docview.test/rem/">https://onedrive.live.com/</a></p>'),
    # card details asked at a link that wears a courier's name
    ("Parcel Notice", "notice@parcel-info.test", "Your parcel is on hold",
     "Your parcel could not be delivered.\n\nPlease confirm your card details to release it: "
     "https://dhl-release.test/pay\n", None),
]


@pytest.mark.parametrize(("display", "address", "subject", "body", "html"), LURES)
def test_a_sign_in_asked_where_the_links_lead_off_the_named_service_is_held(display: str, address: str,
                                                                             subject: str, body: str,
                                                                             html: str | None) -> None:
    assert _action(display, address, subject, body, html) == "quarantine"


GENUINE = [
    # a colleague's share on the partner's own SharePoint
    ("Tom Lee", "tom.lee@partner.test", "Docs for the audit",
     "Dave, the audit folder is on our SharePoint: https://partnertest.sharepoint.com/sites/audit\nYou will need to "
     "sign in with your own Microsoft account; ask me if access is denied.\n", None),
    # the service's own mail, and its links to itself
    ("Jane Wu via DocuSign", "dse_na2@docusign.net", "Please DocuSign: MSA 2027",
     "Jane Wu sent you a document to review and sign.\n\nREVIEW DOCUMENT\n\nEnter your email password only on "
     "docusign.net.\n", '<p><a href="https://na2.docusign.net/Signing/EmailStart.aspx?a=1">REVIEW DOCUMENT</a></p>'),
    # a managed-service provider's new portal: a password to set, Microsoft 365 named beside it
    ("NexGen IT Support", "support@nexgen-msp.test", "New ticket portal",
     "Dear Example staff,\n\nFrom Monday tickets are raised at https://help.nexgen-msp.test. Log in with your email "
     "address; you will be asked to set a password the first time.\nYour Microsoft 365 sign-in is unchanged.\n", None),
    # a supplier names its bank and links to its own portal
    ("Accounts", "ar@huaxin-trading.test", "Payment reminder INV-8812",
     "Dear Dave,\n\nInvoice INV-8812 is due on 15 December. Our bank is HSBC Hong Kong; the bank details are on the "
     "invoice. Please confirm your remittance once paid: https://portal.huaxin-trading.test/inv/8812\n", None),
    # Microsoft's own notice, its link to Microsoft
    ("Microsoft account team", "account-security-noreply@accountprotection.microsoft.com",
     "Microsoft account password change",
     "The password for the Microsoft account al***@example.com was changed. If this was not you, verify your "
     "account at https://account.live.com/password/reset\n", None),
]


@pytest.mark.parametrize(("display", "address", "subject", "body", "html"), GENUINE)
def test_a_sign_in_that_leads_to_the_named_service_or_no_ask_is_delivered(display: str, address: str, subject: str,
                                                                          body: str, html: str | None) -> None:
    assert _action(display, address, subject, body, html) == "deliver"


def test_the_links_of_an_html_part_are_read_through_its_transfer_encoding() -> None:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = "a@b.test", US, "x"
    m.set_content("see the button")
    m.add_alternative('<a href="https://Login.Evil-Host.test/x?u=1">View</a> <a href=//cdn.other.test/a.png>i</a>',
                      subtype="html", cte="base64")
    raw = m.as_bytes()
    assert base64.b64encode(b'<a href="https://Login').decode()[:12] in raw.decode()  # (the HTML is encoded)
    assert html_link_hosts(raw) == {"login.evil-host.test", "cdn.other.test"}
    assert html_link_hosts(b"not a message at all") == set()


def test_links_written_out_in_text_are_read_and_addresses_are_not_links() -> None:
    assert text_link_hosts(["go to https://portal.vendor.test/login or www.vendor.test.",
                            "mail me at someone@www.mailhost.test"]) == {"portal.vendor.test", "www.vendor.test"}


def test_hosts_are_read_whatever_follows_them_and_behind_user_info() -> None:
    """A link followed by Chinese punctuation or in Unicode raised UnicodeError in the IDNA codec
    (found by the review on 001fceb: the message was never accepted); a genuine name before an @
    is user info, not the host."""
    assert text_link_hosts(["请登录https://www.singlewindow.cn。谢谢", "网址：https://a.test，", "“https://b.test”",
                            "https://c.test—见附件", "https://münchen.test/x"]) == \
        {"www.singlewindow.cn", "a.test", "b.test", "c.test"}
    assert text_link_hosts(["https://login.microsoftonline.com:443@evil.test/x"]) == {"evil.test"}
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = "a@b.test", US, "x"
    m.set_content("x")
    m.add_alternative('<a href="https://bücher.test/">a</a><a data-href="https://genuine.test">b</a>'
                      '<a href="https://login.microsoftonline.com@evil.test/">c</a>', subtype="html")
    assert html_link_hosts(m.as_bytes()) == {"evil.test"}
    assert _action("Lieferant", "ap@lieferant.test", "Rechnung", "Bitte die Rechnung ansehen: https://bücher.test/r。\n"
                   "Sign in with your password: https://a.test，\n") == "deliver"


def test_off_brand_link_owns_the_service_the_sender_and_our_own_domains() -> None:
    named = claimed_services(["the file was shared with you via onedrive. sign in to view it"])
    assert named == {"onedrive"}
    assert off_brand_link(named, {"share-docs.test"}, ["x@carrier.test"]) == \
        "says it comes via 'onedrive', its links lead to share-docs.test"
    assert off_brand_link(named, {"partner-my.sharepoint.com", "share-docs.test"}, ["x@carrier.test"]) is None
    assert off_brand_link(named, {"share-docs.test"}, ["noreply@onedrive.com"]) is None  # the service's own mail
    assert off_brand_link(named, {"intranet.example.com"}, ["x@carrier.test"], ["example.com"]) is None
    assert off_brand_link(named, set(), ["x@carrier.test"]) is None  # no link: nowhere else to send the reader
    # the genuine address only shown, the click going elsewhere
    assert off_brand_link(named, {"onedrive.live.com", "share-docs.test"}, ["x@carrier.test"],
                          targets={"share-docs.test"}) == \
        "says it comes via 'onedrive', its links lead to share-docs.test"
    # a service named counts only for a sign-in; a link wearing a brand counts for any ask
    assert off_brand_link(named, {"share-docs.test"}, ["x@carrier.test"], sign_in=False) is None
    assert off_brand_link(set(), {"paypal-billing.test"}, ["x@shop.test"], sign_in=False) == \
        "a link to paypal-billing.test wears the name 'paypal'"
    # a service only named is no claim (a SaaS's single sign-on)
    assert claimed_services(["sign in with your microsoft 365 credentials", "filed with hmrc"]) == set()
    assert claimed_services(["文件已通过onedrive共享给您"]) == {"onedrive"}
    # brands' own hosts: a country's ending, the brand's own top-level domain, a national tenant
    for host in ("www.hsbc.com.au", "mydhl.express.dhl", "tenant.sharepoint.cn", "admin.cloud.microsoft"):
        assert off_brand_link(set(), {host}, ["x@shop.test"], sign_in=False) is None, host
    assert off_brand_link(set(), {"csrc.nist.gov"}, ["x@shop.test"], sign_in=False) is None  # no 证监会


def test_a_password_the_reader_is_to_set_is_not_asked_for() -> None:
    text = "log in with your email address; you will be asked to set a password the first time."
    assert "personal_data" not in {s.name for s in assess([("body", text)]).signals}
    text = "log in with your email address and your current password."
    assert "personal_data" in {s.name for s in assess([("body", text)]).signals}


# Genuine notices the scam-focused blind set 29 found held (on cbd49f2): each failed there.
def test_a_signing_services_own_notice_with_its_security_code_and_the_senders_reply_to_is_delivered() -> None:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = "Jana Becker via DocuSign <dse@eumail.docusign.net>", US, "Please DocuSign: NDA"
    m["Reply-To"] = "Jana Becker <j.becker@kuechenwelt.test>"
    m["Message-ID"], m["Date"] = "<d@docusign.test>", "Thu, 03 Dec 2026 10:00:00 +0000"
    m.set_content("Jana Becker sent you a document to review and sign.\n\nREVIEW DOCUMENT\n\nAlternate Signing Method\n"
                  "Visit DocuSign.com, click 'Access Documents', and enter the security code:\n"
                  "91D2C7E05B3F4A8EB6D17C2F0E9A4B3524\n")

    class Directory(_Dir):
        domains = ("example.com",)

    v = SHIPPED.evaluate(parse(m.as_bytes()), Envelope("dse@eumail.docusign.net", (US,)),
                         EvaluationContext({US: Direction.INBOUND}, Directory()))
    assert v.to_json()["recipients"][US]["action"] == "deliver"


def test_a_courier_notice_saying_nothing_is_due_and_that_it_never_asks_for_wechat_is_delivered() -> None:
    body = ("您好：\n\n您的邮件 EE528776031DE 已完成海关通关手续。关税：由寄件人预付（DDP），您无需缴纳任何费用。\n\n"
            "温馨提示：中国邮政速递物流不会通过邮件、短信或添加微信的方式要求您缴纳关税或清关费用。\n")
    assert _action("中国邮政速递物流", "notice@ems.com.cn", "您的邮件已清关", body) == "deliver"


def test_a_code_asked_for_is_still_asked_for() -> None:
    signals = {s.name for s in assess([("body", "to release the parcel please enter your card number and the "
                                                "security code on the back of your card:\n\n")]).signals}
    assert "personal_data" in signals
