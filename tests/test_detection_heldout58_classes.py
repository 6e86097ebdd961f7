"""Blind set 58 (/work/heldout58: 160 inbound mails to an electronics trader, written by a helper who
never saw the rules; 100 scams as fraud is mass-mailed, 60 genuine look-alikes). On f80b476 it stood at
precision 0.926, recall 0.750: the issue's own "obvious" advance-fee class was missed - the diplomat's
consignment box and its certificates, compensation for fraud victims, the dying widow's donation,
loans offered with a fee first, the task scam's top-up, a job's training fee and starter kit - and
genuine mail was held where a never-ask sentence ran over a wrapped line, a bank's advisory said "scams
where fraudsters claim …", or a supplier quoted the fraudulent mail with '>'. The mails here are written
anew in the same classes; each held one fails on f80b476 (delivered or only tagged there), each
delivered one was held there, except the guards, which say so, and the directory listing: f80b476 held
it only by reading "handed to our debt collection agency" as a payee, which held a vendor's genuine
final notice as well (that one fails there).
"""

from __future__ import annotations

import pytest

from tests.test_detection_heldout16_classes import inbound_action

HELD = [
    # the diplomat at the airport with the reader's consignment box, a certificate to pay for first
    ("Diplomat Frank Moore", "frank.moore.dipl@proton.me", "YOUR FAMILY BOX AT LOS ANGELES AIRPORT",
     "ATTENTION: CONSIGNMENT OWNER\n\nI am Diplomat Frank Moore. I landed at LAX this morning with your "
     "consignment box holding (US$6,500,000) approved for you by the payment committee.\n\n"
     "Customs demand a Non-Inspection Certificate before I can move the box, which cost $420 only. "
     "Send your address and call me on WhatsApp +1 213 555 0148.\n"),
    # the fund's compensation for victims of fraud, released once a "Fund Release Order" fee is paid
    ("UN Compensation Desk", "un.compdesk@rediffmail.com", "COMPENSATION PAYMENT APPROVED",
     "Dear Beneficiary,\n\nThe United Nations in partnership with the World Bank is paying compensation to victims "
     "of internet fraud. Your payment of USD 4.6 Million has been endorsed.\n\nThe correspondent bank will release "
     "it as soon as you have paid the Fund Release Order fee of USD 1,250.\n"),
    # the dying widow's millions, donated to a stranger from free mail (nothing asked yet)
    ("Mrs. Helen Parker", "helen.parker1958@qq.com", "My last wish",
     "Beloved,\n\nI am Mrs. Helen Parker, widow of the late Mr. Arthur Parker, an engineer with an oil firm in "
     "Lome. Before he died he deposited the sum of $7,200,000.00 USD in a bank here.\n\nMy doctors say I have "
     "weeks to live, and I have decided to donate this fund to a trustworthy company that will help orphans.\n\n"
     "Reply and I will give you the bank's contact.\n"),
    # the same in Chinese: a share of the money as the reader's reward, personal details asked
    ("Anna Smith", "anna.smith77@hotmail.co.uk", "一个临终的心愿",
     "亲爱的朋友：\n\n我叫安娜，来自英国，是一名寡妇。丈夫去世后留给我 480万美元。我身患重病，"
     "希望把这笔钱捐给贫困地区的学校，您可以保留其中 25% 作为报酬。\n\n请回复您的全名、手机号码和住址。\n"),
    # a lender in traditional Chinese: a fee paid before approval, WhatsApp for enquiries
    ("快達財務", "faida.finance88@yahoo.com.hk", "即日批核 私人貸款",
     "私人貸款 / 商業貸款\n免入息證明，即日批核，低息 0.58% 起。\n"
     "申請後需先繳付手續費 HK$4,200 作開戶及文件費，批核後即日過數。\nWhatsApp 查詢：+852 6123 4567\n"),
    # the task scam: USDT a day, a top-up before a withdrawal
    ("Lily | Hiring", "lily.hiring552@mail.com", "Work from home - paid daily",
     "Hi!\n\nWe need remote product reviewers. Earn 150-600 USDT per day by rating apps on our platform.\n\n"
     "Some tasks need a top-up to your balance before you can withdraw; top-ups are returned with commission.\n\n"
     "WhatsApp me on +44 7700 900123 to start.\n"),
    # a fake job: training fee and uniform deposit before starting, HR on WeChat
    ("人事部", "hr_hengda2024@163.com", "急聘行政文员 月薪7000-9000",
     "【急聘】行政文员\n\n月薪：7,000-9,000 元，包住。\n\n录用后需参加岗前培训，培训费及工装押金 1,280 元"
     "（入职满三个月退还）。\n请添加人事微信 hd_hr2024 预约面试。\n"),
    # a brand's recruiting worn from another domain, a starter kit to buy before the interview
    ("Amazon HR Onboarding", "careers@amazon-hiring-portal.net", "Next step: Warehouse Lead",
     "Dear Candidate,\n\nYou have been shortlisted for the Warehouse Lead role. Before the final interview you must "
     "purchase the employee starter kit (uniform and boots) for SGD 260 from our approved vendor. Payment details "
     "are in the attached letter.\n\nHR Onboarding\n"),
    # the fake federal agency: recovered funds released to you, a certificate's fee, prosecution threatened
    ("FBI Recovery Unit", "unit@fbi-recovery-office.us", "RECOVERED FUNDS - URGENT",
     "Attention,\n\nOur investigation recovered funds belonging to victims of online fraud, including your company. "
     "The amount of (US$9,400,000) has been released to you.\n\nBefore the wire you must obtain an Anti-Terrorism "
     "Clearance Certificate for US$ 380. Failure to comply within 72 hours will lead to your prosecution.\n"),
    # a foreign businessman moving money in the company's name: 报酬 and a notary fee that comes back
    ("Omar", "omar.invest22@gmx.com", "合作意向",
     "您好，\n我是一名中东商人，需要将 1,900万美元 转移到亚洲投资，希望以贵公司名义接收。"
     "贵公司可获得总额 20% 的报酬。\n转账前需贵公司承担开户及律师公证费约 6,000 美元，资金到账后一并返还。\n"),
    # a private lender at 3%, a legal documentation fee before release
    ("Sarah Collins", "sarah.collins.funds@yahoo.com", "Business Loan",
     "Hello,\n\nI am a private lender. I give out loans to companies and individuals at 3% interest.\n\n"
     "Legal documentation fee applies before funds are released.\n\nSarah\n"),
    # a lottery's second prize in Macau, an admin fee to a person's account, a WeChat service id
    ("會員服務部", "vipclub33@hotmail.com", "週年抽獎 得獎通知",
     "尊貴的會員：\n\n閣下在週年大抽獎中獲得二等獎：現金 MOP 250,000。\n\n"
     "領獎時需先繳付 5% 行政手續費 MOP 12,500，轉賬後將入數紙傳送至微信客服 mc880123。\n"),
    # a loan "approved", the account frozen until a 验资 is paid to a person by today
    ("金融服务中心", "service@hengxin-jr.cn", "您的贷款已审核通过",
     "尊敬的客户：\n您申请的经营贷款 300,000 元已审核通过。因银行流水不足，账户资金冻结，需要您先向下方账户转入"
     "贷款金额的 10% 作为验资，验资后即可解冻放款。\n收款人：李强\n账号：6217 0000 1111 2222 333\n"
     "请于今日18:00前完成转账，否则订单作废。\n"),
    # the registrar's scare in English, its lines wrapped mid-phrase
    ("Kevin Li", "kevin.li@asia-domainreg-center.com", "example Brand and Domain",
     "Dear CEO,\n\nWe are a domain name registration center in Shanghai. On 2 March we received an\n"
     "application formally that a company called \"Ruida Holdings Ltd\" is applying to register \"example\" as "
     "their Net brand and domain names:\n\nexample.cn / example.com.cn / example.hk\n\nIf they are not your "
     "partner, please contact us as soon as possible.\n"),
    # our mail administrator worn on a domain of generic words, the mailbox to re-validate
    ("example.com Mail Admin", "postmaster@mailadmin-4417.com", "Mailbox full",
     "Dear user,\n\nYour mailbox has exceeded its limit (49.9 GB / 50 GB). You will not be able to send or receive "
     "new messages until you re-validate your mailbox.\n\nFailure to validate within 24 hours will result in "
     "permanent deactivation.\n\nIT Help Desk\n"),
    # a business directory listing billed, debt collection threatened
    ("Register Services", "billing@euro-b2b-register.eu", "FINAL NOTICE - invoice 55120",
     "INVOICE / FINAL NOTICE\n\nService: Business Directory Listing 2026/2027\nAmount due: EUR 1,190.00\n\n"
     "Your listing has been activated following your signed form. If payment is not received within 7 days, "
     "the matter will be handed to our debt collection agency.\n\nIBAN ES12 3456 7890 1234 5678 90\n"),
]
IDS = ["diplomat-box", "un-compensation", "widow-donation", "widow-zh-share", "lender-zh-hant", "task-topup",
       "training-fee", "starter-kit", "fbi-certificate", "fund-transfer-zh", "lender-3-percent", "macau-lottery",
       "loan-verification-deposit", "registrar-scare-en", "mailbox-revalidate", "directory-listing"]


