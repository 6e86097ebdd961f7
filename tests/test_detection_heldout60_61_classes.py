"""Blind sets 60 (a Hangzhou e-commerce company, 150 inbound) and 61 (a Xiamen/Taipei furniture exporter,
150 inbound), written by helpers who never saw the rules; each was measured held out first (60: 0.904 /
0.833 at e3b5251's rules; 61: 0.942 / 0.722 with cf81da8's), then read. Missed: a stranger's millions
named in the body below a windfall in the subject, a box's release "in your favour" with its charges
"due", a typing job's 押金, an inheritance of 港币四千三百万元, an ATM card's 保价费, a seller centre's
deposit in USDT, a TV show's prize with a fake "beware of fraud" list, 贵公司可得 30%, a loan 预审通过
behind a 验资, the registrar's scare with the name first, a screen share for 资金核验, a "compliance
listing" invoice, e-banking secrets (U盾口令, 使用者密码), a buyer's "only approved" inspection company,
a registration fee to "our registered agent", a free-update form's yearly price. Held: a bank's or a
tax office's notice whose never-ask or statement read as a transfer asked, a broker's duties advanced,
colleagues and partners reporting what they received. The mails here are written anew; each fails on
f80b476 but eight, written more completely than the set's own and decided the same way on f80b476 (the
seller's USDT deposit, the over-invoiced contract, the loan's 验资, the U盾 phishing; the dormant account,
the broker's single window, the bank's bulletin, the association's warning): they guard the new readings.
"""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from tests.test_detection_heldout16_classes import inbound_action

