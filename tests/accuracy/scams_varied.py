"""Scams worded unlike scams.py (gift cards for a small fee, cash-back jobs, sure monthly
returns, points that turn into cash, subsidies, a boss who needs money moved today) and the
ordinary inbound mail that shares one of their parts: a survey voucher, a bank's cash-back
statement, a fund factsheet, a supplier on WhatsApp, a conference Telegram group, a customs
duty notice from the real carrier, a refund that is simply paid.

Written as such mail is written (the scams from the shapes reported by users and anti-fraud
centres), not from the rules: what the structural scam scoring must generalise to."""

from __future__ import annotations

import random
from collections.abc import Callable

from tests.accuracy.common import Sample, simple
from tests.accuracy.fake import STAFF, Person, money_cny, rand

CAT = "scams"

EN_SCAMS = [
    (Person("Customer Rewards", "rewards@shopper-survey-center.net"), "Your $500 gift card is waiting",
     "Hello valued shopper,\n\nThank you for being a loyal customer. You have been chosen to receive a ${big} "
     "Walmart Gift Card as part of our customer appreciation program.\n\nTo have your card mailed, simply cover "
     "the $4.95 shipping and handling. Only 3 cards remain for your area, so please confirm by midnight tonight."
     "\n\nConfirm here: http://walmart-rewards-{ref}.top/claim"),
    (Person("Jessica Lin", "jessica.lin.fx@outlook.com"), "Hi dear, quick question",
     "Hi dear,\n\nSorry to bother you, I found your email on LinkedIn. I am an analyst at a digital asset fund in "
     "Singapore. Our members earn a guaranteed monthly return of 18-25% with our AI arbitrage strategy, capital "
     "protected. You can start with as little as USD 500 and withdraw any time.\n\nIf you are interested, message "
     "me on Telegram @jessica_lin{n} and I will teach you step by step.\n\nJessica"),
    (Person("Claims Desk", "no-reply@hmrc-refund-portal.co"), "Outstanding balance in your name",
     "Dear Customer,\n\nOur records show an unclaimed balance of GBP {gbp} held in your name following a review "
     "of overpaid tax. To release the funds, a one-time verification charge of GBP 9.99 is required.\n\nPlease "
     "reply to claims.desk{n}@protonmail.com with your full name, date of birth and sort code within 48 hours, "
     "after which the balance will be returned to the Treasury."),
    (Person("DHL Express", "support@dhl-parcel-tracking.info"), "Delivery attempt failed - action required",
     "Dear customer,\n\nYour parcel {ref} could not be delivered because the import duty of USD 2.99 was not paid. "
     "Pay the duty within 12 hours to schedule a new delivery, otherwise the parcel will be returned to the "
     "sender.\n\nPay now: https://dhl-redelivery-{ref}.com"),
    (Person("Apex Capital Loans", "approval@apexcapital-loans.biz"), "Loan approved - funds today",
     "Congratulations!\n\nYour application for a business loan of USD {usd_k},000 has been pre-approved at 1.9% "
     "with no credit check. To receive the funds today we only need the insurance deposit of USD 250, payable by "
     "Bitcoin or Western Union. Reply to this email with your bank account number and routing number."),
    (Person("Richard Hale", "richard.hale.ceo@gmail.com"), "Are you available?",
     "Hi,\n\nAre you at your desk? I am in a board meeting and can't take calls. I need you to purchase 5 Apple "
     "gift cards of $200 each for a client appreciation gift, scratch the back and send me pictures of the codes. "
     "This is urgent, it has to be done in the next hour. I will reimburse you later today.\n\nRichard\nSent from "
     "my iPhone"),
]
ZH_SCAMS = [
    (Person("兼职招聘", "jianzhi2026@163.com"), "在家兼职，日结200-500元",
     "您好！\n\n我们是某电商平台合作商家，现招聘线上兼职，手机操作即可，每天1-2小时，做单返现，佣金10%-30%，"
     "本金加佣金秒返，一单一结。\n\n有意者请加QQ {qq} 咨询，今天报名的前50名额外赠送88元红包，24小时内有效。"),
    (Person("财富管理中心", "vip-licai@126.com"), "稳健理财 保本保息",
     "尊敬的客户：\n\n我们推出的稳健型理财计划，保本保息，月收益8%起，本金随时可取，已有三千多位会员加入。"
     "首次投资{cny}元即送体验金1000元。\n\n详情请添加理财导师微信 {wx}，进群免费领取投资课程。"),
    (Person("积分兑换中心", "jifen@10086-jfdh.cc"), "您的积分即将清零",
     "尊敬的客户：您好！\n\n您账户内的积分8,600分将于今日24点清零，可兑换现金868元。请尽快登录 "
     "http://10086-jfdh.cc 填写姓名、身份证号和银行卡号，兑换后现金将直接存入您的银行卡。"),
    (Person("人社补贴办", "butie-office@sina.com"), "关于发放2026年度职工技能补贴的通知",
     "各位职工：\n\n根据最新政策，2026年度个人技能补贴现已开放申领，每人可领取补贴{cny}元。请于三日内扫描附件"
     "二维码添加工作人员微信 {wx}，提供身份证号码和银行卡号进行登记，逾期视为自动放弃。"),
    (Person("张总", "zhangzong.office@qq.com"), "在吗",
     "小王，我是张总，我现在在外面开会不方便接电话。有个合作方急需我们先付一笔投标保证金5万元，你先转到下面这个"
     "账户，今天下班前一定要办好，办完把回单截图发我。这件事先别跟其他人说，有事加我新微信 {wx} 联系。"),
    (Person("京东会员中心", "member@jd-vip-gift.cn"), "恭喜获得1000元京东E卡",
     "亲爱的会员：\n\n恭喜您在会员周年庆活动中获得价值1000元京东E卡一张！您只需支付9.9元邮费即可领取，"
     "活动今晚24点截止，过期作废。\n\n点击领取：http://jd-vip-gift.cn/e-card"),
]

