"""Scam classes two blind sets missed (/work/heldout42: an architecture firm's mail, scams 1.000 /
0.500; /work/heldout43: a cross-border seller's inbound mail, 160 messages, 0.941 / 0.480; both on
b007a3c). Each test fails on b007a3c; the guards (genuine mail of the same shape) say so and pass
there too.
"""

from __future__ import annotations

import pytest

from tests.test_detection_heldout16_classes import inbound_action

HELD = [
    # a link whose words show the site and whose target is a look-alike of it (scam-022)
    ("Planning Portal", "notifications@planningportal-docs.co", "New objection received - Application 25/01871/FUL",
     "A new public comment (objection) has been received for application 25/01871/FUL.\n\n"
     "View the comment and supporting documents:\nhttps://www.planningportal.co.uk/applications/25-01871-FUL\n\n"
     "You will need to sign in with your Microsoft 365 work account to view the attached documents.\n",
     '<p>A new public comment has been received for application 25/01871/FUL.</p><p><a href="https://'
     'planningportal-docs.co/view/25-01871">https://www.planningportal.co.uk/applications/25-01871-FUL</a></p>'
     "<p>You will need to sign in with your Microsoft 365 work account to view the attached documents.</p>"),
    # "X via Docusign" from a domain that is not DocuSign's (scam-010)
    ("Marcus Bell via Docusign", "dse-notifications@docsign-envelope.net",
     "Complete with Docusign: Phase 2 Fee Agreement.pdf",
     "Marcus Bell sent you a document to review and sign.\n\nREVIEW DOCUMENT\n\nPlease review the Phase 2 Fee "
     "Agreement and sign by end of day.\n",
     '<p>Marcus Bell sent you a document to review and sign.</p><a href="https://docsign-envelope.net/Signing/'
     'EmailStart.aspx?a=7f1c2e">REVIEW DOCUMENT</a><p>Questions? Visit <a href="https://docsign-envelope.net/'
     'support">https://support.docusign.com</a></p>'),
    # a brand's name split by a hyphen in the sender's and the link's domain (scam-013)
    ("WeTransfer", "noreply@we-transfer-files.com", "g.pryce@brackley.co.uk sent you files via WeTransfer",
     "g.pryce@brackley.co.uk sent you some files\n\n3 files, 284 MB in total - Will be deleted on 14 August\n\n"
     "Get your files\n",
     '<p>3 files, 284 MB in total</p><p><a href="https://we-transfer-files.com/downloads/8b71c0e2">Get your files'
     "</a></p>"),
    # the boss's deposit "to the other side" by three today, its line wrapped, in secret (scam-025)
    ("陈建国", "chenjg_esa@163.com", "在吗",
     "小李，\n\n我现在在跟润泰的领导开会，不方便接电话。有一笔项目保证金今天下午三点前\n必须打给对方，你先准备一下，"
     "金额 38.6 万。\n\n对方账户我发你微信，你加一下我这个新微信：cjg_20251208。\n\n"
     "这个事情先不要跟其他人说。\n", None),
    # a prize's "administration and publication fee" (scam-015)
    ("European Architecture Excellence Awards", "winners@eaea-awards.eu", "Congratulations - a 2025 Gold Winner",
     "Dear team,\n\nWe are delighted to inform you that your project has been selected as a GOLD WINNER. This "
     "includes a cash prize of EUR 25,000.\n\nTo release the prize, please complete the winner verification within 5 "
     "working days:\n\n1. Pay the winner administration and publication fee of EUR 1,190 (non-refundable) by bank "
     "transfer at https://eaea-awards.eu/winner/verify\n", None),
    # the SMS code asked for, a card said disabled (scam-026)
    ("ETC服务中心", "service@etc-renzheng.cc", "您的ETC卡已被禁用，请尽快完成认证",
     "尊敬的用户：\n\n您名下ETC卡未完成年度实名认证，现已被临时禁用。\n\n"
     "请于今日 24:00 前通过以下链接完成认证，认证需提供车主姓名、身份证号、\n"
     "绑定银行卡号及短信验证码：\n\n立即认证：http://etc-renzheng.cc/auth\n", None),
    # a licence to be suspended, a gov-posing domain (scam-011)
    ("住房和城乡建设局", "notice@zjj-gov.cn", "关于开展建筑业企业资质动态核查的通知",
     "各有关企业：\n\n我局定于近期开展建筑业企业资质动态核查工作。请各企业于9月30日前登录核查系统下载《资质动态核查表》。"
     "逾期未填报的企业，将暂停其资质证书使用。\n", None),
    # a penalty to pay online, doubled and handed to collectors, from a gov-posing domain (scam-031)
    ("Companies House", "enforcement@companieshouse-gov.org.uk", "Late filing penalty - 08841273",
     "Our records show that the accounts were delivered late. A late filing penalty of GBP 1,500.00 has been issued.\n"
     "\nTo avoid the penalty being doubled and the matter being referred to our debt collection agents, payment must "
     "be made within 7 days.\n\nPay the penalty online:\nhttps://companieshouse-gov.org.uk/penalty/pay\n", None),
    # callback lures: a number to call about a charge the reader did not make (scams-053, scams-119)
    ("Norton LifeLock", "renewal.billing8841@gmail.com", "Your order #NLK-889102547 has been processed",
     "Dear Customer,\n\nYour Norton 360 Premium has been renewed and USD 389.99 has been charged to your account "
     "today.\n\nIf you did not authorize this charge or wish to cancel and get a full refund,\nplease contact our "
     "billing team within 24 hours:\n\n  +1 (844) 912-0387\n", None),
    ("HSBC Business", "alerts@hsbc-business-alerts.com", "New payee added: AMBER CREST TRADING LTD",
     "Dear Customer,\nA new payee has been added to your HSBCnet profile.\nA payment of HKD 418,000.00 to this payee "
     "is scheduled for today.\nIf you did not authorise this, call our Business Fraud Desk immediately on\n"
     "+852 3008 6721.\n", None),
    # the marketplaces and payment providers a seller signs in to (scams-012, scams-156)
    ("Shopify", "billing@shopify-billing-notice.com", "Action required: your store will be paused",
     "We couldn't process your payment for your Shopify bill of $2,173.46 USD.\nTo avoid interruption, update your "
     "payment details within 24 hours. After that your store will be paused.\n\nUpdate payment method: "
     "https://shopify-billing-notice.com/update\n", None),
    ("Alibaba.com", "inquiry-noreply@alibaba-inquiry-center.com", "You have received a new inquiry",
     "Dear Supplier,\nYou have a new inquiry from a Verified Buyer.\nSign in to view the full inquiry and reply "
     "within 24 hours to keep your response rate.\nView Inquiry: https://alibaba-inquiry-center.com/inquiry/88213\n",
     None),
    # the "safe account" the money is to be moved to, from a payment provider's name (scams-005)
    ("连连国际 风控中心", "risk@lianlian-global.net", "关于贵司账户因反洗钱审查被冻结的通知",
     "贵司连连国际账户中 USD 31,560.00 已被临时冻结。\n请于24小时内致电风控专线，或添加风控专员企业微信 LL-fk0826，"
     "配合完成资金核验。核验需将账户资金转入监管账户进行流水比对，核验完成后资金原路退回。\n", None),
    # tax with its late fee into the agent's "special account", from a gov-posing domain (scams-126)
    ("跨境电商综合服务平台", "notice@kjdspt-gov.cn", "关于贵司出口清单申报异常的补税通知",
     "经系统比对，贵司申报的出口清单与汇总申报数据存在不一致，需补缴增值税及滞纳金合计 ¥127,436.80。\n"
     "请于3个工作日内联系稽核专员办理补缴手续。补缴款项须转入专员提供的专用账户。\n", None),
]


