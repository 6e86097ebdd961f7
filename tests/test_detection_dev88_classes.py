"""Scam classes a blind set (dev 88: an education company's inbound mail) found delivered, each written here in our
own words (issue 19); all delivered by e94512c:

- a "parent" who paid twice and wants the refund sent to a relative's or a friend's account (退到我朋友的账户);
- the police's or customs' accusation by mail (公检法): "involved" in laundering or smuggling, an officer to call, and
  silence asked (the new ``accusation`` signal, :func:`rules.scam_templates.accused`);
- the overpaid cheque: tuition plus a homestay's share on one cheque, "send them the balance by wire"; a job's cheque
  for equipment, "any remaining amount sent back to the vendor";
- the boss: "I need your help with a time-sensitive payment today … keep it between us", Reply-To on gmail;
- a directory's listing taken as ordered unless refused (如…未回复异议，视为确认同意刊登, 刊登费 3,980 元);
- a fee to keep a status ("to avoid suspension of your accredited status, the evaluation fee …");
- the keynote a conference invites and then bills ("speaker registration (USD 690)");
- a teaching job whose visa fee goes to "our designated agency" (指定中介) and is "reimbursed after you start"
  (入职后首月工资中全额报销): 无犯罪公证 read as "no fee" (无…);
- IRCC's, Zoom's and Turnitin's names worn from other domains.

And the genuine mail: a payroll notice whose sign-in "is your phone number and an SMS code, no mailbox password
needed" (held by e94512c: the SMS code read as asked), a police force's anti-fraud letter quoting the same lines, a
school's refund to the card the parent paid with, a conference that covers its keynote's travel."""

from __future__ import annotations

import pytest

from rules.scam_templates import accused, overpaid_cheque
from tests.test_detection_heldout16_classes import US_INBOUND, _inbound_verdict, inbound_action

SCAMS = [
    ("Michael Zhang", "michaelzhang.fam@gmail.com", "Tuition refund - duplicate payment",
     "Hello finance team,\n\nOur company paid Term 2 tuition two times by mistake, RMB 36,000 each. Because my bank "
     "card was closed, please send the refund to my sister account in Malaysia:\nName: Tan Mei Ling\nAcc: 514288306617"
     "\n\nWe need it urgently, please process today.\n"),
    ("孙浩", "sunhao_1234@qq.com", "退费申请",
     "财务老师您好：\n\n我缴费时操作失误，学费 42,000 元多交了一次。原来的银行卡已经注销，"
     "麻烦把多交的钱退到我朋友的账户：\n"
     "户名：林志强\n账号：6228 4806 3310 2247 615\n\n今天急用，麻烦尽快处理。\n"),
    ("北京市公安局经侦总队", "jz_notice@163.com", "案件协查通知",
     "刘女士：\n\n我总队在侦办一起跨境洗钱案件中发现，您名下账户涉嫌接收涉案资金。请于今日18:00前与办案民警联系，"
     "电话 010-5832 0000，配合进行资金清查。本案属于保密案件，请勿向家人及同事透露。\n"),
    ("上海海关缉私局", "jisi@customs-notice.cn", "国际邮包涉嫌违禁品通知",
     "您好：\n\n您名下国际邮包被查出夹带他人银行卡，涉嫌走私。请于今日拨打电话与缉私局办案人员联系。"
     "调查结束前，请勿将此事告知他人。\n"),
    ("Robert Wilson", "rwilson.family@aol.com", "Enrolment for my son",
     "Good day,\n\nI want to enrol my son for one year. Payment will be by certified cheque. Can your school pay my "
     "son's homestay family from it? I will add their amount to the cheque and you can send them the balance by "
     "wire.\n"),
    ("Remote Talent Desk", "hr@remote-design-jobs.com", "Remote designer - interview",
     "Hello,\n\nOnce hired, you will receive a check to purchase your home-office equipment from our certified vendor. "
     "Any remaining amount should be sent back to the vendor.\n"),
    ("David Chen", "ceo@example-corp.co", "Confidential - site deposit",
     "Grace,\n\nI need your help with a time-sensitive payment today. The landlord's lawyer needs HKD 1,280,000 "
     "before 3pm. Please keep it between us for now.\n\nDavid\n"),
    ("《中国教育机构名录》编委会", "mulu_bw@sina.com", "收录确认函（如无异议视为同意）",
     "贵单位：\n\n贵单位信息已被收录于《2025中国教育机构名录》。本名录刊登费为 3,980 元。"
     "如贵单位在 7 日内未回复异议，视为确认同意刊登，我部将开具发票。\n"),
    ("GABE Accreditation Office", "registrar@gabe-accred.org", "Accreditation renewal - final notice",
     "Dear Principal,\n\nTo avoid suspension of your accredited status, the evaluation fee of USD 2,450 must be "
     "settled "
     "by Friday: https://gabe-accred.org/pay\n"),
    ("ICEP 2025 Committee", "invitation@icep-conf.net", "Invitation: keynote speaker",
     "Dear Dr. Alice,\n\nIt is our great honour to invite you as a Keynote Speaker at ICEP 2025 in Dubai. To secure "
     "your slot, kindly complete the speaker registration (USD 690) within 5 days.\n"),
    ("迪拜国际学校 招聘部", "dubai_sch_hr@163.com", "中文教师录用通知",
     "张老师您好：\n\n现正式录用您为我校中文教师。外籍教师需先办理工作签证及无犯罪公证，由我校指定中介代办，"
     "费用 6,800 元（入职后首月工资中全额报销）。请在 3 个工作日内将费用转入中介账户。\n"),
    ("IRCC Visa Office", "visa@canada-permit-office.com", "Study permit - fee outstanding",
     "Dear Sir/Madam,\n\nThe study permit application of your student cannot proceed because the biometric fee of "
     "CAD 185 remains outstanding. You may settle it through our collection agent within 2 business days.\n"),
    ("Zoom Meetings", "no-reply@zoom-recordings-share.com", "Recording available: HR review",
     "Cloud recording is now available. Access is restricted to invited participants; sign in to view:\n"
     "https://zoom-recordings-share.com/rec/share/abc\n"),
    ("Turnitin Licensing", "licensing@turnitin-renewal.net", "Your licence expires in 2 days",
     "Dear Administrator,\n\nTo avoid interruption, please sign in with your Microsoft 365 administrator account and "
     "confirm the renewal: https://turnitin-renewal.net/renew\n"),
]

