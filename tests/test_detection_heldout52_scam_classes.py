"""Scam classes blind set 52 missed (/work/heldout52: a hotel group's inbound mail, 160 messages by a
helper who never saw the rules; held out and measured untouched at 0.460 on 3cdfb95 and 0.480 on
ccf900c, then made a development set). The mails here are written anew. Each held test fails on
ccf900c; the delivered ones guard.
"""

from __future__ import annotations

import pytest

from tests.test_detection_heldout16_classes import inbound_action

HELD = [
    # a booking platform's name worn by a partner-desk sender whose own domain spells it, login and closure
    ("Booking.com 合作夥伴", "partner-hk@booking-partnerdesk.com", "您的住宿將於48小時內停止接受預訂",
     "親愛的合作夥伴：\n\n由於您的住宿未完成 KYC 驗證，您的物業將於48小時內關閉。\n\n請立即登入完成驗證：\n"
     "https://booking-partnerdesk.com/extranet/kyc\n"),
    # the platform's own From, a link that writes its domain into a stranger's host, "confirm your identity"
    ("Security Team", "security@booking.com", "Confirm you are the property owner",
     "Hello,\n\nWe received a request to change the owner of your property account. If you did not request it, "
     "cancel it within 12 hours by confirming your identity:\nhttps://admin-booking.com-verify.owner-check.help/c\n"),
    # the boss on free mail: "are you at your desk", meetings all day, discuss it with no one
    ("Stephen Chen", "stephen.chen.office@outlook.com", "Quick request",
     "Li Wei,\n\nAre you at your desk? I need you to handle a confidential payment today. Don't discuss it with "
     "anyone yet. I'm in meetings all afternoon, so just reply by email.\n\nStephen\n"),
    # the same in Cantonese: 唔好同其他人講, 收到請回覆
    ("陳思遠", "chen.siyuan.office@gmail.com", "急",
     "Li Wei，\n我今日喺澳門傾緊個收購，要今日俾一筆訂金，收款資料我遲啲send俾你。"
     "呢件事暫時唔好同其他人講。\n收到請回覆。\n"),
    # a group deposit "transferred twice", the refund to go to a logistics partner
    ("Olivia Brandt", "olivia@brandt-delegations.com", "Refund of excess deposit",
     "Dear Bob,\n\nOur finance team transferred USD 12,400.00 instead of USD 2,400.00. Please note the refund should "
     "go to our logistics partner, as our account is under audit: IBAN DE44 5004 0000 0591 2277 00.\n\nOlivia\n"),
    # a deposit paid twice, the extra to go back to an Alipay or WeChat account
    ("Jason Park", "jason.park@star-tours-travel.kr", "deposit paid two times",
     "Dear Alice,\n\nOur accountant paid the deposit (CNY 16,200) two times by mistake. Can you send back the CNY "
     "16,200 to our Alipay or WeChat account? QR code attached.\n\nJason\n"),
    # a wedding deposit transferred ten times over, the excess to go to the planner's account
    ("王先生", "wang.family88@hotmail.com", "定金多转了",
     "您好，\n\n我父亲付定金时把 20,000 转成了 200,000，多转了十八万。麻烦尽快退回多出的\n180,000 元，"
     "可以直接转到婚庆公司账户：\n户名：上海喜来婚礼策划 账号 6217 0012 1003 5589 442\n"),
    # a government department's name (traditional) from outside the government's domains, a fee to pay
    ("食物環境衞生署 牌照組", "licence@fehd-licensing-hk.org", "食肆牌照續期巡查費用",
     "持牌人：\n\n閣下之普通食肆牌照即將到期。請於本月底前繳付巡查及處理費用 HK$ 3,900，逾期牌照將被暫停。\n\n"
     "繳費方法：轉數快 FPS 識別碼 168 2291 07\n"),
    ("上海市卫生健康监督所", "jds@sh-weijian-jiandu.org.cn", "卫生许可证年度复核及检测费通知",
     "各住宿场所：\n\n卫生许可证需每年复核。请于5日内登录 http://sh-weijian-jiandu.org.cn/fh 缴纳检测费 6,600 元。"
     "未按期复核者，许可证将被注销。\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), HELD,
                         ids=["platform-partner-desk", "platform-own-from-link-wears-it", "boss-desk-check-en",
                              "boss-cantonese", "refund-to-logistics-partner", "refund-to-alipay",
                              "wedding-deposit-to-planner", "government-department-fee-zh-hant",
                              "health-supervision-fee"])
def test_scams_of_these_shapes_are_held(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "quarantine"


DELIVERED = [
    # a guest who paid twice, the refund asked to the card it came from (guard)
    ("Maria Lopez", "maria.lopez@ymail.com", "Charged twice for my booking",
     "Hello,\n\nMy card was charged twice for booking 55120 (USD 310 each). Could you please refund the duplicate "
     "to the same card? Thank you.\n\nMaria\n"),
    # the department's own notice from its government domain (guard)
    ("食物環境衞生署", "licensing@fehd.gov.hk", "牌照續期提示",
     "持牌人：\n\n閣下之食肆牌照將於下月到期，請於到期前經本署網上平台或郵寄方式繳付續期費用。\n\n食物環境衞生署\n"),
    # a wedding client's own refund to the account that paid (guard)
    ("李小姐", "li.xiaojie@163.com", "定金多付，请退回原账户",
     "您好，\n\n我们婚宴定金多付了 5,000 元，麻烦退回原付款账户即可，谢谢！\n\n李小姐\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), DELIVERED,
                         ids=["guest-refund-same-card", "department-own-domain", "refund-to-original-account"])
def test_genuine_refund_requests_are_delivered(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "deliver"


def test_a_police_advisory_describing_overpayment_refunds_is_delivered() -> None:
    """Held-out set 56 (a Hong Kong property agency's mail, measured blind) showed one false hold the new
    overpayment pretext made: the police's advisory to estate agents, its fraudster called 骗徒 and its
    advice to call "原有紀錄之電話號碼" (the number on record). Written anew; fails on 3e49059."""
    body = ("各地產代理：\n\n近期接獲多宗租務騙案：\n- 騙徒冒充業主，以「戶口年審」為由要求更改收租戶口；\n"
            "- 騙徒冒充租客，以「多付款項」為由要求退款至另一戶口。\n\n"
            "請業界在處理任何更改收款戶口的要求時，務必以原有紀錄之電話號碼致電核實。\n\n反詐騙協調中心\n")
    assert inbound_action("反詐騙協調中心", "adcc-notice@police-adcc.hk", "租務騙案提示", body) == "deliver"


COMES_BACK = [
    # a job's permit fee "refundable in your first salary"
    ("HR Department", "hr@grandbay-resorts-careers.com", "Employment offer - Front Office Manager",
     "Dear Applicant,\n\nWe are pleased to offer you the position. Your work permit must be processed through our "
     "licensed agent. The processing fee (USD 780) is refundable in your first salary. Please pay it this week.\n"),
    # a group booking's visa fee paid by the hotel in advance, "deducted from our final payment"
    ("Star Tours Group Desk", "groups@star-tours-intl.com", "Group of 40 - visa sponsorship",
     "Dear Reservations,\n\nFor our group of 40 the liaison office requires the hotel to pay the visa sponsorship "
     "processing fee of USD 1,050 in advance, which we will deduct from our final payment.\n\nGroup Desk\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), COMES_BACK,
                         ids=["permit-fee-refundable", "visa-fee-deducted-later"])
def test_a_fee_said_to_come_back_is_held(display: str, address: str, subject: str, body: str) -> None:
    """Each fails on e0e2329 (a fee with no more than the mail being unsolicited beside it)."""
    assert inbound_action(display, address, subject, body) == "quarantine"


def test_a_non_refundable_registration_fee_and_a_refundable_deposit_are_delivered() -> None:
    """Guards: a conference's non-refundable fee; a hotel's refundable key deposit."""
    assert inbound_action("Events Team", "events@asia-hotel-forum.org", "Registration confirmed",
                          "Dear Alice,\n\nThank you for registering. The registration fee of USD 450 is non-refundable "
                          "and payable by 30 January.\n\nForum Secretariat\n") == "deliver"
    assert inbound_action("Front Desk", "frontdesk@harbour-view-hotel.com", "Your stay",
                          "Dear Guest,\n\nA refundable deposit of HKD 500 is taken at check-in and returned at "
                          "check-out.\n\nFront Desk\n") == "deliver"


BANK_CHANGES = [
    # a platform's name worn, its "settlement bank" said changed, the old details "no longer valid"
    ("Trip.com Finance", "finance@trip-settlement-desk.com", "Overdue commission statement",
     "Dear Hotel Partner,\n\nThe commission for March (HKD 38,210.40) remains unpaid. Due to a change in our "
     "settlement bank, the account details on earlier statements are no longer valid. Please remit to A/C "
     "072-913884-6, DBS Bank Ltd.\n"),
    # a supplier's account "blocked" (the line wrapped inside), the payment to a subsidiary's account
    ("Rossi Food Supply", "accounts@rossi-foods-italia.com", "Invoice 2231",
     "Dear Accounts,\n\nOur Italian account is temporarily\nblocked for the quarterly VAT check. Please transfer the "
     "payment (EUR 21,400) to our UK subsidiary account instead: IBAN GB33 BARC 2045 7753 1182 09.\n\n"
     "Please do not call the office, our phone line is being changed.\n"),
    # a travel platform's name worn, a bond topped up to a "cooperating settlement account", delisting threatened
    ("飞猪商家中心", "notice@fliggy-seller-service.cn", "关于补缴店铺保证金的通知",
     "尊敬的商家：\n\n店铺保证金上调至 50,000 元，贵店需于月底前补缴差额 30,000 元，逾期将下架全部商品。\n"
     "补缴方式：对公转账至平台合作结算账户，户名 杭州飞跃信息咨询有限公司，账号 3301 0402 2022 1001 7788。\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), BANK_CHANGES,
                         ids=["settlement-bank-changed", "subsidiary-account-wrapped", "platform-bond-third-party"])
def test_payments_moved_to_other_accounts_are_held(display: str, address: str, subject: str, body: str) -> None:
    """Each fails on a8c6015."""
    assert inbound_action(display, address, subject, body) == "quarantine"