@pytest.mark.parametrize(("display", "address", "subject", "body", "html"), HELD,
                         ids=["shown-site-lookalike-target", "via-docusign-elsewhere", "we-transfer-hyphen",
                              "boss-deposit-wrapped", "prize-admin-fee", "sms-code", "licence-suspended",
                              "penalty-online", "callback-norton", "callback-hsbc", "shopify", "alibaba",
                              "safe-account", "special-account-tax"])
def test_scams_are_held(display: str, address: str, subject: str, body: str, html: str | None) -> None:
    assert inbound_action(display, address, subject, body, html) == "quarantine"


DELIVERED = [
    # guards: a bank's own alert with its hotline; a tracking link through a mailing service; a relay's notice
    # from its own domain
    ("HSBC", "alerts@notification.hsbc.com.hk", "Transaction alert",
     "A payment of HKD 1,200.00 was made from your account today.\nIf you did not authorise this, call us on "
     "+852 2233 3000.\n", None),
    ("Planning Portal", "news@planningportal.co.uk", "Planning news for September",
     "This month: new fee schedule. Read more: https://www.planningportal.co.uk/news\n",
     '<p><a href="https://planningportal.list-manage.com/track/click?u=1">https://www.planningportal.co.uk/news</a>'
     "</p><p>Sign in to your account to see your applications.</p>"),
    ("Li Wei via DocuSign", "dse@docusign.net", "Please sign: NDA.pdf",
     "Li Wei sent you a document to review and sign.\n\nREVIEW DOCUMENT\n",
     '<a href="https://na3.docusign.net/Signing/EmailStart.aspx?a=1">REVIEW DOCUMENT</a>'),
]


