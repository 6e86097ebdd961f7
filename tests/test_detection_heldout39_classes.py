"""Phishing the scam-only blind set 39 (a hotel group; written by a helper, measured blind on
6705bca: precision 0.897, recall 0.350) delivered, by class, and the genuine look-alikes a review
set (/work/review5, 90 genuine mails sharing phishing's surface) kept delivered. Each phishing
test fails on 8b4dad5; the guards pass there too and say so, except the Tencent quota reminder,
which 8b4dad5 held.
"""

from __future__ import annotations

import pytest

from tests.test_detection_heldout16_classes import inbound_action


def _action(display: str, address: str, subject: str, body: str, html: str | None = None) -> str:
    return inbound_action(display, address, subject, body, html)

PHISHING = [
    # a brand's own domain written into the link's left-hand labels (scam-017, scam-010, scam-134)
    ("Partner Support", "noreply@partner-hub-mail.test", "Action required: verify your property's payment details",
     "Dear Partner,\n\nWe detected unusual activity on your extranet account. Please sign in and re-confirm your bank "
     "details: https://admin.booking.com.extranet-verify.help/hotel/login.html?hotel_id=8812345\n", None),
    ("安全中心", "security@mail-safe-center.test", "【安全提醒】您的企业邮箱于异地登录",
     "您的企业邮箱 alice@example.com 于 02:47 在异地登录。如非本人操作，请立即点击下方按钮冻结账号并修改密码。\n",
     '<p>如非本人操作，请立即点击下方按钮冻结账号并修改密码。</p><a href="https://exmail.qq.com-anquan.xyz/safe">不是我本人</a>'),
    # the From line wears the brand, a sign-in is asked, the button leads elsewhere (scam-005, scam-043)
    ("Harrington Legal via DocuSign", "dse@docusign-envelopes.test", "Complete with DocuSign: Amendment No.3.pdf",
     "Harrington Legal sent you a document to review and sign. Click REVIEW DOCUMENT and sign in with your email to "
     "view it.\n", '<p>Harrington Legal sent you a document to review and sign.</p><a href="https://envelope-review.'
     'test/Signing/EmailStart.aspx">REVIEW DOCUMENT</a><p>Sign in with your email to view it.</p>'),
    ("腾讯企业邮", "noreply@wetalk-mailnotice.test", "邮箱系统升级通知：请于今日完成账号迁移",
     "alice@example.com：请于今日登录完成账号迁移，未迁移的账号将停止收信。\n",
     '<p>请于今日登录完成账号迁移，未迁移的账号将停止收信。</p><a href="https://mail-upgrade.test/u">立即升级</a>'),
    # a compromised mailbox's lure to a sign-in page on shared hosting (scam-040)
    ("example.com Mail Administrator", "reception@brightsmile-dental.test", "Mailbox quota 98% full",
     "Your mailbox has reached 49.2 GB of 50 GB. To release pending messages validate your account: "
     "https://pub-7f3a9c01e2d54b8a.r2.dev/owa/quota.html\n", None),
    # a share's notice whose link wears the service (scam-153)
    ("Priya Nair", "priya.nair@lotusbay-tours.test", 'Priya Nair shared "2025 Contract Rates" with you',
     "Priya Nair shared a file with you\n\n2025 Contract Rates.xlsx\n\nOpen: https://lotusbaytours-my.sharepoint.com."
     "onedrive-view.net/:x:/g/personal/priya\n\nMicrosoft OneDrive\n", None),
    # a sender writing from a copy of our own domain (scam-144)
    ("Example IT Helpdesk", "helpdesk@exarnple.com", "Unusual sign-in activity detected on your account",
     "Hi Alice,\n\nWe detected an unusual sign-in to your account from Lagos, Nigeria. If this was not you, secure "
     "your account immediately, otherwise it will be suspended: https://exarnple.com/secure/verify?id=alice\n", None),
    # the company mailbox's password asked from outside (scam-052)
    ("人事行政部", "notice@hr-oa-portal.test", "2024年第四季度薪资调整明细（请于今日查阅）",
     "Erin 您好：\n\n您的第四季度薪资调整明细已生成。明细仅限本人查阅，请使用企业邮箱账号密码登录后查看：\n"
     "https://hr-oa-portal.test/file/xinzi.html\n", None),
]


@pytest.mark.parametrize(("display", "address", "subject", "body", "html"), PHISHING,
                         ids=["brand-domain-in-link-labels", "brand-domain-hyphened", "docusign-from-line",
                              "exmail-from-line", "shared-hosting", "share-notice", "copy-of-our-domain",
                              "mailbox-password"])
def test_phishing_is_held(display: str, address: str, subject: str, body: str, html: str | None) -> None:
    assert _action(display, address, subject, body, html) == "quarantine"


