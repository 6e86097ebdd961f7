"""Genuine mail blind set 55 (/work/heldout55: 160 inbound mails of an engineering consultancy,
written by a helper who never saw the rules) held on 3cdfb95 as scams: a tender agency's bid-bond
reminder through the public trading platform, and a client forwarding the fake account change it
received to ask "是贵司发的吗"; and missed advance fees and refunds (a fee to a "个人户", a duplicate
refunded "to our other account", an overpaid cheque's difference wired to an agent, an insurer's claim
paid after an "audit fee"; loans approved or offered without collateral, and a recovery agency's
traced funds, each behind a fee). The mails here are written anew. Each test fails on c8bc2ee (the delivered
ones on 3cdfb95) except the inheritance, a guard.
(The set's other 17 "false positives" on 3cdfb95 were tagged, not held, for an attachment that is no
real PDF: ``uninspectable: corrupt`` adds the shipped 5 spam points to inbound mail, as designed.)
"""

from __future__ import annotations

import pytest

from tests.test_detection_heldout16_classes import inbound_action


def test_a_bid_bond_paid_through_the_trading_platform_is_delivered() -> None:
    body = ("各投标人：\n\n本项目第2号澄清文件已在公共资源交易平台发布，请登录查看。\n\n投标保证金缴纳方式提醒：\n"
            "- 电子保函：通过交易平台在线申请，保函受益人为招标人；\n"
            "- 转账：须从投标人基本账户转入平台生成的保证金子账户，请勿转入代理机构或任何个人账户。\n\n"
            "投标截止时间不变。\n\n浙江某招标代理有限公司\n")
    assert inbound_action("招标代理 项目部", "bid@zj-tender-agency.cn", "澄清文件（第2号）发布通知", body) == "deliver"


def test_a_client_forwarding_a_fake_account_change_to_ask_if_it_is_ours_is_delivered() -> None:
    body = ("示例工程财务部：\n\n您好，我司今天收到下面这封署名贵司财务部的邮件，"
            "要求把应付贵司的设计费改付到一个新账户。发件地址看起来有点奇怪，所以先没付，想跟贵司确认一下。\n\n"
            "---------- 转发的邮件 ----------\n"
            "发件人：示例工程财务部 <finance@examp1e-eng.com>\n主题：关于变更收款账户的通知\n\n"
            "因我司账户年检，请将本期设计费支付至以下新账户：户名 王某，账号 6222 0000 1111 2222 333。"
            "请勿电话确认，直接回复本邮件即可。\n")
    subject = "关于变更收款账户的通知 —— 请问这封邮件是贵司发的吗？"
    assert inbound_action("甲方 财务 孙会计", "sun.kj@hz-client-group.cn", subject, body) == "deliver"


def test_an_inheritance_naming_the_reader_its_beneficiary_is_still_held() -> None:
    """Guard: 受益人 as the windfall's word, not a guarantee's beneficiary."""
    body = ("尊敬的先生：\n\n我是一名律师，我的已故客户在我行留下 850 万美元遗产，经查您是唯一受益人。"
            "请尽快回复并提供您的身份证和银行卡号以便办理转账。\n")
    assert inbound_action("Barrister Mensah", "mensah.law.office@gmail.com", "遗产继承通知", body) == "quarantine"


HELD = [
    # a tender agent's fee "to our finance's personal account" (个人户), asked in a reply
    ("代理部 王涛", "zb_agent_office@126.com", "回复：资格预审结果",
     "李工：\n\n贵司资格预审已通过。按招标人要求，须于明天中午前缴纳招标服务费 5,200 元方可领取招标文件，"
     "转到我们财务个人户即可。\n\n户名：周敏  建设银行 6217 0014 6000 1234 567\n\n转好后截图发我。\n"),
    # a duplicate payment to be refunded "to our other account"
    ("Finance Desk", "finance@delta-pipes-trading.com", "Duplicate payment - refund request",
     "Dear Accounts,\n\nWe paid your invoice 2217 twice by mistake. Please refund the duplicate USD 21,300 to our "
     "other account, as the original one is being closed: IBAN AE44 0330 0000 1002 3345 991.\n\nRegards\n"),
    # an overpaid cheque whose difference is to be wired on to "our agent"
    ("Khalid Nasser", "k.nasser@nasser-holdings.com", "Cheque for the retainer",
     "Dear Sir,\n\nOur cheque for USD 19,500 is on its way; it should have been USD 6,500. Kindly deposit it and wire "
     "the difference to our shipping agent in Lagos, who is waiting.\n\nKhalid\n"),
    # an insurer's name worn, a claim paid out only after an "audit fee" paid first
    ("平安产险理赔中心", "lipei@pingan-claims-service.com", "理赔款到账通知",
     "尊敬的客户：\n\n贵单位的财产险理赔已审核通过，赔付金额 ￥186,000。按规定需先缴纳 1% 审核费后方可到账，"
     "请汇至下方账户并回复凭证。\n\n户名：深圳安诚公估有限公司 账号 4000 0210 0910 0388 772\n"),
    # project finance "approved", activated by an insurance bond's premium paid to the lender's partner
    ("Project Finance Desk", "desk@afdb-projectfunds.com", "Facility approved",
     "Dear Sir,\n\nThe credit committee has approved your facility of USD 30,000,000 at 3% p.a. To activate it, the "
     "borrower must pay the facility insurance bond premium of USD 45,000 to our insurance partner.\n\nYours\n"),
    # funding offered with no collateral, a due-diligence fee first
    ("Sheikh Faisal", "f.office@gulf-familyoffice.com", "Funding for your projects",
     "Dear CEO,\n\nOur family office will fund your projects at 2% per annum. No collateral required. Before the "
     "term sheet, the applicant must pay a due diligence and legal processing fee of USD 15,000.\n\nFaisal\n"),
    # a recovery agency that "traced the funds", a filing fee required
    ("Recovery Desk", "desk@global-fundtrace.org", "Your lost funds",
     "Dear Sir,\n\nWe have traced the funds your company lost to the 2025 invoice fraud. To file the recovery claim, "
     "a legal filing fee of USD 1,900 is required.\n\nCase Officer\n"),
    # an insurer's reinstatement premium to a "collection account"
    ("Allianz Renewals", "renewals@allianz-policy-desk.com", "Policy lapsed",
     "Dear Policyholder,\n\nYour policy has lapsed for non-payment. To reinstate cover, pay the reinstatement premium "
     "of USD 9,400 within 48 hours to our regional collection account (details attached).\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), HELD,
                         ids=["tender-fee-personal-account", "duplicate-to-other-account", "cheque-difference-to-agent",
                              "insurer-claim-fee-first", "facility-bond-premium", "no-collateral-funding-fee",
                              "recovery-filing-fee", "insurer-collection-account"])
def test_advance_fees_and_refunds_of_these_shapes_are_held(display: str, address: str, subject: str,
                                                          body: str) -> None:
    assert inbound_action(display, address, subject, body) == "quarantine"