EN_LEGIT = [
    (Person("Mia Hughes", "research@northfield-insights.com"), "Thank you - your $25 gift card",
     "Hi,\n\nThank you for completing our 20-minute survey on procurement software last week. As promised, here is "
     "your USD 25 Amazon gift card code: {code}. It can be redeemed at amazon.com until 31 December 2027.\n\n"
     "Northfield Insights Research Team"),
    (Person("AlpenBank Cards", "statements@alpenbank.de"), "Your October card statement",
     "Dear customer,\n\nYour October statement is ready in online banking. This month you earned EUR 42.17 cash "
     "back on your corporate card; it will be credited automatically to your next statement. No action is "
     "needed.\n\nAlpenBank AG"),
    (Person("Laura Fischer", "laura.fischer@alpenbank.de"), "Q3 factsheet - Global Income Fund",
     "Dear Alice,\n\nPlease find the Q3 factsheet for the Global Income Fund. The fund returned 2.4% in the quarter "
     "and 6.8% over twelve months. Past performance is no guarantee of future returns, and the value of "
     "investments can fall as well as rise. Happy to walk you through it on a call.\n\nLaura"),
    (Person("Tobias Krüger", "t.krueger@rhein-maschinen.de"), "Meeting at the fair",
     "Hi Dave,\n\nLooking forward to meeting you at our booth (hall 4, C21) next week. During the fair I am hard "
     "to reach by email - please send me a message on WhatsApp at +49 171 {ph} if anything changes. The quotation "
     "for the two CNC units (EUR 186,000) is attached to my previous mail.\n\nTobias"),
    (Person("Hannah Brooks", "hannah@brooks-events.com"), "FinTech Summit - attendee information",
     "Hi,\n\nThanks for registering for the FinTech Summit. Join the attendee Telegram group (t.me/fintechsummit26) "
     "for live updates on sessions and room changes. Workshop seats cost USD 150 and are first come, first served; "
     "booking closes on Friday.\n\nSee you in Singapore!"),
    (Person("DHL Express", "noreply@dhl.com"), "Import duty for shipment {ref}",
     "Dear customer,\n\nShipment {ref} from Shenzhen has arrived in Frankfurt. Import duty and VAT of EUR 214.60 are "
     "payable before delivery. You can pay online at dhl.com/pay with your waybill number or choose to have the "
     "amount invoiced to your DHL account.\n\nDHL Express Customer Service"),
    (Person("Priya Raman", "priya.raman@nexaworks.io"), "Credit note for the October overcharge",
     "Hi Alice,\n\nApologies for the double charge on the October invoice. We have issued a credit note for USD "
     "1,250 and refunded the amount to the card on file today; it usually shows within 5 business days.\n\nPriya"),
]
ZH_LEGIT = [
    (Person("招商银行信用卡中心", "service@cmbchina.com"), "10月账单及返现到账提醒",
     "尊敬的客户：\n\n您10月的信用卡账单已出，本期消费返现人民币36.50元已自动计入账户，无需操作。"
     "招商银行工作人员不会以任何理由索要您的密码或短信验证码。"),
    (Person("刘洋", "liuyang@dongfang-logistics.cn"), "关于年底运费调整",
     "各位客户好：\n\n受燃油价格影响，自12月1日起华东线路运费每公斤上调0.2元，具体报价见附件。"
     "有问题可以直接加我微信 {wx} 沟通，或拨打客服热线。"),
    (Person("陈晓红", "xiaohong.chen@tianyu-tech.com"), "展会参观邀请",
     "您好：\n\n我司将参加11月中旬的上海工博会（展位号5.1H-A012），届时展出新一代工业网关。"
     "提前扫码登记可免费领取参观证，名额有限，先到先得。欢迎加我微信 {wx} 预约现场演示。"),
    (Person("东方理财", "research@dongfang-wealth.com"), "三季度基金净值报告",
     "尊敬的投资者：\n\n本基金三季度净值增长2.1%，近一年收益率5.6%。基金过往业绩不代表其未来表现，"
     "不保证最低收益，投资有风险，请审慎决策。详细报告见附件。"),
    (Person("张敏", "zhang.min@huaxin-trading.com.cn"), "货款已退回",
     "李伟您好：\n\n上月多付的货款人民币{cny}元，我司财务已于今天退回贵司对公账户，请注意查收。"
     "如未到账请告知，我们提供银行回单。"),
    (Person("黄志强", "huang.zq@pearlriver-elec.com"), "紧急：报关资料",
     "您好：\n\n这批货明天上午十点截关，报关资料今天下班前必须给到货代，否则要改下周的船，额外产生仓储费约"
     "3,000元。资料清单见下，辛苦尽快安排。"),
]