@pytest.mark.parametrize(("display", "address", "subject", "body", "html"), DELIVERED,
                         ids=["bank-own-alert", "newsletter-tracking", "docusign-own"])
def test_genuine_look_alikes_are_delivered(display: str, address: str, subject: str, body: str,
                                           html: str | None) -> None:
    assert inbound_action(display, address, subject, body, html) == "deliver"


def test_a_customer_forwarding_the_fake_bank_change_it_got_asks_nothing() -> None:
    """scams-067: the forwarder's words report it ("fake email in your name", "so we did not pay");
    the fraudster's asks stand below the forwarded message's header."""
    body = ("Hi Alice,\n\nThis morning our AP team received the email below, apparently from you, asking us to pay "
            "open invoice EX-2025-044 to a new account in Lithuania. The sender domain is exarnple.com, so we did "
            "not pay.\n\nBest regards,\nKatrin\n\n---------- Forwarded message ---------\nFrom: Alice Huang "
            "<alice@exarnple.com>\nDate: Tue, 22 Jul 2025 at 07:12\nSubject: updated payment details\n\n"
            "Please note our bank account has changed due to our annual audit. Kindly remit invoice EX-2025-044 (EUR "
            "23,760.00) to our new account:\n  IBAN: LT12 3250 0934 1182 0446\nPlease process today.\n")
    assert inbound_action("Katrin Vogel", "k.vogel@nordlicht-handel.de",
                          "WARNING: fake email in your name - bank change request", body) == "deliver"


def test_a_brands_advisory_quoting_scams_over_several_lines_asks_nothing() -> None:
    """scams-068: the quoted examples run over two lines; counted from the paragraph."""
    body = ("Hello,\n\nWe've seen an increase in attempts to trick selling partners into sharing their account "
            "credentials. Here are examples of messages that did NOT come from Amazon:\n\n"
            '  "Your account will be deactivated in 24 hours unless you verify your identity\n'
            '   at the link below."\n'
            "  \"I'm your Amazon Account Manager. Please send me the one-time password you just\n"
            '   received so I can submit your KYC review."\n\n'
            "Amazon will never ask you for your password by email.\n")
    assert inbound_action("Amazon Seller Central", "seller-news@amazon.com",
                          "Seller News: How to recognize phishing emails", body) == "deliver"


def test_a_suppliers_change_confirmed_after_our_call_is_no_diversion() -> None:
    """scams-044: 感谢您…打电话过来核实 is the call back that verified it."""
    body = ("李经理您好：\n感谢您今天上午按合同上的座机（0755-2935 7710）打电话过来核实。\n"
            "如电话中所说，我司基本户已从建设银行改至招商银行深圳光明支行，户名不变。盖章的《银行账户变更函》附上，"
            "请贵司财务按流程更新。\n在途的 PO 2025-0611 尾款按新账户付即可，今天起生效。\n")
    assert inbound_action("黄志强", "huang.zq@boyuan-light.cn", "回复：关于我司基本户变更的确认", body) == "deliver"


MORE_HELD = [
    # a copy of our own domain made of our name and generic words (scams-025, scams-098)
    ("人力资源部", "hr@mail-example.com.cn", "【通知】2025年度薪资调整明细，请于今日内确认",
     "各位同事：\n个人调整明细已上传至OA系统。\n请于今日下班前登录确认。\n"
     "登录账号为企业邮箱地址，密码为企业邮箱密码。\n", None),
    ("系统管理员", "postmaster@mail-example.com.cn", "邮箱容量已满（98%），部分邮件将被退回，请立即扩容",
     "尊敬的用户：\n您的邮箱容量已使用 98%。\n请在24小时内点击下方链接免费扩容：\n"
     "http://mail-example.com.cn/kr\n", None),
    # our mail administrator's name from outside, the quota lure (scams-149)
    ("example.com Mail Administrator", "quota-alert@mailservice-quota.com",
     "Your mailbox is 99% full - incoming messages will be rejected",
     "Mailbox storage alert\nUsed: 49.6 GB of 50 GB (99%)\nIncoming messages will be rejected in 24 hours.\n"
     "Upgrade your storage for free: https://mailservice-quota.com/upgrade\n", None),
    # a gov-posing domain linking to itself, a fine to pay online, enforcement threatened (scams-140)
    ("深圳市市场监督管理局", "zljc@szamr-gov.cn", "关于贵司产品质量监督抽查不合格的行政处罚告知书",
     "拟对贵司处以罚款 ¥48,000。请于5个工作日内下载《行政处罚告知书》并在线缴纳罚款：\n"
     "https://szamr-gov.cn/feishui/pay?no=SZ2025Q3-0387\n"
     "逾期未缴纳的，将依法申请法院强制执行并列入严重违法失信名单。\n", None),
    # the e-invoice platform's name, a sign-in with the company mailbox account at the sender's own site (scams-020)
    ("电子发票服务平台", "fapiao@einvoice-nuonuo.cn", "您收到一张电子发票",
     "深圳市恒达电子有限公司 为您开具了一张数电发票：价税合计 ¥308,412.00\n"
     "为保护您的发票信息安全，请使用企业邮箱账号登录后查看及下载：\nhttp://einvoice-nuonuo.cn/fp/view\n", None),
]


