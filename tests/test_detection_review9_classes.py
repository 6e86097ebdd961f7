"""Genuine inbound mail a review held (/work/review9: 90 genuine mails written against the scam signals
of this session, 10 held or tagged on a9e842f). The mails here are written anew for each class. Each test
fails on 3f92052 (and on a9e842f) but the last, a guard.
"""

from __future__ import annotations

import pytest

from tests.test_detection_heldout16_classes import inbound_action

DELIVERED = [
    # a tax agent: the back tax is debited through the e-tax bureau, nothing paid to the agent (gen-007)
    ("陈会计", "chen@hengxin-caishui.com", "印花税补缴说明",
     "张经理：\n\n复核账目时发现两份合同漏报了印花税，应补缴 410 元，另加滞纳金约 15 元（以电子税务局显示为准）。\n\n"
     "这个必须先处理掉，补缴后我们才能帮贵司办理《无欠税证明》。\n\n我这边今天在电子税务局做更正申报，税款由贵司三方协议"
     "账户直接扣缴，不需要转给我们。\n\n如果同意，在 QQ（2840 1937 55）上说一声就行。\n"),
    # a bank's briefing whose subject tells how criminals use "safe account" calls (gen-062)
    ("UK Finance", "briefings@ukfinance.org.uk", "Business briefing: how criminals use 'safe account' calls",
     "This month's briefing looks at the calls finance teams receive from people posing as the bank's fraud team.\n"),
    # a customer forwarding a fake bank change under "-----Original Message-----", asking whether it is genuine
    # (gen-070)
    ("Megan Price", "megan.price@harborline-foods.com", "FW: URGENT: updated remittance details - Example Corp",
     "Hi Jo,\n\nWe got the email below this morning. It doesn't look right to me. Can you confirm whether this is "
     "genuine? We have not paid anything.\n\nMegan\n\n-----Original Message-----\n> From: Example Corp Accounts "
     "<accounts@examp1e-corp.com>\n> Sent: Tuesday, 8 October 2024 04:12\n> Subject: URGENT: Updated remittance "
     "details\n>\n> Due to an ongoing audit our previous bank account is no longer active. Kindly remit all "
     "outstanding invoices to our new account below with immediate effect.\n"),
    # a bank's advisory: "近期，有不法分子仿冒我行…", the fake quoted under "> 发件人：/> 主题：" (gen-073)
    ("中国银行", "ebank_notice@bankofchina.com", "【中国银行】防范仿冒我行邮件的风险提示",
     "尊敬的企业客户：\n\n近期，有不法分子仿冒我行名义向企业客户发送邮件，骗取网银账号、密码及 U盾 信息。"
     "典型邮件内容如下：\n\n"
     "> 发件人：中国银行企业网银中心 <service@boc-ebank-update.com>\n> 主题：【重要】您的企业网银证书即将过期\n"
     "> 尊敬的客户：您的 U盾 证书将于 24 小时内失效，请立即点击以下链接完成在线验证，否则将冻结账户。\n\n"
     "我行不会通过邮件发送网银登录链接。\n"),
    # a customer telling, in traditional characters, of the mail it received in our name (gen-076)
    ("張雅婷", "ytchang@advantech-tw.com.tw", "請協助確認付款帳戶變更",
     "Carol 您好：\n\n我們今天收到一封自稱貴公司台灣分公司寄來的信（轉寄如下），要求將 11 月份貨款匯到新的帳戶。"
     "寄件人網域和貴公司平常使用的不同，我們覺得很可疑，所以先暫停付款。\n\n"
     "> 寄件者：台灣益科 會計部 <account@example-tw.co>\n> 日期：2024年11月5日 上午 10:21\n> 主旨：付款帳戶變更通知\n"
     "> 因本公司原帳戶進行年度查核，即日起請將所有款項匯入以下新帳戶，原帳戶暫停使用。\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), DELIVERED,
                         ids=["tax-agent-e-tax-bureau", "criminals-safe-account-subject", "forward-is-this-genuine",
                              "bank-advisory-quoted-fake", "big5-forward-received-report"])
def test_genuine_mail_review9_held_is_delivered(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "deliver"


HELD = [
    # the scam that tells of "a mail we received" is still asked by its own words below (guard: the report
    # reading covers the sentence that tells, not the ask)
    ("Accounts", "accounts@examp1e-corp.com", "Updated remittance details",
     "Dear Customer,\n\nWe received several e-mails claiming that invoices were paid twice. Due to an ongoing audit "
     "our previous bank account is no longer active. Kindly remit all outstanding invoices to our new account "
     "below today.\n\nAccount no: 3019 4471 02\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), HELD, ids=["scam-telling-of-mail-received"])
def test_scams_telling_of_mail_received_are_still_held(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "quarantine"
