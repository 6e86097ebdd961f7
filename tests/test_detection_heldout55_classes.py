"""Genuine mail blind set 55 (/work/heldout55: 160 inbound mails of an engineering consultancy,
written by a helper who never saw the rules) held on 3cdfb95 as scams: a tender agency's bid-bond
reminder through the public trading platform, and a client forwarding the fake account change it
received to ask "是贵司发的吗". The mails here are written anew. Each delivered test fails on 3cdfb95;
the held one guards.
(The set's other 17 "false positives" on 3cdfb95 were tagged, not held, for an attachment that is no
real PDF: ``uninspectable: corrupt`` adds the shipped 5 spam points to inbound mail, as designed.)
"""

from __future__ import annotations

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
