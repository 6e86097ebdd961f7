"""Scam classes blind sets 70 (a biotech buyer's inbound, dev) and 71 (a garment exporter's inbound, dev) brought
that no reading caught, each written anew here in my own words, with the genuine mail beside each class that
must stay delivered. Every scam here is delivered on c4171f9 and held after; the genuine ones are guards.

The register's trap, read by what it cannot leave out:
- the form whose signature orders ("by signing this form the signatory orders an insertion … for three years
  at EUR 1,190 per year", over the lines of a PDF's small print; the pay words read across a line break);
- the register's own small print ("this is an offer for entry in our private register and not an invoice", "a
  proposal for an entry in a private register"): no office bills so;
- a "World … Suppliers Register" renewing a listing's "annual listing fee".
"""

from __future__ import annotations

import pytest

from tests.test_detection_heldout16_classes import inbound_action

SCAMS = [
    ("Expo Guide Publishing", "data@expo-guide-publishing.com", "Exhibitors Guide 2026 - please check your entry",
     "Dear Exhibitor,\n\nyour company is listed in the Exhibitors Guide 2026. Please check the details below, correct "
     "them if necessary, sign and return this form. The update of your basic data is free of charge.\n\n"
     "Company: EXAMPLE CORP\nSignature & stamp: ____________\n\nBy signing this form the signatory orders an "
     "insertion in the Exhibitors Guide online\ndatabase for a minimum term of three years at EUR 1,190 per year, "
     "invoiced\nannually in advance.\n"),
    ("Patent Upkeep Office", "renewals@patent-upkeep-office.com", "Renewal fee due - PCT/CN2024/551203",
     "Applicant: EXAMPLE CORP\nApplication: PCT/CN2024/551203\n\nThe registration fee for the above application is "
     "now due. Please pay USD 1,640.00 within 8 days to keep the application in our international database.\n\n"
     "Payment is voluntary; this is an offer for entry in our private register and not an invoice from a patent "
     "office.\n"),
    ("Global Textile Suppliers Register", "billing@gtsr-register.com", "Renewal invoice GTSR-2026-0412",
     "Dear Customer,\n\nplease find the renewal invoice for your listing in the Global Textile Suppliers Register.\n\n"
     "Annual listing fee: EUR 940.00\nPayment due within 14 days.\nIBAN ES12 2100 0418 4502 0005 1332\n\n"
     "Late payment will be passed to our debt collection partner.\n"),
]

