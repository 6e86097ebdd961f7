"""Scam classes blind set 51 missed (/work/heldout51: an electronic-components distributor's inbound
mail, 160 messages by a helper who never saw the rules; 0.955/0.630 on 3cdfb95, measured before
anything was tuned to it). The mails here are written anew, in my own words. Each held test fails
on 3cdfb95; the delivered ones guard.
"""

from __future__ import annotations

import pytest

from tests.test_detection_heldout16_classes import inbound_action

HELD = [
    # the boss's opener from free mail, no title worn: a new WeChat, in a meeting, tell no one
    ("周建华", "zhou.jianhua.office@163.com", "在不在",
     "小王，在办公室吗？\n\n我在外面开会不方便接电话。你加一下我的新微信 zjh-20261，有件事情要你马上办。\n\n"
     "这件事先别跟财务其他人说。\n\n周\n"),
    ("Daniel Cho", "daniel.cho.exec@gmail.com", "Are you available?",
     "Erin,\n\nI'm in a board meeting until 5 and can't take calls. Add me on WhatsApp, my new number is "
     "+852 6123 9087, I have a task for you. Please keep this between us for now.\n\nDaniel\n"),
    # gift cards whose codes are to be photographed and sent back
    ("Daniel Cho", "daniel.cho.exec@gmail.com", "Quick favour",
     "Hi Bob,\n\nI need eight Google Play cards of USD 100 for our client visit. Could you pick them up on your "
     "way in, scratch the back and email me clear pictures of the codes? I'll pay you back.\n\nDaniel\n"),
    # the domain-name scare, English and Chinese
    ("Asia Network Registry", "k.wong@asia-netregistry.com", "Brand name registration dispute - urgent",
     "Dear Manager,\n\nWe are a domain registration service in Hong Kong. Yesterday we received an application from "
     "Fortune Rise Trading Ltd, who wish to register \"example\" as their internet keyword and the domain names "
     "example.hk, example.asia and example.com.cn.\n\nAs this name may conflict with your trademark, please confirm "
     "whether that company is your business partner. We will hold the application for 5 working days.\n\n"
     "Kevin Wong\nAudit Department\n"),
    ("亚太网络注册服务中心", "audit@apnet-register.cn", "关于贵司品牌域名注册的核实函",
     "贵公司负责人：\n\n（如转错部门，请转交公司负责人）\n\n我中心日前收到一家名为“广州瑞丰进出口有限公司”的注册申请，要求以"
     "“示例电子”为网络品牌注册以下域名：示例电子.cn、示例电子.中国、example.net.cn。\n\n经核查，上述名称与贵司品牌相同，"
     "请贵司于5个工作日内回复是否授权该公司注册。\n\n审核部 张经理\n"),
    # a bank's and a marketplace's name worn, an account to "update" at a link off the brand
    ("Hang Seng Bank", "notice@hangseng-corp-update.com", "Corporate account review",
     "Dear Customer,\n\nYour corporate account is on hold pending a KYC review. Update your account information "
     "here: https://hangseng-corp-update.com/kyc\n\nHang Seng Bank Limited\n"),
    ("1688商家服务", "service@1688-merchant-care.com", "【1688】店铺违规处理通知",
     "尊敬的商家：\n\n您的店铺因多次投诉被系统标记，账号将于 48 小时后关闭。\n\n如需申诉，请立即登入：\n"
     "http://1688-merchant-care.com/appeal\n"),
    # an overpayment to be refunded into someone's own account, or on to a "partner's" account
    ("华南机电 财务 陈小姐", "chen.fin@huanan-jidian.cn", "货款多付，请协助退回",
     "您好，\n\n我司出纳付贵司 11 月货款时多转了 ￥60,000（应付 ￥23,500），回单见附件。\n\n因我司基本户在做变更，"
     "麻烦将多付部分退到我们财务经理个人账户：户名 陈建华，招商银行 6225 8801 2233 4455。\n\n谢谢！\n"),
    ("Henrik Vogel", "h.vogel@vogel-antriebe.de.com", "Overpayment on PO 77120",
     "Dear Carol,\n\nOur payables team paid EUR 26,900 instead of EUR 6,900 for PO 77120; the remittance is "
     "attached. Please refund the difference at your earliest convenience. As our account is under migration, "
     "kindly remit it to our forwarding agent's account: Baltic Cargo OU, IBAN EE38 2200 2210 2014 5685.\n\n"
     "Henrik\n"),
    # a tender's fee by Western Union to a named secretary
    ("Ministry of Works Procurement", "procurement@mow-tenders.org", "Invitation to bid MOW/ICB/2026/31",
     "Dear Supplier,\n\nYour company has been shortlisted to bid for the supply of 4,000 LED drivers.\n\nThe bid "
     "documents are released after payment of a non-refundable document fee of USD 380 by Western Union to the "
     "procurement secretary, Mr. Daniel Mensah, Accra.\n\nProcurement Unit\n"),
    # the task scam's daily pay and its WhatsApp recruiter
    ("Amy at StarReach", "amy.jobs@starreach-careers.work", "Remote part-time job, paid daily",
     "Hello,\n\nWe help online shops improve their ratings. The work takes about an hour on your phone and is "
     "paid by commission.\n\nDaily income: USD 150-400. No experience needed.\n\nMessage our coordinator on "
     "WhatsApp +44 7700 900412 to begin.\n"),
    # a tax refund held back for the bank card's details "with the code", asked with 补充
    ("个人所得税", "notice@geshui-tuikuan.com", "您有一笔退税待领取",
     "尊敬的纳税人：\n\n您的年度汇算清缴退税 ￥1,846.20 因银行卡信息不完整未能退付。\n\n"
     "请于本周内点击链接补充银行卡信息及短信验证码：https://geshui-tuikuan.com/tk\n\n国家税务总局\n"),
    # customs' name worn, a parcel's "import tax item" due, destroyed otherwise (traditional characters)
    ("香港海關", "notice@hkcustoms-parcel.net", "您的包裹已被扣留",
     "您好，\n\n您的包裹（編號 HK55120931）因未繳付進口稅項已被扣留，應繳金額：港幣 18.90。\n\n"
     "請於 24 小時內付款，否則包裹將被銷毀：https://hkcustoms-parcel.net/pay\n"),
    # a meeting service's name worn by a sender whose own domain spells it, the sign-in at that domain
    ("Zoom", "recordings@zoom-cloud-share.com", "Cloud recording is now available",
     "Your cloud recording is now available.\n\nTopic: Supplier review\n\nTo view it, sign in with your work "
     "email: https://zoom-cloud-share.com/rec/8812\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), HELD,
                         ids=["boss-opener-zh-no-title", "boss-opener-whatsapp", "gift-card-codes",
                              "domain-scare-en", "domain-scare-zh", "bank-update-link", "marketplace-shop-closed",
                              "overpayment-to-personal-account", "overpayment-to-agents-account",
                              "tender-fee-by-western-union", "task-scam-daily-income", "tax-refund-bank-card",
                              "customs-tax-item-zh-hant", "meeting-service-look-alike"])
def test_scams_of_these_shapes_are_held(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "quarantine"


DELIVERED = [
    # a customer forwarding a mail it doubts, the sender as it showed (guard: was held on 3cdfb95)
    ("采购部 刘丽", "liuli@hengxin-trade.cn", "转发：账户变更通知，请确认",
     "你好，\n\n我们今天收到一封邮件，发件人显示是你们公司财务，说你们账户在年审，让我们把货款付到新账户。"
     "我们觉得不对劲，还没有付款，原邮件转发在下面，麻烦确认一下。\n\n---------- 转发的邮件 ----------\n"
     "请将货款汇入：户名 李强 账号 6222 0210 0110 2233 445\n"),
    # a recruiter on free mail with a WeChat id, no silence asked (guard)
    ("猎头 Amy", "amy.hr.search@163.com", "职位机会",
     "您好，\n\n我们是一家猎头公司，有一个深圳的采购经理职位想和您聊聊。方便的话可以加我微信 amy-hr88 详谈。\n\nAmy\n"),
    # the company's own registrar reminding of a renewal (guard)
    ("Name.com Billing", "billing@name.com", "Your domain example.com renews in 30 days",
     "Hello,\n\nYour domain example.com is set to auto-renew on 6 January 2027. No action is needed. To change "
     "your renewal settings, sign in to your account at name.com.\n\nName.com\n"),
    # a colleague's gift-card thank-you: the codes are given, not asked (guard)
    ("Events Team", "events@partnerco.com", "Thank you for joining our webinar",
     "Hi Li Wei,\n\nThanks for attending. As promised, here is your USD 20 Amazon gift card code: "
     "HX9K-22MP-Q7RT. Enjoy!\n\nPartnerCo Events\n"),
    # a customer's genuine overpayment, refunded to the account it paid from (guard)
    ("Accounts Payable", "ap@nordbau-gmbh.de", "Duplicate payment of invoice 4471",
     "Dear Carol,\n\nWe paid invoice 4471 twice by mistake (EUR 3,120 on 2 and 4 December). Could you refund the "
     "duplicate to the account it came from? Many thanks.\n\nKind regards\nAccounts Payable\n"),
    # a scam warning describing the domain scare (guard)
    ("IT Security", "security@partner-it.com", "Warning: domain name registration scam",
     "Dear clients,\n\nBeware of a scam: fraudsters write that they received an application from another company to "
     "register your brand as domain names, and pressure you to buy them first. Do not reply.\n\nIT Security\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), DELIVERED,
                         ids=["forwarded-report-zh", "recruiter-wechat", "own-registrar-renewal", "gift-code-given",
                              "genuine-duplicate-refund", "domain-scare-warning"])
def test_genuine_mail_of_these_shapes_is_delivered(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "deliver"
