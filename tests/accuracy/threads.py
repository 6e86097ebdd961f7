"""Mixed-language threads: an English reply over a Chinese thread and the reverse, with each
side's footer and disclaimer quoted below. What matters is what leaves: a card, an identity
number or a password quoted from an earlier message leaves as surely as a new one."""

from __future__ import annotations

import random

from tests.accuracy import mime
from tests.accuracy import secret_values as sv
from tests.accuracy.common import (
    DISCLAIMERS_EN,
    DISCLAIMERS_ZH,
    OUR_DISCLAIMER_ZH,
    Sample,
    outbound,
    quote,
    signature,
    simple,
)
from tests.accuracy.fake import EN_EXT, EN_STAFF, ZH_EXT, ZH_STAFF, Person, card, cn_id, expiry, group_card, group_id

EN_ON_ZH = [
    ("Re: 样品寄送", "Hi Min,\n\nThanks - samples will ship on Thursday by SF Express. I will send the tracking number "
     "once I have it.", "张敏您好：\n\n请把三套样品寄到我司上海仓库，收件人写我即可。\n\n谢谢"),
    ("Re: 付款进度", "Dear Mr. Huang,\n\nOur finance team released the payment today; you should see it within two "
     "working days.", "您好：\n\n请问九月份的货款什么时候可以安排？我们财务在催。\n\n黄志强"),
    ("Re: 技术对接", "Hi Xiaohong,\n\nWednesday 3 pm works for us. We will bring the API documentation and a test "
     "account.", "Bob您好：\n\n下周三下午三点可以安排技术对接会议吗？地点在我们张江办公室。"),
]
ZH_ON_EN = [
    ("回复：Re: Delivery schedule", "James您好：\n\n收到，我们会按新的船期安排出货，报关资料明天发给您。",
     "Hi Li,\n\nThe MSC Aurora is now loading on 28 October. Please have the customs documents ready by the 24th."),
    ("回复：Quotation request", "Sarah您好：\n\n报价单已更新，见附件说明，有问题随时联系。",
     "Dear team,\n\nCould you send us an updated quotation for 500 units, delivery to Rotterdam?"),
    ("回复：Meeting notes", "Priya您好：\n\n会议纪要没问题，我们这边的行动项已经分配给赵磊。",
     "Hi all,\n\nNotes from today's call are below. Action items: Example Corp to share the test plan; NexaWorks to "
     "provision the sandbox."),
]


