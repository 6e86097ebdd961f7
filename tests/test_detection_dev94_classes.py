"""Scam classes a blind set (dev 94: a medical-device distributor's inbound mail, its wording varied on purpose) and
a second attack review found, in our own words (issue 19); each delivered by e94512c unless said:

- the boss on free mail: "I need you to process RMB 1,350,000 … don't loop in anyone else yet";
- the boss's opener in Chinese: 在公司吗？我在省医保局开会，手机静音了…有笔款要你安排一下 (a meeting with a
  place between 在 and 开会, a phone on silent);
- the payroll diversion to a spouse's card (这个月工资麻烦帮我打到我爱人的卡上), while a colleague from personal mail
  who asks how to change his salary card (请问更换工资卡的流程) is delivered (held by e94512c: 换工资卡 read as
  changed);
- an approval reminder whose link shows oa.example.com and leads to oa.example.com.weaver-oa-service.cn;
- a company's Westpac account closed "so we will pay you from our BNZ account" is the payer's own; a Zoom account
  deactivated is no bank account (both held by the first version of this session's reading)."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from rules.content import parse
from rules.engine import EvaluationContext
from rules.model import Direction, Envelope
from tests.test_detection_classes import SHIPPED, _Dir
from tests.test_detection_heldout16_classes import inbound_action

SCAMS = [
    ("Zhou Jianguo", "zhou.jg.office@gmail.com", "quick favour",
     "Li Wei,\n\nI'm tied up with the health commission until late and can only email. We're closing a deposit today. "
     "I need you to process RMB 1,350,000; I'll send the beneficiary once you confirm.\n\nDon't loop in anyone else "
     "yet.\n\nZhou\n"),
    ("周建国", "zhoujg_1968@163.com", "在吗",
     "李伟，在公司吗？我在省医保局开会，手机静音了。等下有笔款要你安排一下，比较急，"
     "看到回我邮件。\n"),
    ("孙燕", "sunyan_gd@yeah.net", "工资卡变更",
     "王经理早，\n\n我原来那张工资卡被误冻结了。这个月工资麻烦帮我打到我爱人的卡上：\n"
     "户名：何志强\n卡号：6214 8320 5617 9903\n"),
]

GENUINE = [
    ("马骏", "majun_hn@163.com", "请问更换工资卡的流程",
     "王经理您好，\n\n公司邮箱在手机上登不上，先用私人邮箱问一下：我想把工资卡换成本地的工行卡，请问需要提交哪些材料？"
     "下周回上海可以当面办理，不急。\n"),
    ("Harbour Foods Accounts", "ap@harbourfoods.co.nz", "Remittance for invoice 905",
     "Hi,\n\nOur Westpac account has been closed, so going forward we will pay you from our BNZ account. Today's "
     "remittance of NZD 4,300 is for invoice 905.\n"),
    ("Anna (Sales)", "anna@kessler-medtech.de", "Call today",
     "Hi Alice,\n\nOur Zoom account was deactivated last week after the licence change, so today's call will be on "
     "Teams. Link to follow.\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), SCAMS, ids=[s[2] for s in SCAMS])
def test_these_scams_are_held(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) in ("quarantine", "reject")


@pytest.mark.parametrize(("display", "address", "subject", "body"), GENUINE, ids=[g[2] for g in GENUINE])
def test_the_genuine_mail_beside_them_is_delivered(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "deliver"


def _oa_reminder(href: str) -> str:
    us = "wang.fang@example.com"
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = "OA系统管理员 <oa-admin@weaver-oa-service.cn>", us, "OA 流程审批待办"
    m["Message-ID"], m["Date"] = "<oa@weaver-oa-service.cn>", "Mon, 07 Dec 2026 08:00:00 +0000"
    m.set_content("您有3条费用报销单即将超时。系统证书已更新，需重新验证身份后才能进入审批：oa.example.com/todo")
    m.add_alternative(f'<p>您有3条费用报销单即将超时。系统证书已更新，需重新验证身份后才能进入审批：'
                      f'<a href="{href}">oa.example.com/todo</a></p>', subtype="html")

    class Directory(_Dir):
        domains = ("example.com",)

    v = SHIPPED.evaluate(parse(m.as_bytes()), Envelope("oa-admin@weaver-oa-service.cn", (us,)),
                         EvaluationContext({us: Direction.INBOUND}, Directory()))
    return v.to_json()["recipients"][us]["action"]


def test_a_link_showing_our_host_and_leading_to_a_copy_of_it_is_held() -> None:
    assert _oa_reminder("https://oa.example.com.weaver-oa-service.cn/login?redirect=todo") == "quarantine"


def test_the_same_reminder_linking_to_our_own_host_is_delivered() -> None:
    assert _oa_reminder("https://oa.example.com/todo") == "deliver"
