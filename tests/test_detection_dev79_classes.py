"""Scam classes a blind set (dev 79: a freight forwarder's inbound mail) and a review of this session's change found
delivered, each written here in our own words (issue 19); all delivered by cf68168:

- freight payments "remitted to our affiliate company … due to a restructuring of our group receivables", 所有运费…
  统一由我司香港关联公司收取 (因我司年度税务筹划调整; 此事老板已同意，无需另行确认: the check waved away);
- the domain scare that says "requested … as their internet keyword and domain names" (no "register");
- the payment agent who will "receive payments from our clients and forward them … keep 10%";
- the CEO fraud's second voice: "instructed by your CEO to coordinate the escrow deposit … no one else in your
  organization may be informed";
- a stranger who "can't check email often" and asks to be contacted "directly on WhatsApp"; whose "emails often go
  to spam on your side" (我这边邮件经常进垃圾箱);
- a trading-signals group joined by its t.me link;
- a bank's name with its department (中国银行 国际结算) worn from elsewhere;
- an archive by link followed by a full stop, its password after a dash ("…orderconf.zip. Password - 2024");
- a withdrawal "pending" until a fee is paid in coins ("14,850 USDT … network verification fee of 0.018 BTC … will
  expire in 72 hours": a sum in USDT is a sum);
- "Dave via SharePoint" from a domain SharePoint does not own;
- an event's attendee list offered for sale;
- a purchase order "through the secure link below" on a host wearing WeTransfer's name;
- 查看订舱确认书（需使用企业邮箱登录）: the work mailbox as the login to a stranger's document.

The genuine mail beside them is delivered: a supplier who offers WeChat only "if you do not get my reply" (a
professor: 如果我没有及时回复，请加我微信), an auditor
whose letter "your CFO asked us" to send, a training platform's "log in with your company email to view your
assigned training", an affiliate collecting payments announced with a call-back on the contract's number."""

from __future__ import annotations

import pytest

from tests.test_detection_heldout16_classes import inbound_action

SCAMS = [
    ("Accounts Receivable", "ar@sunrisefreight-global.com", "Payment instruction update",
     "Dear valued partner,\n\nEffective immediately, all freight payments to Sunrise Freight shall be remitted to our "
     "affiliate company, Sunrise Global Trading Ltd (Hong Kong), due to a restructuring of our group receivables.\n\n"
     "Beneficiary: Sunrise Global Trading Ltd\nA/C: 035-802-11934-7\nSWIFT: WIHBHKHH\n"),
    ("陈佳 财务部", "chenjia@szhuaxin-trade.com", "关于变更收款主体的通知",
     "李经理您好：\n\n因我司年度税务筹划调整，自本月起，我司所有运费统一由我司香港关联公司收取，请贵司更新付款信息：\n\n"
     "收款人：HUAXIN GLOBAL (HK) LIMITED\n账号：7950 1128 334\n\n此事老板已同意，无需另行确认。"),
    ("Jim Liu | Domain Audit", "jim.liu@cn-domainaudit.org", "Notice of Intellectual Property: examplecorp",
     "Dear CEO,\n\nWe received an application from Hongrun Holdings Ltd requested \"examplecorp\" as their internet "
     "keyword and China (CN) domain names (examplecorp.cn, examplecorp.com.cn). After checking it, we find this name "
     "conflicts with your company name."),
    ("Henrik Dahl", "henrik.dahl@nordbalt-shipping.com", "Collaboration proposal - payment agent",
     "Good day,\n\nWe are looking for a reliable company in the Netherlands to receive payments from our clients and "
     "forward them to us. You will keep 10% of each payment as your fee. Typical amounts are EUR 20,000 per month."),
    ("Daniel Whitmore, Esq.", "d.whitmore@whitmore-legal-partners.com", "Project Harbor - escrow transfer",
     "Dear Alice,\n\nI have been instructed by your CEO to coordinate the escrow deposit for Project Harbor. The "
     "deposit of USD 385,000 must reach the escrow account today. Under the NDA, no one else in your organization "
     "may be informed until the announcement.\n\nDaniel Whitmore"),
    ("Richard Coleman", "r.coleman@coleman-imports.co", "Urgent shipment",
     "Hello,\n\nI have an urgent shipment of 3 x 40HC from Shenzhen to Los Angeles. I am traveling and can't check "
     "email often.\n\nPlease contact me directly on WhatsApp: +44 7418 339201 so we can discuss rates and payment."),
    ("Amy", "amy8899@163.com", "Hello",
     "Hello, my emails often go to spam on your side. Please add my WeChat: amy8899"),
    ("Amy", "amy8899@163.com", "您好", "您好，我这边邮件经常进垃圾箱，麻烦加我微信 amy8899"),
    ("FreightAlpha", "invite@freightalpha-signals.io", "Invitation: private signals group",
     "Hi,\n\nOur members made +46% last month with our VIP signals. Join the private Telegram group: "
     "t.me/freightalpha_vip2025 within 24 hours."),
    ("中国银行 国际结算", "swift@boc-intl-settlement.com", "跨境汇款退回通知",
     "尊敬的客户：\n\n您发起的跨境汇款（USD 23,400.00）因收款人信息不完整被退回。\n\n"
     "请于24小时内登录以下页面补充收款人信息，否则款项将被冻结：\nhttps://boc-intl-settlement.com/remit/confirm"),
    ("Nina", "nina@kontrakt-elektro.ru.com", "Order confirmation",
     "Please find the order in the protected archive: https://files-transfer.test/orderconf.zip. Password - 2024"),
    ("BitMarket Pro", "support@bitmarketpro-exchange.com", "Your withdrawal of 14,850 USDT is pending",
     "Dear user,\n\nA withdrawal of 14,850.00 USDT from your account is pending. To complete the withdrawal you must "
     "first pay the network verification fee of 0.018 BTC.\n\nYour balance will expire in 72 hours."),
    ("Dave via SharePoint", "no-reply@sharepointonline-docs.com", "Dave shared \"Q3 Rate Sheet.xlsx\" with you",
     "Dave shared a file with you\n\nQ3 Rate Sheet.xlsx\n\nOpen: https://sharepointonline-docs.com/s/q3rates\n"),
    ("Sarah Mitchell", "sarah.mitchell@eventdata-leads.com", "TOC Europe 2025 attendee list",
     "Hi,\n\nWould you be interested in acquiring the TOC Europe 2025 attendees list?\n\nCount: 7,840 verified "
     "contacts\n\nLet me know and I will share the pricing and a sample."),
    ("Ahmed Khalil - Procurement", "purchase@gulfstar-tradingco.com", "RFQ - 6 x 40HC Shenzhen to Jebel Ali",
     "Dear Sales,\n\nPlease see our PO and cargo details through the secure link below and quote your best rate:\n\n"
     "https://gulfstar-docs.wetransfer-share.net/downloads/PO_44812\n"),
    ("MSC 订舱中心", "booking@msc-shipping-cn.com", "订舱确认 - 宁波至洛杉矶",
     "您好，\n贵司订舱已确认，详情请点击查看订舱确认书（需使用企业邮箱登录）：\nhttp://msc-shipping-cn.com/booking/view\n"),
]