def build(rng: random.Random) -> list[Sample]:
    out: list[Sample] = []

    def add(expect: str, note: str, sender: Person, subject: str, body: str, **kw: object) -> None:
        r = rng.choice(STAFF)
        mail = simple(sender, r, subject, body, **kw)  # type: ignore[arg-type]
        kind = "pos" if expect != "delivered" else "neg"
        out.append(Sample(f"scamv-{kind}-{len(out) + 1:03d}", CAT, expect, note, mail, sender.addr, [r.addr],
                          "inbound"))

    def fill(t: str) -> str:
        return t.format(big=rng.choice([500, 750, 1000]), ref=rand(rng, 10, "0123456789"), n=rng.randint(10, 99),
                        gbp=f"{rng.randint(800, 4800)}.{rng.randint(10, 99)}", usd_k=rng.randint(20, 90),
                        qq=rand(rng, 10, "0123456789"), wx=f"wx{rand(rng, 8)}", cny=money_cny(rng, 20, 600),
                        ph=rand(rng, 7, "0123456789"), code=rand(rng, 4).upper() + "-" + rand(rng, 6).upper())

    for rounds in range(2):
        for i, (sender, subj, body) in enumerate(EN_SCAMS):
            add("held", f"EN scam, other wording: {subj.lower()}", sender, subj, fill(body),
                html=(i + rounds) % 3 == 0, cte=["8bit", "quoted-printable", "base64"][(i + rounds) % 3])
        for i, (sender, subj, body) in enumerate(ZH_SCAMS):
            cs = ["utf-8", "gbk", "gb18030"][(i + rounds) % 3]
            add("held", f"ZH scam, other wording: {subj}", sender, subj, fill(body), charset=cs, subject_charset=cs,
                cte=["8bit", "base64"][(i + rounds) % 2])
        for i, (sender, subj, body) in enumerate(EN_LEGIT):
            add("delivered", f"legitimate, shares a scam's part: {subj.lower()}", sender, subj, fill(body),
                html=(i + rounds) % 2 == 1)
        for i, (sender, subj, body) in enumerate(ZH_LEGIT):
            cs = "gbk" if (i + rounds) % 2 else "utf-8"
            add("delivered", f"legitimate, shares a scam's part: {subj}", sender, subj, fill(body), charset=cs,
                subject_charset=cs)
    build_more(rng, out)
    return out


