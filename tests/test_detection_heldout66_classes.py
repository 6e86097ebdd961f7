"""Blind set 66 (a Shenzhen electronics trader's inbound scams, dev; 0.939 / 0.689 on e284777). The classes read
after it, written anew: the boss's opener that tells its new WeChat id without a colon (这是我新的微信号 czm8862，你加
我一下); an "AI arbitrage" desk whose "principal is fully guaranteed"; a job's "work permit bond … reimbursed in your
first salary" paid to a visa agent on free mail; our own name in a domain asking to "keep your current password"
before "you will be signed out"; a disaster appeal "accepting donations only in cryptocurrency"; a fake tender's
registration "handled by our accredited agent … at a cost of USD 2,750"; a payment assistant's "personal or company
bank account" and "transfer the funds on the same day"; USDT 转到以下地址; and a mail provider's phishing traits set
out under "常见特征如下：". Each fails on 67e5045 but the guard.
"""

from __future__ import annotations

import pytest

from tests.test_detection_heldout16_classes import US_INBOUND, _inbound_verdict, inbound_action

SCAMS = [
    ("陈志明", "chenzm_office@163.com", "在吗",
     "李伟：\n\n我现在在开会，不方便接电话。这是我新的微信号 czm8862_hk，你加我一下，有个急事需要你马上处理。\n\n"
     "加好了回我邮件，先不要跟其他人说。\n"),
    ("Daniel Foster | Apex Quant", "daniel.foster@apexquant-capital.io", "Private allocation: AI arbitrage desk",
     "Dear Mr. Chen,\n\nOur AI-driven arbitrage engine trades price gaps between crypto exchanges. Minimum allocation "
     "is 10,000 USDT. Your principal is fully guaranteed by our insurance partner and you can withdraw daily.\n\n"
     "Message me directly on Telegram @DanielFoster_AQ for a walkthrough.\n"),
    ("Talent Acquisition", "recruitment@ega-careers-uae.com", "Offer of Employment - Senior Engineer",
     "Dear Mr. Zhao,\n\nWe are pleased to offer you the position of Senior Electrical Engineer. Our appointed visa "
     "agent will process your work permit. The candidate pays the refundable work permit bond of AED 4,850, which "
     "will be reimbursed in your first salary. Please contact the agent at gulflink.visa@outlook.com.\n"),
    ("IT Service Desk", "it-servicedesk@example-corp-helpdesk.com", "Your example.com password expires today",
     "Hi Bob,\n\nThe password for bob@example.com expires today. After 23:59 you will be signed out of Outlook and "
     "Teams.\n\nIf you want to keep your current password, click below.\n\nKeep current password\n\nIT Service Desk\n"),
    ("Myanmar Earthquake Relief", "donate@myanmar-quake-relief.org", "Urgent appeal: families need your help today",
     "Dear Friend,\n\nOn 28 March a 7.7-magnitude earthquake struck central Myanmar. Because banks are disrupted, we "
     "are accepting donations only in cryptocurrency and by PayPal to our coordinator:\n\nUSDT (TRC-20): "
     "TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE\nPayPal: myanmar.relief.coordinator@gmail.com\n"),
]


@pytest.mark.parametrize("display,address,subject,body", SCAMS, ids=[s[2][:40] for s in SCAMS])
def test_set_66s_classes_are_held(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "quarantine"


def test_a_fake_tenders_registration_at_a_cost_through_its_agent_is_held() -> None:
    v = _inbound_verdict(
        "Federal Ministry - Procurement Unit", "procurement@fmp-tenders-gov.ng.com", "Invitation to Supply",
        "Attn: Sales Manager,\n\nYour company has been shortlisted to supply 18,000 solar charge controllers, paid by "
        "irrevocable Letter of Credit upon contract award.\n\nEvery foreign supplier must obtain a Certificate of "
        "Non-Objection. The registration is handled by our accredited agent, Greenfield Legal Consult, at a cost of "
        "USD 2,750 (payable once).\n", Reply_To="fmp.procurementunit@gmail.com")
    assert v.to_json()["recipients"][US_INBOUND]["action"] == "quarantine"


def test_a_banks_principal_protected_deposit_is_delivered() -> None:
    """A guard: a bank's own structured deposit, its principal protected, asks nothing."""
    assert inbound_action("HSBC Premier", "premier@hsbc.com.hk", "New: 6-month principal-protected deposit",
                          "Dear Customer,\n\nOur new 6-month structured deposit links to the HKD/USD rate; your "
                          "principal is fully protected at maturity. Visit any branch or the HSBC HK App to learn "
                          "more.\n") == "deliver"


MORE_SCAMS = [
    ("Northbridge HR", "hr@northbridge-consult-group.com", "Work from home: Payment Processing Assistant",
     "Hello,\n\nWe are recruiting a part-time Payment Processing Assistant in Hong Kong.\n\nYour duties:\n - receive "
     "payments from our clients into your personal or company bank\n   account\n - transfer the funds on the same "
     "day to our suppliers as instructed\n - keep 8% of every transaction as your commission\n\nSalary: USD 3,500 "
     "per month.\n"),
    ("匿名", "lt8842@kvmail.top", "你的隐私视频在我手上",
     "半年前你点过一个链接，我就控制了你的电脑和摄像头，录下了你的视频。\n\n给你 48 小时。把价值 8,000 元人民币的 "
     "USDT（TRC20）转到以下地址：\nTXk7pQ2wN9eR4mB8vF1cJ6hL3sD5gA0yUz\n\n如果报警，视频会立刻发给你所有联系人。\n"),
]


@pytest.mark.parametrize("display,address,subject,body", MORE_SCAMS, ids=[s[2][:40] for s in MORE_SCAMS])
def test_the_payment_assistant_and_the_usdt_sextortion_are_held(display: str, address: str, subject: str,
                                                                body: str) -> None:
    assert inbound_action(display, address, subject, body) == "quarantine"


def test_a_mail_providers_list_of_phishing_traits_is_delivered() -> None:
    """Its traits set out under "常见特征如下：" (held on 67e5045)."""
    assert inbound_action("腾讯企业邮", "noreply@exmail.qq.com", "安全提醒：近期仿冒“邮箱升级”钓鱼邮件高发",
                          "尊敬的管理员：\n\n近期我们监测到大量仿冒“邮箱系统升级”“账号即将停用”等主题的钓鱼邮件，"
                          "常见特征如下：\n"
                          "发件人显示名为“系统管理员”，但实际发件域名并非贵司域名；\n"
                          "要求在当天内输入邮箱密码、手机号，或用手机扫描二维码。\n"
                          "建议您：在管理后台开启“安全登录”。\n\n"
                          "腾讯企业邮不会以任何形式要求用户提供邮箱密码。\n") == "deliver"
