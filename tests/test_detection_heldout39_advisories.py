"""Advisories held as scams on afebd60 (blind set 39 and the review set /work/review5): a training
newsletter, an association's forward of a police warning, a security tip and a bank's fraud alert,
each quoting what scams say. What held them: a pressure word or a WeChat/QQ channel inside the
quoted example (only fees and data were read as examples), "never buy gift cards" read as buying
them, 不会…要求…缴纳保证金 read as asking a deposit, a "never … one-time password" more than sixty
characters long, and the frames 识别要点, 自称 and "lures" unknown. Each test fails on afebd60.
"""

from __future__ import annotations

import pytest

from tests.test_detection_heldout16_classes import _inbound_verdict

US = "alice@example.com"

ADVISORIES = [
    ("SecureAware Training", "newsletter@secureaware.test", "SecureAware Monthly: spotting BEC in hospitality",
     "THIS MONTH: Business email compromise in hospitality\n\nFraudsters often open with a short, harmless-looking "
     "question from a senior person's name on a free email account:\n"
     '   "Are you at your desk? I need you to handle something discreetly."\n'
     '   "Can you buy 8 Apple gift cards for staff? Send me photos of the codes."\n\n'
     "What to do:\n 1. Check the real address, not just the display name.\n 2. Never change bank details or buy gift "
     "cards on the strength of an email. Call the person on a number you already have.\n"),
    ("上海市旅游饭店协会", "mishuchu@sh-hotel-assoc.test", "转发：警惕冒充OTA平台客服的诈骗（附典型话术）",
     "各会员酒店：\n据市公安局通报，近期出现冒充“携程客服”的诈骗。典型话术如下：\n"
     "  “贵店近7日存在异常订单，结算账户已被临时冻结，请于48小时内缴纳2000元保证金。”\n"
     "  “贵店因刷单被降权，需补缴5000元保证金恢复排名，缴纳后联系客服QQ。”\n"
     "携程、美团等平台不会通过邮件或 QQ 要求商家向对公或个人账户缴纳保证金，一切以商家后台公告为准。\n"),
    ("Phishfence Academy", "academy@phishfence.test", "Security tip: mailbox-full lures and gift-card requests",
     "November: the three lures we saw most this month\n"
     "1. “Your mailbox is full” – “Your mailbox has exceeded its storage limit. Verify your account within 24 hours "
     "or incoming messages will be deleted.”\n"
     "2. Gift cards from “the CEO” – “Are you at your desk? I need a quick favour. Buy 5 Apple gift cards of $200 "
     "each, scratch the back and send me photos. Keep this between us.”\n"
     "What to do: never enter your password from a link in an email.\n"),
    ("HSBC Hong Kong", "hsbc@notification.hsbc.com.hk", "Beware of fraudulent SMS and emails",
     "Fraud alert\n\nFraudsters are sending messages that pretend to come from HSBC, for example:\n"
     "“Your HSBC account has been suspended. Verify your account now to avoid closure.”\n\n"
     "Please note: HSBC will never send you a link asking you to log on or give us your one-time password.\n"),
    ("信息安全部培训", "training@sec-academy.test", "安全意识课：识别冒充领导的诈骗",
     "本期案例：\n“在吗？我在开会，不方便接电话。你先加我微信，有个急事需要你处理。”\n"
     "识别要点：陌生号码自称领导、要求保密、催促转账或购买购物卡、要求加微信/QQ 私聊，"
     "一律先通过公司通讯录中的电话回拨核实。\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), ADVISORIES,
                         ids=["training-newsletter", "association-forward", "security-tip", "bank-alert",
                              "chinese-lesson"])
def test_an_advisory_quoting_scams_is_delivered(display: str, address: str, subject: str, body: str) -> None:
    v = _inbound_verdict(display, address, subject, body)
    assert v.to_json()["recipients"][US]["action"] == "deliver"