GENUINE = [
    # a partner's catalogue on cloud storage, the sign-in on its own site (review5 036; guard)
    ("Tom Reed", "tom.reed@northfield-contract.test", "Catalogue and trade portal",
     "Hi Alice,\n\nOur 2025 catalogue: https://storage.googleapis.com/northfield-assets/catalogue-2025.pdf\n"
     "You will receive a separate email to set your password, then log in here: "
     "https://trade.northfield-contract.test/login\n", None),
    # a status page named for its sender on shared hosting (review5 034; guard)
    ("Pinecrest Status", "status@pinecrest.test", "Incident resolved",
     "The sync incident is resolved. Details: https://pinecrest-status.netlify.app/incidents/118\n"
     "Properties that changed rates during the incident may want to sign in and run a full sync.\n", None),
    # a reseller named for the brand, its links its own and a mailing service's (guard)
    ("Microsoft 365 Team", "team@northbridge-it.test", "Your renewal is due",
     "Your Microsoft 365 renewal is due on 1 January. Sign in to the Northbridge client portal to review your seat "
     "count: https://portal.northbridge-it.test/renewals\n",
     '<p>Sign in to the Northbridge client portal to review your seat count.</p><a href="https://northbridge-it.us1.'
     'list-manage.com/track/click?u=1">Review seats</a>'),
    # Tencent's own quota reminder, warning against entering the password elsewhere (set 39 scam-088: held on
    # 8b4dad5, the warning's domain dots read as a sentence's end)
    ("腾讯企业邮", "noreply@exmail.qq.com", "邮箱空间即将用完提醒",
     "尊敬的 alice@example.com：您的邮箱空间已使用 92%。空间用满后将无法接收新邮件。建议您登录邮箱清理大附件邮件。\n"
     "温馨提示：腾讯企业邮不会通过邮件要求您提供密码，请勿在非 exmail.qq.com 域名的页面输入账号密码。\n",
     '<p>建议您登录邮箱清理大附件邮件。</p><a href="https://exmail.qq.com/login">登录企业邮箱</a>'),
]


@pytest.mark.parametrize(("display", "address", "subject", "body", "html"), GENUINE,
                         ids=["catalogue-on-storage", "status-page-named-for-sender", "reseller", "tencent-quota"])
def test_genuine_look_alikes_are_delivered(display: str, address: str, subject: str, body: str,
                                           html: str | None) -> None:
    assert _action(display, address, subject, body, html) == "deliver"


WORDED = [
    # a prize's "incidental income tax" paid first, the company drawn a prize's rank (scam-016)
    ("周年庆活动组委会", "huodong@anniversary-draw.test", "恭喜！贵公司邮箱荣获周年庆二等奖",
     "在线上抽奖活动中，贵公司邮箱 alice@example.com 荣获二等奖：MacBook Pro 一台。\n"
     "根据国家相关规定，领奖前需缴纳 20% 个人偶然所得税 ￥3,199.80 至组委会指定账户。"
     "领奖请于 48 小时内联系组委会客服 QQ：1593028864。\n", None),
    # a lender that "has approved" financing nobody asked for, its deposit taken in Western Union or Bitcoin (scam-028)
    ("Gary Whitfield", "deals@hospitality-finance-direct.test", "Renovation financing approved",
     "Dear Mr. Huang,\n\nHospitality Finance Direct has approved renovation financing of USD 1,200,000 for your hotel. "
     "To lock in this rate, a refundable deposit of USD 4,800 must be received within 48 hours. For speed, we accept "
     "Western Union or Bitcoin.\n", None),
    # a government's name in a domain that is not one, a refund to claim (scam-065)
    ("Inland Revenue Department", "refunds@ird-gov-hk.test", "IRD: Tax refund notification (HKD 4,382.50)",
     "After the last annual calculation of your fiscal activity, we have determined that you are eligible to receive "
     "a tax refund of HKD 4,382.50. Claim your refund: https://ird-gov-hk.test/refund/claim\n", None),
    # the bank account asked in Hong Kong's word (户口), from a government's name in a .com (scam-151)
    ("旅遊業監管局", "subsidy@tia-hk-gov.test", "【旅監局】紓困資助 第二期 申請即將截止",
     "每間合資格企業可獲一次性資助港幣 80,000 元。請於截止日期前登入以下網站，上載商業登記證及填寫公司銀行戶口資料：\n"
     "https://tia-gov-hk.subsidy-apply.test/phase2/\n", None),
    # the platform's own name for its mail to hotels ("Partner Support"), its link wearing the platform (scam-017)
    ("Booking.com Partner Support", "noreply@partner-booking-hub.test", "A guest sent you a message",
     "Dear Partner,\n\nA guest has sent you a message about their reservation. Sign in to the extranet to reply: "
     "https://guest-reply-centre.test/hotel/login.html\n", None),
]


@pytest.mark.parametrize(("display", "address", "subject", "body", "html"), WORDED,
                         ids=["prize-tax", "approved-financing", "state-name-refund", "state-name-bank-account",
                              "platform-partner-support"])
def test_scams_in_these_words_are_held(display: str, address: str, subject: str, body: str, html: str | None) -> None:
    assert _action(display, address, subject, body, html) == "quarantine"


