"""A helper's attack on this session's first scam readings (065eab0): genuine mail they held, and cheap rewordings
they missed. Written anew here; each genuine mail is held on c3e88fc and each reworded scam delivered there,
except two guards (the bank's warning against lending an account, and the freelancer's invoice into her own
account, both delivered on c3e88fc too). What the review found and what changed is in 3ec5d76's message and the
closing note.
"""

from __future__ import annotations

import pytest

from tests.test_detection_heldout16_classes import inbound_action

GENUINE = [
    # a fair's follow-up in a trade whose own market is gold, forex or crypto; a cold sales opener; a recruiter
    ("Omar Haddad", "omar@haddad-gold.ae", "Following up from the jewellery fair",
     "Dear Alice,\n\nWe met at the Hong Kong jewellery fair last week; I am the buyer who asked about your 18K gold "
     "chains. Gold prices in the market have moved a lot, so we would like to fix a price for 5 kg this month.\n\n"
     "My WhatsApp is +971 50 765 4321 if that is quicker.\n\nOmar\n"),
    ("王经理", "wangjl@gz-jewel.com", "珠宝展后续",
     "李总您好，我们上个月在珠宝展上见过，我是做黄金饰品批发的小王。最近黄金行情波动很大，想跟您聊聊明年的采购计划，"
     "方便的话加我微信 wang_gz2024。\n"),
    ("Sarah Lee", "sarah.lee@talentbridge.sg", "Senior buyer role",
     "Hi Li Wei,\n\nApologies if I have the wrong person - I'm looking for the Li Wei who leads procurement at Example "
     "Corp. I'd love to get to know you and share a senior buyer role. Happy to chat on WhatsApp: +65 9123 4567.\n\n"
     "Sarah\n"),
    # a shop's returns, a platform's payouts, a bank's warning against lending an account
    ("Stripe", "notifications@stripe.com", "Your payouts schedule has changed",
     "Hi,\n\nYou will now receive payments from your customers into your bank account every day. We look forward to "
     "supporting your growth; transfer the balance to another account at any time in the Dashboard.\n"),
    ("招商银行", "notice@cmbchina.com", "警惕出租出借银行卡",
     "尊敬的客户：\n\n近期不法分子以兼职日结为名招募人员，要求用您的银行卡代收货款、走账。"
     "请勿出租、出借银行卡，不要参与跑分，"
     "以免触犯法律。\n"),
    # a freelancer's invoice and a forwarder's agent
    ("Anna Kowalski", "anna@kowalski-translations.pl", "Invoice 2026-114 - translation",
     "Dear Alice,\n\nPlease find my invoice for the translation of the catalogue. The translation fee of EUR 640 "
     "is due within 30 days.\n\nAccount holder: Ms. Anna Kowalski\nIBAN: PL61 1090 1014 0000 0712 1981 2874\n\n"
     "Thank you,\nAnna\n"),
    ("Blue Anchor Import", "import@blueanchor-logistics.com", "Arrival notice - MSKU 7712093",
     "Dear Consignee,\n\nYour shipment arrived on 2 Dec. Before we can release the cargo, please pay the customs "
     "clearance fee of GBP 185 to our agent at Felixstowe, Harbour Clearing Ltd, who will handle the entry.\n"),
    # an attorney's search report, an insurer's claim, a payroll provider's pay-run, a company called "... Systems"
    ("Keller IP", "office@keller-ip.ch", "Clearance search EXAMPLE - our report",
     "Dear Sirs,\n\nWe searched the WIPO Global Brand Database and the national registers for EXAMPLE. Our fee of CHF "
     "1,200 for the search and report is payable within 30 days.\n"),
    ("平安产险 理赔中心", "claims@pingan.com.cn", "理赔结案通知",
     "尊敬的客户：\n\n贵司报案的货物运输险案件经审核已同意理赔，赔付金额人民币 18,600 元。"
     "请提供收款银行账户信息，我们将在 5 个"
     "工作日内支付。\n"),
    ("PayFlow Payroll", "service@payflow-payroll.co.uk", "Change to your pay-run dates",
     "Dear client,\n\nFrom January, salary payments will now be made on the 25th of each month. Please approve the "
     "pay-run by Friday.\n"),
    ("UPS Systems Ltd", "accounts@ups-systems.co.uk", "Invoice 4471 - uninterruptible power supplies",
     "Dear customer,\n\nPlease find attached our invoice for the two UPS units installed last week. Payment to our "
     "usual account within 30 days.\n"),
]

SCAMS = [
    ("Jenny Wu", "jennywu.life88@gmail.com", "Hello",
     "Hi Mr. Zhang, sorry, I typed your address by mistake. But maybe we can chat and know each other? I live in "
     "Singapore and work in investment. Add my WhatsApp +65 8123 4567.\n"),
    ("林小姐", "linxiaojie0912@163.com", "王总您好",
     "王总您好，不好意思好像弄错人了。不过也是缘分，成为朋友吧，加我wx lin_xj0912。\n"),
    ("Home Logistics HR", "jobs@home-logistics-hire.com", "Part-time job: parcel coordinator",
     "Hello,\n\nWe are hiring part-time parcel coordinators. You will receive packages at home, re-pack them and "
     "attach "
     "the shipping labels we email you. Salary USD 2,500 per month.\n"),
    ("Art Dealer Payments", "careers@artdealer-payments.com", "Payment assistant position",
     "Dear applicant,\n\nThe position: receive customer payments into your personal bank account, keep 10% as your "
     "commission and send the rest to our suppliers the same day.\n"),
    ("评选组委会", "pingxuan@top-enterprise.org.cn", "关于贵司入选年度诚信企业候选名单的通知",
     "经组委会初审，贵司成功入选候选名单。请于本月底前确认参评，并缴纳评审宣传费人民币 19,800 元，"
     "逾期名额将顺延至其他企业。\n"),
]


@pytest.mark.parametrize("display,address,subject,body", GENUINE, ids=[g[2][:40] for g in GENUINE])
def test_genuine_mail_the_first_readings_held_is_delivered(display: str, address: str, subject: str,
                                                            body: str) -> None:
    assert inbound_action(display, address, subject, body) == "deliver"


@pytest.mark.parametrize("display,address,subject,body", SCAMS, ids=[s[2][:40] for s in SCAMS])
def test_rewordings_the_first_readings_missed_are_held(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "quarantine"