# second round: payment diversion, a boss's gift-card favour without a sum, Big5 returns with a
# LINE id, a refund that wants card details, a 419 share, a Chinese customs fee - and the
# ordinary mail sharing one part of each
MORE_SCAMS = [
    (Person("Accounts Receivable", "ar@harbourline-freight.co"), "Invoice HL-7781 overdue - updated bank details",
     "Dear Sir/Madam,\n\nOur records show invoice HL-7781 of EUR {eur} is overdue. Please note that we have changed our "
     "bank account following an audit. Kindly settle the balance to our new account below today:\n\nIBAN: "
     "LT60 3250 0{ref}\n\nI am travelling this week, so please reply by email only and do not call the office.", "utf-8"),
    (Person("Richard Hale", "richard.hale@examp1e-corp.com"), "Quick favour",
     "Tom, are you free? I need a favour: get me 4 Google Play cards for a client, I will pay you back tonight. Keep "
     "this between us for now, it is a surprise. Send the codes by email as soon as you have them - I am in a board "
     "meeting and can't take calls.", "utf-8"),
    (Person("穩健投資", "wenjian.invest@gmail.com"), "穩健投資計畫 每月穩定收益",
     "您好：\n\n本公司推出穩健投資計畫，保本保息，每月收益8%，隨時可贖回。名額有限，有興趣請加LINE：invest{n}99 "
     "了解詳情。", "big5"),
    (Person("HMRC Refunds", "refunds@hmrc-online-claims.com"), "Tax refund notification",
     "Dear taxpayer,\n\nAfter the annual calculation of your fiscal activity we have determined that you are eligible to "
     "receive a tax refund of GBP {gbp}. To receive it, confirm your card details (card number, expiry date and "
     "security code) on the secure page within 24 hours.", "utf-8"),
    (Person("Mr. Musa Ibrahim", "musa.ibrahim.acct@yahoo.com"), "Business proposal",
     "Dear friend,\n\nI am a senior accountant with a bank here. A foreign client died without a will and left USD "
     "{usd_k}.5 million in a dormant file. I need a trustworthy foreign partner to stand in, and you will receive 35% "
     "of the total sum. Reply with your full name, private phone number and the name of your bank.", "utf-8"),
    (Person("海关包裹通知", "notice@cn-customs-post.net"), "【海关通知】您的包裹被暂扣",
     "尊敬的客户：\n\n您的国际包裹因未缴纳关税被暂扣，请于48小时内支付清关费68元，否则包裹将退回寄件地。"
     "支付链接：http://cn-customs-post.net/pay", "gb18030"),
    (Person("David Chen", "david.chen.ceo@outlook.com"), "Task",
     "Hi Mei,\n\nCan you pick up five Apple gift cards on your way in? It is for a client thank-you. Once you have "
     "them, scratch the backs and send me photos of the codes. I will sort out the reimbursement with finance. "
     "Please keep it to yourself, I want it to be a surprise.\n\nDavid", "utf-8"),
    (Person("Barrister Okafor", "okafor.chambers@gmail.com"), "Confidential business",
     "Good day,\n\nI represent the estate of a late client of our firm who left USD {usd_k} million with no next of "
     "kin on record. With your cooperation as a foreign partner the funds will be released to you, and you are "
     "entitled to 30 percent. Kindly send your full name and direct phone number to proceed.", "utf-8"),
    (Person("理財顧問", "licai.tw88@gmail.com"), "穩定月收益 名額有限",
     "您好，我們的投資方案月收益10%，保本保息，已有上千位會員加入。歡迎加入LINE好友 invest_tw{n} 了解。", "big5"),
    (Person("Engr. Samuel Obi", "s.obi@petro-contracts-ng.net"), "Mutual benefit",
     "Dear Sir,\n\nI am the head of contracts at a state oil company. From an over-invoiced contract there is USD "
     "{usd_k}.2 million to move into a foreign account, and the money will be shared in the ratio 60/40 between us.\n\n"
     "To proceed kindly send me the following:\n1. your bank details\n2. your direct telephone number\n\nThe "
     "legal fee to release the funds is small and will be explained later.", "utf-8"),
]
MORE_LEGIT = [
    (Person("Laura Fischer", "laura.fischer@alpenbank.de"), "Change of our bank account from 1 January",
     "Dear Alice,\n\nAfter the merger of our two banks, AlpenBank's own account for fees moves to a new account from 1 "
     "January. Nothing changes for invoices already issued. Please call me on +49 89 2180 {n}00 to verify the details "
     "before you update your system.\n\nLaura", "utf-8"),
    (Person("Sarah Mitchell", "s.mitchell@brightwater-consulting.com"), "Proposal attached",
     "Hi Alice,\n\nI am in a meeting until 3 pm and can't take calls, so here it is by email: the proposal for phase two "
     "is attached, fixed fee USD 48,000. Happy to discuss tomorrow.\n\nSarah", "utf-8"),
    (Person("林佳怡", "jiayi.lin@formosa-parts.com.tw"), "報價單",
     "您好：\n\n報價如附件，每台新台幣12,000元，交期四週。如有問題可加LINE：jiayi_tw{n} 聯繫，謝謝。", "big5"),
    (Person("HMRC", "noreply@tax.service.gov.uk"), "Your tax refund has been paid",
     "Dear taxpayer,\n\nYour tax refund of GBP {gbp} was paid into your bank account ending 4417 on 2 December. You do "
     "not need to do anything.", "utf-8"),
    (Person("东方物流客服", "service@dongfang-logistics.cn"), "包裹清关完成",
     "您好：\n\n您的国际包裹已完成清关，关税68元已由寄件方支付，预计明天派送，请保持电话畅通。", "gb18030"),
    (Person("Hannah Brooks", "hannah@brooks-events.com"), "Speaker thank-you",
     "Hi Alice,\n\nThank you again for speaking at the summit. As a small thank-you there is a USD 50 gift card for "
     "you at the registration desk; you can pick it up any time this week.\n\nHannah", "utf-8"),
    (Person("林佳怡", "jiayi.lin@formosa-parts.com.tw"), "新品發表會",
     "您好：\n\n本公司下月舉辦新品發表會，歡迎加入LINE官方帳號 @formosa{n} 接收活動通知，會後提供報價單。", "big5"),
    (Person("Kevin Lee", "kevin.lee@gmail.com"), "Partnership idea",
     "Hi Alice,\n\nWe met at the Canton Fair. I would like to propose a joint product line with a revenue sharing "
     "ratio of 70/30 in your favour for the first year. Add me on WeChat: kevinlee_{n} and we can set up a call.", "utf-8"),
]


