"""Blind set 64 (a chemical trader's inbound scams, dev) and precision review 14 (110 genuine mails), written by
helpers who never saw the rules. Review 14 held seven genuine mails on e284777; the classes, written anew here:
a bank's HTML advisory whose example scam stands in a blockquote under a sentence introducing it; a partner's
"Is this real? I haven't clicked anything" (the question mark left no word boundary, so the report was never
read); "we received the email below, which claims to come from your accounts team and asks us to pay … to a new
bank account"; a conference's prize whose duties "are covered by" the organiser and whose winner is asked an
address for the courier; a Taiwanese expo's prize whose 運費由主辦單位負擔 (負擔 was never folded to 负担); a
courier's own duty notice where "you can pay now" is an option; a vendor's "均可在贵司内部传阅" (leave to
circulate, not a marker). Set 64's classes: an eFax notice from a domain eFax does not own, a work sign-in asked
by a look-alike of our name (an HR letter; a fake RFQ portal's and a purchase order's "sign in with your business
email and password" first weighed as a PIN asked, until review 17 found single sign-on described in the same
words by training platforms, supplier portals and secure meetings: they weigh as personal data now, and those two
are no longer held on their words alone),
and a dying widow's millions from a domain that is not free mail, whose "I do not have any child and I want to
donate" read as a never-ask. Each fails on e284777 except the guards named so.
"""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from rules.content import parse
from rules.engine import EvaluationContext
from rules.model import Direction, Envelope
from tests.test_detection_classes import SHIPPED, _Dir, action, mail
from tests.test_detection_heldout16_classes import US_INBOUND, inbound_action


def _html_only_action(display: str, address: str, subject: str, html: str) -> str:
    """The action for an inbound message whose only part is HTML (as bulk mail and advisories are sent)."""
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = f"{display} <{address}>", US_INBOUND, subject
    m["Message-ID"], m["Date"] = "<h@outside.test>", "Thu, 03 Dec 2026 10:00:00 +0000"
    m.set_content(html, subtype="html")

    class Directory(_Dir):
        domains = ("example.com",)

    v = SHIPPED.evaluate(parse(m.as_bytes()), Envelope(address, (US_INBOUND,)),
                         EvaluationContext({US_INBOUND: Direction.INBOUND}, Directory()))
    return v.to_json()["recipients"][US_INBOUND]["action"]


ADVISORY_HTML = (
    "<html><body><p>Dear Client,</p><p>We are seeing more vendor impersonation attempts against accounts payable "
    "teams. Criminals spoof a supplier's mailbox and ask for payments to go to a new account.</p>"
    "<p>Below is an example of a fraudulent message a client reported this month. Do not act on\n"
    "messages like this.</p><blockquote style=\"border-left:4px solid #ccc;padding-left:12px\">Dear Customer,<br>"
    "Please be advised that due to an ongoing audit our "
    "banking details have changed with immediate effect. Kindly remit all outstanding invoices to our new account "
    "below. The old account can no longer receive funds.<br>Bank: [removed]<br>"
    "Regards, Accounts Receivable</blockquote>"
    "<p>Red flags: urgency, an audit as the reason, and a refusal to take calls.</p>"
    "</body></html>")


def test_an_advisorys_blockquoted_example_is_read_as_quoted() -> None:
    assert _html_only_action("Harbour Bank Commercial", "alerts@harbourbank.com",
                             "Fraud alert: vendor impersonation", ADVISORY_HTML) == "deliver"


def test_a_quoting_blockquote_is_quoted_as_a_plain_text_reply_quotes() -> None:
    """A reply's cite (type="cite", class="gmail_quote", a left border) is quoted "> ", once at any depth (review 17:
    a thousand nested quotes made a line a thousand marks long); an indent (Gmail's indent button, a pasted block)
    is the writer's own text."""
    from rules.html_text import html_to_text
    text = html_to_text('<p>Hi</p><blockquote type="cite">one<br>two<blockquote class="gmail_quote">three'
                        '</blockquote>four</blockquote><blockquote style="margin:0 0 0 40px;border:none">own'
                        '</blockquote><p>end</p>')
    assert text.splitlines() == ["Hi", "> one", "> two", "> three", "> four", "own", "end"]
    assert max(map(len, html_to_text('<blockquote type="cite">x' * 5000).splitlines())) < 10


