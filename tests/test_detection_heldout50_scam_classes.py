"""Scam classes blind set 50 missed (/work/heldout50: an accounting and law firm's inbound mail, 160
messages by a helper who never saw the rules; 0.959/0.470 on a9e842f, measured before anything was
tuned to it, 0.962/0.510 after the set-47 work). The mails here are written anew. Each held test
fails on 293328f; the delivered ones guard.
"""

from __future__ import annotations

import pytest

from tests.test_detection_heldout16_classes import inbound_action

HELD = [
    # the boss's title on free mail, "a new mailbox", a payment today to the account given (scams-006)
    ("王总", "wang.boss.2026@gmail.com", "新邮箱，请安排付款",
     "小陈：\n\n我换了新邮箱，以后用这个联系。\n\n项目咨询费今天要付出去，收款信息如下：\n户名：深圳恒达企业管理咨询有限公司\n"
     "账号：4402 0012 0900 3318 829\n金额：人民币 186,000 元\n\n付好截图给我。\n"),
    # the CEO fraud's opener: the boss's title on free mail, in a meeting, a new QQ (scams-009)
    ("李总", "lizong.2026@163.com", "在吗",
     "在吗？我现在在开会不方便说话。\n\n加一下我新的QQ：2938417571，有一笔款项需要你马上处理。\n"),
    ("Margaret Lin, Principal", "principal.mlin2026@gmail.com", "Quick favour",
     "Alice,\n\nAre you at your desk? I need you to handle something for me discreetly. I am in a governors' meeting "
     "and can't take calls.\n\nMargaret\n"),
    # a partner "locked out of Outlook", writing from personal mail, the invoice to pay today (scams-021)
    ("Susan Grey", "susan.grey.partner2026@gmail.com", "Expert witness fee - pay today please",
     "Hi team,\n\nWriting from my personal email as I'm at court and locked out of Outlook. Please pay the expert's "
     "invoice today: GBP 22,500 to M. Farrow Consulting, sort 23-05-80, account 11937042.\n\nSusan\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), HELD,
                         ids=["boss-new-mailbox-pay-today", "boss-opener-zh", "principal-opener",
                              "partner-personal-email-invoice"])
def test_ceo_fraud_of_these_shapes_is_held(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "quarantine"


DELIVERED = [
    # a supplier's invoice giving its account, payable in 30 days: a payment asked, nothing beside it (guard)
    ("Brightline Consulting", "billing@brightline-consulting.de", "Invoice INV-22817",
     "Dear Accounts,\n\nPlease find attached invoice INV-22817 for November. Please pay within 30 days to "
     "IBAN DE89 3704 0044 0532 0130 00, account 0532013000.\n\nKind regards,\nPetra\n"),
    # a director who really is travelling writes from his company address, not free mail (guard)
    ("Tom Hale, CEO", "tom.hale@hale-logistics.com", "Board pack",
     "Alice,\n\nI'm in a meeting all afternoon and can't take calls - please send the board pack to the others.\n"),
    # free mail with a title but no private channel and no ask: a retired founder's note (guard)
    ("Founder - Lee Ming", "leeming1951@gmail.com", "Congratulations",
     "Dear all,\n\nCongratulations on the new office. I hope to visit in spring.\n\nLee\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), DELIVERED,
                         ids=["invoice-with-account", "ceo-company-domain-meeting", "founder-free-mail-no-ask"])
def test_ordinary_mail_of_these_shapes_is_delivered(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "deliver"


# names worn: the profession's bodies and tools, the courts' enforcement bureau (each fails on 0740d4d but the
# court's, whose payment, deadline and gag hold it there too)
BRANDS_HELD = [
    ("Xero", "billing@xero-practice.co", "Your Xero subscription could not be renewed",
     "Hi,\n\nWe could not renew your Xero Practice Manager subscription. Sign in with your Xero credentials to "
     "complete the renewal: https://xero-practice.co/renew\n"),
    ("中国注册会计师协会", "notice@cicpa-org.cn.com", "关于你所执业质量检查不合格的处罚通知",
     "你所存在审计工作底稿不完整等问题，处以罚款人民币 30,000 元。请于5个工作日内将罚款缴至以下账户：\n"
     "账号：3100 2208 1190 0772 5\n逾期未缴纳的，将暂停你所全部注册会计师的执业资格并予以公告。\n"),
    ("执行局", "zhixing@fayuan-zhixing.org", "执行通知书",
     "你单位应于接到本通知之日起24小时内将执行款人民币 89,600 元缴至本院案款专户：\n户名：执行款代管中心\n"
     "账号：6217 0012 3456 7788 901\n\n请勿向他人透露本案情况。\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), BRANDS_HELD,
                         ids=["xero-look-alike", "cpa-institute-fine", "court-enforcement-bureau"])
def test_names_worn_of_the_profession_and_the_courts_are_held(display: str, address: str, subject: str,
                                                              body: str) -> None:
    assert inbound_action(display, address, subject, body) == "quarantine"


GENUINE = [
    # a province's own institute of CPAs on its own domain: no national body's name worn (guard: tagged by a draft)
    ("上海市注册会计师协会", "tzgg@shcpa.org.cn", "关于开展2025年度任职资格检查的通知",
     "各会计师事务所：\n\n一、检查时间：2025年4月1日至5月31日；\n二、填报方式：请通过中注协行业管理信息系统填报，登录方式不变。\n"),
    # a client forwarding a "subsidy" mail and asking whether it is a scam (是不是诈骗 asks; held on a9e842f)
    ("陈明", "chenming@moucanyin.cn", "转发：关于发放劳动补贴的通知",
     "王老师您好：\n\n我们员工今天收到下面这封邮件，说是发放劳动补贴，要扫码填银行卡。我感觉不对劲，麻烦帮忙看看是不是诈骗？\n\n"
     "-------- 转发的邮件 --------\n发件人：财务部 <caiwu@moucanyin-cw.cn>\n主题：关于发放劳动补贴的通知\n\n"
     "全体员工：请于3月15日前用微信扫描附件二维码，填写姓名、身份证号、银行卡号及手机验证码。\n"),
    # an escrow centre telling what to do "if you receive a request to change the account" (guard; in set 50's
    # wording held on a9e842f)
    ("房产交易资金监管中心", "jianguan@fcjy-center.org.cn", "资金监管协议确认",
     "贵司购房款已存入资金监管专户，任何个人或中介均无权变更。过户完成后资金将按协议自动划转至卖方账户。\n\n"
     "如接到要求变更收款账户的电话或邮件，请立即向交易中心核实。\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), GENUINE,
                         ids=["provincial-cpa-institute", "forward-asking-whether-scam", "escrow-if-asked-to-change"])
def test_genuine_notices_and_reports_are_delivered(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "deliver"


# a fee whose own name ties it ("processing fee"), as advance-fee scams name it: held set 48 lost three scams
# when a draft asked the tie to stand outside the name (fails on d501da3; a journal's "article processing charge"
# stays a price: test_detection_heldout47_scam_classes' publisher notice)
PROCESSING_FEE = [
    ("Global Tender Desk", "awards@tender-desk-intl.com", "Contract award notification",
     "Dear Supplier,\n\nYour company has been selected for the supply contract. A processing fee of USD 450 is "
     "payable within 48 hours to complete the award.\n"),
    ("Recovery Unit", "unit@lost-funds-retrieval.org", "Your case",
     "We can retrieve the money you lost last year. A processing fee of USD 300 is payable within 24 hours.\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), PROCESSING_FEE,
                         ids=["tender-award-processing-fee", "recovery-processing-fee"])
def test_a_processing_fee_is_tied_by_its_name(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "quarantine"
