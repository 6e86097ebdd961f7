"""Scams told by structure (issue 19, rules/scams.py) through the shipped rules: scams worded
unlike any shipped list are held, two signals in a reply are tagged, one signal alone does
nothing, a promise *not* to ask is no ask, and the evidence names the signals. The held and
tagged cases were seen failing on old main (delivered untagged: the old rule wanted a
windfall word, a channel word, a deadline word and an amount all at once)."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest

from rules.content import parse
from rules.engine import Engine, EvaluationContext
from rules.loader import lint, load_ruleset
from rules.model import Direction, Envelope
from rules.scams import assess

ROOT = Path(__file__).parent.parent
SHIPPED = Engine(load_ruleset(ROOT / "configs" / "rules.yaml"))
US = "bob@example.com"


class _Dir:
    def is_internal(self, a: str) -> bool:
        return a.lower().endswith("@example.com")

    def department_of(self, a: str) -> str | None:
        return None

    def groups_of(self, a: str) -> frozenset[str]:
        return frozenset()

    def may_send_externally(self, a: str) -> bool:
        return True


def inbound(body: str, subject: str = "Hello", sender: str = "someone@outside-mail.net",
            reply: bool = False, reply_to: str | None = None) -> dict:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = sender, US, subject
    if reply_to:
        m["Reply-To"] = reply_to
    m["Message-ID"], m["Date"] = "<s@outside-mail.net>", "Thu, 03 Dec 2026 10:00:00 +0000"
    if reply:
        m["In-Reply-To"] = m["References"] = "<earlier@example.com>"
    m.set_content(body)
    v = SHIPPED.evaluate(parse(m.as_bytes()), Envelope(sender, (US,)),
                         EvaluationContext({US: Direction.INBOUND}, _Dir()))
    return v.to_json()


# new wordings: none of them says "lottery", "you have won" or 加微信
SCAMS = [
    "You have been chosen to receive a $1,000 gift card in our customer appreciation program. To have your card "
    "mailed, simply cover the $4.95 shipping and handling.",
    "Our members earn a guaranteed monthly return of 20% with our AI trading strategy. Message me on Telegram "
    "@anna_fx88 and I will show you how.",
    "现招线上兼职，做单返现，佣金10%-30%，一单一结。有意者加QQ 2837465910 咨询，24小时内报名额外送88元。",
    "稳健理财计划，保本保息，月收益8%起。详情请添加理财导师微信 licai_2026 进群。",
    "您账户内的积分将于今日24点清零，可兑换现金868元。请登录网站填写姓名、身份证号和银行卡号。",
    "Your parcel could not be delivered because the import duty of USD 2.99 was not paid. Pay the duty within "
    "12 hours to schedule a new delivery.",
    # payment diversion: money asked to a changed account, today, and no phone calls please
    "Please note that we have changed our bank account. Kindly settle the overdue balance of EUR 18,450 to our new "
    "account today. I am travelling, so reply by email only and do not call the office.",
    # a boss's favour: gift cards without a sum, kept quiet, no calls
    "I need a favour: get me 4 Google Play cards for a client, I will pay you back. Keep this between us for now. "
    "I am in a board meeting and can't take calls.",
    # traditional characters and a LINE id
    "本公司推出穩健投資計畫，保本保息，每月收益8%，隨時可贖回。有興趣請加LINE：invest8899 了解詳情。",
    # a 419 share and the particulars to go on with
    "A client died without a will and left USD 12.5 million. You will receive 35% of the total sum. Reply with your "
    "full name, private phone number and the name of your bank.",
    "您的国际包裹因未缴纳关税被暂扣，请于48小时内支付清关费68元，否则包裹将退回寄件地。",
    # gift cards and their codes a few sentences apart, kept quiet
    "Can you pick up five Apple gift cards on your way in? It is for a client. Once you have them, scratch the backs "
    "and send me photos of the codes. Please keep it to yourself, it is a surprise.",
    # a late client's funds, a foreign partner entitled to a percentage, particulars asked
    "I represent the estate of a late client who left USD 9 million. As a foreign partner you are entitled to 30 "
    "percent. Kindly send your full name and direct phone number to proceed.",
    "我們的投資方案月收益10%，保本保息，已有上千位會員加入。歡迎加入LINE好友 invest_tw12 了解。",
    # the sum moved to a foreign account and shared in a ratio; particulars asked for in a list
    "From an over-invoiced contract there is USD 14.2 million to move into a foreign account, and the money will be "
    "shared in the ratio 60/40.\n\nKindly send me the following:\n1. your bank details\n2. your direct telephone "
    "number",
    # wordings a held-out set found missed (issue 19): crypto transferred, a "safe account", a daily range
    # earned, 一天赚, an upgrade fee, 此事保密, a prize kept confidential
    "I recorded you through your webcam. Transfer USD 1,300 in Bitcoin to the wallet below. You have 48 hours, "
    "after that the video goes to all your contacts.",
    "您的账户涉嫌洗钱，请在今天内将名下资金转入我们指定的安全账户进行核查，请勿告诉家人，否则后果自负。",
    "Earn $150-$600 per day from home by liking posts. Contact our manager on Telegram @jobs_mia to start.",
    "动动手指给视频点赞，一天轻松赚300元。添加QQ 3345621908 领取任务。",
    "The buyer has sent you $800 but the payment cannot be credited to a personal account. To receive it, first "
    "settle the small advance fee of $100, which is refunded with the payment once it is in your balance. "
    "Reply with your full name and phone number.",
    "您好，我是银行的审计经理。一位客户去世后留下巨额遗产无人认领，事成之后您可获得四成。此事请务必保密。",
    "Your email address won EUR 500,000 in our international lucky draw. Keep your winning information confidential "
    "until your claim has been processed.",
    # a second blind set's misses: a threat is pressure although no sum is named; the bank not to be told
    "We noticed unusual sign-in attempts on your online banking. To restore access, confirm your user ID, password "
    "and the one-time code. Failure to verify within 24 hours will result in permanent suspension.",
    "【银行通知】系统检测到您的银行卡存在风险交易，请尽快回复银行卡号和短信验证码完成核验，否则账户将被冻结。",
    "警方要求您将存款转入指定的安全账户配合调查，本案保密，请勿告知任何亲友或银行人员。",
]


@pytest.mark.parametrize("body", SCAMS)
def test_scams_in_other_words_are_held(body: str) -> None:
    v = inbound(body)
    assert v["recipients"][US]["action"] == "quarantine", v["hits"]
    hits = {h["rule"]: h for h in v["hits"]}
    assert {"scam-signals", "scam-structure"} <= set(hits)
    ev = hits["scam-structure"]["evidence"]
    assert all(e["confidence"] == "high" and "scam signals:" in e["context"] for e in ev)


def test_two_signals_in_a_reply_are_tagged_not_held() -> None:
    # an offer (a guaranteed return) and a private channel, in a thread the reader is part of
    body = "As promised: the fund pays a guaranteed monthly return of 2%. Message me on WhatsApp +44 7700 900123."
    v = inbound(body, subject="Re: fund", reply=True)
    assert v["recipients"][US]["action"] == "deliver"
    assert v["subject_prefix"] == "[SPAM]"
    assert [h["rule"] for h in v["hits"] if h["rule"].startswith("scam")] == ["scam-signals"]
    # the same mail out of the blue carries the half point of "unsolicited": held
    assert inbound(body, subject="fund")["recipients"][US]["action"] == "quarantine"


@pytest.mark.parametrize("body", [
    # one signal each, although each shares a scam's words, sums or channels
    "Thank you for completing our survey. Here is your USD 25 gift card code: AB12-CD34EF, valid until 2027.",
    "Import duty and VAT of EUR 214.60 are payable before delivery; pay online at dhl.com/pay.",
    "During the fair please message me on WhatsApp at +49 171 5550123. The quotation (EUR 186,000) is attached.",
    "本期消费返现人民币36.50元已自动计入账户。我行工作人员不会以任何理由索要您的密码或短信验证码。",
    "这批货明天上午十点截关，报关资料今天下班前必须给到货代，否则额外产生仓储费约3,000元。有问题加我微信 hzq_1983。",
    "Past performance is no guarantee of future returns. The fund returned 6.8% over twelve months.",
    "I am in a meeting until 3 pm and can't take calls, so here it is by email: the proposal, fixed fee USD 48,000.",
    "報價如附件，每台新台幣12,000元，交期四週。如有問題可加LINE：jiayi_tw88 聯繫，謝謝。",
    "您的国际包裹已完成清关，关税68元已由寄件方支付，预计明天派送，请保持电话畅通。",
    "Your tax refund of GBP 264.80 was paid into your bank account ending 4417 on 2 December.",
    "Our card statement: you earned EUR 42.17 cash back this month, credited automatically. Offer ends today!",
    "As a thank-you there is a USD 50 gift card for you at the registration desk; pick it up any time this week.",
    "I would like to propose a joint product with a revenue sharing ratio of 70/30. Add me on WeChat: kevinlee_88.",
    # ordinary business a review found held once every branch had its anchor (a61067f)
    "Your updated account statement is attached. Please settle the balance of $1,200 by today.",
    "As a distributor you will receive 25% margin on every order. Offer ends today, minimum order $500.",
    "Pay within 30 days and you get 2% early payment discount. Invoice total USD 4,000, due immediately.",
    "Please send passport copies of all travellers by today; the visa service is USD 60 each.",
    "请提供收货地址和手机号，今天内发货，运费20元。",
    "Late payments incur 1.5% per month. Invoice total $2,000 due today.",
    "For every customer you refer you will receive 20% of the first-year subscription revenue. Sign up today, the "
    "launch offer is USD 99.",
    # ordinary business a second review found held by f526c86's wider patterns
    "For 2025 we can offer you 15% on all orders above EUR 5,000. The offer ends today.",
    "Your balance due is $1,284.50. Sign in to your secure account to pay; payment is due within 3 days.",
    "首付款50万元请于三日内存入资金监管账户，逾期视为违约。",
    "您的账户今日支出500元。为保护账户安全，如非本人操作请立即致电客服。",
    "Please note your alternate account manager is Tom Lee. Invoice EUR 8,300 is urgent, please pay immediately.",
    "A documentation fee of USD 45 applies to each shipment and is payable by today.",
    "Our line can make 3,000 a day, so an order of USD 45,000 ships immediately after payment.",
    "Sales have grown 5% every month; the USD 20,000 purchase order must be approved by today.",
    "招聘仓库管理员，月入8000-12000元，名额有限，今日截止报名，工资按月发放。",
    # a trade's payment terms are no fee
    "Nice meeting you at the fair. Our payment terms are 30% deposit and 70% before shipment, USD 18,400 for the first "
    "order. Message me on WhatsApp +86 138 0000 1111, and please keep the pricing confidential.",
])
def test_one_signal_alone_does_not_tag(body: str) -> None:
    v = inbound(body)
    assert v["spam_score"] < 5 and v["recipients"][US]["action"] == "deliver"
    assert not [h for h in v["hits"] if h["rule"].startswith("scam")]


def test_a_promise_never_to_ask_is_no_ask_and_the_sender_address_is_no_channel() -> None:
    a = assess([("body", "we will never ask for your password or verification code. write to me at "
                         "kevin.lee@gmail.com")], senders=["kevin.lee@gmail.com"])
    assert a.signals == ()
    a = assess([("body", "reply to claims.desk@protonmail.com with your full name, date of birth and sort code")],
               senders=["no-reply@refund-portal.co"])
    assert {s.name for s in a.signals} == {"personal_data", "private_channel"}
    assert a.level == "medium"


def test_reply_to_elsewhere_is_a_private_channel() -> None:
    a = assess([("body", "congratulations, you have won a prize")], senders=["promo@shop.example"],
               reply_to=["winner.desk@gmail.com"], unsolicited=True)
    assert [s.name for s in a.signals] == ["windfall", "private_channel", "unsolicited"]
    assert a.level == "high" and a.points == 2.5


def test_without_an_offer_or_an_ask_nothing_counts() -> None:
    # a channel, a sum with a deadline, out of the blue: pushing, but nothing offered or asked
    a = assess([("body", "urgent: cut-off today, extra storage usd 850. add me on wechat: hzq_1983")],
               senders=["j@harbourline.example"], unsolicited=True)
    assert {s.name for s in a.signals} == {"private_channel", "pressure", "unsolicited"}
    assert a.level == "low"


def test_scam_condition_is_linted_with_file_and_line(tmp_path: Path) -> None:
    p = tmp_path / "r.yaml"
    p.write_text("rules:\n  - name: s\n    when: {scam: {confidence: sure}}\n    action: score\n    score: 5\n")
    [problem] = lint(p)
    assert f"{p}:3" in problem and "confidence" in problem
    p.write_text("rules:\n  - name: s\n    when: {scam: {level: high}}\n    action: score\n    score: 5\n")
    [problem] = lint(p)
    assert f"{p}:3" in problem and "level" in problem
    p.write_text("rules:\n  - name: s\n    when: {scam: true}\n    action: score\n    score: 5\n")
    assert lint(p) == []


@pytest.mark.parametrize("tail", ["\nreply today\n", "\n"])
def test_a_sum_counts_with_a_deadline_wherever_the_message_names_it(tail: str) -> None:
    # The deadline is in the subject, the sum at the top of a long body in which no scam word
    # stands before 20,000 characters. The sum used to count only when some scam word stood
    # somewhere in its text, even past what the assessment reads ("reply today" at the end):
    # held with the tail, delivered without it (8b05600). With the anchor words bounded to
    # the start of each text, neither counted (review of a9263a3). Now both are held.
    body = "Prize amount: $5,000\n" + "lorem ipsum dolor sit amet " * 800 + tail
    v = inbound(body, subject="Congratulations, you have won a prize, claim it within 24 hours",
                sender="mallory@outside.test")
    scam = [h for h in v["hits"] if h["rule"] == "scam-structure"]
    assert scam, v["hits"]
    assert "pressure" in scam[0]["evidence"][0]["context"]