HELD = [
    ("Mr. Kofi Mensah", "kofi.mensah.audit@gmail.com", "Transfer of abandoned fund",
     "Good day,\n\nI am the chief auditor of a bank in Accra. A Chinese client of ours died in 2020 and left a "
     "credit balance of $14.6 Million with no next of kin. I want to present your company as the beneficiary. "
     "My share 55%, your share 45%.\n\nReply with your WhatsApp number so we discuss privately.\n"),
    ("Secure Vault Logistics", "desk@securevault-logistics.co.uk", "Consignment awaiting clearance",
     "Dear Consignee,\n\nA trunk box declared as family valuables has arrived at our Heathrow facility with your "
     "name as consignee. It was deposited by Mr. Paul Okoro before his death and the release order was signed in "
     "your favour.\n\nThe following charges are due before delivery:\n  Storage        GBP 980.00\n"
     "  Anti-money laundering certificate   GBP 850.00\n"),
    ("打字员招聘", "dazi_jz@aliyun.com", "在家兼职打字员 每千字40元",
     "招聘在家兼职打字员，每千字 40 元，当天结算。为防止稿件外泄，首次接稿需交纳押金 260 元及资料费 80 元，"
     "完成 5 份后退还押金。\n报名请加 QQ：1849372650\n"),
    ("陳氏律師行", "chan.law.hk@yahoo.com.hk", "有關已故客戶陳先生之遺產",
     "閣下您好：\n\n本行客戶陳先生於 2021 年不幸身故，於本港銀行遺下存款港幣三千八百萬元，未能找到其親屬。"
     "由於閣下與已故客戶同姓，本人希望以閣下作為受益人申領該筆款項，雙方五五分成。\n\n"
     "請回覆中英文全名、聯絡電話及身份證明文件副本。此事敬請保密。\n"),
    ("国际汇款卡中心", "atmcard_zx@yeah.net", "您的国际ATM提款卡已制卡完成",
     "尊敬的客户：\n您名下一笔海外补偿款 30 万美元已转为国际 ATM 提款卡。寄送前需缴纳快递保价费 ¥1,180 及"
     "海关申报费 ¥860，请转账给发卡专员（微信：atm_kf668），到账后立即寄出，否则卡片将被销毁。\n"),
    ("Shopee Seller Center", "penalty@shopee-sellerhub-sg.com", "Penalty points notice - shop will be frozen",
     "Dear Seller,\n\nYour shop has 15 penalty points and payouts will be frozen for 28 days. Clear the penalty "
     "points now by paying a compliance deposit of 400 USDT (TRC20) to the Seller Assurance wallet:\n\n"
     "  TXz8HnM4QrV1eK2p9sJd7cW6bLf3yG5aUo\n\nThen send the hash to our agent on Telegram @SellerCare_Ann.\n"),
    ("《欢乐大冲关》节目组", "hldcg_2025@sina.com", "场外幸运观众中奖通知",
     "亲爱的观众：\n\n您的邮箱被系统抽中为二等奖，奖品为现金 ¥88,000 元。请登录领奖网站 http://www.hldcg-cj.cn "
     "登记。\n\n温馨提示：\n（1）领奖前需缴纳保证金及公证费共计 ¥3,600 元，奖金发放时一并退还；\n"
     "（2）本活动已全程公证，请勿轻信他人，谨防上当受骗。\n"),
    ("Mr. Ibrahim Musa", "ibrahim.musa.nnpc@outlook.com", "紧急商务合作",
     "尊敬的先生：\n我是尼日利亚国家石油公司合同委员会的官员。"
     "我们发现一笔多报的合同款 1,850 万美元留在暂挂账户中，"
     "需要一家外国公司作为收款方。款项到账后，贵公司可得 30%。\n"
     "请回复公司名称、收款银行账号及 SWIFT。此事请务必保密。\n"),
    ("普惠金融服务中心", "ph_jinrong_hz@sina.cn", "经营贷额度预审通过通知",
     "您好！贵司企业经营贷预审已通过，额度人民币 200 万元。按放款银行要求，签约前需完成“验资”：请在 3 个工作日内"
     "将额度 10% 即 20 万元转入下列验资监管账户，验资完成后资金原路退回。\n户名：杭州某商务咨询有限公司\n"
     "账号：1571 0120 1020 0886 07\n"),
    ("亚太域名注册中心", "audit@ap-domain-center.cn", "关于“example”域名注册的确认函",
     "尊敬的负责人：\n本中心收到一家名为“杭州某科技有限公司”的申请，他们希望以“example”为网络品牌及域名在互联网上"
     "注册（example.cn、example.hk 等）。如该公司与贵公司无关，请在 7 个工作日内联系我们。\n"),
    ("抖店商家服务", "dd_service@fxg-shenhe.com", "资质复审未通过，店铺将于48小时后关停",
     "商家您好：\n您的小店在资质复审中被判定为主体信息异常，店铺将于 48 小时后关停，保证金不予退还。\n如需申诉，请下载"
     "“商家助手”，在屏幕共享状态下由审核专员远程协助完成资金核验。\n"),
    ("Accounts Department", "billing@intl-trade-services.biz", "OVERDUE: invoice ITS-0411 - final notice",
     "Our records show this invoice remains unpaid:\n\n  Service: Annual trade compliance listing\n"
     "  Amount: USD 1,690.00\n\nIf payment is not received within 5 days, this account will be referred to our "
     "collection agency.\n"),
    ("中国银行", "ebank@boc-corp-ukey.com", "企业网银U盾证书升级通知",
     "尊敬的企业客户：\n贵单位企业网银证书即将到期。请网银管理员尽快登录以下升级网址，按提示输入客户号、操作员号、"
     "登录密码及 U 盾口令完成升级：\nhttp://boc-ukey-update.top\n"),
    ("Ahmad Yusof", "ahmad.yusof@kl-furnishing.com.my", "RE: Order 1x40HQ - inspection before deposit",
     "Hi Alice,\n\nOur bank will only release the 30% deposit after it receives a pre-shipment inspection "
     "certificate from QIS Bureau Asia, their only approved inspection company. It is the supplier's cost, around "
     "USD 780. Please contact them at qis.bureau.asia@gmail.com.\n\nAhmad\n", {"Reply_To": "ahmadyusof.kl@gmail.com"}),
    ("Chief Daniel Eze", "daniel.eze@eze-ventures.com.ng", "PURCHASE ORDER - 300 CHAIRS (URGENT)",
     "Dear Sales Manager,\n\nPlease find our purchase order for 300 dining chairs. All foreign suppliers to "
     "government projects must be registered. The registration fee is USD 580 which you will pay to our "
     "registered agent in Lagos, and we will reimburse you in the final payment.\n\nAgent email: "
     "registration.agent.lagos@gmail.com\n"),
]
IDS = ["abandoned-fund", "trunk-box", "typing-job", "hk-inheritance", "atm-card", "seller-usdt-deposit", "tv-prize",
       "over-invoiced-contract", "loan-verification", "registrar-name-first", "screen-share", "compliance-listing",
       "ukey-phishing", "buyer-inspection-certificate", "buyer-registration-fee"]


@pytest.mark.parametrize("case", HELD, ids=IDS)
def test_scams_of_these_shapes_are_held(case: tuple) -> None:
    from tests.test_detection_heldout16_classes import US_INBOUND, _inbound_verdict

    display, address, subject, body, *headers = case
    v = _inbound_verdict(display, address, subject, body, None, None, **(headers[0] if headers else {}))
    assert v.to_json()["recipients"][US_INBOUND]["action"] == "quarantine"


def test_a_free_update_form_whose_small_print_orders_a_listing_is_held() -> None:
    from tests.test_detection_heldout16_classes import US_INBOUND, _inbound_verdict

    form = (b"UPDATE FORM\n\nThe signature constitutes an order for a 3-year listing at EUR 1,190 per year, "
            b"payable in advance.\n")
    v = _inbound_verdict("Fair Guide", "update@fair-guide-online.com", "Update",
                         "Dear Exhibitor,\n\nPlease check your company details on the attached form and return it "
                         "signed. Updating your details is free of charge.\n",
                         attachments=[("update_form.txt", form, "text/plain")])
    assert v.to_json()["recipients"][US_INBOUND]["action"] == "quarantine"


