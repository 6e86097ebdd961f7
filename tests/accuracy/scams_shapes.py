"""Scams of the shapes the blind sets of December showed missed (the boss's opener that asks
nothing yet, the domain-name scare, an overpayment whose refund goes elsewhere, a fee under a
government department's name worn from outside its domains, a fee said to come back, a payee's
"change in our settlement bank") and the ordinary mail that shares one part of each: a recruiter on
WeChat, the registrar's own renewal, a duplicate refunded to the card it came from, the department's
own notice, a non-refundable registration fee, a bank change to verify by phone.

Written as the trade writes them (hotels, distributors, property agents), not from the rules."""

from __future__ import annotations

import random

from tests.accuracy.common import Sample
from tests.accuracy.fake import Person
from tests.accuracy.scams_varied import inbound_round

SCAMS = [
    (Person("黄志明", "huang.zhiming.gm@163.com"), "在吗",
     "小刘，在公司吗？\n\n我在外面开会，不方便接电话。你加一下我的新微信 hzm-{n}88，有件事要你马上处理。\n\n"
     "先不要跟财务其他人说。\n\n黄", "gb18030"),
    (Person("Andrew Lau", "andrew.lau.md@outlook.com"), "Are you at your desk?",
     "Hi,\n\nAre you at your desk? I'm tied up in meetings all afternoon and can't talk. I need you to take care of "
     "something for me quietly - don't mention it to anyone yet. Let me know when you get this.\n\nAndrew", "utf-8"),
    (Person("Asia Domain Registration Center", "audit@asia-domainreg.net"), "Brand name registration - please confirm",
     "Dear Manager,\n\nWe are a domain name registration center in Asia. We received an application from Golden Ridge "
     "Trading Co., Ltd. on {day} December to register \"example\" as their internet keyword and the domain names "
     "example.asia, example.hk and example.com.cn.\n\nAs the name may conflict with your company's brand, please "
     "confirm whether that company is your partner. The application is held for 7 working days.\n\nAudit "
     "Department", "utf-8"),
    (Person("广州锦程贸易 财务", "caiwu@jincheng-trade.com.cn"), "货款多转，请协助退回",
     "您好，\n\n我司出纳付贵司本月货款时多转了 ￥{cny}，回单见附件。\n\n因我司基本户正在变更，麻烦将多转部分直接退到我们"
     "财务经理个人账户：户名 林志强，招商银行 6225 8801 {ref4} 4455。\n\n谢谢！", "gb18030"),
    (Person("Olivia Brandt", "olivia.brandt@delegation-travel.eu"), "Refund of the excess deposit",
     "Dear Reservations,\n\nOur finance team transferred EUR {eur}.00 instead of EUR 2,400.00 for the group block. "
     "Please note the refund should go to our logistics partner, as our company account is under audit this month: "
     "IBAN DE44 5004 0000 0591 {ref4} 00.\n\nThank you,\nOlivia", "utf-8"),
    (Person("食物環境衛生署 牌照組", "licence@fehd-licensing-notice.org"), "食肆牌照續期巡查費用",
     "持牌人：\n\n閣下之普通食肆牌照即將到期。請於本月底前繳付巡查及處理費用 HK$ {hkd}，逾期牌照將被暫停。\n\n"
     "繳費方法：轉數快 FPS 識別碼 168 2291 {n}\n\n食物環境衛生署", "big5"),
    (Person("Grand Bay Resorts HR", "hr@grandbay-careers-intl.com"), "Employment offer - Guest Services Manager",
     "Dear Applicant,\n\nWe are pleased to offer you the position of Guest Services Manager. Your work permit must be "
     "processed through our licensed agent; the processing fee (USD {usd}) is refundable in your first salary. "
     "Please arrange the payment this week so that the permit can be filed.\n\nHuman Resources", "utf-8"),
    (Person("Trip.com Finance", "finance@trip-hotel-settlement.com"), "Overdue commission statement",
     "Dear Hotel Partner,\n\nOur records show the commission for last month (HKD {hkd}.40) remains unpaid. Due to a "
     "change in our settlement bank, the account details printed on earlier statements are no longer valid. Please "
     "remit to A/C 072-913{ref4}-6, DBS Bank Ltd, Singapore.\n\nPartner Finance", "utf-8"),
]
LEGIT = [
    (Person("Grace Lin", "grace.lin.search@gmail.com"), "A confidential opportunity",
     "Hi,\n\nMy name is Grace, I'm a partner at an executive search firm in Hong Kong and found your profile on "
     "LinkedIn. I'd rather keep this between us for now. My WeChat is grace_search{n} if you'd like a short "
     "call.\n\nGrace", "utf-8"),
    (Person("Name.com Billing", "billing@name.com"), "Your domain example.com renews in 30 days",
     "Hello,\n\nYour domain example.com is set to auto-renew on {day} January. No action is needed; to change your "
     "renewal settings, sign in to your account at name.com.\n\nName.com", "utf-8"),
    (Person("Maria Lopez", "maria.lopez@ymail.com"), "Charged twice for my booking",
     "Hello,\n\nMy card was charged twice for booking {ref4} (USD {usd} each). Could you please refund the duplicate "
     "to the same card? Thank you.\n\nMaria", "utf-8"),
    (Person("食物環境衛生署", "licensing@fehd.gov.hk"), "牌照續期提示",
     "持牌人：\n\n閣下之食肆牌照將於下月到期，請於到期前經本署網上平台或郵寄方式繳付續期費用。\n\n食物環境衛生署",
     "big5"),
    (Person("Asia Hotel Forum", "events@asia-hotel-forum.org"), "Registration confirmed",
     "Dear Alice,\n\nThank you for registering for the Asia Hotel Forum. The registration fee of USD {usd} is "
     "non-refundable and payable by 30 January.\n\nForum Secretariat", "utf-8"),
    (Person("Laura Chen", "laura.chen@harbour-linen.com.hk"), "Our bank details change from 1 February",
     "Dear Accounts,\n\nFollowing our move to a new bank, our account changes from 1 February. Please call me on "
     "+852 2180 {n}00, the number you already have, to verify the details before you update your system.\n\nLaura",
     "utf-8"),
]


def build(rng: random.Random) -> list[Sample]:
    def fill(t: str) -> str:
        return t.format(n=rng.randint(10, 99), day=rng.randint(2, 27), cny=f"{rng.randint(20, 90)},000",
                        ref4=f"{rng.randint(1000, 9999)}", eur=f"{rng.randint(11, 19)},400",
                        hkd=f"{rng.randint(3, 9)},{rng.randint(100, 999)}", usd=rng.randint(300, 900))

    out: list[Sample] = []
    inbound_round(rng, out, SCAMS, LEGIT, fill, prefix="scams", scam_note="scam, a shape the blind sets showed: ")
    return out