@pytest.mark.parametrize(("display", "address", "subject", "body"), HELD, ids=IDS)
def test_obvious_advance_fee_scams_are_held(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "quarantine"


def test_a_pending_withdrawal_behind_a_gas_fee_under_an_exchange_name_is_held() -> None:
    html = ("<p>Your account has a pending withdrawal of <b>0.52 BTC</b> from the airdrop campaign.</p>"
            "<p>To complete it, a network gas fee of 0.01 ETH must be deposited to your wallet within 12 hours.</p>"
            '<p><a href="https://binance-claim-7781.com/w">Confirm withdrawal</a></p>')
    body = ("Your account has a pending withdrawal of 0.52 BTC from the airdrop campaign.\n\nTo complete it, a "
            "network gas fee of 0.01 ETH must be deposited to your wallet within 12 hours.\n")
    assert inbound_action("Binance", "notice@binance-notice-desk.com", "Pending withdrawal 0.52 BTC", body,
                          html) == "quarantine"


def test_a_courier_name_with_its_own_words_worn_from_elsewhere_is_held() -> None:
    body = ("Dear Customer,\n\nUPS: your package could not be delivered because the customs clearance fee was not "
            "paid. Pay the outstanding amount of $2.95 USD at https://ups-parcel-fee.top/pay to release it.\n")
    assert inbound_action("UPS Delivery", "noreply@ups-parcel-notice.net", "Package held", body) == "quarantine"


DELIVERED = [
    # a conference's lucky draw: its never-ask sentence runs over a wrapped line
    ("峰会会务组", "service@retail-summit.cn", "幸运抽奖结果通知",
     "尊敬的王先生：\n\n感谢您参加 11 月 6 日的零售数字化峰会。恭喜您在闭幕式幸运抽奖中获得三等奖：蓝牙音箱一台，"
     "将于两周内顺丰寄至您报名时填写的公司地址，无需支付任何费用。\n\n温馨提示：主办方不会以任何理由要求您转账、\n"
     "提供银行卡号或验证码。如有疑问请致电会务组。\n"),
    # a registrar's renewal reminder: the expiry date stated after its colon
    ("DomainHub", "renewals@domainhub.com", "Auto-renewal reminder: example-shop.asia expires in 30 days",
     "Hello,\n\nThe following domain will renew automatically:\n\n  Domain:        example-shop.asia\n"
     "  Expiry date:   9 January 2027\n  Renewal price: USD 21.99\n  Payment:       card on file ending 8812\n\n"
     "No action is required. We never ask for card details by e-mail.\n"),
    # a bank's loan marketing whose never-ask runs past forty characters
    ("Harbour Bank SME", "sme@harbourbank.com.sg", "Working capital for your business",
     "Dear Business Owner,\n\nOur SME working capital loan offers rates from 4.2% p.a., subject to credit "
     "assessment.\n\nHarbour Bank will never ask you to pay any fee upfront or into a personal account to obtain "
     "a loan.\n\nTo opt out of marketing, reply STOP.\n"),
    # a bank's advisory: the fraudster is the subject of a clause, not of the sentence
    ("Harbour Bank", "alerts@harbourbank.com.sg", "Protect yourself from scams",
     "Dear Customer,\n\nWe are seeing more scams where fraudsters claim you have won a prize, are owed a tax "
     "refund or must pay a small customs fee, then ask for your card number or OTP.\n\n"
     "Harbour Bank will never ask for your OTP by email.\n"),
    # a supplier's fraud warning quoting the fake mail with '>'
    ("Leo Tan", "leo.tan@kinwah-parts.com", "FRAUD WARNING - fake emails about our bank account",
     "Dear Customers,\n\nSomeone is sending emails from a look-alike of our domain claiming our bank account has "
     "changed. Our bank account has NOT changed.\n\nFor reference, the fraudulent email reads:\n\n"
     "> Due to an annual audit our account is restricted. Kindly arrange payment for the\n"
     "> outstanding invoice to our new bank account below:\n> Beneficiary: KINWAH PARTS LTD\n\n"
     "If you receive such an email, please do not pay and forward it to us.\n"),
    # a forwarder's notice of duties it advanced, its account "unchanged"
    ("货代 财务部", "finance@hx-forwarding.cn", "进口增值税代垫通知",
     "您好：\n\n贵司提单号 OOLU2026015601 的货物已于 3 月 4 日放行。本票海关代征税款如下（我司已代垫）：\n"
     "关税：¥0.00\n进口增值税：¥18,640.20\n\n请按合同约定的付款方式结算至我司对公账户（账户信息无变更）。\n"),
    # the tax office's reminder: 个人所得税（扣缴）申报, and what it will never do
    ("国家税务总局天河区税务局", "notice@gd.chinatax.gov.cn", "申报期提醒",
     "各纳税人：\n\n本月申报期截止至 15 日。请贵单位按时通过电子税务局完成增值税及个人所得税（扣缴）申报。\n\n"
     "温馨提示：税务机关不会通过邮件发送链接要求您提供银行卡号，也不会通过微信群办理“税收补贴”。\n"),
    # a vendor's final notice: the debt handed to its collection agency is a threat, not a payee (held on f80b476
    # by last session's "collection partner" reading; found writing the directory-listing test here)
    ("Accounts Receivable", "ar@nordtec-instruments.de", "Final notice: invoice 4471",
     "Dear Sir or Madam,\n\nInvoice 4471 is 30 days overdue. Amount due: EUR 3,200.00.\n\nIf payment is not received "
     "within 7 days, the account will be passed to our debt collection agency.\n\nIBAN DE12 3456 7890 1234 5678 90\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), DELIVERED,
                         ids=["draw-never-ask-wrapped", "renewal-expiry-date", "loan-never-ask-long",
                              "advisory-fraudsters-clause", "supplier-quotes-fraud", "forwarder-duties-advanced",
                              "tax-office-reminder", "vendor-final-notice"])
def test_genuine_mail_in_the_scams_words_is_delivered(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "deliver"


def test_an_inward_remittance_notice_asks_for_no_transfer() -> None:
    body = ("尊敬的客户：\n贵单位账户 4490 **** **** 3403 收到一笔汇入汇款：\n汇款人：PACIFIC ELECTRONICS PTE LTD\n"
            "金额：USD 74,011.34\n该笔款项已入账。如需办理结汇，请登录企业网银。\n")
    assert inbound_action("中国银行", "noreply@bank-of-china-notice.com", "汇入汇款到账通知", body) != "quarantine"


GUARDS = [
    # a bank's own loan marketing offering rates: one signal, nothing asked (delivered on f80b476 too)
    ("Harbour Bank SME", "sme@harbourbank.com.sg", "SME loans",
     "Dear Customer,\n\nWe offer business loans at rates from 3.9% p.a. for companies trading over two years. "
     "Apply online or talk to your relationship manager.\n"),
    # a freight forwarder's documentation fee with its sum (delivered on f80b476 too)
    ("Ops", "ops@swiftline-logistics.com", "Charges for shipment 7781",
     "Hi,\n\nA documentation fee of USD 45 applies to each shipment and is payable with the freight invoice.\n"),
    # a recruiter on WhatsApp with no fee (delivered on f80b476 too)
    ("Joanne Wu", "joanne.wu.talent@gmail.com", "Senior buyer role",
     "Hi Dave,\n\nI'm a recruiter with a client in Shenzhen hiring a senior buyer; salary HK$60-70k per month. "
     "WhatsApp me on +852 9123 4567 if you'd like to talk.\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), GUARDS,
                         ids=["bank-rates", "documentation-fee", "recruiter-whatsapp"])
def test_business_that_shares_a_word_with_the_new_readings_is_delivered(display: str, address: str, subject: str,
                                                                       body: str) -> None:
    assert inbound_action(display, address, subject, body) == "deliver"
