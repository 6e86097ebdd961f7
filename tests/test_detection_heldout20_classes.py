"""Error classes of detection found by a review (helper) of the fixes for blind sets 16-19 (206
probes of genuine mail and scams) and by the blind held-out sets 20 and 21 (written without sight
of the rules, kept outside the repository: 200 messages each), in wording of our own. Each test of
a class failed on the commit named in its section; the others guard against the opposite error.
Sets 14-19: tests/test_detection_heldout16_classes.py (whose helpers these tests use).
"""

from __future__ import annotations

import pytest

from rules.model import Direction
from tests.test_detection_classes import crlf_mail, verdict_for
from tests.test_detection_heldout16_classes import _reply, _with_header

# -- a review of the changes above (206 probes): what they held or let through wrongly (each
#    failed on 87483f7) -------------------------------------------------------------------------

@pytest.mark.parametrize(("display", "address", "subject", "body"), [
    ("Greenleaf Packaging AR", "ar@greenleafpack.test", "Notice: new bank account from 1 February",
     "Dear customer,\n\nPlease note that payments should be made to our new bank account from 1 February; our "
     "signed letter is attached. If you would like to verify this change, please call your account manager.\n"),
    ("Kenji Sato", "k.sato@tanaka-trading.test", "Payment of INV-88213",
     "We have transferred USD 23,450.00 for invoice INV-88213 to your new bank account at Standard Chartered as "
     "advised in your letter. Please find the remittance advice attached.\n"),
    ("Workday Payroll", "payroll-noreply@myworkday.test", "Your payslip is ready",
     "Hi Alice,\n\nYour December payslip is available. Sign in with your username to view it. If you changed your "
     "bank account recently, check that your net pay of HKD 62,300 went to the new account.\n"),
    ("飞书", "noreply@feishu.test", "飞书验证码",
     "您正在更改账号密码，验证码为 528301，10分钟内有效。请勿将验证码告知他人。\n"),
    ("Apple Premium Reseller - iStyle", "news@istyle.test", "Activate AppleCare+",
     "To activate AppleCare+, sign in with your Apple ID at the link below within 60 days of purchase.\n"),
    ("中国银行业协会", "news@china-cba.test", "反洗钱培训报名",
     "各会员单位：请于本周五前回复参训人员姓名及手机号码。\n"),
    ("IT Service Desk", "servicedesk@nexgen-msp.test", "Password reset requested",
     "As requested on ticket #48812, we have reset your account. Please sign in with your username and the "
     "temporary password we gave you by phone.\n"),
    ("中国银行客户经理 张磊", "zhanglei@bankofchina.test", "回复：网银U盾到期",
     "贵司企业网银U盾将于12月31日到期，到期后将无法登录网银，请携带营业执照到网点更新。\n"),
    ("IT Security Newsletter", "security@msp-newsletters.test", "Phishing of the month",
     "This month's phishing email pretended to be from Microsoft 365 and said your mailbox has been suspended and "
     "you will not be able to send or receive email unless you verify your account within 24 hours. Don't click.\n"),
])
def test_genuine_notices_the_review_found_held_are_delivered(display: str, address: str, subject: str,
                                                            body: str) -> None:
    assert _with_header(display, address, subject, body) == "deliver"


def test_a_partners_second_domain_is_no_look_alike() -> None:
    body = ("Hi Alice,\n\nTo set you up on our supplier portal I will need your username preference.\n\nWinnie\n\n"
            "________________________________\nFrom: Winnie Lau <winnie@pax-asia-tech.test>\nSent: Monday\n"
            "To: Alice Chan\nSubject: portal\n\nHi Alice, shall we set up the portal?\n")
    assert _with_header("Winnie Lau", "winnie@pax-asia-tech.com.hk", "RE: portal", body,
                        In_Reply_To="<y@example.com>") == "deliver"


@pytest.mark.parametrize(("display", "address", "subject", "body"), [
    ("Harbourline Accounts", "mandy.lau@harbourline-transports.test", "Bank details",
     "Due to fraud attempts impersonating our company, we changed our bank account. All payments, including "
     "invoice HT-2291 for HKD 84,300, should now go to:\nAccount no.: 501-223344-001\n\nPlease pay today.\n"),
    ("Security Team", "security@accounts-protect.test", "Unusual sign-in",
     "We detected unusual sign-in activity on your account. To protect you from fraudsters, verify your account "
     "within 24 hours, or your account will be suspended.\n"),
])
def test_naming_fraud_as_the_reason_does_not_turn_a_scam_off(display: str, address: str, subject: str,
                                                             body: str) -> None:
    assert _with_header(display, address, subject, body) == "quarantine"