@pytest.mark.parametrize(("display", "address", "subject", "body", "html"), MORE_HELD,
                         ids=["copy-of-our-domain-hr", "copy-of-our-domain-quota", "our-mail-admin-quota",
                              "gov-posing-own-link", "einvoice-mailbox-account"])
def test_copies_of_us_and_of_the_state_are_held(display: str, address: str, subject: str, body: str,
                                                html: str | None) -> None:
    assert inbound_action(display, address, subject, body, html) == "quarantine"


def test_a_partner_named_like_us_calling_to_sign_in_is_delivered() -> None:
    """Guard: example-logistics names its own trade; its portal's sign-in is its own."""
    body = ("Dear customer,\n\nYour shipment 88213 has arrived at Felixstowe. Sign in to our portal to download the "
            "delivery order: https://portal.example-logistics.com/do/88213\n")
    assert inbound_action("Example Logistics", "ops@example-logistics.com", "Arrival notice 88213", body) == "deliver"


LATER_HELD = [
    # a brand's name asking a transfer to an account (scams-101)
    ("Amazon Advertising Billing", "billing@amazon-ads-invoices.com", "Invoice overdue: Amazon Ads invoice",
     "Our records show that invoice AMZADS-US-2025-0583142 (USD 12,884.21) is 15 days past due.\nTo reinstate your "
     "campaigns, please settle the invoice by bank transfer to the collection account shown on the attached "
     "invoice.\n", None),
    # a share's notice from a partner's mailbox, its link on shared hosting (scams-006)
    ("Tom Becker", "t.becker@rheinpack-gmbh.de", 'Tom Becker shared "Q2 Settlement Statement.pdf" with you',
     "Tom Becker shared a file with you\n\nQ2 Settlement Statement.pdf\n\nOpen\n",
     '<p>Tom Becker shared a file with you</p><p><a href="https://pub-7f3a9c.r2.dev/sharepoint/view">Open</a></p>'),
    # a salary to "this card below" from free mail, no need to call (scams-049)
    ("张敏", "zhangmin.amz@163.com", "工资卡变更",
     "HR你好，\n我原来的工资卡丢了。这个月工资麻烦先打到下面这张卡上：\n户名：张敏\n卡号：6228 4801 2837 5519 472\n"
     "我这几天手机信号不好，有问题直接回这个邮箱就行，不用打电话。\n", None),
    # an e-signature's button from a domain that is not the service's (scams-038)
    ("Adobe Acrobat Sign", "adobesign@acrobat-documents.net", "Hengda has sent you PI_revised.pdf to review and sign",
     "Shenzhen Hengda Electronics has sent you a document to review and sign:\nPI_revised.pdf\n\nReview and sign\n",
     '<p>Hengda has sent you a document.</p><a href="https://acrobat-documents.net/esign/review?doc=PI">Review and '
     "sign</a>"),
    # a sign-in with the reader's corporate Microsoft 365 account, at a link wearing ShareFile (scams-095)
    ("Reed & Halvorsen LLP - Litigation", "filings@reedhalvorsen-law.com", "Service of Process: Case No. 1:25-cv-06132",
     "You are hereby served with the Complaint and the Summons.\nThe sealed documents are available on our secure "
     "portal. Access requires verification with your\ncorporate Microsoft 365 account:\n"
     "https://reedhalvorsen-law.sharefile-secure.com/d/s8f2k1\n", None),
    # the accounts moved to a new bank, the invoice to pay today (scams-114)
    ("Hannah Price | BlueOcean Forwarding", "hannah.price@blueocean-fwd.co", "RE: Invoice BOF-UK-24117",
     "Hi team,\nJust following up on the attached invoice, which is now 14 days overdue.\nPlease note our accounts "
     "moved to our new banking partner at the start of this month:\n  Bank: Revolut Business\n  IBAN: GB47 REVO 0099 "
     "7081 6244 90\nKindly confirm once payment has been scheduled today.\n", None),
]


