"""Genuine mail that precision review 18 (110 genuine messages written against this session's tree) found held
or tagged, each class written anew here in my own words. Every one is held or tagged on 5f97640's rules and
delivered after, except our own quotation (the review's, with its own wording, was held; this one is a guard):

- what a mail the reader might get "would claim" (如日后收到任何声称我司"紧急付款"的邮件，请先电话核实) is the
  advice of a genuine notice, not its pressure;
- a supplier's written answer to the reader's own call ("I'm glad you called … what I told you on the phone"),
  and our own rule quoted in the thread ("the number in our contract"), verify a change of bank;
- an invoice's account "as on all previous invoices" is no new payee;
- "I've paid the deposit already, just send me your share" asks a friend's share of a cost: no fee, no windfall;
- "I'll call you tonight" is no deadline;
- our own quotation's "lead time 4 weeks after deposit" asks no fee, and 收款账户以我司正式发票所载为准 states our
  account rather than asking the reader's;
- a CSV's rows named TEST-User-01 with a remark "sample/test data" are test rows.
"""

from __future__ import annotations

import pytest

from rules.model import Direction
from tests.test_detection_classes import mail, verdict_for
from tests.test_detection_heldout16_classes import US_INBOUND, _inbound_verdict

GENUINE_INBOUND = [
    ("宁波华信模具 财务 陈静", "chenjing@huaxin-mould.cn", "收款账户变更函（已电话确认）",
     "赵经理：\n\n您好！感谢您今天按贵司流程拨打我司合同登记的座机核实。本月发票金额 ￥86,400.00，"
     "自8月1日起开具的发票请付至以下新账户：\n"
     "户名：宁波华信模具有限公司\n开户行：宁波银行江北支行\n账号：7101 0122 0004 5567\n\n"
     "特别提醒：我司不会仅凭邮件变更账户，如日后收到任何声称我司“账户临时变更、紧急付款”的邮件，请务必先电话核实。\n\n"
     "陈静\n宁波华信模具有限公司 财务部\n"),
    ("Oceanlink Billing", "billing@oceanlink-logistics.com", "URGENT: invoice OL-8812 due Wednesday to release D/O",
     "Hi Erin,\n\nContainer TGHU 8812004 has arrived. To release the delivery order before free time ends, we need "
     "payment of the attached invoice by Wednesday 15:00.\n\nAmount: CNY 7,420.00 (THC, D/O fee, doc fee)\n"
     "Pay to: Oceanlink Logistics Co., Ltd., Bank of Ningbo, A/C 7101 0188 0003 9912 (as on all previous "
     "invoices)\n\nIf you prefer, we can debit your monthly account instead.\n\nThanks,\nAmy\n"),
    ("Tom Riley", "tom.riley1984@gmail.com", "Re: cabin weekend - money",
     "Bob,\n\nThe cabin is GBP 1,200 for the weekend, split 3 ways = GBP 400 each. I've paid the deposit already. "
     "Just send me your share whenever, bank transfer to my usual account is fine, no rush.\n\nTom\n"),
    ("Lena", "lena.martin.home@gmail.com", "姐, tuition deposit 的事 (will call you tonight)",
     "姐，我拿到 Leeds 的 offer 了！需要在 6 月 30 号前交 £2,000 的 tuition deposit 才能保留位置，"
     "直接付到学校的缴费系统。"
     "爸妈这个月手头有点紧，你能不能先帮我垫一下？我暑假打工就还你。\n\nLena\n"),
]

REPLY_THREAD = (
    "Marco Rossi", "m.rossi@rossi-pumps.it", "RE: New IBAN on invoice 24/1102",
    "Dear Li Wei,\n\nThank you for checking, and I am glad you called. To confirm in writing what I told you on "
    "the phone today:\n\n- Yes, we changed bank in May. Our new account is with Banca Sella, IBAN IT40 S054 2811 "
    "1010 0000 0123 456.\n- The old "
    "account at our previous bank will be closed at the end of June.\n\nInvoice 24/1102 can be paid to either "
    "account until then.\n\nMarco\n\n-----Original Message-----\nFrom: Li Wei <li.wei@example.com>\n"
    "Subject: New IBAN on invoice 24/1102\n\nDear Marco, before we pay I will call your office on the number in our "
    "contract to confirm the new IBAN.\n")


@pytest.mark.parametrize(("display", "address", "subject", "body"), GENUINE_INBOUND)
def test_genuine_inbound_mail_review_18_held_is_delivered(display: str, address: str, subject: str,
                                                          body: str) -> None:
    v = _inbound_verdict(display, address, subject, body).to_json()
    assert v["recipients"][US_INBOUND]["action"] == "deliver"
    assert not [h["rule"] for h in v["hits"] if h["rule"].startswith(("scam", "spam"))], v["hits"]  # nor tagged


def test_a_suppliers_answer_to_the_readers_own_call_is_delivered() -> None:
    from email.message import EmailMessage

    display, address, subject, body = REPLY_THREAD
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = f"{display} <{address}>", "li.wei@example.com", subject
    m["Message-ID"], m["Date"] = "<r1@rossi-pumps.it>", "Mon, 07 Dec 2026 09:00:00 +0000"
    m["In-Reply-To"] = m["References"] = "<q9@example.com>"
    m.set_content(body)
    v = verdict_for(m.as_bytes(), address, "li.wei@example.com", Direction.INBOUND)
    assert v["recipients"]["li.wei@example.com"]["action"] == "deliver", v["hits"]
    assert not [h["rule"] for h in v["hits"] if h["rule"].startswith(("scam", "spam"))], v["hits"]  # nor tagged


def _outbound(body: str, subject: str, attachments: tuple[tuple[str, bytes, str], ...] = ()) -> str:
    v = verdict_for(mail(body, subject, attachments), "alice@example.com", "partner@other.example",
                    Direction.OUTBOUND)
    return v["recipients"]["partner@other.example"]["action"]


def test_our_own_quotation_with_a_deposit_and_a_wechat_id_is_delivered() -> None:
    body = ("林先生您好：\n\n報價單 EC-Q-8812 請見附件。付款條件：首單 T/T 預付 30%，餘款出貨前付清。"
            "收款帳戶以我司正式形式發票所載為準，如收到任何「帳戶變更」通知，請務必先打電話給我確認。\n"
            "日常技術問題可加我微信：alice_ec，備註公司名即可。\n\nAlice\n")
    quote = (b"Example Corp - Quotation EC-Q-8812\nServo drive SD-400 x 30  USD 398.00  FOB Shenzhen\n"
             b"Lead time 4 weeks after deposit. Warranty 18 months.\nPayment: 30% T/T in advance, balance before "
             b"shipment.\n")
    assert _outbound(body, "RE: 报价 EC-Q-8812 及微信", (("EC-Q-8812.txt", quote, "text/plain"),)) == "deliver"


def test_test_rows_named_and_remarked_as_test_data_are_not_identities() -> None:
    rows = ("visitor_name,id_type,id_number,visit_date,remark\n"
            "TEST-User-01,PRC_ID,110101199003076632,2024-07-01,sample/test data\n"
            "TEST-User-02,PRC_ID,440304199602184076,2024-07-01,sample/test data\n")
    body = f"Hi Zhou,\n\nfor your integration tests please use only these synthetic rows:\n\n{rows}\nRegards,\nAlice\n"
    assert _outbound(body, "Visitor API - test data") == "deliver"
