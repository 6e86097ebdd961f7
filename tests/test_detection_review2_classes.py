"""Error classes of detection found by a second review (helper) of this session's changes (287
probes of genuine mail, scams and marked mail; 11 genuine inbound mails wrongly held), in wording of
our own. Each test of a class failed on 5dec8fc; the others guard against the opposite error.
Earlier: tests/test_detection_heldout16_classes.py and tests/test_detection_heldout20_classes.py.
"""

from __future__ import annotations

import pytest

from tests.test_detection_heldout16_classes import _with_header
from tests.test_detection_heldout20_classes import _out


@pytest.mark.parametrize(("display", "address", "subject", "body", "headers"), [
    # a genuine change that mentions the audit it followed, with a call-back to verify
    ("宁波海联船务 财务部", "finance@haelian-shipping.test", "收款账户变更函",
     "尊敬的客户：\n\n经年度审计建议，我司收款账户自1月1日起变更为中国银行宁波分行，账号 3712 5820 0012。盖章函件见附"
     "件，"
     "请致电 0574-8765 4321 核实。\n", {}),
    # 更新的账户 is no new account
    ("交通银行", "notice@bankcomm.com", "账户信息更新提醒",
     "尊敬的客户：\n\n请通过手机银行更新您的联系地址，逾期未更新的账户将被暂停部分功能。\n", {}),
    # fraud digests quoting the scam in single quotes
    ("ACFE Fraud Digest", "digest@acfe.test", "Fraud Digest",
     "The fraudster wrote: 'Due to an audit our account is frozen, please pay invoice 4471 to our new account today.' "
     "Always call back on a known number.\n", {}),
    ("Group Security", "security@hkbankers.test", "Members' alert: fake bank KYC emails",
     "We have received reports of fake KYC emails that say 'Your account will be suspended today unless you reply "
     "with your online banking user ID and token code.' Banks never ask for this by email.\n", {}),
    ("数字安全周报", "weekly@secweekly.test", "本周案例",
     "本周案例：某公司财务收到一封邮件，内容为‘我司账户因审计被冻结，请今天将货款转入新账户’，"
     "财务未电话核实即付款，损失80万元。\n", {}),
    # a confirmation of a call-back, and papers brought to a branch
    ("王会计", "wang.kj@hengxin-pack.test", "回复：核实收款账户",
     "李经理您好：\n\n您上午来电核实的收款账户无误，确为我司新账户。\n", {"In_Reply_To": "<a@example.com>"}),
    ("招商银行", "ebank@cmbchina.com", "【招商银行】企业账户年检提醒",
     "根据监管要求，贵单位账户需于2027年1月31日前完成年度信息核验，请携带营业执照、法定代表人身份证件原件至开户网点办"
     "理。"
     "逾期未办理的账户将被暂停非柜面业务。\n", {}),
])
def test_genuine_notices_the_second_review_found_held_are_delivered(display: str, address: str, subject: str,
                                                                   body: str, headers: dict[str, str]) -> None:
    assert _with_header(display, address, subject, body, **headers) == "deliver"


@pytest.mark.parametrize(("display", "address", "subject", "body"), [
    ("Joyce Ho", "joyce.ho.kwf@gmail.com", "Payment for December",
     "Dear Alice,\n\nKindly direct the outstanding balance of HKD 312,000 to our other account at Citibank "
     "(391-22881-003) instead of the usual one. This needs to be done by 3pm today.\n"),
    ("周会计", "zhou.kj.hengxin@163.com", "付款通知",
     "李经理：\n\n本月货款 186,000 元请转到以下账户：户名 陈建国，农业银行 6228 4800 1234 5678 901。今天务必转出，"
     "有问题加我微信 zhou_kj88。\n"),
    ("Alice Chen", "alice.chen.example@gmail.com", "Direct deposit",
     "Hello,\n\nPlease update my direct deposit to the account below before this month's payroll: Airstar Bank "
     "12345678. I can't take calls today, email only please.\n"),
])
def test_diversions_to_another_account_or_a_colleagues_new_card_are_held(display: str, address: str, subject: str,
                                                                         body: str) -> None:
    assert _with_header(display, address, subject, body) == "quarantine"


def test_a_reply_from_a_look_alike_asking_only_to_pay_today_is_held() -> None:
    body = ("Hi Alice,\n\nYes, the new IBAN is correct. Please process the EUR 7,200 today.\n\nSean\n\n"
            "________________________________\nFrom: Sean Byrne <sean@greenbay-foods.test>\nSent: Monday\nTo: Alice\n"
            "Subject: invoice GB-1182\n\nPlease find attached invoice GB-1182.\n")
    assert _with_header("Sean Byrne", "sean@greenbay-food.test", "RE: invoice GB-1182", body,
                        In_Reply_To="<b@example.com>") == "quarantine"