def build(rng: random.Random) -> list[Sample]:
    out: list[Sample] = []

    def add(category: str, expect: str, note: str, mail: mime.Mail) -> None:
        kind = "pos" if expect != "delivered" else "neg"
        out.append(outbound(f"thr-{category[:4]}-{kind}-{len(out) + 1:03d}", category, expect, note, mail))

    # ordinary mixed-language threads with disclaimers on both sides
    for i, (subj, ours, theirs) in enumerate(EN_ON_ZH):
        s, r = [(EN_STAFF[3], ZH_EXT[0]), (EN_STAFF[0], ZH_EXT[3]), (EN_STAFF[1], ZH_EXT[2])][i]
        body = ours + "\n\n" + signature(s, "en") + quote(theirs + "\n\n" + r.name + "\n" + DISCLAIMERS_ZH[i], r, "zh")
        add("confidential", "delivered", "English reply over a Chinese thread with its disclaimer",
            simple(s, r, subj, body, html=i == 1))
    for i, (subj, ours, theirs) in enumerate(ZH_ON_EN):
        s, r = [(ZH_STAFF[0], EN_EXT[1]), (ZH_STAFF[3], EN_EXT[0]), (ZH_STAFF[4], EN_EXT[2])][i]
        body = ours + "\n\n" + signature(s, "zh") + quote(theirs + "\n\n" + r.name + "\n\n" + DISCLAIMERS_EN[i + 1], r,
                                                          "en")
        add("confidential", "delivered", "Chinese reply over an English thread with its disclaimer",
            simple(s, r, subj, body, charset="gb18030" if i == 2 else "utf-8"))
    # a banner on the new text above a mixed thread
    s, r = ZH_STAFF[0], EN_EXT[0]
    add("confidential", "held", "banner above a mixed-language thread", simple(
        s, r, "回复：Pricing for 2027", "【机密】\n\nSarah您好：2027年给贵司的折扣是18%，请不要与其他代理商分享。\n\n"
        + signature(s, "zh") + quote("Hi Li,\n\nCould you confirm our 2027 discount level?\n\nSarah", r, "en")))
    s, r = EN_STAFF[0], ZH_EXT[2]
    add("confidential", "held", "English banner above a Chinese thread", simple(
        s, r, "Re: 年度预算", "STRICTLY CONFIDENTIAL\n\nXiaohong, the 2027 budget for your project is CNY 4.2m, "
        "approved yesterday.\n\n" + signature(s, "en") + quote("您好：请问明年项目预算批了吗？", r, "zh")))
    # a card or an ID quoted from an earlier message, forwarded to a third party
    s, guest = EN_STAFF[3], EN_EXT[8]
    hotel = Person("Grand Bund Hotel Reservations", "reservations@grandbund-hotel.com", "Grand Bund Hotel", "")
    n = group_card(card(rng, "visa"))
    add("cards", "held", "card quoted from the guest's message, forwarded to a third party", simple(
        s, hotel, "Fwd: Room guarantee", "Hello, please guarantee the room with the card below.\n\n"
        + signature(s, "en", disclaimer=False) + quote(f"Hi Dave,\n\nMy card: Visa {n}, exp {expiry(rng)}.\n\n{guest.name}",
                                                        guest, "en")))
    s, cust = ZH_STAFF[4], ZH_EXT[4]
    add("cards", "held", "UnionPay card quoted in a Chinese thread, English reply to a hotel", simple(
        s, hotel, "Fwd: 订房", "Hello, the guest's card is in her message below - please charge the deposit.\n\n"
        + quote(f"陈经理：\n\n订金请从这张信用卡扣：{group_card(card(rng, 'unionpay'))}，有效期{expiry(rng)}。\n\n周婷", cust, "zh")))
    s = ZH_STAFF[0]
    add("identity", "held", "identity number quoted from a colleague, forwarded to a travel agency", simple(
        s, ZH_EXT[1], "转发：机票预订", "刘经理：\n\n请按下面信息订机票，谢谢。\n\n"
        + quote(f"李伟：\n\n出差人：王建国\n身份证号：{cn_id(rng)}\n航班：MU5101 11月3日", ZH_STAFF[2], "zh")))
    add("identity", "held", "6-8-4 identity number in a quoted Chinese thread, English reply", simple(
        EN_STAFF[0], EN_EXT[4], "Fwd: visa letter", "Laura, details for the invitation letter are below.\n\n"
        + quote(f"Alice：\n\n申请人：刘芳，身份证 {group_id(cn_id(rng))}，护照将在下周办好。", ZH_STAFF[2], "zh")))
    s, r = EN_STAFF[2], EN_EXT[2]
    add("secrets", "held", "database password quoted from a colleague's message, forwarded to a vendor", simple(
        s, r, "Fwd: DB access", "Priya, see Carol's note below for the staging database.\n\n"
        + quote(f"Bob,\n\nstaging: postgresql://etl:{sv.password(rng)}@pg-staging.internal:5432/dw\n\nCarol",
                EN_STAFF[3], "en")))
    add("secrets", "delivered", "placeholder credentials in a mixed-language thread", simple(
        ZH_STAFF[2], r, "回复：SDK config", "Priya您好：\n\n配置格式如下，密钥请在控制台生成后自行填写：\nAccessKeyId: <your-access-key-id>\n"
        "AccessKeySecret: <your-access-key-secret>\n\n" + OUR_DISCLAIMER_ZH
        + quote("Hi, what should the SDK config look like?\n\nPriya", r, "en")))
    return out
