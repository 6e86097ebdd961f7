"""Genuine inbound mail written against this session's scam readings (/work/review13: 90 messages by a
helper told what the new checks look for - money released, loans, fees with their sums, free mail,
brands' own notices - to make them fail). None of the new readings held any; six were held by older
ones, on f80b476 as well: a fee said not charged (不收取任何手续费, 提前还款无手续费) or included in a
price (含运费), a receipt's 交易 read as paying, a trade's "30% T/T deposit", and an overpayment sent
back the way it came (原路退回至贵司付款账户). The mails here are written anew; each is held on f80b476.
"""

from __future__ import annotations

import pytest

from tests.test_detection_heldout16_classes import inbound_action

GENUINE = [
    # a supplier returns an overpayment to the account it came from, and says so
    ("陈会计 | 华达电子财务部", "chenkj@huada-elec.com.cn", "关于贵司多付货款退回的说明",
     "刘小姐，您好：\n\n经对账，贵司 4 月 2 日支付的货款多付 ￥2,180.00。我司已于今天通过建设银行将多付的 ￥2,180.00 "
     "原路退回至贵司付款账户（尾号 5521），电子回单见附件，请查收。\n\n"
     "退款不需要贵司提供任何资料或支付任何费用。\n\n陈会计\n"),
    # a bank's relationship manager after a meeting: no fee charged, no intermediary
    ("恒信銀行 企業客戶部", "rm@hengshin-bank.com.hk", "中小企融資擔保計劃 - 會面跟進",
     "李先生：\n\n多謝今日撥冗會面。現將八成信貸擔保產品要點整理如下：\n一、貸款額：最高 HK$8,000,000；\n"
     "二、毋須提供物業抵押（免抵押品），惟須由主要股東提供個人擔保；\n三、還款期最長 8 年。\n\n"
     "本行辦理上述貸款不收取任何手續費，亦不會委託任何中介公司代辦。文件可於下次見面時交給我。\n"),
    # an online bank's credit line: no fee for repaying early
    ("网商银行", "notice@mybank-service.cn", "您的企业经营贷额度已提升",
     "尊敬的客户：\n\n您的企业经营贷额度已提升至 50 万元。\n· 日利率 0.02% 起\n· 纯信用贷款，免抵押、免担保\n"
     "· 提前还款无手续费\n\n您可在支付宝 App 搜索“网商银行”，在“贷款”页面查看额度。\n\n"
     "安全提醒：本行不会要求您转账或缴纳“解冻费”，也不会索要验证码。\n"),
    # an exchange's withdrawal receipt: the fee stated, a transaction id (交易id) nobody pays
    ("币安", "do-not-reply@binance.com", "提现成功",
     "您已成功从您的账户提现 500 USDT。\n\n提现地址：TQ7mJe67v1736s7bj8ray5wyju7Xz9kq2a\n网络：TRON (TRC20)\n"
     "手续费：1 USDT\n交易ID：5e9b2c1d0a7f3e6b8d4c2a1f0e9d8c7b\n\n如非本人操作，请立即在官方 App 中冻结账户。\n"),
    # a supplier's quote: its trade terms and its WhatsApp
    ("Kelvin Ho", "kelvin@sunrise-pcb.com", "Quotation: 4-layer PCB, 2,000 pcs",
     "Dear Mr. Li,\n\nPlease find our quotation attached.\n\nUnit price: USD 3.85, 2,000 pcs\nLead time: 15 days\n"
     "Payment terms: 30% T/T deposit with order, balance before shipment. Our bank details are unchanged.\n\n"
     "For quick questions you can reach me on WhatsApp / WeChat: +86 139 2651 0427.\n\nKelvin\n"),
    # a packaging quote: freight included in the price, a sample fee paid first, WeChat for artwork
    ("刘晓燕 | 宏达包装", "liuxy@hongda-pack.cn", "彩盒报价",
     "王经理您好：\n\n彩盒报价如下：\n  3,000 个：单价 ￥4.60，合计 ￥13,800.00（含 13% 增值税，含运费至苏州）\n\n"
     "打样费 ￥300，单独先付，下大货时从货款中扣除。\n\n图片和刀版图可以直接加我微信 lxy_hongda 发送。\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), GENUINE,
                         ids=["overpayment-returned", "rm-no-fee", "credit-line-no-fee", "withdrawal-receipt",
                              "pcb-quote-deposit-terms", "packaging-quote-freight-included"])
def test_fees_not_charged_stated_or_part_of_a_trade_are_delivered(display: str, address: str, subject: str,
                                                                 body: str) -> None:
    assert inbound_action(display, address, subject, body) == "deliver"


def test_a_fee_first_for_a_loan_with_the_same_words_is_still_held() -> None:
    """Guard (held on f80b476 too): 免抵押 beside a fee that is charged first, to a person."""
    body = ("您好，我司提供免抵押信用贷款，额度 5-50 万，当天放款。申请后需先交 3,000 元手续费到以下个人账户，"
            "放款后全额退还。\n户名：王磊 账号 6217 0000 2222 3333 444\n联系微信 dk_wanglei88\n")
    assert inbound_action("信贷部", "daikuan_88@163.com", "免抵押贷款 当天放款", body) == "quarantine"


def test_a_fee_after_wufa_is_still_asked() -> None:
    """Guard (held on f80b476 too, by its other signals): 无 as "none" negates a fee (提前还款无手续费); 无法
    does not ("we could not reach you, pay the fee first")."""
    body = ("您好，恭喜您在年度抽奖中获得一等奖，奖金 50,000 元。因无法联系您，请先缴纳手续费 800 元才能领取奖金，"
            "请添加客服微信 lj_kefu2026 办理。\n")
    assert inbound_action("抽奖中心", "choujiang_center@163.com", "中奖通知", body) == "quarantine"
