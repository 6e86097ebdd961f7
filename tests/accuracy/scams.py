"""Inbound scams (prize, lottery, advance fee) in Chinese and English: held; legitimate mail
with money amounts, deadlines, prizes or WeChat/QQ contacts: delivered untagged."""

from __future__ import annotations

import random

from tests.accuracy.common import Sample, simple
from tests.accuracy.fake import STAFF, Person, money_cny, phone_cn, rand

CAT = "scams"

SCAMMERS = [
    Person("Lottery Claims Dept", "claims@euro-millions-award.info"), Person("Dr. Williams Mensah", "wmensah.esq@gmail.com"),
    Person("Mrs. Grace Adebayo", "grace.adebayo1961@yahoo.com"), Person("中奖通知中心", "zhongjiang-notice@126.com"),
    Person("客服中心", "kefu88@qq.com"), Person("Barrister James Cole", "jcole.chambers@outlook.com"),
    Person("Microsoft Award Team", "award.team@ms-promo-2026.com"), Person("幸运抽奖办公室", "lucky2026@163.com"),
]

EN_SCAMS = [
    ("CONGRATULATIONS!!! YOU HAVE WON", "Dear Winner,\n\nYour email address has been selected in the 2026 International "
     "Email Lottery Draw and you have won the sum of {usd} (One Million Five Hundred Thousand US Dollars). To claim your "
     "prize, contact our claims agent Mr. Peter Brown at {mail} with your full name, address and phone number.\n\nYou must "
     "claim within 72 hours or your prize will be forfeited. A processing fee of USD 350 applies.\n\nCongratulations once "
     "again!"),
    ("URGENT BUSINESS PROPOSAL", "Dear Friend,\n\nI am Dr. Williams Mensah, a lawyer to the late Mr. Andreas Keller who died "
     "with his family in a car accident, leaving a deposit of {usd} with a bank here. I seek your consent to present you as "
     "next of kin so the fund can be released to you. You will receive 40% of the total sum. Kindly reply urgently with "
     "your bank details and direct phone number. This transaction is 100% risk free."),
    ("Inheritance fund release", "Attention Beneficiary,\n\nWe have been instructed to release your inheritance fund of "
     "{usd} to you. Before the transfer can be completed you are required to pay the clearance certificate fee of USD 1,250 "
     "via Western Union or Bitcoin within 48 hours. Reply immediately to avoid cancellation.\n\nBarrister James Cole"),
    ("Your Microsoft award notification", "Dear Lucky Winner,\n\nMicrosoft is pleased to inform you that your email won "
     "{usd} in our annual user promotion. Ref number: MS/{ref}/26. Contact our fiduciary agent on WhatsApp +44 7{ph} today "
     "to claim. Keep this award confidential until your claim is processed."),
    ("Donation for you", "Hello,\n\nI am Mrs. Grace Adebayo, a widow suffering from cancer. I have decided to donate {usd} "
     "to you for charity work. Reply with your full name, age, country and phone number so I can instruct the bank. Time is "
     "short, please respond now."),
    ("Payment approved - claim now", "Dear Beneficiary,\n\nYour compensation payment of {usd} has been approved by the "
     "United Nations compensation committee. Send your ATM card delivery fee of USD 195 and your details to our agent "
     "urgently. Offer expires in 24 hours."),
]
ZH_SCAMS = [
    ("恭喜您中奖了！", "尊敬的用户：\n\n恭喜您在本次年度回馈活动中被抽中为一等奖幸运用户，获得奖金人民币{cny}元及苹果笔记本电脑一台！"
     "请在24小时内加微信 {wx} 领取，逾期视为自动放弃。领奖需先缴纳个人所得税及手续费800元。"),
    ("中奖通知书", "您好！您的手机号码在我公司周年庆抽奖中荣获二等奖，奖金{cny}元。请立即添加客服QQ {qq} 办理领奖手续，"
     "今日内有效，名额有限！"),
    ("【重要】快递理赔通知", "您好，您的快递在运输途中丢失，我司将按三倍赔偿{cny}元。请加客服微信 {wx} 办理退款，"
     "需提供银行卡号及验证码，逾期无法理赔。"),
    ("高额返利 稳赚不赔", "老板您好：\n\n内部渠道投资项目，日收益3%，投入{cny}元起，名额仅剩5个，今晚截止！详情加微信 {wx}，"
     "私聊发内部资料。"),
    ("您有一笔退税待领取", "尊敬的纳税人：\n\n您有一笔个税退税{cny}元待领取，请在48小时内添加QQ {qq} 联系专员办理，"
     "超时将退回国库。"),
    ("幸运大抽奖结果公布", "恭喜您！您已被系统随机抽中，获得现金大奖{cny}元！立即回复本邮件或加QQ {qq} 领取，"
     "仅限今天！需先支付保证金人民币500元。"),
]


