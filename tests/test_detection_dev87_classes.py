"""Scam classes a blind set (dev 87: an automotive parts maker's inbound mail) found delivered, each written here in
our own words (issue 19); all delivered by e94512c:

- the fake big buyer whose contract needs a notary's or a test centre's fee first, "borne by the supplier"
  (由供货方承担)
  and paid to the buyer's own lawyer or "our designated" test centre (我们会指定律师办理);
- the domain and trademark scare in Chinese, Simplified and Traditional (我中心收到“…有限公司”的申请…注册…域名;
  本處收到「…」提交的申請，擬…註冊「EXAMPLE CORP」商標): 註冊 did not fold to 注册, since OpenCC turns 注 into 注;
- a diversion because "our previous bank account is closed", and an account's "upgrade"
  (因公司对公账户升级，请扫码支付);
- a protected purchase order "opened with your Microsoft 365 login", a portal whose "password is your company mailbox
  password" (账号为贵司企业邮箱，密码为企业邮箱密码);
- a look-alike under a registry's country ending (brenner-guss.de.com, …autoparts.us.com);
- the boss's acquisition: "follow his instructions for the deposit of EUR 286,000", "do not speak about it with
  anyone", from a domain wearing our name with a Reply-To on proton.me;
- the fake auditor who asks for token serial numbers "not discussed with your colleagues";
- a customs office by any name (海关AEO认证服务中心) asking a review fee into its "designated account";
- ADP's name worn ("ADP Payroll Services" at adp-workforce-notice.com);
- the romance opener: a stranger who "saw your profile on LinkedIn", writes of loneliness or the reader's smile and
  gives a WhatsApp number or "my private mail".

The genuine mail beside them stays delivered: a buyer whose own lab tests at its cost, a supplier's quote where freight
is borne by us, a bank change announced with a call-back, a registrar's own renewal, a company on its own .com, a
recruiter who saw the profile, ADP from adp.com."""

from __future__ import annotations

import pytest

from rules.impersonation import COUNTRY_SLD, impersonated
from tests.test_detection_heldout16_classes import US_INBOUND, _inbound_verdict, inbound_action

SCAMS = [
    ("Al Noor Auto Trading", "alnoor.buyer.dxb@gmail.com", "大额采购意向",
     "王经理您好：\n\n我们计划向贵司采购刹车片约 150 万美元。按照本地进口规定，签约前须办理合同公证，"
     "费用为 2,900 美元，由供货方承担，我们会指定律师办理。公证完成后即付 30% 预付款。\n"),
    ("采购办 刘主任", "liu.caigou88@sina.com", "公务车配件采购",
     "您好：\n\n我单位有一批配件采购项目，约 90 万元。供货方的样品须先送我们指定的第三方检测中心检测，"
     "检测费 6,500 元由供货方承担，检测通过后签约。请直接联系检测中心缴费。\n"),
    ("中国网络品牌注册中心", "wang.audit@cn-brandzhuce.cn", "关于“examplecorp”域名注册的确认",
     "尊敬的总经理：\n\n我中心收到“深圳市恒达信息科技有限公司”的申请，要求注册“examplecorp”作为通用网址及以下域名：\n"
     "examplecorp.cn\nexamplecorp.com.cn\n\n经审核，该名称与贵公司名称相同，请在7个工作日内回复，逾期将批准对方申请。\n"),
    ("商標審核處", "review@hk-tm-registry.hk.com", "關於「EXAMPLE」商標註冊申請的確認",
     "尊敬的負責人：\n\n本處近日收到「香港宏信貿易有限公司」提交的申請，擬在香港註冊「EXAMPLE」商標。"
     "經審核，該名稱與貴公司名稱相同，如非貴公司授權，建議貴公司7個工作日內先行提交保護性註冊。\n"),
    ("Audit Consult Accounts", "accounts@tuv-auditconsult.eu", "Audit invoice - remittance update",
     "Dear Sir,\n\nPlease note our previous bank account is closed, kindly use the new one only:\n\n"
     "IBAN: GB33 REVO 0099 7012 3456 78\n\nPlease process today as the invoice is past due.\n"),
    ("锦程物流 结算部", "jiesuan@jincheng-wl.top", "5月运费",
     "财务您好：\n\n贵司5月运费共计 ¥ 38,200.00。因公司对公账户升级，本月请通过以下链接扫码支付，"
     "请于周五前完成，逾期将暂停提货。\nhttps://jincheng-wl.top/pay\n"),
    ("Valtera Purchasing", "buyer@valtera-autos.com", "PO 7731 brackets",
     "Hello,\n\nAttached is our purchase order. The document is protected, please open it with your Microsoft 365 "
     "login to view the quantities.\n\nRegards\nJonas\n"),
    ("华骋汽车采购中心", "srm@huacheng-autos.cn", "新采购订单待确认",
     "尊敬的供应商：\n\n贵司有一张新的采购订单待确认，请登录供应商平台确认：http://huacheng-autos.cn/srm\n"
     "账号为贵司企业邮箱，密码为企业邮箱密码。\n"),
    ("Brenner Giesserei", "buchhaltung@brenner-guss.de.com", "Updated bank details",
     "Dear Customer,\n\nDue to a change of our banking partner, all outstanding payments must be made to the new "
     "account below with immediate effect:\n\nIBAN: BE71 9670 4211 8869\nBIC: TRWIBEB1\n\nKindly confirm by reply.\n"),
    ("Halvorsen Audit", "r.lind@halvorsen-audits.com", "Year-end confirmations",
     "Dear Mr Li,\n\nCould you please send us today the online banking user list and the token serial numbers of the "
     "authorised signatories. Our partner asked that this is not discussed with your colleagues until fieldwork.\n"),
    ("海关AEO认证服务中心", "aeo@customs-aeo-fw.com", "AEO复核收费通知",
     "贵企业：\n\n根据工作安排，贵企业需在本月内完成高级认证企业复核，复核服务费：人民币 9,800 元。"
     "请将费用汇入服务中心指定账户。\n"),
    ("ADP Payroll Services", "alerts@adp-payroll-notice.com", "Payroll changes pending approval",
     "There are 2 pending changes to employee direct deposit information awaiting your approval.\n\n"
     "Review changes:\nhttps://adp-payroll-notice.com/approve\n"),
    ("Lily 陈", "lily.chen66@hotmail.com", "冒昧打扰",
     "刘先生您好，我是在领英上看到您的资料，很想认识一下。我一个人在外面工作，有时候挺孤单的。"
     "方便的话加我的WhatsApp +65 9012 3456 聊聊天。\n"),
    ("Anna", "anna.k1993@mail.ru", "I saw your profile",
     "Hello Bob,\n\nI saw your profile on LinkedIn and your smile made me want to say hello. I am thinking to start a "
     "new life abroad. Please write me back, here is my private mail.\n"),
]