GENUINE = [
    ("Lily Chen", "lily@ledtech-sz.com", "Quotation for LED panels",
     "Dear Dave,\n\nPlease find our quotation attached. Sometimes our email is filtered by the company firewall, so "
     "if you do not get my reply within one day please add my WeChat: lily_ledtech.\n\nLily"),
    ("周文博", "zhouwb@sjtu.edu.cn", "关于联合实验室项目申报的沟通",
     "Carol 老师您好，\n上周在会议茶歇时我们聊到校企联合项目。学校邮箱偶尔会把外部邮件拦截到垃圾箱，"
     "如果我没有及时回复，请加我微信 zwb_sjtu，我们可以先约个腾讯会议细聊。\n周文博"),
    ("Grant Thornton Audit", "audit@grantthornton.com.hk", "Audit engagement letter 2025",
     "Dear Alice,\n\nYour CFO asked us to send the engagement letter for the 2025 audit. The fee and the payment "
     "terms are in the attached letter; please countersign at your convenience.\n\nAudit team"),
    ("KnowBe4 Training", "training@knowbe4.com", "Your assigned training",
     "Hello,\n\nYou have been assigned Security Awareness 2025. Log in with your company email to view your assigned "
     "training: https://training.knowbe4.com/login\n"),
    ("TOC Europe Exhibitor Services", "exhibitors@tocevents-europe.com", "Your exhibitor pack",
     "Dear exhibitor,\n\nThe attendee list for your lead scanning app is available in the exhibitor portal from "
     "next week. Your stand number is B22.\n\nExhibitor Services"),
    ("Li Wei via DocuSign", "dse@docusign.net", "Please sign: supply agreement",
     "Li Wei sent you a document to review and sign.\n\nREVIEW DOCUMENT: https://www.docusign.net/Signing/abc\n"),
    ("Karim Haddad", "karim@gulfstar.ae", "RFQ - Jebel Ali",
     "Dear Sales,\n\nPlease see our PO through the link below and quote your best rate:\n\n"
     "https://wetransfer.com/downloads/4f2a9c\n\nKarim"),
    ("Sunrise Freight Finance", "finance@sunrisefreight.com", "Collections by our affiliate",
     "Dear partner,\n\nFrom 1 March all freight payments shall be remitted to our affiliate company, Sunrise Global "
     "Trading Ltd. Please verify this change by calling your usual contact on the number in our contract before "
     "the next payment.\n\nFinance"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), SCAMS, ids=[s[2][:40] for s in SCAMS])
def test_these_scams_are_held(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) in ("quarantine", "reject")


@pytest.mark.parametrize(("display", "address", "subject", "body"), GENUINE, ids=[g[2][:40] for g in GENUINE])
def test_the_genuine_mail_beside_them_is_delivered(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "deliver"
