"""Precision review 16: 100 genuine mails a helper wrote against this session's readings (told what they read, not
how). Eleven were held on e284777 and sixteen on 404c1b6; the classes, written anew here: supplier bank changes
"following the annual audit" whose account name "remains the same", to be confirmed by phone on the number "as
listed on our website" or 合同上留的财务电话; a trade association's 企业名录 with its 年费;
Slack Connect's "sign in with your company email"; a hospital forwarding a fake bank change
("收到下面这封邮件，说是贵司发的…请问这是真的吗？"), a carrier forwarding a fake duty demand
("落款是…这应该不是你们发的吧"), advisories setting out a scam's text under "典型邮件内容如下："
or "Example observed (defanged):"; a tax bureau's refund notice, whose 退税款 is no fee. Each fails on
404c1b6 (the guard excepted: a scam's own "为防诈骗，新账户如下：" sets out no example). A customer's
pasted WhatsApp chat under "is this really you?" was read as a forward for a while; review 17 showed a task scam
pasting its own "chat" under "is this real?", and the pasted chat is no forward's header again (that genuine
report is held).
"""

from __future__ import annotations

import pytest

from tests.test_detection_heldout16_classes import inbound_action

GENUINE = [
    ("Rhein Reference Materials AR", "ar@rhein-refmat.de", "Change to our EUR collection account",
     "Dear Customer,\n\nFollowing the annual audit of our banking arrangements we are closing our EUR account at "
     "Commerzbank. From 1 November, EUR payments should now be made to our EUR account at Deutsche Bank. The "
     "account name remains \"Rhein Reference Materials GmbH\".\n\nPlease confirm the new details by phone with our "
     "accounts receivable team on +49 621 1587 300\nas listed on our website and on all invoices.\n"),
    ("梁志坚", "liangzj@fs-huakang.com", "收款账户变更通知（审计后账户整合，账户名称不变）",
     "张经理您好！按审计师的建议，我司 4 月 1 日起统一用建行基本户收款，账户名称不变，只是开户行和账号有变化。"
     "麻烦您收到后打我们合同上留的财务电话 0757-8632 1155 核实一下，确认无误后再改系统。\n"),
    ("省医药行业协会 秘书处", "msc@gd-pharma-assoc.org.cn", "关于缴纳 2026 年度会费及更新企业名录信息的通知",
     "各会员单位：\n\n2026 年度会费标准不变，理事单位年费人民币 8,000 元，会员单位年费人民币 3,000 元，"
     "请于 3 月底前转入协会对公账户。协会将同步更新《会员企业名录》，如信息有变化请回传核对表。\n"),
    ("Slack", "feedback@slack.com", "Priscilla Ng invited you to a channel on Slack",
     "Priscilla Ng from Averline Healthcare has invited you to join #ext-supply using Slack Connect. You'll keep "
     "using your own company's Slack workspace - sign in with your company email to accept.\n"),
    ("华穗医院 财务科", "wuxy@huasui-hospital.org.cn", "Fw: 关于回款账户临时调整的紧急通知",
     "张老师：\n\n您好！我院财务科今天收到下面这封邮件，说是贵司发的，要求把 9 月份的回款转到新账户，账户也是个人名字。"
     "请问这是真的吗？我们没有处理。\n\n吴晓燕\n\n发件人: 财务部 <yike_cw2025@163.com>\n\n发送时间: 2025年9月16日\n\n"
     "主题: 紧急通知\n\n因我司公户正在接受税务稽查，暂时无法收款，请今天将货款转入财务负责人个人账户。\n"),
    ("冷运通 客服主管", "kefu@lengyuntong.com.cn", "请确认：海关代缴关税的邮件",
     "黄经理：\n\n我们客服今天收到一封邮件，落款是“易珂医药物流部”，说是那票冷链货被海关查验，"
     "要求我们先代垫关税及滞纳金 12,600 元到一个海关代缴账户。这应该不是你们发的吧？\n\n"
     "---------- 转发的邮件 ----------\n"
     "发件人：\"物流部\" <ykyy-logistics@qq.com>\n日期：2025年5月28日\n主题：紧急！海关查验通知\n\n"
     "需缴纳关税及滞纳金 12,600 元，请于今日 16:00 前转入海关代缴账户：户名 王某，否则货物将被扣留销毁。\n"),
    ("行业协会 秘书处", "msc@gd-distributors.org.cn", "【风险提示】警惕冒充药监部门实施诈骗",
     "各会员单位：\n\n近期多家会员单位反映收到冒充药品监督管理局工作人员的邮件，要求企业缴纳整改保证金。典型邮件内容如下：\n\n"
     "贵公司：经我局飞行检查发现存在缺陷。请于今日 17 时前缴纳整改保证金 30,000 元至以下账户，并添加检查组联络员"
     "微信 gdyj_jc2025。逾期将依法公开通报。\n\n协会提醒：\n- 药品监管部门检查不收取任何费用。\n"),
    ("Sentinel Ridge Security", "advisories@sentinelridge.hk", "Threat advisory: fake DHL duty notices",
     "Summary. Our SOC has observed a phishing campaign that imitates DHL Express customs-duty notices.\n\n"
     "Example observed (defanged):\n\nFrom: DHL Express <notice@dhl-customs-hk[.]com>\n\nSubject: import duty "
     "unpaid\n\nYour parcel is held at customs. Import duty HKD 38.60 must be paid within 24 hours. Sign in with "
     "your company email account to view the invoice and pay now.\n\nRecommendations. Block the listed domains.\n"),
    ("国家税务总局广州市黄埔区税务局", "noreply@guangdong.chinatax.gov.cn", "退税办理完毕通知",
     "您单位申请的 2024 年度企业所得税汇算清缴退税，经审核已办理完毕：\n  应退税额：人民币 186,432.17 元\n"
     "  退税方式：退至您单位在税务机关登记的银行存款账户\n\n退税款到账时间以银行实际入账为准。\n"),
]


@pytest.mark.parametrize("display,address,subject,body", GENUINE, ids=[g[2][:40] for g in GENUINE])
def test_review_16s_genuine_mail_is_delivered(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "deliver"


def test_a_scam_calling_its_own_account_anti_fraud_is_still_held() -> None:
    """A guard: "为防诈骗" before its own new account sets out no example (held on 404c1b6 too)."""
    assert inbound_action("供应商财务部", "cw.huaxin@163.com", "收款账户变更",
                          "您好，为防诈骗，我司已更换收款账户，新账户如下：\n户名：刘洋\n"
                          "账号：6217 0000 1023 7781 904\n"
                          "请今天将货款转入新账户，电话系统升级中，请邮件联系。\n") == "quarantine"