GENUINE = [
    ("Priya Nair", "priya@nairconsulting.io", "FW: Your parcel is on hold - action required (is this real?)",
     "Hi IT team,\n\nIs this real? I'm not expecting any parcel and I don't recognise the sender. I haven't "
     "clicked anything.\n\nPriya\n\nFrom: DHL Express <support@dhl-parcel-redelivery.com>\nSent: Friday, June 20, "
     "2025 7:14 AM\nTo: priya@nairconsulting.io\nSubject: Your parcel is on hold\n\nDear customer,\nYour parcel "
     "could not be delivered because the customs fee of EUR 2.99 has not been paid. Please pay within 48 hours "
     "or your parcel will be returned.\n"),
    ("Linda Park", "linda.park@cascadefoods.com", "Fwd: Payment Update - Example Corp",
     "Hi,\n\nWe received the email below, which claims to come from your accounts team and asks us to pay your "
     "open invoices to a new bank account. Before we change anything I wanted to check with you directly: is "
     "this genuine?\n\n"
     "Linda\n\n---------- Forwarded message ---------\nFrom: Example Corp Accounts <accounts@examp1e-corp.com>\n"
     "Subject: Payment Update\n\nKindly be informed that we have changed our banking partner due to an internal "
     "audit. All outstanding invoices should now be remitted to our new account before Friday.\n"),
    ("Mei Ling Tan", "meiling.tan@summit-events.com", "Summit survey lucky draw - you've won a drone",
     "Dear Bob,\n\nThank you for completing the attendee survey. Your entry was drawn for one of three drones; the "
     "winners are listed on our website.\n\nTo arrange delivery, simply reply with the delivery address and a "
     "contact phone number for the courier.\n\nThere is nothing to pay: the prize, shipping and any import "
     "duties are covered by Summit Events, and we will never ask you for bank or card details.\n\nMei Ling\n"),
    ("台北國際物流展", "expo@tilog-expo.com.tw", "【得獎通知】問卷抽獎",
     "林小姐 您好：\n\n本活動已公開抽出，您抽中參獎：藍牙耳機乙副。得獎名單同步公告於展覽官網。\n\n"
     "領獎方式：回覆本信件提供收件人姓名、收件地址及聯絡電話，主辦單位將以宅配寄出，運費由主辦單位負擔。\n\n"
     "得獎者無須負擔任何稅金或費用；主辦單位亦不會要求您提供銀行帳號或先行匯款。\n"),
    ("DHL Express", "noreply.odd@dhl.com", "Duties and taxes due for shipment 4839201577",
     "Dear Dave,\n\nYour shipment 4839201577 has cleared customs. Import duties and taxes of USD 86.40 are "
     "payable before delivery.\n\nYou can pay now using DHL On Demand Delivery at del.dhl.com, or pay the "
     "courier on delivery.\n"),
]


@pytest.mark.parametrize("display,address,subject,body", GENUINE, ids=[g[2][:40] for g in GENUINE])
def test_reports_and_genuine_prizes_and_duties_are_delivered(display: str, address: str, subject: str,
                                                               body: str) -> None:
    assert inbound_action(display, address, subject, body) == "deliver"


def test_leave_to_circulate_at_the_readers_company_is_no_marker() -> None:
    assert action(mail("您好，附件是我们的产品资料包（产品手册、标准报价单、客户案例），均可在贵司内部传阅。"
                       "下周二我们来做演示。", subject="产品资料")) == "deliver"


def test_only_at_the_readers_company_is_still_a_marker() -> None:
    """A guard (held on e284777 too)."""
    held = mail("您好，附件为报价方案，本资料仅可在贵司内部传阅，请勿外传。", subject="报价方案")
    assert action(held) == "quarantine"