GENUINE = [
    ("Messe Frankfurt", "tickets@messefrankfurt.com", "Early-bird offer for entry tickets ends Friday",
     "Dear visitor,\n\nour early-bird offer for entry tickets to Texworld 2026 ends this Friday. Buy your ticket "
     "online and pay by card: a day ticket costs EUR 35.\n"),
    ("European Patent Office", "noreply@epo.org", "European Patent Register: change recorded for EP 4 102 331",
     "Dear Sir or Madam,\n\nthe transfer of EP 4 102 331 to Example Corp has been recorded in the European Patent "
     "Register. The administrative fee for registering the transfer has been paid from your deposit account.\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), SCAMS)
def test_the_registers_traps_are_held(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "quarantine"


@pytest.mark.parametrize(("display", "address", "subject", "body"), GENUINE)
def test_genuine_offers_and_registers_are_delivered(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "deliver"


# A refund sent to another company of the group, and the sentences plain-text mail wraps at 60-72 columns: the
# patterns read a sentence as one line and the keyword scan a phrase only where one space parts its words, so
# "refund the duplicate to their\naccount" and "following our annual\naudit" were read in pieces.
def _wrapped(text: str, width: int = 60) -> str:
    import textwrap

    return "\n".join(textwrap.fill(p, width) for p in text.split("\n"))


REFUNDS_AND_WRAPS = [
    ("Sunrise Outdoor AP", "ap@sunrise-outdoors.co.uk", "Duplicate payment INV-7731 - refund request",
     _wrapped("Dear Ms Li,\n\nDuring our payment run on 2 December, invoice INV-7731 (USD 14,200.00) was paid twice by "
              "mistake, once by our UK office and once by our Singapore buying office.\n\nAs the second payment came "
              "from Singapore, kindly refund the duplicate to their account, before our year-end closing on 20 "
              "December:\n\nBeneficiary: Sunrise Sourcing (SG) Pte Ltd\nBank: DBS Bank Ltd\nAccount: 072-915532-4\n\n"
              "Regards,\nJane Walsh\nAccounts Payable")),
    ("Omar Khalil", "omar.khalil.trading@gmail.com", "Cancel PO 7710 and deposit return",
     "Dear Alice,\n\nOur customer cancelled the order, so we must cancel PO 7710. Production has not started, so "
     "please return our 30% deposit USD 9,300.\n\nPlease do not send back to our Emirates NBD account, that account "
     "is now closed for a tax registration issue. Send to our parent company account in Istanbul:\n\nKhalil Tekstil "
     "Ltd. Sti.\nIBAN TR33 0006 1005 1978 6457 8413 26\n\nThanks\nOmar\n"),
    ("Nordic Freight Accounts", "accounts@nordic-freightline.com", "Bank details - freight invoices",
     _wrapped("Dear customer,\n\nplease note that we have changed banks following our annual audit. All payments "
              "for open freight invoices must now go to the account below, effective immediately.\n\nNordic "
              "Freightline AB\nIBAN SE45 5000 0000 0583 9825 7466\n\nKind regards,\nAccounts")),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), REFUNDS_AND_WRAPS)
def test_refunds_to_the_groups_other_account_and_wrapped_diversions_are_held(display: str, address: str,
                                                                             subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "quarantine"


def test_a_refund_back_to_the_account_it_came_from_is_delivered() -> None:
    body = _wrapped("Dear Ms Li,\n\ninvoice INV-7731 was paid twice by mistake. Please refund the duplicate payment "
                    "to our account it came from, or credit it against the next invoice.\n\nRegards,\nJane")
    assert inbound_action("Sunrise Outdoor AP", "ap@sunrise-outdoors.co.uk", "Duplicate payment INV-7731",
                          body) == "deliver"


def test_a_form_whose_lines_start_with_capitals_is_not_joined() -> None:
    from rules.evaluation import _unwrapped

    form = "Beneficiary: Sunrise Sourcing\r\nBank: DBS Bank Ltd\r\nAccount: 072-915532-4\r\n"
    assert _unwrapped(form) is None
    assert _unwrapped("kindly refund the duplicate to their\r\naccount today") == \
        "kindly refund the duplicate to their account today"


# Lures in our own clothes, and the boss's opener:
# - a link whose host carries our own domain in another's labels (mail-example-com.mailbox-space-notice.com);
# - our mail filter's own digest copied ("Mail Security Gateway" from mailgateway-digest.com: messages "held in
#   quarantine", "Release all and sign in");
# - "Amazon Brand Registry" from elsewhere (a brand's own sender names: brand, registry);
# - the boss's new id after "add me" (先用这个新号，你加我一下：…; "我是陈建国，" is the boss naming himself, not a
#   stranger introducing a company);
# - the desk check with the errand named ("handle a quick payment for me today", "tied up in meetings") from any
#   domain, not only free mail.
LURES_AND_OPENERS = [
    ("邮箱系统管理员", "postmaster@mailbox-space-notice.com", "邮箱容量已满，请立即扩容",
     "您好，carol@example.com：\n\n您的邮箱空间已使用99.7%，系统将在24小时后停止接收新邮件。请立即登录扩容：\n"
     "https://mail-example-com.mailbox-space-notice.com/?u=carol@example.com\n"),
    ("Mail Security Gateway", "quarantine@mailgateway-digest.com", "Quarantine Summary: 5 new messages held",
     "bob@example.com, you have 5 messages held in quarantine. These messages will be deleted in 3 days.\n\n"
     "Arrival Notice COSU6398 (ops@cosco-shipping.com)  Release\n\nRelease all and sign in: "
     "https://mailgateway-digest.com/q/all?u=bob@example.com\n"),
    ("Amazon Brand Registry", "brand-registry@registry-verify.net", "[Action required] Brand verification",
     "Hello,\n\nYour Brand Registry application for EXAMPLEWEAR could not be verified. To keep the brand, re-submit "
     "your verification within 24 hours. You will need your Seller Central login and the two-step verification "
     "code:\n\nhttps://brandregistry-amazon.registry-verify.net/verify?case=BR-7731\n"),
    ("陈建国", "chen.jianguo.gz@163.com", "加我新微信",
     "王芳，我是陈建国，我原来的微信号登录异常被限制了，这两天先用这个新号，你加我一下：chenjg_gz0915\n\n"
     "加好后说一声，下午有个客户的事要你处理。先别打我电话，我在开会。\n"),
    ("Michael Chen", "m.chen@exec-officemail.com", "Quick request",
     "Carol,\n\nAre you at your desk? I need you to handle a quick payment for me today. I'm tied up in meetings "
     "with the bank and can only reply by email.\n\nLet me know asap.\n\nMichael\nSent from my iPhone\n"),
]

GENUINE_SERVICES = [
    ("Jira", "jira@example-com.atlassian.net", "[JIRA] OPS-221 assigned to you",
     "Carol, an issue was assigned to you. Log in to view it: https://example-com.atlassian.net/browse/OPS-221\n"),
    ("Microsoft 365", "quarantine@messaging.microsoft.com", "You have 3 messages in quarantine",
     "3 messages sent to bob@example.com are held in quarantine. Review them and sign in to release them: "
     "https://security.microsoft.com/quarantine\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), LURES_AND_OPENERS)
def test_lures_in_our_own_clothes_and_the_bosss_openers_are_held(display: str, address: str, subject: str,
                                                                 body: str) -> None:
    assert inbound_action(display, address, subject, body) == "quarantine"


@pytest.mark.parametrize(("display", "address", "subject", "body"), GENUINE_SERVICES)
def test_services_hosting_our_name_and_their_own_digests_are_delivered(display: str, address: str, subject: str,
                                                                       body: str) -> None:
    assert inbound_action(display, address, subject, body) == "deliver"


# A forwarder's account "no longer in use due to the bank's compliance review" (a diversion's pretext); a surcharge
# "paid within\n24 hours to our authorised collection agent" (a wrap before a figure joined too; "paid" is a pay
# word); a shipping line's name with its own senders' words ("COSCO SHIPPING Booking" from a domain not COSCO's).
PRETEXTS_AND_AGENTS = [
    ("Cargo Link Accounts", "accounts@cargolinks-logistic.com", "Updated bank information",
     _wrapped("Dear Bob,\n\nPlease note that effective immediately our USD collection account at DBS Hong Kong is "
              "no longer in use due to the bank's compliance review. All ocean freight invoices should be paid to "
              "our new account:\n\nBeneficiary: Cargo Link Logistics (HK) Ltd\nAccount: 795-880-412-10673\n\n"
              "Best Regards,\nEric", 95)),
    ("COSCO SHIPPING Booking", "booking@coscoshipping-southport.com", "Rollover notice - booking COSU6398255510",
     "Dear Valued Customer,\n\nYour booking COSU6398255510 has been rolled over to the next vessel. To secure space "
     "and avoid a further rollover, a priority re-booking surcharge of USD 450 per container must be paid within\n"
     "24 hours to our authorised collection agent:\n\nBeneficiary: Hong Kong Sino Ocean Shipping Agency\n"
     "Account: 012-875-9-221043-5\n\nBookings without payment will be released to the waiting list.\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), PRETEXTS_AND_AGENTS)
def test_a_compliance_pretext_and_a_collection_agent_are_held(display: str, address: str, subject: str,
                                                              body: str) -> None:
    assert inbound_action(display, address, subject, body) == "quarantine"


def test_the_shipping_lines_own_rollover_notice_is_delivered() -> None:
    body = ("Dear Customer,\n\nDue to congestion at Nansha, your booking COSU6398255510 has been rolled over to "
            "CSCL SATURN 036W. No action is needed; the freight stays as quoted and is invoiced as usual.\n")
    assert inbound_action("COSCO SHIPPING Booking", "booking@coscoshipping.com", "Rollover notice", body) == "deliver"


# Money into a person named by role (先转入我部负责人账户, "the company account is still being opened"; a donation
# 直接汇入患儿父亲账户 from a "foundation" on free mail); a giveaway that sends back double (转入 USDT 即返还双倍); the
# stranger recalling a fair (上个月在展会上和您交流过) and her uncle's crypto; a law firm's name on free mail.
CHINESE_CLASSES = [
    ("仪器维保服务部", "yiqi_weibao@126.com", "离心机维保合同续费通知（请尽快处理）",
     "张经理：\n\n贵司离心机年度维保合同将于 9 月 30 日到期，自 10 月起维保服务由我部承接，"
     "续保费用人民币 26,400.00 元。"
     "请于 9 月 25 日前完成付款。因新公司对公账户尚在开设中，本期款项请先转入我部负责人账户，发票后补：\n\n"
     "户名：刘强  开户行：中国建设银行 深圳福田支行  账号：6217 0072 0001 8834 215\n\n仪器维保服务部\n"),
    ("阳光助学慈善基金会", "yangguang_zhuxue@126.com", "恳请贵公司伸出援手：患儿急需手术费用",
     "尊敬的 Example Corp 领导：\n\n8 岁的小雨被确诊为白血病，手术费用约 40 万元，家庭已无力承担。"
     "为了让善款尽快用于手术，请直接汇入患儿父亲账户：\n\n户名：赵建民  开户行：中国农业银行 周口支行  "
     "账号：6228 4800 1234 5678 901\n\n捐款后请将凭证发至本邮箱。\n"),
    ("币安官方活动", "event@binance-anniversary-cn.com", "周年回馈：转入USDT即返还双倍",
     "尊敬的用户：\n\n活动期间向官方活动地址转入 500 - 50,000 USDT（TRC20），系统将在 30 分钟内自动返还双倍金额。"
     "\n\n官方活动地址：TXq4gH8pWz2mLc7Nd9rK3vYb1eFs6Ua5Qj\n\n名额有限，先到先得。\n"),
    ("林晓雯", "linxiaowen_2025@163.com", "李总，上个月展会上交流过的小林",
     "李总您好：\n\n我是上个月在广州医疗器械展上和您交流过的小林，当时还加了微信，可能您没通过。最近我一直在跟我舅舅"
     "学习数字货币的量化交易，收益很稳定。方便的话加我新微信 lxw_6688，我把平台和方法发给您。\n\n小林\n"),
]

CHINESE_GENUINE = [
    ("中国红十字基金会", "donate@crcf.org.cn", "感谢您对“小天使基金”的关注",
     "尊敬的 Example Corp：\n\n感谢贵司关注白血病患儿救助项目。如贵司有意捐赠，"
     "请汇入本基金会对公账户（户名：中国红十字基金会），"
     "我们将开具公益事业捐赠票据。\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), CHINESE_CLASSES)
def test_money_to_a_person_by_role_doubling_and_the_fair_stranger_are_held(display: str, address: str,
                                                                            subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "quarantine"


@pytest.mark.parametrize(("display", "address", "subject", "body"), CHINESE_GENUINE)
def test_a_foundations_own_account_is_delivered(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "deliver"


# Genuine mail the dev sets' look-alikes held: a journal's 版面费 notice (a page charge, not a directory's
# 刊登费); an IP firm's newsletter whose "Recent examples we have been sent by clients include:" sets out the
# misleading invoices it warns of; an ethics committee's fee 已由贵司…汇入我院对公账户 (paid, over a wrapped line);
# a DocuSign envelope that gives its security code ("enter the security code 9F3C2D1A7B"). Three are held on
# 73750bb; the newsletter, written anew, was delivered there already and stays as a guard.
DEV_GENUINE = [
    ("《中国生物医学杂志》编辑部", "bjb@zgswyx.cbpt.cnki.net", "稿件 ZGSY-2026-0113 录用及版面费缴纳通知",
     "王芳 老师：\n\n您好！您通过本刊投稿系统投寄的稿件（编号 ZGSY-2026-0113）经外审及编委会终审，决定录用。\n"
     "请登录本刊投稿系统，按“缴费信息”页所列对公账户缴纳版面费 2,800 元。本刊不通过个人账户、微信或支付宝收取"
     "任何费用，请注意甄别冒充本刊的诈骗邮件。\n\n编辑部\n"),
    ("Harwood & Lin IP", "newsletter@harwoodlin-ip.example", "IP Brief: misleading patent 'registration' invoices",
     "IP Brief - Q1 2026\n1. Misleading invoices for patent and trademark \"registration\"\nWe continue to see "
     "clients targeted by letters and e-mails that look like official fee notices.\nRecent examples we have been "
     "sent by clients include:\n\"European Patent Register - Publication fee EUR 1,485\" (not the EPO)\n"
     "“专利年费缴纳服务中心” demanding overdue annuities to a personal account\nOfficial fees are paid only by your "
     "attorney or directly to the patent office. Do not pay such requests.\n"),
    ("医学伦理委员会", "ec@hdmu-hospital.edu.cn", "伦理审查批件及审查费发票（EC-2026-012）",
     "李伟 经理：\n\n贵司合作项目已于 1 月 15 日伦理委员会会议审查通过，批件见附件。\n"
     "按照临床研究协议，伦理审查费 3,000 元"
     "已由贵司于 12 月 30 日\n汇入我院对公账户，电子发票一并附上。\n\n伦理委员会不通过任何个人账户收取费用，也不提供"
     "“加急审查”付费服务。\n"),
    ("Marcus Brandt via DocuSign", "dse_na4@docusign.net", "Please DocuSign: Supplier Code of Conduct 2026.pdf",
     "Marcus Brandt sent you a document to review and sign.\n\nREVIEW DOCUMENT: https://na4.docusign.net/Signing/"
     "EmailStart.aspx?a=3c1f9b72\n\nAlternate signing method: visit DocuSign.com, click 'Access Documents', and "
     "enter the security code 9F3C2D1A7B.\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), DEV_GENUINE)
def test_genuine_fees_newsletters_and_envelopes_are_delivered(display: str, address: str, subject: str,
                                                               body: str) -> None:
    assert inbound_action(display, address, subject, body) == "deliver"


def test_an_attached_sign_in_page_weighs_over_the_bodys_wrapped_ask() -> None:
    # the body's "sign in with\nyour e-mail account", read whole since wraps are joined, is a weaker ask than the
    # attached page's form; the page's must still count (it did not while the body's came first)
    from email.message import EmailMessage

    from rules.model import Direction
    from tests.test_detection_classes import verdict_for

    m = EmailMessage()
    m["From"], m["To"] = "Procurement - Meditrans Labs <procurement@meditrans-labs.example>", "bob@example.com"
    m["Subject"], m["Message-ID"] = "RFQ - reagents Q2 (protected document)", "<rfq@meditrans-labs.example>"
    m["Date"] = "Mon, 07 Dec 2026 09:00:00 +0000"
    m.set_content("Good day,\n\nPlease find attached our Request for Quotation for reagents and consumables.\n"
                  "The document is protected; open the attachment in your browser and sign in with\nyour e-mail "
                  "account to view the item list.\n\nRegards,\nDaniel\n")
    page = ('<html><body><h3>Adobe Document Cloud</h3><p>Confirm your email to view this shared document.</p>'
            '<form action="https://doc-view-secure.example.net/post.php" method="post">'
            '<input name="email" value="bob@example.com"><input type="password" name="pw">'
            '<button>View Document</button></form></body></html>')
    m.add_attachment(page.encode(), maintype="text", subtype="html", filename="RFQ_Reagents_Q2.htm")
    v = verdict_for(m.as_bytes(), "procurement@meditrans-labs.example", "bob@example.com", Direction.INBOUND)
    assert v["recipients"]["bob@example.com"]["action"] == "quarantine", v["hits"]


def test_a_page_charge_asked_through_qq_is_still_a_fee() -> None:
    # 版面费 no longer weighs as a directory's listing fee (a journal's genuine notice was held); it stays a fee,
    # and asked through a QQ number with a rush it is held as before
    body = ("王老师您好：\n\n您的论文已通过初审，拟录用于我刊核心版。请于3日内缴纳版面费 3,600 元，加急可提前见刊。"
            "缴费及发票事宜请加编辑QQ 2871339045 联系。\n\n《现代医药研究》编辑部\n")
    assert inbound_action("现代医药研究编辑部", "xdyyyj_bjb@163.com", "论文录用及版面费通知", body) == "quarantine"


# The fair stranger in English whose trading is her uncle's "short-term signals", her income "from digital asset
# trading" and her "38% on BTC/USDT contracts"; the mentor's platform where 名额只有20个 is the pressure.
INVESTMENT = [
    ("Jessica Lim", "jessica.lim.sg88@gmail.com", "Nice to meet you at the fair :)",
     "Hi Alice,\n\nThis is Jessica from Singapore, we met at your booth on the last day of the fair. I hope you "
     "remember me!\n\nHonestly most of my income comes from digital asset trading. My uncle works at a fund and "
     "shares short-term signals with family; last month I made 38% on BTC/USDT contracts.\n\nLet's keep in touch on "
     "WhatsApp, it's easier: +65 8123 7721.\n\nJessica\n"),
    ("婉婷", "wanting.gold88@163.com", "上次说的黄金合约平台",
     "李总，晚上好！\n\n上次跟您说的那个平台，我昨天又跟着导师做了两单黄金合约，收益17%。导师说这个月有一个内部额度，"
     "最低入金5万，收益可以做到每周10%以上，名额只有20个，我帮您留了一个。\n\n婉婷\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), INVESTMENT)
def test_the_strangers_trading_and_the_mentors_places_are_held(display: str, address: str, subject: str,
                                                               body: str) -> None:
    assert inbound_action(display, address, subject, body) == "quarantine"


# The state's and the platforms' names worn: 腾讯文档 from elsewhere asking 验证企业邮箱身份 before a shared sheet
# opens; a drug regulator's office (药品监督管理局, now a government body's name) outside the government's domains
# billing a 整改保证金; an institution's name on free mail billing a fee (the state's tie, as for a domain that
# spells one).
STATE_AND_PLATFORMS = [
    ("腾讯文档", "notice@docs-qq-sharing.com", "王芳 邀请你查看《2026年度薪资调整名单》",
     "王芳 邀请你查看在线表格\n2026年度薪资调整名单（仅限本人查看）\n该文档包含敏感信息，需验证企业邮箱身份后查看。\n"
     "立即查看: https://docs-qq-sharing.com/sheet/8812\n链接 24 小时内有效\n"),
    ("药品监督管理局 医疗器械备案处", "beian@mpa-filing-notice.com", "关于贵单位医疗器械备案信息异常拟予处罚的告知书",
     "Example Corp：\n\n经核查，贵单位第一类医疗器械备案信息逾期未更新，拟处以 5 万元罚款。本处现开通快速整改通道，"
     "企业在 5 个工作日内缴纳整改保证金 8,800 元并提交整改说明，可免予行政处罚。\n\n联系人：刘老师\n"),
    ("国家药品监督管理局 核查中心", "hczx_check@163.com", "关于开展飞行检查的通知",
     "Example Corp：\n\n我中心将于近期对贵单位参与的临床研究项目开展飞行检查。请于 3 个工作日内联系检查组联络员"
     "王科长（手机 18611273304），按规定缴纳检查费 36,000 元，账户由联络员告知。\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), STATE_AND_PLATFORMS)
def test_the_states_and_the_platforms_names_worn_are_held(display: str, address: str, subject: str,
                                                          body: str) -> None:
    assert inbound_action(display, address, subject, body) == "quarantine"


def test_the_regulators_own_notice_is_delivered() -> None:
    body = ("Example Corp：\n\n贵单位提交的第一类医疗器械备案变更已完成，备案信息已在国家药监局网站公示。"
            "备案不收取任何费用。\n")
    assert inbound_action("上海市药品监督管理局", "ylqx@yjj.sh.gov.cn", "医疗器械备案变更完成通知", body) == "deliver"


def test_a_regularisation_fee_by_alipay_to_an_agent_is_held() -> None:
    body = ("Dear Shipper,\n\nYour shipment to LOME (B/L COSU6398233412) has been blocked because the mandatory "
            "cargo tracking note was not issued before departure. To avoid a penalty at destination it must be "
            "regularised within 48 hours. The regularisation fee is USD 320 per B/L.\n\nPayment: Alipay / WeChat to "
            "our China agent Mr. Huang (ID 186 8830 1275), or Western Union.\n\nCTN Regularisation Desk\n")
    assert inbound_action("CTN Regularisation Desk", "ctn-china@cargo-note-desk.org",
                          "URGENT: CTN missing - B/L COSU6398233412", body) == "quarantine"


# A prize 恭喜贵司获得 whose tax and postage are paid first (a fee beside 奖品/获奖 is tied); a loan 无抵押 with a
# 风险保证金 before it is paid out; the dropper's 安装时请关闭杀毒软件 read as an ask (of weight one: genuine tax
# software vendors give the same advice for their installers, so it does not hold on its own).
PRIZES_AND_LOANS = [
    ("展商服务活动组", "huodong@fair-exhibitor-events.net", "恭喜贵司获得展商幸运抽奖二等奖",
     "尊敬的参展商：\n\n恭喜贵司在展商满意度调查幸运抽奖活动中获得二等奖：平板电脑一台。根据规定，奖品价值超过800元需由"
     "获奖人缴纳20%个人所得税（共计1,180元），另需承担邮寄费120元。请于7日内转入活动承办方账户，逾期视为自动放弃。\n"
     "账号：6217 9958 2000 3318 446\n"),
    ("企业金融服务中心", "daikuan_fuwu@sohu.com", "外贸企业低息信用贷 当天放款",
     "陈总您好：\n\n现推出低息信用经营贷：额度50万-300万，无抵押、无担保，最快当天放款。放款前需缴纳贷款额5%的"
     "“风险保证金”验证还款能力，放款后一并退还。\n\n咨询：王经理 159 1866 3047\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), PRIZES_AND_LOANS)
def test_a_prizes_tax_first_and_a_loans_deposit_are_held(display: str, address: str, subject: str,
                                                         body: str) -> None:
    assert inbound_action(display, address, subject, body) == "quarantine"


def test_switching_off_antivirus_is_asked_but_does_not_hold_alone() -> None:
    from rules.scams import assess

    found = assess([("body", "新版客户端下载后，安装时请关闭杀毒软件以免误报。")], senders=["svc@vendor.example"],
                   unsolicited=True)
    assert [s.name for s in found.signals] == ["personal_data", "unsolicited"] and found.level == "low"