DELIVERED = [
    # a bank's dormant-account notice: a statement, no transfer asked
    ("招商银行 对公客服", "corp@cmb-corp-notice.com", "长期不动户提醒",
     "尊敬的客户：\n贵单位账户已连续 12 个月未发生收付活动。根据规定，长期不动户将转入久悬户管理。如仍需使用该账户，"
     "请携带营业执照原件至开户网点办理。\n"),
    # a relationship manager's never-ask
    ("工商银行 周敏", "zhoumin@icbc-corp-team.com.cn", "回复：贷款材料",
     "李总：\n所需材料见附件清单。我行贷款全流程不收取任何中介费、保证金，也不会让企业先转入任何“验资”款项，"
     "如有人以我行名义这样要求，请直接拒绝并告诉我。\n"),
    # a tax office's reminder through its e-tax bureau
    ("国家税务总局某区税务局", "tixing@hz-tax-notice.gov-service.cn", "申报期提醒",
     "各纳税人：请于 15 日前通过国家税务总局电子税务局完成增值税及附加税费、个人所得税（扣缴）等申报和缴款。\n"),
    # the usual broker: paid through the single window, or advanced by the broker as agreed
    ("通关宝报关行 吴晴", "wuqing@hz-tongguanbao.com", "进口税费通知",
     "Alice 您好：\n本票进口增值税 ¥12,480.60。贵司可直接在“单一窗口”通过已签约的银行账户进行税费支付，或按照代垫协议，"
     "由我司先行垫付后随月结账单结算。\n"),
    # a colleague on leave forwarding what reached her private mail
    ("刘佳", "liujia_1990@163.com", "转发：你们看下这个是不是诈骗",
     "Dave 你好，\n\n我在休假，用私人邮箱发的。我私人邮箱收到一封说我们店铺被冻结要交保证金的邮件，有点吓人。"
     "我没点链接也没回复，转给你看看。\n\n-------- 转发的邮件 --------\n发件人：\"淘宝网商家服务中心\" "
     "<fuwu@tb-seller-notice.net>\n日期：2024年6月21日\n主题：您的店铺已被冻结\n\n您的店铺存在违规行为，已被冻结。"
     "请在 24 小时内缴纳违规保证金 20,000 元申请解冻，转账至监管账户（户名：刘某）。\n"),
    # a bank's bulletin quoting a diversion, with its advice to verify on the contract's number
    ("中国银行 企业金融部", "fraud-alert@boc-corp-bulletin.com", "防范商业邮件诈骗提示",
     "尊敬的客户：\n近期有不法分子冒充供应商发送“变更收款账户”邮件，例如：“因审计原因，请将货款改付至以下新账户……”\n"
     "防范建议：\n收到变更收款账户的要求，务必通过原有合同中的电话与对方核实。\n"),
    # a partner's warning: colleagues received a forgery, its text quoted
    ("台灣夥伴 林小姐", "lin@tw-partner-trading.com.tw", "提醒：假冒中華郵政的信",
     "大家好，我們公司這兩天好幾個同事收到假冒中華郵政的信，說包裹地址不完整要補繳運費 32 元，連結點進去要輸入"
     "信用卡號跟簡訊驗證碼。請大家不要點。\n"),
    # an association's warning: the organisers never had anyone collect listing fees
    ("家具行业协会", "xmfa@furniture-assoc.org.cn", "关于谨防“会刊刊登费”诈骗的提醒",
     "各会员单位：\n近期有会员收到冒充展会名义的“名录刊登费”缴费通知。经核实均为诈骗，主办方从未委托任何第三方收取名录"
     "费用。凡涉及付款的通知，请通过展会官网公布的电话核实。\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), DELIVERED,
                         ids=["dormant-account", "rm-never-ask", "tax-reminder", "broker-single-window",
                              "colleague-forward", "bank-bulletin", "partner-warning", "association-warning"])
def test_notices_warnings_and_statements_are_delivered(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "deliver"


def test_a_partner_forwarding_a_scam_as_an_attached_message_to_ignore_is_delivered() -> None:
    from tests.test_detection_heldout16_classes import US_INBOUND, _inbound_verdict

    scam = EmailMessage()
    scam["From"], scam["Subject"] = "Claims <claims.agent@gmail.com>", "CONGRATULATIONS!!! YOUR EMAIL HAS WON"
    scam.set_content("Your email has won GBP 850,000. Contact our agent on WhatsApp +44 7418 355 092. A refundable "
                     "processing and clearance fee of GBP 290 applies.\n")
    v = _inbound_verdict("Ken Wu", "ken.wu@partner-trading.com.tw",
                         "FW: CONGRATULATIONS!!! YOUR EMAIL HAS WON - another one, please ignore",
                         "Hi Alice,\n\nAnother lottery scam reached our staff, attached for your IT team. "
                         "Please ignore it.\n", attachments=[scam])
    assert v.to_json()["recipients"][US_INBOUND]["action"] == "deliver"