def test_our_colleagues_marked_mail_forwarded_to_an_outsider_of_the_same_name_is_held() -> None:
    body = ("FYI\n\n________________________________\nFrom: Becker Lee <becker.lee@example.com>\nSent: Monday\n"
            "To: Alice\nSubject: Q4 salary review\n\nCONFIDENTIAL\n\nAttached are the Q4 salary figures. Strictly "
            "confidential, do not forward.\n")
    raw = crlf_mail("Alice <alice@example.com>", "Becker <becker@consultco.test>", "FW: Q4 salary review", body)
    v = verdict_for(raw, "alice@example.com", "becker@consultco.test", Direction.OUTBOUND)
    assert v["recipients"]["becker@consultco.test"]["action"] == "quarantine"


def test_our_label_on_a_reply_subject_stays_ours_beside_their_footer() -> None:
    body = ("Rachel,\n\nAs requested, our internal cost breakdown is attached.\n\nDave\n\n"
            "________________________________\nFrom: Rachel Kim <martin.cho@harbourtrust.test>\nSent: Monday\n"
            "To: Dave\nSubject: Cost breakdown\n\nCould you send the cost breakdown?\n\nThis email and any "
            "attachments are confidential and intended solely for the addressee.\n")
    assert _reply("RE: Cost breakdown - CONFIDENTIAL", body) == "quarantine"


# -- scams sets 20 and 21 missed (measured blind on d3ee933: recall 0.64 and 0.73; failed on d3ee933) --