GENUINE = [
    ("瑞薪人力 薪税服务", "payslip@ruixin-hr.com", "3月工资条已发布",
     "王芳 您好：\n\n您 3 月的工资条已发布。请通过员工自助 App 查看，登录方式为手机号加短信验证码，"
     "无需输入邮箱密码。\n"),
    ("上海市公安局反诈中心", "fanzha@police.sh.gov.cn", "防范电信诈骗提示",
     "各单位：\n\n近期有不法分子冒充公检法人员，谎称您涉嫌洗钱，要求配合资金清查，并要求您对家人保密。"
     "请注意：公安机关不会通过电话或邮件要求转账。\n"),
    ("Accounts, Example School", "accounts@school-payments.org", "Refund of duplicate tuition payment",
     "Dear Mr Zhang,\n\nWe received your Term 2 tuition twice. The duplicate will be refunded to the card you paid "
     "with within 5 working days.\n"),
    ("ICEP Programme Committee", "programme@icep-conference.org", "Invitation to speak",
     "Dear Dr. Alice,\n\nWe would be delighted to invite you as a keynote speaker. We cover your flights and hotel, "
     "and registration is waived for speakers.\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), SCAMS, ids=[s[2][:40] for s in SCAMS])
def test_these_scams_are_held(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) in ("quarantine", "reject")


@pytest.mark.parametrize(("display", "address", "subject", "body"), GENUINE, ids=[g[2][:40] for g in GENUINE])
def test_the_genuine_mail_beside_them_is_delivered(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "deliver"


def test_the_bosss_payment_with_a_reply_to_on_free_mail_is_held() -> None:
    v = _inbound_verdict("David Chen", "ceo@example-corp.co", "Confidential - campus deposit",
                         "Grace,\n\nI need your help with a time-sensitive payment today. Please keep it between us.\n",
                         Reply_To="ceo.office.dchen@gmail.com")
    assert v.to_json()["recipients"][US_INBOUND]["action"] == "quarantine"


def test_an_accusation_needs_an_officer_and_silence() -> None:
    assert accused("您涉嫌洗钱，请今日与办案民警联系，请勿告知他人。") is not None
    assert accused("您涉嫌洗钱，请今日与办案民警联系。") is None  # (no silence asked: a news item)
    # (a broker relaying a real inquiry: the officers "may contact you", nobody to call now)
    assert accused("海关缉私部门怀疑贵司涉嫌低报价格，需要贵司配合调查，办案人员可能会联系您。"
                   "结案前请勿对外透露。") is None
    assert accused("近期有人冒充公安称您涉嫌洗钱") is None


def test_a_cheque_counts_only_with_a_balance_sent_on() -> None:
    assert overpaid_cheque("payment by cheque; you can send them the balance by wire") is not None
    assert overpaid_cheque("please check the balance on your statement") is None
    assert overpaid_cheque("We will pay by cheque on delivery.") is None
