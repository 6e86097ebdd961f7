"""Genuine inbound mail a precision review (review 92: a schools and auto-parts group's mail) found held, in our own
words (issue 19); each was held by e94512c:

- a customs broker's bill that says its account "has not changed; if you ever receive a notice of a change, call us
  first" (若日后收到任何本公司变更帐户的通知，请先致电…确认): the change read as asked;
- a supplier merged into its group whose subject announces the change of account, and whose body asks for the
  call-back on the contract's number and keeps the old account until then (请继续按原合同账户付款);
- a social-insurance provider's bill beside its new sign-in: "enter the SMS code sent to the administrator's
  phone after your password" (the code read as asked);
- a customer's SRM notice: "原账号密码登录方式停用", "访问原SRM平台地址 … 管理员手机号接收短信验证码",
  "每个子账号绑定独立手机号" (the retired login, the platform's address and two phones read as particulars asked)."""

from __future__ import annotations

import pytest

from tests.test_detection_heldout16_classes import inbound_action

GENUINE = [
    ("宏捷报关 会计部", "billing@hongjie-customs.com.tw", "6月样品进口费用请款",
     "您好：\n\n贵司寄给台中客户的样品已完成通关，本次费用如下：进口关税 2,736 元，报关费 1,500 元。"
     "请款单如附件，汇款帐户与本公司合约所载相同，并未变更；若日后收到任何本公司变更帐户的通知，请先致电 (03) 383-2210 "
     "与会计部林小姐确认。\n"),
    ("顺达通 结算中心", "jiesuan@shundatong-wl.com", "关于我司吸收合并后合同主体及收款账户变更的通知函",
     "贵司财务部：\n\n因集团内部重组，我司已被江苏顺达通供应链管理有限公司吸收合并，收款账户相应变更。"
     "请按贵司供应商主数据变更流程办理，并回电我司结算中心核验，座机为合同中预留的 0512-6809 3371。"
     "在贵司完成变更并书面确认之前，"
     "请继续按原合同账户付款。\n"),
    ("人联通 社保服务", "bill@renliantong-hr.com", "7月社保账单及平台登录方式调整",
     "人事部：\n\n7月社保代缴账单已生成，合计 312,486.40 元，请于7月15日前支付至服务合同约定的我司账户，"
     "账户信息未发生变更。\n\n"
     "平台登录方式调整：自8月1日起，企业管理员登录平台时，在输入账号密码后需再输入发送至管理员手机的短信验证码。\n"),
    ("瑞驰汽车 供应商协同平台", "srm-notice@ruichi-motor.com", "SRM平台统一身份认证升级",
     "各供应商伙伴：\n\n具体安排如下：\n\n一、10月8日起，原账号密码登录方式停用。\n二、访问原SRM平台地址，使用贵司在平台登记的"
     "管理员手机号接收短信验证码完成首次绑定。\n三、每个子账号绑定独立手机号。\n四、我司工作人员不会索要贵司的密码或验证码。\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), GENUINE, ids=[g[2][:30] for g in GENUINE])
def test_the_genuine_mail_is_delivered(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "deliver"


def test_a_change_of_account_without_its_check_is_still_a_diversion() -> None:
    body = ("贵司财务部：\n\n因集团内部重组，我司收款账户变更为以下账户，请今天内安排付款：\n户名：江苏顺达通供应链\n"
            "账号：6222 0000 1111 2222\n")
    assert inbound_action("顺达通 结算中心", "jiesuan@shundatong-wl.com", "收款账户变更通知", body) == "quarantine"


def test_an_old_password_asked_is_still_an_ask() -> None:
    """The retired sign-in (原账号密码登录方式停用) is no ask; the mailbox's old password asked for is one."""
    body = "您好：\n\n邮箱系统升级，请回复您邮箱的原密码以完成验证，今天内未回复将停用邮箱。\n"
    assert inbound_action("邮箱管理中心", "admin@mail-upgrade-notice.cn", "邮箱升级验证", body) == "quarantine"