SCAMS_20_21 = [
    ("王建国", "wangjianguo.ceo.office@freemail.test", "急：今天下班前安排一笔付款",
     "赵敏：\n\n我在外面开会，不方便接电话。公司需要今天下班前付一笔 286 万元的诚意金到对方律师的监管账户。"
     "这件事目前处于保密阶段，不要和任何人讨论。\n\n账号：7559 2031 8810 562\n"),
    ("Nordvik Biotech AG - Accounts", "accounts@nordvik-bi0tech.test", "Updated banking details",
     "Dear Customer,\n\nKindly remit the outstanding invoice NB-2026-0113 (EUR 184,650.00) to our new account "
     "below.\n"),
    ("Barrister Daniel Okafor", "d.okafor.chambers@yahoo.com", "Unclaimed inheritance - your surname",
     "Dear Friend,\n\nMy late client left USD 8.5 million unclaimed inheritance in a bank here. As you share his "
     "surname, I seek your consent to present you as next of kin.\n\nTreat as strictly confidential.\n"),
    ("Kenneth Lau", "kenneth.lau@harbourmed-hk.test", "Payment for Jan consignment - new HSBC account",
     "Hi,\n\nPlease note we have switched our receiving bank for RMB settlements. For the January consignment (HKD "
     "1,268,400) please pay to:\nAccount: 808-512447-838\n\nOur finance team is under audit so please don't call the "
     "office line.\n"),
    ("康和医院招标办", "kanghe-zhaobiao@126.com", "中标通知书 - 请尽快缴纳履约保证金",
     "Example Corp：\n\n贵公司被确定为中标单位。请于今日 17:00 前将履约保证金 18.6 万元转入以下账户，"
     "否则取消中标资格。\n"),
    ("福爾摩沙醫藥 財務部", "finance@formosa-medicai.test", "匯款帳戶變更通知",
     "您好：\n\n自即日起請將所有貨款匯入下列新帳戶：\n帳號：012-883-0917265\n\n"
     "因帳戶轉換期間電話系統維護，如有問題請以電郵聯繫。\n"),
    ("Amy", "amy.recruit2026@gmail.com", "兼职点赞",
     "现招聘兼职刷单员，动动手指点赞关注即可，日赚 300-800 元。首单需垫付 500 元，返还本金+佣金。"
     "有意请加 WhatsApp +63 917 555 0192。\n"),
    ("吴刚 华建八局", "wu.gang@huajian-builds.test", "关于变更收款账户的通知",
     "刘总：\n\n因我司基本户正在进行年度审计冻结，第十四期进度款（人民币 2,136,500.00 元）请支付至我司新账户：\n"
     "账号：4405 0177 6123 0000 1987\n"),
    ("Harbour Trust Bank", "alerts@harbourtrust-bank-hk.test", "Unusual transaction on your corporate card",
     "Dear Customer,\n\nA transaction of HKD 38,420.00 was declined on your corporate card. If this was not you, reply "
     "to this email with your full card number, expiry date, CVV and HKID number so we can block the card.\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), SCAMS_20_21,
                         ids=[f"scam{i}" for i in range(len(SCAMS_20_21))])
def test_the_scams_sets_20_and_21_missed_are_held(display: str, address: str, subject: str, body: str) -> None:
    assert _with_header(display, address, subject, body) == "quarantine"


@pytest.mark.parametrize(("display", "address", "subject", "body"), [
    ("Mold Li", "mold.li@tooling.test", "模具报价",
     "王经理：\n模具费用：12,000元，下单前支付，量产后分批返还。有问题加我微信 mold_li88 沟通。\n"),
    ("HSBC Commercial", "noreply@hsbc.com.hk", "Card security",
     "Dear Customer,\n\nWe will never ask for your PIN or CVV by email. To review recent transactions, log on to "
     "HSBCnet.\n"),
    ("NexGen Support", "support@nexgen-msp.test", "Phone outage",
     "Our phone lines are currently down due to a carrier fault; please email us with your ticket number.\n"),
    ("Tianhe AR", "ar@tianhe-components.test", "New bank account",
     "Dear customer,\n\nFollowing the merger of our banks, please use our new bank account from 1 March. Our signed "
     "letter is attached.\n"),
    ("Web3 Weekly", "news@web3weekly.test", "This week in payments",
     "Our readers ask how audits work: an audit reviews a company's books and never freezes its bank account.\n"),
])
def test_a_tooling_fee_a_banks_warning_an_outage_and_a_merger_are_no_scams(display: str, address: str,
                                                                          subject: str, body: str) -> None:
    assert _with_header(display, address, subject, body) == "deliver"


# -- confidentiality and names sets 17-21 missed or held wrongly (failed on 73fb3f1) -------------

def test_a_spreadsheets_printed_page_header_is_its_banner() -> None:
    from tests.accuracy.mime import xlsx
    from tests.test_detection_classes import XLSX, action, mail
    rows = [["Role", "Grade", "P50"], ["HW engineer", "E3", "310"]]
    data = xlsx(rows, page_header='&C&"-,Bold"&KFF0000仅限内部 Internal Only&R&P')
    assert action(mail("benchmark attached", attachments=(("benchmark.xlsx", data, XLSX),))) == "quarantine"
    plain = xlsx(rows, page_header="&LSalary benchmark&RPage &P of &N")
    assert action(mail("benchmark attached", attachments=(("benchmark.xlsx", plain, XLSX),))) == "deliver"


def _out(body: str, subject: str = "Update") -> str:
    from tests.test_detection_classes import action
    return action(crlf_mail("alice@example.com", "partner@other.org", subject, body))


@pytest.mark.parametrize("body", [
    "sharing the slide text of our roadmap:\n2027 H1 DCU-8 sample\n\nThis roadmap is confidential and not yet shared "
    "with other customers.\n",
    "Jens,\nkurze Info vorab, vertraulich (CONFIDENTIAL): wir erhöhen die Preise ab Juli um 3,8 %.\n",
    "周婷：\n\n附件中的受试者肝功能原始数据请勿转发给申办方以外的任何人。\n",
    "Richard,\n\nwe are likely to put the site up for sale in Q3. I would appreciate you keeping it strictly "
    "confidential for now.\n",
    "Until the press event on 23 April this is TOP SECRET / 绝密 - no mention to anyone outside your core team.\n",
    "王总：\n\n投委会昨天已经决定退出该项目，这事你知我知，千万别说出去。\n",
])
def test_markers_said_of_what_is_sent_are_held(body: str) -> None:
    assert _out(body) == "quarantine"


@pytest.mark.parametrize(("subject", "body"), [
    ("供应商培训讲义", "供应商信息安全培训 - 信息分级\n我司信息分为四级：公开、内部、机密、绝密。\n"
     "标注为\"机密\"或\"绝密\"的图纸，供应商须存放于受控区域，不得拍照、不得转发。\n"),
    ("CDA for signature", "Please sign the attached confidential disclosure agreement (our standard template).\n"),
    ("投稿：冷链运输的三个“秘密”", "生物制剂冷链运输的三个秘密\n秘密一：相变材料让温度更平稳。\n"
     "秘密二：实时监控让偏差可追溯。\n"),
])
def test_training_a_cda_and_a_features_headline_are_no_markers(subject: str, body: str) -> None:
    assert _out(body, subject) == "deliver"


def test_a_partners_marked_mail_quoted_with_a_chinese_reply_header_is_theirs() -> None:
    body = ("周婷您好：\n\n收到，我们按修订版执行。\n\n李伟\n\n"
            "在 2026年2月3日 10:12，周婷 <martin.cho@harbourtrust.test> 写道：\n"
            "> 李老师好：\n>\n> BrightPath 保密文件 - Confidential\n> 方案 v0.3 修订：筛选期由 28 天延长到 35 天。\n")
    assert _reply("回复: 方案 v0.3 修订（Confidential）", body) == "deliver"


@pytest.mark.parametrize(("name", "expected"), [
    ("INTERNAL-USE-ONLY_fee_schedule.pdf", "quarantine"),
    ("Strictly_Confidential_Disposal_Timetable.docx", "quarantine"),
    ("confidential-computing-whitepaper.pdf", "deliver"),
    ("confidential_waste_collection_schedule.pdf", "deliver"),
])
def test_a_label_in_a_file_name_joined_by_hyphens_or_qualified_is_a_label(name: str, expected: str) -> None:
    from tests.accuracy.mime import pdf
    from tests.test_detection_classes import action, mail
    raw = mail("documents attached", attachments=((name, pdf(["Disposal timetable", "Week 1: site A"]),
                                                   "application/pdf"),))
    assert action(raw) == expected


# -- blind sets 22 and 23 (measured on 934fd30: 0.971/0.953 and 0.981/0.954; failed on 934fd30) --

SCAMS_22_23 = [
    ("Michael Tan", "michaeltan.exec@protonmail.com", "Quick favour",
     "Hi Dave,\n\nAre you available? I need you to handle something for me discreetly. Please purchase 10 Apple gift "
     "cards at $200 each, scratch the back and send me photos of the codes.\n"),
    ("", "grants@un-edu-grant.test", "GRANT AWARD NOTIFICATION",
     "ATTENTION: BENEFICIARY\n\nYour institution has been selec"
     "ted to receive a grant award of US$850,000.00. To process "
     "your award, contact our accredited agent (email: dr.williamsbrown@consultant.com) with a processing fee of "
     "US$350 for the certificate of award.\n"),
    ("中国移动积分中心", "jifen@10086-jfdh.test", "【积分兑换】您的 12800 积分将于今日清零",
     "尊敬的用户：\n\n您的账户积分 12800 分将于今日 23:59 清零，请立即登录兑换现金红包。兑换时需验证银行卡号及短信验"
     "证码。\n"),
    ("天猫商家服务中心", "service@tmall-shangjia.test", "【重要】店铺涉嫌虚假交易",
     "尊敬的商家：\n\n平台将于 24 小时内冻结店铺。如需申诉，请立即登录以下申诉通道核验主账号及支付宝密码，或添加客服"
     "经理微信：tmkf-8823\n"),
    ("DocuSign", "dse@docusign-envelope.test", "Huaxin PCBA sent you a document to review and sign",
     "Please review and sign: INV-2026-0398 Remittance Update.pdf\n\nYou will be asked to sign in with your Microsoft "
     "account to view the document.\n"),
    ("PayBridge Risk Team", "risk-verify@paybridge-asia-secure.test", "Merchant account limited",
     "Dear merchant,\n\nYour merchant account has been limited and settlements are on hold. To lift the limitation, "
     "confirm your administrator login, the company director's ID card number and a corporate card.\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), SCAMS_22_23,
                         ids=[f"scam{i}" for i in range(len(SCAMS_22_23))])
def test_the_scams_sets_22_and_23_missed_are_held(display: str, address: str, subject: str, body: str) -> None:
    assert _with_header(display, address, subject, body) == "quarantine"


def test_a_reply_diverting_payment_on_an_accounts_maintenance_is_held() -> None:
    body = ("Hello,\n\nAttached is the updated invoice with our new remittance details - our previous account is under "
            "maintenance. Kindly process the payment of USD 18,400.00 today to avoid a late penalty.\n\nKelvin\n")
    assert _with_header("Kelvin", "kelvin@smartboard-asla.test", "RE: Invoice updated remittance", body,
                        In_Reply_To="<z@example.com>") == "quarantine"


def test_a_phishing_drills_report_quoting_its_lures_is_delivered() -> None:
    body = ("周经理您好，\n2 月钓鱼演练结果：发送 120 封，提交密码 4 人。演练使用的主题为\"您的邮箱密码今日到期\"\"工"
            "资调整请确认银行账户\""
            "\"包裹无法派送请支付运费\"。\n建议对提交密码的同事进行补训。\n")
    assert _with_header("安信培训", "course@anxin-training.test", "钓鱼邮件演练报告", body) == "deliver"


@pytest.mark.parametrize(("subject", "body", "expected"), [
    ("提前退租", "王总：\n\n我们可能在明年退出该校区，董事会下月决议。请您这边严格保密。\n", "quarantine"),
    ("问卷", "家长您好：\n\n请填写附件问卷，您的回答将被严格保密，仅用于改进教学。\n", "deliver"),
    ("Newsletter", "* Sports day results - congratulations to Blue House!\n* Top secret: what the PTA is planning "
     "for Teacher Appreciation week.\n", "deliver"),
    ("培训大纲", "第 3 节请按以下口径调整：\n我司信息分为四级：\n- 公开：官网、宣传资料\n- 内部：一般流程文件\n- 机密"
     "：价格、成本、客户数据\n"
     "- 绝密：未发布产品、并购信息\n", "deliver"),
])
def test_a_secrecy_ask_is_held_and_a_survey_a_newsletter_and_a_level_list_are_not(subject: str, body: str,
                                                                                 expected: str) -> None:
    assert _out(body, subject) == expected


def test_a_documents_footer_naming_its_level_is_a_banner() -> None:
    from tests.accuracy.mime import docx
    from tests.test_detection_classes import DOCX, action, mail
    data = docx(["固件功耗分析报告", "结论：BLE 广播间隔配置错误导致。", "密级：秘密    Example Corp 研发中心"])
    assert action(mail("报告见附件", attachments=(("report.docx", data, DOCX),))) == "quarantine"


def test_a_partners_label_heading_a_line_of_their_quoted_mail_is_theirs() -> None:
    body = ("王律师：\n\n收到，谢谢。\n\n李伟\n\n在 2026年3月2日 9:30，王敏 <martin.cho@harbourtrust.test> 写道:\n> "
            "李伟先生:\n>\n"
            "> 【机密】以下为我所对贵校租约提前终止问题的初步意见，仅供贵方参考，请勿转发第三方:\n> 根据租赁合同第 12"
            " 条……\n")
    assert _reply("Re: 【机密】租约提前终止初步意见", body) == "deliver"


# -- secrets and cards sets 17-23 missed or held wrongly (failed on ae19a88) ----------------------

@pytest.mark.parametrize("body", [
    "为方便审计取数，给贵所开了 ERP 只读账号 audit2026，初始口令 Audit@Hx2026，审计结束后停用。\n",
    "明天现场调试：\n- 弱电间 Wi-Fi：EXC-ENG，WPA2 密码 T1@weak-room88\n- NVR 管理员：admin，密码 Nvr#2026qh\n",
    "The password for the PowerSchool admin account (user: exl_sisadmin) is 5PO1zm-Tulip-9099 - please log in.\n",
])
def test_passwords_after_a_spaced_label_or_a_for_clause_are_secrets(body: str) -> None:
    assert _out(body, "access") == "quarantine"


@pytest.mark.parametrize("body", [
    "We received an unmatched credit of HKD 48,210.55 on 9 Feb. Your reference on the statement line is "
    "4265561619461562. Could you tell us the remitter?\n",
    "relevant log line:\n\n2026-06-17T03:12:44.118Z WARN sync-worker batch=6226333568911986 retry=3 elapsed=30012ms\n",
    "Cathy - ref 345155849012816 as discussed. Bob\n",
])
def test_one_card_shaped_number_a_bank_credit_a_log_or_a_ref_calls_otherwise_is_recorded_not_held(body: str) -> None:
    raw = crlf_mail("bob@example.com", "partner@other.org", "ref", body)
    v = verdict_for(raw, "bob@example.com", "partner@other.org", Direction.OUTBOUND)
    assert v["recipients"]["partner@other.org"]["action"] == "deliver"
    assert "outbound-low-confidence-findings" in [h["rule"] for h in v["hits"]]
