"""What a helper's attack on this session's change found (its brief: cost, bypasses, precision, crashes
in the diff f80b476..e3b5251), fixed in 1e74841 (the first two) and d33bf0f (the rest); each test fails on
cf81da8, the change before the fixes.

- a line with a report word and a '>' line above a scam blanked the whole rest of the body: 19 of 20
  test scams were delivered with "Beware of fake invoices.\\n>\\n" in front;
- "… scams where fraudsters …" anywhere in a sentence cleared it, whatever the sentence offered;
- rejected windfall candidates were each looked at in full: 20 attachments of 不法分子冒充免抵押 from
  free mail took 90 s to screen;
- the link and page walk read a tag's first 500 characters only, and a '>' in a quoted value ended it;
- a domain label of 120,000 characters took minutes in the look-alike checks;
- genuine mail held by the new readings (a fintech's "no collateral", a friend's donation to a hospital,
  a class action's compensation, a probate letter, our own commission, DHL Parcel's own domains, a
  brand's recruiting through HireVue), and outbound markers and secrets the new exclusions let out.
"""

from __future__ import annotations

import pytest

from rules.attached_pages import page_facts
from rules.impersonation import impersonated
from rules.links import html_links
from tests.test_detection_classes import action, mail
from tests.test_detection_heldout16_classes import inbound_action
from tests.test_detection_heldout58_classes import HELD

LENDER = ("Sarah Collins", "sarah.collins.funds@yahoo.com", "Business Loan",
          "Hello,\n\nI am a private lender. I give out loans to companies and individuals at 3% interest.\n\n"
          "Legal documentation fee applies before funds are released.\n\nSarah\n")


@pytest.mark.parametrize(("display", "address", "subject", "body"), HELD[:6])
def test_a_report_word_and_a_quote_mark_above_a_scam_hide_nothing(display: str, address: str, subject: str,
                                                                  body: str) -> None:
    assert inbound_action(display, address, subject, "Beware of fake invoices.\n>\n" + body) == "quarantine"


def test_a_fraudsters_clause_beside_the_writers_own_offer_clears_nothing() -> None:
    display, address, subject, _ = LENDER
    body = ("Hello,\n\nI am a private lender. Unlike the scams where fraudsters promise the moon, I give out loans to "
            "companies and individuals at 3% interest.\n\nUnlike the scams where fraudsters vanish, a legal "
            "documentation fee applies before funds are released.\n")
    assert inbound_action(display, address, subject, body) == "quarantine"


@pytest.mark.timeout(30)
def test_rejected_windfalls_in_many_attachments_are_read_in_linear_time() -> None:
    from tests.test_detection_heldout16_classes import US_INBOUND, _inbound_verdict

    text = ("不法分子冒充免抵押" * 2300)[:20_000]
    v = _inbound_verdict("Mr Lee", "lee@gmail.com", "Hello", text,
                         attachments=[(f"n{i}.txt", text.encode(), "text/plain") for i in range(20)])
    # (1.7 MB: 90 s on cf81da8; nothing offered or asked, the decoys past the bound make one windfall alone)
    assert v.to_json()["recipients"][US_INBOUND]["action"] == "deliver"


def test_decoy_candidates_in_front_of_a_scam_hide_nothing() -> None:
    """Found in the final read of ed8593b: the bound on candidates read in full let 45 rejected decoys of
    each family (a warned sentence each) hide the prize, its fee and its WeChat behind them. Past the
    bound a candidate now counts as found: the screening fails closed."""
    decoys = ("不法分子冒充银行称您中奖。" * 45 + "不法分子冒充客服要求先缴纳手续费。" * 45 +
              "不法分子冒充客服让您加微信 kf_123456。" * 45)
    scam = ("\n\n恭喜您在周年抽奖中获得一等奖，奖金 80,000 元。请先缴纳手续费 800 元方可领取，"
            "加客服微信 lj_kefu2026 办理。\n")
    assert inbound_action("抽奖中心", "choujiang_center@163.com", "中奖通知", decoys + scam) == "quarantine"


def _html(*parts: str) -> bytes:
    return (b"From: a@sender.test\r\nTo: alice@example.com\r\nSubject: t\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: text/html; charset=utf-8\r\n\r\n" + "".join(parts).encode())


@pytest.mark.parametrize("page", [
    '<a style=' + "x" * 600 + ' <a href="https://evil.test/login">Open</a>',   # a link past 500 characters
    '<a title="Open >" href="https://evil.test/login">Open</a>',              # a '>' in a quoted value
    '<a/href="https://evil.test/login">Open</a>',                             # a slash for a space
])
def test_links_a_browser_follows_are_read(page: str) -> None:
    assert "evil.test" in html_links(_html(page))[0]