def build_more(rng: random.Random, out: list[Sample]) -> None:
    """The second round, appended after the first so its draws leave the first unchanged."""
    def fill(t: str) -> str:
        return t.format(eur=f"{rng.randint(12, 48)},{rng.randint(100, 999)}", ref=rand(rng, 12, "0123456789"),
                        n=rng.randint(10, 99), gbp=f"{rng.randint(120, 480)}.{rng.randint(10, 99)}",
                        usd_k=rng.randint(8, 24))

    inbound_round(rng, out, MORE_SCAMS, MORE_LEGIT, fill, prefix="scamv", scam_note="scam, other wording: ")


def inbound_round(rng: random.Random, out: list[Sample], scams: list, legit: list, fill: Callable[[str], str], *,
                  prefix: str, scam_note: str) -> None:
    """Append one inbound mail to a staff member per (sender, subject, body, charset) of ``scams`` (held)
    then ``legit`` (delivered), ids ``{prefix}-pos-NNN`` / ``{prefix}-neg-NNN`` numbered on from ``out``."""
    for expect, items in (("held", scams), ("delivered", legit)):
        for sender, subj, body, cs in items:
            r = rng.choice(STAFF)
            kind = "pos" if expect == "held" else "neg"
            note = (scam_note if expect == "held" else "legitimate, shares a scam's part: ") + subj
            mail = simple(sender, r, subj, fill(body), charset=cs, subject_charset=cs,
                          cte="base64" if cs != "utf-8" else "8bit")
            out.append(Sample(f"{prefix}-{kind}-{len(out) + 1:03d}", CAT, expect, note, mail, sender.addr, [r.addr],
                              "inbound"))