@pytest.mark.parametrize("body", [
    "Hallo Tom,\n\nhier die Q4-Zahlen. Streng vertraulich, bitte nicht weiterleiten.\n\nAlice\n",
    "Paul,\n\nThe Falcon numbers are below - for your eyes only.\n\nEBITDA: GBP 1.9m\n",
])
def test_german_handling_instructions_and_for_your_eyes_only_are_held(body: str) -> None:
    assert _out(body, "Zahlen Q4") == "quarantine"


@pytest.mark.parametrize(("subject", "body"), [
    ("回复：基金材料", "刘总您好：\n\n您提供的所有数据我们一定严格保密。\n\n李伟\n"),
    ("Candidate feedback", "We will keep all candidate information strictly confidential and delete it after the "
     "search.\n"),
    ("海报文案", "陈先生：\n\n副标题用“你知我知，不如大家都知”。\n\n李伟\n"),
])
def test_our_promise_to_keep_their_data_and_a_quoted_slogan_are_no_markers(subject: str, body: str) -> None:
    assert _out(body, subject) == "deliver"


def test_the_scam_patterns_are_written_in_simplified_characters() -> None:
    # (a traditional character in a pattern, 帳戶, made the folder write every simplified 户 as 戶,
    # and no 账户 of any text was found again: the patterns hold one spelling, the folder the rest)
    from rules.chinese_variants import _convert
    from rules.scam_text import _pattern_chars
    chars = {c for c in _pattern_chars() if "\u4e00" <= c <= "\u9fff"}
    traditional = sorted(c for c in chars if _convert("t2s", c) != c)
    assert traditional == []
    from rules.scams import fold
    assert fold("帳戶 賬號 戶口") == "帐户 账号 户口"


# -- blind sets 24 and 25, measured last (on 4796390: 0.981/0.972 and 1.000/0.964; failed on 4796390) --

@pytest.mark.parametrize(("display", "address", "subject", "body"), [
    ("Robert Sterling", "r.sterling@sterling-partners-law.test", "Project Bamboo - completion funds",
     "Dear Ms Chen,\n\nMr Cheung has authorised a deposit of HK$2,400,000 to be transferred to our escrow account tod"
     "ay "
     "so that exclusivity can be signed.\n\nAccount: 016-478-0092215-3\n\nYou must not discuss this with anyone in yo"
     "ur "
     "firm until the announcement.\n"),
    ("Richard Lau", "r.lau@lau-associates-law.test", "Confidential - Project Harbour",
     "Zhou Min,\n\nJianguo asked me to coordinate an initial deposit of HKD 1,450,000 with you today. This must remain "
     "strictly confidential - do not discuss with anyone else.\n"),
    ("玉泰商業銀行", "service@yutai-bank-tw.test", "帳戶凍結通知",
     "親愛的客戶您好：\n\n您的網路銀行帳戶有異常登入，帳戶已暫時凍結。請於 24 小時內回覆本郵件，提供身分證字號、信用"
     "卡號及到期日、"
     "以及手機驗證碼以解除凍結。\n"),
    ("蓝浪旅行商户部", "merchant@bluewave-ota-partner.test", "金牌商户保证金缴纳通知",
     "您好：\n\n贵酒店已入选「金牌合作商户」，需缴纳履约保证金 20,000 元，请转账至以下对公账户：深圳市汇达贸易有限公"
     "司，"
     "账号 6230 5821 9900 1147，并加企业微信 lanlan_biz。\n"),
    ("信易贷金融", "daikuan_shenpi@xyd-jinrong.test", "您的企业经营贷已审批通过",
     "尊敬的客户：\n\n您申请的企业经营贷款人民币 500,000 元已审批通过。请先缴纳 5% 的验资保证金（25,000 元）至以下账"
     "户，到账后 30 "
     "分钟内放款。\n"),
])
def test_the_scams_sets_24_and_25_missed_are_held(display: str, address: str, subject: str, body: str) -> None:
    assert _with_header(display, address, subject, body) == "quarantine"


@pytest.mark.parametrize(("display", "address", "subject", "body"), [
    ("Jane Lee", "jane.lee@lee-law.test", "Completion",
     "Dear Ms Wang,\n\nPlease arrange the deposit of HKD 2,000,000 to our client account on completion on 31 March, "
     "as set out in clause 3 of the signed SPA. Please call me if you have any questions.\n"),
    ("HSBC", "alerts@hsbc.com.hk", "Your account has been locked",
     "Dear Customer,\n\nYour online banking account has been locked after three failed attempts. Please call us on the "
     "number on the back of your card.\n"),
])
def test_a_lawyers_completion_and_a_banks_lockout_notice_are_delivered(display: str, address: str, subject: str,
                                                                       body: str) -> None:
    assert _with_header(display, address, subject, body) == "deliver"