@pytest.mark.parametrize("page", [
    '<meta name="a' + "x" * 280 + '" http-equiv="refresh" data-b="' + "y" * 340 + '" content="0;url=https://evil.test/p">',
    '<meta content="0;url=https://evil.test/p" http-equiv="refresh">',
])
def test_a_refresh_a_browser_follows_is_read(page: str) -> None:
    facts = page_facts(page)
    assert facts is not None and facts.opens == ("evil.test",)


def test_a_password_field_after_a_long_attribute_is_read() -> None:
    page = '<form action="https://evil.test/p">Password <input name=p style=' + "x" * 600 + " type=password></form>"
    facts = page_facts(page)
    assert facts is not None and facts.password


@pytest.mark.timeout(10)
def test_a_domain_with_a_huge_label_is_bounded_as_dns_bounds_it() -> None:
    # (read as its first 63 characters: a word of a company, no generic words)
    assert impersonated(["IT Helpdesk"], ["x@" + "a" * 120_000 + "1b.com"], ["example.com"]) is None


GENUINE = [
    ("Funding Desk", "sme@capitalbridge-finance.sg", "Invoice financing at 1.5% per month",
     "Dear Business Owner,\n\nWe provide invoice financing loans to SMEs at a rate of 1.5% per month. No collateral "
     "and no credit checks for invoices under SGD 200,000. Apply online in 10 minutes.\n"),
    ("Tom", "tom.harper.hk@gmail.com", "The gala",
     "Hi Alice,\n\nThanks for coming on Friday! In the end we're donating the funds to the children's hospital - "
     "the foundation gave $1,000,000 to the new ward.\n\nTom\n"),
    ("Settlement Administrator", "notice@databreach-settlement.com", "Legal notice of class action settlement",
     "If you were a victim of the 2024 data breach you may be eligible for compensation from the USD 25,000,000 "
     "settlement fund. Class counsel will ask the court for attorney fees of up to $8,333,333.\n"),
    ("陈总", "chen.sourcing@126.com", "合作方式",
     "王经理：\n\n我们是做采购代理的，按成交额获得 5% 的佣金，由供应商每月结算。\n\n陈\n"),
    ("DHL Parcel", "noreply@dhlparcel.co.uk", "Your parcel is on its way",
     "Your parcel 00340434161234567890 arrives tomorrow. Sign in to your account to change the delivery day.\n"),
    ("Amazon Recruiting", "amazon@hirevue.com", "Your interview with Amazon",
     "Hi Erin,\n\nPlease complete your on-demand interview for the Senior Buyer role by Friday. Sign in to "
     "HireVue with the link below.\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), GENUINE,
                         ids=["fintech-no-collateral", "donation-to-hospital", "class-action", "own-commission",
                              "dhl-parcel-own-domain", "recruiting-platform"])
def test_genuine_mail_in_the_new_readings_words_is_delivered(display: str, address: str, subject: str,
                                                             body: str) -> None:
    from tests.test_detection_heldout16_classes import US_INBOUND, _inbound_verdict

    v = _inbound_verdict(display, address, subject, body).to_json()
    # (neither held nor tagged: DHL Parcel's own mail and the recruiting platform's were tagged as worn brands)
    assert (v["recipients"][US_INBOUND]["action"], v.get("subject_prefix")) == ("deliver", None)


OUTBOUND_HELD = [
    ("Salaries", "Nothing except the attached is confidential: the salary table must not leave HR.\n"),
    ("Board pay", "Confidential secretary notes attached - board pay review.\n"),
]


@pytest.mark.parametrize(("subject", "body"), OUTBOUND_HELD, ids=["nothing-except", "secretary-notes"])
def test_markers_the_new_exclusions_must_not_let_out_are_held(subject: str, body: str) -> None:
    assert action(mail(body, subject)) == "quarantine"


@pytest.mark.parametrize("value", ["set-9fK2xQ7vLm3P", "Xy7-random-string-Q9vK2mLp8Rt4"])
def test_secrets_that_start_like_an_instruction_are_held(value: str) -> None:
    config = f"DB_HOST=db.internal\nDB_PASSWORD={value}\n".encode()
    raw = mail("Hi,\n\nThe production config.\n\nBob\n", "Config", ((".env", config, "text/plain"),))
    assert action(raw) == "quarantine"
