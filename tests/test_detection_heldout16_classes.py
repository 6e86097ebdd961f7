"""Error classes of detection found by the blind held-out sets 14 to 19 (written without sight of
the rules, kept outside the repository: 200 messages each), in wording of our own. Each test of
a class failed on the commit named in its section; the others guard against the opposite error.
Earlier sets: tests/test_detection_heldout9_classes.py and tests/test_detection_heldout12_classes.py;
the review of these fixes and sets 20-21: tests/test_detection_heldout20_classes.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from email.message import EmailMessage

import pytest

from rules.content import parse
from rules.engine import EvaluationContext
from rules.model import Direction, Envelope, Verdict
from rules.secrets import find_secrets
from tests.accuracy.mime import docx
from tests.test_detection_classes import DOCX, SHIPPED, _Dir, action, crlf_mail, mail, verdict_for

OUT = "partner@other.org"


def _action(body: str, subject: str = "Update") -> str:
    return action(crlf_mail("alice@example.com", OUT, subject, body))


# -- left open by sets 14 and 15 (failed on bf084d5) ---------------------------------------

@pytest.mark.parametrize("body", [
    "Hi Tom,\n\nAttached are the Q4 salary figures - confidential, for your eyes only. If you received this "
    "message in error please let me know.\n\nAlice\n",
    "Tom,\n\nThe pricing below is confidential and for your eyes only. If you are not the intended recipient "
    "please delete this email.\n\nUnit A: 12.50\n\nAlice\n",
    "王先生您好，\n\n附件是本季度薪酬数据，属于机密，请严格保密。如误收本邮件请告知并删除。\n\n李伟\n",
])
def test_a_marker_the_writer_applies_stays_one_beside_a_disclaimer_like_sentence(body: str) -> None:
    # (the paragraph reads as a disclaimer, but the marker's own sentence names what is sent
    # and says nothing of "this e-mail" in general)
    assert _action(body) == "quarantine"


@pytest.mark.parametrize("footer", [
    "CONFIDENTIALITY NOTICE: The information contained in this email is confidential. It may be privileged. "
    "If you are not the intended recipient, please notify the sender and delete it.",
    "Please treat this as confidential. If you have received this communication in error, please notify the "
    "sender.",
    "Strictly confidential. Please do not forward or share. If you have received this email in error, please "
    "notify us immediately and delete it.",
    "The information in this email is\nconfidential. If you are not the intended recipient, you must not read, "
    "use or disseminate it.",
    "保密声明：此邮件内容属机密，仅供指定收件人阅读。如您误收，请立即通知发件人并删除。",
])
def test_disclaimers_whose_sentences_name_nothing_sent_stay_disclaimers(footer: str) -> None:
    body = f"Hi Tom,\n\nPlease find the updated price list for next quarter attached.\n\nDave\n\n{footer}\n"
    assert _action(body) == "deliver"


@pytest.mark.parametrize("command", [
    "mysql -h 10.20.3.14 -u report_ro -pR3p0rt#2026x reporting",
    "mysql -uroot -p'Sh3nzhen!db' -h rm-uf6.mysql.rds.aliyuncs.com",
    "PGPASSWORD=Pg_Ro_2026x psql -h 10.0.0.5 -U reader analytics",
    "sshpass -p 'Jump#Host99' ssh ops@10.1.2.3",
    "redis-cli -h 10.0.3.8 -p 6379 -a Redis2026Prod! info",
    "curl -u deploy:Dpl0y2026xx https://nexus.internal/repository/",
    "mongosh --host 10.0.0.9 -u admin -p Mongo2026Adm --authenticationDatabase admin",
])
def test_a_password_on_a_command_line_is_a_secret(command: str) -> None:
    body = f"Hi,\n\nyou can connect with:\n\n    {command}\n\nBob\n"
    assert _action(body, "db access") == "quarantine"
    assert any("command line" in m.context for m in find_secrets(body))


def test_a_command_line_password_in_a_runbook_attachment_is_a_secret() -> None:
    data = docx(["Runbook: nightly report export", "1. Connect:",
                 "mysql -h 10.20.3.14 -u report_ro -pR3p0rt#2026x reporting", "2. Run export.sql"])
    assert action(mail("Runbook attached.", attachments=(("runbook.docx", data, DOCX),))) == "quarantine"


@pytest.mark.parametrize("command", [
    "mysql -h 10.20.3.14 -u report_ro -p reporting",  # -p alone: asked at a prompt; the word after is the database
    "mysql -h db01 -P3306 -u reader -p",  # -P is the port
    "mysql -u root -p$MYSQL_ROOT_PASSWORD -e 'show databases'",
    "mysql -u root -p'<your password>' mydb",
    "PGPASSWORD=${PG_PASS} pg_dump -h db -U app app > app.sql",
    "sshpass -p \"$(cat ~/.pw)\" ssh host",
    "curl -u user:password https://httpbin.org/basic-auth/user/password",
    "curl -H 'Authorization: Bearer $TOKEN' https://api.partner.test/v1/orders",
])
def test_prompts_variables_and_placeholders_on_a_command_line_are_no_secrets(command: str) -> None:
    body = f"Hi,\n\nrun this:\n\n    {command}\n\nBob\n"
    assert _action(body, "db access") == "deliver"


# -- scams that wear a name they do not own, and wordings sets 14 and 15 missed (failed on 9b984b4) --

def _with_header(display: str, address: str, subject: str, body: str, **headers: str) -> str:
    """The action for one inbound message from ``display <address>`` to one of our people, through
    the shipped rules, with a directory that knows our domain; ``headers``: more header fields
    (In_Reply_To for In-Reply-To)."""
    return _inbound_verdict(display, address, subject, body, **headers).to_json()["recipients"][US_INBOUND]["action"]


US_INBOUND = "alice@example.com"


def _inbound_verdict(display: str, address: str, subject: str, body: str, html: str | None = None,
                     people: dict[str, dict[str, str]] | None = None, *,
                     attachments: Iterable[EmailMessage | tuple[str, bytes, str]] = (), **headers: str) -> Verdict:
    """The verdict for one inbound message to us (a plain body, an HTML one beside it when given, then
    ``attachments``: messages attached whole, or ``(name, bytes, type)``) through the shipped rules, with a
    directory that knows our domain (and ``people``); :func:`_with_header` reads its action from it
    (tagging shows in its subject prefix)."""
    us = US_INBOUND
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = f"{display} <{address}>", us, subject
    m["Message-ID"], m["Date"] = "<s@outside.test>", "Thu, 03 Dec 2026 10:00:00 +0000"
    for k, v in headers.items():
        m[k.replace("_", "-")] = v
    m.set_content(body)
    if html is not None:
        m.add_alternative(html, subtype="html")
    for attachment in attachments:
        if isinstance(attachment, EmailMessage):
            m.add_attachment(attachment)
        else:
            name, data, ctype = attachment
            maintype, subtype = ctype.split("/")
            m.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)

    class Directory(_Dir):
        domains = ("example.com",)

    directory = Directory()
    directory.people = people or {}  # type: ignore[attr-defined]
    return SHIPPED.evaluate(parse(m.as_bytes()), Envelope(address, (us,)),
                            EvaluationContext({us: Direction.INBOUND}, directory))


def inbound_action(display: str, address: str, subject: str, body: str, html: str | None = None,
                   people: dict[str, dict[str, str]] | None = None) -> str:
    """The action for one inbound message (:func:`_inbound_verdict`)."""
    v = _inbound_verdict(display, address, subject, body, html, people)
    return v.to_json()["recipients"][US_INBOUND]["action"]


IMPERSONATING = [
    ("HMRC", "refunds@hmrc-taxrefund-uk.com", "Tax refund notification",
     "Dear Taxpayer,\n\nAfter the last annual calculation of your fiscal activity we have determined that you are "
     "eligible to receive a tax refund of 468.50 GBP.\n\nClaim your refund: https://hmrc-taxrefund-uk.com/claim\n"),
    ("DocuSign", "dse@docusign-secure-mail.com", "Please review: Payment_Remittance_Advice.pdf",
     "You have received a document for review and signature.\n\nREVIEW DOCUMENT\n\nSign in with your email "
     "password to view the document.\n"),
    ("Apple", "no-reply@appleid-verify-center.net", "Your Apple ID has been locked",
     "Dear Customer,\n\nYour Apple ID has been locked because we detected unusual sign-in activity. Please verify "
     "your account within 24 hours, otherwise it will be permanently disabled.\n"),
    ("IT Helpdesk", "helpdesk@mailadmin-portal.com", "Mailbox quota exceeded",
     "Dear user,\n\nYour mailbox has exceeded its storage limit. You will not be able to send or receive new "
     "messages until you log in with your username and password below to increase your quota.\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), IMPERSONATING)
def test_phishing_that_wears_a_name_or_asks_for_a_login_is_held(display: str, address: str, subject: str,
                                                                 body: str) -> None:
    assert _with_header(display, address, subject, body) == "quarantine"


@pytest.mark.parametrize(("display", "address", "subject", "body"), [
    ("香港賽馬會慈善信託", "award@hkjc-charity-trust.org", "幸運得主通知",
     "閣下好：\n\n本會電腦隨機抽選中閣下之電郵為本年度幸運得主，可獲獎金港幣壹佰伍拾萬元正。請閣下盡快回覆本郵件並附上"
     "姓名、聯絡電話及收款銀行資料。\n"),
    ("深圳市公安局反诈中心", "fzzx@sz-police-notice.cn", "协查通知",
     "李伟同志：\n\n我局在侦办一起诈骗案中发现你的身份信息被冒用开户。根据办案需要，请你配合做资金清查，将名下资金临时转移"
     "至监管账户，待清查结束后返还。\n\n案件涉密，请勿对外透露。\n"),
    ("Sarah Lim", "sarah.lim@globalparts-supp1y.com", "RE: Invoice INV-20931",
     "Hi,\n\nJust a heads-up that we've moved our banking to HSBC, so please use the details in the attached "
     "letter for this and future payments. The old account will be closed at month end.\n\nSarah\n"),
    ("王老师", "wangls@zhuanqian-vip.com", "诚邀加入投资交流群",
     "您好！我们是专业的股票投资团队，近三个月带领学员平均收益超过300%。现免费邀请您加入VIP交流群，每天提供牛股推荐。"
     "添加助理微信：zq8888vip 即可入群。\n"),
])
def test_wordings_of_prize_police_diversion_and_stock_tip_scams_are_held(display: str, address: str, subject: str,
                                                                        body: str) -> None:
    assert _with_header(display, address, subject, body) == "quarantine"


@pytest.mark.parametrize(("display", "address", "subject", "body"), [
    ("Apple", "no_reply@email.apple.com", "Your receipt from Apple",
     "Receipt\n\nAPPLE ID alice@example.com\n\niCloud+ 200GB  HK$23.00\n\nIf you did not authorise this purchase, "
     "visit reportaproblem.apple.com within 90 days to claim your refund.\n"),
    ("DHL Express (via Flexport)", "noreply@flexport.com", "Duties payable for shipment 7788123",
     "Import duties of HKD 320.00 are payable for shipment 7788123 before it can be released from customs. Please "
     "pay through your Flexport account.\n"),
    ("Notion", "notify@makenotion.com", "Confirm your account",
     "Hi Alice,\n\nPlease confirm your account by clicking the button below. This link expires in 24 hours.\n"),
    ("Microsoft account team", "account-security-noreply@accountprotection.microsoft.com", "Password reset",
     "Please use this code to reset the password for the Microsoft account al***@example.com. Here is your code: "
     "482913. It expires within 24 hours.\n"),
    ("Apple Premium Reseller iStore", "news@istore-hk.com", "Trade in and save",
     "Trade in your eligible iPhone and get up to HK$3,000 off a new iPhone 17. Offer ends 31 December.\n"),
    ("财新网", "newsletter@caixin.com", "今日要闻",
     "警方破获特大电信诈骗案：犯罪嫌疑人冒充公安机关，以“配合资金清查”为由诱骗受害人将资金转入所谓安全账户。\n"),
    ("Tianhe AR", "ar@tianhe-components.com", "Re: payment",
     "Hi Alice,\n\nAs per our stamped letter, we moved our banking to HSBC. Please call me on our usual number "
     "+86 755 8888 1234 to verify before you pay.\n\nLin\n"),
])
def test_the_brands_own_mail_a_relay_and_news_of_scams_are_delivered(display: str, address: str, subject: str,
                                                                     body: str) -> None:
    assert _with_header(display, address, subject, body) == "deliver"


@pytest.mark.parametrize(("display", "address", "brand"), [
    ("Apple Support", "no-reply@appleid-verify-center.net", "apple"),
    ("順豐速運", "service@sf-express-delivery.top", "顺丰"),
    ("Customer Service", "billing@paypal-resolution-center.com", "paypal"),
    ("Apple", "no_reply@email.apple.com", None),
    ("Chase Miller", "chase.miller@partner.test", None),
    ("Li Wei via DocuSign", "dse@docusign.net", None),
])
def test_the_name_a_from_line_wears_without_owning_it(display: str, address: str, brand: str | None) -> None:
    from rules.impersonation import impersonated  # (new in this change: imported here, the rest runs on the old code)

    assert impersonated([display], [address]) == brand


# -- blind sets 16-19 (measured on 565a5d4): a partner's own marked mail quoted back to that
#    partner (seven false holds across the four sets; failed on 565a5d4) ------------------------

PARTNER = "martin.cho@harbourtrust.test"
OUTLOOK_QUOTE = ("Martin,\n\nThanks - we are fine with the revised fee grid. Two points on the tiers below.\n\nErin\n\n"
                 "________________________________\nFrom: Martin Cho <martin.cho@harbourtrust.test>\n"
                 "Sent: Tuesday, 10 February 2026 17:30\nTo: Erin Walsh\nSubject: CONFIDENTIAL - revised custody "
                 "term sheet\n\nCONFIDENTIAL - HARBOUR TRUST\n\nErin,\n\nAttached is our revised term sheet. The "
                 "custody fee drops to 4bp above USD 500m.\n\nMartin Cho\n")
GMAIL_QUOTE = ("Hi Martin,\n\nThanks for sharing your H2 plan - comments inline.\n\nErin\n\n"
               "On Mon, 8 Jun 2026 at 16:40, Martin Cho <martin.cho@harbourtrust.test> wrote:\n"
               "> HARBOUR TRUST CONFIDENTIAL\n>\n> Hi Erin,\n>\n> Sharing our H2 plan for your comments.\n> Martin\n")
ZH_QUOTE = ("李经理：\n\n收到，我们会按新接口时间表安排联调。\n\n李伟\n\n-----原始邮件-----\n发件人: \"李经理\" "
            "<martin.cho@harbourtrust.test>\n发送时间: 2026年2月11日 09:12\n收件人: 李伟\n"
            "主题: 【机密】2026 年接口升级计划\n\n"
            "【机密】\n\n李伟：\n\n我方将于 4 月完成清算接口 V3 升级，详见附件。\n")


def _reply(subject: str, body: str, to: str = PARTNER) -> str:
    raw = crlf_mail("erin@example.com", to, subject, body)
    return verdict_for(raw, "erin@example.com", to, Direction.OUTBOUND)["recipients"][to]["action"]


@pytest.mark.parametrize(("subject", "body"), [
    ("RE: CONFIDENTIAL - revised custody term sheet", OUTLOOK_QUOTE),
    ("Re: [Harbour Trust Confidential] H2 plan", GMAIL_QUOTE.replace("HARBOUR TRUST CONFIDENTIAL",
                                                                     "[Harbour Trust Confidential]")),
    ("Re: H2 plan", GMAIL_QUOTE),
    ("回复：【机密】2026 年接口升级计划", ZH_QUOTE),
])
def test_a_partners_own_marked_mail_quoted_back_to_that_partner_is_delivered(subject: str, body: str) -> None:
    assert _reply(subject, body) == "deliver"


def test_a_partners_marked_mail_forwarded_to_someone_else_is_held() -> None:
    assert _reply("FW: CONFIDENTIAL - revised custody term sheet", OUTLOOK_QUOTE, to="analyst@thirdparty.test") == \
        "quarantine"


def test_our_own_label_on_a_reply_to_a_partner_is_held() -> None:
    # (the subject is ours: their quoted message carries no such label)
    body = ("Martin,\n\nOur counter-proposal is below.\n\nErin\n\n________________________________\n"
            "From: Martin Cho <martin.cho@harbourtrust.test>\nSent: Tuesday, 10 February 2026 17:30\nTo: Erin Walsh\n"
            "Subject: custody term sheet\n\nErin, any comments on the term sheet?\n")
    assert _reply("RE: STRICTLY CONFIDENTIAL - custody term sheet", body) == "quarantine"


# -- anti-fraud advisories that quote what scams say (six false holds across sets 16-19;
#    failed on 21b5986) ----------------------------------------------------------------------

@pytest.mark.parametrize(("display", "address", "subject", "body"), [
    ("Orient Bank Fraud Prevention", "fraud.advisory@orient-bank.test", "Fraud advisory: BEC targeting payment firms",
     "Dear Client,\n\nWe have seen a sharp rise in BEC attempts. Typical phrases used by fraudsters include:\n\n"
     "- \"Please keep this confidential, I am in a meeting and cannot talk\"\n- \"Our bank account has changed due "
     "to an audit - pay to the new account today\"\n- \"Buy gift cards for clients and send me the codes\"\n\n"
     "Always verify changes of payment instructions by calling a number you already hold.\n"),
    ("刘芳", "liufang@huaxin-customs.test", "【防诈骗提醒】近期有人冒充海关要求缴纳保证金",
     "李经理：\n\n近期多家企业反映收到冒充“海关缉私局”的邮件和电话，声称企业货物涉嫌走私，要求添加QQ进行“视频笔录”并向"
     "“安全账户”缴纳保证金。\n\n特此提醒：海关不会通过QQ、微信办案，也不存在所谓“安全账户”。\n"),
    ("江南银行", "notice@jiangnan-bank.test", "防范电信网络诈骗风险提示",
     "尊敬的客户：近期出现冒充银行客服、冒充“公检法”的诈骗案件，典型话术包括：“您的账户涉嫌洗钱，请转入安全账户”"
     "“我在开会，马上给这个账户打款”“您有退税未领取，请点击链接”。\n\n请牢记：公安机关不会通过电话或邮件要求转账。\n"),
    ("中国支付清算协会", "fengxian@pcac.test", "风险提示：警惕不法分子冒充监管部门",
     "各会员单位：\n\n近期有不法分子冒充金融监管部门，以“专项自查”等名义发送邮件，"
     "要求上传法定代表人身份证件和网银 U 盾密码，或以“安全账户”名义要求转账。\n\n监管部门不会通过邮件要求提供密码。\n"),
    ("國泰聯合銀行", "antifraud@cathay-bank.test", "165 反詐騙宣導：常見詐騙話術",
     "親愛的客戶您好：\n\n近期常見詐騙話術包括：「解除分期付款設定錯誤」、「假冒檢警要求監管帳戶」、"
     "「保證獲利投資群組，請加 LINE」。\n本行不會以電話或 LINE 要求您操作 ATM 或提供網銀密碼。\n"),
])
def test_an_advisory_quoting_scam_phrases_is_delivered(display: str, address: str, subject: str, body: str) -> None:
    assert _with_header(display, address, subject, body) == "deliver"


@pytest.mark.parametrize("body", [
    "Dear Customer,\n\nTo protect you from fraudsters, your account has been locked. Please verify your account "
    "within 24 hours by clicking \"Verify now\", otherwise it will be permanently disabled.\n",
    "尊敬的客户：\n\n为防止不法分子盗用，您的账户已被临时冻结。请在24小时内点击“立即验证”并输入银行卡号和密码，否则账户将被注销。\n",
])
def test_a_scam_that_names_fraud_or_quotes_its_button_still_asks(body: str) -> None:
    assert _with_header("Security Team", "security@account-check.test", "Account locked", body) == "quarantine"


# -- scams sets 16-19 missed: phishing from look-alikes of a brand, a regulator, our own staff or a
#    correspondent; payment diversion; the lawyer's secret wire (24 misses; failed on 1dae1f5) ----

SCAMS_16_19 = [
    ("葵涌貨倉 會計部", "kwaichung.godown.acc@freemail.test", "本公司銀行戶口更改通知",
     "Carol 小姐：\n\n本公司由即日起所有倉租請轉帳至以下新戶口：\n戶口名稱：LEE KA WAI\n"
     "戶口號碼：012-883-1-045728-6\n\n"
     "三月份倉租 HK$212,600 請於今日內過數。因會計部電話線路維修，請勿致電，有問題請WhatsApp 6329 8810。\n"),
    ("华宇物流财务部", "accounts@huayu-logistics.test", "重要通知：我司收款账户变更",
     "尊敬的客户：\n\n原交通银行收款账户即日起暂停使用。请将 1 月服务费 38,600 元支付至我司香港账户：\n"
     "账号：796104558213\n\n"
     "请于本周五前安排付款。如有疑问请回复本邮件，电话线路正在升级暂时无法接听。\n"),
    ("金融監督管理委員會", "service@fsc-gov-tw.test", "金管會裁罰通知書（請於三日內繳納）",
     "台端公司：\n\n經查貴分公司未依規定申報大額通貨交易，核處罰鍰新台幣 180 萬元整。"
     "請於三日內將罰鍰匯入以下專戶：\n"
     "帳號：21007755128842\n\n如有疑義請加入 LINE 官方帳號 @fsc-case 與承辦人聯繫，勿撥打總機。\n"),
    ("SWIFT gpi Tracker", "gpi-tracker@swift-payments-alert.test", "SWIFT gpi: incoming payment ON HOLD",
     "Amount: USD 2,480,000.00\n\nThe credit to your account is on hold. The beneficiary must confirm its "
     "online-banking login and the corporate token code within 12 hours, otherwise the funds will be returned.\n"),
    ("陳美玲", "chen.meiling.tw@freemail.test", "急！匯款受款人變更",
     "林小姐您好：\n\n昨天申請的匯款請先不要匯到原本的帳戶。請改匯到以下帳戶：\n受款人：HONG FA TRADING CO\n\n"
     "我手機壞了，請加我 LINE：mei0925ling 聯繫，不要打電話。\n"),
    ("Card Security Team", "security@corporate-card-services.test", "Your corporate card has been suspended",
     "Dear Cardholder,\n\nWe detected unusual activity on your corporate card and have temporarily suspended it. To "
     "restore access, please verify:\n- Full card number\n- Expiry date and CVV\n- Date of birth\n"),
    ("Kenji Sato", "kenji.sato.takumi@freemail.test", "RE: Invoice TD-26-0311 payment - new account",
     "Dear Accounts Payable,\n\nTakumi Denshi has opened a new USD account for overseas customers. Please pay invoice "
     "TD-26-0311 (USD 62,480.00) to:\nAccount no.: 7012 3380 1145\n\nThis is very urgent. Reply only to this email, "
     "our phones are under maintenance.\n"),
    ("Michael Xu", "michael.xu.ceo@freemail.test", "Quick favour",
     "Hi Erin,\n\nAre you at your desk? I need you to handle a task for me discreetly. Please purchase 10 Apple gift "
     "cards of $200 each, scratch the back and send me pictures of the codes. I'm in a board meeting so just email.\n"),
    ("电子发票服务平台", "fapiao@e-invoice-cn.test", "您有一张电子发票待下载",
     "您好：\n\n贵司电子发票已开具，金额 48,600.00 元。请点击下方链接并使用企业邮箱账号密码登录后下载发票。\n"
     "如未在 48 小时内下载，发票将作废。\n"),
    ("SAP Ariba", "enablement@ariba-supplier-verify.test", "Action required: account suspended",
     "Dear Supplier,\n\nYour SAP Ariba supplier account has been suspended due to incomplete banking verification. "
     "Re-validate your login and company bank details within 24 hours.\n"),
    ("Richard Lowe", "r.lowe@lowepartners-law.test", "Confidential - Project Rhine",
     "Dear Mrs. Zhao,\n\nMr. Xu has authorised an urgent deposit of EUR 420,000 to an escrow account today. This must "
     "remain strictly confidential; do not discuss with anyone.\n"),
    ("HR Payroll", "hr-payroll@payroll-update-portal.test", "Payroll update required",
     "Hi,\n\nWe are migrating to a new payroll provider. All employees must update their direct-deposit information "
     "before Friday. Have your bank account, ID number and online banking login ready.\n"),
    ("Alibaba Cloud Security", "no-reply@aliyun-account-verify.test", "【阿里云】您的账号存在异常登录",
     "尊敬的阿里云用户：\n\n您的账号异常登录，账号将在24小时内被临时冻结。请立即完成身份验证，验证时需要输入：登录账号、密码、"
     "绑定手机收到的验证码。\n"),
    ("App Store Connect", "payments@appstoreconnect-billing.test", "Action required: your payouts are on hold",
     "Dear Developer,\n\nTo avoid suspension of your apps, please update your banking information within 48 hours. You "
     "will need your Apple ID, password and the full card number of the company card.\n"),
    ("Accounts Receivable", "ar@starbridgepub-finance.test", "Overdue invoice - updated remittance details",
     "Hello,\n\nPlease find below our updated remittance details.\n\nAccount: 0187-2293-4410\n\nInvoice SB-2026-0142 "
     "(USD 215,000) is now 12 days overdue. Kindly remit today and send the MT103 copy to this address only.\n"),
    ("David Klein", "d.klein@klein-partners-law.test", "Confidential acquisition - wire instructions",
     "Dear Ms. Chen,\n\nThis matter must remain strictly confidential - please do not discuss it with anyone else in "
     "the company until the announcement.\n\nWe need a deposit of USD 1,450,000 wired today to our escrow account.\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), SCAMS_16_19,
                         ids=[f"scam{i}" for i in range(len(SCAMS_16_19))])
def test_the_scams_sets_16_to_19_missed_are_held(display: str, address: str, subject: str, body: str) -> None:
    assert _with_header(display, address, subject, body) == "quarantine"


def test_a_reply_from_a_look_alike_of_the_quoted_correspondents_domain_is_held() -> None:
    body = ("Dear Alice,\n\nkindly note that our bank details have been updated. Please remit HKD 318,450.00 to our "
            "new account and send me the bank slip once done.\n\nTony\n\n________________________________\n"
            "From: Tony Lam <tony.lam@harbourline-transport.com.hk>\nSent: Monday, March 2, 2026 10:04 AM\n"
            "To: Alice Chan\n"
            "Subject: Invoice INV-HL-26-0228\n\nPlease find attached invoice INV-HL-26-0228.\n")
    assert _with_header("Tony Lam", "tony.lam@harbourline-transport.co", "RE: Invoice INV-HL-26-0228", body,
                        In_Reply_To="<x@example.com>") == "quarantine"


def test_a_phishing_mail_from_a_domain_named_after_ours_is_held() -> None:
    body = "各位同事：\n\n2026年度调薪结果已发布，请点击链接登录查看并确认。\n登录时请使用您的企业邮箱账号和密码。\n"
    assert _with_header("人力资源部", "hr-notice@examplecorp-hr.test", "2026年度薪资调整通知", body) == "quarantine"


@pytest.mark.parametrize(("display", "address", "subject", "body"), [
    ("ADP Payroll Services", "noreply@adp.com", "Action needed: confirm your direct deposit",
     "Hello,\n\nYour employer has moved payroll to ADP. Please sign in to ADP with your username to confirm your "
     "direct-deposit details before 20 March or your first salary will be delayed.\n"),
    ("Lin Xiaoli", "ar@tianhe-components.test", "收款账户变更通知（附盖章函）",
     "王会计您好：\n\n我司因银行合并，收款账户变更为工商银行深圳分行。附件为盖章变更函，"
     "请贵司财务致电我司 0755-8888 1234 核实后再安排付款。\n"),
    ("应收组", "ar@huaxin-customs.test", "付款提醒",
     "王会计：\n\n贵司2月报关服务费 12,800 元已逾期，请于3日内使用贵司对公银行账户付款至我司账户（见发票）。\n"),
    ("HSBC", "alerts@hsbc.com.hk", "Your card has been temporarily blocked",
     "Dear Customer,\n\nYour corporate card ending 1234 has been temporarily blocked after an unusual transaction. "
     "Please call us on the number on the back of your card to verify the transaction.\n"),
    ("Contoso IT Support", "support@contoso-msp.test", "Ticket #4412 resolved",
     "Hi,\n\nYour ticket about the printer has been resolved. If you still cannot print, reply to this email.\n"),
    ("Jane Lee", "jane.lee@lee-law.test", "Completion - deposit",
     "Dear Ms Wang,\n\nFurther to the signed SPA, the deposit of HKD 2,000,000 is payable to our client account on "
     "completion on 31 March as set out in clause 3. Please call me if you have any questions.\n"),
    ("Oceanstar Lines Customer Service", "customerservice@oceanstar-lines.test", "Fraud alert: fake emails",
     "Dear Valued Customer,\n\nWe have been made aware of fraudulent emails claiming that \"due to an audit, payments "
     "must be remitted to our new bank account\". Oceanstar Lines has NOT changed its bank details.\n"),
])
def test_payroll_vendors_genuine_bank_changes_and_reminders_are_delivered(display: str, address: str, subject: str,
                                                                        body: str) -> None:
    assert _with_header(display, address, subject, body) == "deliver"


# -- mail we send that has a scam's shape: tagged [SPAM] on its way to a customer (sets 14-16;
#    failed on 8d3d31b) ---------------------------------------------------------------------

OUR_FOOTER = ("\n--\n黄美玲\n财务部\n\n本邮件及其附件含有Example Corp的保密信息，"
              "仅限于发送给上面地址中列出的个人或群组。如果您错收了本邮件，请您立即电话或邮件通知发件人并删除本邮件！\n")


@pytest.mark.parametrize("body", [
    "您好，\n\n应贵司要求再次提供我司收款账户，与合同一致，无变更：\n户名：Example Corp（深圳）有限公司\n"
    "开户行：招商银行深圳前海分行\n账号：7559 14229266160\n\n发票金额 ￥86,200.00。\n" + OUR_FOOTER,
    "优品物流组：\n\n贵司在我司商家后台的账号已开通，账号为 youpin_ec。初始密码已通过短信发送到您预留的手机上，"
    "首次登录后请立即修改，并妥善保管您的密码，不要告诉他人，我司工作人员不会向您索要密码。\n" + OUR_FOOTER,
    "尊敬的客户：\n\n因我司银行账户调整，自2027年1月1日起请将货款汇入我司新账户：招商银行上海分行 1219 0987 6543 210。"
    "原账户将于1月31日注销，请于3日内确认。\n" + OUR_FOOTER,
])
def test_our_own_bank_details_and_account_notices_sent_out_are_not_tagged(body: str) -> None:
    raw = crlf_mail("may.huang@finance.example.com", OUT, "收款账户信息", body)
    v = verdict_for(raw, "may.huang@finance.example.com", OUT, Direction.OUTBOUND)
    assert v["recipients"][OUT]["action"] == "deliver" and not v["subject_prefix"]


def test_a_scam_sent_out_from_one_of_our_accounts_is_held() -> None:
    body = ("Congratulations! You have won $1,500,000 in the international lottery. Contact our agent privately on "
            "WhatsApp +44 7700 900123 within 48 hours and pay the processing fee to release your prize.")
    raw = crlf_mail("alice@example.com", OUT, "Notice", body)
    v = verdict_for(raw, "alice@example.com", OUT, Direction.OUTBOUND)
    assert v["recipients"][OUT]["action"] == "quarantine" and "outbound-scam" in [h["rule"] for h in v["hits"]]


def test_a_request_for_the_readers_bank_details_is_still_an_ask() -> None:
    body = "您好：\n\n您的退税 3,860 元待领取，请在24小时内回复提供您的收款账户和身份证号码，逾期作废。\n"
    assert _with_header("税务服务中心", "refund@tax-service-cn.test", "退税通知", body) == "quarantine"


# -- secrets sets 16-19 missed or held wrongly (failed on 49d39d9) ----------------------------

def test_a_github_token_whose_checksum_fails_is_still_held_unless_documentation_quotes_it() -> None:
    token = "ghp_xLxoMYwxVpROcOsI2ivwqVPIZhMEVMb810fX"  # (a character lost in copying: the CRC fails)
    clone = f"Just use my token for now:\n\ngit clone https://{token}@github.com/ex-corp/customs-docs-parser.git\n"
    assert _action(clone, "repo access") == "quarantine"
    docs = f"From GitHub's docs: curl -H \"Authorization: Bearer {token}\" https://api.github.com/user\n"
    assert _action(docs, "API note") == "deliver"


def test_private_key_armour_with_a_long_body_is_held_even_if_it_looks_made_up() -> None:
    body = "lQPGBOTk" + "5OTk" * 300 + "5A=="
    wrapped = "\n".join(body[i:i + 64] for i in range(0, len(body), 64))
    key = f"-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n{wrapped}\n=q59O\n-----END PGP PRIVATE KEY BLOCK-----\n"
    assert _action(f"please find our OpenPGP key below.\n\n{key}", "OpenPGP key") == "quarantine"
    filler = "-----BEGIN RSA PRIVATE KEY-----\n" + "A" * 64 * 20 + "\n-----END RSA PRIVATE KEY-----\n"
    assert _action(f"The file looks like this:\n\n{filler}", "key format") == "deliver"


def test_a_video_meetings_passcode_in_its_link_is_no_secret() -> None:
    body = ("Join Zoom Meeting\nhttps://examplecorp.zoom.us/j/84127730915?pwd=Qk9sT3JxZ0h2bVVXa1lBTT09\n\n"
            "Meeting ID: 841 2773 0915\nPasscode: 552016\n")
    assert _action(body, "Invitation: settlement review") == "deliver"


def test_passwords_under_a_tables_password_column_are_secrets() -> None:
    sheet = ("主机名\tIP\t系统\t用户\t密码\t用途\nsh-game-01\t10.20.1.11\tCentOS 7.9\troot\tGm#2026!sh01\t游戏服\n"
             "sh-db-01\t10.20.2.21\tRocky 9\tdba\tDb$Prod9x!7\tMySQL 主库\n")
    found = [m for m in find_secrets(sheet) if "column" in m.context]
    assert [m.value for m in found] == ["Gm#2026!sh01", "Db$Prod9x!7"]
    assert _action(f"迁移的服务器清单如下：\n\n{sheet}", "迁移清单") == "quarantine"


@pytest.mark.parametrize("sheet", [
    "Host,User,Password policy,Owner\nweb01,root,90 days,ops\n",
    "主机名\t用户\t密码\nweb01\troot\t********\nweb02\troot\t见密码本\n",
    "Name|Password|Note\nalice|(reset on first login)|ok\n",
])
def test_a_password_column_of_policies_masks_and_notes_is_no_secret(sheet: str) -> None:
    assert [m for m in find_secrets(sheet) if "column" in m.context] == []