def build(rng: random.Random) -> list[Sample]:
    out: list[Sample] = []

    def add(expect: str, note: str, sender: Person, subject: str, body: str, **kw: object) -> None:
        r = rng.choice(STAFF)
        mail = simple(sender, r, subject, body, **kw)  # type: ignore[arg-type]
        kind = "pos" if expect != "delivered" else "neg"
        out.append(Sample(f"scam-{kind}-{len(out) + 1:03d}", CAT, expect, note, mail, sender.addr, [r.addr], "inbound"))

    fill = lambda t: t.format(usd=f"USD {rng.randint(11, 95) / 10:.1f} million".replace("USD", rng.choice(["USD", "$"])),  # noqa: E731
                              mail=f"peter.brown{rng.randint(10, 99)}@gmail.com", ref=rand(rng, 6, "0123456789"),
                              ph=rand(rng, 9, "0123456789"), cny=money_cny(rng, 300, 5000), wx=f"wx{rand(rng, 8)}",
                              qq=rand(rng, 10, "0123456789"))
    en_senders = [p for p in SCAMMERS if p.name.isascii()]
    zh_senders = [p for p in SCAMMERS if not p.name.isascii()]
    for rounds in range(3):
        for i, (subj, body) in enumerate(EN_SCAMS):
            if rounds == 2 and i >= 3:
                break
            html = (i + rounds) % 3 == 0
            cte = ["8bit", "base64", "quoted-printable"][(i + rounds) % 3]
            add("held", f"EN scam: {subj.lower()}", rng.choice(en_senders), subj, fill(body), html=html, cte=cte)
        for i, (subj, body) in enumerate(ZH_SCAMS):
            if rounds == 2 and i >= 3:
                break
            cs = ["utf-8", "gbk", "gb18030"][(i + rounds) % 3]
            add("held", f"ZH scam: {subj}", rng.choice(zh_senders), subj, fill(body), charset=cs,
                cte=["8bit", "base64"][(i + rounds) % 2], subject_charset=cs)
    # -- negatives: legitimate inbound mail that shares the surface -------------------------
    legit = [
        (Person("Hannah Brooks", "hannah@brooks-events.com"), "Congratulations - you won the hackathon!",
         "Hi team,\n\nCongratulations! Example Corp won first prize at the Shanghai FinTech Hackathon. The prize of USD 5,000 "
         "will be transferred to your company account within 30 days; please send us an invoice by Friday."),
        (Person("刘洋", "liuyang@dongfang-logistics.cn"), "付款提醒", "您好：\n\n贵司10月账单金额人民币{cny}元，付款期限为本月25日，"
         "请及时安排付款，逾期将按合同收取滞纳金。如有疑问可加我微信 {wx} 沟通。"),
        (Person("张敏", "zhang.min@huaxin-trading.com.cn"), "展会抽奖活动", "各位客户：\n\n欢迎莅临我司广交会展位（9.2馆B15），"
         "现场扫码即可参与幸运抽奖，奖品为定制保温杯。欢迎加微信 {wx} 预约洽谈时间。"),
        (Person("Laura Fischer", "laura.fischer@alpenbank.de"), "Payment due 30 October",
         "Dear Alice,\n\nA friendly reminder that the instalment of EUR 48,500 under the facility agreement is due on 30 "
         "October. Please ensure funds are available by 28 October."),
        (Person("Daniel Novak", "d.novak@vistaprint-partners.com"), "Limited offer: 20% off business cards",
         "Hi,\n\nThis week only: 20% off all business card orders above USD 200. Offer ends Sunday midnight. Order at "
         "vistaprint-partners.com."),
        (Person("陈晓红", "xiaohong.chen@tianyu-tech.com"), "年会抽奖名单", "各位好：\n\n年会抽奖一等奖为价值5,000元的旅游基金，"
         "名单已在公司群公布，没中奖的同事也有纪念品。"),
        (Person("黄志强", "huang.zq@pearlriver-elec.com"), "名片", "您好，很高兴认识您！\n\n黄志强 总经理\n珠江电子有限公司\n"
         "手机/微信：{phone}\nQQ：{qq}\n\n期待合作。"),
        (Person("Priya Raman", "priya.raman@nexaworks.io"), "Invoice NW-2026-118 overdue",
         "Hi Alice,\n\nInvoice NW-2026-118 for USD 12,400 is now 15 days overdue. Could you please confirm the payment date? "
         "We would appreciate settlement this week."),
        (Person("Michael Grant", "mgrant@grant-associates.com"), "Estate matter - documents for signature",
         "Dear Erin,\n\nFurther to our call, the probate documents for the Keller estate are attached for your client's "
         "signature. The court filing deadline is 6 November."),
        (Person("周婷", "zhouting@163.com"), "彩票新闻", "看到新闻说昨晚双色球一等奖开出12注，每注奖金{cny}元，其中一注在上海。哈哈，"
         "周末一起吃饭吧，加我微信 {wx} 约时间。"),
        (Person("James O'Connor", "james.oconnor@harbourline.co.uk"), "URGENT: vessel cut-off tomorrow",
         "Hi Dave,\n\nUrgent - the cut-off for the MSC Aurora is tomorrow 14:00. If the container is not at the terminal by "
         "then, we roll it to next week's sailing (extra storage USD 850)."),
        (Person("吴刚", "wugang1983@qq.com"), "求职申请", "您好：\n\n我在招聘网站看到贵司的销售岗位，附上简历，期望薪资每月15,000元。"
         "方便的话可加QQ {qq} 或微信 {wx} 联系，谢谢！"),
        (Person("Sarah Mitchell", "s.mitchell@brightwater-consulting.com"), "Grant awarded",
         "Hi Alice,\n\nGreat news: the innovation grant of EUR 250,000 has been awarded to the joint project. The first "
         "payment is released once the consortium agreement is signed."),
        (Person("东方物流客服", "service@dongfang-logistics.cn"), "理赔进度通知", "尊敬的客户：\n\n您提交的货损理赔申请（案件号"
         "LP{ref}）已审核通过，赔偿金额人民币3,200元将在5个工作日内退回原付款账户，无需提供任何密码或验证码。"),
    ]
    for i, (sender, subj, body) in enumerate(legit * 2):
        if i >= len(legit) + 6:
            break
        text = body.format(cny=money_cny(rng, 50, 900), wx=f"wx_{rand(rng, 7)}", qq=rand(rng, 9, "0123456789"),
                           phone=phone_cn(rng), ref=rand(rng, 8, "0123456789"))
        cs = "utf-8" if sender.name.isascii() or i % 2 == 0 else "gbk"
        add("delivered", f"legitimate: {subj}", sender, subj if i < len(legit) else "Re: " + subj, text, charset=cs,
            html=i % 4 == 3, subject_charset=cs)
    return out
