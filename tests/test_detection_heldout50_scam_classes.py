"""Scam classes blind set 50 missed (/work/heldout50: an accounting and law firm's inbound mail, 160
messages by a helper who never saw the rules; 0.959/0.470 on a9e842f, measured before anything was
tuned to it, 0.962/0.510 after the set-47 work). The mails here are written anew. Each held test
fails on 293328f; the delivered ones guard.
"""

from __future__ import annotations

import pytest

from tests.test_detection_heldout16_classes import inbound_action

HELD = [
    # the boss's title on free mail, "a new mailbox", a payment today to the account given (scams-006)
    ("王总", "wang.boss.2026@gmail.com", "新邮箱，请安排付款",
     "小陈：\n\n我换了新邮箱，以后用这个联系。\n\n项目咨询费今天要付出去，收款信息如下：\n户名：深圳恒达企业管理咨询有限公司\n"
     "账号：4402 0012 0900 3318 829\n金额：人民币 186,000 元\n\n付好截图给我。\n"),
    # the CEO fraud's opener: the boss's title on free mail, in a meeting, a new QQ (scams-009)
    ("李总", "lizong.2026@163.com", "在吗",
     "在吗？我现在在开会不方便说话。\n\n加一下我新的QQ：2938417571，有一笔款项需要你马上处理。\n"),
    ("Margaret Lin, Principal", "principal.mlin2026@gmail.com", "Quick favour",
     "Alice,\n\nAre you at your desk? I need you to handle something for me discreetly. I am in a governors' meeting "
     "and can't take calls.\n\nMargaret\n"),
    # a partner "locked out of Outlook", writing from personal mail, the invoice to pay today (scams-021)
    ("Susan Grey", "susan.grey.partner2026@gmail.com", "Expert witness fee - pay today please",
     "Hi team,\n\nWriting from my personal email as I'm at court and locked out of Outlook. Please pay the expert's "
     "invoice today: GBP 22,500 to M. Farrow Consulting, sort 23-05-80, account 11937042.\n\nSusan\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), HELD,
                         ids=["boss-new-mailbox-pay-today", "boss-opener-zh", "principal-opener",
                              "partner-personal-email-invoice"])
def test_ceo_fraud_of_these_shapes_is_held(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "quarantine"


DELIVERED = [
    # a supplier's invoice giving its account, payable in 30 days: a payment asked, nothing beside it (guard)
    ("Brightline Consulting", "billing@brightline-consulting.de", "Invoice INV-22817",
     "Dear Accounts,\n\nPlease find attached invoice INV-22817 for November. Please pay within 30 days to "
     "IBAN DE89 3704 0044 0532 0130 00, account 0532013000.\n\nKind regards,\nPetra\n"),
    # a director who really is travelling writes from his company address, not free mail (guard)
    ("Tom Hale, CEO", "tom.hale@hale-logistics.com", "Board pack",
     "Alice,\n\nI'm in a meeting all afternoon and can't take calls - please send the board pack to the others.\n"),
    # free mail with a title but no private channel and no ask: a retired founder's note (guard)
    ("Founder - Lee Ming", "leeming1951@gmail.com", "Congratulations",
     "Dear all,\n\nCongratulations on the new office. I hope to visit in spring.\n\nLee\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), DELIVERED,
                         ids=["invoice-with-account", "ceo-company-domain-meeting", "founder-free-mail-no-ask"])
def test_ordinary_mail_of_these_shapes_is_delivered(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "deliver"
