"""What a review that attacked this session's detection changes (issue 19) found, each written here in our own words.

Genuine mail the new readings held (each delivered by cf68168): an event's "Signal group" (the app, no trading
signals); an exchange's own "Telegram community"; an accounting society's and a supplier's finance groups (扫码进群,
from their own domains: only free mail's finance group is the fake boss's); a lawyer engaged by the reader's CEO who
asks nothing; a fair's catalogue that "provides" its exhibitor list, an organiser's list online beside an app's price;
Coupa's own RFQ asking to "log in with your business email to view"; cost centres listed one a line under "card
limits"; two stacked banners each with a dash ("CONFIDENTIAL – do not forward\\nRESTRICTED – board only"), which read
as a list of levels and were delivered: now held again.

Scams and leaks that slipped past them by small rewording (each delivered by cf68168): "hit me up on Telegram", 加V,
股票交流社群, a "registrants list … 7,840 verified contacts", 受老板委托…今天需要支付, a year on the line above a
card's two halves or an identity number's two parts."""

from __future__ import annotations

import pytest

from tests.test_detection_classes import action, mail
from tests.test_detection_heldout16_classes import inbound_action

GENUINE_INBOUND = [
    ("Summit Events", "team@summit-events.com", "Join us on site",
     "Join our Signal group for updates during the event: https://signal.group/#abc"),
    ("Kraken", "no-reply@kraken.com", "Withdrawal sent",
     "Your withdrawal of 1,250.00 USDT has been sent. Join our Telegram community: t.me/krakenfx"),
    ("深圳会计学会", "office@szacc.org.cn", "学习群", "各位会员：会计人员学习群已建立，请扫码进群。"),
    ("华信贸易财务部", "finance@hx-trade.com", "对账群", "为方便每月对账，我司已建财务工作群，请扫码进群。"),
    ("Lee & Partners", "partner@lee-partners.com", "Share purchase completion",
     "We have been engaged by your CEO in connection with the share purchase. The completion funds will be "
     "transferred on Friday. Please treat this as confidential."),
    ("广交会", "info@cantonfair.org.cn", "展会会刊", "本届展会会刊将免费提供参展商名录及采购商名录。"),
    ("TOC Europe", "info@tocevents-europe.com", "Exhibitor list",
     "The exhibitor list and floor plan are now online. Lead retrieval app pricing is EUR 150."),
    ("Coupa Supplier Portal", "do_not_reply@coupahost.com", "RFQ invitation",
     "Hello,\n\nTata Electronics invited you to an RFQ. Log in with your business email to view the RFQ.\n"
     "https://supplier.coupahost.com/rfq/123\n"),
]

SCAMS = [
    ("Alex", "alex.trades@gmail.com", "ideas",
     "Daily crypto trading ideas with 300% returns. Hit me up on Telegram: @alexotc"),
    ("王老师", "wang88@163.com", "股票", "股票交流社群每天分享牛股，欢迎加V：wang88888 进群"),
    ("Lisa", "lisa@x-data.com", "Registrants", "We have the registrants list of TOC Europe: 7,840 verified contacts. "
     "Would you like the cost and a sample?"),
    ("律师", "lawyer@law-hk.com", "收购",
     "我是贵公司老板聘请的律师，受老板委托联系您，今天需要支付一笔收购定金，此事请保密。"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), GENUINE_INBOUND,
                         ids=[g[2][:30] for g in GENUINE_INBOUND])
def test_genuine_mail_the_new_readings_held_is_delivered(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "deliver"


@pytest.mark.parametrize(("display", "address", "subject", "body"), SCAMS, ids=[s[2][:30] for s in SCAMS])
def test_rewordings_of_the_new_classes_are_held(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "quarantine"


def test_cost_centres_one_a_line_under_card_limits_are_no_card() -> None:
    assert action(mail("Corporate card limits changed for these cost centres:\n51234567\n51234589\n", "Limits")) \
        == "deliver"


def test_a_year_on_the_line_above_a_cards_halves_hides_nothing() -> None:
    body = "Card for the hotel booking:\n2024\n45320151\n12830366\nexp 12/27"
    assert action(mail(body, "Hotel booking")) == "quarantine"


def test_a_year_on_the_line_above_an_identity_numbers_parts_hides_nothing() -> None:
    assert action(mail("身份证号：\n2024\n440304198\n506121230", "入职资料")) == "quarantine"


@pytest.mark.parametrize("where", ["body", "attachment"])
def test_two_stacked_banners_with_dashes_still_label_the_document(where: str) -> None:
    text = "CONFIDENTIAL – do not forward\nRESTRICTED – board only\n\nQ3 pricing: margin 38% on the tender."
    raw = mail(text, "Q3") if where == "body" else \
        mail("Please see attached.", "Q3", (("plan.txt", text.encode(), "text/plain"),))
    assert action(raw) == "quarantine"