def test_a_consultancy_named_for_a_brand_s_partners_and_a_customers_award_are_delivered() -> None:
    """Guards: 'DocuSign Partner Team' from its own domain is a consultancy (review5 020: tagged on
    a2d6a10 while 'partner' was read as the brand's own word); 荣获优秀供应商称号 is a customer's
    award, not a prize drawn (held on the first reading of 贵公司…荣获)."""
    assert _action("DocuSign Partner Team", "news@signflow-consulting.test", "Your quarterly update",
                   "Log in to the Signflow client portal to view the new templates: "
                   "https://portal.signflow-consulting.test\n") == "deliver"
    assert _action("采购部", "purchasing@big-customer.test", "2026年度优秀供应商",
                   "恭喜贵公司荣获我司2026年度“优秀供应商”称号，请回复参会人员姓名及手机号。\n") == "deliver"


SERVICES = [
    # a file-sending service's name worn by the sender and the link (scam-033)
    ("WeTransfer", "noreply@wetransfer-files.test", "hk.media.agency@gmail.com sent you files",
     "You received 2 files\n\nPress kit & Invoice for the Christmas feature\n\nGet your files: "
     "https://wetransfer-files.test/downloads/7f3e0c2a9b/auth\n",
     '<p>You received 2 files</p><a href="https://wetransfer-files.test/downloads/7f3e0c2a9b/auth">Get your files</a>'
     "<p>Sign in with your email to download.</p>"),
    # a hijacked thread's "secure link" on a ShareFile look-alike, a sign-in asked (scam-054)
    ("Martin Kowalski", "m.kowalski@alpine-hotelsupply.test", "RE: Order 4500231 - bathrobes",
     "Hi Erin,\n\nPlease find the revised proforma via the secure link below, the files are too large for email.\n"
     "View Documents (2): https://alpinehotelsupply.sharefile-docs.test/d-s8f72c19e04b4\n"
     "You will need to sign in with your company email to view.\n", None),
    # a brand's own domain spelled with hyphens for dots in the link's labels
    ("Documents", "docs@files-notice.test", "A document was shared with you",
     "A document was shared with you. Sign in to open it: https://1drv-ms.share-files.test/b/s!AqY7rGm2w\n", None),
]


@pytest.mark.parametrize(("display", "address", "subject", "body", "html"), SERVICES,
                         ids=["wetransfer", "sharefile", "hyphened-brand-domain"])
def test_file_service_lures_are_held(display: str, address: str, subject: str, body: str, html: str | None) -> None:
    assert _action(display, address, subject, body, html) == "quarantine"


NOTICES = [
    # a court's name, a domain posing as the state's, and the summons to view (scam-014)
    ("北京市朝阳区人民法院", "chaoyangfy@court-gov.test", "传票通知【(2024)京0105民初28763号】",
     "贵单位涉及一起服务合同纠纷案件，本院已依法立案。请点击下方按钮查看传票详情并在线确认，逾期将缺席判决。\n"
     "http://court-gov.test/chuanpiao/?no=28763\n", None),
    # the tax office's name and a link to a site posing as the state's, the audit list to download (scam-082)
    ("国家税务总局上海市税务局", "shanghai@chinatax-jicha.test", "关于税务稽查名单的通知",
     "贵单位已列入本次稽查名单。请于 5 个工作日内下载稽查名单及企业自查表，核对后完成自查申报：\n"
     "http://jicha-gov.cn/download/2024Q3_mingdan.zip\n", None),
    # the sender's own domain written into another's labels, the mailbox login asked to download (scam-079)
    ("远景置业集团 采购部", "cg@yuanjing-zhiye.test", "邀标函：2025年度酒店布草集中采购项目",
     "招标文件已上传至集团采购平台，请使用贵司企业邮箱账号登录下载：\n"
     "https://yuanjing-zhiye.test.bid-download.cn/exmail/login.html?bid=YJ-CG-2024-1127\n", None),
]


@pytest.mark.parametrize(("display", "address", "subject", "body", "html"), NOTICES,
                         ids=["court-summons", "tax-audit-list", "own-domain-in-link"])
def test_official_notice_lures_are_held(display: str, address: str, subject: str, body: str, html: str | None) -> None:
    assert _action(display, address, subject, body, html) == "quarantine"


def test_a_companys_own_site_under_another_ending_and_a_real_court_are_no_lure() -> None:
    """Guards (delivered on 223ebae too): acme's .com.cn site is acme's own; a court writing from its
    government domain with its own link."""
    assert _action("Acme Sales", "sales@acme-tools.com", "New catalogue",
                   "Please log in to see the China prices: https://www.acme-tools.com.cn/login\n") == "deliver"
    assert _action("香港司法机构", "notice@judiciary.gov.hk", "聆讯通知",
                   "请登录 https://www.judiciary.gov.hk/eportal 查看通知书。\n") == "deliver"