SCAMS = [
    ("HR Department", "hr-notice@example-corp-hr.com", "2025 Salary Adjustment - please acknowledge",
     "Dear Li Wei,\n\nYour compensation letter for H2 has been published. Please review and acknowledge by July 2 "
     "so that the adjustment can be included in July payroll.\n\nSalary_Adjustment.pdf: "
     "https://example-corp-hr.com/hr/letter.pdf (secure document - sign in with your company email)\n\n"
     "Human Resources\n"),
    ("Mrs. Margaret Lind", "margaret.lind@hospital-care.me", "God bless you - donation for charity",
     "Dearest in Christ,\n\nI am a widow suffering from cancer and my doctor told me I have only few months to "
     "live. My late husband left the sum of EUR 6.2 million in a bank in Spain.\n\nI do not have any child and "
     "I want to donate this fund to an honest person who will use it for charity. Please reply so I can give "
     "you the contact of my lawyer.\n"),
]


@pytest.mark.parametrize("display,address,subject,body", SCAMS, ids=[s[2][:40] for s in SCAMS])
def test_work_sign_ins_and_the_dying_widow_are_held(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "quarantine"


def test_an_efax_notice_from_a_domain_efax_does_not_own_is_held() -> None:
    assert _html_only_action(
        "eFax Message", "noreply@efax-delivery.co", 'eFax message from "+49 40 3786 2210" - 3 page(s)',
        "<html><body><p>You have received a 3 page fax.</p><p>Click here to view this fax using your email "
        "credentials:<br><a href=\"https://efax-delivery.co/view/?fid=1739765556\">https://efax-delivery.co/view/"
        "</a></p><p>Thank you for using the eFax service!</p></body></html>") == "quarantine"


def test_a_saas_invitation_to_sign_in_with_a_work_email_is_delivered() -> None:
    """A guard: a service's own invitation ("sign in with your work email") asks no company password."""
    assert inbound_action("Slack", "no-reply@slack.com", "Join your team on Slack",
                          "Hi,\n\nDavid invited you to join the Example Corp workspace on Slack. Sign in with your "
                          "work email to get started: https://example-corp.slack.com/join\n") == "deliver"


SET64_SCAMS = [
    ("迪拜能源集团 中国区招聘", "hr@dubai-energy-hire.com", "【高薪直聘】海外销售经理 月薪3.5万",
     "陈女士您好：\n\n您已通过简历初筛，无需面试即可直接录用。入职前需完成：\n1. 岗前培训培训费 2,980 元\n"
     "2. 工作签证代办费 5,600 元（入职满三个月全额报销）\n\n以上费用请转至我司中国区合作中介账户。\n"),
    ("BlueWave Logistics Accounts", "accounts@bluewave-logs.com", "Ocean freight invoice BW-0612 - updated remittance",
     "Dear Bob,\n\nThe ocean freight for shipment SHA-HAM 2x40HC is now due: USD 4,780.00.\n\nAttention: with "
     "effect from this month our company has moved its USD collections to the account below.\n\nAccount name: BW "
     "INTERNATIONAL HOLDINGS\nA/C: 7926 8813 0415\n\nCargo will be released on receipt of payment. Kindly arrange "
     "today to avoid storage at destination.\n"),
    ("台聯化學 林小姐", "linda.lin@tailian-chem.com.tw.co", "訂單 TL-0388 匯款帳戶變更通知",
     "陳小姐您好：\n\n因本公司國際匯款帳戶正在進行年度稽核，原帳戶暫停收款，本批訂單之貨款 USD 21,760 請改匯至我司香港"
     "關係企業帳戶：\n受款人：TL GLOBAL (HK) LIMITED\n帳號：012-875-0-039281-6\n\n因公司電話系統更換，這兩週請以 "
     "email 聯繫即可。\n"),
    ("WIPTR - World Intellectual Property & Trademark Register", "office@wiptr-register.org",
     "Publication of trademark EXAMPLE CORP",
     "Dear trademark owner,\n\nYour trademark EXAMPLE CORP has been recorded for publication in the World "
     "Intellectual Property & Trademark Register. To complete the publication, please settle the enclosed "
     "invoice within 8 days.\n\nRegistry Office\n"),
    ("財政部電子稅務服務", "etax@mof-tax-refund.tw.com", "【財政部】綜合所得稅退稅通知",
     "親愛的納稅義務人您好：\n\n您年度綜合所得稅經核定應退稅額為新臺幣 8,764 元。因您申報之退稅帳戶資料有誤，"
     "退稅款項退回失敗。\n\n請於 7 月 10 日前至 https://mof-tax-refund.tw.com/refund/ 重新登錄退稅帳戶，"
     "並以信用卡完成身分驗證。\n"),
    ("Shell Global Talent Acquisition", "recruitment@shell-careers-uk.org", "Offer of Employment - Procurement",
     "Dear Alice,\n\nWe are pleased to offer you the position of Procurement Manager at our Aberdeen office.\n\n"
     "Before your contract can be issued, you are required to process your work permit through our accredited "
     "immigration agent. The processing cost of GBP 1,460 is payable by the candidate and will be fully "
     "reimbursed with your first salary.\n\nContact the agent at premiervisa.solutions@gmail.com.\n"),
]


@pytest.mark.parametrize("display,address,subject,body", SET64_SCAMS, ids=[s[2][:40] for s in SET64_SCAMS])
def test_set_64s_classes_are_held(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "quarantine"


PROOF_FORMS = [
    ("Proof_Form.txt", "CHEMICAL INDUSTRY DIRECTORY 2026/27 - UPDATE / PROOF FORM\n\nCompany: Example Corp\n"
     "[ ] data correct   [ ] please correct as marked\nDate, signature and company stamp: ________\n\n"
     "By signing and returning this form the client places an order for an entry in the online directory for a "
     "minimum term of three years at an annual price of EUR 1,271.00 plus VAT, invoiced yearly in advance.\n"),
    ("企业信息核对表.txt", "《中国化工企业名录》企业信息核对表\n\n企业名称：示例公司\n□ 信息无误  □ 按标注修改\n"
     "签字：______  盖章：______\n\n说明：本表签章回传即视为贵司同意在《中国化工企业名录》网络版发布推广信息，"
     "服务期三年，年费人民币 3,980 元，按年预付。\n"),
]


@pytest.mark.parametrize("name,text", PROOF_FORMS, ids=["english", "chinese"])
def test_a_directorys_proof_form_with_its_yearly_price_in_small_print_is_held(name: str, text: str) -> None:
    from tests.test_detection_heldout16_classes import _inbound_verdict
    v = _inbound_verdict("Directory Editorial Office", "proofs@industry-directory.eu",
                         "Please check and approve your entry",
                         "Dear Sir or Madam,\n\nWe are updating the free basic entries. Please check your company's "
                         "details on the attached proof form, then sign, stamp and return it by email.\n",
                         attachments=[(name, text.encode(), "text/plain")])
    assert v.to_json()["recipients"][US_INBOUND]["action"] == "quarantine"


def test_a_real_directorys_free_update_is_delivered() -> None:
    """A guard: a directory that asks for corrections and names no price."""
    assert inbound_action("Kompass Data Team", "data@kompass.com", "Please check your free company listing",
                          "Dear customer,\n\nYour free listing in the Kompass business directory is due for its "
                          "yearly check. Please review your company details at kompass.com/my-listing; the basic "
                          "listing remains free of charge.\n") == "deliver"


def test_a_genuine_employer_who_pays_the_visa_is_delivered() -> None:
    """A guard: the employer bears the visa's cost."""
    assert inbound_action("Talent Acquisition", "careers@northsea-energy.co.uk", "Your offer - next steps",
                          "Dear Alice,\n\nThank you for accepting our offer. Our immigration adviser will contact you "
                          "about your Skilled Worker visa; the processing cost is covered by the company and you "
                          "will not be asked to pay anything.\n") == "deliver"


def test_an_advisorys_advice_for_who_already_gave_card_details_asks_nothing() -> None:
    """A guard for the card details now read (信用卡资料): "if you already entered them, call your bank"."""
    assert inbound_action("TWCERT/CC", "service@twcert.org.tw", "【資安通報】假冒物流簡訊釣魚",
                          "各位會員您好：\n\n近期出現假冒物流業者之釣魚簡訊，內容為「您的包裹地址不完整，請點擊連結更新」。"
                          "建議：\n1. 請至物流業者官網輸入單號查詢，勿點擊訊息中之連結。\n"
                          "2. 如已輸入信用卡資料，請立即聯繫發卡銀行停卡，並撥打 165 反詐騙專線。\n") == "deliver"
