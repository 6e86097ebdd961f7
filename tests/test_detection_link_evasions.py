"""Lures that hide where their button goes (rules/links.py), found by the link review (a helper's
135 probes in /work/review3, on cbd49f2) and left open then: a target written with HTML entities
(``&#104;ttps://``), a ``data:`` or ``javascript:`` URL as the button, and an IP address written as
one number (``http://3232235777/``) were read as no link at all, so a lure that claimed OneDrive
and asked for the mailbox password was delivered. Each lure test fails on f3cebf0; the genuine
ones (a vendor's router on a private address, a mailto: button, a relative link) guard the other
way.
"""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.links import html_link_hosts, link_host, off_brand_link, text_link_hosts
from tests.test_detection_heldout16_classes import inbound_action

US = "alice@example.com"


def _action(address: str, subject: str, body: str, html: str) -> str:
    return inbound_action("Document Centre", address, subject, body, html)

_CLAIM = "A remittance advice was shared with you via OneDrive. Sign in with your email password to view it."
EVASIONS = [
    # the scheme written with character references: a browser reads https://docview.test
    '<p>{claim}</p><a href="&#104;ttps&#58;//docview.test/rem">VIEW DOCUMENT</a>',
    '<p>{claim}</p><a href="&#x68;&#x74;&#x74;&#x70;&#x73;&colon;&sol;&sol;docview.test/">VIEW DOCUMENT</a>',
    # a tab inside the scheme (browsers drop it) and a backslash for a slash
    '<p>{claim}</p><a href="ht\ttps:\\\\docview.test/rem">VIEW DOCUMENT</a>',
    # the page itself carried in the link
    '<p>{claim}</p><a href="data:text/html;base64,PGZvcm0+PGlucHV0IHR5cGU9cGFzc3dvcmQ+">VIEW DOCUMENT</a>',
    '<p>{claim}</p><a href="javascript:location=atob(\'aHR0cHM6Ly9ldmlsLnRlc3Q=\')">VIEW DOCUMENT</a>',
    # an address written as one number, in hex, or as dotted quads
    '<p>{claim}</p><a href="http://3232235777/owa/">VIEW DOCUMENT</a>',
    '<p>{claim}</p><a href="http://0xB9160A04/owa/">VIEW DOCUMENT</a>',
    '<p>{claim}</p><a href=http://185.22.10.4/owa/>VIEW DOCUMENT</a>',
]


@pytest.mark.parametrize("html", EVASIONS, ids=["decimal-references", "named-references", "tab-and-backslash",
                                                  "data-url", "javascript-url", "decimal-ip", "hex-ip", "dotted-ip"])
def test_a_lure_whose_button_hides_its_target_is_held(html: str) -> None:
    assert _action("docs@pacific-supplies.test", "Remittance advice", _CLAIM + "\n", html.format(claim=_CLAIM)) \
        == "quarantine"


def test_a_sign_in_asked_at_a_public_ip_address_is_off_any_brand() -> None:
    body = "Your mailbox has exceeded its quota. Verify your account to keep receiving mail."
    html = f'<p>{body}</p><a href="http://185.22.10.4/webmail/">VERIFY NOW</a>'
    assert _action("admin@mail-notice.test", "Mailbox quota exceeded", body + "\n", html) == "quarantine"
    assert off_brand_link(set(), {"(IP 185.22.10.4)"}, ["x@a.test"]) == "its sign-in link leads to IP 185.22.10.4"
    assert off_brand_link(set(), {"(IP 185.22.10.4)"}, ["x@a.test"], sign_in=False) is None


def test_link_targets_are_read_as_a_browser_reads_them() -> None:
    assert link_host("&#104;ttps://Docview.test/x") == "docview.test"
    assert link_host("  //cdn.test/a.png") == "cdn.test"
    assert link_host("https://login.microsoftonline.com@evil.test/") == "evil.test"
    assert link_host("https:\\\\evil.test\\x") == "evil.test"
    assert link_host("DATA:text/html,<b>x</b>") == "(data: URL)"
    assert link_host("java\nscript:alert(1)") == "(javascript: URL)"
    assert link_host("http://3232235777/") == "(IP 192.168.1.1)"
    assert link_host("http://0x7f.1/") == "(IP 127.0.0.1)"
    assert link_host("http://0300.0250.0001.0001/") == "(IP 192.168.1.1)"
    assert link_host("http://[2001:db8::1]/x") == "(IP 2001:db8::1)"
    for nothing in ("mailto:ap@vendor.test", "tel:+85212345678", "cid:logo@x", "/relative/page", "#top", "",
                    "http://", "http://99999999999/"):
        assert link_host(nothing) is None, nothing
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = "a@b.test", US, "x"
    m.set_content("x")
    m.add_alternative("<a href='&#104;ttps://one.test'>a</a><A HREF=data:,x>b</A><a href=\"mailto:x@y.test\">c</a>",
                      subtype="html")
    assert html_link_hosts(m.as_bytes()) == {"one.test", "(data: URL)"}
    assert text_link_hosts(["see http://3232235777/x and https://two.test"]) == {"(IP 192.168.1.1)", "two.test"}


@given(st.text(max_size=80) | st.from_regex(r"(?i)(https?:)?(//|\\\\)[0-9a-fx.\[\]:@%&#;]{0,40}", fullmatch=True))
@settings(max_examples=400, deadline=None)
def test_any_link_target_is_read_without_error(target: str) -> None:
    host = link_host(target)
    assert host is None or (host.startswith("(") and host.endswith(")")) or "." in host


GENUINE = [
    # a vendor's router on the customer's own network (a private address is nobody's phishing page)
    ("support@netgear-partner.test", "Router configuration",
     "Please log in to the router at http://192.168.1.1 with your admin password and verify the firmware version.\n",
     '<p>Please log in to the router at <a href="http://192.168.1.1">http://192.168.1.1</a> with your admin '
     "password and verify the firmware version.</p>"),
    # a mailto: and a relative link are no page to sign in on
    ("ar@huaxin-trading.test", "Statement",
     "Your statement is attached. Reply to confirm your account balance.\n",
     '<p>Your statement is attached.</p><a href="mailto:ar@huaxin-trading.test">Reply to confirm your account '
     'balance</a> <a href="/unsubscribe">unsubscribe</a>'),
]


@pytest.mark.parametrize(("address", "subject", "body", "html"), GENUINE)
def test_private_addresses_and_links_that_open_no_page_are_not_off_brand(address: str, subject: str, body: str,
                                                                           html: str) -> None:
    assert _action(address, subject, body, html) == "deliver"