@pytest.mark.parametrize(("display", "address", "subject", "body", "html"), LATER_HELD,
                         ids=["brand-asks-transfer", "share-on-shared-hosting", "salary-to-this-card",
                              "adobe-acrobat-sign", "work-account-sign-in", "accounts-moved-bank"])
def test_later_classes_are_held(display: str, address: str, subject: str, body: str, html: str | None) -> None:
    assert inbound_action(display, address, subject, body, html) == "quarantine"


THIRD_HELD = [
    # invoices offered "对外代开" (scams-124)
    ("刘会计", "liu_kj8823@126.com", "贵公司（负责人）您好！",
     "贵公司（负责人/财务）您好！\n本公司有部分进项发票有余额，可优惠对外代开：\n  增值税专用发票、增值税普通发票等。\n"
     "点数优惠，可先验票后付款。\n联系人：刘经理\n电话/微信：137 2841 6653\n", None),
    # a task scam's "佣金最高30%" (scams-123)
    ("抖音推广部", "douyin_tg@sina.com", "点赞员招募，每单3元",
     "只需给指定作品点赞、关注，截图上传即可，每单3元。\n满10单可升级VIP任务，佣金最高30%（VIP任务需充值领取）。\n"
     "名额有限！\n加QQ群：738291045\n", None),
    # a marketplace "manager" on free mail asking the password, a WeChat id of letters (scams-091)
    ("Grace Liu", "grace.amz.gs@gmail.com", "关于贵司账户KYC二次审核",
     "为了加快审核，您可以直接把卖家后台的登录邮箱和密码发给我，我这边用内部通道帮您提交。\n\n"
     "Grace Liu\n亚马逊全球开店 | 华南区招商团队\n微信：grace_amz_gs\n", None),
    # a prize's "Note: the only fee" (scams-029: "Note" is no "not")
    ("United Nations Compensation Commission", "uncc.payments@outlook.com", "Compensation payment file",
     "Attention: Beneficiary,\nThe Commission has approved the sum of USD 2,500,000.00 as compensation.\n"
     "Note: the only fee you will pay is the card activation and insurance fee of\nUSD 185.00, payable to the "
     "courier upon confirmation.\n", None),
    # a district court's name from a domain that is not the courts' (scams-048)
    ("深圳市南山区人民法院", "songda@court-szns.cn", "电子送达：传票及起诉状副本",
     "深圳市易思商贸有限公司：\n本院已立案受理。现依法向你司电子送达起诉状副本及传票。\n请点击以下链接查看并下载文书：\n"
     "  https://court-szns.cn/sd/view?c=18273\n文书链接有效期为3日，逾期未查阅视为送达。\n", None),
]


@pytest.mark.parametrize(("display", "address", "subject", "body", "html"), THIRD_HELD,
                         ids=["invoices-offered", "task-commission", "manager-asks-password", "note-is-no-not",
                              "district-court"])
def test_third_round_classes_are_held(display: str, address: str, subject: str, body: str,
                                      html: str | None) -> None:
    assert inbound_action(display, address, subject, body, html) == "quarantine"


@pytest.mark.parametrize(("subject", "above"), [
    ("Security warning: mailbox closure", "Please see the notice below and act today."),
    ("Mailbox notice", "Please see the secure message below (this is not spam or phishing)."),
], ids=["warning-only-in-subject", "report-denied"])
def test_a_lure_under_a_forged_reply_header_is_not_taken_for_a_reported_forward(subject: str, above: str) -> None:
    """A lure can title itself a warning and forge a reply header over its ask: only the forwarder's
    own words above the header, not denied, report a scam (review of this session's change)."""
    body = (f"Dear user,\n\n{above}\n\n-----Original Message-----\nFrom: IT Service Desk <it@mail-quota.test>\n"
            "Sent: Monday\nSubject: Mailbox closure\n\nYour mailbox will be closed within 24 hours. Verify your "
            "account now: sign in with your email password at https://mail-quota.test/verify\n")
    assert inbound_action("Microsoft 365", "notice@m365-mailbox-notice.test", subject, body) == "quarantine"