GENUINE = [
    ("Kestrel Trucks Purchasing", "purchasing@kestrel-trucks.de", "RFQ wheel hub bearings",
     "Dear Sales,\n\nPlease quote 4,000 sets. Samples will be tested in our own lab at our cost; an SGS report from "
     "your side is welcome but not required.\n"),
    ("华信物流", "quote@huaxin-wl.com", "报价单",
     "王经理您好：\n\n附件为上海至汉堡的报价，运费 2,300 美元，港杂费由贵司承担，请确认。\n"),
    ("Brenner Giesserei", "buchhaltung@brenner-guss.de", "New bank details - please verify by phone",
     "Dear Customer,\n\nOur previous bank account is closed after the merger of our bank. The new details are in the "
     "signed letter attached. Please call our accounts team on the number in your vendor file to verify before "
     "your next payment.\n"),
    ("ADP", "noreply@adp.com", "Your pay statement is available",
     "Your pay statement for March is available. Sign in to ADP with your username to view it.\n"),
    ("Sarah (Recruiter)", "sarah.lee@hays.com", "Quality engineer role",
     "Hi Bob,\n\nI saw your profile on LinkedIn and wanted to share a quality engineer role in Stuttgart. Are you open "
     "to a short call this week?\n"),
    ("Gandi", "noreply@gandi.net", "Domain renewal reminder: example-corp.eu",
     "Your domain example-corp.eu expires in 30 days. Renew it from your Gandi account.\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), SCAMS, ids=[s[2][:40] for s in SCAMS])
def test_these_scams_are_held(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) in ("quarantine", "reject")


@pytest.mark.parametrize(("display", "address", "subject", "body"), GENUINE, ids=[g[2][:40] for g in GENUINE])
def test_the_genuine_mail_beside_them_is_delivered(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "deliver"


def test_the_bosss_acquisition_with_a_reply_to_elsewhere_is_held() -> None:
    v = _inbound_verdict(
        "Daniel Hart", "d.hart@examplecorp-board.com", "Project Falcon - strictly confidential",
        "Li Wei,\n\nWe are acquiring a tooling company. This is strictly confidential, so do not speak about it with "
        "anyone in the office until the announcement.\n\nYou will be contacted today by our lawyer who handles the "
        "escrow. Please follow his instructions for the deposit of EUR 286,000.\n\nDaniel\n",
        Reply_To="d.hart.falcon@proton.me")
    assert v.to_json()["recipients"][US_INBOUND]["action"] == "quarantine"


@pytest.mark.parametrize("address", ["a@brenner-guss.de.com", "a@mail.stonebridge.us.com", "a@acme.uk.com"])
def test_a_name_under_a_country_look_alike_ending_is_a_disguise(address: str) -> None:
    assert impersonated(["Accounts"], [address], ["example.com"]) == COUNTRY_SLD


@pytest.mark.parametrize("address", ["a@de.com", "a@acme.com", "a@acme.com.cn", "a@acme.co.uk"])
def test_ordinary_domains_wear_no_country_ending(address: str) -> None:
    assert impersonated(["Accounts"], [address], ["example.com"]) is None


def test_a_domain_scare_naming_the_trademark_first_is_still_held() -> None:
    """The trademark read as a claim of its own (this session) came before the domain claim and, with no scare
    question, ended the reading: a held-out set's domain scare was delivered. Each claim is read now."""
    body = ("尊敬的负责人：\n\n本中心收到“深圳市腾岳科技有限公司”的申请，该公司欲以“examplecorp”作为网络关键词及域名"
            "（examplecorp.cn、examplecorp.com.cn、examplecorp.hk 等）进行注册。\n\n经审核，上述名称与贵公司名称及商标"
            "相同，如果贵司没有授权对方注册，请在7个工作日内回复，逾期我们将批准对方的申请。\n\n"
            "亚洲域名注册服务中心 审核部\n")
    action = inbound_action("亚洲域名注册服务中心", "audit@asia-domain-reg.cn", "关于域名注册的确认", body)
    assert action == "quarantine"
