"""A helper's attack on this session's readings (review 19, on a1594e3 and after): genuine mail they held, each class
written anew here. Every genuine message below is held on 2aba22c and delivered after, except two guards written
anew that 2aba22c already delivered (the supplier register's renewal, the merger's closed account). What it also
found and what changed: a 158 s ReDoS in the wrapped-line gap (tests/test_scam_patterns_no_ambiguous_gaps.py), and
35 cheap rewordings of the new readings that still pass (listed in the closing note).

- SaaS tenants whose host is our domain alone (example-com.slack.com, .okta.com) and proxies' spelling of our site
  (www-example-com.cdn.ampproject.org) are no lure's host; mail-example-com.<elsewhere> is;
- a client's CFO who will "make a quick payment of your invoice" (the errand "for me" is the boss's);
- a supplier's rep who changed phones, gives a new WeChat and names his company after a comma, with no task;
- a country's supplier register and a stock exchange's annual listing fee are memberships, and a listing's
  price on the next line of a property portal's invoice is no directory trap;
- a refund "to their account, the one it came from";
- an old account "closed after the merger" is no pretext (closed "for" a reason still is);
- a bank's day of remittance files (230 CSVs) is inside the reading bound (now two million characters).

"""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from rules.model import Direction
from tests.test_detection_classes import verdict_for
from tests.test_detection_heldout16_classes import inbound_action

GENUINE = [
    ("Slack", "feedback@slack.com", "[Slack] New sign-in to Example workspace",
     "Hi Carol,\n\nWe noticed a new sign-in to your Slack account in the Example workspace. If this was you, you "
     "don't need to do anything. If not, sign in and reset your password: https://example-com.slack.com/account\n"),
    ("Okta", "noreply@okta.com", "Activate your Example Corp account",
     "Hi Carol,\n\nYour administrator created an account for you. Sign in to activate it: "
     "https://example-com.okta.com/activate/8Hx2\n"),
    ("Supply Chain Weekly", "newsletter@scweekly-news.com", "Example Corp expands Ningbo plant",
     "Today's top story: Example Corp expands its Ningbo plant. Read more: "
     "https://www-example-com.cdn.ampproject.org/c/s/www.example.com/news/ningbo\nSign in to manage your "
     "subscription.\n"),
    ("David Park", "david.park@hanseatic-trading.example", "Your invoice 2291",
     "Hi Carol,\n\nAre you at your desk? I'd like to make a quick payment of your invoice 2291 today before the "
     "quarter closes, can you confirm the amount including the freight? I'm tied up in meetings most of the day so "
     "email is best.\n\nThanks,\nDavid\n"),
    ("华达电子 小王", "hd_xiaowang@163.com", "张经理，我换新号了",
     "张经理您好，我是小王，华达电子销售部的，手机换了新号，方便的话加我一下：hd_xiaowang88\n\n"
     "我在外面开会不方便接电话，报价单晚点发您邮箱。\n"),
    ("Constructionline", "renewals@constructionline.example", "Your membership renewal",
     "Dear Member,\n\nYour membership of the UK suppliers register is due for renewal. The annual fee of GBP 420 "
     "is payable by 31 January to keep your company visible to buyers.\n"),
    ("HKEX Listing", "listing@hkex.example", "Annual listing fee 2027",
     "Dear Company Secretary,\n\nThe annual listing fee for your company's shares for 2027 is HKD 145,000, payable "
     "by 31 January. Please settle it by transfer to the account shown on the debit note.\n"),
    ("Rightmove Billing", "billing@rightmove.example", "Invoice INV-88213",
     "Dear customer,\n\nPlease find your invoice for the premium listing package.\nListing package (12 months)\n"
     "EUR 2,400 per year, payable by direct debit on 1 March.\n"),
    ("Sunrise Outdoor AP", "ap@sunrise-outdoors.example", "Duplicate payment INV-7731",
     "Dear Ms Li,\n\nInvoice INV-7731 was paid twice, once by us and once by our Singapore office. Please refund\n"
     "the duplicate to their account, the one it came from, or credit it against their next invoice.\n\nJane\n"),
    ("Marco Rossi", "m.rossi@rossi-pumps.example", "Bank merger: new IBAN from January",
     "Dear Li Wei,\n\nour old account at UBI Banca has been closed after the merger with Intesa. Please pay "
     "invoices from January to our new account, IBAN IT40 S054 2811 1010 0000 0123 456. Our managing director "
     "signed the enclosed letter; you can confirm on the number in our contract.\n\nMarco\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), GENUINE)
def test_genuine_mail_review_19_found_held_is_delivered(display: str, address: str, subject: str,
                                                        body: str) -> None:
    assert inbound_action(display, address, subject, body) == "deliver"


def test_a_lures_host_with_our_domain_is_still_off_brand() -> None:
    body = ("您好，carol@example.com：\n\n您的邮箱空间已使用99.7%，系统将在24小时后停止接收新邮件。请立即登录扩容：\n"
            "https://mail-example-com.mailbox-space-notice.com/?u=carol@example.com\n")
    assert inbound_action("邮箱系统管理员", "postmaster@mailbox-space-notice.com", "邮箱容量已满", body) == "quarantine"


def test_a_banks_day_of_remittance_files_is_inside_the_reading_bound() -> None:
    row = "2026-12-07,PAYMENT,ACCOUNT 0123456789,EXAMPLE CORP,USD,1250.00,REF INV-2291,bank transfer received\n"
    csv = ("date,type,account,payer,currency,amount,reference,remark\n" + row * 60).encode()
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = "Bank Statements <edi@bank.example>", "alice@example.com", "Remittance files"
    m["Message-ID"], m["Date"] = "<edi@bank.example>", "Mon, 07 Dec 2026 09:00:00 +0000"
    m.set_content("Today's remittance files are attached.")
    for i in range(230):
        m.add_attachment(csv, maintype="text", subtype="csv", filename=f"remit-{i:03}.csv")
    v = verdict_for(m.as_bytes(), "edi@bank.example", "alice@example.com", Direction.INBOUND)
    assert "uninspectable: too much text to read for scams" not in v["findings"]
    assert v["recipients"]["alice@example.com"]["action"] == "deliver", v["hits"]


BOSS_REWORDED = [
    "Are you available right now? I need you to take care of a payment for me today. I'm in back to back meetings "
    "and can only reply by email.",
    "Are you at your desk? I need you to process an urgent vendor payment for me before noon. I'm tied up in "
    "meetings, email only.",
]


@pytest.mark.parametrize("body", BOSS_REWORDED)
def test_the_bosss_opener_reworded_is_held(body: str) -> None:
    assert inbound_action("Michael Chen", "m.chen@exec-officemail.com", "Quick request", body) == "quarantine"


REFUNDS_REWORDED = [
    "Please return our deposit of USD 9,300. Our Dubai account is closed for a tax registration issue, so send it "
    "to the account of our parent company in Istanbul:\n\nKhalil Tekstil Ltd.\nIBAN TR33 0006 1005 1978 6457 8413 26\n",
    "Invoice 7731 was paid twice, once by us and once by our Singapore office. Kindly return the duplicate to the "
    "Singapore office's account below, before our year-end closing:\n\nDBS Bank, account 072-915532-4\n",
]


@pytest.mark.parametrize("body", REFUNDS_REWORDED)
def test_refunds_to_the_group_reworded_are_held(body: str) -> None:
    assert inbound_action("Omar Khalil", "omar.khalil.trading@gmail.com", "Deposit return", body) == "quarantine"
